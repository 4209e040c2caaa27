//! The rollout state machine: the record `kubectl stackset rollout` persists
//! in the StackSet annotation `kubectl-stackset.io/rollout`, and the pure
//! decision of what to do next given that record and what the cluster shows.
//!
//! Level-triggered, like the controller: the driver re-reads the cluster on
//! every tick and asks [`decide`] again, so a driver killed at any point and
//! started again (or a second driver in another terminal) continues from the
//! persisted state. The step weights themselves come from the core's
//! [`next_step`], which works from the observed actual weights, never from a
//! replayed list. No I/O here; `now` is a parameter.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::api::{DesiredTraffic, StackSet};
use crate::observe::StackFacts;
use crate::plan::Reconciliation;
use crate::shift::{ShiftObserved, Step, StepPlan, apportion, next_step};
use crate::traffic::Weights;
use crate::util::duration_text;
use k8s_openapi::jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The StackSet annotation holding the rollout record as JSON.
pub const ANNOTATION_ROLLOUT: &str = "kubectl-stackset.io/rollout";

/// Where a rollout is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RolloutState {
    /// A driver moves it forward.
    Running,
    /// Held at the current step until `resume`, `promote` or `abort`.
    Paused,
    /// Stopped; the weights from before the rollout were restored.
    Aborted,
    /// The new stack has all the traffic.
    Done,
}

impl RolloutState {
    /// Whether the rollout is still open (running or paused).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Running | Self::Paused)
    }

    /// The lowercase name, as persisted.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Aborted => "aborted",
            Self::Done => "done",
        }
    }
}

impl fmt::Display for RolloutState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The persisted form of the step plan.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum StepSpec {
    /// Explicit weights of the new stack, e.g. `[10, 25, 50, 100]`.
    Steps(Vec<u32>),
    /// Percent added to the new stack per step.
    StepWeight(u32),
}

impl StepSpec {
    /// The core's plan; a record edited by hand into something invalid is an error.
    pub fn to_plan(&self) -> Result<StepPlan, String> {
        match self {
            Self::Steps(steps) => {
                let text: Vec<String> = steps.iter().map(u32::to_string).collect();
                StepPlan::parse_steps(&text.join(",")).map_err(|e| e.to_string())
            }
            Self::StepWeight(n) => StepPlan::step_weight(*n).map_err(|e| e.to_string()),
        }
    }

    /// From the core's plan.
    pub fn from_plan(plan: &StepPlan) -> Self {
        match plan {
            StepPlan::Steps(s) => Self::Steps(s.clone()),
            StepPlan::StepWeight(n) => Self::StepWeight(*n),
        }
    }
}

impl fmt::Display for StepSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Steps(s) => {
                let parts: Vec<String> = s.iter().map(|w| format!("{w}%")).collect();
                f.write_str(&parts.join(", "))
            }
            Self::StepWeight(n) => write!(f, "+{n}% per step"),
        }
    }
}

/// What a failed rollout does.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailurePolicy {
    /// Restore the weights from before the rollout.
    #[default]
    Abort,
    /// Keep the weights and pause.
    Pause,
}

/// The rollout record, persisted as JSON in [`ANNOTATION_ROLLOUT`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RolloutRecord {
    /// The version rolled out.
    pub version: String,
    /// Its stack, `<stackset>-<version>`.
    pub stack: String,
    /// How the traffic moves.
    pub plan: StepSpec,
    /// Seconds each step is held once the actual traffic reached it.
    pub interval_seconds: u64,
    /// What a failure does.
    #[serde(default)]
    pub on_failure: FailurePolicy,
    /// The desired weights before the rollout, restored by `abort`.
    pub previous: BTreeMap<String, u32>,
    /// Where the rollout is.
    pub state: RolloutState,
    /// Steps written so far.
    #[serde(default)]
    pub step: u32,
    /// Steps of the plan from the weights at the start (for display).
    #[serde(default)]
    pub total_steps: u32,
    /// When the rollout started.
    pub started: Timestamp,
    /// Last change of the record.
    pub updated: Timestamp,
    /// When the current step was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_started: Option<Timestamp>,
    /// When the actual traffic reached the current step (starts the interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_reached: Option<Timestamp>,
    /// Why it is paused or aborted, or what happened last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Seconds the new stack may take to exist and become ready (the
    /// starting command's `--ready-timeout`; a controller that takes the
    /// rollout over keeps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_timeout_seconds: Option<u64>,
    /// Seconds the actual traffic may take to follow one step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_timeout_seconds: Option<u64>,
    /// The process that drives the rollout, with its heartbeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
}

/// Seconds a driver's claim lasts after its last heartbeat. A driver renews
/// it every third of that; a claim older than this is abandoned and anyone
/// may take the rollout over.
pub const DRIVER_LEASE_SECONDS: u64 = 15;

/// Default `--ready-timeout` (seconds) for records that do not carry one.
pub const DEFAULT_READY_TIMEOUT_SECONDS: u64 = 300;

/// Default `--step-timeout` (seconds) for records that do not carry one.
pub const DEFAULT_STEP_TIMEOUT_SECONDS: u64 = 300;

/// What kind of process drives a rollout.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DriverKind {
    /// A `kubectl stackset rollout` (or `rollout resume`) in a terminal.
    Cli,
    /// The controller mode (`kubectl stackset reconcile --watch`).
    Controller,
}

impl DriverKind {
    /// `cli` or `controller`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Controller => "controller",
        }
    }
}

/// The driver's claim on a running rollout: who, and its last heartbeat.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// CLI or controller.
    pub kind: DriverKind,
    /// Who exactly, e.g. `alice@laptop pid 4242` or `controller kubectl-stackset (pod-1)`.
    pub holder: String,
    /// When this driver took the rollout (its deadlines start there).
    pub since: Timestamp,
    /// Last heartbeat.
    pub renewed: Timestamp,
    /// Seconds after `renewed` the claim lapses.
    pub lease_seconds: u64,
}

