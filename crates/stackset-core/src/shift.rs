//! Client-side traffic changes: the gradual-shift planner (`next_step`), the
//! weight-editing rule of `traffic set v2=25`, and the `NAME=WEIGHT` parser.
//!
//! The planner is level-triggered like the controller: every tick it is
//! called again with freshly observed weights and returns what to do next, so
//! a rerun after Ctrl-C resumes from the cluster's state. It never replays a
//! precomputed list.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::traffic::Weights;

/// Errors of the weight-editing rules and parsers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightError {
    /// An argument is not of the form `NAME=WEIGHT`.
    #[error("invalid traffic argument {arg:?}: expected NAME=WEIGHT")]
    Syntax {
        /// The argument.
        arg: String,
    },
    /// A weight is not a number in 0..=100.
    #[error("invalid weight in {arg:?}: {reason}")]
    InvalidWeight {
        /// The argument.
        arg: String,
        /// Why.
        reason: String,
    },
    /// A name matches no stack (also not as a version shorthand).
    #[error("unknown stack {name:?} (known: {})", known.join(", "))]
    UnknownStack {
        /// The name given.
        name: String,
        /// The stacks that exist.
        known: Vec<String>,
    },
    /// A stack is named twice.
    #[error("stack {name} is named more than once")]
    Duplicate {
        /// The stack.
        name: String,
    },
    /// The named weights add up to more than 100.
    #[error("weights add up to {sum}, more than 100")]
    SumAbove100 {
        /// The sum.
        sum: u32,
    },
    /// `exact` mode: the weights do not add up to 100.
    #[error("weights add up to {sum}, exact mode needs 100")]
    ExactSum {
        /// The sum.
        sum: u32,
    },
    /// `exact` mode: some stacks are not named.
    #[error("exact mode needs a weight for every stack; missing: {}", missing.join(", "))]
    ExactMissing {
        /// The stacks not named.
        missing: Vec<String>,
    },
    /// The remainder has nowhere to go: no other stack exists.
    #[error("'{stack}' is the only stack, so it can't get less than 100% (asked for {weight}%)")]
    OnlyServingStack {
        /// The stack.
        stack: String,
        /// The requested weight.
        weight: u32,
    },
    /// Every stack is named, but the weights do not add up to 100.
    #[error("every stack is named, so the weights must add up to 100, not {sum}")]
    AllNamedSum {
        /// The sum.
        sum: u32,
    },
    /// Several stacks without traffic could take the rest; none is implied.
    #[error("no other stack has traffic, so which of {} takes the other {rest}% is not clear", candidates.join(", "))]
    RestUnassigned {
        /// The points not assigned.
        rest: u32,
        /// The stacks without traffic that could take them.
        candidates: Vec<String>,
    },
    /// There are no stacks.
    #[error("no stacks to assign traffic to")]
    NoStacks,
    /// A step list is invalid.
    #[error("invalid steps {input:?}: {reason}")]
    InvalidSteps {
        /// The input.
        input: String,
        /// Why.
        reason: String,
    },
}

/// Splits `total` whole points over `values` in proportion, with the
/// largest-remainder method (ties: larger value, then smaller name). The
/// result sums to exactly `total` unless every value is 0 (then all 0).
pub fn apportion(values: &BTreeMap<String, f64>, total: u32) -> Weights {
    let clean = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
    let sum: f64 = values.values().map(|v| clean(*v)).sum();
    if sum <= 0.0 {
        return values.keys().map(|k| (k.clone(), 0)).collect();
    }
    let mut parts: Vec<(&String, u32, f64)> = values
        .iter()
        .map(|(k, v)| {
            let exact = clean(*v) * f64::from(total) / sum;
            let floor = exact.floor().clamp(0.0, f64::from(total));
            (k, floor as u32, exact - floor)
        })
        .collect();
    let assigned: u32 = parts.iter().map(|p| p.1).sum();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        parts[b]
            .2
            .total_cmp(&parts[a].2)
            .then(parts[b].1.cmp(&parts[a].1))
            .then(parts[a].0.cmp(parts[b].0))
    });
    if assigned < total {
        for &i in order.iter().cycle().take((total - assigned) as usize) {
            parts[i].1 += 1;
        }
    } else {
        let mut excess = assigned - total;
        for &i in order.iter().rev() {
            while excess > 0 && parts[i].1 > 0 {
                parts[i].1 -= 1;
                excess -= 1;
            }
        }
    }
    parts.into_iter().map(|(k, w, _)| (k.clone(), w)).collect()
}

