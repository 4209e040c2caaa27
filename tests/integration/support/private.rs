//! A private control plane (`tests/cluster/up --dir D`) for tests that
//! restart its processes: a real restart of kube-apiserver or etcd disturbs
//! every test on a cluster, so these never touch the shared one.
//!
//! A process is restarted for real: stopped with SIGTERM (SIGKILL after
//! 10 s, as `tests/cluster/down` does) and started again with the same
//! command line, the same data directory and the same log file.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use super::{ADMIN_CONTEXT, TestCluster, eventually, repo_root};

/// A private control plane, torn down when dropped.
pub struct PrivatePlane {
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
}

impl PrivatePlane {
    /// Starts one with a single kwok Node; `tag` names its run directory.
    pub fn start(tag: &str) -> PrivatePlane {
        let dir = repo_root().join(format!("target/cluster/runs/{tag}-{}", std::process::id()));
        let _ = Command::new(repo_root().join("tests/cluster/down"))
            .arg(&dir)
            .output();
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
        PrivatePlane { dir, kubeconfig }
    }

    /// The plane as a [`TestCluster`] (its admin context is
    /// [`ADMIN_CONTEXT`], as for every plane `tests/cluster/up` starts).
    pub fn cluster(&self) -> TestCluster {
        TestCluster {
            kubeconfig: self.kubeconfig.clone(),
            started_here: true,
        }
    }

    /// An admin client. Build one per runtime, and a new one after a
    /// restart if the old one's connections matter.
    pub async fn client(&self) -> Client {
        let kc = Kubeconfig::read_from(&self.kubeconfig).unwrap();
        let opts = KubeConfigOptions {
            context: Some(ADMIN_CONTEXT.to_string()),
            ..Default::default()
        };
        let cfg = Config::from_custom_kubeconfig(kc, &opts).await.unwrap();
        Client::try_from(cfg).unwrap()
    }

    /// The pid of the running `name` (the last one `pids` records).
    pub fn pid(&self, name: &str) -> u32 {
        let pids = std::fs::read_to_string(self.dir.join("pids")).unwrap();
        pids.lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(n, _)| *n == name)
            .map(|(_, p)| p.trim().parse().unwrap())
            .next_back()
            .unwrap_or_else(|| panic!("{name} in {}", self.dir.display()))
    }

    /// Stops `name` (SIGTERM, as a restart would; SIGKILL if it is still
    /// there after 10 s, as `tests/cluster/down` does: kube-apiserver stops
    /// listening at once but waits up to a minute for its watches) and
    /// returns its command line for [`PrivatePlane::start_again`].
    pub fn stop(&self, name: &str) -> Vec<String> {
        let pid = self.pid(name);
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        signal(pid, "TERM");
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
            signal(pid, "KILL");
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive() {
            assert!(Instant::now() < deadline, "{name} did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        args
    }

    /// Starts `name` again with the command line [`PrivatePlane::stop`]
    /// returned; `tests/cluster/down` stops the new process.
    pub fn start_again(&self, name: &str, args: &[String]) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.dir.join(format!("logs/{name}.log")))
            .unwrap();
        // `setsid` execs in place (a spawned child leads no process group),
        // so the pid below is the program's.
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

    /// Whether `/readyz` answers ok.
    pub fn ready(&self) -> bool {
        readyz(&self.kubeconfig)
    }

    /// Waits (up to 120 s) until the API server is ready again.
    pub async fn wait_ready(&self) {
        eventually(
            "the API server ready again",
            Duration::from_secs(120),
            || async {
                let kubeconfig = self.kubeconfig.clone();
                tokio::task::spawn_blocking(move || readyz(&kubeconfig))
                    .await
                    .unwrap()
                    .then_some(())
            },
        )
        .await;
    }
}

fn readyz(kubeconfig: &Path) -> bool {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--request-timeout=3s", "get", "--raw", "/readyz"])
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Drop for PrivatePlane {
    fn drop(&mut self) {
        let _ = Command::new(repo_root().join("tests/cluster/down"))
            .arg(&self.dir)
            .output();
    }
}

/// Sends `SIGNAL` (e.g. `STOP`, `CONT`, `INT`) to `pid`.
pub fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status();
}
