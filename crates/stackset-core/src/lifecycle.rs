//! Scale-down after the TTL and garbage collection beyond
//! `stackLifecycle.limit` (reference sections 3.7 and 3.8). `now` is always a
//! parameter.

use std::collections::BTreeSet;

use k8s_openapi::jiff::Timestamp;

use crate::api::StackSet;
use crate::api::constants::{DEFAULT_SCALEDOWN_TTL_SECONDS, DEFAULT_STACK_LIFECYCLE_LIMIT};
use crate::plan::Reconciliation;

/// `stackLifecycle.scaledownTTLSeconds`, or upstream's default (300 s).
pub fn scaledown_ttl_seconds(stackset: &StackSet) -> i64 {
    stackset
        .spec
        .stack_lifecycle
        .scaledown_ttl_seconds
        .unwrap_or(DEFAULT_SCALEDOWN_TTL_SECONDS)
}

/// `stackLifecycle.limit`, or upstream's default (10).
pub fn stack_limit(stackset: &StackSet) -> i32 {
    stackset
        .spec
        .stack_lifecycle
        .limit
        .unwrap_or(DEFAULT_STACK_LIFECYCLE_LIMIT)
}

/// What the lifecycle rules do to one stack in a decision (what `gc` shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Deleted: an idle stack beyond `stackLifecycle.limit`.
    Deleted {
        /// Seconds without traffic, when known.
        idle_seconds: Option<i64>,
        /// The limit.
        limit: i32,
    },
    /// Scaled to zero now: idle for longer than the TTL.
    ScaledDown {
        /// Seconds without traffic, when known.
        idle_seconds: Option<i64>,
        /// `scaledownTTLSeconds`.
        ttl_seconds: i64,
    },
    /// Kept: it has traffic.
    HasTraffic {
        /// Its desired weight.
        desired_weight: u32,
    },
    /// Kept: already scaled down, within the limit.
    WithinLimit {
        /// The limit.
        limit: i32,
    },
    /// Kept: idle, not yet for longer than the TTL.
    Idle {
        /// Seconds without traffic.
        idle_seconds: i64,
        /// `scaledownTTLSeconds`.
        ttl_seconds: i64,
    },
    /// Kept: new (it never had traffic taken away).
    New,
}

/// The fate of every stack of a decision at `now`, in the decision's order.
/// The facts already carry the rules' outcome (`pending_removal`,
/// `scaled_down`); this says which rule applies and with which numbers.
pub fn fates(rec: &Reconciliation, stackset: &StackSet, now: Timestamp) -> Vec<(String, Fate)> {
    let ttl_seconds = scaledown_ttl_seconds(stackset);
    let limit = stack_limit(stackset);
    rec.stacks
        .iter()
        .map(|s| {
            let idle_seconds = s.no_traffic_since.map(|t| now.as_second() - t.as_second());
            let fate = if s.pending_removal {
                Fate::Deleted {
                    idle_seconds,
                    limit,
                }
            } else if s.scaled_down && s.deployment_replicas > 0 {
                Fate::ScaledDown {
                    idle_seconds,
                    ttl_seconds,
                }
            } else if s.has_traffic() {
                Fate::HasTraffic {
                    desired_weight: s.desired_weight,
                }
            } else if s.scaled_down {
                Fate::WithinLimit { limit }
            } else if let Some(idle_seconds) = idle_seconds {
                Fate::Idle {
                    idle_seconds,
                    ttl_seconds,
                }
            } else {
                Fate::New
            };
            (s.name.clone(), fate)
        })
        .collect()
}

/// `ScaledDown()`: no desired and no actual traffic, `noTrafficSince` set,
/// and more than `ttl_seconds` passed since then.
pub fn is_scaled_down(
    desired: u32,
    actual: u32,
    no_traffic_since: Option<Timestamp>,
    ttl_seconds: i64,
    now: Timestamp,
) -> bool {
    desired == 0
        && actual == 0
        && no_traffic_since
            .is_some_and(|t| now.as_second().saturating_sub(t.as_second()) > ttl_seconds)
}

/// What garbage collection needs to know about a stack.
#[derive(Debug, Clone, PartialEq)]
pub struct GcCandidate {
    /// Stack name.
    pub name: String,
    /// Whether the stack has routing (own ingress/routegroup or StackSet externalIngress).
    pub has_routing: bool,
    /// Whether the stack has desired or actual traffic.
    pub has_traffic: bool,
    /// Whether the stack is scaled down (see [`is_scaled_down`]).
    pub scaled_down: bool,
    /// `noTrafficSince`.
    pub no_traffic_since: Option<Timestamp>,
    /// Creation time.
    pub created: Option<Timestamp>,
}

