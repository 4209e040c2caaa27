//! `kubectl stackset rollback [NAME] [--to VERSION]`: all traffic back to
//! an older stack at once. Writing 100% desired traffic to a scaled-down
//! stack scales it up first (it has traffic again, so it is no longer idle),
//! and the readiness gate keeps the actual traffic where it is until the
//! stack is ready: the command shows its replicas coming up and waits.
//! An open rollout is marked aborted in the same write.

use stackset_core::StackFacts;
use stackset_core::shift::resolve_stack_name;

use super::common::{emit, resolve_stackset_name, unknown_stack};
use super::follow::{Ctx, View, drastic, duration_flag, follow, observe, settings};
use crate::cli::RollbackArgs;
use crate::cluster::mutate::{WriteMode, edit_stackset};
use crate::error::Failure;
use crate::render::progress::Progress;
use crate::render::prompt::confirm;
use crate::render::weights::{inline, preview};
use stackset_core::rollout::{RolloutRecord, RolloutState};

/// The stack to roll back to: `--to` (a stack name or version), else the
/// newest stack created before the newest stack that has traffic.
pub fn pick_target(view: &View, to: Option<&str>) -> Result<String, Failure> {
    let name = view.name();
    let known = view.known();
    if let Some(to) = to {
        return resolve_stack_name(to, name, &known).ok_or_else(|| unknown_stack(name, to, &known));
    }
    let mut by_age: Vec<&StackFacts> = view.live().collect();
    by_age.sort_by(|a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
    let actual = view.actual();
    let serving = by_age
        .iter()
        .rposition(|s| s.desired_weight > 0 || actual.get(&s.name).copied().unwrap_or(0) > 0);
    match serving {
        Some(i) if i > 0 => Ok(by_age[i - 1].name.clone()),
        _ => Err(Failure::error(format!(
            "stackset {name} has no stack older than the one serving traffic"
        ))
        .hint(format!("stacks: {}; pick one with --to", known.join(", ")))),
    }
}

pub async fn run(ctx: &Ctx<'_>, args: &RollbackArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let settings = settings(&args.engine, mode)?;
    let timeout = duration_flag("--timeout", &args.timeout)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, args.name.as_deref()).await?;
    let view = observe(ctx, &name, &settings, false).await?;
    view.require_traffic()?;
    let target = pick_target(&view, args.to.as_deref())?;
    let before = view.desired();
    let after: stackset_core::Weights = before
        .keys()
        .map(|k| (k.clone(), if *k == target { 100 } else { 0 }))
        .collect();
    let facts = view.stack(&target).cloned();
    let waking = facts.as_ref().is_some_and(|f| !f.ready);
    let table = preview(&view.rows(Some(&after)));
    // The before/after preview goes to stderr in every mode; stdout gets
    // only the result.
    eprint!("{table}");
    if mode == WriteMode::ClientDryRun {
        return emit(
            ctx.conn,
            ns,
            &name,
            args.output.output,
            None,
            &format!("stackset.zalando.org/{name} would roll back to {target} (dry run)"),
        )
        .await;
    }
    if let Some(f) = &facts
        && waking
    {
        eprintln!(
            "{target} is not ready ({}): it is scaled up first; the traffic switches once it is ready",
            f.readiness
        );
    }
    if mode.is_live() && !drastic(&before, &after).is_empty() {
        let question = format!("Switch all traffic of stackset {name} to {target}?");
        if !confirm(
            ctx.ia,
            args.yes,
            &format!("moving all traffic to {target}"),
            &question,
        )? {
            return Err(Failure::error("cancelled; nothing was changed"));
        }
    }
    let edited = edit_stackset(client, ns, &name, mode, Some(view.stackset.clone()), |ss| {
        ss.spec.traffic = stackset_core::rollout::desired_traffic(&after);
        if let Some(mut r) = RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
            .map_err(Failure::error)?
            && r.state.is_open()
        {
            r.state = RolloutState::Aborted;
            r.message = Some(format!("rolled back to {target}"));
            r.updated = (ctx.now)();
            r.store(&mut ss.metadata.annotations);
        }
        Ok(())
    })
    .await?;
    if mode.is_live() && args.no_wait {
        super::follow::nudge(ctx, &name, &settings).await?;
    }
    if !mode.is_live() || args.no_wait {
        let verb = if mode.is_live() {
            "rolled back to"
        } else {
            "would roll back to"
        };
        return emit(
            ctx.conn,
            ns,
            &name,
            args.output.output,
            (!mode.is_live()).then_some(&edited.after),
            &format!(
                "stackset.zalando.org/{name} {verb} {target}{}",
                mode.suffix()
            ),
        )
        .await;
    }
    let progress = Progress::new(ctx.ia.bars, ctx.now);
    let done = follow(ctx, &name, &settings, timeout, &progress).await?;
    progress.done();
    let verb = if edited.changed {
        "rolled back to"
    } else {
        "already on"
    };
    emit(
        ctx.conn,
        ns,
        &name,
        args.output.output,
        None,
        &format!(
            "stackset.zalando.org/{name} {verb} {target}: {}",
            inline(&done.actual())
        ),
    )
    .await
}
