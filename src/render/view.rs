//! The documented views of the read commands: what `-o json` and `-o yaml`
//! print, and what the tables are drawn from. These structs are a schema
//! (`apiVersion: kubectl-stackset.io/v1alpha1`): fields are added, never
//! renamed or removed, without a new version. They are built from the core's
//! decision on a snapshot, never serialised from internal types.
//!
//! Everything here is pure: the builders take the snapshot, the decision and
//! `now`, and never read the clock or talk to the cluster.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;
use serde::Serialize;
use stackset_core::api::StackSet;
use stackset_core::reconcile::current_stack_name;
use stackset_core::rollout::{Driving, RolloutRecord};
use stackset_core::{Reconciliation, Snapshot, StackFacts};

/// `apiVersion` of every view.
pub const API_VERSION: &str = "kubectl-stackset.io/v1alpha1";

/// How many de-duplicated Warning events a view keeps.
pub const MAX_EVENTS: usize = 10;

/// Who reconciles a StackSet: the core's one type.
pub use stackset_core::ManagedBy;

use stackset_core::health::waiting_for;
/// The health of a StackSet: the core decides it once.
pub use stackset_core::health::{Assessment, Phase, assess};

/// The state of one stack, for the STATUS column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StackState {
    /// Ready (`IsReady()` of the controller).
    Ready,
    /// Not ready; `reason` says why.
    NotReady,
    /// No traffic for longer than the scale-down TTL, and scaled to zero.
    ScaledDown,
    /// No traffic for longer than the scale-down TTL; the next reconcile scales it to zero.
    ScalingDown,
    /// Beyond the stack lifecycle limit; the next reconcile deletes it.
    PendingRemoval,
    /// The stack has errors; its sub-resources are left alone.
    Error,
    /// Not known (the StackSet has errors, so the engine did not assess stacks).
    Unknown,
}

impl StackState {
    /// Text for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::NotReady => "not ready",
            Self::ScaledDown => "scaled down",
            Self::ScalingDown => "scaling down",
            Self::PendingRemoval => "pending removal",
            Self::Error => "error",
            Self::Unknown => "unknown",
        }
    }
}

/// Replica counts of a stack's Deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Replicas {
    /// `spec.replicas`.
    pub desired: i32,
    /// `status.replicas`.
    pub current: i32,
    /// `status.readyReplicas`.
    pub ready: i32,
    /// `status.updatedReplicas`.
    pub updated: i32,
}

/// HPA bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Autoscaling {
    /// `minReplicas`.
    pub min: i32,
    /// `maxReplicas`.
    pub max: i32,
}

/// One stack of a StackSet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackView {
    /// Stack name (`<stackset>-<version>`).
    pub name: String,
    /// Version.
    pub version: String,
    /// Whether this is the stack of the StackSet's current template version.
    pub current: bool,
    /// Desired traffic weight in percent (normalised, as the controller sees it).
    pub desired_weight: u32,
    /// Actual traffic weight in percent (what routing does now).
    pub actual_weight: u32,
    /// Why actual differs from desired, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_note: Option<String>,
    /// Deployment replica counts.
    pub replicas: Replicas,
    /// HPA bounds, when the stack autoscales.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// State for the STATUS column.
    pub state: StackState,
    /// Readiness in words (`3/3 ready`, `1/3 ready, need 3`, `service missing`) or the stack's error.
    pub reason: String,
    /// Container images of the stack's pod template.
    pub images: Vec<String>,
    /// When the stack last lost its traffic (RFC 3339), if it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_traffic_since: Option<String>,
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// A de-duplicated Warning event about the StackSet or one of its stacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// `stackset` or the version of the stack the object belongs to.
    pub subject: String,
    /// The object of the latest occurrence, `<kind>/<name>`.
    pub object: String,
    /// Event reason, e.g. `TrafficNotSwitched`.
    pub reason: String,
    /// Event message.
    pub message: String,
    /// How often it happened (summed over duplicates).
    pub count: i32,
    /// Latest occurrence (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// The process driving a rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverView {
    /// `cli` (a `kubectl stackset rollout` in a terminal) or `controller`
    /// (`kubectl stackset reconcile --watch`).
    pub kind: &'static str,
    /// Which process, e.g. `alice@laptop pid 4242`.
    pub holder: String,
    /// Its last heartbeat (RFC 3339).
    pub heartbeat: String,
    /// Whether the heartbeat is recent enough for the claim to hold.
    pub alive: bool,
}

/// The StackSet's recorded rollout (annotation `kubectl-stackset.io/rollout`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutView {
    /// The version rolled out.
    pub version: String,
    /// Its stack.
    pub stack: String,
    /// `running`, `paused`, `aborted` or `done`.
    pub state: &'static str,
    /// Whether it is open (running or paused).
    pub open: bool,
    /// Steps written so far.
    pub step: u32,
    /// Steps of the plan.
    pub total_steps: u32,
    /// `cli` or `controller` while a live driver holds it, else `none`.
    pub driven_by: &'static str,
    /// Running, but no process drives it (its driver's heartbeat stopped).
    pub abandoned: bool,
    /// The last (or current) driver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<DriverView>,
    /// Why it is paused or aborted, or what happened last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it started (RFC 3339).
    pub started: String,
    /// Last change (RFC 3339).
    pub updated: String,
}

