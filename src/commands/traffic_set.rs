//! `kubectl stackset traffic set [NAME] STACK=WEIGHT...`: the named stacks get
//! exactly their weights, the others share the rest in proportion (or, with
//! `--exact`, every stack is named). Shows a before/after preview, asks
//! before moving a stack to 0% or 100%, writes `spec.traffic` with
//! optimistic concurrency (recomputed on a conflict, so concurrent changes
//! compose) and waits until the actual traffic follows.

use stackset_core::shift::{EditMode, WeightError, parse_assignments, set_weights};

use super::common::{emit, resolve_stackset_name, unknown_stack};
use super::follow::{Ctx, drastic, duration_flag, follow, observe, settings};
use crate::cli::TrafficSetArgs;
use crate::cluster::mutate::{WriteMode, edit_stackset};
use crate::error::Failure;
use crate::render::progress::Progress;
use crate::render::prompt::confirm;
use crate::render::weights::{inline, preview};

/// Splits `[NAME] STACK=WEIGHT...`: a first argument without `=` is the
/// StackSet's name.
pub fn split_args(args: &[String]) -> (Option<&str>, &[String]) {
    match args.split_first() {
        Some((first, rest)) if !first.contains('=') => (Some(first.as_str()), rest),
        _ => (None, args),
    }
}

fn weight_failure(e: &WeightError) -> Failure {
    let hint = match e {
        WeightError::UnknownStack { .. } => {
            "name a stack by its name or version, e.g. v2=25 or my-app-v2=25".to_string()
        }
        WeightError::OnlyServingStack { .. } => {
            "roll out another version first; a single stack always has all the traffic".into()
        }
        WeightError::RestUnassigned { rest, candidates } => format!(
            "name the stack that takes the rest, e.g. {}={rest}",
            candidates.last().map(String::as_str).unwrap_or("v1")
        ),
        WeightError::ExactMissing { .. } | WeightError::ExactSum { .. } => {
            "with --exact, name every stack and make the weights add up to 100".into()
        }
        _ => "weights are whole percentages from 0 to 100 that add up to at most 100, e.g. v2=25"
            .into(),
    };
    Failure::usage(e.to_string()).hint(hint)
}

pub async fn run(ctx: &Ctx<'_>, args: &TrafficSetArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let settings = settings(&args.engine, mode)?;
    let timeout = duration_flag("--timeout", &args.timeout)?;
    let (name, assignments) = split_args(&args.args);
    if assignments.is_empty() {
        let taken = name
            .map(|n| format!(" ({n:?} is taken as the StackSet's name)"))
            .unwrap_or_default();
        return Err(Failure::usage(format!("no STACK=WEIGHT given{taken}"))
            .hint("e.g. kubectl stackset traffic set my-app v2=25"));
    }
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, name).await?;
    let view = observe(ctx, &name, &settings, false).await?;
    view.require_traffic()?;
    let parsed = parse_assignments(assignments, &name, &view.known()).map_err(|e| match &e {
        WeightError::UnknownStack {
            name: wanted,
            known,
        } => unknown_stack(&name, wanted, known),
        _ => weight_failure(&e),
    })?;
    let edit_mode = if args.exact {
        EditMode::Exact
    } else {
        EditMode::Proportional
    };
    let before = view.desired();
    let planned = set_weights(&before, &parsed, edit_mode).map_err(|e| weight_failure(&e))?;
    let table = preview(&view.rows(Some(&planned)));
    if let Ok(Some(r)) = view.record()
        && r.state.is_open()
    {
        eprintln!(
            "warning: a rollout to {} is {} ({}); it continues from the weights set here",
            r.version,
            r.state,
            r.step_text()
        );
    }
    // The before/after preview goes to stderr in every mode; stdout gets
    // only the result.
    eprint!("{table}");
    if mode == WriteMode::ClientDryRun {
        let verb = if planned == before {
            "traffic unchanged"
        } else {
            "traffic would switch"
        };
        return emit(
            ctx.conn,
            ns,
            &name,
            args.output.output,
            None,
            &format!(
                "stackset.zalando.org/{name} {verb}: {}{}",
                inline(&planned),
                mode.suffix()
            ),
        )
        .await;
    }
    let big = drastic(&before, &planned);
    if !big.is_empty() && mode.is_live() {
        let what = format!("moving {}", big.join(" and "));
        if !confirm(
            ctx.ia,
            args.yes,
            &what,
            &format!("Move {}?", big.join(" and ")),
        )? {
            return Err(Failure::error("cancelled; nothing was changed"));
        }
    }
    let edited = edit_stackset(client, ns, &name, mode, Some(view.stackset.clone()), |ss| {
        // Recomputed on the object being written: after a conflict the
        // assignments apply on top of whatever the other writer did.
        let current = view.desired_of(ss);
        let next = set_weights(&current, &parsed, edit_mode).map_err(|e| weight_failure(&e))?;
        ss.spec.traffic = stackset_core::rollout::desired_traffic(&next);
        Ok(next)
    })
    .await?;
    let weights = edited.value;
    if mode == WriteMode::ServerDryRun {
        let verb = if edited.changed {
            "traffic would switch"
        } else {
            "traffic unchanged"
        };
        return emit(
            ctx.conn,
            ns,
            &name,
            args.output.output,
            Some(&edited.after),
            &format!(
                "stackset.zalando.org/{name} {verb}: {}{}",
                inline(&weights),
                mode.suffix()
            ),
        )
        .await;
    }
    if args.no_wait {
        super::follow::nudge(ctx, &name, &settings).await?;
    } else {
        let progress = Progress::new(ctx.ia.bars, ctx.now);
        follow(ctx, &name, &settings, timeout, &progress).await?;
    }
    let verb = if edited.changed {
        "traffic switched"
    } else {
        "traffic unchanged"
    };
    emit(
        ctx.conn,
        ns,
        &name,
        args.output.output,
        None,
        &format!("stackset.zalando.org/{name} {verb}: {}", inline(&weights)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_optional() {
        let args: Vec<String> = ["my-app", "v2=25"].iter().map(|s| s.to_string()).collect();
        assert_eq!(split_args(&args), (Some("my-app"), &args[1..]));
        let args: Vec<String> = ["v2=25", "v1=75"].iter().map(|s| s.to_string()).collect();
        assert_eq!(split_args(&args), (None, &args[..]));
        assert_eq!(split_args(&[]), (None, &[][..]));
    }

    mod props {
        use proptest::prelude::*;
        use stackset_core::shift::{EditMode, parse_assignments, set_weights};

        use super::super::split_args;

        proptest! {
            /// The whole argument path of `traffic set`, from argv to new
            /// weights: never a panic, and a result always sums to 100.
            #[test]
            fn traffic_arguments_never_panic(args in prop::collection::vec("[a-z0-9=%.,+-]{0,10}|\\PC{0,10}", 0..5), exact in any::<bool>()) {
                let (_, assignments) = split_args(&args);
                let known = vec!["app-v1".to_string(), "app-v2".to_string(), "app-v3".to_string()];
                if let Ok(parsed) = parse_assignments(assignments, "app", &known) {
                    let current = [("app-v1".to_string(), 70), ("app-v2".to_string(), 30), ("app-v3".to_string(), 0)]
                        .into_iter()
                        .collect();
                    let mode = if exact { EditMode::Exact } else { EditMode::Proportional };
                    if let Ok(w) = set_weights(&current, &parsed, mode) {
                        prop_assert_eq!(w.values().sum::<u32>(), 100);
                    }
                }
            }
        }
    }
}
