//! Client-side reconciliation against the real local control plane (issue #4).

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use kubectl_stackset::cluster::execute::ExecOptions;
use kubectl_stackset::cluster::reconcile::{Outcome, Settings, reconcile_one};
use serde_json::{Value, json};
use stackset_core::api::{Stack, StackSet};
use stackset_core::{Options, TrafficMechanism};

use crate::need_cluster;
use crate::support::{RequestCounter, eventually, stackset_cmd};

const OURS: &str = "kubectl-stackset";

/// A StackSet managed client-side, with an HPA, on host `<name>.example.org`.
fn stackset(name: &str, version: &str, mechanism: TrafficMechanism, claimed: bool) -> Value {
    let mut annotations = serde_json::Map::new();
    if claimed {
        annotations.insert(
            "stackset-controller.zalando.org/controller".into(),
            OURS.into(),
        );
    }
    annotations.insert(
        "kubectl-stackset.io/traffic-mechanism".into(),
        mechanism.as_str().into(),
    );
    json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": name, "labels": {"application": name}, "annotations": annotations},
        "spec": {
            "ingress": {"hosts": [format!("{name}.example.org")], "backendPort": 80},
            "stackLifecycle": {"scaledownTTLSeconds": 60, "limit": 1},
            "stackTemplate": {"spec": {
                "version": version,
                "replicas": 2,
                "autoscaler": {"minReplicas": 2, "maxReplicas": 4,
                               "metrics": [{"type": "CPU", "averageUtilization": 80}]},
                "podTemplate": {"spec": {"containers": [{
                    "name": "app", "image": format!("example/{name}:{version}"),
                    "ports": [{"containerPort": 80, "name": "http"}]
                }]}}
            }}
        }
    })
}

fn settings() -> Settings {
    Settings {
        options: Options::default(),
        controller_id: OURS.into(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: false,
            events: true,
        },
    }
}

async fn create(client: &Client, ns: &str, obj: &Value) -> StackSet {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let ss: StackSet = serde_json::from_value(obj.clone()).expect("stackset fixture");
    api.create(&PostParams::default(), &ss)
        .await
        .expect("create stackset")
}

async fn patch_stackset(client: &Client, ns: &str, name: &str, patch: Value) {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("patch stackset");
}

async fn pass(client: &Client, ns: &str, name: &str, now: Timestamp) -> Outcome {
    reconcile_one(client, ns, name, &settings(), now)
        .await
        .unwrap_or_else(|f| panic!("reconcile failed: {} ({:?})", f.message(), f.hint))
}

async fn wait_deployment_ready(client: &Client, ns: &str, name: &str) {
    let api: Api<Deployment> = Api::namespaced(client.clone(), ns);
    eventually(
        &format!("deployment {name} ready"),
        Duration::from_secs(60),
        || async {
            let d = api.get(name).await.ok()?;
            let want = d.spec.as_ref()?.replicas.unwrap_or(1);
            let st = d.status?;
            (want > 0
                && st.ready_replicas.unwrap_or(0) == want
                && st.updated_replicas.unwrap_or(0) == want
                && st.observed_generation == d.metadata.generation)
                .then_some(())
        },
    )
    .await;
}

/// Reconciles until the StackSet's actual traffic equals `want` (pods need a
/// moment to become Ready), failing after 60 s.
async fn converge_traffic(client: &Client, ns: &str, name: &str, want: &[(&str, u32)]) -> Outcome {
    let want: BTreeMap<String, u32> = want.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    eventually(
        &format!("actual traffic {want:?}"),
        Duration::from_secs(60),
        || async {
            let outcome = pass(client, ns, name, Timestamp::now()).await;
            let got: BTreeMap<String, u32> = actual_traffic(client, ns, name)
                .await
                .into_iter()
                .filter(|(_, w)| *w > 0)
                .collect();
            let want_nonzero: BTreeMap<String, u32> = want
                .iter()
                .filter(|(_, w)| **w > 0)
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            (got == want_nonzero).then_some(outcome)
        },
    )
    .await
}

