//! `kubectl stackset gc [NAME]`: applies the stack lifecycle rules now and
//! shows what goes: stacks idle for longer than `scaledownTTLSeconds` are
//! scaled down, and the oldest idle stacks beyond `stackLifecycle.limit` are
//! deleted. A client-side managed StackSet is reconciled; for one that a
//! controller manages, only the excess stacks are deleted (with a UID
//! precondition), since scaling is the controller's job.

use stackset_core::lifecycle::{Fate, fates};

use super::common::{emit, resolve_stackset_name};
use super::follow::{Ctx, observe, settings};
use crate::cli::GcArgs;
use crate::cluster::mutate::{WriteMode, delete_stack};
use crate::cluster::reconcile::reconcile_one;
use crate::error::Failure;
use crate::render::progress::duration_text;
use crate::render::prompt::confirm;

/// Why the core's lifecycle rules give a stack its fate, as one line.
fn why(fate: &Fate) -> String {
    let idle = |s: &Option<i64>| s.map(duration_text);
    match fate {
        Fate::Deleted {
            idle_seconds,
            limit,
        } => format!(
            "idle{}, more idle stacks than the limit of {limit}",
            idle(idle_seconds)
                .map(|i| format!(" for {i}"))
                .unwrap_or_default()
        ),
        Fate::ScaledDown {
            idle_seconds,
            ttl_seconds,
        } => format!(
            "no traffic for {}, longer than the TTL of {}",
            idle(idle_seconds).unwrap_or_default(),
            duration_text(*ttl_seconds)
        ),
        Fate::HasTraffic { desired_weight } => format!("has traffic ({desired_weight}% desired)"),
        Fate::WithinLimit { limit } => format!("scaled down, within the limit of {limit}"),
        Fate::Idle {
            idle_seconds,
            ttl_seconds,
        } => format!(
            "idle for {}, scaled down after {}",
            duration_text(*idle_seconds),
            duration_text(*ttl_seconds)
        ),
        Fate::New => "new".into(),
    }
}

pub async fn run(ctx: &Ctx<'_>, args: &GcArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let settings = settings(&args.engine, mode)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, args.name.as_deref()).await?;
    let view = observe(ctx, &name, &settings, false).await?;
    let now = (ctx.now)();
    let planned = fates(&view.rec, &view.stackset, now);
    let ours = view.management.is_client_side();
    let doomed: Vec<&str> = planned
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Deleted { .. }))
        .map(|(s, _)| s.as_str())
        .collect();
    if mode.is_live()
        && !doomed.is_empty()
        && !confirm(
            ctx.ia,
            args.yes,
            "deleting stacks",
            &format!("Delete stack(s) {} of stackset {name}?", doomed.join(", ")),
        )?
    {
        return Err(Failure::error("cancelled; nothing was changed"));
    }
    if mode != WriteMode::ClientDryRun {
        if ours {
            reconcile_one(client, ns, &name, &settings, now).await?;
        } else {
            for s in view.rec.stacks.iter().filter(|s| s.pending_removal) {
                // Already gone, or replaced by a new Stack of that name
                // (which this decision was not about): nothing to do.
                delete_stack(client, ns, &s.name, s.uid.as_deref(), mode).await?;
            }
        }
    }
    let mut text = String::new();
    for (stack, fate) in &planned {
        let why = why(fate);
        match fate {
            Fate::Deleted { .. } => text.push_str(&format!(
                "stack.zalando.org/{stack} deleted{}: {why}\n",
                mode.suffix()
            )),
            Fate::ScaledDown { .. } if ours => text.push_str(&format!(
                "stack.zalando.org/{stack} scaled down{}: {why}\n",
                mode.suffix()
            )),
            Fate::ScaledDown { .. } => eprintln!(
                "stack {stack}: {why}; the {} scales it down",
                view.management.describe()
            ),
            _ => eprintln!("stack {stack}: kept, {why}"),
        }
    }
    if text.is_empty() {
        text = format!("stackset.zalando.org/{name} unchanged: nothing to collect\n");
    }
    emit(ctx.conn, ns, &name, args.output.output, None, &text).await
}
