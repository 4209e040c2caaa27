//! Idempotence on the real server (issue #15): every scenario of the corpus
//! (tests/differential/scenarios) is applied to the local control plane and
//! reconciled until converged, step by step; then one more pass must send no
//! write at all, counted on the wire. `simulate` proves the same in memory;
//! this proves the real API server agrees (defaults it fills in, fields it
//! drops, the status subresource) and nothing is rewritten forever.

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use kubectl_stackset::cluster::execute::ExecOptions;
use kubectl_stackset::cluster::reconcile::{Settings, reconcile_one};
use serde_json::{Value, json};
use stackset_core::Options;
use stackset_core::api::StackSet;

use crate::differential::{
    CLUSTER_DOMAIN, Flavour, SYNC_ANNOTATION, Scenario, apply_object, load_corpus,
};
use crate::need_cluster;
use crate::support::TestCluster;
use crate::support::faults::{FaultProxy, Outcome};

fn settings(id: &str) -> Settings {
    Settings {
        options: Options {
            cluster_domains: vec![CLUSTER_DOMAIN.into()],
            routegroup_support: true,
            configmap_support: true,
            secret_support: true,
            pcs_support: true,
            sync_ingress_annotations: vec![SYNC_ANNOTATION.into()],
            ..Options::default()
        },
        controller_id: id.into(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: false,
            events: true,
        },
    }
}

/// The writes the API server accepted, events (which upstream re-emits for
/// standing errors too) left out. A write the server refuses (a Service
/// without ports, 422) is attempted on every pass, as upstream does, and
/// changes nothing.
fn writes(proxy: &FaultProxy) -> Vec<String> {
    proxy
        .seen()
        .into_iter()
        .filter(|s| s.is_write() && !s.path.contains("/events"))
        .filter(|s| matches!(s.outcome, Outcome::Forwarded(c) if c < 400))
        .map(|s| format!("{} {}", s.method, s.path))
        .collect()
}

/// Passes until one gets no write accepted; then one more with the same
/// `now` must send none either.
async fn converge_without_writes(
    client: &Client,
    proxy: &FaultProxy,
    ns: &str,
    name: &str,
    id: &str,
    what: &str,
) -> Result<(), String> {
    let mut last = Vec::new();
    let mut now = Timestamp::now();
    let settled = tokio::time::timeout(Duration::from_secs(90), async {
        loop {
            proxy.clear();
            now = Timestamp::now();
            let _ = reconcile_one(client, ns, name, &settings(id), now).await;
            last = writes(proxy);
            if last.is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
    .await;
    if settled.is_err() {
        return Err(format!(
            "{what}: never reached a pass without writes; the last one sent {last:#?}"
        ));
    }
    proxy.clear();
    let _ = reconcile_one(client, ns, name, &settings(id), now).await;
    let again = writes(proxy);
    if again.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}: the pass after convergence wrote {again:#?}"
        ))
    }
}

async fn scenario(cluster: &'static TestCluster, s: Scenario) -> Result<usize, String> {
    let ns = cluster.namespace(&format!("idem-{}", s.name)).await;
    // Counted on the wire: the fault proxy, without faults, records every
    // request and the server's answer.
    let proxy = FaultProxy::start(cluster, 1);
    let client = proxy.client(cluster).await;
    let id = format!("idem-{}", ns.name);
    let name = s.stackset["metadata"]["name"].as_str().unwrap().to_string();
    for o in &s.setup {
        apply_object(&client, &ns.name, o).await?;
    }
    let mut ss = s.stackset.clone();
    ss["apiVersion"] = json!("zalando.org/v1");
    ss["kind"] = json!("StackSet");
    if ss["metadata"]["annotations"].is_null() {
        ss["metadata"]["annotations"] = json!({});
    }
    ss["metadata"]["annotations"]["stackset-controller.zalando.org/controller"] = json!(id);
    if s.flavour == Flavour::Legacy {
        ss["metadata"]["annotations"]["kubectl-stackset.io/traffic-mechanism"] =
            json!("backend-weights");
    }
    apply_object(&client, &ns.name, &ss).await?;
    converge_without_writes(
        &client,
        &proxy,
        &ns.name,
        &name,
        &id,
        &format!("{} created", s.name),
    )
    .await?;
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let mut checked = 1;
    // The steps that change the StackSet or add objects; deletions, waits and
    // edits of other objects belong to the differential test.
    for (i, step) in s.steps.iter().enumerate() {
        let mut patch: Option<Value> = step.patch.clone();
        if let Some(t) = &step.traffic {
            let list: Vec<Value> = t
                .iter()
                .map(|(stack, w)| json!({"stackName": stack, "weight": w}))
                .collect();
            let p = patch.get_or_insert_with(|| json!({}));
            p["spec"]["traffic"] = json!(list);
        }
        if patch.is_none() && step.create.is_empty() {
            continue;
        }
        for o in &step.create {
            apply_object(&client, &ns.name, o).await?;
        }
        if let Some(p) = patch {
            api.patch(&name, &PatchParams::default(), &Patch::Merge(&p))
                .await
                .map_err(|e| format!("{} step {}: patch: {e}", s.name, i + 1))?;
        }
        converge_without_writes(
            &client,
            &proxy,
            &ns.name,
            &name,
            &id,
            &format!("{} step {} ({})", s.name, i + 1, step.description),
        )
        .await?;
        checked += 1;
    }
    Ok(checked)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_scenario_converges_and_then_a_pass_writes_nothing_on_the_wire() {
    let cluster =
        need_cluster!("every_scenario_converges_and_then_a_pass_writes_nothing_on_the_wire");
    let corpus = load_corpus();
    assert!(corpus.len() >= 20, "the corpus: {}", corpus.len());
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(6));
    let tasks: Vec<_> = corpus
        .into_iter()
        .map(|s| {
            let gate = gate.clone();
            let name = s.name.clone();
            (
                name,
                tokio::spawn(async move {
                    let _p = gate.acquire().await.unwrap();
                    scenario(cluster, s).await
                }),
            )
        })
        .collect();
    let mut failures = Vec::new();
    let mut states = 0;
    let n = tasks.len();
    for (name, t) in tasks {
        match t.await {
            Ok(Ok(k)) => states += k,
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    eprintln!("idempotence: {n} scenarios, {states} converged states checked on the wire");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
