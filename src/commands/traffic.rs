//! `kubectl stackset traffic [NAME]`: desired versus actual traffic per
//! stack, and why they differ.

use k8s_openapi::jiff::Timestamp;

use super::observe::{Clock, Flags, ReadCommand, Scope, read_one};
use crate::cli::TrafficArgs;
use crate::cluster::Connection;
use crate::error::Failure;
use crate::render::style::Style;
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

struct Traffic<'a> {
    conn: &'a Connection,
    args: &'a TrafficArgs,
}

impl ReadCommand for Traffic<'_> {
    type View = TrafficView;

    async fn read(
        &self,
        name: Option<&str>,
        at: Timestamp,
        _: bool,
    ) -> Result<TrafficView, Failure> {
        let id = self.args.view.controller_id.as_str();
        view(self.conn, &self.conn.namespace, name, id, at).await
    }

    fn names(&self, view: &TrafficView) -> String {
        view.stacks
            .iter()
            .map(|s| format!("stack.zalando.org/{}\n", s.stack))
            .collect()
    }

    fn table(&self, view: &TrafficView, opts: TableOpts, style: Style, _: Timestamp) -> String {
        traffic_table(view, opts, style)
    }

    fn lines(&self, view: &TrafficView) -> Vec<(String, String)> {
        vec![(view.name.clone(), traffic_line(view))]
    }

    fn empty(&self, view: &TrafficView) -> Option<String> {
        view.stacks
            .is_empty()
            .then(|| format!("stackset {} has no stacks yet", view.name))
    }
}

pub async fn show(
    conn: &Connection,
    all_namespaces: bool,
    args: &TrafficArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    let scope = Scope::One {
        command: "traffic",
        name: args.name.as_deref(),
    };
    let flags = Flags::of(&args.view);
    let traffic = Traffic { conn, args };
    super::observe::show(conn, all_namespaces, scope, flags, screen, now, &traffic).await
}
