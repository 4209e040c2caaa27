//! What the mutating commands share: reading a StackSet's state (after one
//! client-side reconcile when kubectl-stackset manages it), and waiting until
//! the actual traffic follows the desired weights: by reconciling ourselves
//! for client-side managed StackSets, by watching the status the controller
//! writes for the others.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use stackset_core::api::StackSet;
use stackset_core::shift::ShiftObserved;
use stackset_core::{Reconciliation, StackFacts, Weights};

use crate::cli::EngineArgs;
use crate::cluster::Connection;
use crate::cluster::execute::ExecOptions;
use crate::cluster::mutate::WriteMode;
use crate::cluster::reconcile::{Settings, decide, reconcile_one};
use crate::cluster::snapshot::{get_stackset, list_namespace};
use crate::error::{Exit, Failure};
use crate::render::progress::{BarKind, Clock, Progress, duration_text};
use crate::render::prompt::Interaction;
use crate::render::weights::WeightRow;
use stackset_core::ManagedBy;
use stackset_core::rollout::RolloutRecord;

/// What every mutating command gets from `app`.
pub struct Ctx<'a> {
    /// The connection (client, namespace).
    pub conn: &'a Connection,
    /// Whether `-n` was given (a manifest's own namespace must then match it).
    pub explicit_namespace: bool,
    /// Terminal capabilities (prompts, bars).
    pub ia: Interaction,
    /// The clock.
    pub now: Clock<'a>,
}

/// How often waits look at the cluster again.
pub const TICK: Duration = Duration::from_secs(1);

/// Reconcile settings from the engine flags; a server dry run makes the
/// client-side reconcile a server dry run too.
pub fn settings(engine: &EngineArgs, mode: WriteMode) -> Result<Settings, Failure> {
    Ok(Settings {
        options: engine.options()?,
        controller_id: engine.controller_id.clone(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: mode == WriteMode::ServerDryRun,
            events: true,
        },
    })
}

/// Parses a duration flag; a usage error names the flag.
pub fn duration_flag(flag: &str, text: &str) -> Result<Duration, Failure> {
    crate::cluster::parse_duration(text).map_err(|e| {
        Failure::usage(format!("{flag}: {e}"))
            .hint(format!("e.g. {flag} 30s, {flag} 5m or {flag} 1h30m"))
    })
}

/// One look at a StackSet.
#[derive(Debug, Clone)]
pub struct View {
    /// The StackSet as read (annotations, spec).
    pub stackset: StackSet,
    /// The core's decision on it (facts of every stack).
    pub rec: Reconciliation,
    /// Who reconciles it.
    pub management: ManagedBy,
    /// Whether we reconciled it just now (then `actual_weight` is the
    /// weight after that reconcile, else the status as read).
    pub reconciled: bool,
}

impl View {
    /// The StackSet's name.
    pub fn name(&self) -> &str {
        self.stackset.metadata.name.as_deref().unwrap_or("")
    }

    /// Stacks that are not about to be deleted, sorted by name.
    pub fn live(&self) -> impl Iterator<Item = &StackFacts> {
        self.rec.stacks.iter().filter(|s| !s.pending_removal)
    }

    /// Names of the live stacks.
    pub fn known(&self) -> Vec<String> {
        self.live().map(|s| s.name.clone()).collect()
    }

    /// One live stack.
    pub fn stack(&self, name: &str) -> Option<&StackFacts> {
        self.live().find(|s| s.name == name)
    }

    /// Effective desired weights.
    pub fn desired(&self) -> Weights {
        self.live()
            .map(|s| (s.name.clone(), s.desired_weight))
            .collect()
    }

    /// Effective actual weights.
    pub fn actual(&self) -> Weights {
        self.live()
            .map(|s| {
                let w = if self.reconciled {
                    s.actual_weight
                } else {
                    s.previous_actual_weight
                };
                (s.name.clone(), w)
            })
            .collect()
    }

    /// Stacks that are not ready, with why.
    pub fn not_ready(&self) -> BTreeMap<String, String> {
        self.live()
            .filter(|s| !s.ready)
            .map(|s| (s.name.clone(), s.readiness.clone()))
            .collect()
    }

    /// The shift planner's observation.
    pub fn shift(&self) -> ShiftObserved {
        ShiftObserved {
            desired: self.desired(),
            actual: self.actual(),
            not_ready: self.not_ready(),
        }
    }

    /// The rollout record, if any.
    pub fn record(&self) -> Result<Option<RolloutRecord>, Failure> {
        RolloutRecord::from_annotations(self.stackset.metadata.annotations.as_ref()).map_err(|e| {
            Failure::error(format!("stackset {}: {e}", self.name())).hint(
                "fix or remove the annotation: kubectl annotate stackset NAME kubectl-stackset.io/rollout-",
            )
        })
    }

    /// Table rows, with the weights after a change when given.
    pub fn rows(&self, after: Option<&Weights>) -> Vec<WeightRow> {
        let actual = self.actual();
        self.live()
            .map(|s| WeightRow {
                stack: s.name.clone(),
                ready: s.readiness.clone(),
                actual: actual.get(&s.name).copied().unwrap_or(0),
                desired: s.desired_weight,
                after: after.map(|a| a.get(&s.name).copied().unwrap_or(0)),
            })
            .collect()
    }

