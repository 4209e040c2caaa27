//! `kubectl stackset reconcile`: the stackset-controller's loop, client-side.

use std::collections::BTreeMap;
use std::time::Duration;

use std::sync::Arc;

use k8s_openapi::jiff::Timestamp;
use serde_json::Value;
use stackset_core::api::StackSet;
use stackset_core::{Action, Kind, Reconciliation, Snapshot};

use crate::cli::{DryRun, ReconcileArgs};
use crate::cluster::controller::{self, ControllerSettings, Reporter, Watched};
use crate::cluster::execute::{ExecOptions, background_events};
use crate::cluster::leader::{Elector, LeaseConfig};
use crate::cluster::reconcile::{Settings, dry_run_plan, reconcile_read};
use crate::cluster::snapshot::{get_stackset, list_namespace, list_stacksets};
use crate::cluster::{CONTROLLER_REQUEST_TIMEOUT, Connection, parse_duration};
use crate::commands::common::resolve_stackset_name;
use crate::error::{Exit, Failure};
use crate::metrics;
use crate::render::{diff, out};
use stackset_core::ManagedBy;

/// The StackSets one run is about.
enum Targets {
    One { ns: String, name: String },
    Namespace(String),
    AllNamespaces,
}

pub async fn run(
    conn: &Connection,
    all_namespaces: bool,
    args: &ReconcileArgs,
    now: fn() -> Timestamp,
) -> Result<(), Failure> {
    let result = run_once_or_watch(conn, all_namespaces, args, now).await;
    if args.diff { diff_exit(result) } else { result }
}

/// `--diff` exits as `kubectl diff`: 0 no differences, 1 differences, above
/// 1 an error; an error that exits 1 elsewhere exits 2 here, so that it is
/// never taken for "there are differences".
pub fn diff_exit(result: Result<(), Failure>) -> Result<(), Failure> {
    result.map_err(|mut f| {
        if f.exit == Exit::Error && f.printable().is_some() {
            f.exit = Exit::Usage;
        }
        f
    })
}

async fn run_once_or_watch(
    conn: &Connection,
    all_namespaces: bool,
    args: &ReconcileArgs,
    now: fn() -> Timestamp,
) -> Result<(), Failure> {
    let settings = Settings {
        options: args.engine.options()?,
        controller_id: args.engine.controller_id.clone(),
        claim: args.claim,
        exec: ExecOptions {
            server_dry_run: args.dry_run == Some(DryRun::Server),
            events: !args.no_events,
        },
    };
    if args.watch && (args.diff || args.dry_run.is_some()) {
        return Err(Failure::usage(
            "--watch cannot be combined with --dry-run or --diff",
        ));
    }
    let targets = if all_namespaces {
        Targets::AllNamespaces
    } else if args.all {
        if args.name.is_some() {
            return Err(Failure::usage("give either NAME or --all, not both"));
        }
        Targets::Namespace(conn.namespace.clone())
    } else {
        let name =
            resolve_stackset_name(&conn.client, &conn.namespace, args.name.as_deref()).await?;
        Targets::One {
            ns: conn.namespace.clone(),
            name,
        }
    };

    if args.watch {
        let interval = parse_duration(&args.interval)
            .map_err(|e| Failure::usage(format!("--interval: {e}")))?
            .max(Duration::from_secs(1));
        return watch(conn, &targets, settings, args, interval, now).await;
    }
    let changed = pass(conn, &targets, &settings, args, now()).await?;
    if args.diff && changed {
        // Like `kubectl diff`: 1 means "there are differences".
        return Err(Failure::quiet(Exit::Error));
    }
    Ok(())
}

/// The StackSets to reconcile, grouped by namespace. Outside NAME mode only
/// the ones we manage are taken; the others are someone else's.
async fn resolve(
    conn: &Connection,
    targets: &Targets,
    settings: &Settings,
) -> Result<BTreeMap<String, Vec<StackSet>>, Failure> {
    let client = &conn.client;
    let mut by_ns: BTreeMap<String, Vec<StackSet>> = BTreeMap::new();
    match targets {
        Targets::One { ns, name } => {
            by_ns
                .entry(ns.clone())
                .or_default()
                .push(get_stackset(client, ns, name).await?);
        }
        Targets::Namespace(ns) => {
            for s in list_stacksets(client, Some(ns)).await? {
                by_ns.entry(ns.clone()).or_default().push(s);
            }
        }
        Targets::AllNamespaces => {
            for s in list_stacksets(client, None).await? {
                let ns = s.metadata.namespace.clone().unwrap_or_default();
                by_ns.entry(ns).or_default().push(s);
            }
        }
    }
    if !matches!(targets, Targets::One { .. }) && !settings.claim {
        for list in by_ns.values_mut() {
            list.retain(|s| {
                let ours = ManagedBy::of(s, &settings.controller_id).is_client_side();
                if !ours {
                    tracing::debug!(stackset = ?s.metadata.name, "skipped: not managed by us");
                }
                ours
            });
        }
    }
    by_ns.retain(|_, v| !v.is_empty());
    Ok(by_ns)
}

