//! Test worlds for the views: a StackSet driven through the real core
//! (`reconcile` + `simulate`) the way a cluster would go, with the parts no
//! engine writes (creation times, Deployment status, events) set by hand.

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use serde_json::json;
use stackset_core::api::StackSet;
use stackset_core::{Options, Reconciliation, Snapshot, reconcile, simulate};

use super::view::ManagedBy;

/// 2026-05-28T20:26:40Z: the "now" of every fixture.
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_780_000_000).unwrap()
}

pub fn ago(secs: i64) -> Timestamp {
    t0() - SignedDuration::from_secs(secs)
}

pub struct World {
    pub snap: Snapshot,
    opts: Options,
}

pub fn client_side() -> ManagedBy {
    ManagedBy::ClientSide {
        controller_id: "kubectl-stackset".into(),
    }
}

impl World {
    /// A client-side managed StackSet `shop` in `prod`, created at `at`, with
    /// an ingress on shop.example.org, 3 replicas and (optionally) an HPA.
    pub fn new(version: &str, hpa: bool, at: Timestamp) -> Self {
        let mut template = json!({
            "version": version,
            "replicas": 3,
            "podTemplate": {"spec": {"containers": [{
                "name": "app", "image": format!("registry.example.org/shop:{version}"),
                "ports": [{"containerPort": 8080, "name": "http"}]
            }]}}
        });
        if hpa {
            template["autoscaler"] = json!({"minReplicas": 3, "maxReplicas": 6,
                "metrics": [{"type": "CPU", "averageUtilization": 70}]});
        }
        let ss: StackSet = serde_json::from_value(json!({
            "apiVersion": "zalando.org/v1",
            "kind": "StackSet",
            "metadata": {
                "name": "shop", "namespace": "prod", "uid": "uid-shop", "generation": 1,
                "creationTimestamp": Time(at),
                "annotations": {"stackset-controller.zalando.org/controller": "kubectl-stackset"}
            },
            "spec": {
                "ingress": {"hosts": ["shop.example.org"], "backendPort": 8080},
                "stackLifecycle": {"scaledownTTLSeconds": 300, "limit": 5},
                "stackTemplate": {"spec": template}
            }
        }))
        .unwrap();
        let mut w = World {
            snap: Snapshot::new(ss),
            opts: Options::default(),
        };
        w.converge(at);
        w
    }

    /// Reconciles and applies the plan in memory until nothing is left to do
    /// (the way repeated client-side reconciles would), stamping creation
    /// times on what got created.
    pub fn converge(&mut self, now: Timestamp) {
        for _ in 0..8 {
            let rec = reconcile(&self.snap, &self.opts, now);
            if rec.plan.is_empty() {
                break;
            }
            self.snap = simulate(&self.snap, &rec.plan);
            self.stamp(now);
        }
    }

    fn stamp(&mut self, now: Timestamp) {
        let t = Some(Time(now));
        for s in &mut self.snap.stacks {
            s.metadata.creation_timestamp.get_or_insert(Time(now));
        }
        for d in &mut self.snap.deployments {
            if d.metadata.creation_timestamp.is_none() {
                d.metadata.creation_timestamp = t.clone();
            }
        }
    }

    /// A new template version; the next `converge` creates its stack.
    pub fn deploy(&mut self, version: &str, image: &str) {
        let spec = &mut self.snap.stackset.spec.stack_template.spec;
        spec.version = version.into();
        if let Some(p) = spec.spec.pod_template.spec.as_mut() {
            p.containers[0].image = Some(image.into());
        }
    }

    /// What the Deployment controller would report: `ready` of the Deployment's
    /// replicas ready and all of them updated, generation observed.
    pub fn ready(&mut self, stack: &str, ready: i32) {
        let d = self
            .snap
            .deployments
            .iter_mut()
            .find(|d| d.metadata.name.as_deref() == Some(stack))
            .unwrap_or_else(|| panic!("no deployment {stack}"));
        let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        d.status = Some(k8s_openapi::api::apps::v1::DeploymentStatus {
            replicas: Some(want),
            ready_replicas: Some(ready.min(want)),
            updated_replicas: Some(want),
            available_replicas: Some(ready.min(want)),
            observed_generation: d.metadata.generation,
            ..Default::default()
        });
    }

    /// `spec.traffic`.
    pub fn traffic(&mut self, desired: &[(&str, f64)]) {
        let v: Vec<serde_json::Value> = desired
            .iter()
            .map(|(s, w)| json!({"stackName": s, "weight": w}))
            .collect();
        self.snap.stackset.spec.traffic = Some(serde_json::from_value(json!(v)).unwrap());
    }

    pub fn annotate(&mut self, key: &str, value: &str) {
        self.snap
            .stackset
            .metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
    }

    pub fn decide(&self, now: Timestamp) -> Reconciliation {
        reconcile(&self.snap, &self.opts, now)
    }
}

/// v1 serving 100 %, v2 (the template's version) asked for 100 % but only 1
/// of 3 replicas ready: the switch is blocked.
pub fn blocked() -> World {
    let mut w = World::new("v1", false, ago(3 * 86_400));
    w.ready("shop-v1", 3);
    w.converge(ago(3 * 86_400 - 60));
    w.deploy("v2", "registry.example.org/shop:v2");
    w.converge(ago(600));
    w.ready("shop-v2", 1);
    w.traffic(&[("shop-v2", 100.0)]);
    w.converge(ago(300));
    w
}

/// v3 serves everything; v2 lost its traffic 2 h ago and is scaled down; v1
/// is long gone from traffic too. With an HPA.
pub fn healthy() -> World {
    let mut w = World::new("v1", true, ago(10 * 86_400));
    w.ready("shop-v1", 3);
    w.converge(ago(10 * 86_400 - 60));
    w.deploy("v2", "registry.example.org/shop:v2");
    w.converge(ago(5 * 86_400));
    w.ready("shop-v2", 3);
    w.traffic(&[("shop-v2", 100.0)]);
    w.converge(ago(5 * 86_400 - 60));
    w.deploy("v3", "registry.example.org/shop:v3");
    w.converge(ago(3 * 3600));
    w.ready("shop-v3", 3);
    w.traffic(&[("shop-v3", 100.0)]);
    w.converge(ago(2 * 3600));
    // Past the scale-down TTL: the old stacks go to zero replicas.
    w.converge(ago(3600));
    w.ready("shop-v1", 0);
    w.ready("shop-v2", 0);
    w.converge(ago(1800));
    w
}

/// A Warning event about `kind/name`, seen `count` times, last at `at`.
pub fn warning(
    kind: &str,
    name: &str,
    reason: &str,
    message: &str,
    count: i32,
    at: Timestamp,
) -> Event {
    serde_json::from_value(json!({
        "metadata": {"name": format!("{name}.{reason}.{}", at.as_second()), "namespace": "prod"},
        "involvedObject": {"kind": kind, "name": name, "namespace": "prod"},
        "type": "Warning",
        "reason": reason,
        "message": message,
        "count": count,
        "lastTimestamp": Time(at),
    }))
    .unwrap()
}
