//! `kubectl stackset create`: the first stack, and running it twice.

use kube::ResourceExt;
use kube::api::Api;
use serde_json::Value;
use stackset_core::api::StackSet;

use crate::fixtures::app::{deployment, expect_code, run, stack_names, stackset};
use crate::need_cluster;

#[tokio::test(flavor = "multi_thread")]
async fn create_makes_the_first_stack_and_is_idempotent() {
    let cluster = need_cluster!("create_makes_the_first_stack_and_is_idempotent");
    let ns = cluster.namespace("create").await;
    let client = cluster.client().await;
    let args = [
        "create",
        "shop",
        "--image",
        "example/shop:1.0",
        "--host",
        "shop.example.org",
        "--port",
        "8080",
        "--replicas",
        "3",
        "--autoscale",
        "3:6,cpu=70",
    ];

    // Bad input: one line, exit 2, nothing created.
    for bad in [
        vec!["create", "shop", "--image", "x", "--autoscale", "5:2"],
        vec!["create", "Shop", "--image", "x"],
        vec!["create", "shop", "--image", "x", "--version", "1.0"],
        vec!["create", "shop", "--image", "x", "--host", "not a host"],
        vec!["create", "shop", "--image", "x", "-A"],
    ] {
        let (_, err) = expect_code(&run(cluster, &ns.name, &bad), 2);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("hint: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    assert!(api.get_opt("shop").await.unwrap().is_none());

    // Dry runs print and store nothing.
    let mut dry = args.to_vec();
    dry.extend(["--dry-run=client", "-o", "yaml"]);
    let (out, _) = expect_code(&run(cluster, &ns.name, &dry), 0);
    let printed: Value = serde_saphyr::from_str(&out).expect("yaml on stdout");
    assert_eq!(printed["kind"], "StackSet");
    assert_eq!(
        printed["spec"]["stackTemplate"]["spec"]["autoscaler"]["maxReplicas"],
        6
    );
    let mut dry = args.to_vec();
    dry.push("--dry-run=server");
    let (out, _) = expect_code(&run(cluster, &ns.name, &dry), 0);
    assert_eq!(out, "stackset.zalando.org/shop created (server dry run)\n");
    assert!(api.get_opt("shop").await.unwrap().is_none());

    // The real thing: the first stack and its children exist on return.
    let (out, _) = expect_code(&run(cluster, &ns.name, &args), 0);
    assert_eq!(out, "stackset.zalando.org/shop created\n");
    assert_eq!(stack_names(&client, &ns.name).await, vec!["shop-v1"]);
    let d = deployment(&client, &ns.name, "shop-v1")
        .await
        .expect("deployment exists when create returns");
    assert_eq!(d.spec.unwrap().replicas, Some(3));
    let ss = stackset(&client, &ns.name, "shop").await;
    assert_eq!(
        ss.annotations()
            .get("stackset-controller.zalando.org/controller")
            .map(String::as_str),
        Some("kubectl-stackset"),
        "client-side managed by default"
    );
    let ingress = ss.spec.ingress.as_ref().unwrap();
    assert_eq!(ingress.hosts, vec!["shop.example.org"]);

    // Re-running is safe; a different spec is refused.
    let (out, _) = expect_code(&run(cluster, &ns.name, &args), 0);
    assert_eq!(out, "stackset.zalando.org/shop unchanged\n");
    let mut other = args.to_vec();
    other[3] = "example/shop:2.0";
    let (_, err) = expect_code(&run(cluster, &ns.name, &other), 1);
    assert!(err.contains("already exists with another spec"), "{err}");
    assert_eq!(stack_names(&client, &ns.name).await, vec!["shop-v1"]);
}
