//! `kubectl stackset gc`: idle stacks scale down and excess ones are deleted.

use std::time::Duration;

use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use stackset_core::api::StackSet;

use crate::fixtures::app::{
    add_stack, create_app, deployment, expect_code, run, stack_names, stack_ready,
};
use crate::need_cluster;

#[tokio::test(flavor = "multi_thread")]
async fn gc_scales_down_idle_stacks_and_deletes_excess_ones() {
    let cluster = need_cluster!("gc_scales_down_idle_stacks_and_deletes_excess_ones");
    let ns = cluster.namespace("gc").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    add_stack(&client, &ns.name, "app", "v3", false).await;
    // v1 idles first, then v2.
    expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v2=100", "--yes"]),
        0,
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v3=100", "--yes"]),
        0,
    );
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackLifecycle": {"scaledownTTLSeconds": 1, "limit": 1}}})),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (out, err) = expect_code(&run(cluster, &ns.name, &["gc", "--dry-run"]), 0);
    assert!(
        out.contains("stack.zalando.org/app-v1 deleted (dry run): idle for"),
        "{out}"
    );
    assert!(
        out.contains("stack.zalando.org/app-v2 scaled down (dry run): no traffic for"),
        "{out}"
    );
    assert!(err.contains("stack app-v3: kept, has traffic"), "{err}");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["app-v1", "app-v2", "app-v3"]
    );

    // Deleting stacks needs a confirmation: off a terminal, --yes.
    let (_, err) = expect_code(&run(cluster, &ns.name, &["gc"]), 2);
    assert!(err.contains("hint: pass --yes"), "{err}");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["app-v1", "app-v2", "app-v3"]
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["gc", "--yes"]), 0);
    assert!(
        out.contains("stack.zalando.org/app-v1 deleted: idle for"),
        "{out}"
    );
    assert!(
        out.contains("stack.zalando.org/app-v2 scaled down: no traffic for"),
        "{out}"
    );
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["app-v2", "app-v3"]
    );
    let v2 = deployment(&client, &ns.name, "app-v2").await.unwrap();
    assert_eq!(v2.spec.unwrap().replicas, Some(0));
    assert!(stack_ready(&client, &ns.name, "app-v3").await);

    // Nothing to delete: nothing to confirm.
    let (out, _) = expect_code(&run(cluster, &ns.name, &["gc"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app unchanged: nothing to collect\n"
    );
}
