//! What every read command (`get`, `list`, `traffic`, `history`, `status`)
//! shares: resolving the StackSet name (unknown, omitted), and identities and
//! permissions (the read-only identity, a forbidden request).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use crate::common::{bin, run};
use crate::fixtures::shop::{
    OURS, connection, create, healthy_shop, json_of, stackset, stackset_in,
};
use crate::need_cluster;
use crate::support::{TestCluster, eventually};

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_stackset_is_one_line_and_a_hint() {
    let cluster = need_cluster!("an_unknown_stackset_is_one_line_and_a_hint");
    let ns = cluster.namespace("get-unknown").await;
    for cmd in ["get", "traffic", "history", "status"] {
        let r = stackset_in(cluster, &ns, &[cmd, "nope"]);
        assert_eq!(r.code, 1, "{cmd}");
        assert_eq!(
            r.stderr,
            format!(
                "error: cannot get stacksets.zalando.org \"nope\" in namespace \"{}\": not found\n\
                 hint: list the StackSets with `kubectl stackset list` (or -A for every namespace)\n",
                ns.name
            ),
            "{cmd}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn name_may_be_omitted_only_when_the_namespace_has_one_stackset() {
    let cluster = need_cluster!("name_may_be_omitted_only_when_the_namespace_has_one_stackset");
    let ns = cluster.namespace("get-implicit").await;
    let client = cluster.client().await;

    let r = stackset_in(cluster, &ns, &["get"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(&format!(
            "error: no StackSets found in namespace \"{}\"\nhint: ",
            ns.name
        )),
        "{}",
        r.stderr
    );

    create(&client, &ns.name, stackset("shop", "v1", "v1", true)).await;
    for cmd in ["get", "traffic", "history"] {
        let r = stackset_in(cluster, &ns, &[cmd, "-o", "json"]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        assert_eq!(json_of(&r.stdout)["name"], "shop", "{cmd}");
    }

    create(&client, &ns.name, stackset("cart", "v1", "v1", true)).await;
    for cmd in ["get", "traffic", "history", "status"] {
        let r = stackset_in(cluster, &ns, &[cmd]);
        assert_eq!(r.code, 2, "{cmd}");
        assert_eq!(
            r.stderr,
            format!(
                "error: namespace \"{}\" has 2 StackSets; name one: cart, shop\n\
                 hint: kubectl stackset <command> NAME\n",
                ns.name
            ),
            "{cmd}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_read_only_identity_can_use_every_read_command() {
    let cluster = need_cluster!("the_read_only_identity_can_use_every_read_command");
    let (ns, _client) = healthy_shop(cluster, "viewer").await;
    let viewer = cluster.viewer_context().expect("a read-only context");
    let kubeconfig = cluster.kubeconfig.clone();
    for args in [
        vec!["get", "shop"],
        vec!["list"],
        vec!["list", "-A", "-o", "name"],
        vec!["traffic", "shop"],
        vec!["history", "shop"],
        vec!["status", "shop"],
        vec!["status", "shop", "--until", "healthy", "--timeout", "10s"],
    ] {
        let r = run(Command::new(bin())
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(["--context", &viewer, "-n", &ns.name])
            .args(&args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("warning"), "{args:?}: {}", r.stderr);
    }
    // The library path with the viewer's client: the whole view, events included.
    let (view, problem) = kubectl_stackset::commands::get::view(
        &connection(&cluster.viewer_client().await, &ns.name),
        &ns.name,
        Some("shop"),
        None,
        OURS,
        Timestamp::now(),
    )
    .await
    .expect("viewer reads");
    assert_eq!(problem, None);
    assert_eq!(view.stacks.len(), 1);
}

/// Grants user `user` get/list/watch on `resources` (group, plural) in `ns`.
fn grant(cluster: &TestCluster, ns: &str, user: &str, rules: &[(&str, &str)]) {
    let rules: Vec<Value> = rules
        .iter()
        .map(
            |(g, r)| json!({"apiGroups": [g], "resources": [r], "verbs": ["get", "list", "watch"]}),
        )
        .collect();
    let docs = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
         "metadata": {"name": user, "namespace": ns}, "rules": rules},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": user, "namespace": ns},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": user},
         "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]}
    ]});
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(&cluster.kubeconfig);
    if let Some(ctx) = cluster.admin_context() {
        cmd.args(["--context", &ctx]);
    }
    let mut child = cmd
        .args(["apply", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(docs.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_names_the_verb_and_resource_and_the_can_i_line() {
    let cluster = need_cluster!("forbidden_names_the_verb_and_resource_and_the_can_i_line");
    let (ns, _client) = healthy_shop(cluster, "forbidden").await;
    let n = &ns.name;

    // Nobody: not even the StackSets.
    let r = stackset_in(cluster, &ns, &["list", "--as", "nobody"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "error: cannot list stacksets.zalando.org in namespace \"{n}\": forbidden: "
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        lines[1],
        format!(
            "hint: check your permissions with `kubectl auth can-i list stacksets.zalando.org -n {n}`"
        )
    );

    // --user picks the kubeconfig user: the read-only one may read, but not
    // impersonate.
    let r = stackset_in(
        cluster,
        &ns,
        &["get", "shop", "--user", "stackset-viewer", "-o", "name"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = stackset_in(
        cluster,
        &ns,
        &["get", "shop", "--user", "stackset-viewer", "--as", "nobody"],
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("User \"stackset-viewer\" cannot impersonate"),
        "{}",
        r.stderr
    );

    // May read everything a view needs but Deployments.
    let partial = format!("partial-{n}");
    grant(
        cluster,
        n,
        &partial,
        &[
            ("zalando.org", "stacksets"),
            ("zalando.org", "stacks"),
            ("", "services"),
            ("autoscaling", "horizontalpodautoscalers"),
            ("networking.k8s.io", "ingresses"),
            ("", "events"),
        ],
    );
    let r = eventually("RBAC to apply", Duration::from_secs(10), || async {
        let r = stackset_in(cluster, &ns, &["get", "shop", "--as", &partial]);
        (!r.stderr.contains("stacksets.zalando.org")).then_some(r)
    })
    .await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "hint: check your permissions with `kubectl auth can-i list deployments.apps -n {n}`"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with(&format!(
            "error: cannot list deployments.apps in namespace \"{n}\": forbidden: "
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");

    // Everything a view needs but the events: the view works, and says why
    // there are no events.
    let no_events = format!("no-events-{n}");
    grant(
        cluster,
        n,
        &no_events,
        &[
            ("zalando.org", "stacksets"),
            ("zalando.org", "stacks"),
            ("apps", "deployments"),
            ("", "services"),
            ("autoscaling", "horizontalpodautoscalers"),
            ("networking.k8s.io", "ingresses"),
        ],
    );
    let r = eventually("RBAC to apply", Duration::from_secs(10), || async {
        let r = stackset_in(cluster, &ns, &["get", "shop", "--as", &no_events]);
        (r.code == 0).then_some(r)
    })
    .await;
    assert!(r.stdout.contains("Status:     Healthy"), "{}", r.stdout);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "warning: events not shown: cannot list events in namespace \"{n}\": forbidden: User \"{no_events}\" cannot list resource \"events\" in API group \"\" in the namespace \"{n}\""
        )
    );
}
