//! `kubectl stackset reconcile`: the stackset-controller's loop, client-side.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::Api;
use kube::runtime::watcher;
use serde_json::Value;
use stackset_core::api::StackSet;
use stackset_core::{Action, Kind, Reconciliation, Snapshot};

use crate::cli::{DryRun, ReconcileArgs};
use crate::cluster::execute::ExecOptions;
use crate::cluster::reconcile::{Management, Settings, dry_run_plan, reconcile_read};
use crate::cluster::snapshot::{get_stackset, list_namespace, list_stacksets, selector};
use crate::cluster::{Connection, parse_duration};
use crate::commands::common::resolve_stackset_name;
use crate::error::{Exit, Failure};
use crate::render::{diff, out};

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
    now: &(dyn Fn() -> Timestamp + Sync),
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
        return watch(&conn.client, &targets, &settings, interval, now).await;
    }
    let changed = pass(&conn.client, &targets, &settings, args, now()).await?;
    if args.diff && changed {
        // Like `kubectl diff`: 1 means "there are differences".
        return Err(Failure::new(Exit::Error, String::new()));
    }
    Ok(())
}

/// The StackSets to reconcile, grouped by namespace. Outside NAME mode only
/// the ones we manage are taken; the others are someone else's.
async fn resolve(
    client: &Client,
    targets: &Targets,
    settings: &Settings,
) -> Result<BTreeMap<String, Vec<StackSet>>, Failure> {
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
                let ours = Management::of(s, &settings.controller_id) == Management::ClientSide;
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
    client: &Client,
    targets: &Targets,
    settings: &Settings,
    args: &ReconcileArgs,
    now: Timestamp,
) -> Result<bool, Failure> {
    let by_ns = resolve(client, targets, settings).await?;
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
                if Management::of(&ss, &settings.controller_id) != Management::ClientSide
                    && !settings.claim
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
                        print_outcome(&ns, &name, &outcome.executed, settings)?;
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
                eprintln!("error: {}", f.message);
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
    let m = Management::of(ss, &settings.controller_id);
    Failure::error(format!(
        "stackset {ns}/{name} is managed by the {}, not by kubectl-stackset",
        m.describe()
    ))
    .hint("to manage it client-side, re-run with --claim")
}

fn print_outcome(
    ns: &str,
    name: &str,
    executed: &[String],
    settings: &Settings,
) -> Result<(), Failure> {
    let suffix = if settings.exec.server_dry_run {
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

fn observed(snapshot: &Snapshot, kind: Kind, name: &str) -> Value {
    fn find<T: serde::Serialize>(
        items: &[T],
        name: &str,
        get: impl Fn(&T) -> Option<&str>,
    ) -> Value {
        items
            .iter()
            .find(|o| get(o) == Some(name))
            .and_then(|o| serde_json::to_value(o).ok())
            .unwrap_or(Value::Null)
    }
    match kind {
        Kind::StackSet => serde_json::to_value(&snapshot.stackset).unwrap_or(Value::Null),
        Kind::Stack => find(&snapshot.stacks, name, |o| o.metadata.name.as_deref()),
        Kind::Deployment => find(&snapshot.deployments, name, |o| o.metadata.name.as_deref()),
        Kind::Service => find(&snapshot.services, name, |o| o.metadata.name.as_deref()),
        Kind::HorizontalPodAutoscaler => find(&snapshot.hpas, name, |o| o.metadata.name.as_deref()),
        Kind::Ingress => find(&snapshot.ingresses, name, |o| o.metadata.name.as_deref()),
        Kind::RouteGroup => find(&snapshot.routegroups, name, |o| o.metadata.name.as_deref()),
        Kind::ConfigMap => find(&snapshot.config_maps, name, |o| o.metadata.name.as_deref()),
        Kind::Secret => Value::Null, // never print Secret data
        Kind::PlatformCredentialsSet => find(&snapshot.platform_credentials_sets, name, |o| {
            o.metadata.name.as_deref()
        }),
    }
}

fn print_diff(snapshot: &Snapshot, passes: &[Reconciliation]) -> Result<(), Failure> {
    let mut text = String::new();
    for action in passes.iter().flat_map(|p| p.plan.iter()) {
        let t = action.target();
        let label = format!("{}.{}.{}", t.kind, t.namespace, t.name);
        let before = diff::normalize(observed(snapshot, t.kind, &t.name));
        let (before, after) = match action {
            Action::Create { object, .. } | Action::Update { object, .. } => {
                let mut after = object.to_json();
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
                let after = serde_json::to_value(stackset.as_ref()).unwrap_or(Value::Null);
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
                serde_json::to_value(status.as_ref()).unwrap_or(Value::Null),
            ),
            Action::UpdateStackSetStatus { status, .. } => (
                before.get("status").cloned().unwrap_or(Value::Null),
                serde_json::to_value(status.as_ref()).unwrap_or(Value::Null),
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

/// Watch-driven loop: reconcile on changes to StackSets and their
/// Deployments, and at least every `interval` (scale-down TTLs need time to
/// pass, not events). Ctrl-C stops it with exit code 130.
async fn watch(
    client: &Client,
    targets: &Targets,
    settings: &Settings,
    interval: Duration,
    now: &(dyn Fn() -> Timestamp + Sync),
) -> Result<(), Failure> {
    let (ss_api, dep_api): (Api<StackSet>, Api<Deployment>) = match targets {
        Targets::AllNamespaces => (Api::all(client.clone()), Api::all(client.clone())),
        Targets::Namespace(ns) | Targets::One { ns, .. } => (
            Api::namespaced(client.clone(), ns),
            Api::namespaced(client.clone(), ns),
        ),
    };
    let dep_sel = match targets {
        Targets::One { name, .. } => selector(Some(name)),
        _ => selector(None),
    };
    let ss_events = watcher(ss_api, watcher::Config::default()).map(|_| ());
    let dep_events = watcher(dep_api, watcher::Config::default().labels(&dep_sel)).map(|_| ());
    let mut events = futures::stream::select(ss_events, dep_events).boxed();
    let args = ReconcileArgs::default();
    // Installed before the first pass so that no SIGINT/SIGTERM is lost while
    // a pass runs; a Pod gets SIGTERM on shutdown.
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigint = signal(SignalKind::interrupt())
        .map_err(|e| Failure::error(format!("cannot handle SIGINT: {e}")))?;
    let mut sigterm = signal(SignalKind::terminate())
        .map_err(|e| Failure::error(format!("cannot handle SIGTERM: {e}")))?;
    loop {
        tokio::select! {
            _ = sigint.recv() => return Err(Failure::new(Exit::Interrupted, String::new())),
            _ = sigterm.recv() => return Ok(()),
            result = pass(client, targets, settings, &args, now()) => {
                if let Err(f) = result {
                    eprintln!("error: {}", f.message);
                    if let Some(h) = &f.hint {
                        eprintln!("hint: {h}");
                    }
                }
            }
        }
        // Wait for a change or the interval, then let a burst of changes settle.
        tokio::select! {
            _ = sigint.recv() => return Err(Failure::new(Exit::Interrupted, String::new())),
            _ = sigterm.recv() => return Ok(()),
            _ = tokio::time::sleep(interval) => {}
            _ = events.next() => {
                tokio::time::sleep(Duration::from_millis(300)).await;
                while let Some(Some(())) = futures::FutureExt::now_or_never(events.next()) {}
            }
        }
    }
}