/// How `traffic set` treats stacks that are not named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditMode {
    /// Others are rescaled in proportion to their current weights to fill the
    /// remainder (upstream's `traffic` tool and zkubectl).
    #[default]
    Proportional,
    /// Every stack must be named and the weights must add up to 100.
    Exact,
}

/// Applies `traffic set` assignments to the current weights. Named stacks get
/// exactly their weight; the others share the rest in proportion to their
/// current weights. When none of the others has a weight (right after a full
/// rollout, say), a single other stack takes the rest; with several, which
/// one should is the user's choice and the call is refused. The result is
/// whole percentages summing to 100.
pub fn set_weights(
    current: &Weights,
    assignments: &[(String, u32)],
    mode: EditMode,
) -> Result<Weights, WeightError> {
    if current.is_empty() {
        return Err(WeightError::NoStacks);
    }
    let known: Vec<String> = current.keys().cloned().collect();
    let mut named: Weights = BTreeMap::new();
    for (name, weight) in assignments {
        if !current.contains_key(name) {
            return Err(WeightError::UnknownStack {
                name: name.clone(),
                known,
            });
        }
        if *weight > 100 {
            return Err(WeightError::InvalidWeight {
                arg: format!("{name}={weight}"),
                reason: "must be a whole percentage from 0 to 100".into(),
            });
        }
        if named.insert(name.clone(), *weight).is_some() {
            return Err(WeightError::Duplicate { name: name.clone() });
        }
    }
    let sum: u32 = named.values().sum();
    if sum > 100 {
        return Err(WeightError::SumAbove100 { sum });
    }
    let others: Vec<&String> = current.keys().filter(|k| !named.contains_key(*k)).collect();
    if mode == EditMode::Exact {
        if !others.is_empty() {
            return Err(WeightError::ExactMissing {
                missing: others.into_iter().cloned().collect(),
            });
        }
        if sum != 100 {
            return Err(WeightError::ExactSum { sum });
        }
        return Ok(named);
    }
    let rest = 100 - sum;
    let mut others_current: BTreeMap<String, f64> = others
        .iter()
        .map(|k| {
            (
                (*k).clone(),
                f64::from(current.get(*k).copied().unwrap_or(0)),
            )
        })
        .collect();
    if rest > 0 && others_current.values().all(|w| *w <= 0.0) {
        match others_current.len() {
            // Nothing else exists to take the rest.
            0 if named.len() == 1 => {
                let (stack, weight) = named
                    .iter()
                    .next()
                    .map(|(k, w)| (k.clone(), *w))
                    .unwrap_or_default();
                return Err(WeightError::OnlyServingStack { stack, weight });
            }
            0 => return Err(WeightError::AllNamedSum { sum }),
            // The only other stack takes the rest, as a proportional
            // rescale of one stack would.
            1 => {
                for w in others_current.values_mut() {
                    *w = 1.0;
                }
            }
            _ => {
                return Err(WeightError::RestUnassigned {
                    rest,
                    candidates: others.into_iter().cloned().collect(),
                });
            }
        }
    }
    let mut out = named;
    out.extend(apportion(&others_current, rest));
    Ok(out)
}

/// Resolves a stack name: an exact stack name, or a version shorthand
/// (`v2` for `<stackset>-v2`).
pub fn resolve_stack_name(name: &str, stackset: &str, known: &[String]) -> Option<String> {
    if known.iter().any(|k| k == name) {
        return Some(name.to_string());
    }
    let long = format!("{stackset}-{name}");
    known.contains(&long).then_some(long)
}

