//! `kubectl stackset gc [NAME]`: applies the stack lifecycle rules now and
//! shows what goes: stacks idle for longer than `scaledownTTLSeconds` are
//! scaled down, and the oldest idle stacks beyond `stackLifecycle.limit` are
//! deleted. A client-side managed StackSet is reconciled; for one that a
//! controller manages, only the excess stacks are deleted (with a UID
//! precondition), since scaling is the controller's job.

use stackset_core::StackFacts;
use stackset_core::api::constants::{DEFAULT_SCALEDOWN_TTL_SECONDS, DEFAULT_STACK_LIFECYCLE_LIMIT};

use super::common::{emit, resolve_stackset_name};
use super::follow::{Ctx, View, observe, seconds_since, settings};
use crate::cli::GcArgs;
use crate::cluster::mutate::{WriteMode, delete_stack};
use crate::cluster::reconcile::reconcile_one;
use crate::error::Failure;
use crate::render::progress::duration_text;
use crate::render::prompt::confirm;

/// What the lifecycle rules do to one stack now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Deleted: an excess idle stack.
    Deleted(String),
    /// Scaled down to 0: idle past the TTL.
    ScaledDown(String),
    /// Kept, and why.
    Kept(String),
}

/// The fate of every stack of a decision.
pub fn fates(view: &View, now: k8s_openapi::jiff::Timestamp) -> Vec<(String, Fate)> {
    let lifecycle = &view.stackset.spec.stack_lifecycle;
    let ttl = lifecycle
        .scaledown_ttl_seconds
        .unwrap_or(DEFAULT_SCALEDOWN_TTL_SECONDS);
    let limit = lifecycle.limit.unwrap_or(DEFAULT_STACK_LIFECYCLE_LIMIT);
    view.rec
        .stacks
        .iter()
        .map(|s: &StackFacts| {
            let idle = s
                .no_traffic_since
                .map(|t| duration_text(seconds_since(now, t)));
            let fate = if s.pending_removal {
                Fate::Deleted(format!(
                    "idle{}, more idle stacks than the limit of {limit}",
                    idle.map(|i| format!(" for {i}")).unwrap_or_default()
                ))
            } else if s.scaled_down && s.deployment_replicas > 0 {
                Fate::ScaledDown(format!(
                    "no traffic for {}, longer than the TTL of {}",
                    idle.unwrap_or_default(),
                    duration_text(ttl)
                ))
            } else if s.has_traffic() {
                Fate::Kept(format!("has traffic ({}% desired)", s.desired_weight))
            } else if s.scaled_down {
                Fate::Kept(format!("scaled down, within the limit of {limit}"))
            } else {
                Fate::Kept(match idle {
                    Some(i) => format!("idle for {i}, scaled down after {}", duration_text(ttl)),
                    None => "new".into(),
                })
            };
            (s.name.clone(), fate)
        })
        .collect()
}

pub async fn run(ctx: &Ctx<'_>, args: &GcArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let settings = settings(&args.engine, mode)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, args.name.as_deref()).await?;
    let view = observe(ctx, &name, &settings, false).await?;
    let now = (ctx.now)();
    let planned = fates(&view, now);
    let ours = view.management.is_client_side();
    let doomed: Vec<&str> = planned
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Deleted(_)))
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
        match fate {
            Fate::Deleted(why) => text.push_str(&format!(
                "stack.zalando.org/{stack} deleted{}: {why}\n",
                mode.suffix()
            )),
            Fate::ScaledDown(why) if ours => text.push_str(&format!(
                "stack.zalando.org/{stack} scaled down{}: {why}\n",
                mode.suffix()
            )),
            Fate::ScaledDown(why) => eprintln!(
                "stack {stack}: {why}; the {} scales it down",
                view.management.describe()
            ),
            Fate::Kept(why) => eprintln!("stack {stack}: kept, {why}"),
        }
    }
    if text.is_empty() {
        text = format!("stackset.zalando.org/{name} unchanged: nothing to collect\n");
    }
    emit(ctx.conn, ns, &name, args.output.output, None, &text).await
}
