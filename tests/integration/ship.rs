//! Shipping like a kubectl plugin (issue #7): generated completions and man
//! pages are current, completion works for real in bash (for
//! `kubectl-stackset` and through kubectl's plugin completion) against the
//! local cluster, install.sh installs into a temporary HOME and uninstalls,
//! and the krew manifest follows krew's rules (checked here and by krew
//! itself, built from the Go module proxy like the control plane).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use clap::CommandFactory;
use kube::Client;
use kube::api::{Api, PostParams};
use kubectl_stackset::cli::Cli;
use kubectl_stackset::completion::engine::{Request, Target, Want};
use kubectl_stackset::completion::{self, scripts};
use serde_json::{Value, json};
use stackset_core::api::{Stack, StackSet};

use crate::need_cluster;
use crate::support::{TestCluster, repo_root};

const REGENERATE: &str = "regenerate with `make generate` and commit the result";
const BIN: &str = env!("CARGO_BIN_EXE_kubectl-stackset");

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn lines(out: &Output) -> Vec<String> {
    text(out).lines().map(str::to_string).collect()
}

/// The files of `dir` whose names satisfy `ours`, by name.
fn committed(dir: &Path, ours: impl Fn(&str) -> bool) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}; {REGENERATE}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| ours(n))
        .map(|n| {
            let body = std::fs::read_to_string(dir.join(&n)).expect("read generated file");
            (n, body)
        })
        .collect()
}

fn assert_same(what: &str, committed: BTreeMap<String, String>, fresh: Vec<(String, String)>) {
    let fresh: BTreeMap<String, String> = fresh.into_iter().collect();
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "{what}: the set of files differs from the CLI's; {REGENERATE}"
    );
    for (name, body) in &fresh {
        assert!(
            committed[name] == *body,
            "{what}/{name} is stale: it differs from what the CLI generates; {REGENERATE}"
        );
    }
}

#[test]
fn committed_completions_match_the_cli() {
    let dir = repo_root().join("completions");
    let fresh = scripts::all(&kubectl_stackset::cli::command())
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
    assert_same("completions", committed(&dir, |_| true), fresh);
}

#[test]
fn committed_man_pages_match_the_cli() {
    let dir = repo_root().join("man");
    let fresh = kubectl_stackset::commands::man::pages();
    assert!(
        fresh
            .iter()
            .any(|(n, _)| n == "kubectl-stackset-reconcile.1"),
        "one page per subcommand"
    );
    assert_same("man", committed(&dir, |n| n.ends_with(".1")), fresh);
}

#[test]
fn every_command_has_examples_in_its_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let path = format!("{path} {}", sub.get_name());
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if sub.get_name() != "help" && !help.contains("Examples:") {
                missing.push(path.clone());
            }
            walk(sub, &path, missing);
        }
    }
    let mut missing = Vec::new();
    walk(&Cli::command(), "kubectl stackset", &mut missing);
    assert!(
        missing.is_empty(),
        "no Examples: block in the help of {missing:?}"
    );
}

/// A directory holding `kubectl-stackset` and `kubectl_complete-stackset`
/// (symlinks to the built binary), to put first on PATH.
fn plugin_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["kubectl-stackset", completion::KUBECTL_HELPER] {
        std::os::unix::fs::symlink(BIN, dir.join(name)).unwrap();
    }
    dir
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs tests/integration/complete.bash: `script` completes `line` in bash.
fn bash_complete(script: &str, line: &str, path: &str, kubeconfig: &Path) -> Vec<String> {
    let driver = repo_root().join("tests/integration/complete.bash");
    let out = Command::new("bash")
        .arg(&driver)
        .arg(script)
        .arg(line)
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig)
        .env_remove("BASH_ENV")
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "completing {line:?} with {script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines(&out).into_iter().filter(|l| !l.is_empty()).collect()
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

