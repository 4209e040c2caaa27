//! `kubectl stackset rollback`: a scaled-down stack is scaled up and traffic
//! switches to it.

use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use stackset_core::api::StackSet;

use crate::fixtures::app::{
    add_stack, create_app, deployment, expect_code, reconcile_until, run, stack_ready, w, weights,
};
use crate::need_cluster;

#[tokio::test(flavor = "multi_thread")]
async fn rollback_scales_a_scaled_down_stack_up_and_switches() {
    let cluster = need_cluster!("rollback_scales_a_scaled_down_stack_up_and_switches");
    let ns = cluster.namespace("rollback").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v2=100", "--yes"]),
        0,
    );

    // v1 idles past a short TTL and is scaled down.
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackLifecycle": {"scaledownTTLSeconds": 1}}})),
    )
    .await
    .unwrap();
    reconcile_until(&client, &ns.name, "app", "v1 scaled down", || async {
        deployment(&client, &ns.name, "app-v1")
            .await
            .and_then(|d| d.spec?.replicas)
            == Some(0)
    })
    .await;

    // An unknown stack is "not found" (exit 1), worded as everywhere.
    let (_, err) = expect_code(
        &run(cluster, &ns.name, &["rollback", "--to", "v9", "--yes"]),
        1,
    );
    assert!(
        err.contains("stackset app has no stack 'v9'; its stacks: "),
        "{err}"
    );
    let (_, err) = expect_code(&run(cluster, &ns.name, &["rollback"]), 2);
    assert!(err.contains("pass --yes"), "{err}");

    let (out, err) = expect_code(&run(cluster, &ns.name, &["rollback", "--yes"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rolled back to app-v1: app-v1 100%\n"
    );
    assert!(err.contains("scaled up first"), "{err}");
    let expected = w(&[("app-v1", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (expected.clone(), expected)
    );
    assert!(
        stack_ready(&client, &ns.name, "app-v1").await,
        "v1 was scaled up and is ready"
    );
}
