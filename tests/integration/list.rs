//! `kubectl stackset list`: a row per StackSet with a traffic summary, and an
//! empty namespace.

use serde_json::json;

use crate::fixtures::shop::{create, healthy_shop, json_of, stackset, stackset_in};
use crate::need_cluster;

#[tokio::test(flavor = "multi_thread")]
async fn list_has_a_row_per_stackset_with_a_traffic_summary() {
    let cluster = need_cluster!("list_has_a_row_per_stackset_with_a_traffic_summary");
    let (ns, client) = healthy_shop(cluster, "list").await;
    create(&client, &ns.name, stackset("cart", "v1", "v1", false)).await;

    let r = stackset_in(cluster, &ns, &["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "NAME", "MANAGED", "BY", "VERSION", "STACKS", "TRAFFIC", "STATUS", "AGE"
        ]
    );
    assert_eq!(&rows[1][..3], ["cart", "controller", "v1"], "{}", r.stdout);
    assert_eq!(rows[1][3], "0/0");
    assert_eq!(rows[1][5], "Progressing");
    assert_eq!(
        &rows[2][..7],
        ["shop", "client-side", "v1", "1/1", "v1", "100", "Healthy"],
        "{}",
        r.stdout
    );
    assert_eq!(rows.len(), 3);

    // -l filters on the StackSets' labels.
    let r = stackset_in(cluster, &ns, &["list", "-l", "team=shop", "-o", "name"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "stackset.zalando.org/shop\n");

    // -A adds the namespace column and finds ours among the others.
    let r = stackset_in(cluster, &ns, &["list", "-A"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("NAMESPACE"), "{}", r.stdout);
    let ours: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(ns.name.as_str()))
        .collect();
    assert_eq!(ours.len(), 2, "{}", r.stdout);

    // JSON: the documented list.
    let r = stackset_in(cluster, &ns, &["list", "-o", "json"]);
    let v = json_of(&r.stdout);
    assert_eq!(v["kind"], "StackSetList");
    assert_eq!(v["items"][1]["name"], "shop");
    assert_eq!(v["items"][1]["traffic"][0]["actualWeight"], 100);
    assert_eq!(v["items"][1]["status"]["phase"], "Healthy");

    // A bad selector is the server's 400, one line and a hint.
    let r = stackset_in(cluster, &ns, &["list", "-l", "team in (a"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("hint: check the -l selector syntax"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_of_an_empty_namespace_says_so_on_stderr() {
    let cluster = need_cluster!("list_of_an_empty_namespace_says_so_on_stderr");
    let ns = cluster.namespace("list-empty").await;
    let r = stackset_in(cluster, &ns, &["list"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!("No resources found in {} namespace.\n", ns.name)
    );
    let r = stackset_in(cluster, &ns, &["list", "-o", "json"]);
    assert_eq!(json_of(&r.stdout)["items"], json!([]));
}
