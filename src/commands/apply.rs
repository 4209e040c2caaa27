//! `kubectl stackset apply -f FILE|-`: create or update StackSets with
//! server-side apply (field manager `kubectl-stackset`, conflicts forced like
//! `kubectl apply --server-side --force-conflicts`). A client-side managed
//! StackSet is reconciled at once, so the stack of its version exists when
//! the command returns.

use serde_json::Value;
use stackset_core::api::StackSet;

use super::create::{print_result, reconcile_new};
use super::follow::{Ctx, settings};
use crate::cli::ApplyArgs;
use crate::cluster::mutate::{WriteMode, apply_stackset};
use crate::cluster::snapshot::find_stackset;
use crate::error::Failure;
use crate::manifest::{self, Manifest};

fn namespace_of(ctx: &Ctx<'_>, m: &Manifest) -> Result<String, Failure> {
    match m.stackset.metadata.namespace.as_deref() {
        Some(ns) if !ns.is_empty() && ns != ctx.conn.namespace && ctx.explicit_namespace => {
            Err(Failure::usage(format!(
                "the namespace of StackSet {} ({ns}) does not match the namespace given with -n ({})",
                m.stackset.metadata.name.as_deref().unwrap_or(""),
                ctx.conn.namespace
            ))
            .hint(format!("pass -n {ns}, or remove metadata.namespace from the file")))
        }
        Some(ns) if !ns.is_empty() => Ok(ns.to_string()),
        _ => Ok(ctx.conn.namespace.clone()),
    }
}

/// What an apply changes that a user can see: labels, annotations, spec.
fn intent(ss: &StackSet) -> Value {
    serde_json::json!({
        "labels": ss.metadata.labels,
        "annotations": ss.metadata.annotations,
        "spec": ss.spec,
    })
}

pub async fn run(ctx: &Ctx<'_>, args: &ApplyArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let settings = settings(&args.engine, mode)?;
    let docs = manifest::load_all(&args.file, args.recursive)?;
    // Check every document before writing any.
    let mut targets = Vec::with_capacity(docs.len());
    for m in &docs {
        targets.push((namespace_of(ctx, m)?, m));
    }
    for (ns, m) in targets {
        let name = m.stackset.metadata.name.clone().unwrap_or_default();
        let client = &ctx.conn.client;
        let before = find_stackset(client, &ns, &name).await?;
        let mut body = m.raw.clone();
        if let Some(map) = body.as_object_mut() {
            map.remove("status");
            if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("namespace".into(), ns.clone().into());
                for key in [
                    "resourceVersion",
                    "uid",
                    "managedFields",
                    "creationTimestamp",
                    "generation",
                ] {
                    meta.remove(key);
                }
            }
        }
        if mode == WriteMode::ClientDryRun {
            let mut ss = m.stackset.clone();
            ss.metadata.namespace = Some(ns.clone());
            let verb = match &before {
                None => "created",
                Some(b) if intent(b) == intent(&ss) => "unchanged",
                Some(_) => "configured",
            };
            print_result(
                &ss,
                args.output.output,
                &format!("stackset.zalando.org/{name} {verb} (dry run)"),
            )?;
            continue;
        }
        let applied = apply_stackset(client, &ns, &name, &body, mode).await?;
        // A dry run does not bump the resourceVersion: compare the content.
        let verb = match &before {
            None => "created",
            Some(b) if mode == WriteMode::ServerDryRun => {
                if intent(b) == intent(&applied) {
                    "unchanged"
                } else {
                    "configured"
                }
            }
            Some(b) if b.metadata.resource_version == applied.metadata.resource_version => {
                "unchanged"
            }
            Some(_) => "configured",
        };
        if mode.is_live() {
            reconcile_new(ctx, &applied, &settings).await?;
        }
        print_result(
            &applied,
            args.output.output,
            &format!("stackset.zalando.org/{name} {verb}{}", mode.suffix()),
        )?;
    }
    Ok(())
}
