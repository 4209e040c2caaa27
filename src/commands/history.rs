//! `kubectl stackset history [NAME]`: the versions of a StackSet, newest
//! first, with their images, creation time and when each last had traffic.

use k8s_openapi::jiff::Timestamp;

use super::observe::{
    Clock, Rendered, Watch, interval, read_one, refuse_all_namespaces, structured, watch,
};
use crate::cli::{HistoryArgs, OutputFormat};
use crate::cluster::Connection;
use crate::cluster::inspect::resolve_stackset;
use crate::error::Failure;
use crate::render::out;
use crate::render::table::{TableOpts, history_lines, history_table};
use crate::render::view::{HistoryView, history_view};
use crate::render::watch::Screen;

/// Reads and builds the history of one StackSet (no events).
pub async fn view(
    conn: &Connection,
    ns: &str,
    name: Option<&str>,
    controller_id: &str,
    now: Timestamp,
) -> Result<HistoryView, Failure> {
    let (d, _, _) = read_one(conn, ns, name, controller_id, now, false).await?;
    Ok(history_view(&d.snapshot, &d.rec, &d.managed_by))
}

fn render(
    view: &HistoryView,
    args: &HistoryArgs,
    screen: Screen,
    now: Timestamp,
    stream: bool,
) -> Result<Rendered, Failure> {
    let names = || {
        view.versions
            .iter()
            .map(|v| format!("stack.zalando.org/{}\n", v.stack))
            .collect()
    };
    if let Some(text) = structured(view, args.view.output, stream, !args.view.no_headers, names)? {
        return Ok(Rendered {
            text,
            lines: Vec::new(),
        });
    }
    let opts = TableOpts {
        wide: args.view.output == OutputFormat::Wide,
        no_headers: args.view.no_headers,
        all_namespaces: false,
    };
    Ok(Rendered {
        text: history_table(view, opts, screen.style, now),
        lines: history_lines(view),
    })
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &HistoryArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    refuse_all_namespaces(all_namespaces, "history")?;
    let every = interval(&args.view.interval)?;
    let (client, ns) = (&conn.client, conn.namespace.as_str());
    let id = args.view.controller_id.as_str();
    if !args.view.watch {
        let at = now();
        let v = view(conn, ns, args.name.as_deref(), id, at).await?;
        if v.versions.is_empty() && args.view.output.is_table() {
            eprintln!("stackset {} has no stacks yet", v.name);
            return Ok(());
        }
        return out(&render(&v, args, screen, at, false)?.text);
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None => resolve_stackset(client, ns, None)
            .await?
            .metadata
            .name
            .unwrap_or_default(),
    };
    let name = name.as_str();
    watch(
        conn,
        Watch {
            ns: Some(ns),
            stackset: Some(name),
            format: args.view.output,
            screen,
            every,
        },
        now,
        |at| async move {
            let v = view(conn, ns, Some(name), id, at).await?;
            render(&v, args, screen, at, true)
        },
    )
    .await
}
