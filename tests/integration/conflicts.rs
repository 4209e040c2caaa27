//! Optimistic concurrency of the editing commands: two concurrent `traffic
//! set`s both land, and an edit that meets a conflict reads again and loses
//! nothing.

use std::collections::BTreeMap;

use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams};
use kubectl_stackset::cluster::mutate::{WriteMode, edit_stackset};
use serde_json::json;
use stackset_core::api::StackSet;

use crate::fixtures::app::{add_stack, create_app, expect_code, run, spawn, stackset, w, weights};
use crate::need_cluster;

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_traffic_changes_are_both_applied() {
    let cluster = need_cluster!("concurrent_traffic_changes_are_both_applied");
    let ns = cluster.namespace("traffic-concurrent").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    add_stack(&client, &ns.name, "app", "v3", false).await;

    let a = spawn(cluster, &ns.name, &["traffic", "set", "v2=20", "--no-wait"]);
    let b = spawn(cluster, &ns.name, &["traffic", "set", "v3=30", "--no-wait"]);
    let (a, b) = tokio::join!(a.wait_with_output(), b.wait_with_output());
    expect_code(&a.unwrap(), 0);
    expect_code(&b.unwrap(), 0);
    let (desired, _) = weights(&client, &ns.name, "app").await;
    // Either order is fine; losing one of the two changes is not.
    let a_then_b = w(&[("app-v1", 56), ("app-v2", 14), ("app-v3", 30)]);
    let b_then_a = w(&[("app-v1", 56), ("app-v2", 20), ("app-v3", 24)]);
    assert!(
        desired == a_then_b || desired == b_then_a,
        "one update was lost: {desired:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_read_again_on_conflict_and_lose_nothing() {
    let cluster = need_cluster!("edits_read_again_on_conflict_and_lose_nothing");
    let ns = cluster.namespace("edit-conflict").await;
    let client = cluster.client().await;
    let o = run(
        cluster,
        &ns.name,
        &[
            "create",
            "app",
            "--image",
            "example/app:v1",
            "--controller-managed",
        ],
    );
    expect_code(&o, 0);

    // A stale read: the first write conflicts, the edit reads again and
    // applies its change on top of the other writer's.
    let stale = stackset(&client, &ns.name, "app").await;
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"metadata": {"annotations": {"test/other": "1"}}})),
    )
    .await
    .unwrap();
    let edited = edit_stackset(
        &client,
        &ns.name,
        "app",
        WriteMode::Live,
        Some(stale),
        |ss| {
            ss.metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert("test/mine".into(), "1".into());
            Ok(())
        },
    )
    .await
    .unwrap();
    assert_eq!(edited.attempts, 2, "one conflict, one fresh read");
    let annotations = stackset(&client, &ns.name, "app")
        .await
        .annotations()
        .clone();
    assert_eq!(annotations.get("test/other").map(String::as_str), Some("1"));
    assert_eq!(annotations.get("test/mine").map(String::as_str), Some("1"));

    // Eight writers at once: every change lands.
    let writers = (0..8).map(|i| {
        let client = client.clone();
        let ns = ns.name.clone();
        tokio::spawn(async move {
            edit_stackset(&client, &ns, "app", WriteMode::Live, None, |ss| {
                ss.metadata
                    .annotations
                    .get_or_insert_with(BTreeMap::new)
                    .insert(format!("test/writer-{i}"), "1".into());
                Ok(())
            })
            .await
            .map(|e| e.attempts)
        })
    });
    for handle in writers.collect::<Vec<_>>() {
        handle.await.unwrap().expect("edit succeeds");
    }
    let annotations = stackset(&client, &ns.name, "app")
        .await
        .annotations()
        .clone();
    for i in 0..8 {
        assert!(
            annotations.contains_key(&format!("test/writer-{i}")),
            "writer {i} lost"
        );
    }
}
