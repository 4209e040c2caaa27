//! Completion against the cluster (issue #7): bash completes StackSets for
//! `kubectl-stackset` run directly and through kubectl's plugin completion,
//! and stack versions and namespaces come from the cluster. Completion that
//! needs no cluster is in `tests/cli/completion.rs`.

use std::path::Path;

use kube::Client;
use kube::api::{Api, PostParams};
use kubectl_stackset::completion::engine::{Request, Target, Want};
use kubectl_stackset::completion::{self};
use serde_json::json;
use stackset_core::api::{Stack, StackSet};

use crate::common::{bash_complete, plugin_dir, tempdir};
use crate::need_cluster;
use crate::support::{TestCluster, repo_root};

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn stackset(name: &str) -> StackSet {
    serde_json::from_value(json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": name},
        "spec": {
            "stackLifecycle": {},
            "stackTemplate": {"spec": {
                "version": "v1",
                "podTemplate": {"spec": {"containers": [{"name": "app", "image": "nginx"}]}}
            }}
        }
    }))
    .expect("stackset fixture")
}

fn stack(stackset: &str, version: &str) -> Stack {
    serde_json::from_value(json!({
        "apiVersion": "zalando.org/v1",
        "kind": "Stack",
        "metadata": {
            "name": format!("{stackset}-{version}"),
            "labels": {"stackset": stackset, "stack-version": version}
        },
        "spec": {"podTemplate": {"spec": {"containers": [{"name": "app", "image": "nginx"}]}}}
    }))
    .expect("stack fixture")
}

/// StackSets `shop` and `web` (two stacks: v1, v2) and `shop` (one: v1).
async fn fixtures(client: &Client, ns: &str) {
    let sets: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let stacks: Api<Stack> = Api::namespaced(client.clone(), ns);
    for name in ["shop", "web"] {
        sets.create(&PostParams::default(), &stackset(name))
            .await
            .expect("create stackset");
    }
    for (set, version) in [("web", "v1"), ("web", "v2"), ("shop", "v1")] {
        stacks
            .create(&PostParams::default(), &stack(set, version))
            .await
            .expect("create stack");
    }
}

fn context_flag(cluster: &TestCluster) -> String {
    cluster
        .admin_context()
        .map(|c| format!("--context {c} "))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn bash_completes_stacksets_for_kubectl_stackset_run_directly() {
    let cluster = need_cluster!("bash_completes_stacksets_for_kubectl_stackset_run_directly");
    let ns = cluster.namespace("complete-bash").await;
    fixtures(&cluster.client().await, &ns.name).await;
    let tmp = tempdir("bash-direct");
    let path = path_with(&plugin_dir(&tmp));
    let script = repo_root().join("completions/kubectl-stackset.bash");
    let script = script.to_str().unwrap();
    let ctx = context_flag(cluster);
    let n = &ns.name;
    let complete = |line: &str| bash_complete(script, line, &path, &cluster.kubeconfig);

    assert_eq!(
        complete(&format!("kubectl-stackset {ctx}-n {n} reconcile ")),
        ["shop", "web"],
        "StackSet names in the namespace given with -n"
    );
    assert_eq!(
        complete(&format!(
            "kubectl-stackset {ctx}reconcile --namespace={n} w"
        )),
        ["web"],
        "prefix filtering, namespace given as --namespace=NS after the subcommand"
    );
    let prefix = &n[..n.len() - 2];
    assert_eq!(
        complete(&format!("kubectl-stackset {ctx}--namespace={prefix}")),
        [n.as_str()],
        "namespaces for --namespace=, with bash splitting the word at '='"
    );
    let subs = complete("kubectl-stackset ");
    assert!(
        subs.contains(&"reconcile".to_string()) && subs.contains(&"completion".to_string()),
        "subcommands: {subs:?}"
    );
    assert_eq!(
        complete(&format!(
            "kubectl-stackset {ctx}-n {n} reconcile --dry-run=s"
        )),
        ["server"]
    );
    if let Some(admin) = cluster.admin_context() {
        let contexts = complete("kubectl-stackset --context ");
        assert!(contexts.contains(&admin), "contexts: {contexts:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bash_completes_kubectl_stackset_through_kubectls_plugin_completion() {
    let cluster =
        need_cluster!("bash_completes_kubectl_stackset_through_kubectls_plugin_completion");
    let ns = cluster.namespace("complete-kubectl").await;
    fixtures(&cluster.client().await, &ns.name).await;
    let tmp = tempdir("bash-kubectl");
    let path = path_with(&plugin_dir(&tmp));
    let ctx = context_flag(cluster);
    let n = &ns.name;
    let complete = |line: &str| bash_complete("kubectl", line, &path, &cluster.kubeconfig);

    assert_eq!(
        complete(&format!("kubectl stackset {ctx}-n {n} reconcile ")),
        ["shop", "web"],
        "kubectl ran kubectl_complete-stackset with the plugin's arguments"
    );
    assert_eq!(
        complete(&format!("kubectl stackset {ctx}-n {n} reconcile s")),
        ["shop"]
    );
    let subs = complete("kubectl stackset ");
    assert!(
        subs.contains(&"reconcile".to_string()),
        "subcommands: {subs:?}"
    );
    assert_eq!(
        complete("kubectl stacks"),
        ["stackset"],
        "kubectl lists the plugin"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stack_versions_and_namespaces_come_from_the_cluster() {
    let cluster = need_cluster!("stack_versions_and_namespaces_come_from_the_cluster");
    let ns = cluster.namespace("complete-lookup").await;
    fixtures(&cluster.client().await, &ns.name).await;
    let target = Target {
        kubeconfig: Some(cluster.kubeconfig.display().to_string()),
        context: cluster.admin_context(),
        namespace: Some(ns.name.clone()),
        ..Target::default()
    };
    let ask = |wants: Vec<Want>, current: &str| Request {
        wants,
        current: current.to_string(),
        target: target.clone(),
        no_space: false,
    };
    let values = |req: &Request, found: &[completion::engine::Candidate]| -> Vec<String> {
        completion::render(req, found)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };

    let req = ask(
        vec![Want::Versions {
            stackset: Some("web".into()),
            assignment: true,
            exclude: vec!["v1".into()],
        }],
        "",
    );
    let found = completion::lookup(&req).await;
    assert_eq!(values(&req, &found), ["v2=", ":4"], "v1 was already given");

    let req = ask(
        vec![Want::Versions {
            stackset: None,
            assignment: false,
            exclude: vec![],
        }],
        "",
    );
    let found = completion::lookup(&req).await;
    assert_eq!(
        values(&req, &found),
        ["v1", "v2", ":4"],
        "every StackSet's versions, once each"
    );

    let req = ask(vec![Want::Namespaces], &ns.name);
    let found = completion::lookup(&req).await;
    assert_eq!(values(&req, &found), [ns.name.as_str(), ":4"]);
}