impl Driver {
    /// A fresh claim.
    pub fn new(kind: DriverKind, holder: impl Into<String>, now: Timestamp) -> Self {
        Self {
            kind,
            holder: holder.into(),
            since: now,
            renewed: now,
            lease_seconds: DRIVER_LEASE_SECONDS,
        }
    }

    /// When the claim lapses.
    pub fn expires(&self) -> Timestamp {
        let lease = i64::try_from(self.lease_seconds).unwrap_or(i64::MAX);
        Timestamp::from_second(self.renewed.as_second().saturating_add(lease))
            .unwrap_or(Timestamp::MAX)
    }

    /// Whether the claim still holds at `now`.
    pub fn alive(&self, now: Timestamp) -> bool {
        now <= self.expires()
    }

    /// `cli alice@laptop pid 4242`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind.as_str(), self.holder)
    }
}

/// Who drives a rollout at a given moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Driving {
    /// Not running (paused, done, aborted): nobody needs to drive it.
    NotRunning,
    /// Running, and a driver's heartbeat is fresh.
    Driven(Driver),
    /// Running, but no process drives it: its last driver (if it ever had
    /// one) stopped renewing at `since`.
    Abandoned {
        /// The last driver.
        last: Option<Driver>,
        /// When the claim lapsed (or the record's last change, without one).
        since: Timestamp,
    },
}

impl RolloutRecord {
    /// Reads the record from a StackSet's annotations: `Ok(None)` when there
    /// is none, an error (never a panic) when it is not a valid record.
    pub fn from_annotations(
        annotations: Option<&BTreeMap<String, String>>,
    ) -> Result<Option<Self>, String> {
        let Some(text) = annotations.and_then(|a| a.get(ANNOTATION_ROLLOUT)) else {
            return Ok(None);
        };
        let record: Self = serde_json::from_str(text)
            .map_err(|e| format!("annotation {ANNOTATION_ROLLOUT} is not a rollout record: {e}"))?;
        record
            .plan
            .to_plan()
            .map_err(|e| format!("annotation {ANNOTATION_ROLLOUT}: {e}"))?;
        Ok(Some(record))
    }

    /// The annotation value.
    pub fn to_annotation(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the record into an annotation map.
    pub fn store(&self, annotations: &mut Option<BTreeMap<String, String>>) {
        annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(ANNOTATION_ROLLOUT.into(), self.to_annotation());
    }

    /// Who drives the rollout at `now`.
    pub fn driving(&self, now: Timestamp) -> Driving {
        if self.state != RolloutState::Running {
            return Driving::NotRunning;
        }
        match &self.driver {
            Some(d) if d.alive(now) => Driving::Driven(d.clone()),
            Some(d) => Driving::Abandoned {
                last: Some(d.clone()),
                since: d.expires(),
            },
            None => Driving::Abandoned {
                last: None,
                since: self.updated,
            },
        }
    }

    /// Whether `holder` may act on the rollout at `now`: it is running and
    /// either unclaimed, claimed by `holder`, or its claim lapsed. Checked
    /// again on the object being written, so of two contenders one wins.
    pub fn may_drive(&self, holder: &str, now: Timestamp) -> bool {
        self.state == RolloutState::Running
            && match &self.driver {
                None => true,
                Some(d) => d.holder == holder || !d.alive(now),
            }
    }

    /// Whether `holder` holds the claim and should renew it now (a third of
    /// the lease has passed since the last heartbeat).
    pub fn needs_renewal(&self, holder: &str, now: Timestamp) -> bool {
        match &self.driver {
            Some(d) if d.holder == holder => {
                let third = i64::try_from(d.lease_seconds / 3).unwrap_or(i64::MAX);
                now.as_second() - d.renewed.as_second() >= third
            }
            _ => true,
        }
    }

    /// Claims (or renews) the rollout for `kind`/`holder`.
    pub fn claim(&mut self, kind: DriverKind, holder: &str, now: Timestamp) {
        match &mut self.driver {
            Some(d) if d.holder == holder => d.renewed = now,
            _ => self.driver = Some(Driver::new(kind, holder, now)),
        }
    }

    /// The deadlines for a driver that started driving at `driver_started`.
    pub fn limits(&self, driver_started: Timestamp) -> Limits {
        let secs =
            |v: Option<u64>, default: u64| i64::try_from(v.unwrap_or(default)).unwrap_or(i64::MAX);
        Limits {
            ready_timeout: secs(self.ready_timeout_seconds, DEFAULT_READY_TIMEOUT_SECONDS),
            step_timeout: secs(self.step_timeout_seconds, DEFAULT_STEP_TIMEOUT_SECONDS),
            driver_started,
        }
    }

    /// `step n/N`, for display.
    pub fn step_text(&self) -> String {
        format!("step {}/{}", self.step, self.total_steps.max(self.step))
    }

    /// Estimated seconds to the end: the rest of the current hold plus one
    /// interval for each step after the next one (the last step is not
    /// held; switching itself is quick next to the intervals). `None` when
    /// not running.
    pub fn eta_seconds(&self, now: Timestamp) -> Option<i64> {
        if self.state != RolloutState::Running {
            return None;
        }
        let interval = i64::try_from(self.interval_seconds).unwrap_or(i64::MAX);
        let total = i64::from(self.total_steps.max(self.step));
        let step = i64::from(self.step);
        if step == 0 {
            return Some((total - 1).max(0).saturating_mul(interval));
        }
        if step >= total {
            return Some(0);
        }
        let current = match self.step_reached {
            Some(t) => (interval - (now.as_second() - t.as_second())).max(0),
            None => interval,
        };
        Some(current.saturating_add((total - step - 1).max(0).saturating_mul(interval)))
    }
}

/// What the driver knows about the new stack.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackView {
    /// `IsReady()`.
    pub ready: bool,
    /// Idle past its scale-down TTL.
    pub scaled_down: bool,
    /// Ready replicas.
    pub ready_replicas: i32,
    /// Deployment replicas.
    pub replicas: i32,
    /// Readiness text, e.g. `1/3 ready`.
    pub readiness: String,
}

