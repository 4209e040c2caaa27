//! Traffic weights: normalisation, largest-remainder rounding, the fallback
//! stack, the readiness gate and the two traffic reconcilers (simple and
//! prescaling). Reference sections 3.5 and 3.6.
//!
//! Weights are whole percentages (`u32`) that sum to exactly 100 whenever at
//! least one stack exists and traffic management is on. Float inputs from
//! `spec.traffic`/`status.traffic` are normalised and rounded once, here, so no
//! float drift can accumulate across loops.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::jiff::Timestamp;

/// Whole-percent weights by stack name.
pub type Weights = BTreeMap<String, u32>;

/// Scales `raw` weights to a sum of 100. Negative, NaN and infinite values
/// count as 0. If every weight is 0 the input is returned as zeros.
pub fn normalize(raw: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let clean = |w: f64| if w.is_finite() && w > 0.0 { w } else { 0.0 };
    let total: f64 = raw.values().map(|w| clean(*w)).sum();
    raw.iter()
        .map(|(k, w)| {
            let w = clean(*w);
            (k.clone(), if total > 0.0 { w * 100.0 / total } else { 0.0 })
        })
        .collect()
}

/// Rounds weights that sum to 100 to whole numbers that sum to exactly 100,
/// with the largest-remainder method: floor every weight, then hand the
/// missing points one by one to the largest fractional parts; ties go to the
/// larger integer part, then to the lexicographically smaller name.
///
/// Example: 33.3/33.3/33.3 becomes 34/33/33. Inputs are normalised first, so
/// any non-negative map with a positive sum is accepted. An all-zero map stays
/// all zero.
pub fn round_weights(weights: &BTreeMap<String, f64>) -> Weights {
    let normalized = normalize(weights);
    if normalized.values().all(|w| *w == 0.0) {
        return normalized.keys().map(|k| (k.clone(), 0)).collect();
    }
    let mut parts: Vec<(&String, u32, f64)> = normalized
        .iter()
        .map(|(k, w)| {
            let floor = w.floor().clamp(0.0, 100.0);
            (k, floor as u32, w - floor)
        })
        .collect();
    let floors: u32 = parts.iter().map(|p| p.1).sum();
    // Float error can only push the floors a hair away from 100; fix up both ways.
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let (na, ia, fa) = parts[a];
        let (nb, ib, fb) = parts[b];
        fb.total_cmp(&fa).then(ib.cmp(&ia)).then(na.cmp(nb))
    });
    if floors < 100 {
        let missing = (100 - floors) as usize;
        for &i in order.iter().cycle().take(missing) {
            parts[i].1 += 1;
        }
    } else if floors > 100 {
        let mut excess = floors - 100;
        for &i in order.iter().rev() {
            while excess > 0 && parts[i].1 > 0 {
                parts[i].1 -= 1;
                excess -= 1;
            }
        }
    }
    parts.into_iter().map(|(k, w, _)| (k.clone(), w)).collect()
}

/// What the fallback choice needs to know about a stack.
#[derive(Debug, Clone, PartialEq)]
pub struct FallbackCandidate {
    /// Stack name.
    pub name: String,
    /// `status.noTrafficSince`.
    pub no_traffic_since: Option<Timestamp>,
    /// `metadata.creationTimestamp` (unset for a stack not created yet: newest).
    pub created: Option<Timestamp>,
}

/// The stack that gets 100% when all weights are 0: the one with the most
/// recent `noTrafficSince` (it had traffic last); if no stack has one, the
/// earliest created. Ties go to the smaller name.
pub fn fallback_stack(candidates: &[FallbackCandidate]) -> Option<String> {
    let with_nts = candidates
        .iter()
        .filter_map(|c| c.no_traffic_since.map(|t| (t, c)))
        .max_by(|(ta, a), (tb, b)| ta.cmp(tb).then(b.name.cmp(&a.name)));
    if let Some((_, c)) = with_nts {
        return Some(c.name.clone());
    }
    candidates
        .iter()
        .min_by(|a, b| {
            // `None` (not created yet) sorts after every real timestamp.
            let key = |c: &FallbackCandidate| (c.created.is_none(), c.created);
            key(a).cmp(&key(b)).then(a.name.cmp(&b.name))
        })
        .map(|c| c.name.clone())
}

