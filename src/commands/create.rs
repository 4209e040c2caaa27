//! `kubectl stackset create NAME --image IMG ...`: a StackSet from flags,
//! client-side managed by default and reconciled at once, so its first
//! stack exists when the command returns. Safe to re-run: an identical
//! StackSet is `unchanged`, a different one is an error.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use stackset_core::api::StackSet;
use stackset_core::api::constants::ANNOTATION_CONTROLLER;

use super::follow::{Ctx, settings};
use crate::cli::{CreateArgs, ObjectOutput};
use crate::cluster::mutate::{WriteMode, create_stackset};
use crate::cluster::reconcile::{Settings, reconcile_one};
use crate::cluster::snapshot::{find_stackset, get_stackset};
use crate::error::{Exit, Failure};
use crate::render::out;
use stackset_core::{ManagedBy, names};

/// A DNS-1035 label (what a Service name must be), by the core's rule.
pub fn check_dns_label(what: &str, s: &str) -> Result<(), String> {
    if names::valid_dns1035_label(s) {
        Ok(())
    } else {
        Err(format!(
            "{what} {s:?} is not a valid name: lowercase letters, digits and '-', starting with a letter, at most 63 characters"
        ))
    }
}

/// The stack name `<stackset>-<version>` names the Service too, so it must
/// be a DNS-1035 label (the core's [`names::valid_stack_name`]).
pub fn check_stack_name(stackset: &str, version: &str) -> Result<(), String> {
    if version.is_empty() {
        return Err("the version is empty".into());
    }
    check_dns_label("stack name", &format!("{stackset}-{version}"))
}

fn check_host(h: &str) -> Result<(), String> {
    if names::valid_hostname(h) {
        Ok(())
    } else {
        Err(format!("--host {h:?} is not a valid hostname"))
    }
}

/// Parses `MIN:MAX[,cpu=N][,memory=N]` into an autoscaler spec.
pub fn parse_autoscale(text: &str) -> Result<Value, String> {
    let bad =
        |why: &str| format!("--autoscale {text:?}: {why} (expected MIN:MAX[,cpu=N][,memory=N])");
    let mut parts = text.split(',');
    let range = parts.next().unwrap_or("");
    let (min, max) = range.split_once(':').ok_or_else(|| bad("no MIN:MAX"))?;
    let min: i32 = min.trim().parse().map_err(|_| bad("MIN is not a number"))?;
    let max: i32 = max.trim().parse().map_err(|_| bad("MAX is not a number"))?;
    if min < 1 || max < min {
        return Err(bad("need 1 <= MIN <= MAX"));
    }
    let mut metrics = Vec::new();
    for part in parts {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| bad("targets are KEY=PERCENT"))?;
        let value: i32 = value
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| bad("a target is not a number"))?;
        if !(1..=1000).contains(&value) {
            return Err(bad("a target is a percentage from 1 to 1000"));
        }
        let kind = match key.trim() {
            "cpu" => "CPU",
            "memory" => "Memory",
            other => return Err(bad(&format!("unknown target {other:?} (cpu, memory)"))),
        };
        if metrics.iter().any(|m: &Value| m["type"] == kind) {
            return Err(bad(&format!("{} given twice", key.trim())));
        }
        metrics.push(json!({"type": kind, "averageUtilization": value}));
    }
    if metrics.is_empty() {
        metrics.push(json!({"type": "CPU", "averageUtilization": 80}));
    }
    Ok(json!({"minReplicas": min, "maxReplicas": max, "metrics": metrics}))
}

