//! The plan: ordered actions, each with a human-readable reason, and the
//! [`Reconciliation`] that carries it together with the computed statuses,
//! events, errors and per-stack facts.

use std::fmt;

use crate::api::{StackSet, StackSetStatus, StackStatus};
use crate::error::Error;
use crate::model::{Event, Kind, Object, ObjectRef, TrafficMechanism};
use crate::observe::StackFacts;
use crate::traffic::Blocked;

/// One step of a plan. Create and update actions carry the full desired
/// object; the shell applies them in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create the object.
    Create {
        /// The full desired object.
        object: Box<Object>,
        /// Why.
        reason: String,
        /// The event to emit on success.
        event: Option<Event>,
    },
    /// Replace the object (labels, annotations and spec are replaced
    /// wholesale; `metadata.resourceVersion` of the observed object is kept
    /// for optimistic concurrency).
    Update {
        /// The full desired object.
        object: Box<Object>,
        /// Why.
        reason: String,
        /// The event to emit on success.
        event: Option<Event>,
    },
    /// Delete the object (use `target.uid` as a precondition).
    Delete {
        /// The object.
        target: ObjectRef,
        /// Why.
        reason: String,
        /// The event to emit on success.
        event: Option<Event>,
    },
    /// Write `StackSet.spec.traffic` back (a full `Update` of the StackSet,
    /// like upstream). `stackset` is the observed StackSet with the new
    /// `spec.traffic`.
    WriteDesiredTraffic {
        /// The StackSet with the new `spec.traffic`.
        stackset: Box<StackSet>,
        /// Why.
        reason: String,
        /// The event to emit on success.
        event: Option<Event>,
    },
    /// Replace a Stack's status through the status subresource. Write the
    /// whole status (GET, set `.status`, PUT `/status`, retry on conflict, as
    /// upstream does): a JSON merge patch cannot clear fields such as
    /// `noTrafficSince`.
    UpdateStackStatus {
        /// The Stack.
        target: ObjectRef,
        /// The new status.
        status: Box<StackStatus>,
        /// Why.
        reason: String,
    },
    /// Replace the StackSet's status through the status subresource (same
    /// rules as [`Action::UpdateStackStatus`]; it usually follows a
    /// [`Action::WriteDesiredTraffic`], so re-read the resourceVersion).
    UpdateStackSetStatus {
        /// The StackSet.
        target: ObjectRef,
        /// The new status.
        status: Box<StackSetStatus>,
        /// Why.
        reason: String,
    },
}

impl Action {
    /// The human-readable reason.
    pub fn reason(&self) -> &str {
        match self {
            Self::Create { reason, .. }
            | Self::Update { reason, .. }
            | Self::Delete { reason, .. }
            | Self::WriteDesiredTraffic { reason, .. }
            | Self::UpdateStackStatus { reason, .. }
            | Self::UpdateStackSetStatus { reason, .. } => reason,
        }
    }

    /// The object the action touches.
    pub fn target(&self) -> ObjectRef {
        match self {
            Self::Create { object, .. } | Self::Update { object, .. } => object.object_ref(),
            Self::Delete { target, .. }
            | Self::UpdateStackStatus { target, .. }
            | Self::UpdateStackSetStatus { target, .. } => target.clone(),
            Self::WriteDesiredTraffic { stackset, .. } => {
                ObjectRef::from_meta(Kind::StackSet, &stackset.metadata)
            }
        }
    }

    /// The event to emit once the action succeeded, if any.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Self::Create { event, .. }
            | Self::Update { event, .. }
            | Self::Delete { event, .. } => event.as_ref(),
            Self::WriteDesiredTraffic { event, .. } => event.as_ref(),
            Self::UpdateStackStatus { .. } | Self::UpdateStackSetStatus { .. } => None,
        }
    }

    /// A short verb: `create`, `update`, `delete`, `write spec.traffic`,
    /// `update status`.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Update { .. } => "update",
            Self::Delete { .. } => "delete",
            Self::WriteDesiredTraffic { .. } => "write spec.traffic",
            Self::UpdateStackStatus { .. } | Self::UpdateStackSetStatus { .. } => "update status",
        }
    }
}

impl fmt::Display for Action {
    /// One line for `--dry-run`, e.g.
    /// `update Ingress my-app-v1-traffic-segment: segment TrafficSegment(0.00, 1.00) -> TrafficSegment(0.00, 0.50)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = self.target();
        write!(
            f,
            "{} {} {}: {}",
            self.verb(),
            target.kind,
            target.name,
            self.reason()
        )
    }
}