/// Turns raw weights (already filtered to known stacks) into the effective
/// whole-percent weights over `candidates`: the fallback stack gets 100 when
/// they are all zero, otherwise they are normalised and rounded. Empty when
/// there are no stacks.
pub fn effective_weights(raw: &BTreeMap<String, f64>, candidates: &[FallbackCandidate]) -> Weights {
    let mut full: BTreeMap<String, f64> = candidates
        .iter()
        .map(|c| (c.name.clone(), raw.get(&c.name).copied().unwrap_or(0.0)))
        .collect();
    if full.is_empty() {
        return Weights::new();
    }
    if normalize(&full).values().all(|w| *w == 0.0) {
        let fallback = fallback_stack(candidates);
        for (name, w) in full.iter_mut() {
            *w = if Some(name) == fallback.as_ref() {
                100.0
            } else {
                0.0
            };
        }
    }
    round_weights(&full)
}

/// Persisted prescaling state of one stack (`status.prescalingStatus`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prescaling {
    /// Whether prescaling is active.
    pub active: bool,
    /// Replicas to prescale to.
    pub replicas: i32,
    /// The desired weight the target was computed for.
    pub desired_weight: f64,
    /// Last time desired was above actual.
    pub last_traffic_increase: Option<Timestamp>,
}

/// Which traffic reconciler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Switch when every growing stack is ready.
    Simple,
    /// Scale growing stacks up first; reset after `reset_delay_seconds`.
    Prescaling {
        /// Seconds after the last traffic increase before prescaling resets.
        reset_delay_seconds: i64,
    },
}

/// Per-stack input of the traffic reconciler.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficStack {
    /// Stack name.
    pub name: String,
    /// Effective desired weight.
    pub desired: u32,
    /// Effective actual weight before this reconcile.
    pub actual: u32,
    /// `IsReady()` (resources up to date and enough replicas ready).
    pub ready: bool,
    /// Deployment `spec.replicas` (0 without a Deployment).
    pub deployment_replicas: i32,
    /// Deployment `status.updatedReplicas`.
    pub updated_replicas: i32,
    /// Deployment `status.readyReplicas`.
    pub ready_replicas: i32,
    /// Stack `spec.replicas` (nil means 1).
    pub stack_replicas: i32,
    /// `autoscaler.maxReplicas`, when there is an autoscaler.
    pub max_replicas: Option<i32>,
    /// Prescaling state from the Stack status.
    pub prescaling: Prescaling,
}

/// The traffic switch is held back because growing stacks are not ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// Names of the stacks that would gain traffic but are not ready, sorted.
    pub not_ready: Vec<String>,
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stacks not ready: {}", self.not_ready.join(", "))
    }
}

/// Result of the traffic reconciler.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficOutcome {
    /// New actual weights.
    pub actual: Weights,
    /// New prescaling state per stack.
    pub prescaling: BTreeMap<String, Prescaling>,
    /// Set when the switch was held back; `actual` then equals the old actual.
    pub blocked: Option<Blocked>,
}

