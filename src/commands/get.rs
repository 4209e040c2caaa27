//! `kubectl stackset get [NAME] [STACK]`: one StackSet, its stacks, why
//! traffic differs from what was asked for, and the latest Warning events.

use k8s_openapi::jiff::Timestamp;

use super::observe::{Clock, Flags, ReadCommand, Scope, read_one, show};
use crate::cli::GetArgs;
use crate::cluster::Connection;
use crate::error::Failure;
use crate::render::style::Style;
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

fn narrow(view: &mut StackSetView, stack: Option<&str>) -> Result<(), Failure> {
    if let Some(wanted) = stack {
        only_stack(view, wanted).map_err(|e| {
            Failure::error(e).hint("name a stack by its version (v2) or its full name (my-app-v2)")
        })?;
    }
    Ok(())
}

struct Get<'a> {
    conn: &'a Connection,
    args: &'a GetArgs,
}

impl ReadCommand for Get<'_> {
    type View = StackSetView;

    async fn read(
        &self,
        name: Option<&str>,
        at: Timestamp,
        first: bool,
    ) -> Result<StackSetView, Failure> {
        let conn = self.conn;
        let (ns, ctx) = (conn.namespace.as_str(), conn.context.as_deref());
        let id = self.args.view.controller_id.as_str();
        let (mut v, events_problem) = view(conn, ns, name, ctx, id, at).await?;
        if let (Some(p), true) = (events_problem, first) {
            eprintln!("warning: events not shown: {p}");
        }
        narrow(&mut v, self.args.stack.as_deref())?;
        Ok(v)
    }

    fn names(&self, view: &StackSetView) -> String {
        match &self.args.stack {
            Some(_) => view
                .stacks
                .iter()
                .map(|s| format!("stack.zalando.org/{}\n", s.name))
                .collect(),
            None => format!("stackset.zalando.org/{}\n", view.name),
        }
    }

    fn table(&self, view: &StackSetView, opts: TableOpts, style: Style, at: Timestamp) -> String {
        get_table(view, opts, style, at)
    }

    fn lines(&self, view: &StackSetView) -> Vec<(String, String)> {
        vec![(view.name.clone(), get_line(view))]
    }
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &GetArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    let scope = Scope::One {
        command: "get",
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
        &Get { conn, args },
    )
    .await
}