/// An ordered list of actions. Executing them in order is safe: services
/// exist before traffic reaches them, growing traffic segments are written
/// before shrinking ones, and statuses come last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The actions, in execution order.
    pub actions: Vec<Action>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Number of actions.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Iterates over the actions in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Action> {
        self.actions.iter()
    }

    /// True when the plan creates a Stack. The new Stack's sub-resources need
    /// its UID, which only the API server assigns, so such a plan holds only
    /// the create and the `observedStackVersion` status write: after executing
    /// it the shell must take a new snapshot and reconcile again (for
    /// `--dry-run`, reconcile [`crate::simulate()`]'s result instead).
    pub fn requires_resnapshot(&self) -> bool {
        self.actions
            .iter()
            .any(|a| matches!(a, Action::Create { object, .. } if object.kind() == Kind::Stack))
    }

    /// For a shell that decides again as soon as this plan is executed (see
    /// [`Plan::requires_resnapshot`]): takes the StackSet status write
    /// (`observedStackVersion`) out of a plan that creates a Stack. The next
    /// decision starts from the held fields ([`HeldStatus::apply_to`]) and
    /// writes them with its own status ([`HeldStatus::fold_into`]): one
    /// status write of the StackSet instead of two, with the same result.
    /// Upstream writes both, a few milliseconds apart; nothing can observe
    /// the first on its own that it could rely on. If the create fails, the
    /// held write is dropped, as upstream never gets to its write then.
    pub fn hold_status(&mut self) -> Option<HeldStatus> {
        if !self.requires_resnapshot() {
            return None;
        }
        let at = self
            .actions
            .iter()
            .position(|a| matches!(a, Action::UpdateStackSetStatus { .. }))?;
        Some(HeldStatus(self.actions.remove(at)))
    }
}

/// A StackSet status write taken out of a create plan by
/// [`Plan::hold_status`], to go out with the next decision's.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldStatus(Action);

impl HeldStatus {
    /// Puts the held `observedStackVersion` on the StackSet the next
    /// decision starts from, so that decision's status carries it.
    pub fn apply_to(&self, stackset: &mut StackSet) {
        if let Action::UpdateStackSetStatus { status, .. } = &self.0 {
            stackset
                .status
                .get_or_insert_default()
                .observed_stack_version = status.observed_stack_version.clone();
        }
    }

    /// Adds the held write to the next decision's plan, unless that plan
    /// writes the StackSet's status itself (then it carries the held fields,
    /// having started from them). `stackset` is the one that decision
    /// started from, the held fields applied: its status is what goes out.
    pub fn fold_into(self, plan: &mut Plan, stackset: &StackSet) {
        let Action::UpdateStackSetStatus { target, reason, .. } = self.0 else {
            return;
        };
        let writes_status = plan
            .actions
            .iter()
            .any(|a| matches!(a, Action::UpdateStackSetStatus { target: t, .. } if *t == target));
        if !writes_status {
            plan.actions.push(Action::UpdateStackSetStatus {
                target,
                reason,
                status: Box::new(stackset.status.clone().unwrap_or_default()),
            });
        }
    }
}

impl<'a> IntoIterator for &'a Plan {
    type Item = &'a Action;
    type IntoIter = std::slice::Iter<'a, Action>;
    fn into_iter(self) -> Self::IntoIter {
        self.actions.iter()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for action in &self.actions {
            writeln!(f, "{action}")?;
        }
        Ok(())
    }
}

/// The outcome of one reconcile: the plan plus everything the shell renders.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reconciliation {
    /// The ordered plan (empty when converged or when a StackSet-level error
    /// stopped the reconcile).
    pub plan: Plan,
    /// The traffic mechanism in effect (`None` when it could not be decided).
    pub mechanism: Option<TrafficMechanism>,
    /// Whether the StackSet manages traffic (has ingress, routegroup or
    /// externalIngress).
    pub traffic_managed: bool,
    /// Facts about every owned stack, sorted by name.
    pub stacks: Vec<StackFacts>,
    /// The StackSet status after the plan.
    pub stackset_status: Option<StackSetStatus>,
    /// Events without an action of their own (errors, blocked switches,
    /// `TrafficSwitched`). Success events of actions are on the actions.
    pub events: Vec<Event>,
    /// Errors as values. A StackSet-level error leaves the plan empty; a
    /// stack-level error leaves that stack's sub-resources untouched.
    pub errors: Vec<Error>,
    /// Warnings: unsupported or legacy fields that were ignored, migrations
    /// held back.
    pub warnings: Vec<String>,
    /// Set when the traffic switch is held back by stacks that are not ready.
    pub blocked: Option<Blocked>,
}

impl Reconciliation {
    /// The facts of one stack.
    pub fn stack(&self, name: &str) -> Option<&StackFacts> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// True when there is nothing to do and nothing wrong: the plan is empty,
    /// there are no errors and the traffic switch is not blocked.
    pub fn is_converged(&self) -> bool {
        self.plan.is_empty() && self.errors.is_empty() && self.blocked.is_none()
    }

    /// All events in emission order: those of the actions (to emit after each
    /// action succeeded), then the standalone ones.
    pub fn all_events(&self) -> Vec<&Event> {
        self.plan
            .iter()
            .filter_map(Action::event)
            .chain(self.events.iter())
            .collect()
    }
}
