//! `kubectl stackset status [NAME] [--until healthy|traffic-switched]`: the
//! StackSet's health as one line (or a document), once or until a condition
//! holds, with exit codes CI can branch on:
//!
//! - once: 0 when Healthy, 4 otherwise;
//! - `--until`: 0 when the condition holds, 4 at once when the StackSet has
//!   errors only a spec change fixes, 6 when a rollout is open and waiting
//!   cannot end it (paused, or running with no process driving it), 3 when
//!   `--timeout` passes first, 130 on Ctrl-C. An open rollout is never
//!   Healthy: while a driver moves it, `--until healthy` waits for its end.
//!
//! The final status goes to stdout; progress lines (`<time> <phase> -
//! <message>`, printed when they change) go to stderr.

use k8s_openapi::jiff::Timestamp;

use super::observe::{
    Clock, Flags, Pace, ReadCommand, Scope, Wake, interval, read_one, refuse_all_namespaces,
    render, show,
};
use crate::cli::{StatusArgs, Until};
use crate::cluster::inspect::resolve_stackset;
use crate::cluster::{Connection, parse_duration};
use crate::error::{Exit, Failure};
use crate::render::out;
use crate::render::style::Style;
use crate::render::table::{TableOpts, status_text};
use crate::render::view::{Assessment, ManagedBy, Phase, StatusView, rollout_record, status_view};
use crate::render::watch::Screen;
use stackset_core::rollout::{DRIVER_LEASE_SECONDS, Driving, RolloutRecord, RolloutState};

/// Reads and builds the status of one StackSet (no events), with its
/// rollout record.
pub async fn view(
    conn: &Connection,
    ns: &str,
    name: Option<&str>,
    controller_id: &str,
    now: Timestamp,
) -> Result<(StatusView, Option<RolloutRecord>), Failure> {
    let (d, _, _) = read_one(conn, ns, name, controller_id, now, false).await?;
    Ok((
        status_view(&d.snapshot, &d.rec, &d.managed_by, now),
        rollout_record(&d.snapshot.stackset),
    ))
}

/// Why waiting for a condition cannot succeed while this rollout is open:
/// it is paused, or it runs and no process has driven it for a whole lease
/// after its driver's claim lapsed (time enough for a controller to take
/// it over). `None` while it is moving, or not open.
pub fn stuck_rollout(record: &RolloutRecord, name: &str, now: Timestamp) -> Option<Failure> {
    let at = record.step_text();
    let v = &record.version;
    let failure = |text: String| {
        Failure::new(Exit::RolloutOpen, text).hint(format!(
            "resume it with `kubectl stackset rollout resume {name}`, or abort it with `kubectl stackset rollout abort {name}`"
        ))
    };
    match (record.state, record.driving(now)) {
        (RolloutState::Paused, _) => Some(failure(format!(
            "the rollout of stackset {name} to {v} is paused at {at}{}",
            record
                .message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        ))),
        (_, Driving::Abandoned { since, .. })
            if now.as_second() - since.as_second()
                > i64::try_from(DRIVER_LEASE_SECONDS).unwrap_or(i64::MAX) =>
        {
            Some(failure(format!(
                "the rollout of stackset {name} to {v} is running at {at}, but no process is driving it"
            )))
        }
        _ => None,
    }
}

/// Whether `until` holds.
pub fn holds(until: Until, status: &Assessment) -> bool {
    match until {
        Until::Healthy => status.phase == Phase::Healthy,
        Until::TrafficSwitched => status.traffic_switched && !status.has_errors,
    }
}

fn describe(until: Until) -> &'static str {
    match until {
        Until::Healthy => "healthy",
        Until::TrafficSwitched => "traffic-switched",
    }
}

fn line(view: &StatusView) -> String {
    format!("{} - {}", view.status.phase.as_str(), view.status.message)
}

/// `status` once (exit 4 unless Healthy), and `status -w`: the status again
/// on every change, like `get -w`.
#[derive(Clone, Copy)]
struct Status<'a> {
    conn: &'a Connection,
    args: &'a StatusArgs,
}

impl Status<'_> {
    fn flags(&self) -> Flags<'_> {
        Flags {
            output: self.args.output,
            no_headers: self.args.no_headers,
            watch: self.args.watch,
            interval: &self.args.interval,
        }
    }

    /// Prints the final status of `--until`.
    fn print(&self, view: &StatusView, screen: Screen, at: Timestamp) -> Result<(), Failure> {
        out(&render(self, view, self.flags(), false, screen.style, at, false)?.text)
    }
}