impl RolloutView {
    /// `v2 running, step 1/4, driven by cli alice@laptop pid 4242`, for tables.
    pub fn describe(&self, stackset: &str) -> String {
        let head = format!(
            "{} {}, step {}/{}",
            self.version, self.state, self.step, self.total_steps
        );
        let tail = match (&self.driver, self.state) {
            (Some(d), "running") if d.alive => format!(", driven by {} {}", d.kind, d.holder),
            (_, "running") => format!(
                ", abandoned: no process is driving it; run `kubectl stackset rollout resume {stackset}`"
            ),
            _ => self
                .message
                .as_ref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default(),
        };
        head + &tail
    }

    /// `v2 1/4 running (cli)`, for a column.
    pub fn short(&self) -> String {
        let who = match (self.state, self.driven_by) {
            ("running", "none") => " (abandoned)".to_string(),
            ("running", d) => format!(" ({d})"),
            _ => String::new(),
        };
        format!(
            "{} {}/{} {}{who}",
            self.version, self.step, self.total_steps, self.state
        )
    }
}

/// The rollout record of a StackSet, if it has a readable one.
pub fn rollout_record(ss: &StackSet) -> Option<RolloutRecord> {
    RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
        .ok()
        .flatten()
}

/// The view of a StackSet's rollout record at `now`.
pub fn rollout_view(ss: &StackSet, now: Timestamp) -> Option<RolloutView> {
    let r = rollout_record(ss)?;
    let (driven_by, abandoned) = match r.driving(now) {
        Driving::Driven(d) => (d.kind.as_str(), false),
        Driving::Abandoned { .. } => ("none", true),
        Driving::NotRunning => ("none", false),
    };
    Some(RolloutView {
        open: r.state.is_open(),
        state: r.state.as_str(),
        step: r.step,
        total_steps: r.total_steps.max(r.step),
        driven_by,
        abandoned,
        driver: r.driver.as_ref().map(|d| DriverView {
            kind: d.kind.as_str(),
            holder: d.holder.clone(),
            heartbeat: rfc3339(d.renewed),
            alive: d.alive(now),
        }),
        message: r.message.clone(),
        started: rfc3339(r.started),
        updated: rfc3339(r.updated),
        version: r.version,
        stack: r.stack,
    })
}

/// `get`: one StackSet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackSetView {
    /// `kubectl-stackset.io/v1alpha1`.
    pub api_version: &'static str,
    /// `StackSetView`.
    pub kind: &'static str,
    /// StackSet name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Kubeconfig context the view was read through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Who reconciles it.
    pub managed_by: ManagedBy,
    /// The template's version.
    pub current_version: String,
    /// The stack that version maps to.
    pub current_stack: String,
    /// `segments` or `backend-weights`, when decidable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_mechanism: Option<String>,
    /// Whether the StackSet routes traffic (ingress, routegroup or externalIngress).
    pub traffic_managed: bool,
    /// Health.
    pub status: Assessment,
    /// The recorded rollout (open or the last one), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout: Option<RolloutView>,
    /// Stacks, sorted by creation time, then name.
    pub stacks: Vec<StackView>,
    /// Latest Warning events, newest first, de-duplicated.
    pub events: Vec<EventView>,
    /// Engine warnings (ignored or legacy fields).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// A stack's weights in a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightView {
    /// Stack name.
    pub stack: String,
    /// Version.
    pub version: String,
    /// Desired weight in percent.
    pub desired_weight: u32,
    /// Actual weight in percent.
    pub actual_weight: u32,
}

/// One row of `list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackSetSummary {
    /// StackSet name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Who reconciles it.
    pub managed_by: ManagedBy,
    /// The template's version.
    pub current_version: String,
    /// Number of stacks.
    pub stacks: u32,
    /// Number of ready stacks.
    pub ready_stacks: u32,
    /// Weights of the stacks with desired or actual traffic.
    pub traffic: Vec<WeightView>,
    /// Health.
    pub status: Assessment,
    /// The recorded rollout (open or the last one), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout: Option<RolloutView>,
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// `list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackSetListView {
    /// `kubectl-stackset.io/v1alpha1`.
    pub api_version: &'static str,
    /// `StackSetList`.
    pub kind: &'static str,
    /// The StackSets, sorted by namespace and name.
    pub items: Vec<StackSetSummary>,
}

