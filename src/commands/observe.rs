//! Shared by the read commands: read a StackSet (or many) with one request
//! per kind, let the core decide on it without executing anything, build the
//! documented view, print it once or keep printing it (`--watch`).

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;
use serde::Serialize;
use stackset_core::api::StackSet;
use stackset_core::{Reconciliation, Snapshot};

use crate::cli::OutputFormat;
use crate::cluster::Connection;
use crate::cluster::execute::ExecOptions;
use crate::cluster::inspect::{
    changes, objects_of, objects_of_many, resolve_stackset, stacksets, warning_events,
};
use crate::cluster::parse_duration;
use crate::cluster::reconcile::{Settings, decide};
use crate::cluster::snapshot::NamespaceObjects;
use crate::error::{Exit, Failure};
use crate::render::out;
use crate::render::style::Style;
use crate::render::table::TableOpts;
use crate::render::view::{ManagedBy, encode};
use crate::render::watch::{Mode, Presenter, Screen};

/// The clock, as `app` hands it down.
pub type Clock<'a> = &'a (dyn Fn() -> Timestamp + Sync);

/// A StackSet as read, and the core's decision on it.
pub struct Decided {
    pub snapshot: Snapshot,
    pub rec: Reconciliation,
    pub managed_by: ManagedBy,
}

/// Who manages a StackSet, as the views say it.
pub fn managed_by(stackset: &StackSet, controller_id: &str) -> ManagedBy {
    ManagedBy::of(stackset, controller_id)
}

/// The engine settings of a read: the defaults, with RouteGroups when the
/// StackSet uses one. Nothing is executed, so the execution options are moot.
fn read_settings(stackset: &StackSet, controller_id: &str) -> Settings {
    Settings {
        options: stackset_core::Options {
            routegroup_support: stackset.spec.routegroup.is_some(),
            ..Default::default()
        },
        controller_id: controller_id.to_string(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: true,
            events: false,
        },
    }
}

/// Runs the core on what was read.
pub fn decide_on(
    stackset: StackSet,
    objects: &NamespaceObjects,
    controller_id: &str,
    now: Timestamp,
) -> Decided {
    let settings = read_settings(&stackset, controller_id);
    let managed_by = managed_by(&stackset, controller_id);
    let (rec, snapshot) = decide(objects, stackset, &settings, now);
    Decided {
        snapshot,
        rec,
        managed_by,
    }
}

/// One StackSet, read with one request per kind: the StackSet (GET, or the
/// LIST that resolved an omitted name), its children (one label-scoped LIST
/// per kind) and, with `with_events`, the namespace's Warning events (one LIST).
/// Events are best effort: when they cannot be read, the reason comes back
/// as the third value.
pub async fn read_one(
    conn: &Connection,
    ns: &str,
    name: Option<&str>,
    controller_id: &str,
    now: Timestamp,
    with_events: bool,
) -> Result<(Decided, Vec<Event>, Option<String>), Failure> {
    let client = &conn.client;
    let stackset = resolve_stackset(client, ns, name).await?;
    let (objects, events) = if with_events {
        let (objects, events) =
            tokio::join!(objects_of(client, &stackset), warning_events(client, ns));
        (objects?, events)
    } else {
        (objects_of(client, &stackset).await?, Ok(Vec::new()))
    };
    let (events, events_problem) = match events {
        Ok(e) => (e, None),
        Err(f) => (Vec::new(), Some(f.message().to_owned())),
    };
    Ok((
        decide_on(stackset, &objects, controller_id, now),
        events,
        events_problem,
    ))
}

/// Many StackSets (a namespace, or all with `None`), with one request per kind.
pub async fn read_many(
    conn: &Connection,
    ns: Option<&str>,
    selector: Option<&str>,
    controller_id: &str,
    now: Timestamp,
) -> Result<Vec<Decided>, Failure> {
    let client = &conn.client;
    let sets = stacksets(client, ns, selector).await?;
    let mut filed = objects_of_many(client, ns, &sets).await?;
    Ok(sets
        .into_iter()
        .map(|ss| {
            let key = (
                ss.metadata.namespace.clone().unwrap_or_default(),
                ss.metadata.name.clone().unwrap_or_default(),
            );
            let objects = filed.remove(&key).unwrap_or_default();
            decide_on(ss, &objects, controller_id, now)
        })
        .collect())
}

