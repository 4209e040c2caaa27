//! `kubectl stackset delete`: it asks first, and the children follow.

use crate::fixtures::app::{MINUTE, create_app, deployment, expect_code, run, stack_names};
use crate::need_cluster;
use crate::support::eventually;

#[tokio::test(flavor = "multi_thread")]
async fn delete_asks_first_and_the_children_follow() {
    let cluster = need_cluster!("delete_asks_first_and_the_children_follow");
    let ns = cluster.namespace("delete").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;

    let (_, err) = expect_code(&run(cluster, &ns.name, &["delete", "app"]), 2);
    assert!(err.contains("pass --yes"), "{err}");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["delete", "app", "--dry-run=server"]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app deleted (server dry run)\n");
    assert_eq!(stack_names(&client, &ns.name).await, vec!["app-v1"]);

    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["delete", "app", "--yes", "--wait"]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app deleted\n");
    assert!(
        stack_names(&client, &ns.name).await.is_empty(),
        "--wait waited for the stacks"
    );
    eventually("the deployment is garbage-collected", MINUTE, || async {
        deployment(&client, &ns.name, "app-v1")
            .await
            .is_none()
            .then_some(())
    })
    .await;

    let (_, err) = expect_code(&run(cluster, &ns.name, &["delete", "app", "--yes"]), 1);
    assert!(err.contains("not found"), "{err}");
    expect_code(
        &run(
            cluster,
            &ns.name,
            &["delete", "app", "--yes", "--ignore-not-found"],
        ),
        0,
    );
}
