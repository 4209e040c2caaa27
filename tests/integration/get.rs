//! `kubectl stackset get` against the real local control plane: what it
//! shows (who manages the StackSet, each stack, why traffic waits), how a
//! stack is named, the namespace default, and that it makes one request per
//! kind and writes nothing.

use std::path::PathBuf;
use std::process::Command;

use k8s_openapi::jiff::Timestamp;

use crate::common::{bin, run};
use crate::fixtures::shop::{
    OURS, blocked_shop, connection, create, healthy_shop, json_of, reconcile, stackset,
    stackset_in, yaml,
};
use crate::need_cluster;
use crate::support::{RequestCounter, TestCluster};

/// A kubeconfig copy in the target dir whose current context is `context`
/// with its namespace set to `namespace`.
fn kubeconfig_with_namespace(cluster: &TestCluster, namespace: &str) -> PathBuf {
    let dir = crate::support::repo_root().join("target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("kubeconfig-ns-{namespace}"));
    std::fs::copy(&cluster.kubeconfig, &path).unwrap();
    let ctx = cluster
        .admin_context()
        .unwrap_or_else(|| "stackset-local".into());
    let ok = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&path)
        .args(["config", "set-context", &ctx, "--namespace", namespace])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let ok = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&path)
        .args(["config", "use-context", &ctx])
        .output()
        .unwrap();
    assert!(ok.status.success());
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn get_shows_who_manages_it_each_stack_and_why_traffic_waits() {
    let cluster = need_cluster!("get_shows_who_manages_it_each_stack_and_why_traffic_waits");
    let (ns, _client) = blocked_shop(cluster, "get-blocked").await;

    let r = stackset_in(cluster, &ns, &["get", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    assert!(out.contains(&format!("Namespace:  {}\n", ns.name)), "{out}");
    assert!(out.contains("Context:    stackset-local\n"), "{out}");
    assert!(
        out.contains("Managed by: client-side (kubectl-stackset)\n"),
        "{out}"
    );
    assert!(out.contains("Version:    v2 (stack shop-v2)\n"), "{out}");
    assert!(
        out.contains("Status:     Progressing - waiting for v2: 0/2 ready, need 2\n"),
        "{out}"
    );
    let row = |v: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(v))
            .unwrap_or_else(|| panic!("no row {v}: {out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        &row("v1")[..6],
        ["v1", "0%", "100%", "██████████", "2/2", "2"],
        "{out}"
    );
    assert_eq!(
        &row("v2*")[..6],
        ["v2*", "100%", "0%", "░░░░░░░░░░", "0/2", "2"],
        "{out}"
    );
    assert!(
        row("v2*")
            .join(" ")
            .contains("not ready (0/2 ready, need 2)"),
        "{out}"
    );
    assert!(
        out.contains("Actual traffic differs from desired: waiting for v2: 0/2 ready, need 2"),
        "{out}"
    );
    // The reconciles published TrafficNotSwitched; it shows once, de-duplicated.
    let warnings: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("TrafficNotSwitched"))
        .collect();
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(warnings[0].contains("stackset"), "{out}");

    // The same as a documented JSON view.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json_of(&r.stdout);
    assert_eq!(v["apiVersion"], "kubectl-stackset.io/v1alpha1");
    assert_eq!(v["kind"], "StackSetView");
    assert_eq!(v["managedBy"]["mode"], "client-side");
    assert_eq!(v["status"]["phase"], "Progressing");
    assert_eq!(v["status"]["trafficSwitched"], false);
    assert_eq!(v["stacks"][1]["name"], "shop-v2");
    assert_eq!(v["stacks"][1]["desiredWeight"], 100);
    assert_eq!(v["stacks"][1]["actualWeight"], 0);
    assert_eq!(v["stacks"][1]["state"], "not-ready");
    assert_eq!(v["stacks"][1]["images"][0], "example/shop:broken");
    assert_eq!(
        v["stacks"][1]["trafficNote"],
        "waiting for v2: 0/2 ready, need 2"
    );
    assert_eq!(v["events"][0]["reason"], "TrafficNotSwitched");

    // YAML is the same document.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let y = yaml(&r.stdout);
    assert_eq!(y["stacks"], v["stacks"]);

    // Wide adds the stack names and images.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "wide"]);
    assert!(r.stdout.contains("IMAGES"), "{}", r.stdout);
    assert!(r.stdout.contains("example/shop:broken"), "{}", r.stdout);
    assert!(r.stdout.contains("shop-v2"), "{}", r.stdout);

    // -o name.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "name"]);
    assert_eq!(r.stdout, "stackset.zalando.org/shop\n");

    // No colour into a pipe, unless asked for.
    let plain = stackset_in(cluster, &ns, &["get", "shop"]);
    assert!(!plain.stdout.contains('\x1b'), "{:?}", plain.stdout);
    let r = stackset_in(cluster, &ns, &["get", "shop", "--color", "always"]);
    assert!(
        r.stdout.contains("\x1b[33mProgressing\x1b[0m"),
        "{:?}",
        r.stdout
    );
    let r = stackset_in(cluster, &ns, &["get", "shop", "--color", "never"]);
    // The two runs may straddle a second: compare with ages blanked out.
    assert_eq!(without_ages(&r.stdout), without_ages(&plain.stdout));
}

/// Replaces ages such as `1s`, `12m` or `3h` (whole words) with `<age>`.
fn without_ages(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let w = word.trim_end();
            let is_age = w.strip_suffix(['s', 'm', 'h', 'd']).is_some_and(|digits| {
                !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
            });
            if is_age {
                word.replacen(w, "<age>", 1)
            } else {
                word.to_string()
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_is_named_by_version_or_full_name() {
    let cluster = need_cluster!("a_stack_is_named_by_version_or_full_name");
    let (ns, _client) = healthy_shop(cluster, "get-stack").await;
    for wanted in ["v1", "shop-v1"] {
        let r = stackset_in(cluster, &ns, &["get", "shop", wanted, "-o", "name"]);
        assert_eq!(r.code, 0, "{wanted}: {}", r.stderr);
        assert_eq!(r.stdout, "stack.zalando.org/shop-v1\n", "{wanted}");
    }
    let r = stackset_in(cluster, &ns, &["get", "shop", "v9"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: stackset shop has no stack 'v9'; its stacks: v1\n\
         hint: name a stack by its version (v2) or its full name (my-app-v2)\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_namespace_defaults_to_the_contexts_namespace() {
    let cluster = need_cluster!("the_namespace_defaults_to_the_contexts_namespace");
    let ns = cluster.namespace("get-ctx-ns").await;
    let client = cluster.client().await;
    create(&client, &ns.name, stackset("shop", "v1", "v1", true)).await;
    let kc = kubeconfig_with_namespace(cluster, &ns.name);
    // No -n: the context's namespace, not "default".
    let r = run(Command::new(bin())
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["get", "-o", "json"]));
    let _ = std::fs::remove_file(&kc);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json_of(&r.stdout);
    assert_eq!(v["namespace"], ns.name.as_str());
    assert_eq!(v["name"], "shop");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_controller_managed_stackset_says_it_waits_for_the_controller() {
    let cluster = need_cluster!("a_controller_managed_stackset_says_it_waits_for_the_controller");
    let ns = cluster.namespace("get-controller").await;
    let client = cluster.client().await;
    create(&client, &ns.name, stackset("shop", "v1", "v1", false)).await;
    let r = stackset_in(cluster, &ns, &["get", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Managed by: in-cluster stackset-controller\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "Status:     Progressing - no stack for version v1 yet (waiting for the controller)\n"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("No stacks yet."), "{}", r.stdout);
}

/// `(method, resource)` of every request, e.g. ("GET", "stacksets").
fn kinds(counter: &RequestCounter) -> Vec<(String, String)> {
    counter
        .requests()
        .into_iter()
        .map(|(method, uri)| {
            let path = uri.split('?').next().unwrap_or_default().to_string();
            let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let resource = match segs.iter().position(|s| *s == "namespaces") {
                Some(i) if segs.len() > i + 2 => segs[i + 2].to_string(),
                _ => segs.last().copied().unwrap_or_default().to_string(),
            };
            (method, resource)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn get_makes_one_request_per_kind_and_writes_nothing() {
    let cluster = need_cluster!("get_makes_one_request_per_kind_and_writes_nothing");
    let (ns, client) = blocked_shop(cluster, "get-requests").await;
    create(&client, &ns.name, stackset("cart", "v1", "v1", true)).await;
    reconcile(&client, &ns.name, "cart").await;
    let counter = RequestCounter::default();
    let counted = cluster.counting_client(&counter).await;

    let (view, events_problem) = kubectl_stackset::commands::get::view(
        &connection(&counted, &ns.name),
        &ns.name,
        Some("shop"),
        None,
        OURS,
        Timestamp::now(),
    )
    .await
    .expect("get view");
    assert_eq!(events_problem, None);
    assert_eq!(view.stacks.len(), 2);
    let mut got = kinds(&counter);
    got.sort();
    let want: Vec<(String, String)> = [
        "deployments",
        "events",
        "horizontalpodautoscalers",
        "ingresses",
        "services",
        "stacks",
        "stacksets",
    ]
    .iter()
    .map(|k| ("GET".to_string(), k.to_string()))
    .collect();
    assert_eq!(
        got,
        want,
        "exactly one request per kind: {:?}",
        counter.requests()
    );
    assert!(counter.writes().is_empty());

    // The list of a namespace with two StackSets: still one request per kind.
    counter.reset();
    let list = kubectl_stackset::commands::list::view(
        &connection(&counted, &ns.name),
        Some(&ns.name),
        None,
        OURS,
        Timestamp::now(),
    )
    .await
    .expect("list view");
    assert_eq!(list.items.len(), 2);
    let mut got = kinds(&counter);
    got.sort();
    let want: Vec<(String, String)> = [
        "deployments",
        "horizontalpodautoscalers",
        "ingresses",
        "services",
        "stacks",
        "stacksets",
    ]
    .iter()
    .map(|k| ("GET".to_string(), k.to_string()))
    .collect();
    assert_eq!(got, want, "{:?}", counter.requests());
    assert!(counter.writes().is_empty());
}