/// One stack of `traffic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficRow {
    /// Stack name.
    pub stack: String,
    /// Version.
    pub version: String,
    /// Desired weight in percent.
    pub desired_weight: u32,
    /// Actual weight in percent.
    pub actual_weight: u32,
    /// Why actual differs from desired, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `traffic`: desired versus actual per stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficView {
    /// `kubectl-stackset.io/v1alpha1`.
    pub api_version: &'static str,
    /// `TrafficView`.
    pub kind: &'static str,
    /// StackSet name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Actual equals desired for every stack.
    pub switched: bool,
    /// Stacks, sorted like `get`.
    pub stacks: Vec<TrafficRow>,
}

/// One version of `history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    /// Stack name.
    pub stack: String,
    /// Version.
    pub version: String,
    /// Container images.
    pub images: Vec<String>,
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Whether it is the template's current version.
    pub current: bool,
    /// Actual weight now, in percent.
    pub actual_weight: u32,
    /// When it last had traffic: absent while it has traffic; otherwise the
    /// time it was first seen without traffic (for a stack that never had
    /// traffic, about its creation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_traffic_since: Option<String>,
    /// State, as in `get`.
    pub state: StackState,
}

/// `history`: the versions of a StackSet, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    /// `kubectl-stackset.io/v1alpha1`.
    pub api_version: &'static str,
    /// `StackSetHistory`.
    pub kind: &'static str,
    /// StackSet name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Versions, newest first.
    pub versions: Vec<VersionView>,
}

/// `status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// `kubectl-stackset.io/v1alpha1`.
    pub api_version: &'static str,
    /// `StackSetStatus`.
    pub kind: &'static str,
    /// StackSet name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Who reconciles it.
    pub managed_by: ManagedBy,
    /// The template's version.
    pub current_version: String,
    /// Health.
    #[serde(flatten)]
    pub status: Assessment,
    /// Ready stacks.
    pub ready_stacks: u32,
    /// Stacks.
    pub stacks: u32,
    /// Weights of the stacks with desired or actual traffic.
    pub traffic: Vec<WeightView>,
    /// The recorded rollout (open or the last one), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout: Option<RolloutView>,
}

/// Everything a view of one StackSet is built from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The StackSet and its children as read.
    pub snapshot: &'a Snapshot,
    /// The core's decision on that snapshot (nothing of it was executed).
    pub rec: &'a Reconciliation,
    /// Who reconciles it.
    pub managed_by: &'a ManagedBy,
    /// The kubeconfig context.
    pub context: Option<&'a str>,
    /// Warning events of the namespace (filtered here).
    pub events: &'a [Event],
    /// When the view is taken (a rollout driver's heartbeat is judged by it).
    pub now: Timestamp,
}