/// One tick's observation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// The new stack, `None` while it does not exist.
    pub stack: Option<StackView>,
    /// `status.observedStackVersion` equals the version: a stack of it was
    /// created once, and if it is gone it will not be created again.
    pub version_consumed: bool,
    /// Desired and actual weights and the stacks that are not ready.
    pub shift: ShiftObserved,
}

/// Deadlines of a driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Seconds the new stack may take to exist and become ready.
    pub ready_timeout: i64,
    /// Seconds the actual traffic may take to follow one step.
    pub step_timeout: i64,
    /// When this driver started: deadlines never start before it, so a
    /// rollout resumed an hour after a crash gets its full time again.
    pub driver_started: Timestamp,
}

/// Why the driver waits.
#[derive(Debug, Clone, PartialEq)]
pub enum Waiting {
    /// Paused by someone (the record's message says why).
    Paused,
    /// The new stack does not exist yet.
    StackCreation,
    /// The new stack exists but is not ready.
    Ready {
        /// Ready replicas.
        ready: i32,
        /// Deployment replicas.
        replicas: i32,
        /// Readiness text.
        readiness: String,
    },
    /// A written step is not realised yet.
    Traffic {
        /// Why (names the stacks that are not ready).
        reason: String,
    },
    /// Holding the current step for the interval.
    Interval {
        /// Seconds left.
        remaining: i64,
    },
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The record says the rollout is over (done or aborted).
    Finished(RolloutState),
    /// The actual traffic reached the target: record `done`.
    Complete,
    /// Nothing to write now.
    Wait(Waiting),
    /// Persist that the current step was reached; the interval starts now.
    MarkReached,
    /// Write these desired weights as step `index`.
    Step {
        /// 1-based step number.
        index: u32,
        /// The weights of the step.
        weights: Weights,
    },
    /// Give up; `on_failure` says whether to abort or pause.
    Fail {
        /// For the user and the record.
        reason: String,
    },
}

impl Observed {
    /// The observation from the core's decision on a snapshot. `executed`:
    /// the decision's plan was just carried out, so its actual weights are
    /// the ones now in force (else the ones read).
    pub fn from_reconciliation(
        rec: &Reconciliation,
        stackset: &StackSet,
        record: &RolloutRecord,
        executed: bool,
    ) -> Self {
        let live: Vec<&StackFacts> = rec.stacks.iter().filter(|s| !s.pending_removal).collect();
        let actual = |s: &StackFacts| {
            if executed {
                s.actual_weight
            } else {
                s.previous_actual_weight
            }
        };
        Self {
            stack: live
                .iter()
                .find(|s| s.name == record.stack)
                .map(|f| StackView {
                    ready: f.ready,
                    scaled_down: f.scaled_down,
                    ready_replicas: f.ready_replicas,
                    replicas: f.deployment_replicas,
                    readiness: f.readiness.clone(),
                }),
            version_consumed: stackset
                .status
                .as_ref()
                .and_then(|s| s.observed_stack_version.as_deref())
                == Some(record.version.as_str()),
            shift: ShiftObserved {
                desired: live
                    .iter()
                    .map(|s| (s.name.clone(), s.desired_weight))
                    .collect(),
                actual: live.iter().map(|s| (s.name.clone(), actual(s))).collect(),
                not_ready: live
                    .iter()
                    .filter(|s| !s.ready)
                    .map(|s| (s.name.clone(), s.readiness.clone()))
                    .collect(),
            },
        }
    }
}

/// What a driver without a terminal (the controller) does with a decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Advance {
    /// Nothing to write; look again after this many seconds at the latest.
    Wait {
        /// Seconds.
        after_seconds: i64,
    },
    /// The rollout is not running (done, aborted, paused): nothing to drive.
    Idle,
    /// Write this record, and these desired weights when given, in one
    /// write guarded by the record it was decided on.
    Write {
        /// The new record.
        record: Box<RolloutRecord>,
        /// The new `spec.traffic`.
        traffic: Option<Weights>,
        /// What happened, for the log and an event.
        note: String,
    },
}

/// The write a decision calls for, for drivers that ask nobody: the next
/// record and `spec.traffic`. `existing` are the stacks that exist (for the
/// weights an abort restores).
pub fn advance(
    record: &RolloutRecord,
    decision: Decision,
    existing: &[String],
    now: Timestamp,
) -> Advance {
    let mut next = record.clone();
    next.updated = now;
    let write = |next: RolloutRecord, traffic: Option<Weights>, note: String| Advance::Write {
        record: Box::new(next),
        traffic,
        note,
    };
    match decision {
        Decision::Finished(_) | Decision::Wait(Waiting::Paused) => Advance::Idle,
        Decision::Wait(Waiting::Interval { remaining }) => Advance::Wait {
            after_seconds: remaining.max(1),
        },
        Decision::Wait(_) => Advance::Wait { after_seconds: 1 },
        Decision::Complete => {
            next.state = RolloutState::Done;
            next.message = Some("rolled out".into());
            write(next, None, format!("{} has all the traffic", record.stack))
        }
        Decision::MarkReached => {
            next.step_reached = Some(now);
            write(next, None, format!("{} reached", record.step_text()))
        }
        Decision::Step { index, weights } => {
            next.step = index;
            next.total_steps = next.total_steps.max(index);
            next.step_started = Some(now);
            next.step_reached = None;
            let note = format!(
                "{}: {} at {}%",
                next.step_text(),
                record.stack,
                weights.get(&record.stack).copied().unwrap_or(0)
            );
            write(next, Some(weights), note)
        }
        Decision::Fail { reason } => {
            let restored = match record.on_failure {
                FailurePolicy::Abort => restore_weights(&record.previous, existing),
                FailurePolicy::Pause => None,
            };
            match restored {
                Some(weights) => {
                    next.state = RolloutState::Aborted;
                    next.message = Some(format!("failed: {reason}"));
                    write(next, Some(weights), format!("failed and aborted: {reason}"))
                }
                None => {
                    next.state = RolloutState::Paused;
                    next.message = Some(format!("failed: {reason}"));
                    write(next, None, format!("failed and paused: {reason}"))
                }
            }
        }
    }
}