impl ReadCommand for Status<'_> {
    type View = StatusView;

    async fn read(
        &self,
        name: Option<&str>,
        at: Timestamp,
        _: bool,
    ) -> Result<StatusView, Failure> {
        let id = self.args.controller_id.as_str();
        Ok(view(self.conn, &self.conn.namespace, name, id, at).await?.0)
    }

    fn names(&self, view: &StatusView) -> String {
        format!("stackset.zalando.org/{}\n", view.name)
    }

    fn table(&self, view: &StatusView, opts: TableOpts, style: Style, _: Timestamp) -> String {
        status_text(view, opts.wide, style)
    }

    fn lines(&self, view: &StatusView) -> Vec<(String, String)> {
        vec![(view.name.clone(), format!("{} {}", view.name, line(view)))]
    }

    fn verdict(&self, view: &StatusView) -> Result<(), Failure> {
        if view.status.phase == Phase::Healthy {
            Ok(())
        } else {
            // The status line on stdout says why.
            Err(Failure::quiet(Exit::Degraded))
        }
    }
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &StatusArgs,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    refuse_all_namespaces(all_namespaces, "status")?;
    let timeout = parse_duration(&args.timeout).map_err(|e| {
        Failure::usage(format!("--timeout: {e}")).hint("e.g. --timeout 10m; 0 waits forever")
    })?;
    let every = interval(&args.interval)?;
    let status = Status { conn, args };
    match args.until {
        Some(until) if !args.watch => wait_until(&status, until, timeout, every, screen, now).await,
        _ => {
            let scope = Scope::One {
                command: "status",
                name: args.name.as_deref(),
            };
            let flags = status.flags();
            show(conn, all_namespaces, scope, flags, screen, now, &status).await
        }
    }
}

/// `status --until`: looks again on every change (and every `every`) until
/// the condition holds (exit 0), cannot hold without a change to the spec or
/// the rollout (4, 6), `timeout` passes (3; zero: never) or Ctrl-C (130).
/// Progress lines go to stderr when they change; the final status to stdout.
async fn wait_until(
    status: &Status<'_>,
    until: Until,
    timeout: std::time::Duration,
    every: std::time::Duration,
    screen: Screen,
    now: Clock<'_>,
) -> Result<(), Failure> {
    let Status { conn, args } = *status;
    let (client, ns) = (&conn.client, conn.namespace.as_str());
    let id = args.controller_id.as_str();
    let name = match &args.name {
        Some(n) => n.clone(),
        None => resolve_stackset(client, ns, None)
            .await?
            .metadata
            .name
            .unwrap_or_default(),
    };
    let what = format!("stackset {ns}/{name} to be {}", describe(until));
    let interrupted = || {
        Err(Failure::new(
            Exit::Interrupted,
            format!("interrupted while waiting for {what}"),
        ))
    };
    let deadline = (!timeout.is_zero()).then(|| tokio::time::Instant::now() + timeout);
    // The deadline bounds a look at the cluster too: a request into a
    // black-holed connection never ends on its own (no read timeout unless
    // --request-timeout is given).
    let mut pace = Pace::new(conn, Some(ns), Some(&name), every).until(deadline);
    let mut last_line: Option<String> = None;
    // The last status seen, shown when the deadline passes during a later
    // look (a slow or black-holed API server): what was known, not nothing.
    let mut seen = None;
    let mut hinted = false;
    loop {
        let at = now();
        let (v, record) = match pace.run(view(conn, ns, Some(&name), id, at)).await {
            Wake::Done(v) => v?,
            Wake::Interrupted => return interrupted(),
            Wake::Expired => {
                let Some((v, at)) = &seen else {
                    return Err(Failure::new(
                        Exit::Timeout,
                        format!(
                            "timed out after {} waiting for {what}: the API server did not answer in time",
                            args.timeout
                        ),
                    )
                    .hint("check that the API server is reachable (kubectl get --raw /readyz), then raise --timeout"));
                };
                status.print(v, screen, *at)?;
                return Err(Failure::new(
                    Exit::Timeout,
                    format!(
                        "timed out after {} waiting for {what}: {} (the API server did not answer in time)",
                        args.timeout,
                        line(v)
                    ),
                )
                .hint("check that the API server is reachable (kubectl get --raw /readyz), then raise --timeout"));
            }
        };
        let current = line(&v);
        if last_line.as_deref() != Some(current.as_str()) {
            let ts = Timestamp::from_second(at.as_second()).unwrap_or(at);
            eprintln!("{ts} {name}: {current}");
            last_line = Some(current.clone());
        }
        if holds(until, &v.status) {
            return status.print(&v, screen, at);
        }
        if let Some(f) = record.as_ref().and_then(|r| stuck_rollout(r, &name, at)) {
            status.print(&v, screen, at)?;
            return Err(f);
        }
        if v.status.has_errors {
            status.print(&v, screen, at)?;
            return Err(Failure::new(
                Exit::Degraded,
                format!("stackset {ns}/{name} has errors: {}", v.status.message),
            )
            .hint("fix the StackSet spec; waiting longer cannot help"));
        }
        if !hinted && matches!(v.managed_by, ManagedBy::ClientSide { .. }) {
            eprintln!(
                "note: {name} is managed client-side: it changes only while `kubectl stackset reconcile` runs \
                 (e.g. `kubectl stackset reconcile {name} --watch` in another terminal)"
            );
            hinted = true;
        }
        match pace.wait().await {
            Wake::Done(()) => {}
            Wake::Interrupted => return interrupted(),
            Wake::Expired => {
                status.print(&v, screen, at)?;
                return Err(Failure::new(
                    Exit::Timeout,
                    format!(
                        "timed out after {} waiting for {what}: {current}",
                        args.timeout
                    ),
                )
                .hint("raise --timeout, or look closer with `kubectl stackset get`"));
            }
        }
        seen = Some((v, at));
    }
}