#[test]
fn the_static_bash_script_works_without_the_binary() {
    // No kubectl-stackset on PATH: clap_complete's static function answers.
    let tmp = tempdir("bash-static");
    let script = repo_root().join("completions/kubectl-stackset.bash");
    let complete = |line: &str| {
        bash_complete(
            script.to_str().unwrap(),
            line,
            "/usr/bin:/bin",
            &tmp.join("no-kubeconfig"),
        )
    };
    assert_eq!(complete("kubectl-stackset rec"), ["reconcile"]);
    assert_eq!(complete("kubectl-stackset reconcile --dry"), ["--dry-run"]);
    assert_eq!(
        complete("kubectl-stackset --color "),
        ["auto", "always", "never"]
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

#[test]
fn completion_errors_are_silent_and_quick() {
    // A kubeconfig whose server refuses connections.
    let tmp = tempdir("complete-unreachable");
    let kubeconfig = tmp.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: x\n\
         clusters: [{name: x, cluster: {server: 'https://127.0.0.1:1'}}]\n\
         users: [{name: x, user: {token: secret-token}}]\n\
         contexts: [{name: x, context: {cluster: x, user: x}}]\n",
    )
    .unwrap();
    let started = Instant::now();
    let out = Command::new(BIN)
        .args(["__complete", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["reconcile", ""])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out), ":4\n", "only the directive");
    assert!(out.stderr.is_empty(), "nothing on stderr: {:?}", out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "bounded by the completion deadline: {:?}",
        started.elapsed()
    );
    // As kubectl's helper: same protocol.
    let helper = plugin_dir(&tmp).join(completion::KUBECTL_HELPER);
    let out = Command::new(helper)
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .arg("--context")
        .arg("")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        lines(&out),
        ["x\tx/default", ":4"],
        "contexts need no server"
    );
}

#[test]
fn completion_helper_is_created_once_and_never_over_a_file() {
    let tmp = tempdir("helper");
    let dir = tmp.join("plugins");
    std::fs::create_dir_all(&dir).unwrap();
    let run = || {
        Command::new(BIN)
            .arg("completion")
            .arg(format!("--kubectl-helper={}", dir.display()))
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{first:?}");
    assert!(text(&first).ends_with("created\n"), "{}", text(&first));
    let link = dir.join(completion::KUBECTL_HELPER);
    assert_eq!(std::fs::read_link(&link).unwrap(), PathBuf::from(BIN));
    let again = run();
    assert!(again.status.success());
    assert!(text(&again).ends_with("unchanged\n"), "{}", text(&again));

    std::fs::remove_file(&link).unwrap();
    std::fs::write(&link, "#!/bin/sh\n").unwrap();
    let refused = run();
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("not a symlink") && err.contains("hint: remove it first"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&link).unwrap(),
        "#!/bin/sh\n",
        "left alone"
    );
}

/// A fresh directory under target/ (removed first if a previous run left it).
fn tempdir(name: &str) -> PathBuf {
    let dir = repo_root()
        .join("target/test-tmp")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// HOME, PATH, cargo's and rustup's homes (and CARGO_TARGET_DIR when set),
/// as a user's shell has them.
fn user_env() -> Vec<(String, String)> {
    let home = std::env::var("HOME").expect("HOME");
    let mut env = vec![
        ("HOME".to_string(), home.clone()),
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
        (
            "CARGO_HOME".to_string(),
            std::env::var("CARGO_HOME").unwrap_or(format!("{home}/.cargo")),
        ),
        (
            "RUSTUP_HOME".to_string(),
            std::env::var("RUSTUP_HOME").unwrap_or(format!("{home}/.rustup")),
        ),
    ];
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        env.push(("CARGO_TARGET_DIR".to_string(), dir));
    }
    env
}