/// `-A` makes no sense for a command about one StackSet.
pub fn refuse_all_namespaces(all_namespaces: bool, command: &str) -> Result<(), Failure> {
    if all_namespaces {
        return Err(Failure::usage(format!(
            "{command} shows one StackSet; -A/--all-namespaces works with `list`"
        ))
        .hint(format!(
            "kubectl stackset list -A, then kubectl stackset {command} NAME -n NAMESPACE"
        )));
    }
    Ok(())
}

/// Parses `--interval`, at least 200 ms.
pub fn interval(text: &str) -> Result<Duration, Failure> {
    parse_duration(text)
        .map(|d| d.max(Duration::from_millis(200)))
        .map_err(|e| Failure::usage(format!("--interval: {e}")).hint("e.g. --interval 2s"))
}

/// A rendered view: the text for a terminal or a document, and the keyed
/// lines for append-only output off a terminal.
pub struct Rendered {
    pub text: String,
    pub lines: Vec<(String, String)>,
}

/// Renders a view in a structured format (`json|yaml|name|jsonpath=|
/// custom-columns=`), or returns `None` for the table formats. `headers`:
/// custom-columns prints its header line (off with `--no-headers`).
pub fn structured<T: Serialize>(
    view: &T,
    format: OutputFormat,
    stream: bool,
    headers: bool,
    names: impl FnOnce() -> String,
) -> Result<Option<String>, Failure> {
    match format {
        OutputFormat::Table | OutputFormat::Wide => Ok(None),
        OutputFormat::Name => Ok(Some(names())),
        OutputFormat::JsonPath(t) | OutputFormat::CustomColumns(t) => {
            let value = serde_json::to_value(view)
                .map_err(|e| Failure::error(format!("cannot encode the view: {e}")))?;
            let text = match format {
                OutputFormat::JsonPath(_) => crate::render::jsonpath::render(t, &value),
                _ => crate::render::jsonpath::columns(t, &value, headers),
            }
            .map_err(|e| Failure::usage(format!("-o: {e}")))?;
            // One result per line, also under --watch.
            Ok(Some(if text.ends_with('\n') || text.is_empty() {
                text
            } else {
                text + "\n"
            }))
        }
        f => encode(view, f, stream)
            .map(Some)
            .map_err(|e| Failure::error(format!("cannot encode the view: {e}"))),
    }
}

/// What a watch covers and how it shows it.
#[derive(Debug, Clone, Copy)]
pub struct Watch<'a> {
    /// The namespace, or all with `None`.
    pub ns: Option<&'a str>,
    /// One StackSet, or all in scope with `None`.
    pub stackset: Option<&'a str>,
    /// `-o`.
    pub format: OutputFormat,
    /// Colour and terminal.
    pub screen: Screen,
    /// Refresh at least this often.
    pub every: Duration,
}

/// How a wait of a [`Pace`] ended.
#[derive(Debug)]
pub enum Wake<T> {
    /// What was waited for came (a look's result, or the moment to look again).
    Done(T),
    /// Ctrl-C.
    Interrupted,
    /// The deadline passed.
    Expired,
}

/// The pace of a command that looks at the cluster again and again (`--watch`
/// and `status --until`): at once when a StackSet, Stack or Deployment in
/// scope changes (a burst of changes settles for 150 ms first, then counts
/// once), and at least every `every`. Ctrl-C, and the deadline when there is
/// one, end every wait, a look at the cluster included.
pub struct Pace {
    triggers: futures::stream::BoxStream<'static, ()>,
    every: Duration,
    interrupted: std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>,
    deadline: Option<tokio::time::Instant>,
}

impl Pace {
    pub fn new(
        conn: &Connection,
        ns: Option<&str>,
        stackset: Option<&str>,
        every: Duration,
    ) -> Self {
        Pace {
            triggers: changes(&conn.client, ns, stackset),
            every,
            interrupted: Box::pin(tokio::signal::ctrl_c()),
            deadline: None,
        }
    }