/// The StackSet the flags describe.
pub fn build(args: &CreateArgs, ns: &str, controller_id: &str) -> Result<StackSet, Failure> {
    let usage = |e: String| Failure::usage(e).hint("see `kubectl stackset create --help`");
    check_dns_label("StackSet name", &args.name).map_err(usage)?;
    check_stack_name(&args.name, &args.version).map_err(usage)?;
    if args.image.trim().is_empty() || args.image.contains(char::is_whitespace) {
        return Err(usage(format!("--image {:?} is not an image", args.image)));
    }
    for h in &args.hosts {
        check_host(h).map_err(usage)?;
    }
    if args.port == 0 {
        return Err(usage("--port must be from 1 to 65535".into()));
    }
    if args.replicas < 0 {
        return Err(usage("--replicas must not be negative".into()));
    }
    let mut hosts: Vec<String> = Vec::new();
    for h in &args.hosts {
        if !hosts.contains(h) {
            hosts.push(h.clone());
        }
    }
    let mut template = json!({
        "version": args.version,
        "replicas": args.replicas,
        "podTemplate": {"spec": {"containers": [{
            "name": args.name,
            "image": args.image.trim(),
            "ports": [{"containerPort": args.port, "name": "http"}],
        }]}},
    });
    if let Some(a) = &args.autoscale {
        template["autoscaler"] = parse_autoscale(a).map_err(usage)?;
    }
    let mut annotations = BTreeMap::new();
    if !args.controller_managed {
        annotations.insert(ANNOTATION_CONTROLLER.to_string(), controller_id.to_string());
    }
    let mut spec = json!({
        "stackLifecycle": {},
        "stackTemplate": {"spec": template},
    });
    if hosts.is_empty() {
        spec["externalIngress"] = json!({"backendPort": args.port});
    } else {
        spec["ingress"] = json!({"hosts": hosts, "backendPort": args.port});
    }
    let value = json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {
            "name": args.name,
            "namespace": ns,
            "labels": {"application": args.name},
            "annotations": annotations,
        },
        "spec": spec,
    });
    let ss: StackSet = serde_json::from_value(value)
        .map_err(|e| Failure::error(format!("cannot build the StackSet: {e}")))?;
    stackset_core::reconcile::validate_template(&ss)
        .map_err(|e| usage(format!("the StackSet would be invalid: {e}")))?;
    Ok(ss)
}

/// Prints a StackSet as `-o` asks, or the result line.
pub fn print_result(
    ss: &StackSet,
    output: Option<ObjectOutput>,
    line: &str,
) -> Result<(), Failure> {
    let name = ss.metadata.name.as_deref().unwrap_or("");
    match output {
        None => out(&format!("{line}\n")),
        Some(ObjectOutput::Name) => out(&format!("stackset.zalando.org/{name}\n")),
        Some(ObjectOutput::Json) => {
            let mut v = serde_json::to_value(ss).map_err(|e| Failure::error(e.to_string()))?;
            clean(&mut v);
            let text =
                serde_json::to_string_pretty(&v).map_err(|e| Failure::error(e.to_string()))?;
            out(&format!("{text}\n"))
        }
        Some(ObjectOutput::Yaml) => {
            let mut v = serde_json::to_value(ss).map_err(|e| Failure::error(e.to_string()))?;
            clean(&mut v);
            out(&serde_saphyr::to_string(&v).map_err(|e| Failure::error(e.to_string()))?)
        }
    }
}

fn clean(v: &mut Value) {
    if let Some(map) = v.as_object_mut() {
        map.insert("apiVersion".into(), "zalando.org/v1".into());
        map.insert("kind".into(), "StackSet".into());
    }
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
}

/// After a create or an apply of a client-side managed StackSet: one
/// reconcile, so the stack of the template's version exists. Says on
/// stderr what was created.
pub async fn reconcile_new(
    ctx: &Ctx<'_>,
    ss: &StackSet,
    settings: &Settings,
) -> Result<(), Failure> {
    let name = ss.metadata.name.clone().unwrap_or_default();
    let ns = ss
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| ctx.conn.namespace.clone());
    match ManagedBy::of(ss, &settings.controller_id) {
        ManagedBy::ClientSide { .. } => {
            let outcome =
                reconcile_one(&ctx.conn.client, &ns, &name, settings, (ctx.now)()).await?;
            for e in &outcome.reconciliation.errors {
                eprintln!("warning: stackset {ns}/{name}: {e}");
            }
            let current = stackset_core::reconcile::current_stack_name(&outcome.snapshot.stackset);
            match outcome.reconciliation.stack(&current) {
                Some(f) if f.ready => eprintln!("stack {current} is ready ({})", f.readiness),
                Some(_) => eprintln!(
                    "stack {current} created; its traffic switches once it is ready (see `kubectl get stacks -n {ns}`)"
                ),
                None => {}
            }
        }
        m => eprintln!(
            "stackset {ns}/{name} is managed by the {}; it creates the stacks",
            m.describe()
        ),
    }
    Ok(())
}

/// Whether `have` holds everything in `want` (objects may have more keys).
fn contains(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Object(h), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| h.get(k).is_some_and(|hv| contains(hv, wv))),
        (Value::Array(h), Value::Array(w)) => {
            h.len() == w.len() && h.iter().zip(w).all(|(hv, wv)| contains(hv, wv))
        }
        (h, w) => h == w,
    }
}

