//! `kubectl stackset history [NAME]`: the versions of a StackSet, newest
//! first, with their images, creation time and when each last had traffic.

use k8s_openapi::jiff::Timestamp;

use super::observe::{Clock, Flags, ReadCommand, Scope, read_one, show};
use crate::cli::HistoryArgs;
use crate::cluster::Connection;
use crate::error::Failure;
use crate::render::style::Style;
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

struct History<'a> {
    conn: &'a Connection,
    args: &'a HistoryArgs,
}

impl ReadCommand for History<'_> {
    type View = HistoryView;

    async fn read(
        &self,
        name: Option<&str>,
        at: Timestamp,
        _: bool,
    ) -> Result<HistoryView, Failure> {
        let id = self.args.view.controller_id.as_str();
        view(self.conn, &self.conn.namespace, name, id, at).await
    }

    fn names(&self, view: &HistoryView) -> String {
        view.versions
            .iter()
            .map(|v| format!("stack.zalando.org/{}\n", v.stack))
            .collect()
    }

    fn table(&self, view: &HistoryView, opts: TableOpts, style: Style, at: Timestamp) -> String {
        history_table(view, opts, style, at)
    }

    fn lines(&self, view: &HistoryView) -> Vec<(String, String)> {
        history_lines(view)
    }

    fn empty(&self, view: &HistoryView) -> Option<String> {
        view.versions
            .is_empty()
            .then(|| format!("stackset {} has no stacks yet", view.name))
    }
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &HistoryArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    let scope = Scope::One {
        command: "history",
        name: args.name.as_deref(),
    };
    let flags = Flags::of(&args.view);
    show(
        conn,
        all_namespaces,
        scope,
        flags,
        screen,
        now,
        &History { conn, args },
    )
    .await
}