fn rfc3339(t: Timestamp) -> String {
    // Whole seconds, like the API server writes them.
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

fn name_of(ss: &StackSet) -> String {
    ss.metadata.name.clone().unwrap_or_default()
}

fn version_of_template(ss: &StackSet) -> String {
    let v = &ss.spec.stack_template.spec.version;
    if v.is_empty() {
        stackset_core::api::constants::DEFAULT_VERSION.to_string()
    } else {
        v.clone()
    }
}

fn images_of(snapshot: &Snapshot, stack: &str) -> Vec<String> {
    snapshot
        .stacks
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some(stack))
        .and_then(|s| s.spec.spec.pod_template.spec.as_ref())
        .map(|p| {
            p.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn autoscaling_of(snapshot: &Snapshot, stack: &str) -> Option<Autoscaling> {
    if let Some(h) = snapshot
        .hpas
        .iter()
        .find(|h| h.metadata.name.as_deref() == Some(stack))
        .map(|h| &h.spec)
    {
        return Some(Autoscaling {
            min: h.min_replicas.unwrap_or(1),
            max: h.max_replicas,
        });
    }
    let s = snapshot
        .stacks
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some(stack))?;
    s.spec.spec.autoscaler.as_ref().map(|a| Autoscaling {
        min: a.min_replicas.unwrap_or(1),
        max: a.max_replicas,
    })
}

/// The observed `noTrafficSince` of a stack (the decision's value may be "now"
/// for a stack that just lost its traffic, which nothing has written yet).
fn no_traffic_since(snapshot: &Snapshot, stack: &str) -> Option<Timestamp> {
    snapshot
        .stacks
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some(stack))
        .and_then(|s| s.status.as_ref())
        .and_then(|st| st.no_traffic_since.as_ref())
        .map(|t| t.0)
}

fn state_of(f: &StackFacts) -> StackState {
    if !f.errors.is_empty() {
        StackState::Error
    } else if f.pending_removal {
        StackState::PendingRemoval
    } else if f.scaled_down && f.deployment_replicas == 0 {
        StackState::ScaledDown
    } else if f.scaled_down {
        StackState::ScalingDown
    } else if f.ready {
        StackState::Ready
    } else {
        StackState::NotReady
    }
}

/// Why a stack's actual weight differs from its desired weight.
fn traffic_note(f: &StackFacts, rec: &Reconciliation, managed_by: &ManagedBy) -> Option<String> {
    if f.desired_weight == f.previous_actual_weight {
        return None;
    }
    if let Some(blocked) = &rec.blocked {
        return Some(waiting_for(rec, &blocked.not_ready));
    }
    if f.actual_weight != f.desired_weight {
        // Not blocked, yet the engine would not switch: no stack has desired traffic.
        return Some("no stack has desired traffic; actual kept".into());
    }
    Some(match managed_by {
        ManagedBy::ClientSide { .. } => "switch pending: next `kubectl stackset reconcile`".into(),
        ManagedBy::Controller | ManagedBy::Other { .. } => {
            "switch pending: waiting for the controller".into()
        }
    })
}

/// `v1 75 · v2 25`: the stacks with weight, by weight then version.
pub fn weights_summary(weights: &[WeightView], actual: bool) -> String {
    stackset_core::health::weights_summary(weights.iter().map(|w| {
        let v = if actual {
            w.actual_weight
        } else {
            w.desired_weight
        };
        (w.version.as_str(), v)
    }))
}

fn facts_sorted(rec: &Reconciliation) -> Vec<&StackFacts> {
    let mut facts: Vec<&StackFacts> = rec.stacks.iter().collect();
    facts.sort_by(|a, b| (a.created, &a.name).cmp(&(b.created, &b.name)));
    facts
}

/// The weights of the stacks with traffic, from the rows as shown (so that
/// they agree with the table, also when the rows come from stack statuses).
fn traffic_weights(stacks: &[StackView]) -> Vec<WeightView> {
    stacks
        .iter()
        .filter(|s| s.desired_weight > 0 || s.actual_weight > 0)
        .map(|s| WeightView {
            stack: s.name.clone(),
            version: s.version.clone(),
            desired_weight: s.desired_weight,
            actual_weight: s.actual_weight,
        })
        .collect()
}

/// Whether the StackSet routes traffic (ingress, routegroup or externalIngress).
fn routes_traffic(ss: &StackSet) -> bool {
    ss.spec.ingress.is_some() || ss.spec.routegroup.is_some() || ss.spec.external_ingress.is_some()
}

/// Rows for stacks the engine did not assess (a StackSet-level error stops it
/// before the per-stack facts): what their own status says.
fn fallback_rows(snapshot: &Snapshot) -> Vec<StackView> {
    let ss = name_of(&snapshot.stackset);
    let uid = snapshot.stackset.metadata.uid.as_deref();
    let current = current_stack_name(&snapshot.stackset);
    let mut stacks: Vec<&stackset_core::api::Stack> = snapshot
        .stacks
        .iter()
        .filter(|s| stackset_core::observe::has_owner(&s.metadata, uid))
        .collect();
    stacks.sort_by(|a, b| {
        (&a.metadata.creation_timestamp, &a.metadata.name)
            .cmp(&(&b.metadata.creation_timestamp, &b.metadata.name))
    });
    stacks
        .into_iter()
        .map(|s| {
            let name = s.metadata.name.clone().unwrap_or_default();
            let version = s
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(stackset_core::api::constants::LABEL_STACK_VERSION))
                .cloned()
                .unwrap_or_else(|| {
                    name.strip_prefix(&format!("{ss}-"))
                        .unwrap_or(&name)
                        .to_string()
                });
            let st = s.status.clone().unwrap_or_default();
            StackView {
                current: name == current,
                desired_weight: st.desired_traffic_weight.round().clamp(0.0, 100.0) as u32,
                actual_weight: st.actual_traffic_weight.round().clamp(0.0, 100.0) as u32,
                traffic_note: None,
                replicas: Replicas {
                    desired: st.desired_replicas,
                    current: st.replicas,
                    ready: st.ready_replicas,
                    updated: st.updated_replicas,
                },
                autoscaling: autoscaling_of(snapshot, &name),
                state: StackState::Unknown,
                reason: "not assessed: the StackSet has errors".into(),
                images: images_of(snapshot, &name),
                no_traffic_since: st.no_traffic_since.map(|t| rfc3339(t.0)),
                created: s.metadata.creation_timestamp.as_ref().map(|t| rfc3339(t.0)),
                name,
                version,
            }
        })
        .collect()
}