/// Stacks to delete: candidates are stacks without routing and scaled-down
/// stacks; when there are more than `limit`, the oldest (by `noTrafficSince`,
/// else creation time, then name) beyond the limit are returned.
///
/// Deviation from upstream, on purpose: a stack with desired or actual traffic
/// is never a candidate, even without routing of its own (upstream would
/// delete such a stack, for example one created before the StackSet got an
/// ingress).
pub fn expired_stacks(stacks: &[GcCandidate], limit: i32) -> BTreeSet<String> {
    let mut candidates: Vec<&GcCandidate> = stacks
        .iter()
        .filter(|s| !s.has_traffic && (!s.has_routing || s.scaled_down))
        .collect();
    let limit = usize::try_from(limit.max(0)).unwrap_or(0);
    if candidates.len() <= limit {
        return BTreeSet::new();
    }
    candidates.sort_by(|a, b| {
        let key = |c: &GcCandidate| {
            let t = c.no_traffic_since.or(c.created);
            (t.is_none(), t)
        };
        key(a).cmp(&key(b)).then(a.name.cmp(&b.name))
    });
    let excess = candidates.len() - limit;
    candidates
        .into_iter()
        .take(excess)
        .map(|c| c.name.clone())
        .collect()
}

/// When the next scale-down of this StackSet falls due, after `rec` was
/// applied: the earliest moment one of its stacks without traffic, not yet
/// scaled down, passes `scaledownTTLSeconds` (the TTL must be exceeded, so one
/// second after `noTrafficSince + ttl`, see [`is_scaled_down`]). `None` when
/// no stack is waiting for its TTL. A controller requeues the StackSet then,
/// instead of finding the scale-down by polling.
pub fn next_scale_down(rec: &Reconciliation, stackset: &StackSet) -> Option<Timestamp> {
    if !rec.traffic_managed {
        return None;
    }
    let ttl = scaledown_ttl_seconds(stackset);
    rec.stacks
        .iter()
        .filter(|s| !s.scaled_down && !s.has_traffic())
        .filter_map(|s| s.no_traffic_since)
        .filter_map(|t| {
            let due = t.as_second().saturating_add(ttl).saturating_add(1);
            Timestamp::from_second(due).ok()
        })
        .min()
}