/// One reconcile of every target. Returns whether anything changed (or, for
/// --dry-run/--diff, would change).
async fn pass(
    conn: &Connection,
    targets: &Targets,
    settings: &Settings,
    args: &ReconcileArgs,
    now: Timestamp,
) -> Result<bool, Failure> {
    let client = &conn.client;
    let by_ns = resolve(conn, targets, settings).await?;
    if by_ns.is_empty() {
        eprintln!(
            "no StackSets managed by kubectl-stackset here (claim one with `reconcile NAME --claim`)"
        );
        return Ok(false);
    }
    let mut changed = false;
    let mut failed: Option<Failure> = None;
    for (ns, stacksets) in by_ns {
        let preview = args.diff || args.dry_run == Some(DryRun::Client);
        // For a preview, list once per namespace and decide purely.
        let listing = if preview {
            let single = match targets {
                Targets::One { name, .. } => Some(name.as_str()),
                _ => None,
            };
            Some(list_namespace(client, &ns, single, settings.scope()).await?)
        } else {
            None
        };
        for ss in stacksets {
            let name = ss.metadata.name.clone().unwrap_or_default();
            let result = if let Some(objects) = &listing {
                if !ManagedBy::of(&ss, &settings.controller_id).is_client_side() && !settings.claim
                {
                    Err(not_ours(&ns, &name, &ss, settings))
                } else {
                    let (passes, _) = dry_run_plan(objects, ss.clone(), settings, now);
                    let snapshot = objects.snapshot_for(ss);
                    let any = passes.iter().any(|p| !p.plan.is_empty());
                    changed |= any;
                    if args.diff {
                        print_diff(&snapshot, &passes)?;
                    } else {
                        print_plan(&ns, &name, &passes)?;
                    }
                    report_state(&ns, &name, passes.last());
                    Ok(())
                }
            } else {
                match reconcile_read(client, &ns, &name, Some(ss), settings, now).await {
                    Ok(outcome) => {
                        changed |= !outcome.executed.is_empty();
                        print_outcome(&ns, &name, &outcome.executed, settings.exec.server_dry_run)?;
                        report_state(&ns, &name, Some(&outcome.reconciliation));
                        match outcome.reconciliation.errors.first() {
                            Some(e) => Err(Failure::new(
                                Exit::Error,
                                format!("stackset {ns}/{name}: {e}"),
                            )
                            .hint("fix the StackSet spec; nothing else of it was changed")),
                            None => Ok(()),
                        }
                    }
                    Err(f) => Err(f),
                }
            };
            if let Err(f) = result {
                if matches!(targets, Targets::One { .. }) {
                    return Err(f);
                }
                eprintln!("error: {}", f.message());
                failed.get_or_insert(f);
            }
        }
    }
    match failed {
        Some(f) => Err(f),
        None => Ok(changed),
    }
}

fn not_ours(ns: &str, name: &str, ss: &StackSet, settings: &Settings) -> Failure {
    let m = ManagedBy::of(ss, &settings.controller_id);
    // Like a missing --yes: a flag is needed to go on (exit 2).
    Failure::usage(format!(
        "stackset {ns}/{name} is managed by the {}, not by kubectl-stackset",
        m.describe()
    ))
    .hint("to manage it client-side, re-run with --claim")
}

fn print_outcome(
    ns: &str,
    name: &str,
    executed: &[String],
    server_dry_run: bool,
) -> Result<(), Failure> {
    let suffix = if server_dry_run {
        " (server dry run)"
    } else {
        ""
    };
    let mut text = String::new();
    if executed.is_empty() {
        text.push_str(&format!("stackset.zalando.org/{name} unchanged{suffix}\n"));
    } else {
        for line in executed {
            text.push_str(&format!("  {line}\n"));
        }
        text.push_str(&format!(
            "stackset.zalando.org/{name} reconciled in {ns}: {} change(s){suffix}\n",
            executed.len()
        ));
    }
    out(&text)
}

fn print_plan(ns: &str, name: &str, passes: &[Reconciliation]) -> Result<(), Failure> {
    let actions: Vec<&Action> = passes.iter().flat_map(|p| p.plan.iter()).collect();
    let mut text = format!(
        "stackset.zalando.org/{name} in {ns} (dry run): {} action(s)\n",
        actions.len()
    );
    for (i, a) in actions.iter().enumerate() {
        text.push_str(&format!("{:>3}. {a}\n", i + 1));
    }
    out(&text)
}