fn comparable(ss: &StackSet) -> Result<(Value, Option<String>), Failure> {
    let mut spec = ss.spec.clone();
    spec.traffic = None;
    // Two specs that both failed to encode must not compare equal as `null`.
    let spec = serde_json::to_value(spec)
        .map_err(|e| Failure::error(format!("cannot encode the StackSet spec: {e}")))?;
    Ok((
        spec,
        ss.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ANNOTATION_CONTROLLER).cloned()),
    ))
}

pub async fn run(ctx: &Ctx<'_>, args: &CreateArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(args.dry_run.dry_run);
    let settings = settings(&args.engine, mode)?;
    let ns = ctx.conn.namespace.as_str();
    let ss = build(args, ns, &settings.controller_id)?;
    let name = args.name.as_str();
    if mode == WriteMode::ClientDryRun {
        return print_result(
            &ss,
            args.output.output,
            &format!("stackset.zalando.org/{name} created (dry run)"),
        );
    }
    let client = &ctx.conn.client;
    let exists = |existing: &StackSet| -> Result<(), Failure> {
        let (have, have_id) = comparable(existing)?;
        let (want, want_id) = comparable(&ss)?;
        // The API server fills in CRD defaults (a port's `protocol: TCP`,
        // say), so the stored spec may hold more than we sent.
        if have_id == want_id && contains(&have, &want) {
            return Ok(());
        }
        Err(Failure::new(
            Exit::Error,
            format!("stackset {ns}/{name} already exists with another spec"),
        )
        .hint(format!(
            "change it with `kubectl stackset apply -f FILE` or roll out a new version with `kubectl stackset rollout {name} --version V --image IMAGE`"
        )))
    };
    if let Some(existing) = find_stackset(client, ns, name).await? {
        exists(&existing)?;
        if mode.is_live() {
            reconcile_new(ctx, &existing, &settings).await?;
        }
        return print_result(
            &existing,
            args.output.output,
            &format!("stackset.zalando.org/{name} unchanged{}", mode.suffix()),
        );
    }
    let created = match create_stackset(client, ns, &ss, mode).await? {
        Some(c) => c,
        None => {
            // Created concurrently (or by our own attempt whose response
            // was lost): identical is fine, anything else is not.
            let existing = get_stackset(client, ns, name).await?;
            exists(&existing)?;
            existing
        }
    };
    if mode.is_live() {
        reconcile_new(ctx, &created, &settings).await?;
    }
    print_result(
        &created,
        args.output.output,
        &format!("stackset.zalando.org/{name} created{}", mode.suffix()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_hosts() {
        assert!(check_dns_label("x", "my-app").is_ok());
        for bad in ["", "My-App", "1app", "app-", "a_b", &"a".repeat(64)] {
            assert!(check_dns_label("x", bad).is_err(), "{bad:?}");
        }
        assert!(check_stack_name("my-app", "v2").is_ok());
        assert!(
            check_stack_name("my-app", "1.2.3").is_err(),
            "dots cannot name a Service"
        );
        assert!(check_stack_name("my-app", "").is_err());
        assert!(check_host("my-app.example.org").is_ok());
        for bad in ["", "a..b", "-a.org", "A.org", "a b"] {
            assert!(check_host(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn autoscale_specs() {
        let v = parse_autoscale("2:10,cpu=70,memory=80%").unwrap();
        assert_eq!(v["minReplicas"], 2);
        assert_eq!(v["maxReplicas"], 10);
        assert_eq!(v["metrics"][0]["type"], "CPU");
        assert_eq!(v["metrics"][0]["averageUtilization"], 70);
        assert_eq!(v["metrics"][1]["type"], "Memory");
        let v = parse_autoscale("1:3").unwrap();
        assert_eq!(
            v["metrics"][0]["averageUtilization"], 80,
            "CPU 80% by default"
        );
        for bad in [
            "",
            "3",
            "3:2",
            "0:2",
            "a:b",
            "1:2,cpu",
            "1:2,gpu=5",
            "1:2,cpu=0",
            "1:2,cpu=5,cpu=6",
        ] {
            assert!(parse_autoscale(bad).is_err(), "{bad:?}");
        }
    }

    mod props {
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn autoscale_parser_never_panics(text in "\\PC{0,40}") {
                let _ = super::super::parse_autoscale(&text);
            }
        }
    }
}