/// Where a program lives on the PATH this test runs with.
fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn install_sh_installs_into_home_idempotently_and_uninstalls() {
    let tmp = tempdir("install");
    let home = tmp.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Only the tools install.sh needs, so that no other kubectl-stackset on
    // this machine's PATH can shadow the one under test.
    let tools = tmp.join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    for t in ["cargo", "rustc", "kubectl"] {
        std::os::unix::fs::symlink(which(t), tools.join(t)).unwrap();
    }
    let prefix_bin = home.join(".local/bin");
    let path = format!("{}:{}:/usr/bin:/bin", prefix_bin.display(), tools.display());
    let run = |program: &Path, args: &[&str]| -> Output {
        Command::new(program)
            .args(args)
            .current_dir(&tmp)
            .env_clear()
            .envs(user_env())
            .env("HOME", &home)
            .env("PATH", &path)
            .output()
            .expect("run")
    };
    let install = repo_root().join("install.sh");
    let kubectl = tools.join("kubectl");

    // The dev profile reuses the debug build `make test` already made; a
    // release build would add a quarter of an hour of LTO to every run.
    let args = ["--profile", "dev"];
    let first = run(&install, &args);
    assert!(
        first.status.success(),
        "install.sh failed: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let installed = files_under(&home);
    let expected = [
        ".local/bin/kubectl-stackset",
        ".local/bin/kubectl_complete-stackset",
        ".local/share/bash-completion/completions/kubectl-stackset",
        ".local/share/fish/vendor_completions.d/kubectl-stackset.fish",
        ".local/share/kubectl-stackset/_kubectl-stackset.ps1",
        ".local/share/kubectl-stackset/installed-files",
        ".local/share/man/man1/kubectl-stackset-reconcile.1",
        ".local/share/man/man1/kubectl-stackset.1",
        ".local/share/zsh/site-functions/_kubectl-stackset",
    ];
    for f in expected {
        assert!(
            installed.contains(&f.to_string()),
            "{f} missing: {installed:?}"
        );
    }
    assert!(
        installed.iter().all(|f| f.starts_with(".local/")),
        "nothing outside the prefix: {installed:?}"
    );
    let bash = std::fs::read_to_string(home.join(expected[2])).unwrap();
    assert_eq!(
        bash,
        scripts::script(
            &kubectl_stackset::cli::command(),
            kubectl_stackset::cli::CompletionShell::Bash
        )
    );

    let list = run(&kubectl, &["plugin", "list"]);
    assert!(
        text(&list).contains(&prefix_bin.join("kubectl-stackset").display().to_string()),
        "kubectl plugin list: {}{}",
        text(&list),
        String::from_utf8_lossy(&list.stderr)
    );
    assert!(list.status.success(), "no plugin warnings: {list:?}");
    let version = run(&kubectl, &["stackset", "version"]);
    assert!(version.status.success(), "{version:?}");
    assert_eq!(
        text(&version),
        format!("kubectl-stackset {}\n", env!("CARGO_PKG_VERSION"))
    );
    // kubectl's own completion finds the installed helper.
    let complete = run(&kubectl, &["__complete", "stackset", "rec"]);
    assert!(
        text(&complete).starts_with("reconcile\t"),
        "{}",
        text(&complete)
    );

    let contents = |files: &[String]| -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|f| (f.clone(), std::fs::read(home.join(f)).unwrap_or_default()))
            .collect()
    };
    let before = contents(&installed);
    let second = run(&install, &args);
    assert!(second.status.success(), "{second:?}");
    assert_eq!(
        files_under(&home),
        installed,
        "same files after a second run"
    );
    assert_eq!(
        contents(&installed),
        before,
        "same contents after a second run"
    );

    let removed = run(&install, &["--uninstall"]);
    assert!(removed.status.success(), "{removed:?}");
    assert_eq!(
        files_under(&home),
        Vec::<String>::new(),
        "everything removed"
    );
    let list = run(&kubectl, &["plugin", "list"]);
    assert!(
        !text(&list).contains("kubectl-stackset"),
        "kubectl no longer finds the plugin: {}",
        text(&list)
    );
    let again = run(&install, &["--uninstall"]);
    assert!(again.status.success(), "uninstalling twice is fine");
    let _ = std::fs::remove_dir_all(&tmp);
}