    /// The effective desired weights of `stackset` (a fresher read of the
    /// same StackSet), computed by the core with this view's stacks.
    pub fn desired_of(&self, stackset: &StackSet) -> Weights {
        let candidates: Vec<_> = self.live().map(StackFacts::fallback_candidate).collect();
        stackset_core::reconcile::desired_weights(stackset, &candidates)
    }

    /// Fails when the StackSet has no traffic management at all.
    pub fn require_traffic(&self) -> Result<(), Failure> {
        if !self.rec.traffic_managed {
            return Err(Failure::error(format!(
                "stackset {} has no ingress, routegroup or externalIngress, so it has no traffic to switch",
                self.name()
            ))
            .hint("add spec.ingress (or externalIngress) to the StackSet"));
        }
        if self.live().next().is_none() {
            return Err(Failure::error(format!("stackset {} has no stacks yet", self.name()))
                .hint("its first stack is created by a reconcile (`kubectl stackset reconcile NAME`) or by the controller"));
        }
        Ok(())
    }

    /// The stacks the core's traffic gate holds back (they would gain
    /// traffic but are not ready), with why: `my-app-v2 (0/2 ready, need 2)`.
    pub fn blocked(&self) -> Vec<String> {
        let Some(blocked) = &self.rec.blocked else {
            return Vec::new();
        };
        blocked
            .not_ready
            .iter()
            .map(|n| match self.stack(n) {
                Some(s) => format!("{n} ({})", s.readiness),
                None => n.clone(),
            })
            .collect()
    }
}

/// Equal weights, a missing stack counting as 0.
pub fn same_weights(a: &Weights, b: &Weights) -> bool {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .all(|k| a.get(k).copied().unwrap_or(0) == b.get(k).copied().unwrap_or(0))
}

/// Percent of the traffic that is where it should be.
pub fn settled_percent(desired: &Weights, actual: &Weights) -> u64 {
    let keys: BTreeSet<&String> = desired.keys().chain(actual.keys()).collect();
    let off: u64 = keys
        .into_iter()
        .map(|k| {
            u64::from(
                desired
                    .get(k)
                    .copied()
                    .unwrap_or(0)
                    .abs_diff(actual.get(k).copied().unwrap_or(0)),
            )
        })
        .sum();
    100u64.saturating_sub(off / 2)
}

/// Stacks whose weight goes to 0 (from above) or to 100 (from below):
/// the changes that ask for a confirmation.
pub fn drastic(before: &Weights, after: &Weights) -> Vec<String> {
    after
        .iter()
        .filter_map(|(k, w)| {
            let b = before.get(k).copied().unwrap_or(0);
            if *w == 0 && b > 0 {
                Some(format!("{k} to 0%"))
            } else if *w == 100 && b < 100 {
                Some(format!("{k} to 100%"))
            } else {
                None
            }
        })
        .collect()
}

/// Reads a StackSet. With `reconcile`, a client-side managed StackSet is
/// reconciled first (never in a dry run).
pub async fn observe(
    ctx: &Ctx<'_>,
    name: &str,
    settings: &Settings,
    reconcile: bool,
) -> Result<View, Failure> {
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let stackset = get_stackset(client, ns, name).await?;
    let management = ManagedBy::of(&stackset, &settings.controller_id);
    if reconcile && management.is_client_side() && !settings.exec.server_dry_run {
        let outcome = reconcile_one(client, ns, name, settings, (ctx.now)()).await?;
        return Ok(View {
            stackset: outcome.snapshot.stackset,
            rec: outcome.reconciliation,
            management,
            reconciled: true,
        });
    }
    let objects = list_namespace(client, ns, Some(name), settings.scope()).await?;
    let (rec, snapshot) = decide(&objects, stackset, settings, (ctx.now)());
    Ok(View {
        stackset: snapshot.stackset,
        rec,
        management,
        reconciled: false,
    })
}

/// `--no-wait`: a client-side managed StackSet is still reconciled once, so
/// the traffic switches now when the stacks are ready; nothing waits.
pub async fn nudge(ctx: &Ctx<'_>, name: &str, settings: &Settings) -> Result<(), Failure> {
    let view = observe(ctx, name, settings, true).await?;
    let blocked = view.blocked();
    if !blocked.is_empty() {
        eprintln!(
            "the traffic switches once these stacks are ready: {}",
            blocked.join(", ")
        );
    }
    Ok(())
}

/// Sleeps one tick.
pub async fn tick() {
    tokio::time::sleep(TICK).await;
}