/// The rows of `get`, sorted by creation time (oldest first), then name.
pub fn stack_views(
    snapshot: &Snapshot,
    rec: &Reconciliation,
    managed_by: &ManagedBy,
) -> Vec<StackView> {
    if rec.stacks.is_empty() && !rec.errors.is_empty() {
        return fallback_rows(snapshot);
    }
    let current = current_stack_name(&snapshot.stackset);
    facts_sorted(rec)
        .into_iter()
        .map(|f| StackView {
            name: f.name.clone(),
            version: f.version.clone(),
            current: f.name == current,
            desired_weight: f.desired_weight,
            actual_weight: f.previous_actual_weight,
            traffic_note: traffic_note(f, rec, managed_by),
            replicas: Replicas {
                desired: f.deployment_replicas,
                current: f.current_replicas,
                ready: f.ready_replicas,
                updated: f.updated_replicas,
            },
            autoscaling: autoscaling_of(snapshot, &f.name),
            state: state_of(f),
            reason: f
                .errors
                .first()
                .cloned()
                .unwrap_or_else(|| f.readiness.clone()),
            images: images_of(snapshot, &f.name),
            no_traffic_since: if f.previous_actual_weight > 0 || f.desired_weight > 0 {
                None
            } else {
                no_traffic_since(snapshot, &f.name).map(rfc3339)
            },
            created: f.created.map(rfc3339),
        })
        .collect()
}

/// Event time: the latest of the fields different reporters fill in.
fn event_time(e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| {
            e.series
                .as_ref()
                .and_then(|s| s.last_observed_time.as_ref())
                .map(|t| t.0)
        })
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// The Warning events about a StackSet, its stacks and the objects they own
/// (Deployment, ReplicaSets, Pods, Service, HPA, Ingresses, RouteGroups: all
/// named after the stack), de-duplicated by subject, reason and message, newest
/// first, at most [`MAX_EVENTS`].
pub fn event_views(
    stackset: &str,
    stacks: &[(String, String)],
    events: &[Event],
) -> Vec<EventView> {
    let subject_of = |e: &Event| -> Option<String> {
        let kind = e.involved_object.kind.as_deref().unwrap_or_default();
        let name = e.involved_object.name.as_deref().unwrap_or_default();
        if kind == "StackSet" {
            return (name == stackset).then(|| "stackset".to_string());
        }
        stacks
            .iter()
            .find(|(stack, _)| {
                name == stack
                    || name
                        .strip_prefix(stack.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
            })
            .map(|(_, version)| version.clone())
    };
    let mut merged: BTreeMap<(String, String, String), (EventView, Option<Timestamp>)> =
        BTreeMap::new();
    for e in events {
        if e.type_.as_deref() != Some("Warning") {
            continue;
        }
        let Some(subject) = subject_of(e) else {
            continue;
        };
        let reason = e.reason.clone().unwrap_or_default();
        let message = e
            .message
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let count = e
            .series
            .as_ref()
            .and_then(|s| s.count)
            .or(e.count)
            .unwrap_or(1)
            .max(1);
        let at = event_time(e);
        let object = format!(
            "{}/{}",
            e.involved_object
                .kind
                .as_deref()
                .unwrap_or_default()
                .to_ascii_lowercase(),
            e.involved_object.name.as_deref().unwrap_or_default()
        );
        let key = (subject.clone(), reason.clone(), message.clone());
        match merged.get_mut(&key) {
            Some((view, last)) => {
                view.count += count;
                if at > *last {
                    *last = at;
                    view.object = object;
                    view.last_seen = at.map(rfc3339);
                }
            }
            None => {
                merged.insert(
                    key,
                    (
                        EventView {
                            subject,
                            object,
                            reason,
                            message,
                            count,
                            last_seen: at.map(rfc3339),
                        },
                        at,
                    ),
                );
            }
        }
    }
    let mut list: Vec<(EventView, Option<Timestamp>)> = merged.into_values().collect();
    list.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.subject.cmp(&b.0.subject))
            .then_with(|| a.0.reason.cmp(&b.0.reason))
    });
    list.into_iter().take(MAX_EVENTS).map(|(v, _)| v).collect()
}

/// `get`.
pub fn stackset_view(input: Input<'_>) -> StackSetView {
    let Input {
        snapshot,
        rec,
        managed_by,
        context,
        events,
        now,
    } = input;
    let ss = &snapshot.stackset;
    let name = name_of(ss);
    let stacks = stack_views(snapshot, rec, managed_by);
    let pairs: Vec<(String, String)> = stacks
        .iter()
        .map(|s| (s.name.clone(), s.version.clone()))
        .collect();
    StackSetView {
        api_version: API_VERSION,
        kind: "StackSetView",
        namespace: ss.metadata.namespace.clone().unwrap_or_default(),
        context: context.map(str::to_string),
        managed_by: managed_by.clone(),
        current_version: version_of_template(ss),
        current_stack: current_stack_name(ss),
        traffic_mechanism: rec.mechanism.map(|m| m.as_str().to_string()),
        // From the spec: on a StackSet-level error the engine stops before
        // it decides this.
        traffic_managed: routes_traffic(ss),
        status: assess(snapshot, rec, managed_by),
        rollout: rollout_view(ss, now),
        events: event_views(&name, &pairs, events),
        warnings: rec.warnings.clone(),
        created: ss
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| rfc3339(t.0)),
        stacks,
        name,
    }
}

