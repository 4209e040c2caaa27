//! `kubectl stackset get [NAME] [STACK]`: one StackSet, its stacks, why
//! traffic differs from what was asked for, and the latest Warning events.

use k8s_openapi::jiff::Timestamp;

use super::observe::{
    Clock, Rendered, Watch, interval, read_one, refuse_all_namespaces, structured, watch,
};
use crate::cli::GetArgs;
use crate::cluster::Connection;
use crate::cluster::inspect::resolve_stackset;
use crate::error::Failure;
use crate::render::out;
use crate::render::table::{TableOpts, get_line, get_table};
use crate::render::view::{Input, StackSetView, only_stack, stackset_view};
use crate::render::watch::Screen;

/// Reads and builds the view of one StackSet (one request per kind, events included).
pub async fn view(
    conn: &Connection,
    ns: &str,
    name: Option<&str>,
    context: Option<&str>,
    controller_id: &str,
    now: Timestamp,
) -> Result<(StackSetView, Option<String>), Failure> {
    let (d, events, events_problem) = read_one(conn, ns, name, controller_id, now, true).await?;
    let view = stackset_view(Input {
        snapshot: &d.snapshot,
        rec: &d.rec,
        managed_by: &d.managed_by,
        context,
        events: &events,
        now,
    });
    Ok((view, events_problem))
}

fn render(
    view: &StackSetView,
    args: &GetArgs,
    screen: Screen,
    now: Timestamp,
    stream: bool,
) -> Result<Rendered, Failure> {
    let names = || match &args.stack {
        Some(_) => view
            .stacks
            .iter()
            .map(|s| format!("stack.zalando.org/{}\n", s.name))
            .collect(),
        None => format!("stackset.zalando.org/{}\n", view.name),
    };
    if let Some(text) = structured(view, args.view.output, stream, !args.view.no_headers, names)? {
        return Ok(Rendered {
            text,
            lines: Vec::new(),
        });
    }
    let opts = TableOpts {
        wide: args.view.output == crate::cli::OutputFormat::Wide,
        no_headers: args.view.no_headers,
        all_namespaces: false,
    };
    Ok(Rendered {
        text: get_table(view, opts, screen.style, now),
        lines: vec![(view.name.clone(), get_line(view))],
    })
}

fn narrow(view: &mut StackSetView, stack: Option<&str>) -> Result<(), Failure> {
    if let Some(wanted) = stack {
        only_stack(view, wanted).map_err(|e| {
            Failure::error(e).hint("name a stack by its version (v2) or its full name (my-app-v2)")
        })?;
    }
    Ok(())
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &GetArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    refuse_all_namespaces(all_namespaces, "get")?;
    let every = interval(&args.view.interval)?;
    let (client, ns, ctx) = (
        &conn.client,
        conn.namespace.as_str(),
        conn.context.as_deref(),
    );
    let id = args.view.controller_id.as_str();
    if !args.view.watch {
        let at = now();
        let (mut v, events_problem) = view(conn, ns, args.name.as_deref(), ctx, id, at).await?;
        if let Some(p) = events_problem {
            eprintln!("warning: events not shown: {p}");
        }
        narrow(&mut v, args.stack.as_deref())?;
        return out(&render(&v, args, screen, at, false)?.text);
    }
    // Resolve the name once, so that the watch is scoped to one StackSet.
    let name = match &args.name {
        Some(n) => n.clone(),
        None => resolve_stackset(client, ns, None)
            .await?
            .metadata
            .name
            .unwrap_or_default(),
    };
    let mut warned = false;
    watch(
        conn,
        Watch {
            ns: Some(ns),
            stackset: Some(&name),
            format: args.view.output,
            screen,
            every,
        },
        now,
        |at| {
            let name = name.clone();
            let warn_now = !warned;
            warned = true;
            async move {
                let (mut v, events_problem) = view(conn, ns, Some(&name), ctx, id, at).await?;
                if let (Some(p), true) = (events_problem, warn_now) {
                    eprintln!("warning: events not shown: {p}");
                }
                narrow(&mut v, args.stack.as_deref())?;
                render(&v, args, screen, at, true)
            }
        },
    )
    .await
}