// ---- krew ------------------------------------------------------------------

/// krew's manifest rules (krew's validate.go and its plugin docs).
fn krew_violations(manifest: &Value, file_stem: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let s = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    if s(manifest, "/apiVersion").as_deref()
        != Some("krew.googlecontainertools.github.com/v1alpha2")
    {
        bad.push("apiVersion".into());
    }
    if s(manifest, "/kind").as_deref() != Some("Plugin") {
        bad.push("kind".into());
    }
    let name = s(manifest, "/metadata/name").unwrap_or_default();
    if name != file_stem
        || name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bad.push(format!("metadata.name {name:?} must match the file name"));
    }
    let version = s(manifest, "/spec/version").unwrap_or_default();
    let semver = version.strip_prefix('v').is_some_and(|v| {
        let core = v.split(['-', '+']).next().unwrap_or("");
        let parts: Vec<&str> = core.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.parse::<u64>().is_ok())
    });
    if !semver {
        bad.push(format!("spec.version {version:?} is not v-prefixed semver"));
    }
    let short = s(manifest, "/spec/shortDescription").unwrap_or_default();
    if short.is_empty() || short.contains('\n') || short.chars().count() > 50 {
        bad.push(format!(
            "shortDescription {short:?}: one line of 1..=50 characters"
        ));
    }
    for field in ["/spec/description", "/spec/homepage"] {
        if s(manifest, field).is_none_or(|v| v.trim().is_empty()) {
            bad.push(format!("{field} is empty"));
        }
    }
    let platforms = manifest
        .pointer("/spec/platforms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if platforms.is_empty() {
        bad.push("no platforms".into());
    }
    for (i, p) in platforms.iter().enumerate() {
        let labels = p
            .pointer("/selector/matchLabels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if labels.is_empty() || labels.keys().any(|k| k != "os" && k != "arch") {
            bad.push(format!(
                "platform {i}: selector.matchLabels must use os/arch"
            ));
        }
        let uri = s(p, "/uri").unwrap_or_default();
        if !(uri.ends_with(".tar.gz") || uri.ends_with(".zip")) || !uri.starts_with("https://") {
            bad.push(format!(
                "platform {i}: uri {uri:?} must be an https .tar.gz or .zip"
            ));
        }
        let sha = s(p, "/sha256").unwrap_or_default();
        if sha.len() != 64 || !sha.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')) {
            bad.push(format!("platform {i}: sha256 {sha:?}"));
        }
        let bin = s(p, "/bin").unwrap_or_default();
        let windows = labels.get("os").and_then(Value::as_str) == Some("windows");
        if bin.is_empty() || (windows && !bin.ends_with(".exe")) {
            bad.push(format!("platform {i}: bin {bin:?}"));
        }
        match p.get("files").and_then(Value::as_array) {
            Some(files) if files.is_empty() => bad.push(format!("platform {i}: empty files")),
            Some(files) => {
                let froms: Vec<String> = files.iter().filter_map(|f| s(f, "/from")).collect();
                if !froms.iter().any(|f| f == "LICENSE") {
                    bad.push(format!("platform {i}: LICENSE is not extracted"));
                }
                if !froms
                    .iter()
                    .any(|f| *f == bin || f.ends_with(&format!("/{bin}")))
                {
                    bad.push(format!("platform {i}: bin {bin} is not extracted"));
                }
            }
            None => {}
        }
    }
    bad
}