/// One row of `list`.
pub fn summary(
    snapshot: &Snapshot,
    rec: &Reconciliation,
    managed_by: &ManagedBy,
    now: Timestamp,
) -> StackSetSummary {
    let ss = &snapshot.stackset;
    let stacks = stack_views(snapshot, rec, managed_by);
    StackSetSummary {
        name: name_of(ss),
        namespace: ss.metadata.namespace.clone().unwrap_or_default(),
        managed_by: managed_by.clone(),
        current_version: version_of_template(ss),
        stacks: u32::try_from(stacks.len()).unwrap_or(u32::MAX),
        ready_stacks: u32::try_from(
            stacks
                .iter()
                .filter(|s| s.state == StackState::Ready)
                .count(),
        )
        .unwrap_or(u32::MAX),
        traffic: traffic_weights(&stacks),
        status: assess(snapshot, rec, managed_by),
        rollout: rollout_view(ss, now),
        created: ss
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| rfc3339(t.0)),
    }
}

/// `list`.
pub fn list_view(items: Vec<StackSetSummary>) -> StackSetListView {
    StackSetListView {
        api_version: API_VERSION,
        kind: "StackSetList",
        items,
    }
}

/// `traffic`.
pub fn traffic_view(
    snapshot: &Snapshot,
    rec: &Reconciliation,
    managed_by: &ManagedBy,
) -> TrafficView {
    let ss = &snapshot.stackset;
    let stacks: Vec<TrafficRow> = stack_views(snapshot, rec, managed_by)
        .into_iter()
        .map(|s| TrafficRow {
            stack: s.name,
            version: s.version,
            desired_weight: s.desired_weight,
            actual_weight: s.actual_weight,
            note: s.traffic_note,
        })
        .collect();
    TrafficView {
        api_version: API_VERSION,
        kind: "TrafficView",
        name: name_of(ss),
        namespace: ss.metadata.namespace.clone().unwrap_or_default(),
        switched: stacks.iter().all(|s| s.desired_weight == s.actual_weight),
        stacks,
    }
}

/// `history`.
pub fn history_view(
    snapshot: &Snapshot,
    rec: &Reconciliation,
    managed_by: &ManagedBy,
) -> HistoryView {
    let ss = &snapshot.stackset;
    let mut versions: Vec<VersionView> = stack_views(snapshot, rec, managed_by)
        .into_iter()
        .map(|s| VersionView {
            stack: s.name,
            version: s.version,
            images: s.images,
            created: s.created,
            current: s.current,
            actual_weight: s.actual_weight,
            no_traffic_since: s.no_traffic_since,
            state: s.state,
        })
        .collect();
    // Oldest first from stack_views; history reads newest first.
    versions.reverse();
    HistoryView {
        api_version: API_VERSION,
        kind: "StackSetHistory",
        name: name_of(ss),
        namespace: ss.metadata.namespace.clone().unwrap_or_default(),
        versions,
    }
}

/// `status`.
pub fn status_view(
    snapshot: &Snapshot,
    rec: &Reconciliation,
    managed_by: &ManagedBy,
    now: Timestamp,
) -> StatusView {
    let s = summary(snapshot, rec, managed_by, now);
    StatusView {
        api_version: API_VERSION,
        kind: "StackSetStatus",
        name: s.name,
        namespace: s.namespace,
        managed_by: s.managed_by,
        current_version: s.current_version,
        status: s.status,
        ready_stacks: s.ready_stacks,
        stacks: s.stacks,
        traffic: s.traffic,
        rollout: s.rollout,
    }
}

/// Keeps only the stack named by `wanted`: its version (`v2`) or full name
/// (`my-app-v2`). The error lists the stacks there are.
pub fn only_stack(view: &mut StackSetView, wanted: &str) -> Result<(), String> {
    // An exact stack name first, then a version (`v2`, i.e. `<stackset>-v2`).
    let full = format!("{}-{wanted}", view.name);
    let found = view
        .stacks
        .iter()
        .position(|s| s.name == wanted)
        .or_else(|| {
            view.stacks
                .iter()
                .position(|s| s.version == wanted || s.name == full)
        });
    match found {
        Some(i) => {
            let keep = view.stacks.swap_remove(i);
            // The StackSet's events stay; of the stacks', only this one's.
            view.events
                .retain(|e| e.subject == "stackset" || e.subject == keep.version);
            view.stacks = vec![keep];
            Ok(())
        }
        None => {
            let known: Vec<&str> = view.stacks.iter().map(|s| s.version.as_str()).collect();
            Err(if known.is_empty() {
                format!(
                    "stackset {} has no stacks, so no stack '{wanted}'",
                    view.name
                )
            } else {
                format!(
                    "stackset {} has no stack '{wanted}'; its stacks: {}",
                    view.name,
                    known.join(", ")
                )
            })
        }
    }
}

