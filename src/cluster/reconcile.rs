//! One client-side reconcile of a StackSet, the way the controller's loop does
//! it: read (one LIST per kind), let the core decide, execute the plan in
//! order. A conflict means someone else wrote first: read again and decide
//! again. A plan that creates a Stack is followed by a fresh read, because the
//! new Stack's children need the UID the API server assigned.

use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use stackset_core::api::StackSet;
use stackset_core::api::constants::ANNOTATION_CONTROLLER;
use stackset_core::simulate::MAX_PASSES;
use stackset_core::{HeldStatus, ManagedBy, Options, Reconciliation, Snapshot, reconcile};

use super::error::{Op, failure};
use super::execute::{ExecError, ExecOptions, Executor};
use super::retry::{CONFLICT_READS, conflict_pauses, is_conflict, with_retries};
use super::snapshot::{NamespaceObjects, Scope, get_stackset, list_namespace};
use crate::error::{Exit, Failure};

/// The id written into `stackset-controller.zalando.org/controller` when we
/// manage a StackSet, unless configured otherwise.
pub const DEFAULT_CONTROLLER_ID: &str = "kubectl-stackset";

/// Settings of a reconcile run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Engine options (cluster domains, mechanism, support switches).
    pub options: Options,
    /// Our controller id.
    pub controller_id: String,
    /// Claim StackSets that are not ours yet.
    pub claim: bool,
    /// Execution options (server dry run, events).
    pub exec: ExecOptions,
}

impl Settings {
    pub fn scope(&self) -> Scope {
        Scope {
            routegroups: self.options.routegroup_support,
            config_maps: self.options.configmap_support,
            secrets: self.options.secret_support,
            platform_credentials_sets: self.options.pcs_support,
        }
    }
}

/// What one reconcile did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The last decision (after the last pass).
    pub reconciliation: Reconciliation,
    /// Every action executed, in order, as display lines.
    pub executed: Vec<String>,
    /// The snapshot the last decision was made on.
    pub snapshot: Snapshot,
}

/// Refuses to touch a StackSet that someone else manages, unless claiming.
/// Claiming writes our id into the controller annotation (guarded by the
/// resourceVersion we read, so a concurrent change is not overwritten: that
/// is a conflict, and the caller reads again).
pub async fn ensure_ours(
    client: &Client,
    stackset: &StackSet,
    settings: &Settings,
) -> Result<StackSet, ExecError> {
    let name = stackset.metadata.name.clone().unwrap_or_default();
    let ns = stackset.metadata.namespace.clone().unwrap_or_default();
    match ManagedBy::of(stackset, &settings.controller_id) {
        ManagedBy::ClientSide { .. } => return Ok(stackset.clone()),
        m if !settings.claim => {
            // Like a missing --yes: a flag is needed to go on (exit 2).
            return Err(ExecError::Failed(Failure::new(
                Exit::Usage,
                format!("stackset {ns}/{name} is managed by the {}, not by kubectl-stackset", m.describe()),
            )
            .hint(format!(
                "to manage it client-side, re-run with --claim (it sets {ANNOTATION_CONTROLLER}={}); \
                 the two must never reconcile the same StackSet",
                settings.controller_id
            ))));
        }
        _ => {}
    }
    if settings.exec.server_dry_run {
        return Ok(stackset.clone());
    }
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns);
    let patch = json!({
        "metadata": {
            "resourceVersion": stackset.metadata.resource_version,
            "annotations": {ANNOTATION_CONTROLLER: settings.controller_id},
        }
    });
    let pp = PatchParams {
        field_manager: Some(super::execute::FIELD_MANAGER.into()),
        ..Default::default()
    };
    let op = Op {
        verb: "patch",
        resource: "stacksets",
        group: "zalando.org",
        name: Some(&name),
        namespace: Some(&ns),
    };
    // A lost response to our own claim also comes back as a conflict (the
    // resourceVersion moved): the fresh read then finds the StackSet ours.
    let patch = Patch::Merge(&patch);
    with_retries(|| api.patch(&name, &pp, &patch))
        .await
        .map_err(|e| {
            if is_conflict(&e) {
                ExecError::Conflict(failure(op, &e).message().to_owned())
            } else {
                ExecError::Failed(failure(op, &e))
            }
        })
}

/// Reconciles one StackSet by name: as many passes as needed to get past
/// stack creation, re-reading on conflicts.
pub async fn reconcile_one(
    client: &Client,
    ns: &str,
    name: &str,
    settings: &Settings,
    now: Timestamp,
) -> Result<Outcome, Failure> {
    reconcile_read(client, ns, name, None, settings, now).await
}