async fn actual_traffic(client: &Client, ns: &str, name: &str) -> BTreeMap<String, u32> {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let ss = api.get(name).await.expect("get stackset");
    let v = serde_json::to_value(&ss).unwrap();
    v.pointer("/status/traffic")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t["stackName"].as_str().unwrap_or_default().to_string(),
                        t["weight"].as_f64().unwrap_or(0.0).round() as u32,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn single_owner(obj: &impl ResourceExt, kind: &str, name: &str, uid: &str) {
    let owners = obj.owner_references();
    assert_eq!(
        owners.len(),
        1,
        "{} must have exactly one owner",
        obj.name_any()
    );
    let o = &owners[0];
    assert_eq!(
        (
            o.api_version.as_str(),
            o.kind.as_str(),
            o.name.as_str(),
            o.uid.as_str()
        ),
        ("zalando.org/v1", kind, name, uid),
        "owner of {}",
        obj.name_any()
    );
    assert_eq!(o.controller, None, "upstream sets no controller flag");
    assert_eq!(
        o.block_owner_deletion, None,
        "upstream sets no blockOwnerDeletion"
    );
}

fn labels_of_stack(obj: &impl ResourceExt, ss: &str, version: &str) {
    let l = obj.labels();
    assert_eq!(
        l.get("stackset").map(String::as_str),
        Some(ss),
        "{}",
        obj.name_any()
    );
    assert_eq!(
        l.get("stack-version").map(String::as_str),
        Some(version),
        "{}",
        obj.name_any()
    );
    assert_eq!(
        l.get("application").map(String::as_str),
        Some(ss),
        "StackSet labels propagate"
    );
}

fn generation_annotation(obj: &impl ResourceExt) -> Option<String> {
    obj.annotations()
        .get("stackset-controller.zalando.org/stack-generation")
        .cloned()
}

fn segment(ing: &Ingress) -> String {
    ing.annotations()
        .get("zalando.org/skipper-predicate")
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn new_stackset_gets_upstream_shaped_stack_and_children() {
    let cluster = need_cluster!("new_stackset_gets_upstream_shaped_stack_and_children");
    let ns = cluster.namespace("rec-create").await;
    let client = cluster.client().await;
    let ss = create(
        &client,
        &ns.name,
        &stackset("shop", "v1", TrafficMechanism::Segments, true),
    )
    .await;
    let ss_uid = ss.uid().unwrap();

    pass(&client, &ns.name, "shop", Timestamp::now()).await;

    let stack: Stack = Api::namespaced(client.clone(), &ns.name)
        .get("shop-v1")
        .await
        .expect("stack shop-v1");
    labels_of_stack(&stack, "shop", "v1");
    single_owner(&stack, "StackSet", "shop", &ss_uid);
    let stack_uid = stack.uid().unwrap();
    let generation = stack.metadata.generation.unwrap().to_string();

    let dep: Deployment = Api::namespaced(client.clone(), &ns.name)
        .get("shop-v1")
        .await
        .unwrap();
    let svc: Service = Api::namespaced(client.clone(), &ns.name)
        .get("shop-v1")
        .await
        .unwrap();
    let hpa: HorizontalPodAutoscaler = Api::namespaced(client.clone(), &ns.name)
        .get("shop-v1")
        .await
        .unwrap();
    let ings: Api<Ingress> = Api::namespaced(client.clone(), &ns.name);
    let ing = ings.get("shop-v1").await.unwrap();
    let seg = ings.get("shop-v1-traffic-segment").await.unwrap();
    for o in [&dep as &dyn Named, &svc, &hpa, &ing, &seg] {
        o.check(&stack_uid, &generation);
    }
    let selector = dep
        .spec
        .as_ref()
        .unwrap()
        .selector
        .match_labels
        .clone()
        .unwrap();
    let want: BTreeMap<String, String> = [
        ("stack-version".to_string(), "v1".to_string()),
        ("stackset".to_string(), "shop".to_string()),
    ]
    .into();
    assert_eq!(selector, want);
    assert_eq!(svc.spec.as_ref().unwrap().selector.clone().unwrap(), want);
    let hosts: Vec<_> = ing
        .spec
        .as_ref()
        .unwrap()
        .rules
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|r| r.host.clone())
        .collect();
    assert_eq!(hosts, ["shop-v1.example.org"]);
    let seg_hosts: Vec<_> = seg
        .spec
        .as_ref()
        .unwrap()
        .rules
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|r| r.host.clone())
        .collect();
    assert_eq!(seg_hosts, ["shop.example.org"]);
    assert_eq!(segment(&seg), "TrafficSegment(0.00, 1.00)");

    // Once the pods are Ready, status shows 100% on v1.
    wait_deployment_ready(&client, &ns.name, "shop-v1").await;
    pass(&client, &ns.name, "shop", Timestamp::now()).await;
    assert_eq!(
        actual_traffic(&client, &ns.name, "shop").await,
        [("shop-v1".to_string(), 100)].into()
    );
    let stack: Stack = Api::namespaced(client.clone(), &ns.name)
        .get("shop-v1")
        .await
        .unwrap();
    let st = serde_json::to_value(&stack).unwrap()["status"].clone();
    assert_eq!(st["actualTrafficWeight"].as_f64(), Some(100.0));
    assert_eq!(st["readyReplicas"].as_i64(), Some(2));
    let ss: StackSet = Api::namespaced(client.clone(), &ns.name)
        .get("shop")
        .await
        .unwrap();
    let st = serde_json::to_value(&ss).unwrap()["status"].clone();
    assert_eq!(
        (
            st["stacks"].as_i64(),
            st["readyStacks"].as_i64(),
            st["observedStackVersion"].as_str()
        ),
        (Some(1), Some(1), Some("v1"))
    );
}

