//! Upstream's own end-to-end suite (stackset-controller v1.4.131's
//! `cmd/e2e`, compiled by `tests/cluster/build-upstream.sh` into
//! `target/cluster/bin/stackset-e2e.test`) run against kubectl-stackset as
//! the controller: `kubectl-stackset reconcile -A --watch` with a fresh
//! controller id and the equivalents of the flags upstream's `e2e/run_e2e.sh`
//! gives its controller (two `--sync-ingress-annotation`s, ConfigMap, Secret,
//! PlatformCredentialsSet and RouteGroup support, two cluster domains).
//!
//! Every test the suite lists must pass. Under `STACKSET_E2E=1` a missing
//! suite binary is a failure, not a skip.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::gotest::{Outcome, parse_results};
use crate::need_cluster;
use crate::support::repo_root;

/// The annotations upstream's run_e2e.sh synchronises onto segments.
const SYNC_ANNOTATIONS: [&str; 2] = ["example.org/i-haz-synchronize", "teapot.org/the-best"];
/// The two cluster domains (run_e2e.sh's CLUSTER_DOMAIN and
/// CLUSTER_DOMAIN_INTERNAL).
const CLUSTER_DOMAIN: &str = "e2e.example.org";
const CLUSTER_DOMAIN_INTERNAL: &str = "ingress.cluster.local";
/// Tests run in parallel (run_e2e.sh uses 64; the suite has 37).
const PARALLEL: &str = "64";
/// The suite's own limit; our watchdog kills it a little later.
const SUITE_TIMEOUT: Duration = Duration::from_secs(25 * 60);