/// `spec.traffic` for these weights: one entry per stack with weight, sorted
/// by name (the controller's own shape), or none.
pub fn desired_traffic(weights: &Weights) -> Option<Vec<DesiredTraffic>> {
    let list: Vec<DesiredTraffic> = weights
        .iter()
        .filter(|(_, w)| **w > 0)
        .map(|(k, w)| DesiredTraffic {
            stack_name: k.clone(),
            weight: f64::from(*w),
        })
        .collect();
    (!list.is_empty()).then_some(list)
}

/// The target of a rollout: the new stack at 100, every other known stack at 0.
pub fn target_weights(stack: &str, observed: &ShiftObserved) -> Weights {
    let keys: BTreeSet<&String> = observed
        .desired
        .keys()
        .chain(observed.actual.keys())
        .collect();
    let mut target: Weights = keys.into_iter().map(|k| (k.clone(), 0)).collect();
    target.insert(stack.to_string(), 100);
    target
}

fn elapsed_seconds(now: Timestamp, since: Timestamp) -> i64 {
    now.as_second() - since.as_second()
}

/// The next thing to do. See the module docs.
pub fn decide(
    record: &RolloutRecord,
    observed: &Observed,
    now: Timestamp,
    limits: &Limits,
) -> Decision {
    match record.state {
        RolloutState::Done => return Decision::Finished(RolloutState::Done),
        RolloutState::Aborted => return Decision::Finished(RolloutState::Aborted),
        RolloutState::Paused => return Decision::Wait(Waiting::Paused),
        RolloutState::Running => {}
    }
    let plan = match record.plan.to_plan() {
        Ok(p) => p,
        Err(e) => return Decision::Fail { reason: e },
    };
    let since = |t: Option<Timestamp>| t.unwrap_or(record.started).max(limits.driver_started);
    let Some(stack) = &observed.stack else {
        if observed.version_consumed {
            return Decision::Fail {
                reason: format!(
                    "stack {} was created once and is gone; the StackSet will not create it again",
                    record.stack
                ),
            };
        }
        if elapsed_seconds(now, since(None)) > limits.ready_timeout {
            return Decision::Fail {
                reason: format!(
                    "stack {} was not created within {}",
                    record.stack,
                    duration_text(limits.ready_timeout)
                ),
            };
        }
        return Decision::Wait(Waiting::StackCreation);
    };
    let target = target_weights(&record.stack, &observed.shift);
    match next_step(&observed.shift, &target, &plan) {
        Step::Done => Decision::Complete,
        Step::Apply(weights) => {
            if record.step > 0 {
                match record.step_reached {
                    None => return Decision::MarkReached,
                    Some(t) => {
                        let left = i64::try_from(record.interval_seconds).unwrap_or(i64::MAX)
                            - elapsed_seconds(now, t);
                        if left > 0 {
                            return Decision::Wait(Waiting::Interval { remaining: left });
                        }
                    }
                }
            }
            Decision::Step {
                index: record.step + 1,
                weights,
            }
        }
        Step::Wait { reason } => {
            let desired_new = observed
                .shift
                .desired
                .get(&record.stack)
                .copied()
                .unwrap_or(0);
            if record.step == 0 && stack.scaled_down && desired_new == 0 {
                // The new stack idled past its scale-down TTL before its first
                // step. The first step's desired weight scales it up again; the
                // readiness gate keeps the actual traffic until it is ready.
                let mut woken = observed.shift.clone();
                woken.not_ready.remove(&record.stack);
                if let Step::Apply(weights) = next_step(&woken, &target, &plan) {
                    return Decision::Step { index: 1, weights };
                }
            }
            if record.step == 0 && !stack.ready {
                if elapsed_seconds(now, since(None)) > limits.ready_timeout {
                    return Decision::Fail {
                        reason: format!(
                            "stack {} did not become ready within {}: {}",
                            record.stack,
                            duration_text(limits.ready_timeout),
                            stack.readiness
                        ),
                    };
                }
                return Decision::Wait(Waiting::Ready {
                    ready: stack.ready_replicas,
                    replicas: stack.replicas,
                    readiness: stack.readiness.clone(),
                });
            }
            if elapsed_seconds(now, since(record.step_started)) > limits.step_timeout {
                return Decision::Fail {
                    reason: format!(
                        "{} did not complete within {}: {reason}",
                        record.step_text(),
                        duration_text(limits.step_timeout)
                    ),
                };
            }
            Decision::Wait(Waiting::Traffic { reason })
        }
    }
}

/// The steps a plan takes from `start` to `target` if every step is
/// realised as written (for the preview and the step count).
pub fn simulate_steps(start: &Weights, target: &Weights, plan: &StepPlan) -> Vec<Weights> {
    let mut observed = ShiftObserved {
        desired: start.clone(),
        actual: start.clone(),
        not_ready: BTreeMap::new(),
    };
    let mut out = Vec::new();
    // Every step moves at least one point, so 101 steps always suffice.
    for _ in 0..=100 {
        match next_step(&observed, target, plan) {
            Step::Apply(w) => {
                observed.desired = w.clone();
                observed.actual = w.clone();
                out.push(w);
            }
            Step::Done | Step::Wait { .. } => break,
        }
    }
    out
}

/// The weights `abort` writes: the ones from before the rollout, limited to
/// the stacks that still exist and scaled back to 100. `None` when none of
/// those stacks is left with a weight.
pub fn restore_weights(previous: &BTreeMap<String, u32>, existing: &[String]) -> Option<Weights> {
    let kept: BTreeMap<String, f64> = existing
        .iter()
        .map(|k| (k.clone(), f64::from(previous.get(k).copied().unwrap_or(0))))
        .collect();
    if kept.values().all(|w| *w <= 0.0) {
        return None;
    }
    Some(apportion(&kept, 100))
}

/// What `rollout` was asked to do, as far as admission cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartRequest<'a> {
    /// No version and no file: continue the recorded rollout.
    Continue,
    /// Roll out a template (the StackSet's, changed by the command).
    Start {
        /// The version of the new template.
        version: &'a str,
        /// Its stack, `<stackset>-<version>`.
        stack: &'a str,
        /// The StackSet's current template version.
        current_version: &'a str,
        /// Whether the template or spec differ from the StackSet's.
        template_changes: bool,
        /// Whether the version's stack exists.
        stack_exists: bool,
        /// `status.observedStackVersion`.
        observed_stack_version: Option<&'a str>,
    },
}