    /// Ends every wait at `deadline` (none: wait forever).
    pub fn until(mut self, deadline: Option<tokio::time::Instant>) -> Self {
        self.deadline = deadline;
        self
    }

    /// `look`, unless Ctrl-C or the deadline comes first.
    pub async fn run<T>(&mut self, look: impl Future<Output = T>) -> Wake<T> {
        let expired = expiry(self.deadline);
        tokio::select! {
            _ = &mut self.interrupted => Wake::Interrupted,
            _ = expired => Wake::Expired,
            v = look => Wake::Done(v),
        }
    }

    /// Waits until it is time to look again.
    pub async fn wait(&mut self) -> Wake<()> {
        let expired = expiry(self.deadline);
        tokio::select! {
            _ = &mut self.interrupted => Wake::Interrupted,
            _ = expired => Wake::Expired,
            _ = tokio::time::sleep(self.every) => Wake::Done(()),
            _ = self.triggers.next() => {
                // Let a burst of changes settle, then look once.
                tokio::time::sleep(Duration::from_millis(150)).await;
                while let Some(Some(())) = futures::FutureExt::now_or_never(self.triggers.next()) {}
                Wake::Done(())
            }
        }
    }
}

/// Completes at `deadline`, never without one.
async fn expiry(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Keeps rendering until Ctrl-C (exit 130): at once on every change of a
/// StackSet, Stack or Deployment in scope, and at least every `every`
/// ([`Pace`]). Table output is redrawn in place on a terminal and appended as
/// timestamped lines elsewhere; structured output appends a document per
/// change. The first read's error ends the watch; later errors (the API server
/// restarting, a deleted StackSet) are reported on stderr when they change,
/// and the watch goes on.
pub async fn watch<F, Fut>(
    conn: &Connection,
    how: Watch<'_>,
    now: Clock<'_>,
    mut render: F,
) -> Result<(), Failure>
where
    F: FnMut(Timestamp) -> Fut,
    Fut: Future<Output = Result<Rendered, Failure>>,
{
    let Watch {
        ns,
        stackset,
        format,
        screen,
        every,
    } = how;
    let mode = if format.is_table() {
        screen.table_mode()
    } else {
        Mode::Append
    };
    let mut presenter = Presenter::new(mode);
    let mut pace = Pace::new(conn, ns, stackset, every);
    let interrupted = || Err(Failure::quiet(Exit::Interrupted));
    let mut first = true;
    let mut last_error: Option<String> = None;
    loop {
        let at = now();
        let Wake::Done(result) = pace.run(render(at)).await else {
            return interrupted();
        };
        match result {
            Ok(r) => {
                last_error = None;
                let text = match (mode, format.is_table()) {
                    (Mode::Append, true) => presenter.lines(at, r.lines),
                    _ => presenter.frame(&r.text),
                };
                if let Some(t) = text {
                    out(&t)?;
                }
            }
            Err(f) if first => return Err(f),
            Err(f) => {
                if last_error.as_deref() != Some(f.message()) {
                    eprintln!("error: {} (still watching)", f.message());
                    last_error = Some(f.message().to_owned());
                }
            }
        }
        first = false;
        tracing::debug!("watch refreshed");
        let Wake::Done(()) = pace.wait().await else {
            return interrupted();
        };
    }
}

// ---------------------------------------------------------------------------
// The read-command skeleton
// ---------------------------------------------------------------------------

/// The flags every read command takes.
#[derive(Debug, Clone, Copy)]
pub struct Flags<'a> {
    /// `-o`.
    pub output: OutputFormat,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-w`.
    pub watch: bool,
    /// `--interval`, as given.
    pub interval: &'a str,
}

impl<'a> Flags<'a> {
    pub fn of(view: &'a crate::cli::ViewArgs) -> Self {
        Flags {
            output: view.output,
            no_headers: view.no_headers,
            watch: view.watch,
            interval: &view.interval,
        }
    }
}

/// What a read command shows: its view of the cluster at a moment, and the
/// table and lines that view becomes. [`show`] does the rest, the same for
/// every read command: `-A`, `--interval`, `-o`, once or `--watch`.
pub trait ReadCommand {
    /// The documented view (what `-o json|yaml|jsonpath=` print).
    type View: Serialize;

    /// Reads the view at `at`: of the StackSet `name` (the namespace's only
    /// one when `None`) for a command about one StackSet. `first`: the first
    /// read of this run (a warning is said once).
    fn read(
        &self,
        name: Option<&str>,
        at: Timestamp,
        first: bool,
    ) -> impl Future<Output = Result<Self::View, Failure>>;

    /// `-o name`: what the view shows, `kind.group/name` a line each.
    fn names(&self, view: &Self::View) -> String;

    /// The table (or text) for `-o table|wide`.
    fn table(&self, view: &Self::View, opts: TableOpts, style: Style, at: Timestamp) -> String;

    /// The lines appended per change off a terminal, each with its key.
    fn lines(&self, view: &Self::View) -> Vec<(String, String)>;

    /// Said on stderr instead of printing an empty table once.
    fn empty(&self, _view: &Self::View) -> Option<String> {
        None
    }

    /// The outcome after printing once (`status`: 4 unless Healthy).
    fn verdict(&self, _view: &Self::View) -> Result<(), Failure> {
        Ok(())
    }
}

/// A read command's view in the format `-o` asks for; `stream`: one of many
/// documents (`--watch`).
pub fn render<C: ReadCommand>(
    command: &C,
    view: &C::View,
    flags: Flags<'_>,
    all_namespaces: bool,
    style: Style,
    at: Timestamp,
    stream: bool,
) -> Result<Rendered, Failure> {
    let names = || command.names(view);
    if let Some(text) = structured(view, flags.output, stream, !flags.no_headers, names)? {
        return Ok(Rendered {
            text,
            lines: Vec::new(),
        });
    }
    let opts = TableOpts {
        wide: flags.output == OutputFormat::Wide,
        no_headers: flags.no_headers,
        all_namespaces,
    };
    Ok(Rendered {
        text: command.table(view, opts, style, at),
        lines: command.lines(view),
    })
}

/// What a read command is about.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// One StackSet: `name`, or the namespace's only one; `-A` is refused.
    One {
        command: &'static str,
        name: Option<&'a str>,
    },
    /// Every StackSet of a namespace, or of all with `None` (`-A`).
    Many { ns: Option<&'a str> },
}

/// The skeleton of every read command: refuse what makes no sense, then
/// print the view once, or keep printing it under `--watch` ([`watch`]).
pub async fn show<C: ReadCommand>(
    conn: &Connection,
    all_namespaces: bool,
    scope: Scope<'_>,
    flags: Flags<'_>,
    screen: Screen,
    now: Clock<'_>,
    command: &C,
) -> Result<(), Failure> {
    if let Scope::One { command, .. } = scope {
        refuse_all_namespaces(all_namespaces, command)?;
    }
    let every = interval(flags.interval)?;
    let all = matches!(scope, Scope::Many { ns: None });
    if !flags.watch {
        let name = match scope {
            Scope::One { name, .. } => name,
            Scope::Many { .. } => None,
        };
        let at = now();
        let view = command.read(name, at, true).await?;
        if flags.output.is_table()
            && let Some(said) = command.empty(&view)
        {
            eprintln!("{said}");
            return Ok(());
        }
        out(&render(command, &view, flags, all, screen.style, at, false)?.text)?;
        return command.verdict(&view);
    }
    let (ns, stackset) = match scope {
        Scope::One { name, .. } => {
            let ns = conn.namespace.as_str();
            let name = match name {
                Some(n) => n.to_owned(),
                None => resolve_stackset(&conn.client, ns, None)
                    .await?
                    .metadata
                    .name
                    .unwrap_or_default(),
            };
            (Some(ns), Some(name))
        }
        Scope::Many { ns } => (ns, None),
    };
    let name = stackset.as_deref();
    let mut first = true;
    let how = Watch {
        ns,
        stackset: name,
        format: flags.output,
        screen,
        every,
    };
    watch(conn, how, now, |at| {
        let first = std::mem::replace(&mut first, false);
        async move {
            let view = command.read(name, at, first).await?;
            render(command, &view, flags, all, screen.style, at, true)
        }
    })
    .await
}