/// Like [`reconcile_one`], starting from a StackSet the caller has just read
/// (saves one GET); later passes read it again.
pub async fn reconcile_read(
    client: &Client,
    ns: &str,
    name: &str,
    first: Option<StackSet>,
    settings: &Settings,
    now: Timestamp,
) -> Result<Outcome, Failure> {
    let executor = Executor::new(client.clone(), settings.exec);
    let mut held = Held::default();
    // Boxed: the passes' future is large (a debug build keeps every local
    // across every await), and callers may poll it on a small stack.
    let result = Box::pin(passes(
        client,
        &executor,
        (ns, name),
        first,
        settings,
        now,
        &mut held,
    ))
    .await;
    // A failure before the held status went out: it goes out alone.
    if result.is_err()
        && let Held {
            status: Some(status),
            on: Some(snapshot),
        } = held
    {
        executor.write_held(Some(status), &snapshot).await;
    }
    result
}

/// The status write of a create plan, held for the pass after it, and the
/// snapshot of the last pass decided.
#[derive(Default)]
struct Held {
    status: Option<HeldStatus>,
    on: Option<Snapshot>,
}

/// The passes of [`reconcile_read`]; `held` is what is still to write when
/// they fail.
async fn passes(
    client: &Client,
    executor: &Executor,
    (ns, name): (&str, &str),
    mut first: Option<StackSet>,
    settings: &Settings,
    now: Timestamp,
    held: &mut Held,
) -> Result<Outcome, Failure> {
    let mut executed = Vec::new();
    let mut pauses = conflict_pauses();
    // Someone else wrote first: read again and decide again, a bounded
    // number of times.
    let mut read_again = async |why: String| match pauses.next() {
        Some(pause) => {
            tracing::debug!(%why, ?pause, "conflict, reading again");
            tokio::time::sleep(pause).await;
            Ok(())
        }
        None => Err(
            Failure::error(format!("{why} (gave up after {CONFLICT_READS} conflicts)"))
                .hint("another writer keeps changing this StackSet; try again"),
        ),
    };
    let mut passes = 0;
    loop {
        passes += 1;
        let stackset = match first.take() {
            Some(s) => s,
            None => get_stackset(client, ns, name).await?,
        };
        let mut stackset = match ensure_ours(client, &stackset, settings).await {
            Ok(s) => s,
            Err(ExecError::Conflict(why)) => {
                read_again(why).await?;
                continue;
            }
            Err(ExecError::Failed(f) | ExecError::StackFailed(f)) => return Err(f),
        };
        if let Some(h) = &held.status {
            h.apply_to(&mut stackset);
        }
        let objects = list_namespace(client, ns, Some(name), settings.scope()).await?;
        let (mut outcome_rec, snapshot) = decide(&objects, stackset.clone(), settings, now);
        let folded = held.status.take();
        if let Some(h) = &folded {
            h.clone().fold_into(&mut outcome_rec.plan, &stackset);
        }
        // Held only when another pass follows to write it.
        let holds = if passes < MAX_PASSES && !settings.exec.server_dry_run {
            outcome_rec.plan.hold_status()
        } else {
            None
        };
        let mut stack_failure = None;
        match executor.execute(&outcome_rec.plan, &snapshot).await {
            Ok(_) => {
                executed.extend(outcome_rec.plan.iter().map(ToString::to_string));
                held.status = holds;
            }
            // Only a stack's sub-resource fails this way: a created Stack
            // stands, and so does its held status.
            Err(ExecError::StackFailed(f)) => {
                stack_failure = Some(f);
                held.status = holds;
            }
            // The create (if any) did not happen; the status held before
            // goes with the next pass's decision, or alone if there is none.
            Err(ExecError::Conflict(why)) => {
                held.status = folded;
                held.on = Some(snapshot);
                read_again(why).await?;
                continue;
            }
            Err(ExecError::Failed(f)) => {
                held.status = folded;
                held.on = Some(snapshot);
                return Err(f);
            }
        }
        executor.publish_all(&outcome_rec.events).await;
        if let Some(f) = stack_failure {
            // Everything else is written; the refused object is the error.
            held.on = Some(snapshot);
            return Err(f);
        }
        // After a stack creation, its children are decided on a fresh read.
        if outcome_rec.plan.requires_resnapshot()
            && passes < MAX_PASSES
            && !settings.exec.server_dry_run
        {
            held.on = Some(snapshot);
            continue;
        }
        return Ok(Outcome {
            reconciliation: outcome_rec,
            executed,
            snapshot,
        });
    }
}

/// The pure decision for one StackSet of a namespace listing.
pub fn decide(
    objects: &NamespaceObjects,
    stackset: StackSet,
    settings: &Settings,
    now: Timestamp,
) -> (Reconciliation, Snapshot) {
    let options = settings.options.for_stackset(&stackset);
    let snapshot = objects.snapshot_for(stackset);
    (reconcile(&snapshot, &options, now), snapshot)
}

/// The whole plan a reconcile would execute, without touching the cluster
/// (the core's [`stackset_core::dry_run`] on this StackSet's objects).
pub fn dry_run_plan(
    objects: &NamespaceObjects,
    stackset: StackSet,
    settings: &Settings,
    now: Timestamp,
) -> (Vec<Reconciliation>, Snapshot) {
    let options = settings.options.for_stackset(&stackset);
    stackset_core::dry_run(&objects.snapshot_for(stackset), &options, now)
}