/// Whether a `rollout` may go on, and how.
#[derive(Debug, Clone, PartialEq)]
pub enum Admission {
    /// Drive the recorded, running rollout on from where it is.
    Continue(RolloutRecord),
    /// Start a new rollout.
    Start,
    /// Refused, and why.
    Refuse(Refusal),
}

/// Why a `rollout` is refused. The shell turns each into a one-line error
/// with a hint and an exit code.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Asked to continue, but no rollout is recorded.
    NothingRecorded,
    /// Asked to continue a paused rollout (resume drives it).
    Paused(RolloutRecord),
    /// Asked to continue a rollout that is done or aborted.
    Finished(RolloutRecord),
    /// Another version's rollout is open.
    OtherRolloutOpen(RolloutRecord),
    /// This version's rollout is open, with another template.
    OpenWithOtherTemplate(RolloutRecord),
    /// This version's rollout is open but paused.
    PausedAtVersion(RolloutRecord),
    /// The version's stack exists and the template changes.
    StackExists {
        /// The stack.
        stack: String,
    },
    /// The template changes but keeps its version.
    VersionUnchanged {
        /// The version.
        version: String,
    },
    /// The version's stack was created before and is gone: the StackSet will
    /// not create it again.
    VersionConsumed {
        /// The stack.
        stack: String,
        /// The version.
        version: String,
    },
}