/// Warnings, errors and blocked switches go to stderr.
fn report_state(ns: &str, name: &str, rec: Option<&Reconciliation>) {
    let Some(rec) = rec else { return };
    for w in &rec.warnings {
        eprintln!("warning: stackset {ns}/{name}: {w}");
    }
    if let Some(b) = &rec.blocked {
        let detail: Vec<String> = b
            .not_ready
            .iter()
            .map(|s| match rec.stack(s) {
                Some(f) => format!("{s} ({})", f.readiness),
                None => s.clone(),
            })
            .collect();
        eprintln!(
            "stackset {ns}/{name}: traffic switch waiting: stacks not ready: {}",
            detail.join(", ")
        );
    }
}

/// The object as observed, as JSON; `null` when there is none (a creation)
/// and for Secrets, whose data is never printed.
fn observed(snapshot: &Snapshot, kind: Kind, name: &str) -> Result<Value, Failure> {
    fn find<T: serde::Serialize>(
        items: &[T],
        name: &str,
        get: impl Fn(&T) -> Option<&str>,
    ) -> Result<Value, Failure> {
        match items.iter().find(|o| get(o) == Some(name)) {
            Some(o) => encode(o),
            None => Ok(Value::Null),
        }
    }
    match kind {
        Kind::StackSet => encode(&snapshot.stackset),
        Kind::Stack => find(&snapshot.stacks, name, |o| o.metadata.name.as_deref()),
        Kind::Deployment => find(&snapshot.deployments, name, |o| o.metadata.name.as_deref()),
        Kind::Service => find(&snapshot.services, name, |o| o.metadata.name.as_deref()),
        Kind::HorizontalPodAutoscaler => find(&snapshot.hpas, name, |o| o.metadata.name.as_deref()),
        Kind::Ingress => find(&snapshot.ingresses, name, |o| o.metadata.name.as_deref()),
        Kind::RouteGroup => find(&snapshot.routegroups, name, |o| o.metadata.name.as_deref()),
        Kind::ConfigMap => find(&snapshot.config_maps, name, |o| o.metadata.name.as_deref()),
        Kind::Secret => Ok(Value::Null), // never print Secret data
        Kind::PlatformCredentialsSet => find(&snapshot.platform_credentials_sets, name, |o| {
            o.metadata.name.as_deref()
        }),
    }
}

fn encode_object(object: &stackset_core::Object) -> Result<Value, Failure> {
    object.to_json().map_err(|e| {
        Failure::error(format!(
            "cannot encode {} for --diff: {e}",
            object.object_ref()
        ))
    })
}

/// JSON for the diff; a failure is an error, never a `null` that would
/// show as the object's removal.
fn encode<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value)
        .map_err(|e| Failure::error(format!("cannot encode for --diff: {e}")))
}

fn print_diff(snapshot: &Snapshot, passes: &[Reconciliation]) -> Result<(), Failure> {
    let mut text = String::new();
    for action in passes.iter().flat_map(|p| p.plan.iter()) {
        let t = action.target();
        let label = format!("{}.{}.{}", t.kind, t.namespace, t.name);
        let before = diff::normalize(observed(snapshot, t.kind, &t.name)?);
        let (before, after) = match action {
            Action::Create { object, .. } | Action::Update { object, .. } => {
                let mut after = encode_object(object)?;
                if let Some(m) = after.as_object_mut() {
                    m.remove("status");
                }
                let mut before = before;
                if let Some(m) = before.as_object_mut() {
                    m.remove("status");
                }
                (before, diff::normalize(after))
            }
            Action::Delete { .. } => (before, Value::Null),
            Action::WriteDesiredTraffic { stackset, .. } => {
                let after = encode(stackset.as_ref())?;
                (
                    before
                        .pointer("/spec/traffic")
                        .cloned()
                        .unwrap_or(Value::Null),
                    after
                        .pointer("/spec/traffic")
                        .cloned()
                        .unwrap_or(Value::Null),
                )
            }
            Action::UpdateStackStatus { status, .. } => (
                before.get("status").cloned().unwrap_or(Value::Null),
                encode(status.as_ref())?,
            ),
            Action::UpdateStackSetStatus { status, .. } => (
                before.get("status").cloned().unwrap_or(Value::Null),
                encode(status.as_ref())?,
            ),
        };
        if t.kind == Kind::Secret {
            text.push_str(&format!("# {action} (Secret contents not shown)\n"));
            continue;
        }
        text.push_str(&format!("# {action}\n"));
        text.push_str(&diff::unified(&label, &before, &after));
    }
    out(&text)
}