/// The earliest moment at which a reconcile of this StackSet, with nothing
/// else changed, would decide differently from `rec`: the next TTL scale-down
/// ([`next_scale_down`]) or the end of a prescaling hold (a prescaled stack
/// whose weight stopped growing is reset once `reset-hpa-min-replicas-delay`
/// has passed since its last traffic increase). `None` when the decision does
/// not depend on time. A controller that has reconciled a StackSet to a
/// no-op may skip it until its objects change or this moment comes.
pub fn next_due(rec: &Reconciliation, stackset: &StackSet) -> Option<Timestamp> {
    let prescaling_reset = match crate::reconcile::strategy(stackset) {
        Ok(crate::traffic::Strategy::Prescaling {
            reset_delay_seconds,
        }) => rec
            .stacks
            .iter()
            .filter(|s| s.prescaling.active)
            .filter_map(|s| s.prescaling.last_traffic_increase)
            .filter_map(|t| {
                let due = t
                    .as_second()
                    .saturating_add(reset_delay_seconds)
                    .saturating_add(1);
                Timestamp::from_second(due).ok()
            })
            .min(),
        _ => None,
    };
    [next_scale_down(rec, stackset), prescaling_reset]
        .into_iter()
        .flatten()
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn cand(
        name: &str,
        routing: bool,
        traffic: bool,
        scaled_down: bool,
        nts: Option<i64>,
        created: i64,
    ) -> GcCandidate {
        GcCandidate {
            name: name.into(),
            has_routing: routing,
            has_traffic: traffic,
            scaled_down,
            no_traffic_since: nts.map(ts),
            created: Some(ts(created)),
        }
    }

    #[test]
    fn scaled_down_needs_ttl_to_pass() {
        struct Case {
            name: &'static str,
            desired: u32,
            actual: u32,
            nts: Option<i64>,
            want: bool,
        }
        let now = ts(10_000);
        let cases = [
            Case {
                name: "idle beyond ttl",
                desired: 0,
                actual: 0,
                nts: Some(10_000 - 301),
                want: true,
            },
            Case {
                name: "idle exactly ttl",
                desired: 0,
                actual: 0,
                nts: Some(10_000 - 300),
                want: false,
            },
            Case {
                name: "idle within ttl",
                desired: 0,
                actual: 0,
                nts: Some(10_000 - 10),
                want: false,
            },
            Case {
                name: "no timestamp",
                desired: 0,
                actual: 0,
                nts: None,
                want: false,
            },
            Case {
                name: "desired traffic",
                desired: 10,
                actual: 0,
                nts: Some(0),
                want: false,
            },
            Case {
                name: "actual traffic",
                desired: 0,
                actual: 10,
                nts: Some(0),
                want: false,
            },
        ];
        for case in cases {
            let got = is_scaled_down(case.desired, case.actual, case.nts.map(ts), 300, now);
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn expired_stacks_table() {
        struct Case {
            name: &'static str,
            stacks: Vec<GcCandidate>,
            limit: i32,
            want: Vec<&'static str>,
        }
        let cases = vec![
            Case {
                name: "within limit nothing expires",
                stacks: vec![
                    cand("a", true, false, true, Some(1), 1),
                    cand("b", true, false, true, Some(2), 2),
                ],
                limit: 2,
                want: vec![],
            },
            Case {
                name: "oldest idle beyond limit expires",
                stacks: vec![
                    cand("a", true, false, true, Some(5), 1),
                    cand("b", true, false, true, Some(3), 2),
                    cand("c", true, false, true, Some(4), 3),
                ],
                limit: 1,
                want: vec!["b", "c"],
            },
            Case {
                name: "stacks with traffic never expire",
                stacks: vec![
                    cand("a", true, true, false, None, 1),
                    cand("b", true, true, false, None, 2),
                ],
                limit: 1,
                want: vec![],
            },
            Case {
                name: "stacks inside their ttl do not count",
                stacks: vec![
                    cand("a", true, false, false, Some(1), 1),
                    cand("b", true, false, true, Some(2), 2),
                    cand("c", true, false, true, Some(3), 3),
                ],
                limit: 1,
                want: vec!["b"],
            },
            Case {
                name: "without routing the newest by creation stay",
                stacks: vec![
                    cand("a", false, false, false, None, 1),
                    cand("b", false, false, false, None, 2),
                    cand("c", false, false, false, None, 3),
                ],
                limit: 2,
                want: vec!["a"],
            },
            Case {
                name: "no routing but traffic is kept (deliberate deviation)",
                stacks: vec![
                    cand("a", false, true, false, None, 1),
                    cand("b", false, false, false, None, 2),
                ],
                limit: 0,
                want: vec!["b"],
            },
        ];
        for case in cases {
            let got: Vec<String> = expired_stacks(&case.stacks, case.limit)
                .into_iter()
                .collect();
            assert_eq!(got, case.want, "{}", case.name);
        }
    }
}

#[cfg(test)]
mod fate_tests {
    use super::*;
    use crate::model::Snapshot;
    use crate::reconcile::reconcile;
    use crate::testing::{at, cluster, converge, now, options};

    /// v1..v4 created in order; traffic moved to v4; `idle` seconds later.
    fn decided(limit: i32, idle: i64) -> (Reconciliation, StackSet) {
        let mut snap = cluster(&["v1", "v2", "v3", "v4"], &[("v4", 100.0)], &options());
        snap.stackset.spec.stack_lifecycle.limit = Some(limit);
        snap.stackset.spec.stack_lifecycle.scaledown_ttl_seconds = Some(600);
        let snap: Snapshot = converge(snap, &options(), now()).0;
        let rec = reconcile(&snap, &options(), at(idle));
        (rec, snap.stackset)
    }

    #[test]
    fn fates_name_the_rule_that_applies() {
        // Within the TTL: every idle stack is kept, the serving one too.
        let (rec, ss) = decided(10, 60);
        let f = fates(&rec, &ss, at(60));
        assert_eq!(f.len(), 4);
        assert_eq!(
            f.iter()
                .find(|(n, _)| n == "my-app-v4")
                .map(|(_, f)| f.clone()),
            Some(Fate::HasTraffic {
                desired_weight: 100
            })
        );
        assert!(
            f.iter()
                .filter(|(n, _)| n != "my-app-v4")
                .all(|(_, f)| matches!(f, Fate::Idle { ttl_seconds: 600, idle_seconds } if *idle_seconds >= 60)),
            "{f:?}"
        );

        // Past the TTL: idle stacks are scaled down now.
        let (rec, ss) = decided(10, 700);
        let f = fates(&rec, &ss, at(700));
        assert_eq!(
            f.iter()
                .filter(|(_, f)| matches!(
                    f,
                    Fate::ScaledDown {
                        ttl_seconds: 600,
                        ..
                    }
                ))
                .count(),
            3,
            "{f:?}"
        );

        // Past the TTL with a limit of 1: the two oldest idle stacks go.
        let (rec, ss) = decided(1, 700);
        let f = fates(&rec, &ss, at(700));
        let deleted: Vec<&str> = f
            .iter()
            .filter(|(_, f)| matches!(f, Fate::Deleted { limit: 1, .. }))
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(deleted, vec!["my-app-v1", "my-app-v2"], "{f:?}");
        // The facts agree: what fates call deleted is what the plan deletes.
        assert!(
            rec.stacks
                .iter()
                .all(|s| s.pending_removal == deleted.contains(&s.name.as_str()))
        );
    }

    #[test]
    fn lifecycle_defaults_are_upstreams() {
        let ss = crate::testing::stackset("v1");
        assert_eq!(scaledown_ttl_seconds(&ss), 300);
        assert_eq!(stack_limit(&ss), 10);
    }
}