trait Named {
    fn check(&self, stack_uid: &str, generation: &str);
}
impl<T: ResourceExt> Named for T {
    fn check(&self, stack_uid: &str, generation: &str) {
        labels_of_stack(self, "shop", "v1");
        single_owner(self, "Stack", "shop-v1", stack_uid);
        assert_eq!(
            generation_annotation(self).as_deref(),
            Some(generation),
            "{}",
            self.name_any()
        );
    }
}

async fn version_bump_switches_only_when_ready(mechanism: TrafficMechanism, test: &str) {
    let cluster = need_cluster!(test);
    let ns = cluster.namespace(test).await;
    let client = cluster.client().await;
    create(&client, &ns.name, &stackset("web", "v1", mechanism, true)).await;
    pass(&client, &ns.name, "web", Timestamp::now()).await;
    wait_deployment_ready(&client, &ns.name, "web-v1").await;
    converge_traffic(&client, &ns.name, "web", &[("web-v1", 100)]).await;

    // New version and a 50/50 wish in one change: v2 is created at 0%, and
    // the switch waits because v2's pods cannot be ready yet.
    patch_stackset(&client, &ns.name, "web", json!({"spec": {
        "stackTemplate": {"spec": {"version": "v2"}},
        "traffic": [{"stackName": "web-v1", "weight": 50}, {"stackName": "web-v2", "weight": 50}]
    }})).await;
    let first = pass(&client, &ns.name, "web", Timestamp::now()).await;
    let blocked = first
        .reconciliation
        .blocked
        .expect("the switch must wait for web-v2");
    assert_eq!(blocked.not_ready, ["web-v2"]);
    let actual = actual_traffic(&client, &ns.name, "web").await;
    assert_eq!(actual.get("web-v1"), Some(&100));
    assert_eq!(actual.get("web-v2").copied().unwrap_or(0), 0);

    wait_deployment_ready(&client, &ns.name, "web-v2").await;
    converge_traffic(&client, &ns.name, "web", &[("web-v1", 50), ("web-v2", 50)]).await;

    let ings: Api<Ingress> = Api::namespaced(client.clone(), &ns.name);
    match mechanism {
        TrafficMechanism::Segments => {
            assert_eq!(
                segment(&ings.get("web-v1-traffic-segment").await.unwrap()),
                "TrafficSegment(0.00, 0.50)"
            );
            assert_eq!(
                segment(&ings.get("web-v2-traffic-segment").await.unwrap()),
                "TrafficSegment(0.50, 1.00)"
            );
            assert!(
                ings.get_opt("web").await.unwrap().is_none(),
                "no central ingress in segment mode"
            );
        }
        TrafficMechanism::BackendWeights => {
            let central = ings.get("web").await.expect("central ingress");
            let raw = &central.annotations()["zalando.org/backend-weights"];
            let weights: BTreeMap<String, f64> = serde_json::from_str(raw).unwrap();
            assert_eq!(
                weights,
                [("web-v1".to_string(), 50.0), ("web-v2".to_string(), 50.0)].into(),
                "{raw}"
            );
            let ss: StackSet = Api::namespaced(client.clone(), &ns.name)
                .get("web")
                .await
                .unwrap();
            single_owner(&central, "StackSet", "web", &ss.uid().unwrap());
            assert!(
                ings.get_opt("web-v1-traffic-segment")
                    .await
                    .unwrap()
                    .is_none(),
                "no segments in classic mode"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn version_bump_switches_only_when_ready_segments() {
    version_bump_switches_only_when_ready(TrafficMechanism::Segments, "bump-segments").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn version_bump_switches_only_when_ready_backend_weights() {
    version_bump_switches_only_when_ready(TrafficMechanism::BackendWeights, "bump-weights").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stack_that_never_becomes_ready_never_gets_traffic() {
    let cluster = need_cluster!("stack_that_never_becomes_ready_never_gets_traffic");
    let ns = cluster.namespace("rec-broken").await;
    let client = cluster.client().await;
    create(
        &client,
        &ns.name,
        &stackset("api", "v1", TrafficMechanism::Segments, true),
    )
    .await;
    pass(&client, &ns.name, "api", Timestamp::now()).await;
    wait_deployment_ready(&client, &ns.name, "api-v1").await;
    converge_traffic(&client, &ns.name, "api", &[("api-v1", 100)]).await;

    patch_stackset(&client, &ns.name, "api", json!({"spec": {
        "stackTemplate": {"spec": {"version": "v2", "podTemplate": {"spec": {"containers": [{
            "name": "app", "image": "example/api:broken", "ports": [{"containerPort": 80, "name": "http"}]}]}}}},
        "traffic": [{"stackName": "api-v2", "weight": 100}]
    }})).await;
    pass(&client, &ns.name, "api", Timestamp::now()).await;
    // The pods run but never pass readiness.
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns.name);
    eventually("api-v2 pods running", Duration::from_secs(60), || async {
        let l = pods
            .list(&ListParams::default().labels("stack-version=v2"))
            .await
            .ok()?;
        (l.items.len() == 2
            && l.items
                .iter()
                .all(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")))
        .then_some(())
    })
    .await;
    let outcome = pass(&client, &ns.name, "api", Timestamp::now()).await;
    let blocked = outcome.reconciliation.blocked.clone().expect("blocked");
    assert_eq!(blocked.not_ready, ["api-v2"]);
    let facts = outcome.reconciliation.stack("api-v2").unwrap();
    assert!(!facts.ready);
    assert!(
        facts.readiness.contains("0/2"),
        "the reason names the ready count: {}",
        facts.readiness
    );
    assert_eq!(
        actual_traffic(&client, &ns.name, "api").await.get("api-v1"),
        Some(&100)
    );

    // The reason is visible to anyone: a Warning event on the StackSet.
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&cluster.kubeconfig)
        .args([
            "get",
            "events",
            "-n",
            &ns.name,
            "--field-selector",
            "reason=TrafficNotSwitched",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let events: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<String> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        notes.iter().any(|m| m.contains("api-v2")),
        "TrafficNotSwitched event naming api-v2: {notes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_stacks_scale_down_and_excess_stacks_are_deleted() {
    let cluster = need_cluster!("idle_stacks_scale_down_and_excess_stacks_are_deleted");
    let ns = cluster.namespace("rec-lifecycle").await;
    let client = cluster.client().await;
    let t0 = Timestamp::now();
    create(
        &client,
        &ns.name,
        &stackset("svc", "v1", TrafficMechanism::Segments, true),
    )
    .await;
    pass(&client, &ns.name, "svc", t0).await;
    wait_deployment_ready(&client, &ns.name, "svc-v1").await;
    converge_traffic(&client, &ns.name, "svc", &[("svc-v1", 100)]).await;

    // Two more versions that never get traffic; each starts its TTL clock.
    patch_stackset(
        &client,
        &ns.name,
        "svc",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    pass(&client, &ns.name, "svc", t0 + SignedDuration::from_secs(1)).await;
    patch_stackset(
        &client,
        &ns.name,
        "svc",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v3"}}}}),
    )
    .await;
    pass(&client, &ns.name, "svc", t0 + SignedDuration::from_secs(2)).await;
    let stacks: Api<Stack> = Api::namespaced(client.clone(), &ns.name);
    assert!(stacks.get_opt("svc-v2").await.unwrap().is_some());

    // Inside the TTL (60 s) nothing is scaled down.
    let inside = pass(&client, &ns.name, "svc", t0 + SignedDuration::from_secs(30)).await;
    assert!(inside.reconciliation.stacks.iter().all(|s| !s.scaled_down));

    // Past the TTL: v2 and v3 are idle candidates, limit 1 keeps the most
    // recently idle (v3, scaled to zero) and deletes v2. v1 has traffic.
    let after = pass(
        &client,
        &ns.name,
        "svc",
        t0 + SignedDuration::from_secs(120),
    )
    .await;
    assert!(
        after
            .executed
            .iter()
            .any(|l| l.starts_with("delete Stack svc-v2")),
        "{:#?}",
        after.executed
    );
    assert!(
        stacks.get_opt("svc-v2").await.unwrap().is_none(),
        "svc-v2 deleted"
    );
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    let v3 = deps.get("svc-v3").await.unwrap();
    assert_eq!(v3.spec.unwrap().replicas, Some(0), "svc-v3 scaled to zero");
    let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(client.clone(), &ns.name);
    assert!(
        hpas.get_opt("svc-v3").await.unwrap().is_none(),
        "no HPA while scaled down"
    );
    let v1 = deps.get("svc-v1").await.unwrap();
    assert!(
        v1.spec.unwrap().replicas.unwrap_or(1) > 0,
        "the stack with traffic keeps its replicas"
    );
    assert!(stacks.get_opt("svc-v1").await.unwrap().is_some());
    assert_eq!(
        actual_traffic(&client, &ns.name, "svc").await.get("svc-v1"),
        Some(&100)
    );
    // The deleted stack's children go by garbage collection.
    eventually(
        "svc-v2 children collected",
        Duration::from_secs(60),
        || async { deps.get_opt("svc-v2").await.ok()?.is_none().then_some(()) },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn converged_stackset_reconciles_without_a_single_write() {
    let cluster = need_cluster!("converged_stackset_reconciles_without_a_single_write");
    let ns = cluster.namespace("rec-idempotent").await;
    let client = cluster.client().await;
    create(
        &client,
        &ns.name,
        &stackset("calm", "v1", TrafficMechanism::Segments, true),
    )
    .await;
    pass(&client, &ns.name, "calm", Timestamp::now()).await;
    wait_deployment_ready(&client, &ns.name, "calm-v1").await;
    converge_traffic(&client, &ns.name, "calm", &[("calm-v1", 100)]).await;
    // One more pass settles status (ready counts) after the switch.
    pass(&client, &ns.name, "calm", Timestamp::now()).await;

    let versions = resource_versions(&client, &ns.name).await;
    let counter = RequestCounter::default();
    let counted = cluster.counting_client(&counter).await;
    let outcome = reconcile_one(&counted, &ns.name, "calm", &settings(), Timestamp::now())
        .await
        .unwrap();
    assert!(
        outcome.executed.is_empty(),
        "converged, yet planned: {:#?}",
        outcome.executed
    );
    assert_eq!(
        counter.writes(),
        Vec::<(String, String)>::new(),
        "no write at all"
    );
    // One GET of the StackSet and one LIST per kind.
    assert_eq!(counter.requests().len(), 6, "{:#?}", counter.requests());
    assert_eq!(
        resource_versions(&client, &ns.name).await,
        versions,
        "nothing changed on the server"
    );
}

/// The first reconcile of a new StackSet creates its stack, re-reads, and
/// then writes `spec.traffic` and the status. The status goes on top of
/// what the `spec.traffic` write returned: no conflict, so no third read of
/// the StackSet and no second status write in that pass (before, both came
/// every time). The create pass's own status write (`observedStackVersion`)
/// is held for the second pass and goes out with its status: one status
/// write in all, carrying the observed version.
#[tokio::test(flavor = "multi_thread")]
async fn first_reconcile_writes_the_status_on_top_of_its_own_spec_write() {
    let cluster = need_cluster!("first_reconcile_writes_the_status_on_top_of_its_own_spec_write");
    let ns = cluster.namespace("rec-first").await;
    let client = cluster.client().await;
    create(
        &client,
        &ns.name,
        &stackset("fresh", "v1", TrafficMechanism::Segments, true),
    )
    .await;
    let counter = RequestCounter::default();
    let counted = cluster.counting_client(&counter).await;
    reconcile_one(&counted, &ns.name, "fresh", &settings(), Timestamp::now())
        .await
        .unwrap();
    let requests = counter.requests();
    let count = |method: &str, suffix: &str| {
        requests
            .iter()
            .filter(|(m, p)| m == method && p.split('?').next().unwrap_or(p).ends_with(suffix))
            .count()
    };
    let mut by_method: BTreeMap<&str, usize> = BTreeMap::new();
    for (m, _) in &requests {
        *by_method.entry(m.as_str()).or_default() += 1;
    }
    eprintln!("first reconcile: {} requests {by_method:?}", requests.len());
    assert_eq!(
        count("PUT", "/stacksets/fresh"),
        1,
        "spec.traffic: {requests:#?}"
    );
    assert_eq!(count("PUT", "/stacksets/fresh/status"), 1, "{requests:#?}");
    let stored = Api::<StackSet>::namespaced(client.clone(), &ns.name)
        .get("fresh")
        .await
        .unwrap();
    let status = stored.status.unwrap_or_default();
    assert_eq!(status.observed_stack_version.as_deref(), Some("v1"));
    assert_eq!(status.stacks, 1);
    assert_eq!(
        count("GET", "/stacksets/fresh"),
        2,
        "one read per pass: {requests:#?}"
    );
}

async fn resource_versions(client: &Client, ns: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    macro_rules! collect {
        ($t:ty, $k:expr) => {
            for o in Api::<$t>::namespaced(client.clone(), ns)
                .list(&ListParams::default())
                .await
                .unwrap()
            {
                out.insert(
                    format!("{}/{}", $k, o.name_any()),
                    o.resource_version().unwrap_or_default(),
                );
            }
        };
    }
    collect!(StackSet, "stackset");
    collect!(Stack, "stack");
    collect!(Deployment, "deployment");
    collect!(Service, "service");
    collect!(HorizontalPodAutoscaler, "hpa");
    collect!(Ingress, "ingress");
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_stackset_removes_everything_it_owned() {
    let cluster = need_cluster!("deleting_the_stackset_removes_everything_it_owned");
    let ns = cluster.namespace("rec-gc").await;
    let client = cluster.client().await;
    create(
        &client,
        &ns.name,
        &stackset("gone", "v1", TrafficMechanism::BackendWeights, true),
    )
    .await;
    pass(&client, &ns.name, "gone", Timestamp::now()).await;
    wait_deployment_ready(&client, &ns.name, "gone-v1").await;
    converge_traffic(&client, &ns.name, "gone", &[("gone-v1", 100)]).await;
    assert!(
        Api::<Ingress>::namespaced(client.clone(), &ns.name)
            .get_opt("gone")
            .await
            .unwrap()
            .is_some()
    );

    Api::<StackSet>::namespaced(client.clone(), &ns.name)
        .delete("gone", &DeleteParams::background())
        .await
        .unwrap();
    eventually(
        "everything garbage-collected",
        Duration::from_secs(90),
        || async {
            let left = resource_versions(&client, &ns.name).await;
            let pods = Api::<Pod>::namespaced(client.clone(), &ns.name)
                .list(&ListParams::default())
                .await
                .ok()?;
            // Only the namespace's own kube-root-ca / default objects may remain.
            (left.is_empty() && pods.items.is_empty()).then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_template_is_an_error_and_touches_nothing() {
    let cluster = need_cluster!("invalid_template_is_an_error_and_touches_nothing");
    let ns = cluster.namespace("rec-invalid").await;
    let client = cluster.client().await;
    // Upstream refuses to create a Stack whose configuration resources are
    // not prefixed by the Stack's name (a Service port that misses
    // backendPort, by contrast, still gets its Stack, as upstream does).
    let mut bad = stackset("bad", "v1", TrafficMechanism::Segments, true);
    bad["spec"]["stackTemplate"]["spec"]["configurationResources"] =
        json!([{"configMapRef": {"name": "shared-config"}}]);
    create(&client, &ns.name, &bad).await;
    let before = resource_versions(&client, &ns.name).await;

    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "bad", "--configmap-support"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("shared-config"),
        "the error names the resource: {stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let after = resource_versions(&client, &ns.name).await;
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "no object created"
    );
    assert!(
        Api::<Deployment>::namespaced(client.clone(), &ns.name)
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unclaimed_stackset_belongs_to_the_controller_until_claimed() {
    let cluster = need_cluster!("unclaimed_stackset_belongs_to_the_controller_until_claimed");
    let ns = cluster.namespace("rec-claim").await;
    let client = cluster.client().await;
    create(
        &client,
        &ns.name,
        &stackset("theirs", "v1", TrafficMechanism::Segments, false),
    )
    .await;

    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "theirs"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A flag is needed to go on (--claim), like --yes off a terminal: exit 2.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("in-cluster stackset-controller"),
        "{stderr}"
    );
    // With --diff, too: never 1, which --diff means "there are changes".
    let diff = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "theirs", "--diff"])
        .output()
        .unwrap();
    assert_eq!(
        diff.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    assert!(
        diff.stdout.is_empty(),
        "no diff for a StackSet we do not manage"
    );
    assert!(
        stderr.contains("--claim"),
        "the hint says how to take over: {stderr}"
    );
    let stacks: Api<Stack> = Api::namespaced(client.clone(), &ns.name);
    assert!(
        stacks
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty(),
        "nothing touched"
    );

    // --all skips it quietly instead of failing.
    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "--all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stacks
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "theirs", "--claim"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ss: StackSet = Api::namespaced(client.clone(), &ns.name)
        .get("theirs")
        .await
        .unwrap();
    assert_eq!(
        ss.annotations()
            .get("stackset-controller.zalando.org/controller")
            .map(String::as_str),
        Some(OURS)
    );
    assert!(stacks.get_opt("theirs-v1").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_and_diff_change_nothing() {
    let cluster = need_cluster!("dry_run_and_diff_change_nothing");
    let ns = cluster.namespace("rec-dry").await;
    let client = cluster.client().await;
    create(
        &client,
        &ns.name,
        &stackset("dry", "v1", TrafficMechanism::Segments, true),
    )
    .await;

    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "dry", "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    let create_stack = stdout
        .find("create Stack dry-v1")
        .expect("plan creates the stack");
    let create_dep = stdout
        .find("create Deployment dry-v1")
        .expect("plan creates the deployment");
    assert!(create_stack < create_dep, "ordered: {stdout}");

    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "dry", "--diff"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "kubectl diff semantics: 1 = changes"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("+++ merged/Deployment"));
    assert!(
        Api::<Stack>::namespaced(client.clone(), &ns.name)
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "dry", "--dry-run=server"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        Api::<Stack>::namespaced(client.clone(), &ns.name)
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    pass(&client, &ns.name, "dry", Timestamp::now()).await;
    wait_deployment_ready(&client, &ns.name, "dry-v1").await;
    converge_traffic(&client, &ns.name, "dry", &[("dry-v1", 100)]).await;
    pass(&client, &ns.name, "dry", Timestamp::now()).await;
    let out = stackset_cmd(cluster, &ns.name)
        .args(["reconcile", "dry", "--diff"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "converged: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Every object the core generates for a StackSet using every field (both
/// traffic mechanisms, RouteGroups included, across stack creation) is
/// accepted by the real API server: validated and admitted by a server-side
/// dry run, so a schema or defaulting mismatch cannot hide behind the core's
/// own simulation.
#[tokio::test(flavor = "multi_thread")]
async fn api_server_accepts_every_generated_object() {
    use kube::api::DynamicObject;
    use kubectl_stackset::cluster::execute::api_resource;
    use stackset_core::{Action, simulate};

    let cluster = need_cluster!("api_server_accepts_every_generated_object");
    let ns = cluster.namespace("rec-accept").await;
    let client = cluster.client().await;
    let text = std::fs::read_to_string(
        crate::support::repo_root().join("crates/stackset-core/tests/fixtures/stackset-full.yaml"),
    )
    .unwrap();
    let mut ss: StackSet = serde_saphyr::from_str(&text).expect("fixture");
    ss.status = None;
    ss.spec.external_ingress = None;
    ss.metadata.namespace = Some(ns.name.clone());
    let mut checked = BTreeMap::<String, usize>::new();
    for mechanism in [TrafficMechanism::Segments, TrafficMechanism::BackendWeights] {
        let options = Options {
            cluster_domains: vec!["example.org".into()],
            routegroup_support: true,
            traffic_mechanism: Some(mechanism),
            ..Options::default()
        };
        let mut snapshot = stackset_core::Snapshot::new(ss.clone());
        for _round in 0..3 {
            let rec = stackset_core::reconcile(&snapshot, &options, Timestamp::now());
            assert!(rec.errors.is_empty(), "{:?}", rec.errors);
            for action in rec.plan.iter() {
                let (Action::Create { object, .. } | Action::Update { object, .. }) = action else {
                    continue;
                };
                let mut body = object.to_json().unwrap();
                let meta = body["metadata"].as_object_mut().unwrap();
                for k in ["uid", "resourceVersion", "creationTimestamp", "generation"] {
                    meta.remove(k);
                }
                body.as_object_mut().unwrap().remove("status");
                let obj: DynamicObject = serde_json::from_value(body).unwrap();
                let ar = api_resource(object.kind());
                let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &ns.name, &ar);
                let pp = PostParams {
                    dry_run: true,
                    field_manager: Some("kubectl-stackset".into()),
                };
                if let Err(e) = api.create(&pp, &obj).await {
                    panic!(
                        "{} {} rejected: {e}\n{}",
                        object.kind(),
                        object.name(),
                        serde_json::to_string_pretty(&object.to_json().unwrap()).unwrap()
                    );
                }
                *checked.entry(object.kind().to_string()).or_default() += 1;
            }
            snapshot = simulate(&snapshot, &rec.plan);
        }
    }
    for kind in [
        "Stack",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "Ingress",
        "RouteGroup",
    ] {
        assert!(
            checked.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} was generated: {checked:?}"
        );
    }
}

/// ConfigMaps and Secrets are read by name (the ones a stack references),
/// never listed namespace-wide with their data: the identity that runs
/// `reconcile` here may GET and UPDATE them but not LIST them, and the
/// adoption still happens.
#[tokio::test(flavor = "multi_thread")]
async fn referenced_configmaps_and_secrets_are_read_by_name_not_listed() {
    use k8s_openapi::api::core::v1::{ConfigMap, Secret};
    use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
    let cluster = need_cluster!("referenced_configmaps_and_secrets_are_read_by_name_not_listed");
    let ns = cluster.namespace("rec-byname").await;
    let client = cluster.client().await;
    let role: Role = serde_json::from_value(json!({
        "metadata": {"name": "no-list-of-config"},
        "rules": [
            {"apiGroups": ["zalando.org"], "resources": ["*"], "verbs": ["*"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
            {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": ["*"]},
            {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": ["*"]},
            {"apiGroups": [""], "resources": ["services", "events"], "verbs": ["*"]},
            {"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["*"]},
            {"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "update", "patch"]}
        ]
    }))
    .unwrap();
    Api::<Role>::namespaced(client.clone(), &ns.name)
        .create(&PostParams::default(), &role)
        .await
        .unwrap();
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "no-list-of-config"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "no-list-of-config"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "config-reader"}]
    }))
    .unwrap();
    Api::<RoleBinding>::namespaced(client.clone(), &ns.name)
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    let cm: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "app-v1-config"}, "data": {"k": "v"}}))
            .unwrap();
    Api::<ConfigMap>::namespaced(client.clone(), &ns.name)
        .create(&PostParams::default(), &cm)
        .await
        .unwrap();
    let secret: Secret = serde_json::from_value(
        json!({"metadata": {"name": "app-v1-secret"}, "stringData": {"password": "s3cr3t"}}),
    )
    .unwrap();
    Api::<Secret>::namespaced(client.clone(), &ns.name)
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    let mut app = stackset("app", "v1", TrafficMechanism::Segments, true);
    app["spec"]["stackTemplate"]["spec"]["configurationResources"] = json!([
        {"configMapRef": {"name": "app-v1-config"}},
        {"secretRef": {"name": "app-v1-secret"}}
    ]);
    create(&client, &ns.name, &app).await;

    // Without the impersonated identity's LIST, a namespace-wide listing
    // would be refused; reading by name is allowed.
    let owned_by_stack = || async {
        let cm = Api::<ConfigMap>::namespaced(client.clone(), &ns.name)
            .get("app-v1-config")
            .await
            .ok()?;
        let s = Api::<Secret>::namespaced(client.clone(), &ns.name)
            .get("app-v1-secret")
            .await
            .ok()?;
        let owner = |o: Option<Vec<_>>| {
            o.unwrap_or_default().iter().any(
                |r: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference| {
                    r.kind == "Stack" && r.name == "app-v1"
                },
            )
        };
        (owner(cm.metadata.owner_references) && owner(s.metadata.owner_references)).then_some(())
    };
    eventually(
        "the stack adopted its ConfigMap and Secret",
        Duration::from_secs(60),
        || async {
            let out = stackset_cmd(cluster, &ns.name)
                .args([
                    "reconcile",
                    "app",
                    "--configmap-support",
                    "--secret-support",
                ])
                .args(["--as", "config-reader"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
            owned_by_stack().await
        },
    )
    .await;
    // The data survived the adoption.
    let cm = Api::<ConfigMap>::namespaced(client.clone(), &ns.name)
        .get("app-v1-config")
        .await
        .unwrap();
    assert_eq!(
        cm.data.unwrap_or_default().get("k").map(String::as_str),
        Some("v")
    );
}