/// Parses `NAME=WEIGHT` arguments (a trailing `%` is allowed). Weights are
/// whole percentages from 0 to 100: `0.5` or `101` is an error, never
/// rounded or clamped. Names may use the version shorthand. Never panics,
/// whatever the input.
pub fn parse_assignments<S: AsRef<str>>(
    args: &[S],
    stackset: &str,
    known: &[String],
) -> Result<Vec<(String, u32)>, WeightError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for arg in args {
        let arg = arg.as_ref();
        let Some((name, weight)) = arg.split_once('=') else {
            return Err(WeightError::Syntax { arg: arg.into() });
        };
        let (name, weight) = (name.trim(), weight.trim());
        if name.is_empty() || weight.is_empty() {
            return Err(WeightError::Syntax { arg: arg.into() });
        }
        let weight = weight.strip_suffix('%').unwrap_or(weight).trim();
        let value: f64 = weight.parse().map_err(|_| WeightError::InvalidWeight {
            arg: arg.into(),
            reason: "not a number".into(),
        })?;
        if !value.is_finite() || !(0.0..=100.0).contains(&value) {
            return Err(WeightError::InvalidWeight {
                arg: arg.into(),
                reason: "must be from 0 to 100".into(),
            });
        }
        if value.fract() != 0.0 {
            return Err(WeightError::InvalidWeight {
                arg: arg.into(),
                reason: "not a whole percentage (weights are never rounded)".into(),
            });
        }
        // Whole and within 0..=100, so the conversion is exact.
        let value = value as u32;
        let resolved =
            resolve_stack_name(name, stackset, known).ok_or_else(|| WeightError::UnknownStack {
                name: name.into(),
                known: known.to_vec(),
            })?;
        if !seen.insert(resolved.clone()) {
            return Err(WeightError::Duplicate { name: resolved });
        }
        out.push((resolved, value));
    }
    Ok(out)
}

/// How a gradual shift advances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepPlan {
    /// Explicit weights of the leading (most growing) stack, strictly
    /// increasing, e.g. `10,25,50,100`.
    Steps(Vec<u32>),
    /// Add this many percent to the leading stack per step.
    StepWeight(u32),
}

impl StepPlan {
    /// Parses `10,25,50,100` into [`StepPlan::Steps`]: whole numbers from 1
    /// to 100, strictly increasing.
    pub fn parse_steps(input: &str) -> Result<Self, WeightError> {
        let err = |reason: &str| WeightError::InvalidSteps {
            input: input.into(),
            reason: reason.into(),
        };
        let mut steps = Vec::new();
        for part in input.split(',') {
            let part = part.trim();
            let part = part.strip_suffix('%').unwrap_or(part);
            let value: u32 = part.parse().map_err(|_| err("steps are whole numbers"))?;
            if value == 0 || value > 100 {
                return Err(err("steps are between 1 and 100"));
            }
            if steps.last().is_some_and(|last| *last >= value) {
                return Err(err("steps must increase"));
            }
            steps.push(value);
        }
        Ok(Self::Steps(steps))
    }

    /// A step weight from 1 to 100.
    pub fn step_weight(weight: u32) -> Result<Self, WeightError> {
        if weight == 0 || weight > 100 {
            return Err(WeightError::InvalidSteps {
                input: weight.to_string(),
                reason: "step weight is between 1 and 100".into(),
            });
        }
        Ok(Self::StepWeight(weight))
    }
}

/// What the shift loop observed this tick.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShiftObserved {
    /// Desired weights (`spec.traffic`, effective).
    pub desired: Weights,
    /// Actual weights (`status.traffic`, effective).
    pub actual: Weights,
    /// Stacks that are not ready, with a reason (e.g. `my-app-v2: 1/3 ready`).
    pub not_ready: BTreeMap<String, String>,
}

impl ShiftObserved {
    /// The observation from a reconcile of the current snapshot: desired
    /// weights from `spec.traffic`, actual weights as the snapshot shows them
    /// (before the plan is executed) and every stack that is not ready with
    /// its reason.
    pub fn from_reconciliation(rec: &crate::plan::Reconciliation) -> Self {
        Self {
            desired: rec
                .stacks
                .iter()
                .map(|f| (f.name.clone(), f.desired_weight))
                .collect(),
            actual: rec
                .stacks
                .iter()
                .map(|f| (f.name.clone(), f.previous_actual_weight))
                .collect(),
            not_ready: rec
                .stacks
                .iter()
                .filter(|f| !f.ready)
                .map(|f| (f.name.clone(), f.readiness.clone()))
                .collect(),
        }
    }
}

