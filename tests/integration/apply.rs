//! `kubectl stackset apply`: create, configure and reject files; directories
//! and `-R`.

use std::process::Stdio;

use crate::fixtures::app::{expect_code, run, stack_names, temp_file};
use crate::need_cluster;
use crate::support::stackset_cmd;

const MANIFEST: &str = "apiVersion: zalando.org/v1
kind: StackSet
metadata:
  name: web
  annotations:
    stackset-controller.zalando.org/controller: kubectl-stackset
spec:
  ingress:
    hosts: [web.example.org]
    backendPort: 80
  stackLifecycle: {}
  stackTemplate:
    spec:
      version: v1
      replicas: 1
      podTemplate:
        spec:
          containers:
          - name: web
            image: example/web:v1
            ports:
            - containerPort: 80
";

#[tokio::test(flavor = "multi_thread")]
async fn apply_creates_configures_and_rejects_bad_files() {
    let cluster = need_cluster!("apply_creates_configures_and_rejects_bad_files");
    let ns = cluster.namespace("apply").await;
    let client = cluster.client().await;

    let broken = temp_file(
        "broken.yaml",
        &MANIFEST.replace("hosts: [web.example.org]", "hosts: [web.example.org"),
    );
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["apply", "-f", broken.to_str().unwrap()],
        ),
        1,
    );
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("error: {}:", broken.display())),
        "file, line and column: {err}"
    );
    let position: Vec<&str> = first
        .trim_start_matches(&format!("error: {}:", broken.display()))
        .splitn(3, ':')
        .collect();
    assert!(
        position[0].parse::<u32>().is_ok() && position[1].parse::<u32>().is_ok(),
        "{first}"
    );

    let deployment_doc = temp_file(
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
    );
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["apply", "-f", deployment_doc.to_str().unwrap()],
        ),
        1,
    );
    assert!(err.contains("not a zalando.org/v1 StackSet"), "{err}");
    let (_, err) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", "/nonexistent/x.yaml"]),
        1,
    );
    assert!(err.contains("cannot read /nonexistent/x.yaml"), "{err}");
    assert!(
        stack_names(&client, &ns.name).await.is_empty(),
        "nothing was written"
    );

    // From stdin, then from a file: created, unchanged, configured.
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["apply", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MANIFEST.as_bytes())
        .unwrap();
    let (out, _) = expect_code(&child.wait_with_output().unwrap(), 0);
    assert_eq!(out, "stackset.zalando.org/web created\n");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["web-v1"],
        "reconciled at once"
    );

    let file = temp_file("web.yaml", MANIFEST);
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", file.to_str().unwrap()]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/web unchanged\n");

    let v2 = temp_file(
        "web-v2.yaml",
        &MANIFEST.replace("version: v1", "version: v2"),
    );
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["apply", "-f", v2.to_str().unwrap(), "--dry-run=server"],
        ),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/web configured (server dry run)\n"
    );
    assert_eq!(stack_names(&client, &ns.name).await, vec!["web-v1"]);
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", v2.to_str().unwrap()]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/web configured\n");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["web-v1", "web-v2"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_takes_a_directory_and_recurses_with_r() {
    let cluster = need_cluster!("apply_takes_a_directory_and_recurses_with_r");
    let ns = cluster.namespace("apply-dir").await;
    let dir = std::env::temp_dir().join(format!("apply-dir-{}", ns.name));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("more")).unwrap();
    let manifest = |name: &str| {
        format!(
            "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata:\n  name: {name}\n  annotations:\n    stackset-controller.zalando.org/controller: kubectl-stackset\nspec:\n  stackLifecycle: {{}}\n  stackTemplate:\n    spec:\n      version: v1\n      podTemplate:\n        spec:\n          containers:\n          - name: app\n            image: example/{name}:v1\n"
        )
    };
    std::fs::write(dir.join("a.yaml"), manifest("dir-a")).unwrap();
    std::fs::write(dir.join("more/b.yaml"), manifest("dir-b")).unwrap();
    let d = dir.to_str().unwrap();
    let (out, _) = expect_code(&run(cluster, &ns.name, &["apply", "-f", d, "--dry-run"]), 0);
    assert_eq!(out, "stackset.zalando.org/dir-a created (dry run)\n");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", d, "-R", "--dry-run"]),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/dir-a created (dry run)\nstackset.zalando.org/dir-b created (dry run)\n"
    );
    // A misspelt field is named, with the nearest known one.
    std::fs::write(
        dir.join("more/b.yaml"),
        manifest("dir-b").replace("stackTemplate:", "stackTemplte:"),
    )
    .unwrap();
    let (_, err) = expect_code(&run(cluster, &ns.name, &["apply", "-f", d, "-R"]), 1);
    assert!(
        err.contains("b.yaml:9: document 1: unknown field spec.stackTemplte\nhint: did you mean stackTemplate?"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
