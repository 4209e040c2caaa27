//! `kubectl stackset completion` without a cluster (issue #7): the committed
//! scripts are current, the static bash script works without the binary,
//! errors are silent and quick, and the kubectl helper link.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use kubectl_stackset::completion::{self, scripts};

use crate::common::{BIN, repo_root};
use crate::common::{bash_complete, lines, plugin_dir, tempdir, text};
use crate::support::{assert_same, committed};

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