/// The admission rules of `rollout`: continue the recorded rollout, start a
/// new one, or refuse (see [`Refusal`]). An open rollout is continued only
/// for its own version and template, and never while paused; a new one needs
/// a new version whenever the template changes, and a version the StackSet
/// will still create.
pub fn admit(existing: Option<&RolloutRecord>, request: &StartRequest<'_>) -> Admission {
    let refuse = |r: Refusal| Admission::Refuse(r);
    match request {
        StartRequest::Continue => match existing {
            None => refuse(Refusal::NothingRecorded),
            Some(r) => match r.state {
                RolloutState::Running => Admission::Continue(r.clone()),
                RolloutState::Paused => refuse(Refusal::Paused(r.clone())),
                RolloutState::Done | RolloutState::Aborted => refuse(Refusal::Finished(r.clone())),
            },
        },
        StartRequest::Start {
            version,
            stack,
            current_version,
            template_changes,
            stack_exists,
            observed_stack_version,
        } => {
            if let Some(r) = existing.filter(|r| r.state.is_open()) {
                return if r.version != *version {
                    refuse(Refusal::OtherRolloutOpen(r.clone()))
                } else if *template_changes {
                    refuse(Refusal::OpenWithOtherTemplate(r.clone()))
                } else if r.state == RolloutState::Paused {
                    refuse(Refusal::PausedAtVersion(r.clone()))
                } else {
                    Admission::Continue(r.clone())
                };
            }
            if *stack_exists && *template_changes {
                refuse(Refusal::StackExists {
                    stack: stack.to_string(),
                })
            } else if version == current_version && *template_changes {
                refuse(Refusal::VersionUnchanged {
                    version: version.to_string(),
                })
            } else if !*stack_exists
                && !*template_changes
                && *observed_stack_version == Some(*version)
            {
                refuse(Refusal::VersionConsumed {
                    stack: stack.to_string(),
                    version: version.to_string(),
                })
            } else {
                Admission::Start
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pairs: &[(&str, u32)]) -> Weights {
        pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
    }

    fn t(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    fn record(state: RolloutState, step: u32) -> RolloutRecord {
        RolloutRecord {
            version: "v2".into(),
            stack: "app-v2".into(),
            plan: StepSpec::Steps(vec![10, 50, 100]),
            interval_seconds: 30,
            on_failure: FailurePolicy::Abort,
            previous: w(&[("app-v1", 100)]),
            state,
            step,
            total_steps: 3,
            started: t(0),
            updated: t(0),
            step_started: None,
            step_reached: None,
            message: None,
            ready_timeout_seconds: None,
            step_timeout_seconds: None,
            driver: None,
        }
    }

    fn ready() -> StackView {
        StackView {
            ready: true,
            scaled_down: false,
            ready_replicas: 2,
            replicas: 2,
            readiness: "2/2 ready".into(),
        }
    }

    fn not_ready() -> StackView {
        StackView {
            ready: false,
            scaled_down: false,
            ready_replicas: 0,
            replicas: 2,
            readiness: "0/2 ready, need 2".into(),
        }
    }

    fn observed(stack: Option<StackView>, desired: Weights, actual: Weights) -> Observed {
        let mut not_ready = BTreeMap::new();
        if let Some(s) = &stack
            && !s.ready
        {
            not_ready.insert("app-v2".to_string(), s.readiness.clone());
        }
        Observed {
            stack,
            version_consumed: false,
            shift: ShiftObserved {
                desired,
                actual,
                not_ready,
            },
        }
    }

    fn limits() -> Limits {
        Limits {
            ready_timeout: 60,
            step_timeout: 120,
            driver_started: t(0),
        }
    }

    #[test]
    fn decide_table() {
        let start = w(&[("app-v1", 100), ("app-v2", 0)]);
        let step1 = w(&[("app-v1", 90), ("app-v2", 10)]);
        let step1_pending = w(&[("app-v1", 100), ("app-v2", 0)]);
        let done = w(&[("app-v1", 0), ("app-v2", 100)]);
        struct Case {
            name: &'static str,
            record: RolloutRecord,
            observed: Observed,
            now: i64,
            driver: i64,
            want: Decision,
        }
        let with = |mut r: RolloutRecord, f: &dyn Fn(&mut RolloutRecord)| {
            f(&mut r);
            r
        };
        let cases = vec![
            Case {
                name: "done is finished",
                record: record(RolloutState::Done, 3),
                observed: observed(Some(ready()), done.clone(), done.clone()),
                now: 5,
                driver: 0,
                want: Decision::Finished(RolloutState::Done),
            },
            Case {
                name: "aborted is finished",
                record: record(RolloutState::Aborted, 1),
                observed: observed(Some(ready()), start.clone(), start.clone()),
                now: 5,
                driver: 0,
                want: Decision::Finished(RolloutState::Aborted),
            },
            Case {
                name: "paused waits",
                record: record(RolloutState::Paused, 1),
                observed: observed(Some(ready()), step1.clone(), step1.clone()),
                now: 5,
                driver: 0,
                want: Decision::Wait(Waiting::Paused),
            },
            Case {
                name: "waits for the stack to be created",
                record: record(RolloutState::Running, 0),
                observed: observed(None, start.clone(), start.clone()),
                now: 5,
                driver: 0,
                want: Decision::Wait(Waiting::StackCreation),
            },
            Case {
                name: "stack never created",
                record: record(RolloutState::Running, 0),
                observed: observed(None, start.clone(), start.clone()),
                now: 61,
                driver: 0,
                want: Decision::Fail {
                    reason: "stack app-v2 was not created within 1m".into(),
                },
            },
            Case {
                name: "a consumed version will not come back",
                record: record(RolloutState::Running, 0),
                observed: Observed {
                    version_consumed: true,
                    ..observed(None, start.clone(), start.clone())
                },
                now: 1,
                driver: 0,
                want: Decision::Fail {
                    reason: "stack app-v2 was created once and is gone; the StackSet will not create it again".into(),
                },
            },
            Case {
                name: "waits for readiness before the first step",
                record: record(RolloutState::Running, 0),
                observed: observed(Some(not_ready()), start.clone(), start.clone()),
                now: 30,
                driver: 0,
                want: Decision::Wait(Waiting::Ready {
                    ready: 0,
                    replicas: 2,
                    readiness: "0/2 ready, need 2".into(),
                }),
            },
            Case {
                name: "not ready in time fails",
                record: record(RolloutState::Running, 0),
                observed: observed(Some(not_ready()), start.clone(), start.clone()),
                now: 61,
                driver: 0,
                want: Decision::Fail {
                    reason: "stack app-v2 did not become ready within 1m: 0/2 ready, need 2".into(),
                },
            },
            Case {
                name: "a resumed driver gets its full time",
                record: record(RolloutState::Running, 0),
                observed: observed(Some(not_ready()), start.clone(), start.clone()),
                now: 3600,
                driver: 3590,
                want: Decision::Wait(Waiting::Ready {
                    ready: 0,
                    replicas: 2,
                    readiness: "0/2 ready, need 2".into(),
                }),
            },
            Case {
                name: "first step as soon as ready, no interval",
                record: record(RolloutState::Running, 0),
                observed: observed(Some(ready()), start.clone(), start.clone()),
                now: 2,
                driver: 0,
                want: Decision::Step {
                    index: 1,
                    weights: step1.clone(),
                },
            },
            Case {
                name: "a scaled-down new stack is woken by the first step",
                record: record(RolloutState::Running, 0),
                observed: observed(
                    Some(StackView {
                        scaled_down: true,
                        replicas: 0,
                        readiness: "scaled to zero".into(),
                        ..not_ready()
                    }),
                    start.clone(),
                    start.clone(),
                ),
                now: 2,
                driver: 0,
                want: Decision::Step {
                    index: 1,
                    weights: step1.clone(),
                },
            },
            Case {
                name: "waits while the step is not realised",
                record: with(record(RolloutState::Running, 1), &|r| r.step_started = Some(t(10))),
                observed: observed(Some(ready()), step1.clone(), step1_pending.clone()),
                now: 20,
                driver: 0,
                want: Decision::Wait(Waiting::Traffic {
                    reason: "waiting for actual traffic to reach the desired weights".into(),
                }),
            },
            Case {
                name: "a step that never completes fails",
                record: with(record(RolloutState::Running, 1), &|r| r.step_started = Some(t(10))),
                observed: observed(Some(not_ready()), step1.clone(), step1_pending.clone()),
                now: 131,
                driver: 0,
                want: Decision::Fail {
                    reason: "step 1/3 did not complete within 2m: waiting for stacks to become ready: app-v2 (0/2 ready, need 2)".into(),
                },
            },
            Case {
                name: "a reached step is recorded first",
                record: with(record(RolloutState::Running, 1), &|r| r.step_started = Some(t(10))),
                observed: observed(Some(ready()), step1.clone(), step1.clone()),
                now: 20,
                driver: 0,
                want: Decision::MarkReached,
            },
            Case {
                name: "holds the step for the interval",
                record: with(record(RolloutState::Running, 1), &|r| r.step_reached = Some(t(10))),
                observed: observed(Some(ready()), step1.clone(), step1.clone()),
                now: 25,
                driver: 0,
                want: Decision::Wait(Waiting::Interval { remaining: 15 }),
            },
            Case {
                name: "next step after the interval",
                record: with(record(RolloutState::Running, 1), &|r| r.step_reached = Some(t(10))),
                observed: observed(Some(ready()), step1.clone(), step1.clone()),
                now: 40,
                driver: 0,
                want: Decision::Step {
                    index: 2,
                    weights: w(&[("app-v1", 50), ("app-v2", 50)]),
                },
            },
            Case {
                name: "complete when the actual traffic is on the new stack",
                record: record(RolloutState::Running, 3),
                observed: observed(Some(ready()), done.clone(), done.clone()),
                now: 99,
                driver: 0,
                want: Decision::Complete,
            },
            Case {
                name: "a corrupt plan fails instead of panicking",
                record: with(record(RolloutState::Running, 1), &|r| r.plan = StepSpec::Steps(vec![50, 10])),
                observed: observed(Some(ready()), step1.clone(), step1.clone()),
                now: 1,
                driver: 0,
                want: Decision::Fail {
                    reason: "invalid steps \"50,10\": steps must increase".into(),
                },
            },
        ];
        for case in cases {
            let limits = Limits {
                driver_started: t(case.driver),
                ..limits()
            };
            let got = decide(&case.record, &case.observed, t(case.now), &limits);
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn driver_claims_lapse_and_can_be_taken_over() {
        let mut r = record(RolloutState::Running, 1);
        // Never claimed (a record from before drivers): abandoned since its last change.
        assert_eq!(
            r.driving(t(100)),
            Driving::Abandoned {
                last: None,
                since: t(0)
            }
        );
        assert!(r.may_drive("cli-a", t(100)));
        r.claim(DriverKind::Cli, "cli-a", t(100));
        let d = r.driver.clone().unwrap();
        assert_eq!((d.since, d.renewed), (t(100), t(100)));
        assert_eq!(r.driving(t(110)), Driving::Driven(d.clone()));
        // Someone else must wait while the claim holds ...
        assert!(!r.may_drive("controller", t(115)));
        assert!(r.may_drive("cli-a", t(115)));
        // ... the holder renews every third of the lease ...
        assert!(!r.needs_renewal("cli-a", t(104)));
        assert!(r.needs_renewal("cli-a", t(105)));
        r.claim(DriverKind::Cli, "cli-a", t(112));
        let d = r.driver.clone().unwrap();
        assert_eq!(
            (d.since, d.renewed),
            (t(100), t(112)),
            "a renewal keeps since"
        );
        // ... and once it lapses, the rollout is abandoned and may be taken.
        assert!(!r.may_drive("controller", t(127)));
        assert_eq!(
            r.driving(t(128)),
            Driving::Abandoned {
                last: Some(d),
                since: t(127)
            }
        );
        assert!(r.may_drive("controller", t(128)));
        r.claim(DriverKind::Controller, "controller", t(128));
        assert_eq!(r.driver.as_ref().unwrap().since, t(128));
        assert!(!r.may_drive("cli-a", t(130)));
        // Nobody drives a paused or finished rollout.
        for state in [
            RolloutState::Paused,
            RolloutState::Done,
            RolloutState::Aborted,
        ] {
            r.state = state;
            assert_eq!(r.driving(t(130)), Driving::NotRunning);
            assert!(!r.may_drive("controller", t(130)));
        }
    }

    #[test]
    fn limits_come_from_the_record() {
        let mut r = record(RolloutState::Running, 0);
        assert_eq!(r.limits(t(5)).ready_timeout, 300);
        r.ready_timeout_seconds = Some(60);
        r.step_timeout_seconds = Some(120);
        assert_eq!(
            r.limits(t(5)),
            Limits {
                ready_timeout: 60,
                step_timeout: 120,
                driver_started: t(5)
            }
        );
    }

    #[test]
    fn advance_table() {
        let existing = vec!["app-v1".to_string(), "app-v2".to_string()];
        let base = record(RolloutState::Running, 1);
        let now = t(50);
        // Waiting writes nothing.
        assert_eq!(
            advance(
                &base,
                Decision::Wait(Waiting::Interval { remaining: 7 }),
                &existing,
                now
            ),
            Advance::Wait { after_seconds: 7 }
        );
        assert_eq!(
            advance(
                &base,
                Decision::Wait(Waiting::StackCreation),
                &existing,
                now
            ),
            Advance::Wait { after_seconds: 1 }
        );
        assert_eq!(
            advance(&base, Decision::Wait(Waiting::Paused), &existing, now),
            Advance::Idle
        );
        assert_eq!(
            advance(
                &base,
                Decision::Finished(RolloutState::Done),
                &existing,
                now
            ),
            Advance::Idle
        );
        let written = |a: Advance| match a {
            Advance::Write {
                record, traffic, ..
            } => (*record, traffic),
            other => panic!("expected a write, got {other:?}"),
        };
        // A step writes the weights and the step.
        let (r, traffic) = written(advance(
            &base,
            Decision::Step {
                index: 2,
                weights: w(&[("app-v1", 50), ("app-v2", 50)]),
            },
            &existing,
            now,
        ));
        assert_eq!(traffic, Some(w(&[("app-v1", 50), ("app-v2", 50)])));
        assert_eq!(
            (r.step, r.step_started, r.step_reached, r.updated),
            (2, Some(now), None, now)
        );
        assert_eq!(r.state, RolloutState::Running);
        // Reaching a step starts the interval.
        let (r, traffic) = written(advance(&base, Decision::MarkReached, &existing, now));
        assert_eq!((r.step_reached, traffic), (Some(now), None));
        // Complete records done.
        let (r, _) = written(advance(&base, Decision::Complete, &existing, now));
        assert_eq!(r.state, RolloutState::Done);
        // A failure aborts to the weights from before ...
        let (r, traffic) = written(advance(
            &base,
            Decision::Fail { reason: "x".into() },
            &existing,
            now,
        ));
        assert_eq!(r.state, RolloutState::Aborted);
        assert_eq!(r.message.as_deref(), Some("failed: x"));
        assert_eq!(traffic, Some(w(&[("app-v1", 100), ("app-v2", 0)])));
        // ... or pauses, by policy, or when nothing from before is left.
        let mut pausing = base.clone();
        pausing.on_failure = FailurePolicy::Pause;
        let (r, traffic) = written(advance(
            &pausing,
            Decision::Fail { reason: "x".into() },
            &existing,
            now,
        ));
        assert_eq!((r.state, traffic), (RolloutState::Paused, None));
        let (r, traffic) = written(advance(
            &base,
            Decision::Fail { reason: "x".into() },
            &["app-v2".to_string()],
            now,
        ));
        assert_eq!((r.state, traffic), (RolloutState::Paused, None));
    }

    #[test]
    fn record_round_trips_and_rejects_garbage() {
        let mut r = record(RolloutState::Running, 2);
        r.step_reached = Some(t(5));
        r.message = Some("hello".into());
        let mut annotations = None;
        r.store(&mut annotations);
        let back = RolloutRecord::from_annotations(annotations.as_ref()).unwrap();
        assert_eq!(back, Some(r));
        assert_eq!(RolloutRecord::from_annotations(None), Ok(None));
        for bad in ["", "{}", "[1]", "{\"version\": 3}", "null"] {
            let a = BTreeMap::from([(ANNOTATION_ROLLOUT.to_string(), bad.to_string())]);
            assert!(
                RolloutRecord::from_annotations(Some(&a)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn simulate_counts_the_steps() {
        let start = w(&[("a", 100), ("b", 0)]);
        let target = w(&[("a", 0), ("b", 100)]);
        let steps = simulate_steps(&start, &target, &StepPlan::Steps(vec![10, 25, 50, 100]));
        let b: Vec<u32> = steps.iter().map(|s| s["b"]).collect();
        assert_eq!(b, vec![10, 25, 50, 100]);
        let steps = simulate_steps(&start, &target, &StepPlan::StepWeight(30));
        let b: Vec<u32> = steps.iter().map(|s| s["b"]).collect();
        assert_eq!(b, vec![30, 60, 90, 100]);
        assert!(simulate_steps(&target, &target, &StepPlan::StepWeight(30)).is_empty());
    }

    #[test]
    fn restore_keeps_existing_stacks_only() {
        let previous = w(&[("a", 60), ("b", 40)]);
        let existing = vec!["a".to_string(), "c".to_string()];
        assert_eq!(
            restore_weights(&previous, &existing),
            Some(w(&[("a", 100), ("c", 0)]))
        );
        assert_eq!(restore_weights(&previous, &["c".to_string()]), None);
    }

    #[test]
    fn eta_counts_remaining_holds() {
        let mut r = record(RolloutState::Running, 1);
        r.step_reached = Some(t(0));
        // 20 s left of step 1's hold, then step 2 is held; step 3 is the end.
        assert_eq!(r.eta_seconds(t(10)), Some(20 + 30));
        r.step = 0;
        assert_eq!(r.eta_seconds(t(10)), Some(2 * 30));
        r.step = 3;
        assert_eq!(r.eta_seconds(t(10)), Some(0));
        r.state = RolloutState::Paused;
        assert_eq!(r.eta_seconds(t(10)), None);
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn record_parser_never_panics(text in ".{0,200}") {
                let a = BTreeMap::from([(ANNOTATION_ROLLOUT.to_string(), text)]);
                let _ = RolloutRecord::from_annotations(Some(&a));
            }

            #[test]
            fn record_parser_never_panics_on_near_json(
                version in "[a-z0-9]{0,4}",
                steps in prop::collection::vec(0u32..200, 0..5),
                step in 0u32..10,
                state in "(running|paused|aborted|done|x)",
            ) {
                let text = serde_json::json!({
                    "version": version, "stack": "s", "plan": {"steps": steps},
                    "intervalSeconds": 1, "previous": {}, "state": state, "step": step,
                    "started": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
                }).to_string();
                let a = BTreeMap::from([(ANNOTATION_ROLLOUT.to_string(), text)]);
                let _ = RolloutRecord::from_annotations(Some(&a));
            }
        }
    }

    #[test]
    fn admission_table() {
        let start =
            |version: &'static str, changes: bool, exists: bool, observed: Option<&'static str>| {
                StartRequest::Start {
                    version,
                    stack: "app-x",
                    current_version: "v1",
                    template_changes: changes,
                    stack_exists: exists,
                    observed_stack_version: observed,
                }
            };
        let running = record(RolloutState::Running, 1);
        let paused = record(RolloutState::Paused, 1);
        let done = record(RolloutState::Done, 3);
        let aborted = record(RolloutState::Aborted, 1);
        let cases: Vec<(&str, Option<&RolloutRecord>, StartRequest<'_>, Admission)> = vec![
            (
                "continue: nothing recorded",
                None,
                StartRequest::Continue,
                Admission::Refuse(Refusal::NothingRecorded),
            ),
            (
                "continue: running",
                Some(&running),
                StartRequest::Continue,
                Admission::Continue(running.clone()),
            ),
            (
                "continue: paused",
                Some(&paused),
                StartRequest::Continue,
                Admission::Refuse(Refusal::Paused(paused.clone())),
            ),
            (
                "continue: done",
                Some(&done),
                StartRequest::Continue,
                Admission::Refuse(Refusal::Finished(done.clone())),
            ),
            (
                "continue: aborted",
                Some(&aborted),
                StartRequest::Continue,
                Admission::Refuse(Refusal::Finished(aborted.clone())),
            ),
            (
                "open, other version",
                Some(&running),
                start("v3", true, false, None),
                Admission::Refuse(Refusal::OtherRolloutOpen(running.clone())),
            ),
            (
                "open, same version, other template",
                Some(&running),
                start("v2", true, true, Some("v2")),
                Admission::Refuse(Refusal::OpenWithOtherTemplate(running.clone())),
            ),
            (
                "open, same version, paused",
                Some(&paused),
                start("v2", false, true, Some("v2")),
                Admission::Refuse(Refusal::PausedAtVersion(paused.clone())),
            ),
            (
                "open, same version, running: continue",
                Some(&running),
                start("v2", false, true, Some("v2")),
                Admission::Continue(running.clone()),
            ),
            (
                "new version",
                Some(&done),
                start("v3", true, false, Some("v2")),
                Admission::Start,
            ),
            (
                "nothing recorded, new version",
                None,
                start("v2", true, false, Some("v1")),
                Admission::Start,
            ),
            (
                "existing stack, changed template",
                None,
                start("v2", true, true, Some("v2")),
                Admission::Refuse(Refusal::StackExists {
                    stack: "app-x".into(),
                }),
            ),
            (
                "same version, changed template",
                None,
                start("v1", true, false, Some("v1")),
                Admission::Refuse(Refusal::VersionUnchanged {
                    version: "v1".into(),
                }),
            ),
            (
                "gone stack, version consumed",
                None,
                start("v2", false, false, Some("v2")),
                Admission::Refuse(Refusal::VersionConsumed {
                    stack: "app-x".into(),
                    version: "v2".into(),
                }),
            ),
            (
                "existing stack, same template: shift to it",
                None,
                start("v2", false, true, Some("v2")),
                Admission::Start,
            ),
        ];
        for (name, existing, request, want) in cases {
            assert_eq!(admit(existing, &request), want, "{name}");
        }
    }
}