/// The controller: kube-runtime's `Controller` on watch caches (see
/// `cluster::controller`), optionally behind a leader Lease, with
/// /healthz, /readyz and /metrics. SIGTERM stops it (a Pod's shutdown; the
/// Lease is released so a standby takes over at once); Ctrl-C stops it with
/// exit code 130.
async fn watch(
    conn: &Connection,
    targets: &Targets,
    settings: Settings,
    args: &ReconcileArgs,
    interval: Duration,
    now: fn() -> Timestamp,
) -> Result<(), Failure> {
    use tokio::signal::unix::{SignalKind, signal};
    // Installed first so that no SIGINT/SIGTERM is lost.
    let mut sigint = signal(SignalKind::interrupt())
        .map_err(|e| Failure::error(format!("cannot handle SIGINT: {e}")))?;
    let mut sigterm = signal(SignalKind::terminate())
        .map_err(|e| Failure::error(format!("cannot handle SIGTERM: {e}")))?;
    let watched = match targets {
        Targets::AllNamespaces => Watched::All,
        Targets::Namespace(ns) => Watched::Namespace(ns.clone()),
        Targets::One { ns, name } => Watched::One {
            ns: ns.clone(),
            name: name.clone(),
        },
    };
    let _server = match &args.metrics_address {
        Some(addr) if !addr.is_empty() => {
            let addr = if addr.starts_with(':') {
                format!("0.0.0.0{addr}")
            } else {
                addr.clone()
            };
            // Bind now, so that a taken port is an error at start-up.
            let probe = tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| Failure::usage(format!("--metrics-address {addr}: {e}")))?;
            drop(probe);
            Some(AbortOnDrop(tokio::spawn(async move {
                if let Err(e) = metrics::serve(&addr).await {
                    eprintln!("error: metrics server on {addr}: {e}");
                }
            })))
        }
        _ => None,
    };
    let requests = conn.bounded_client(CONTROLLER_REQUEST_TIMEOUT)?;
    let elector = if args.leader_elect {
        let duration = parse_duration(&args.lease_duration)
            .map_err(|e| Failure::usage(format!("--lease-duration: {e}")))?
            .max(Duration::from_secs(2));
        let identity = format!(
            "{}_{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "kubectl-stackset".into()),
            std::process::id()
        );
        let namespace = args
            .leader_election_namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| conn.namespace.clone());
        Some(Elector::new(
            requests.clone(),
            LeaseConfig {
                namespace,
                name: args.leader_election_id.clone(),
                identity,
                duration,
            },
            now,
        ))
    } else {
        None
    };
    if let Some(e) = &elector {
        eprintln!(
            "leader election: waiting for lease {}",
            args.leader_election_id
        );
        tokio::select! {
            _ = sigint.recv() => return Err(Failure::quiet(Exit::Interrupted)),
            _ = sigterm.recv() => return Ok(()),
            _ = e.acquire(|| metrics::set_ready(true)) => {}
        }
        // Ready again once the caches of the leader are synced.
        metrics::set_ready(false);
    }
    metrics::set_leader(true);
    let dry_run = settings.exec.server_dry_run;
    let report: Arc<Reporter> = Arc::new(move |ns, name, executed, rec| {
        let _ = print_outcome(ns, name, executed, dry_run);
        report_state(ns, name, Some(rec));
    });
    let (events, events_sent) = background_events(requests.clone(), settings.exec);
    let cs = ControllerSettings {
        watched,
        settings,
        interval,
        workers: args.workers.max(1),
        debounce: Duration::from_millis(200),
        now,
        events,
    };
    let hold = async {
        match &elector {
            Some(e) => e.hold().await,
            None => std::future::pending().await,
        }
    };
    let result = tokio::select! {
        _ = sigint.recv() => Err(Failure::quiet(Exit::Interrupted)),
        _ = sigterm.recv() => Ok(()),
        _ = controller::run(conn.client.clone(), requests, cs, report) => Ok(()),
        lost = hold => Err(lost),
    };
    metrics::set_leader(false);
    let stopped = result.is_ok() || matches!(&result, Err(f) if f.exit == Exit::Interrupted);
    if let Some(e) = &elector
        && stopped
    {
        e.release().await;
    }
    // The controller and with it every queue handle are gone: what it
    // decided last still goes out, within a bound, after the Lease is
    // released so that a standby is not kept waiting. A leader that lost
    // its Lease writes nothing more.
    if stopped {
        events_sent.wait(Duration::from_secs(3)).await;
    }
    result
}

/// Stops a spawned task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