fn krew_manifest(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn krew_manifest_template_follows_krews_rules() {
    let path = repo_root().join("krew/stackset.yaml");
    let manifest = krew_manifest(&path);
    assert_eq!(krew_violations(&manifest, "stackset"), Vec::<String>::new());
    assert_eq!(
        manifest.pointer("/spec/version").and_then(Value::as_str),
        Some(format!("v{}", env!("CARGO_PKG_VERSION")).as_str()),
        "the manifest's version follows Cargo.toml"
    );
    let oses: Vec<&str> = manifest["spec"]["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.pointer("/selector/matchLabels/os")
                .and_then(Value::as_str)
        })
        .collect();
    for os in ["linux", "darwin", "windows"] {
        assert!(oses.contains(&os), "a {os} build: {oses:?}");
    }
    // The rules bite: a manifest breaking them is reported.
    let mut broken = manifest.clone();
    broken["spec"]["shortDescription"] = json!("x".repeat(51));
    broken["spec"]["platforms"][0]["uri"] = json!("https://example.org/kubectl-stackset");
    broken["spec"]["platforms"][0]["sha256"] = json!("SHA");
    assert_eq!(krew_violations(&broken, "stackset").len(), 3);
}

#[test]
fn release_archive_holds_what_the_krew_manifest_extracts() {
    let tmp = tempdir("package");
    // The environment a user's shell has, not the one cargo test adds
    // (CARGO_PKG_*, ...), which would make the nested cargo rebuild.
    let package = || {
        Command::new(repo_root().join("scripts/package.sh"))
            .env_clear()
            .envs(user_env())
            .env("DIST_DIR", &tmp)
            .env("PROFILE", "dev")
            .output()
            .expect("run scripts/package.sh")
    };
    let out = package();
    assert!(
        out.status.success(),
        "scripts/package.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = text(&out);
    let (sum, archive) = stdout.trim().split_once("  ").expect("SHA256  PATH");
    assert_eq!(sum.len(), 64, "{stdout}");
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(archive)
        .output()
        .unwrap();
    let entries = lines(&listing);
    for want in [
        "./kubectl-stackset",
        "./LICENSE",
        "./completions/kubectl-stackset.bash",
        "./completions/_kubectl-stackset",
        "./man/kubectl-stackset.1",
    ] {
        assert!(
            entries.iter().any(|e| e == want),
            "{want} not in {archive}: {entries:?}"
        );
    }
    // What krew extracts (files.from) and runs (bin) is in the archive.
    let manifest = krew_manifest(&repo_root().join("krew/stackset.yaml"));
    let linux = &manifest["spec"]["platforms"][0];
    for f in linux["files"].as_array().unwrap() {
        let from = format!("./{}", f["from"].as_str().unwrap());
        assert!(entries.contains(&from), "{from} not in the archive");
    }
    // The archive is reproducible: packaging again gives the same checksum.
    let again = package();
    assert_eq!(text(&again), stdout, "same inputs, same archive");

    // krew itself: its validator accepts the manifest, and `krew install
    // --manifest --archive` verifies this archive's checksum on the
    // linux/amd64 entry, extracts it and the plugin runs.
    let krew = Command::new(repo_root().join("scripts/krew-check.sh"))
        .arg(archive)
        .env_clear()
        .envs(user_env())
        .output()
        .expect("run scripts/krew-check.sh");
    let stderr = String::from_utf8_lossy(&krew.stderr);
    assert!(krew.status.success(), "krew-check: {stderr}");
    assert!(stderr.contains("structural validation OK"), "{stderr}");
    assert!(stderr.contains("Installed plugin: stackset"), "{stderr}");
    let installed = lines(&krew);
    assert_eq!(
        installed,
        [
            format!("kubectl-stackset {}", env!("CARGO_PKG_VERSION")),
            "LICENSE".to_string(),
            "kubectl-stackset".to_string()
        ],
        "the installed plugin runs; krew extracted LICENSE and the binary"
    );

    // Rendering the manifest needs every platform's archive; with only this
    // one it refuses instead of writing a manifest with a placeholder left.
    let render = Command::new(repo_root().join("scripts/krew-manifest.sh"))
        .arg(&tmp)
        .output()
        .unwrap();
    assert_eq!(render.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&render.stderr).contains("is missing"),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
