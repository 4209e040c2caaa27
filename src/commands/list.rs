//! `kubectl stackset list [-A] [-l SELECTOR]`: one row per StackSet with its
//! traffic and status, from one request per kind for all of them.

use k8s_openapi::jiff::Timestamp;

use super::observe::{Clock, Flags, ReadCommand, Scope, read_many, show};
use crate::cli::ListArgs;
use crate::cluster::Connection;
use crate::error::Failure;
use crate::render::style::Style;
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

struct List<'a> {
    conn: &'a Connection,
    args: &'a ListArgs,
    /// The namespace, or all with `None` (`-A`).
    ns: Option<&'a str>,
}

impl ReadCommand for List<'_> {
    type View = StackSetListView;

    async fn read(
        &self,
        _: Option<&str>,
        at: Timestamp,
        _: bool,
    ) -> Result<StackSetListView, Failure> {
        let selector = self.args.selector.as_deref();
        let id = self.args.view.controller_id.as_str();
        view(self.conn, self.ns, selector, id, at).await
    }

    fn names(&self, view: &StackSetListView) -> String {
        view.items
            .iter()
            .map(|s| format!("stackset.zalando.org/{}\n", s.name))
            .collect()
    }

    fn table(
        &self,
        view: &StackSetListView,
        opts: TableOpts,
        style: Style,
        at: Timestamp,
    ) -> String {
        if view.items.is_empty() {
            String::new()
        } else {
            list_table(view, opts, style, at)
        }
    }

    fn lines(&self, view: &StackSetListView) -> Vec<(String, String)> {
        list_lines(view)
    }

    fn empty(&self, view: &StackSetListView) -> Option<String> {
        view.items.is_empty().then(|| match self.ns {
            Some(ns) => format!("No resources found in {ns} namespace."),
            None => "No resources found".to_string(),
        })
    }
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &ListArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    let ns = (!all_namespaces).then_some(conn.namespace.as_str());
    let flags = Flags::of(&args.view);
    let list = List { conn, args, ns };
    show(
        conn,
        all_namespaces,
        Scope::Many { ns },
        flags,
        screen,
        now,
        &list,
    )
    .await
}
