//! Real restarts (issue #15): kube-apiserver and etcd are stopped and started
//! again (same binary, same flags, same data) while `reconcile -A --watch`
//! runs, on a control plane of this test's own (a restart would disturb the
//! tests that share the main one). The watch must survive both and act on a
//! change made after each; a one-shot command while the API server is down
//! stops with one line naming the problem, and does not hang.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube::api::{Api, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::json;
use stackset_core::api::{Stack, StackSet};

use crate::faults::{app, create, run_until};
use crate::need_cluster;
use crate::support::{eventually, repo_root};

/// A private control plane, torn down when dropped.
struct Private {
    dir: PathBuf,
    kubeconfig: PathBuf,
}

impl Private {
    fn start() -> Private {
        let dir = repo_root().join(format!(
            "target/cluster/runs/restarts-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new(repo_root().join("tests/cluster/up"))
            .arg("--dir")
            .arg(&dir)
            .args(["--nodes", "1", "--owner-pid"])
            .arg(std::process::id().to_string())
            .env("STACKSET_BIN", env!("CARGO_BIN_EXE_kubectl-stackset"))
            .output()
            .expect("tests/cluster/up");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kubeconfig = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        Private { dir, kubeconfig }
    }

    async fn client(&self) -> Client {
        let kc = Kubeconfig::read_from(&self.kubeconfig).unwrap();
        let cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap();
        Client::try_from(cfg).unwrap()
    }

    fn pid(&self, name: &str) -> u32 {
        let pids = std::fs::read_to_string(self.dir.join("pids")).unwrap();
        pids.lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(n, _)| *n == name)
            .map(|(_, p)| p.trim().parse().unwrap())
            .next_back()
            .unwrap_or_else(|| panic!("{name} in {}", self.dir.display()))
    }

    /// Stops `name` (SIGTERM, as a restart would) and starts it again with
    /// the same command line; `tests/cluster/down` stops the new process.
    fn stop(&self, name: &str) -> Vec<String> {
        let pid = self.pid(name);
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        // As tests/cluster/down: SIGKILL after 10 s (kube-apiserver drains
        // its watches slowly).
        let alive = || {
            Path::new(&format!("/proc/{pid}")).exists()
                && std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| s.split_whitespace().nth(2) != Some("Z"))
        };
        let term = Instant::now() + Duration::from_secs(10);
        while alive() && Instant::now() < term {
            std::thread::sleep(Duration::from_millis(50));
        }
        if alive() {
            Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status()
                .unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive() {
            assert!(Instant::now() < deadline, "{name} did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        args
    }

    fn start_again(&self, name: &str, args: &[String]) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.dir.join(format!("logs/{name}.log")))
            .unwrap();
        let child = Command::new("setsid")
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut pids = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.join("pids"))
            .unwrap();
        std::io::Write::write_all(&mut pids, format!("{name} {}\n", child.id()).as_bytes())
            .unwrap();
        // The child is reaped by `down` through its pid; dropping the handle
        // does not stop it.
        drop(child);
    }

    fn ready(&self) -> bool {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--request-timeout=3s", "get", "--raw", "/readyz"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        let _ = Command::new(repo_root().join("tests/cluster/down"))
            .arg(&self.dir)
            .output();
    }
}

async fn wait_ready(p: &Private) {
    eventually(
        "the API server ready again",
        Duration::from_secs(90),
        || async { p.ready().then_some(()) },
    )
    .await;
}

/// Whether the stack appears within 90 s; prints how long it took (the
/// figure the README's availability section quotes).
async fn stack_appears(client: &Client, name: &str) -> bool {
    let stacks: Api<Stack> = Api::namespaced(client.clone(), "default");
    let start = Instant::now();
    let deadline = start + Duration::from_secs(90);
    while Instant::now() < deadline {
        if stacks.get_opt(name).await.ok().flatten().is_some() {
            eprintln!("restarts: stack {name} after {:?}", start.elapsed());
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

async fn new_version(client: &Client, version: &str) {
    Api::<StackSet>::namespaced(client.clone(), "default")
        .patch(
            "app",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": version}}}})),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_watch_survives_a_real_api_server_and_etcd_restart() {
    // Only where the local control plane can be built and started.
    let _shared = need_cluster!("the_watch_survives_a_real_api_server_and_etcd_restart");
    let p = tokio::task::spawn_blocking(Private::start).await.unwrap();
    let client = p.client().await;
    create(
        &client,
        "default",
        &app("app", "v1", "kubectl-stackset", "segments"),
    )
    .await;

    let mut watch = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"))
        .arg("--kubeconfig")
        .arg(&p.kubeconfig)
        .args([
            "reconcile",
            "-A",
            "--watch",
            "--interval",
            "5s",
            "--color",
            "never",
            "-v",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = watch.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let mut seen = vec![stack_appears(&client, "app-v1").await];

    // kube-apiserver goes away mid-watch.
    let args = p.stop("kube-apiserver");
    // A one-shot command meanwhile: one line, exit 1, in bounded time.
    let mut once = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
    once.arg("--kubeconfig")
        .arg(&p.kubeconfig)
        .args(["reconcile", "app", "--color", "never"]);
    let ran = tokio::task::spawn_blocking(move || run_until(once, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(ran.code, Some(1), "{ran:?}");
    let first = ran.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ") && first.contains("unreachable"),
        "{}",
        ran.stderr
    );
    assert!(ran.took < Duration::from_secs(30), "{:?}", ran.took);
    p.start_again("kube-apiserver", &args);
    wait_ready(&p).await;
    let client = p.client().await;
    new_version(&client, "v2").await;
    seen.push(stack_appears(&client, "app-v2").await);

    // etcd goes away: the API server answers with errors meanwhile.
    let args = p.stop("etcd");
    tokio::time::sleep(Duration::from_secs(3)).await;
    p.start_again("etcd", &args);
    wait_ready(&p).await;
    new_version(&client, "v3").await;
    seen.push(seen[1] && stack_appears(&client, "app-v3").await);

    let running = watch.try_wait().unwrap().is_none();
    Command::new("kill")
        .args(["-INT", &watch.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(st) = watch.try_wait().unwrap() {
            break st.code();
        }
        if Instant::now() > deadline {
            let _ = watch.kill();
            let _ = watch.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = log.join().unwrap();
    assert!(running, "the watch ended: {log}");
    assert_eq!(
        seen,
        [true, true, true],
        "v1, v2 after the API server restart, v3 after the etcd restart:\n{log}"
    );
    assert_eq!(code, Some(130), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}
