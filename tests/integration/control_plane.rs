//! Smoke tests of the local control plane itself: each proves one tier of
//! realism that the kubectl-stackset tests rely on.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, PropagationPolicy};
use serde_json::json;

use crate::need_cluster;
use crate::support::eventually;

fn deployment(name: &str, replicas: i32, image: &str) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": image}]}
            }
        }
    }))
    .expect("deployment fixture")
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_becomes_ready_and_is_garbage_collected() {
    let cluster = need_cluster!("deployment_becomes_ready_and_is_garbage_collected");
    let ns = cluster.namespace("smoke-ready").await;
    let client = cluster.client().await;
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    let rss: Api<ReplicaSet> = Api::namespaced(client.clone(), &ns.name);
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns.name);

    deploys
        .create(&PostParams::default(), &deployment("web", 3, "nginx:1.27"))
        .await
        .unwrap();
    eventually("readyReplicas == 3", Duration::from_secs(60), || async {
        let d = deploys.get("web").await.ok()?;
        (d.status?.ready_replicas? == 3).then_some(())
    })
    .await;
    let running = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(running.items.len(), 3);
    for p in &running.items {
        let status = p.status.as_ref().unwrap();
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert!(status.pod_ip.is_some(), "kwok assigns pod IPs");
        assert!(
            p.spec.as_ref().unwrap().node_name.is_some(),
            "the scheduler bound the pod"
        );
    }

    // Background deletion: the garbage collector removes the ReplicaSet and
    // the Pods through their ownerReferences.
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..Default::default()
    };
    deploys.delete("web", &dp).await.unwrap();
    eventually(
        "ReplicaSets and Pods garbage-collected",
        Duration::from_secs(60),
        || async {
            let r = rss.list(&ListParams::default()).await.ok()?;
            let p = pods.list(&ListParams::default()).await.ok()?;
            (r.items.is_empty() && p.items.is_empty()).then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_resource_version_conflicts() {
    let cluster = need_cluster!("stale_resource_version_conflicts");
    let ns = cluster.namespace("smoke-conflict").await;
    let cms: Api<ConfigMap> = Api::namespaced(cluster.client().await, &ns.name);
    let cm: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "c"}, "data": {"k": "1"}})).unwrap();
    let created = cms.create(&PostParams::default(), &cm).await.unwrap();

    let mut first = created.clone();
    first.data = Some([("k".to_string(), "2".to_string())].into());
    cms.replace("c", &PostParams::default(), &first)
        .await
        .unwrap();

    // `created` still carries the old resourceVersion.
    let mut stale = created;
    stale.data = Some([("k".to_string(), "3".to_string())].into());
    let err = cms
        .replace("c", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    match err {
        kube::Error::Api(s) => assert_eq!(s.code, 409, "{s:?}"),
        other => panic!("expected 409 Conflict, got {other:?}"),
    }
    assert_eq!(cms.get("c").await.unwrap().data.unwrap()["k"], "2");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_side_apply_tracks_field_managers() {
    let cluster = need_cluster!("server_side_apply_tracks_field_managers");
    let ns = cluster.namespace("smoke-ssa").await;
    let cms: Api<ConfigMap> = Api::namespaced(cluster.client().await, &ns.name);
    let ours = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"k": "ours"}});
    let applied = cms
        .patch(
            "s",
            &PatchParams::apply("kubectl-stackset"),
            &Patch::Apply(&ours),
        )
        .await
        .unwrap();
    assert_eq!(applied.data.as_ref().unwrap()["k"], "ours");
    let managers: Vec<_> = applied
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert!(
        managers.iter().any(|m| m == "kubectl-stackset"),
        "{managers:?}"
    );

    // Re-applying the same intent is a no-op for the resourceVersion.
    let again = cms
        .patch(
            "s",
            &PatchParams::apply("kubectl-stackset"),
            &Patch::Apply(&ours),
        )
        .await
        .unwrap();
    assert_eq!(
        again.metadata.resource_version,
        applied.metadata.resource_version
    );

    let theirs = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"k": "theirs"}});
    let err = cms
        .patch(
            "s",
            &PatchParams::apply("someone-else"),
            &Patch::Apply(&theirs),
        )
        .await
        .unwrap_err();
    match err {
        kube::Error::Api(s) => assert_eq!(s.code, 409, "{s:?}"),
        other => panic!("expected an apply conflict, got {other:?}"),
    }
    assert_eq!(cms.get("s").await.unwrap().data.unwrap()["k"], "ours");
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_identity_is_forbidden_to_write() {
    let cluster = need_cluster!("read_only_identity_is_forbidden_to_write");
    let ns = cluster.namespace("smoke-rbac").await;
    let viewer = cluster.viewer_client().await;
    let cms: Api<ConfigMap> = Api::namespaced(viewer.clone(), &ns.name);
    // Reading works...
    cms.list(&ListParams::default())
        .await
        .expect("the viewer may list");
    // ...writing does not.
    let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "nope"}})).unwrap();
    match cms.create(&PostParams::default(), &cm).await.unwrap_err() {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 403, "{s:?}");
            assert_eq!(s.reason, "Forbidden");
        }
        other => panic!("expected 403 Forbidden, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pod_marked_broken_stays_unready() {
    let cluster = need_cluster!("pod_marked_broken_stays_unready");
    let ns = cluster.namespace("smoke-broken").await;
    let client = cluster.client().await;
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    let pods: Api<Pod> = Api::namespaced(client, &ns.name);
    deploys
        .create(&PostParams::default(), &deployment("good", 1, "app:1"))
        .await
        .unwrap();
    deploys
        .create(&PostParams::default(), &deployment("bad", 2, "app:broken"))
        .await
        .unwrap();

    // Once the healthy one is ready, the broken pods have been processed by
    // kwok too: they run, but never become Ready.
    eventually(
        "the healthy deployment to be ready",
        Duration::from_secs(60),
        || async { (deploys.get("good").await.ok()?.status?.ready_replicas? == 1).then_some(()) },
    )
    .await;
    let bad = eventually(
        "the broken pods to be running",
        Duration::from_secs(60),
        || async {
            let list = pods
                .list(&ListParams::default().labels("app=bad"))
                .await
                .ok()?;
            let running = list
                .items
                .iter()
                .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
                .count();
            (running == 2).then_some(list.items)
        },
    )
    .await;
    // No fixed wait before the negative assertion: a pod created after the
    // broken ones becomes Ready, so kwok has gone past them, and their
    // Ready=False comes from the never-ready stage, which is final (no stage
    // matches a Running pod).
    deploys
        .create(&PostParams::default(), &deployment("later", 1, "app:1"))
        .await
        .unwrap();
    eventually(
        "a deployment created later to be ready",
        Duration::from_secs(60),
        || async { (deploys.get("later").await.ok()?.status?.ready_replicas? == 1).then_some(()) },
    )
    .await;
    for p in bad {
        let p = pods.get(p.metadata.name.as_deref().unwrap()).await.unwrap();
        let ready = p
            .status
            .unwrap()
            .conditions
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.type_ == "Ready");
        let ready = ready.expect("a Ready condition");
        assert_eq!(ready.status, "False");
        assert_eq!(
            ready.message.as_deref(),
            Some("readiness probe failed (kwok never-ready stage)")
        );
    }
    let d = deploys.get("bad").await.unwrap();
    assert_eq!(d.status.unwrap().ready_replicas.unwrap_or(0), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoint_slices_carry_the_pod_ips() {
    use k8s_openapi::api::core::v1::Service;
    use k8s_openapi::api::discovery::v1::EndpointSlice;
    let cluster = need_cluster!("endpoint_slices_carry_the_pod_ips");
    let ns = cluster.namespace("smoke-endpoints").await;
    let client = cluster.client().await;
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns.name);
    let services: Api<Service> = Api::namespaced(client.clone(), &ns.name);
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), &ns.name);
    deploys
        .create(&PostParams::default(), &deployment("ep", 2, "app:1"))
        .await
        .unwrap();
    let svc: Service = serde_json::from_value(json!({
        "metadata": {"name": "ep"},
        "spec": {"selector": {"app": "ep"}, "ports": [{"port": 80, "targetPort": 8080}]}
    }))
    .unwrap();
    services.create(&PostParams::default(), &svc).await.unwrap();

    let pod_ips = eventually(
        "two ready pods with IPs",
        Duration::from_secs(60),
        || async {
            let list = pods
                .list(&ListParams::default().labels("app=ep"))
                .await
                .ok()?;
            let mut ips: Vec<String> = list
                .items
                .iter()
                .filter_map(|p| p.status.as_ref()?.pod_ip.clone())
                .collect();
            ips.sort();
            (ips.len() == 2).then_some(ips)
        },
    )
    .await;
    // The real EndpointSlice controller publishes exactly those IPs, ready.
    eventually(
        "an EndpointSlice with the pod IPs",
        Duration::from_secs(60),
        || async {
            let list = slices
                .list(&ListParams::default().labels("kubernetes.io/service-name=ep"))
                .await
                .ok()?;
            let mut ips: Vec<String> = list
                .items
                .iter()
                .flat_map(|s| s.endpoints.iter().flatten())
                .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
                .flat_map(|e| e.addresses.iter().cloned())
                .collect();
            ips.sort();
            (ips == pod_ips).then_some(())
        },
    )
    .await;
    assert!(
        pod_ips.iter().all(|ip| ip.starts_with("10.244.")),
        "{pod_ips:?}"
    );
}
