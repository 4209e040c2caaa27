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

use std::pin::pin;

use futures::StreamExt;
use k8s_openapi::jiff::Timestamp;

use super::observe::{
    Clock, Rendered, Watch, interval, read_one, refuse_all_namespaces, structured, watch,
};
use crate::cli::{OutputFormat, StatusArgs, Until};
use crate::cluster::inspect::{changes, resolve_stackset};
use crate::cluster::{Connection, parse_duration};
use crate::error::{Exit, Failure};
use crate::render::out;
use crate::render::table::status_text;
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

fn print(view: &StatusView, args: &StatusArgs, screen: Screen) -> Result<(), Failure> {
    let format = args.output;
    let names = || format!("stackset.zalando.org/{}\n", view.name);
    match structured(view, format, false, !args.no_headers, names)? {
        Some(text) => out(&text),
        None => out(&status_text(
            view,
            format == OutputFormat::Wide,
            screen.style,
        )),
    }
}

/// `status -w`: the status again on every change, like `get -w` (in place
/// on a terminal, a timestamped line per change elsewhere, a document per
/// change with `-o json|yaml`), until Ctrl-C (exit 130).
async fn watch_status(
    conn: &Connection,
    ns: &str,
    args: &StatusArgs,
    screen: Screen,
    now: Clock<'_>,
    every: std::time::Duration,
) -> Result<(), Failure> {
    let client = &conn.client;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => resolve_stackset(client, ns, None)
            .await?
            .metadata
            .name
            .unwrap_or_default(),
    };
    let name = name.as_str();
    let id = args.controller_id.as_str();
    watch(
        conn,
        Watch {
            ns: Some(ns),
            stackset: Some(name),
            format: args.output,
            screen,
            every,
        },
        now,
        |at| async move {
            let (v, _) = view(conn, ns, Some(name), id, at).await?;
            let names = || format!("stackset.zalando.org/{name}\n");
            let text = match structured(&v, args.output, true, !args.no_headers, names)? {
                Some(text) => text,
                None => status_text(&v, args.output == OutputFormat::Wide, screen.style),
            };
            Ok(Rendered {
                text,
                lines: vec![(name.to_string(), format!("{name} {}", line(&v)))],
            })
        },
    )
    .await
}

fn line(view: &StatusView) -> String {
    format!("{} - {}", view.status.phase.as_str(), view.status.message)
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
    let (client, ns) = (&conn.client, conn.namespace.as_str());
    let id = args.controller_id.as_str();

    if args.watch {
        return watch_status(conn, ns, args, screen, now, every).await;
    }
    let Some(until) = args.until else {
        let (v, _) = view(conn, ns, args.name.as_deref(), id, now()).await?;
        print(&v, args, screen)?;
        return if v.status.phase == Phase::Healthy {
            Ok(())
        } else {
            // The status line on stdout says why.
            Err(Failure::quiet(Exit::Degraded))
        };
    };

    let name = match &args.name {
        Some(n) => n.clone(),
        None => resolve_stackset(client, ns, None)
            .await?
            .metadata
            .name
            .unwrap_or_default(),
    };
    let what = format!("stackset {ns}/{name} to be {}", describe(until));
    let deadline = (!timeout.is_zero()).then(|| tokio::time::Instant::now() + timeout);
    let mut triggers = changes(client, Some(ns), Some(&name));
    let mut interrupted = pin!(tokio::signal::ctrl_c());
    let mut last_line: Option<String> = None;
    let mut hinted = false;
    loop {
        let at = now();
        // The deadline bounds a look at the cluster too: a request into a
        // black-holed connection never ends on its own (no read timeout
        // unless --request-timeout is given).
        let expired = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let v = tokio::select! {
            _ = &mut interrupted => {
                return Err(Failure::new(Exit::Interrupted, format!("interrupted while waiting for {what}")));
            }
            _ = expired => {
                let last = last_line.as_deref().unwrap_or("the API server did not answer");
                return Err(Failure::new(
                    Exit::Timeout,
                    format!("timed out after {} waiting for {what}: {last} (the API server did not answer in time)", args.timeout),
                )
                .hint("check that the API server is reachable (kubectl get --raw /readyz), then raise --timeout"));
            }
            v = view(conn, ns, Some(&name), id, at) => v?,
        };
        let (v, record) = v;
        let current = line(&v);
        if last_line.as_deref() != Some(current.as_str()) {
            let ts = Timestamp::from_second(at.as_second()).unwrap_or(at);
            eprintln!("{ts} {name}: {current}");
            last_line = Some(current.clone());
        }
        if holds(until, &v.status) {
            return print(&v, args, screen);
        }
        if let Some(f) = record.as_ref().and_then(|r| stuck_rollout(r, &name, at)) {
            print(&v, args, screen)?;
            return Err(f);
        }
        if v.status.has_errors {
            print(&v, args, screen)?;
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
        let expired = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = &mut interrupted => {
                return Err(Failure::new(Exit::Interrupted, format!("interrupted while waiting for {what}")));
            }
            _ = expired => {
                print(&v, args, screen)?;
                return Err(Failure::new(
                    Exit::Timeout,
                    format!("timed out after {} waiting for {what}: {current}", args.timeout),
                )
                .hint("raise --timeout, or look closer with `kubectl stackset get`"));
            }
            _ = tokio::time::sleep(every) => {}
            _ = triggers.next() => {
                tokio::time::sleep(std::time::Duration::from_millis(150)).await;
                while let Some(Some(())) = futures::FutureExt::now_or_never(triggers.next()) {}
            }
        }
    }
}