fn e2e_required() -> bool {
    std::env::var("STACKSET_E2E").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// A child process that is killed (by its own pid) when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The result of one top-level test of the suite.
/// The tests the suite binary contains (`-test.list`).
fn listed_tests(bin: &Path, env: &[(&str, String)]) -> Vec<String> {
    let out = Command::new(bin)
        .args(["-test.list", "^Test"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "{} -test.list failed: {}",
        bin.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("Test"))
        .map(str::to_string)
        .collect()
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn upstream_e2e_suite_passes_against_kubectl_stackset() {
    let cluster = need_cluster!("upstream_e2e_suite_passes_against_kubectl_stackset");
    let bin = repo_root().join("target/cluster/bin/stackset-e2e.test");
    if !bin.is_file() {
        let why = format!(
            "{} is missing (build it with tests/cluster/build-upstream.sh)",
            bin.display()
        );
        if e2e_required() {
            panic!("STACKSET_E2E=1 but upstream's e2e suite cannot run: {why}");
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIP upstream_e2e_suite_passes_against_kubectl_stackset: {why}"
        );
        return;
    }

    let ns = cluster.namespace("upstream-e2e").await;
    let controller_id = format!("kubectl-stackset-e2e-{}", ns.name);
    let logs = repo_root().join("target/upstream-e2e").join(&ns.name);
    std::fs::create_dir_all(&logs).expect("log directory");
    let env: Vec<(&str, String)> = vec![
        ("E2E_NAMESPACE", ns.name.clone()),
        ("CONTROLLER_ID", controller_id.clone()),
        ("CLUSTER_DOMAIN", CLUSTER_DOMAIN.to_string()),
        (
            "CLUSTER_DOMAIN_INTERNAL",
            CLUSTER_DOMAIN_INTERNAL.to_string(),
        ),
        ("KUBECONFIG", cluster.kubeconfig.display().to_string()),
    ];
    let expected = listed_tests(&bin, &env);
    assert!(!expected.is_empty(), "the e2e suite lists no tests");

    // kubectl-stackset as the controller, as run_e2e.sh starts upstream's.
    let controller_log = logs.join("controller.log");
    let mut controller = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
    controller
        .arg("--kubeconfig")
        .arg(&cluster.kubeconfig)
        .args([
            "reconcile",
            "-A",
            "--watch",
            "--controller-id",
            &controller_id,
        ]);
    if let Some(ctx) = cluster.admin_context() {
        controller.args(["--context", &ctx]);
    }
    for key in SYNC_ANNOTATIONS {
        controller.args(["--sync-ingress-annotation", key]);
    }
    controller
        .args(["--configmap-support", "--secret-support", "--pcs-support"])
        .arg("--routegroups")
        .args(["--cluster-domain", CLUSTER_DOMAIN])
        .args(["--cluster-domain", CLUSTER_DOMAIN_INTERNAL])
        .stdin(Stdio::null())
        .stdout(File::create(&controller_log).expect("controller log"))
        .stderr(File::create(logs.join("controller.err")).expect("controller log"));
    let mut controller = Killed(
        controller
            .spawn()
            .expect("start kubectl-stackset reconcile"),
    );

    // The suite, with its output kept in a file and parsed as it arrives.
    let started = Instant::now();
    let suite_log = logs.join("e2e.log");
    let mut suite = Command::new(&bin);
    suite
        .args(["-test.v", "-test.parallel", PARALLEL, "-test.timeout"])
        .arg(format!("{}s", SUITE_TIMEOUT.as_secs()))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(&logs)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = suite.spawn().expect("start the e2e suite");
    let stdout = child.stdout.take().expect("suite stdout");
    let stderr = child.stderr.take().expect("suite stderr");
    let mut suite = Killed(child);
    let err_log = logs.join("e2e.err");
    let err_thread = std::thread::spawn(move || {
        let mut file = File::create(err_log).expect("suite stderr log");
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(file, "{line}");
        }
    });
    let out_log = suite_log.clone();
    let out_thread = std::thread::spawn(move || {
        let mut file = File::create(out_log).expect("suite log");
        let mut all = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = writeln!(file, "{line}");
            if line.starts_with("--- ") {
                eprintln!("[upstream-e2e] {line}");
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    // Watchdog: the suite's own -test.timeout should fire first.
    let status = loop {
        if let Some(status) = suite.0.try_wait().expect("wait for the suite") {
            break Some(status);
        }
        if started.elapsed() > SUITE_TIMEOUT + Duration::from_secs(120) {
            break None;
        }
        if let Some(exit) = controller.0.try_wait().expect("check the controller") {
            panic!(
                "kubectl-stackset reconcile exited early ({exit}); its log ({}):\n{}",
                controller_log.display(),
                tail(&logs.join("controller.err"), 40)
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    drop(suite);
    let output = out_thread.join().unwrap_or_default();
    let _ = err_thread.join();
    drop(controller);
    let elapsed = started.elapsed();

    let results = parse_results(&output);
    let passed: Vec<&String> = expected
        .iter()
        .filter(|t| results.get(*t) == Some(&Outcome::Pass))
        .collect();
    let not_passed: Vec<String> = expected
        .iter()
        .filter(|t| results.get(*t) != Some(&Outcome::Pass))
        .map(|t| match results.get(t) {
            Some(Outcome::Fail) => format!("{t} (FAIL)"),
            Some(Outcome::Skip) => format!("{t} (SKIP)"),
            _ => format!("{t} (no result)"),
        })
        .collect();
    eprintln!(
        "upstream e2e (stackset-controller v1.4.131) against kubectl-stackset: {}/{} passed in {:.0}s; logs in {}",
        passed.len(),
        expected.len(),
        elapsed.as_secs_f64(),
        logs.display()
    );
    for t in &not_passed {
        eprintln!("  not passed: {t}");
    }
    assert!(
        status.is_some(),
        "the e2e suite did not finish within {}s (log: {})",
        SUITE_TIMEOUT.as_secs() + 120,
        suite_log.display()
    );
    assert!(
        not_passed.is_empty(),
        "upstream e2e: {}/{} passed; not passed: {}\nsuite log: {}\ncontroller log: {}\nlast suite lines:\n{}",
        passed.len(),
        expected.len(),
        not_passed.join(", "),
        suite_log.display(),
        logs.join("controller.err").display(),
        tail(&suite_log, 30)
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "every listed test passed but the suite exited with {status:?} (log: {})",
        suite_log.display()
    );
}
