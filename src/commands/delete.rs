//! `kubectl stackset delete NAME`: asks first on a terminal (refuses off a
//! terminal without `--yes`), deletes the StackSet with a UID precondition
//! (what was shown is what goes), and lets the garbage collector remove the
//! stacks and their children by ownerReference.

use std::time::Duration;

use kube::api::{Api, DeleteParams, ListParams, Preconditions, PropagationPolicy};
use stackset_core::api::{Stack, StackSet};

use super::common::emit;
use super::follow::{Ctx, duration_flag, seconds_since};
use crate::cli::DeleteArgs;
use crate::cluster::error::{Op, failure};
use crate::cluster::mutate::WriteMode;
use crate::cluster::snapshot::selector;
use crate::error::{Exit, Failure};
use crate::render::progress::duration_text;
use crate::render::prompt::confirm;

pub async fn run(ctx: &Ctx<'_>, args: &DeleteArgs) -> Result<(), Failure> {
    let mode = WriteMode::from_flag(args.dry_run.dry_run);
    let timeout = duration_flag("--timeout", &args.timeout)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = args.name.as_str();
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let stacks_api: Api<Stack> = Api::namespaced(client.clone(), ns);
    let op = |verb, resource| Op {
        verb,
        resource,
        group: "zalando.org",
        name: Some(name),
        namespace: Some(ns),
    };
    let Some(ss) = api
        .get_opt(name)
        .await
        .map_err(|e| failure(op("get", "stacksets"), &e))?
    else {
        if args.ignore_not_found {
            return Ok(());
        }
        return Err(Failure::error(format!(
            "stacksets.zalando.org \"{name}\" not found in namespace \"{ns}\""
        ))
        .hint("--ignore-not-found makes this a success"));
    };
    let uid = ss.metadata.uid.clone();
    let owned = |s: &Stack| {
        s.metadata
            .owner_references
            .iter()
            .flatten()
            .any(|o| Some(&o.uid) == uid.as_ref())
    };
    let list_owned = || async {
        stacks_api
            .list(&ListParams::default().labels(&selector(Some(name))))
            .await
            .map(|l| {
                l.items
                    .into_iter()
                    .filter(owned)
                    .filter_map(|s| s.metadata.name)
                    .collect::<Vec<_>>()
            })
            .map_err(|e| failure(op("list", "stacks"), &e))
    };
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
            client,
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
    let dp = DeleteParams {
        dry_run: mode == WriteMode::ServerDryRun,
        propagation_policy: Some(PropagationPolicy::Background),
        preconditions: Some(Preconditions {
            uid: uid.clone(),
            resource_version: None,
        }),
        ..Default::default()
    };
    match api.delete(name, &dp).await {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 404 && args.ignore_not_found => return Ok(()),
        Err(kube::Error::Api(s)) if s.code == 409 => {
            return Err(Failure::error(format!(
                "stackset {ns}/{name} was replaced by another object while asking; nothing was deleted"
            ))
            .hint("run the command again"));
        }
        Err(e) => return Err(failure(op("delete", "stacksets"), &e)),
    }
    if args.wait && mode.is_live() {
        let started = (ctx.now)();
        loop {
            let gone = api
                .get_opt(name)
                .await
                .map_err(|e| failure(op("get", "stacksets"), &e))?
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
        client,
        ns,
        name,
        args.output.output,
        Some(&ss),
        &format!("stackset.zalando.org/{name} deleted{}", mode.suffix()),
    )
    .await
}
