//! `kubectl stackset traffic [NAME]`: desired versus actual traffic per
//! stack, and why they differ.

use k8s_openapi::jiff::Timestamp;

use super::observe::{
    Clock, Rendered, Watch, interval, read_one, refuse_all_namespaces, structured, watch,
};
use crate::cli::{OutputFormat, TrafficArgs};
use crate::cluster::Connection;
use crate::cluster::inspect::resolve_stackset;
use crate::error::Failure;
use crate::render::out;
use crate::render::table::{TableOpts, traffic_line, traffic_table};
use crate::render::view::{TrafficView, traffic_view};
use crate::render::watch::Screen;

/// Reads and builds the traffic view of one StackSet (no events).
pub async fn view(
    conn: &Connection,
    ns: &str,
    name: Option<&str>,
    controller_id: &str,
    now: Timestamp,
) -> Result<TrafficView, Failure> {
    let (d, _, _) = read_one(conn, ns, name, controller_id, now, false).await?;
    Ok(traffic_view(&d.snapshot, &d.rec, &d.managed_by))
}

fn render(
    view: &TrafficView,
    args: &TrafficArgs,
    screen: Screen,
    stream: bool,
) -> Result<Rendered, Failure> {
    let names = || {
        view.stacks
            .iter()
            .map(|s| format!("stack.zalando.org/{}\n", s.stack))
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
        text: traffic_table(view, opts, screen.style),
        lines: vec![(view.name.clone(), traffic_line(view))],
    })
}

/// Shows desired versus actual traffic (`traffic [NAME]` without a subcommand).
pub async fn show(
    conn: &Connection,
    all_namespaces: bool,
    args: &TrafficArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    refuse_all_namespaces(all_namespaces, "traffic")?;
    let every = interval(&args.view.interval)?;
    let (client, ns) = (&conn.client, conn.namespace.as_str());
    let id = args.view.controller_id.as_str();
    if !args.view.watch {
        let v = view(conn, ns, args.name.as_deref(), id, now()).await?;
        if v.stacks.is_empty() && args.view.output.is_table() {
            eprintln!("stackset {} has no stacks yet", v.name);
            return Ok(());
        }
        return out(&render(&v, args, screen, false)?.text);
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
            render(&v, args, screen, true)
        },
    )
    .await
}
