//! `kubectl stackset delete NAME`: asks first on a terminal (refuses off a
//! terminal without `--yes`), deletes the StackSet with a UID precondition
//! (what was shown is what goes), and lets the garbage collector remove the
//! stacks and their children by ownerReference.

use std::time::Duration;

use super::common::emit;
use super::follow::{Ctx, duration_flag, seconds_since};
use crate::cli::DeleteArgs;
use crate::cluster::mutate::{Deleted, WriteMode, delete_stackset};
use crate::cluster::snapshot::{find_stackset, owned_stacks};
use crate::error::{Exit, Failure};
use crate::render::progress::duration_text;
use crate::render::prompt::confirm;

pub async fn run(ctx: &Ctx<'_>, args: &DeleteArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let timeout = duration_flag("--timeout", &args.timeout)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = args.name.as_str();
    let Some(ss) = find_stackset(client, ns, name).await? else {
        if args.ignore_not_found {
            return Ok(());
        }
        return Err(Failure::error(format!(
            "stacksets.zalando.org \"{name}\" not found in namespace \"{ns}\""
        ))
        .hint("--ignore-not-found makes this a success"));
    };
    let uid = ss.metadata.uid.clone();
    let list_owned = || owned_stacks(client, ns, name, uid.as_deref());
    let stacks = list_owned().await?;
    let what = if stacks.is_empty() {
        format!("stackset {ns}/{name}")
    } else {
        format!(
            "stackset {ns}/{name} and its {} stack(s) ({}) with their deployments, services, autoscalers and ingresses",
            stacks.len(),
            stacks.join(", ")
        )
    };
    if mode == WriteMode::ClientDryRun {
        eprintln!("would delete {what}");
        return emit(
            ctx.conn,
            ns,
            name,
            args.output.output,
            Some(&ss),
            &format!("stackset.zalando.org/{name} deleted (dry run)"),
        )
        .await;
    }
    if mode.is_live()
        && !confirm(
            ctx.ia,
            args.yes,
            "deleting a StackSet",
            &format!("Delete {what}?"),
        )?
    {
        return Err(Failure::error("cancelled; nothing was deleted"));
    }
    match delete_stackset(client, ns, name, uid.as_deref(), mode).await? {
        Deleted::Gone => {}
        Deleted::NotFound if args.ignore_not_found => return Ok(()),
        Deleted::NotFound => {
            return Err(Failure::error(format!(
                "stacksets.zalando.org \"{name}\" not found in namespace \"{ns}\""
            )));
        }
        Deleted::Replaced => {
            return Err(Failure::error(format!(
                "stackset {ns}/{name} was replaced by another object while asking; nothing was deleted"
            ))
            .hint("run the command again"));
        }
    }
    if args.wait && mode.is_live() {
        let started = (ctx.now)();
        loop {
            let gone = find_stackset(client, ns, name)
                .await?
                .is_none_or(|s| s.metadata.uid != uid);
            let left = list_owned().await?;
            if gone && left.is_empty() {
                break;
            }
            if seconds_since((ctx.now)(), started)
                >= i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX)
            {
                return Err(Failure::new(
                    Exit::Timeout,
                    format!(
                        "stackset {ns}/{name} is deleted but {} still exist after {}",
                        if left.is_empty() { "it".to_string() } else { left.join(", ") },
                        duration_text(i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX))
                    ),
                )
                .hint("the garbage collector of the kube-controller-manager removes them; check that it runs"));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    emit(
        ctx.conn,
        ns,
        name,
        args.output.output,
        Some(&ss),
        &format!("stackset.zalando.org/{name} deleted{}", mode.suffix()),
    )
    .await
}
