//! `-o` across commands: JSONPath and custom columns read the documented view,
//! and the mutating commands print the StackSet they wrote.

use crate::fixtures::app::{add_stack, create_app, expect_code, run};
use crate::fixtures::shop::{healthy_shop, stackset_in};
use crate::need_cluster;

#[tokio::test(flavor = "multi_thread")]
async fn jsonpath_and_custom_columns_read_the_documented_view() {
    let cluster = need_cluster!("jsonpath_and_custom_columns_read_the_documented_view");
    let (ns, _client) = healthy_shop(cluster, "jsonpath").await;
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "get",
            "shop",
            "-o",
            "jsonpath={.name} {.status.phase} {.stacks[*].actualWeight}",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "shop Healthy 100\n");
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "list",
            "-o",
            "custom-columns=NAME:.name,PHASE:.status.phase",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "NAME   PHASE\nshop   Healthy\n");
    // --no-headers drops the header line, as kubectl's does.
    for cmd in [&["list"][..], &["status", "shop"][..]] {
        let mut args = cmd.to_vec();
        args.extend(["-o", "custom-columns=NAME:.name", "--no-headers"]);
        let r = stackset_in(cluster, &ns, &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stdout, "shop\n", "{args:?}");
    }
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "traffic",
            "shop",
            "-o",
            "jsonpath={range .stacks[*]}{.stack}={.actualWeight}{\"\\n\"}{end}",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "shop-v1=100\n");
    // A broken template is a usage error before anything is read.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "jsonpath={.name"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unclosed {"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn mutating_commands_print_the_stackset_with_o() {
    let cluster = need_cluster!("mutating_commands_print_the_stackset_with_o");
    let ns = cluster.namespace("mutate-output").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    // -o name instead of the result line.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "app", "v2=25", "-o", "name"],
        ),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app\n");
    // -o json: the StackSet as written.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "app", "v2=50", "--no-wait", "-o", "json"],
        ),
        0,
    );
    let ss: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(ss["kind"], "StackSet");
    let traffic = ss["spec"]["traffic"].as_array().unwrap();
    assert!(
        traffic
            .iter()
            .any(|t| t["stackName"] == "app-v2" && t["weight"].as_f64() == Some(50.0)),
        "{traffic:?}"
    );
    // A dry run prints the StackSet as it would be, and changes nothing.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollback",
                "app",
                "--to",
                "v1",
                "--dry-run=server",
                "-o",
                "yaml",
                "--yes",
            ],
        ),
        0,
    );
    assert!(out.contains("kind: StackSet"), "{out}");
    assert!(out.contains("stackName: app-v1"), "{out}");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["delete", "app", "--yes", "-o", "name"]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app\n");
}