/// The next thing the shift loop should do.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Actual traffic equals the target.
    Done,
    /// Nothing to write now; check again later.
    Wait {
        /// Why, for the user.
        reason: String,
    },
    /// Write these desired weights (`spec.traffic`).
    Apply(Weights),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Done => f.write_str("done"),
            Self::Wait { reason } => write!(f, "wait: {reason}"),
            Self::Apply(w) => {
                let parts: Vec<String> = w.iter().map(|(k, v)| format!("{k}={v}")).collect();
                write!(f, "apply {}", parts.join(", "))
            }
        }
    }
}

fn weight(w: &Weights, k: &str) -> u32 {
    w.get(k).copied().unwrap_or(0)
}

/// The gradual-shift planner. Given the observed weights, the target and the
/// step plan:
/// - actual equals target: [`Step::Done`];
/// - a written step has not been realised yet (desired ≠ actual): wait,
///   naming the stacks that are not ready;
/// - a stack that would grow is not ready: wait;
/// - otherwise apply the next step: the leading stack (largest increase, ties
///   by name) moves to its next step weight, every other stack moves the same
///   fraction of its way to the target, and the result is rounded to whole
///   percentages that sum to 100.
pub fn next_step(observed: &ShiftObserved, target: &Weights, plan: &StepPlan) -> Step {
    let keys: BTreeSet<&String> = target.keys().chain(observed.actual.keys()).collect();
    let same = |a: &Weights, b: &Weights| keys.iter().all(|k| weight(a, k) == weight(b, k));
    if same(&observed.actual, target) {
        return Step::Done;
    }
    if !same(&observed.desired, &observed.actual) {
        let blocking: Vec<String> = keys
            .iter()
            .filter(|k| weight(&observed.desired, k) > weight(&observed.actual, k))
            .filter_map(|k| observed.not_ready.get(*k).map(|r| format!("{k} ({r})")))
            .collect();
        let reason = if blocking.is_empty() {
            "waiting for actual traffic to reach the desired weights".to_string()
        } else {
            format!(
                "waiting for stacks to become ready: {}",
                blocking.join(", ")
            )
        };
        return Step::Wait { reason };
    }
    let growing: Vec<&String> = keys
        .iter()
        .copied()
        .filter(|k| weight(target, k) > weight(&observed.actual, k))
        .collect();
    let not_ready: Vec<String> = growing
        .iter()
        .filter_map(|k| observed.not_ready.get(*k).map(|r| format!("{k} ({r})")))
        .collect();
    if !not_ready.is_empty() {
        return Step::Wait {
            reason: format!("stacks not ready: {}", not_ready.join(", ")),
        };
    }
    let Some(lead) = growing.iter().copied().max_by(|a, b| {
        let da = weight(target, a) - weight(&observed.actual, a);
        let db = weight(target, b) - weight(&observed.actual, b);
        da.cmp(&db).then(b.cmp(a))
    }) else {
        return Step::Apply(target.clone());
    };
    let (from, to) = (weight(&observed.actual, lead), weight(target, lead));
    let next = match plan {
        StepPlan::Steps(steps) => steps
            .iter()
            .copied()
            .find(|s| *s > from)
            .unwrap_or(to)
            .min(to),
        StepPlan::StepWeight(n) => from.saturating_add(*n).min(to),
    };
    if next >= to {
        return Step::Apply(target.clone());
    }
    let fraction = f64::from(next - from) / f64::from(to - from);
    let mut others: BTreeMap<String, f64> = BTreeMap::new();
    for k in keys.iter().filter(|k| **k != lead) {
        let (a, t) = (
            f64::from(weight(&observed.actual, k)),
            f64::from(weight(target, k)),
        );
        others.insert((*k).clone(), a + (t - a) * fraction);
    }
    let mut out = apportion(&others, 100 - next);
    if others.values().all(|v| *v <= 0.0) && next < 100 {
        // Only the lead exists: it cannot hold less than everything.
        return Step::Apply(target.clone());
    }
    out.insert(lead.clone(), next);
    Step::Apply(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pairs: &[(&str, u32)]) -> Weights {
        pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
    }

    fn known() -> Vec<String> {
        vec!["my-app-v1".into(), "my-app-v2".into(), "my-app-v3".into()]
    }

    #[test]
    fn set_weights_table() {
        struct Case {
            name: &'static str,
            current: Weights,
            set: Vec<(&'static str, u32)>,
            mode: EditMode,
            want: Result<Weights, &'static str>,
        }
        let cases = vec![
            Case {
                name: "one stack set, the only other takes the rest",
                current: w(&[("a", 100), ("b", 0)]),
                set: vec![("b", 25)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 75), ("b", 25)])),
            },
            Case {
                name: "others rescaled in proportion",
                current: w(&[("a", 60), ("b", 40), ("c", 0)]),
                set: vec![("c", 50)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 30), ("b", 20), ("c", 50)])),
            },
            Case {
                name: "rounding keeps the sum at 100",
                current: w(&[("a", 34), ("b", 33), ("c", 33)]),
                set: vec![("c", 10)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 46), ("b", 44), ("c", 10)])),
            },
            Case {
                name: "everything to one stack",
                current: w(&[("a", 50), ("b", 50)]),
                set: vec![("b", 100)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 0), ("b", 100)])),
            },
            Case {
                name: "the only serving stack reduced: the only other takes the rest",
                current: w(&[("a", 0), ("b", 100)]),
                set: vec![("b", 25)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 75), ("b", 25)])),
            },
            Case {
                name: "the only serving stack reduced to 0: the other takes all",
                current: w(&[("a", 0), ("b", 100)]),
                set: vec![("b", 0)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 100), ("b", 0)])),
            },
            Case {
                name: "several idle others: which one takes the rest is not implied",
                current: w(&[("a", 0), ("b", 0), ("c", 100)]),
                set: vec![("c", 25)],
                mode: EditMode::Proportional,
                want: Err("rest"),
            },
            Case {
                name: "several idle others, one named: the other takes the rest",
                current: w(&[("a", 0), ("b", 0), ("c", 100)]),
                set: vec![("c", 25), ("a", 0)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 0), ("b", 75), ("c", 25)])),
            },
            Case {
                name: "a single stack cannot be reduced",
                current: w(&[("a", 100)]),
                set: vec![("a", 50)],
                mode: EditMode::Proportional,
                want: Err("only"),
            },
            Case {
                name: "every stack named below 100",
                current: w(&[("a", 50), ("b", 50)]),
                set: vec![("a", 10), ("b", 20)],
                mode: EditMode::Proportional,
                want: Err("all named"),
            },
            Case {
                name: "a single stack at 100 is fine",
                current: w(&[("a", 100)]),
                set: vec![("a", 100)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 100)])),
            },
            Case {
                name: "sum above 100",
                current: w(&[("a", 100), ("b", 0)]),
                set: vec![("a", 60), ("b", 50)],
                mode: EditMode::Proportional,
                want: Err("sum"),
            },
            Case {
                name: "unknown stack",
                current: w(&[("a", 100)]),
                set: vec![("x", 10)],
                mode: EditMode::Proportional,
                want: Err("unknown"),
            },
            Case {
                name: "above 100",
                current: w(&[("a", 100)]),
                set: vec![("a", 101)],
                mode: EditMode::Proportional,
                want: Err("weight"),
            },
            Case {
                name: "exact needs every stack",
                current: w(&[("a", 100), ("b", 0)]),
                set: vec![("a", 100)],
                mode: EditMode::Exact,
                want: Err("missing"),
            },
            Case {
                name: "exact needs a sum of 100",
                current: w(&[("a", 100), ("b", 0)]),
                set: vec![("a", 50), ("b", 40)],
                mode: EditMode::Exact,
                want: Err("exact sum"),
            },
            Case {
                name: "exact applies as given",
                current: w(&[("a", 100), ("b", 0)]),
                set: vec![("a", 30), ("b", 70)],
                mode: EditMode::Exact,
                want: Ok(w(&[("a", 30), ("b", 70)])),
            },
            Case {
                name: "three stacks, n-way",
                current: w(&[("a", 50), ("b", 25), ("c", 25), ("d", 0)]),
                set: vec![("d", 20)],
                mode: EditMode::Proportional,
                want: Ok(w(&[("a", 40), ("b", 20), ("c", 20), ("d", 20)])),
            },
        ];
        for case in cases {
            let set: Vec<(String, u32)> = case
                .set
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect();
            let got = set_weights(&case.current, &set, case.mode);
            match (&got, &case.want) {
                (Ok(g), Ok(want)) => {
                    assert_eq!(g, want, "{}", case.name);
                    assert_eq!(g.values().sum::<u32>(), 100, "{}", case.name);
                }
                (Err(e), Err(kind)) => {
                    let matches = match *kind {
                        "only" => matches!(e, WeightError::OnlyServingStack { .. }),
                        "rest" => matches!(e, WeightError::RestUnassigned { .. }),
                        "all named" => matches!(e, WeightError::AllNamedSum { .. }),
                        "sum" => matches!(e, WeightError::SumAbove100 { .. }),
                        "unknown" => matches!(e, WeightError::UnknownStack { .. }),
                        "weight" => matches!(e, WeightError::InvalidWeight { .. }),
                        "missing" => matches!(e, WeightError::ExactMissing { .. }),
                        "exact sum" => matches!(e, WeightError::ExactSum { .. }),
                        _ => false,
                    };
                    assert!(matches, "{}: got {e:?}", case.name);
                }
                _ => panic!("{}: got {got:?}, want {:?}", case.name, case.want),
            }
        }
    }

    #[test]
    fn parse_assignments_table() {
        struct Case {
            name: &'static str,
            args: Vec<&'static str>,
            want: Result<Vec<(&'static str, u32)>, ()>,
        }
        let cases = vec![
            Case {
                name: "shorthand",
                args: vec!["v2=25"],
                want: Ok(vec![("my-app-v2", 25)]),
            },
            Case {
                name: "full name",
                args: vec!["my-app-v1=75"],
                want: Ok(vec![("my-app-v1", 75)]),
            },
            Case {
                name: "percent sign",
                args: vec!["v3=5%"],
                want: Ok(vec![("my-app-v3", 5)]),
            },
            Case {
                name: "a whole number written with decimals",
                args: vec!["v3=25.0"],
                want: Ok(vec![("my-app-v3", 25)]),
            },
            Case {
                name: "sub-integer is refused, not rounded",
                args: vec!["v2=0.5"],
                want: Err(()),
            },
            Case {
                name: "sub-integer with percent sign",
                args: vec!["v2=12.5%"],
                want: Err(()),
            },
            Case {
                name: "two args",
                args: vec!["v1=10", "v2=90"],
                want: Ok(vec![("my-app-v1", 10), ("my-app-v2", 90)]),
            },
            Case {
                name: "missing equals",
                args: vec!["v2"],
                want: Err(()),
            },
            Case {
                name: "empty weight",
                args: vec!["v2="],
                want: Err(()),
            },
            Case {
                name: "empty name",
                args: vec!["=5"],
                want: Err(()),
            },
            Case {
                name: "not a number",
                args: vec!["v2=abc"],
                want: Err(()),
            },
            Case {
                name: "above 100",
                args: vec!["v2=101"],
                want: Err(()),
            },
            Case {
                name: "negative",
                args: vec!["v2=-1"],
                want: Err(()),
            },
            Case {
                name: "nan",
                args: vec!["v2=NaN"],
                want: Err(()),
            },
            Case {
                name: "unknown",
                args: vec!["v9=1"],
                want: Err(()),
            },
            Case {
                name: "duplicate via shorthand",
                args: vec!["v2=1", "my-app-v2=2"],
                want: Err(()),
            },
        ];
        for case in cases {
            let got = parse_assignments(&case.args, "my-app", &known()).map_err(|_| ());
            let want = case.want.map(|v| {
                v.into_iter()
                    .map(|(k, w)| (k.to_string(), w))
                    .collect::<Vec<_>>()
            });
            assert_eq!(got, want, "{}", case.name);
        }
    }

    #[test]
    fn next_step_table() {
        struct Case {
            name: &'static str,
            desired: Weights,
            actual: Weights,
            not_ready: Vec<(&'static str, &'static str)>,
            target: Weights,
            plan: StepPlan,
            want: Step,
        }
        let steps = StepPlan::Steps(vec![10, 25, 50, 100]);
        let cases = vec![
            Case {
                name: "first explicit step",
                desired: w(&[("v1", 100), ("v2", 0)]),
                actual: w(&[("v1", 100), ("v2", 0)]),
                not_ready: vec![],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: steps.clone(),
                want: Step::Apply(w(&[("v1", 90), ("v2", 10)])),
            },
            Case {
                name: "resumes from the observed weight after a restart",
                desired: w(&[("v1", 75), ("v2", 25)]),
                actual: w(&[("v1", 75), ("v2", 25)]),
                not_ready: vec![],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: steps.clone(),
                want: Step::Apply(w(&[("v1", 50), ("v2", 50)])),
            },
            Case {
                name: "last step reaches the target",
                desired: w(&[("v1", 50), ("v2", 50)]),
                actual: w(&[("v1", 50), ("v2", 50)]),
                not_ready: vec![],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: steps.clone(),
                want: Step::Apply(w(&[("v1", 0), ("v2", 100)])),
            },
            Case {
                name: "done when actual equals target",
                desired: w(&[("v1", 0), ("v2", 100)]),
                actual: w(&[("v1", 0), ("v2", 100)]),
                not_ready: vec![],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: steps.clone(),
                want: Step::Done,
            },
            Case {
                name: "waits while the controller holds the step",
                desired: w(&[("v1", 90), ("v2", 10)]),
                actual: w(&[("v1", 100), ("v2", 0)]),
                not_ready: vec![("v2", "1/3 ready")],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: steps.clone(),
                want: Step::Wait {
                    reason: "waiting for stacks to become ready: v2 (1/3 ready)".into(),
                },
            },
            Case {
                name: "waits before stepping onto a stack that is not ready",
                desired: w(&[("v1", 100), ("v2", 0)]),
                actual: w(&[("v1", 100), ("v2", 0)]),
                not_ready: vec![("v2", "deployment missing")],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: steps.clone(),
                want: Step::Wait {
                    reason: "stacks not ready: v2 (deployment missing)".into(),
                },
            },
            Case {
                name: "step weight",
                desired: w(&[("v1", 100), ("v2", 0)]),
                actual: w(&[("v1", 100), ("v2", 0)]),
                not_ready: vec![],
                target: w(&[("v1", 0), ("v2", 100)]),
                plan: StepPlan::StepWeight(30),
                want: Step::Apply(w(&[("v1", 70), ("v2", 30)])),
            },
            Case {
                name: "three stacks move proportionally",
                desired: w(&[("v1", 50), ("v2", 50), ("v3", 0)]),
                actual: w(&[("v1", 50), ("v2", 50), ("v3", 0)]),
                not_ready: vec![],
                target: w(&[("v1", 0), ("v2", 0), ("v3", 100)]),
                plan: StepPlan::StepWeight(20),
                want: Step::Apply(w(&[("v1", 40), ("v2", 40), ("v3", 20)])),
            },
            Case {
                name: "rollback shifts back to the old stack",
                desired: w(&[("v1", 20), ("v2", 80)]),
                actual: w(&[("v1", 20), ("v2", 80)]),
                not_ready: vec![],
                target: w(&[("v1", 100), ("v2", 0)]),
                plan: steps,
                want: Step::Apply(w(&[("v1", 25), ("v2", 75)])),
            },
        ];
        for case in cases {
            let observed = ShiftObserved {
                desired: case.desired,
                actual: case.actual,
                not_ready: case
                    .not_ready
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect(),
            };
            let got = next_step(&observed, &case.target, &case.plan);
            assert_eq!(got, case.want, "{}", case.name);
            if let Step::Apply(weights) = &got {
                assert_eq!(weights.values().sum::<u32>(), 100, "{}", case.name);
            }
        }
    }

    #[test]
    fn step_plans_parse() {
        assert_eq!(
            StepPlan::parse_steps("10,25,50,100"),
            Ok(StepPlan::Steps(vec![10, 25, 50, 100]))
        );
        assert_eq!(
            StepPlan::parse_steps("1%, 5%"),
            Ok(StepPlan::Steps(vec![1, 5]))
        );
        assert!(StepPlan::parse_steps("50,25").is_err());
        assert!(StepPlan::parse_steps("0,10").is_err());
        assert!(StepPlan::parse_steps("10,,20").is_err());
        assert!(StepPlan::step_weight(0).is_err());
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        fn weights_strategy() -> impl Strategy<Value = Weights> {
            prop::collection::vec(0u32..=100, 1..6).prop_map(|raw| {
                let names: Vec<String> = (0..raw.len()).map(|i| format!("my-app-v{i}")).collect();
                let values: BTreeMap<String, f64> = names
                    .into_iter()
                    .zip(raw.into_iter().map(f64::from))
                    .collect();
                let mut w = apportion(&values, 100);
                if w.values().sum::<u32>() != 100
                    && let Some(first) = w.values_mut().next()
                {
                    *first = 100;
                }
                w
            })
        }

        proptest! {
            #[test]
            fn parser_never_panics(args in prop::collection::vec(".{0,24}", 0..4)) {
                let known = vec!["my-app-v1".to_string(), "my-app-v2".to_string()];
                let _ = parse_assignments(&args, "my-app", &known);
            }

            #[test]
            fn parser_never_panics_on_near_misses(name in "[a-z0-9=%.-]{0,8}", weight in "[-+0-9.eEnaNif%]{0,8}") {
                let known = vec!["my-app-v1".to_string()];
                let _ = parse_assignments(&[format!("{name}={weight}")], "my-app", &known);
            }

            #[test]
            fn set_weights_sums_to_100_or_errs(current in weights_strategy(), pick in 0usize..6, weight in 0u32..=100) {
                let name = current.keys().nth(pick % current.len()).cloned().unwrap_or_default();
                match set_weights(&current, &[(name.clone(), weight)], EditMode::Proportional) {
                    Ok(result) => {
                        prop_assert_eq!(result.values().sum::<u32>(), 100);
                        prop_assert_eq!(result.get(&name).copied(), Some(weight));
                    }
                    // Refused only when the rest has no single obvious taker.
                    Err(WeightError::RestUnassigned { .. }) => {
                        let idle = current.iter().filter(|(k, w)| **k != name && **w == 0).count();
                        prop_assert!(weight < 100 && idle >= 2 && current.iter().all(|(k, w)| *k == name || *w == 0));
                    }
                    Err(WeightError::OnlyServingStack { .. }) => prop_assert!(current.len() == 1 && weight < 100),
                    Err(e) => prop_assert!(false, "unexpected {e}"),
                }
            }

            #[test]
            fn shift_steps_move_toward_the_target(actual in weights_strategy(), target in weights_strategy(), step in 1u32..=100) {
                // Same stack names on both sides.
                let keys: Vec<String> = actual.keys().cloned().collect();
                let values: BTreeMap<String, f64> = keys.iter().map(|k| (k.clone(), f64::from(target.get(k).copied().unwrap_or(0)))).collect();
                let mut target = apportion(&values, 100);
                if target.values().sum::<u32>() != 100 {
                    target = actual.clone();
                }
                let observed = ShiftObserved { desired: actual.clone(), actual: actual.clone(), not_ready: BTreeMap::new() };
                match next_step(&observed, &target, &StepPlan::StepWeight(step)) {
                    Step::Done => prop_assert_eq!(&actual, &target),
                    Step::Wait { .. } => prop_assert!(false, "nothing is blocked"),
                    Step::Apply(next) => {
                        prop_assert_eq!(next.values().sum::<u32>(), 100);
                        for k in &keys {
                            let (a, t, n) = (weight(&actual, k), weight(&target, k), weight(&next, k));
                            prop_assert!(n >= a.min(t) && n <= a.max(t), "{k}: {a} -> {n} (target {t})");
                        }
                        prop_assert!(next != actual, "a step makes progress");
                    }
                }
            }
        }
    }
}