/// Waits until the actual weights equal the desired ones, reconciling a
/// client-side managed StackSet on every tick. While stacks that should
/// gain traffic are not ready it says which and why; after `timeout` it
/// fails with exit code 3 naming them.
pub async fn follow(
    ctx: &Ctx<'_>,
    name: &str,
    settings: &Settings,
    timeout: Duration,
    progress: &Progress<'_>,
) -> Result<View, Failure> {
    let started = (ctx.now)();
    // The timeout bounds each look at the cluster too: a request into a
    // black-holed connection never ends on its own (kube's client has no
    // read timeout unless --request-timeout is given).
    let deadline = (!timeout.is_zero())
        .then(|| tokio::time::Instant::now().checked_add(timeout))
        .flatten();
    let bar = progress.bar(BarKind::Percent, "traffic", 100);
    let mut ready_bars: BTreeMap<String, crate::render::progress::Bar> = BTreeMap::new();
    let mut first = true;
    loop {
        let observed = observe(ctx, name, settings, true);
        let view = match deadline {
            Some(d) => match tokio::time::timeout_at(d, observed).await {
                Ok(v) => v?,
                Err(_) => {
                    bar.clear();
                    return Err(Failure::new(
                        Exit::Timeout,
                        format!(
                            "the actual traffic of stackset {name} did not follow the desired weights within {}: the API server did not answer in time",
                            duration_text(i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX))
                        ),
                    )
                    .hint("the desired weights are written; check that the API server is reachable (kubectl get --raw /readyz), then `kubectl stackset status NAME`"));
                }
            },
            None => observed.await?,
        };
        if let Some(e) = view.rec.errors.first() {
            bar.clear();
            return Err(Failure::error(format!("stackset {name}: {e}"))
                .hint("fix the StackSet spec; the traffic is left as it is"));
        }
        let (desired, actual) = (view.desired(), view.actual());
        bar.set_position(settled_percent(&desired, &actual));
        if same_weights(&desired, &actual) {
            progress.done();
            return Ok(view);
        }
        if first && !view.management.is_client_side() {
            progress.event(&format!(
                "stackset {name} is managed by the {}: waiting for it to switch the traffic",
                view.management.describe()
            ));
        }
        first = false;
        let blocked = view.blocked();
        for f in view.live().filter(|s| !s.ready && s.desired_weight > 0) {
            let b = ready_bars
                .entry(f.name.clone())
                .or_insert_with(|| progress.bar(BarKind::Replicas, "ready", 1));
            b.set_len(u64::try_from(f.deployment_replicas).unwrap_or(0));
            b.set_position(u64::try_from(f.ready_replicas).unwrap_or(0));
            b.set_message(f.name.clone());
        }
        let msg = if blocked.is_empty() {
            format!(
                "waiting for the actual traffic to follow: {}",
                moves(&actual, &desired)
            )
        } else {
            format!(
                "traffic switch blocked, stacks not ready: {}",
                blocked.join(", ")
            )
        };
        bar.set_message(msg.clone());
        progress.status(&msg);
        let waited = (ctx.now)().as_second() - started.as_second();
        if waited >= i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX) {
            bar.clear();
            let why = if blocked.is_empty() {
                format!("still {}", moves(&actual, &desired))
            } else {
                format!("blocked: stacks not ready: {}", blocked.join(", "))
            };
            let mut f = Failure::new(
                Exit::Timeout,
                format!(
                    "the actual traffic of stackset {name} did not follow the desired weights within {}: {why}",
                    duration_text(i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX))
                ),
            );
            f = if blocked.is_empty() {
                f.hint("the desired weights are written; check who reconciles the StackSet (`kubectl stackset reconcile NAME` or the controller)")
            } else {
                f.hint(format!(
                    "the desired weights are written and switch once the stacks are ready; look at their pods: kubectl get pods -l stackset={name} -n {}",
                    ctx.conn.namespace
                ))
            };
            return Err(f);
        }
        tick().await;
    }
}

/// `my-app-v1 100%→75%, my-app-v2 0%→25%` for the stacks that differ.
pub fn moves(from: &Weights, to: &Weights) -> String {
    let keys: BTreeSet<&String> = from.keys().chain(to.keys()).collect();
    let parts: Vec<String> = keys
        .into_iter()
        .filter_map(|k| {
            let (a, b) = (
                from.get(k).copied().unwrap_or(0),
                to.get(k).copied().unwrap_or(0),
            );
            (a != b).then(|| format!("{k} {a}%→{b}%"))
        })
        .collect();
    parts.join(", ")
}

/// Elapsed whole seconds.
pub fn seconds_since(now: Timestamp, then: Timestamp) -> i64 {
    now.as_second() - then.as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pairs: &[(&str, u32)]) -> Weights {
        pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
    }

    #[test]
    fn weight_helpers() {
        let a = w(&[("v1", 100), ("v2", 0)]);
        let b = w(&[("v1", 75), ("v2", 25)]);
        assert!(same_weights(&a, &w(&[("v1", 100)])));
        assert!(!same_weights(&a, &b));
        assert_eq!(settled_percent(&b, &a), 75);
        assert_eq!(settled_percent(&b, &b), 100);
        assert_eq!(moves(&a, &b), "v1 100%→75%, v2 0%→25%");
        assert!(drastic(&a, &b).is_empty());
        assert_eq!(
            drastic(&b, &w(&[("v1", 0), ("v2", 100)])),
            vec!["v1 to 0%", "v2 to 100%"]
        );
    }
}