/// Runs the traffic reconciler: all or nothing. If any stack whose weight
/// would grow is not ready, no actual weight changes; otherwise actual becomes
/// desired. Stacks whose weight shrinks never block. With prescaling, growing
/// stacks are first scaled to their share of the current replicas.
pub fn reconcile_traffic(
    stacks: &[TrafficStack],
    strategy: Strategy,
    now: Timestamp,
) -> TrafficOutcome {
    let mut prescaling: BTreeMap<String, Prescaling> = stacks
        .iter()
        .map(|s| (s.name.clone(), s.prescaling.clone()))
        .collect();
    let mut not_ready = Vec::new();
    match strategy {
        Strategy::Simple => {
            for s in stacks {
                if s.desired > s.actual && !s.ready {
                    not_ready.push(s.name.clone());
                }
            }
        }
        Strategy::Prescaling {
            reset_delay_seconds,
        } => {
            let (mut total_replicas, mut total_traffic) = (0f64, 0f64);
            for s in stacks {
                let p = &s.prescaling;
                if p.active && s.deployment_replicas <= p.replicas && p.desired_weight > 0.0 {
                    total_replicas += f64::from(p.replicas);
                    total_traffic += p.desired_weight;
                } else if s.actual > 0 && (!p.active || s.deployment_replicas > p.replicas) {
                    // Not prescaling, or already scaled beyond the prescale target.
                    total_replicas += f64::from(s.deployment_replicas);
                    total_traffic += f64::from(s.actual);
                }
            }
            for s in stacks {
                let Some(p) = prescaling.get_mut(&s.name) else {
                    continue;
                };
                if s.desired > s.actual {
                    let desired = f64::from(s.desired);
                    if !p.active || desired > p.desired_weight {
                        p.desired_weight = desired;
                        if total_traffic != 0.0 {
                            let target = (desired * total_replicas / total_traffic).ceil();
                            p.replicas = if target.is_finite() {
                                target.min(f64::from(i32::MAX)) as i32
                            } else {
                                0
                            };
                        }
                        if p.replicas == 0 {
                            p.replicas = s.stack_replicas;
                        }
                        if let Some(max) = s.max_replicas {
                            p.replicas = p.replicas.min(max);
                        }
                    }
                    p.active = true;
                    p.last_traffic_increase = Some(now);
                } else if p.active {
                    let expired = p
                        .last_traffic_increase
                        .is_none_or(|t| now.as_second() - t.as_second() > reset_delay_seconds);
                    if expired {
                        *p = Prescaling::default();
                    }
                }
                if s.desired > s.actual {
                    let target = if p.active {
                        p.replicas
                    } else {
                        s.deployment_replicas
                    };
                    if !s.ready || s.updated_replicas < target || s.ready_replicas < target {
                        not_ready.push(s.name.clone());
                    }
                }
            }
        }
    }
    not_ready.sort();
    let old: Weights = stacks.iter().map(|s| (s.name.clone(), s.actual)).collect();
    if !not_ready.is_empty() {
        return TrafficOutcome {
            actual: old,
            prescaling,
            blocked: Some(Blocked { not_ready }),
        };
    }
    let mut actual: Weights = stacks.iter().map(|s| (s.name.clone(), s.desired)).collect();
    if actual.values().all(|w| *w == 0) {
        actual = old;
    }
    TrafficOutcome {
        actual,
        prescaling,
        blocked: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn raw(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
    }

    fn w(pairs: &[(&str, u32)]) -> Weights {
        pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
    }

    #[test]
    fn round_weights_table() {
        struct Case {
            name: &'static str,
            input: BTreeMap<String, f64>,
            want: Weights,
        }
        let cases = vec![
            Case {
                name: "thirds",
                input: raw(&[("a", 33.3), ("b", 33.3), ("c", 33.3)]),
                want: w(&[("a", 34), ("b", 33), ("c", 33)]),
            },
            Case {
                name: "already whole",
                input: raw(&[("a", 70.0), ("b", 30.0)]),
                want: w(&[("a", 70), ("b", 30)]),
            },
            Case {
                name: "largest remainder wins",
                input: raw(&[("a", 10.4), ("b", 20.6), ("c", 69.0)]),
                want: w(&[("a", 10), ("b", 21), ("c", 69)]),
            },
            Case {
                name: "tie goes to larger integer part",
                input: raw(&[("a", 12.5), ("b", 87.5)]),
                want: w(&[("a", 12), ("b", 88)]),
            },
            Case {
                name: "tie with equal parts goes to smaller name",
                input: raw(&[("b", 50.5), ("a", 49.5)]),
                want: w(&[("a", 49), ("b", 51)]),
            },
            Case {
                name: "not normalised input",
                input: raw(&[("a", 1.0), ("b", 1.0)]),
                want: w(&[("a", 50), ("b", 50)]),
            },
            Case {
                name: "sevenths",
                input: raw(&[
                    ("a", 1.0),
                    ("b", 1.0),
                    ("c", 1.0),
                    ("d", 1.0),
                    ("e", 1.0),
                    ("f", 1.0),
                    ("g", 1.0),
                ]),
                want: w(&[
                    ("a", 15),
                    ("b", 15),
                    ("c", 14),
                    ("d", 14),
                    ("e", 14),
                    ("f", 14),
                    ("g", 14),
                ]),
            },
            Case {
                name: "all zero stays zero",
                input: raw(&[("a", 0.0), ("b", 0.0)]),
                want: w(&[("a", 0), ("b", 0)]),
            },
            Case {
                name: "negative and nan count as zero",
                input: raw(&[("a", -5.0), ("b", f64::NAN), ("c", 3.0)]),
                want: w(&[("a", 0), ("b", 0), ("c", 100)]),
            },
        ];
        for case in cases {
            let got = round_weights(&case.input);
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn fallback_table() {
        struct Case {
            name: &'static str,
            candidates: Vec<FallbackCandidate>,
            want: Option<&'static str>,
        }
        let c = |name: &str, nts: Option<i64>, created: Option<i64>| FallbackCandidate {
            name: name.into(),
            no_traffic_since: nts.map(ts),
            created: created.map(ts),
        };
        let cases = vec![
            Case {
                name: "no stacks",
                candidates: vec![],
                want: None,
            },
            Case {
                name: "earliest created without history",
                candidates: vec![c("b", None, Some(1)), c("a", None, Some(2))],
                want: Some("b"),
            },
            Case {
                name: "last used wins over age",
                candidates: vec![
                    c("old", Some(100), Some(1)),
                    c("new", Some(200), Some(2)),
                    c("x", None, Some(0)),
                ],
                want: Some("new"),
            },
            Case {
                name: "uncreated stack sorts last",
                candidates: vec![c("new", None, None), c("old", None, Some(5))],
                want: Some("old"),
            },
        ];
        for case in cases {
            assert_eq!(
                fallback_stack(&case.candidates).as_deref(),
                case.want,
                "{}",
                case.name
            );
        }
    }

    fn stack(name: &str, desired: u32, actual: u32, ready: bool) -> TrafficStack {
        TrafficStack {
            name: name.into(),
            desired,
            actual,
            ready,
            deployment_replicas: 3,
            updated_replicas: if ready { 3 } else { 0 },
            ready_replicas: if ready { 3 } else { 0 },
            stack_replicas: 3,
            max_replicas: None,
            prescaling: Prescaling::default(),
        }
    }

    #[test]
    fn simple_switch_table() {
        struct Case {
            name: &'static str,
            stacks: Vec<TrafficStack>,
            want: Weights,
            blocked: Option<Vec<&'static str>>,
        }
        let cases = vec![
            Case {
                name: "ready stack gets its traffic",
                stacks: vec![stack("v1", 50, 100, true), stack("v2", 50, 0, true)],
                want: w(&[("v1", 50), ("v2", 50)]),
                blocked: None,
            },
            Case {
                name: "all or nothing when a growing stack is not ready",
                stacks: vec![
                    stack("v1", 0, 100, true),
                    stack("v2", 50, 0, true),
                    stack("v3", 50, 0, false),
                ],
                want: w(&[("v1", 100), ("v2", 0), ("v3", 0)]),
                blocked: Some(vec!["v3"]),
            },
            Case {
                name: "shrinking stacks never block",
                stacks: vec![stack("v1", 0, 100, false), stack("v2", 100, 0, true)],
                want: w(&[("v1", 0), ("v2", 100)]),
                blocked: None,
            },
            Case {
                name: "several not ready are listed sorted",
                stacks: vec![
                    stack("v3", 50, 0, false),
                    stack("v1", 0, 100, true),
                    stack("v2", 50, 0, false),
                ],
                want: w(&[("v1", 100), ("v2", 0), ("v3", 0)]),
                blocked: Some(vec!["v2", "v3"]),
            },
        ];
        for case in cases {
            let got = reconcile_traffic(&case.stacks, Strategy::Simple, ts(0));
            assert_eq!(got.actual, case.want, "{}", case.name);
            let blocked = got.blocked.map(|b| b.not_ready);
            let want_blocked = case
                .blocked
                .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
            assert_eq!(blocked, want_blocked, "{}", case.name);
        }
    }

    #[test]
    fn blocked_message_matches_upstream() {
        let b = Blocked {
            not_ready: vec!["a".into(), "b".into()],
        };
        assert_eq!(b.to_string(), "stacks not ready: a, b");
    }

    #[test]
    fn prescaling_table() {
        struct Case {
            name: &'static str,
            stacks: Vec<TrafficStack>,
            now: i64,
            want_replicas: Vec<(&'static str, bool, i32)>,
            want_blocked: bool,
        }
        let mut v3 = stack("v3", 50, 0, true);
        v3.deployment_replicas = 1;
        v3.stack_replicas = 1;
        v3.updated_replicas = 1;
        v3.ready_replicas = 1;
        let mut capped = v3.clone();
        capped.max_replicas = Some(2);
        let mut ready_v3 = v3.clone();
        ready_v3.prescaling = Prescaling {
            active: true,
            replicas: 3,
            desired_weight: 50.0,
            last_traffic_increase: Some(ts(0)),
        };
        ready_v3.deployment_replicas = 3;
        ready_v3.updated_replicas = 3;
        ready_v3.ready_replicas = 3;
        let mut expired = stack("v2", 100, 100, true);
        expired.prescaling = Prescaling {
            active: true,
            replicas: 6,
            desired_weight: 100.0,
            last_traffic_increase: Some(ts(0)),
        };
        let cases = vec![
            Case {
                name: "upstream worked example: ceil(50 × 6 / 100) = 3",
                stacks: vec![
                    stack("v1", 25, 50, true),
                    stack("v2", 25, 50, true),
                    v3.clone(),
                ],
                now: 10,
                want_replicas: vec![("v3", true, 3)],
                want_blocked: true,
            },
            Case {
                name: "target capped at maxReplicas",
                stacks: vec![stack("v1", 25, 50, true), stack("v2", 25, 50, true), capped],
                now: 10,
                want_replicas: vec![("v3", true, 2)],
                want_blocked: true,
            },
            Case {
                name: "switches once the prescaled replicas are ready",
                stacks: vec![
                    stack("v1", 25, 50, true),
                    stack("v2", 25, 50, true),
                    ready_v3,
                ],
                now: 10,
                want_replicas: vec![("v3", true, 3)],
                want_blocked: false,
            },
            Case {
                name: "resets after the delay",
                stacks: vec![stack("v1", 0, 0, true), expired.clone()],
                now: 601,
                want_replicas: vec![("v2", false, 0)],
                want_blocked: false,
            },
            Case {
                name: "kept within the delay",
                stacks: vec![stack("v1", 0, 0, true), expired],
                now: 600,
                want_replicas: vec![("v2", true, 6)],
                want_blocked: false,
            },
        ];
        for case in cases {
            let got = reconcile_traffic(
                &case.stacks,
                Strategy::Prescaling {
                    reset_delay_seconds: 600,
                },
                ts(case.now),
            );
            for (name, active, replicas) in &case.want_replicas {
                let p = got.prescaling.get(*name).cloned().unwrap_or_default();
                assert_eq!(
                    (p.active, p.replicas),
                    (*active, *replicas),
                    "{}",
                    case.name
                );
            }
            assert_eq!(got.blocked.is_some(), case.want_blocked, "{}", case.name);
        }
    }
}