/// Serialises a view for `-o json` (pretty, or one compact line per document
/// when `stream` is set, i.e. JSON lines under --watch) and `-o yaml` (a
/// `---`-led document when streaming).
pub fn encode<T: Serialize>(
    value: &T,
    format: crate::render::OutputFormat,
    stream: bool,
) -> Result<String, String> {
    use crate::render::OutputFormat;
    match format {
        OutputFormat::Json if stream => serde_json::to_string(value)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        OutputFormat::Json => serde_json::to_string_pretty(value)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        OutputFormat::Yaml => serde_saphyr::to_string(value)
            .map(|s| if stream { format!("---\n{s}") } else { s })
            .map_err(|e| e.to_string()),
        other => Err(format!("{other:?} is not a structured format")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{self, ago, client_side, t0, warning};

    fn view_of(w: &fixtures::World, events: &[Event]) -> StackSetView {
        let rec = w.decide(t0());
        stackset_view(Input {
            snapshot: &w.snap,
            rec: &rec,
            managed_by: &client_side(),
            context: Some("prod-eu"),
            events,
            now: t0(),
        })
    }

    #[test]
    fn a_blocked_switch_is_progressing_and_says_which_stack_and_why() {
        let v = view_of(&fixtures::blocked(), &[]);
        assert_eq!(v.status.phase, Phase::Progressing);
        assert_eq!(v.status.message, "waiting for v2: 1/3 ready, need 3");
        assert!(!v.status.traffic_switched);
        let v1 = &v.stacks[0];
        let v2 = &v.stacks[1];
        assert_eq!(
            (v1.version.as_str(), v1.desired_weight, v1.actual_weight),
            ("v1", 0, 100)
        );
        assert_eq!(
            (v2.version.as_str(), v2.desired_weight, v2.actual_weight),
            ("v2", 100, 0)
        );
        assert_eq!(
            v2.traffic_note.as_deref(),
            Some("waiting for v2: 1/3 ready, need 3")
        );
        assert_eq!(
            v1.traffic_note, v2.traffic_note,
            "both ends of the switch say why"
        );
        assert_eq!(v2.state, StackState::NotReady);
        assert!(v2.current && !v1.current);
    }

    #[test]
    fn a_converged_stackset_is_healthy_and_old_stacks_are_scaled_down() {
        let v = view_of(&fixtures::healthy(), &[]);
        assert_eq!(v.status.phase, Phase::Healthy, "{}", v.status.message);
        assert!(v.status.traffic_switched);
        let states: Vec<(&str, StackState)> = v
            .stacks
            .iter()
            .map(|s| (s.version.as_str(), s.state))
            .collect();
        assert_eq!(
            states,
            [
                ("v1", StackState::ScaledDown),
                ("v2", StackState::ScaledDown),
                ("v3", StackState::Ready)
            ]
        );
        assert_eq!(
            v.stacks[2].autoscaling,
            Some(Autoscaling { min: 3, max: 6 })
        );
        assert!(
            v.stacks[1].no_traffic_since.is_some(),
            "v2 lost its traffic"
        );
        assert!(v.stacks[2].no_traffic_since.is_none(), "v3 has traffic");
    }

    #[test]
    fn a_pending_switch_without_a_blocker_names_who_will_make_it() {
        let mut w = fixtures::healthy();
        w.traffic(&[("shop-v3", 50.0), ("shop-v2", 50.0)]);
        let rec = w.decide(t0());
        let a = assess(&w.snap, &rec, &client_side());
        assert_eq!(a.phase, Phase::Progressing);
        assert_eq!(
            a.message,
            "waiting for v2: scaled to zero; scales up on the next reconcile"
        );
        // The reconcile scales v2 up; once its pods are ready, nothing blocks
        // the switch any more, but nobody has made it yet.
        w.converge(t0());
        w.ready("shop-v2", 3);
        let rec = w.decide(t0());
        let a = assess(&w.snap, &rec, &client_side());
        assert_eq!(a.phase, Phase::Progressing);
        assert_eq!(
            a.message,
            "traffic switch pending (next `kubectl stackset reconcile`): actual v3 100 → desired v2 50 · v3 50"
        );
        let controller = assess(&w.snap, &rec, &ManagedBy::Controller);
        assert!(
            controller
                .message
                .starts_with("traffic switch pending (the controller)"),
            "{}",
            controller.message
        );
        let v2 = stack_views(&w.snap, &rec, &client_side())
            .into_iter()
            .find(|s| s.version == "v2")
            .unwrap();
        assert_eq!(
            v2.traffic_note.as_deref(),
            Some("switch pending: next `kubectl stackset reconcile`")
        );
    }

    #[test]
    fn a_stack_serving_traffic_that_is_not_ready_is_degraded() {
        let mut w = fixtures::healthy();
        w.ready("shop-v3", 1);
        let v = view_of(&w, &[]);
        assert_eq!(v.status.phase, Phase::Degraded);
        assert_eq!(
            v.status.message,
            "v3 serves 100% but is not ready: 1/3 ready, need 3"
        );
        assert!(
            !v.status.has_errors,
            "may recover: not an error that stops status --until"
        );
    }

    #[test]
    fn stackset_errors_are_degraded_with_rows_from_the_stacks_own_status() {
        let mut w = fixtures::healthy();
        w.annotate("kubectl-stackset.io/traffic-mechanism", "carrier-pigeon");
        let v = view_of(&w, &[]);
        assert_eq!(v.status.phase, Phase::Degraded);
        assert!(v.status.has_errors);
        assert!(
            v.status.message.contains("unknown traffic mechanism"),
            "{}",
            v.status.message
        );
        assert_eq!(v.stacks.len(), 3, "rows from the Stack objects");
        assert!(v.stacks.iter().all(|s| s.state == StackState::Unknown));
        assert_eq!(v.stacks[2].actual_weight, 100, "from the stack's status");
    }

    #[test]
    fn no_stack_for_the_template_version_yet_is_progressing() {
        let mut w = fixtures::healthy();
        w.deploy("v4", "registry.example.org/shop:v4");
        let rec = w.decide(t0());
        let a = assess(&w.snap, &rec, &client_side());
        assert_eq!(a.phase, Phase::Progressing);
        assert_eq!(
            a.message,
            "no stack for version v4 yet (created by the next `kubectl stackset reconcile`)"
        );
    }

    #[test]
    fn events_are_filtered_to_this_stackset_and_deduplicated_newest_first() {
        let events = vec![
            warning(
                "StackSet",
                "shop",
                "TrafficNotSwitched",
                "Failed to switch traffic: stacks not ready: shop-v2",
                2,
                ago(120),
            ),
            warning(
                "StackSet",
                "shop",
                "TrafficNotSwitched",
                "Failed to switch  traffic: stacks not ready: shop-v2",
                3,
                ago(30),
            ),
            warning(
                "Pod",
                "shop-v2-7d9f8-abcde",
                "Unhealthy",
                "Readiness probe failed",
                4,
                ago(60),
            ),
            warning(
                "Pod",
                "shop-v2-7d9f8-fghij",
                "Unhealthy",
                "Readiness probe failed",
                1,
                ago(10),
            ),
            warning(
                "StackSet",
                "shopping",
                "TrafficNotSwitched",
                "other stackset",
                1,
                ago(5),
            ),
            warning(
                "Pod",
                "shop-v20-aaa-bbb",
                "Unhealthy",
                "a stack that is not ours",
                1,
                ago(5),
            ),
        ];
        let got = event_views(
            "shop",
            &[
                ("shop-v1".into(), "v1".into()),
                ("shop-v2".into(), "v2".into()),
            ],
            &events,
        );
        let summary: Vec<(&str, &str, i32, &str)> = got
            .iter()
            .map(|e| {
                (
                    e.subject.as_str(),
                    e.reason.as_str(),
                    e.count,
                    e.object.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("v2", "Unhealthy", 5, "pod/shop-v2-7d9f8-fghij"),
                ("stackset", "TrafficNotSwitched", 5, "stackset/shop"),
            ]
        );
        assert_eq!(got[0].last_seen.as_deref(), Some("2026-05-28T20:26:30Z"));
    }

    #[test]
    fn a_stack_is_named_by_version_or_full_name() {
        let w = fixtures::blocked();
        for wanted in ["v2", "shop-v2"] {
            let mut v = view_of(&w, &[]);
            only_stack(&mut v, wanted).unwrap();
            assert_eq!(v.stacks.len(), 1, "{wanted}");
            assert_eq!(v.stacks[0].name, "shop-v2", "{wanted}");
        }
        let events = [
            warning(
                "StackSet",
                "shop",
                "TrafficNotSwitched",
                "blocked",
                1,
                ago(10),
            ),
            warning("Pod", "shop-v1-abc-def", "Unhealthy", "v1 pod", 1, ago(10)),
            warning("Pod", "shop-v2-abc-def", "Unhealthy", "v2 pod", 1, ago(10)),
        ];
        let mut v = view_of(&w, &events);
        only_stack(&mut v, "v1").unwrap();
        let kept: Vec<&str> = v.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(kept, ["blocked", "v1 pod"]);
        let mut v = view_of(&w, &[]);
        assert_eq!(
            only_stack(&mut v, "v9").unwrap_err(),
            "stackset shop has no stack 'v9'; its stacks: v1, v2"
        );
    }

    #[test]
    fn summaries_list_weights_biggest_first() {
        let w = |s: &str, v: &str, d: u32, a: u32| WeightView {
            stack: s.into(),
            version: v.into(),
            desired_weight: d,
            actual_weight: a,
        };
        let ws = [
            w("a-v1", "v1", 25, 75),
            w("a-v2", "v2", 75, 25),
            w("a-v0", "v0", 0, 0),
        ];
        assert_eq!(weights_summary(&ws, true), "v1 75 · v2 25");
        assert_eq!(weights_summary(&ws, false), "v2 75 · v1 25");
        assert_eq!(weights_summary(&[], true), "-");
    }
}
