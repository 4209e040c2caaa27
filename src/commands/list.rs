//! `kubectl stackset list [-A] [-l SELECTOR]`: one row per StackSet with its
//! traffic and status, from one request per kind for all of them.

use k8s_openapi::jiff::Timestamp;

use super::observe::{Clock, Rendered, Watch, interval, read_many, structured, watch};
use crate::cli::{ListArgs, OutputFormat};
use crate::cluster::Connection;
use crate::error::Failure;
use crate::render::out;
use crate::render::table::{TableOpts, list_lines, list_table};
use crate::render::view::{StackSetListView, list_view, summary};
use crate::render::watch::Screen;

/// Reads and builds the list view of a namespace, or of all with `None`.
pub async fn view(
    conn: &Connection,
    ns: Option<&str>,
    selector: Option<&str>,
    controller_id: &str,
    now: Timestamp,
) -> Result<StackSetListView, Failure> {
    let decided = read_many(conn, ns, selector, controller_id, now).await?;
    Ok(list_view(
        decided
            .iter()
            .map(|d| summary(&d.snapshot, &d.rec, &d.managed_by, now))
            .collect(),
    ))
}

fn render(
    view: &StackSetListView,
    args: &ListArgs,
    all_namespaces: bool,
    screen: Screen,
    now: Timestamp,
    stream: bool,
) -> Result<Rendered, Failure> {
    let names = || {
        view.items
            .iter()
            .map(|s| format!("stackset.zalando.org/{}\n", s.name))
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
        all_namespaces,
    };
    let text = if view.items.is_empty() {
        String::new()
    } else {
        list_table(view, opts, screen.style, now)
    };
    Ok(Rendered {
        text,
        lines: list_lines(view),
    })
}

fn nothing_found(ns: Option<&str>) {
    match ns {
        Some(ns) => eprintln!("No resources found in {ns} namespace."),
        None => eprintln!("No resources found"),
    }
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &ListArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    let every = interval(&args.view.interval)?;
    let ns = (!all_namespaces).then_some(conn.namespace.as_str());
    let selector = args.selector.as_deref();
    let id = args.view.controller_id.as_str();
    if !args.view.watch {
        let at = now();
        let v = view(conn, ns, selector, id, at).await?;
        if v.items.is_empty() && args.view.output.is_table() {
            nothing_found(ns);
            return Ok(());
        }
        return out(&render(&v, args, all_namespaces, screen, at, false)?.text);
    }
    watch(
        conn,
        Watch {
            ns,
            stackset: None,
            format: args.view.output,
            screen,
            every,
        },
        now,
        |at| async move {
            let v = view(conn, ns, selector, id, at).await?;
            render(&v, args, all_namespaces, screen, at, true)
        },
    )
    .await
}
