//! Test support: one real cluster per test binary, one namespace per test.
//!
//! `cluster()` uses the cluster `KUBECONFIG` points at when it is set (so the
//! same tests run against any real cluster); otherwise it starts a local control
//! plane once per test binary through `tests/cluster/up`, which tears itself
//! down when this process exits. When no cluster can be had, tests print a skip
//! line, except under `STACKSET_E2E=1` (CI), where they fail and say why.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

pub mod faults;
pub mod kubelet;
pub mod private;
pub mod toxiproxy;

/// A reachable cluster and the kubeconfig that reaches it.
#[derive(Debug)]
pub struct TestCluster {
    pub kubeconfig: PathBuf,
    /// Whether this test binary started the cluster itself.
    pub started_here: bool,
}

/// Context names written by `tests/cluster/up`. Against another cluster the
/// current context is used and the viewer context must be named by
/// `STACKSET_TEST_VIEWER_CONTEXT`.
pub const ADMIN_CONTEXT: &str = "stackset-local";
pub const VIEWER_CONTEXT: &str = "stackset-local-viewer";

static CLUSTER: OnceLock<Result<TestCluster, String>> = OnceLock::new();

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn e2e_required() -> bool {
    std::env::var("STACKSET_E2E").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

fn reachable(kubeconfig: &Path) -> Result<(), String> {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--request-timeout=10s", "get", "--raw", "/readyz"])
        .output()
        .map_err(|e| format!("cannot run kubectl: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the cluster in {} is not reachable: {}",
            kubeconfig.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn start_local() -> Result<TestCluster, String> {
    let up = repo_root().join("tests/cluster/up");
    eprintln!(
        "[test] no KUBECONFIG: starting a local control plane with {}",
        up.display()
    );
    let out = Command::new(&up)
        .arg("--owner-pid")
        .arg(std::process::id().to_string())
        .env("STACKSET_BIN", env!("CARGO_BIN_EXE_kubectl-stackset"))
        .output()
        .map_err(|e| format!("cannot run {}: {e}", up.display()))?;
    if !out.status.success() {
        return Err(format!(
            "tests/cluster/up failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let kubeconfig = PathBuf::from(path);
    reachable(&kubeconfig)?;
    Ok(TestCluster {
        kubeconfig,
        started_here: true,
    })
}

fn find_cluster() -> Result<TestCluster, String> {
    match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(kc) => {
            let kubeconfig = PathBuf::from(kc);
            reachable(&kubeconfig)?;
            Ok(TestCluster {
                kubeconfig,
                started_here: false,
            })
        }
        None => start_local(),
    }
}

/// The cluster for this test binary, or `None` when the test must be skipped.
/// Panics (fails the test) under `STACKSET_E2E=1` when there is no cluster.
pub fn cluster(test: &str) -> Option<&'static TestCluster> {
    match CLUSTER.get_or_init(find_cluster) {
        Ok(c) => Some(c),
        Err(why) if e2e_required() => {
            panic!("STACKSET_E2E=1 but no cluster is available for {test}: {why}")
        }
        Err(why) => {
            // Written to the stderr handle, not with eprintln!, so that the
            // test harness's output capture does not hide the skip.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIP {test}: no cluster ({why}); set STACKSET_E2E=1 to make this an error"
            );
            None
        }
    }
}

/// Gets the cluster or returns from the test with a skip line.
#[macro_export]
macro_rules! need_cluster {
    ($name:expr) => {
        match $crate::support::cluster($name) {
            Some(c) => c,
            None => return,
        }
    };
}

impl TestCluster {
    async fn client_for(&self, context: Option<&str>) -> Client {
        let kc = Kubeconfig::read_from(&self.kubeconfig).expect("read kubeconfig");
        let opts = KubeConfigOptions {
            context: context.map(str::to_string),
            ..Default::default()
        };
        let cfg = Config::from_custom_kubeconfig(kc, &opts)
            .await
            .expect("kubeconfig context");
        Client::try_from(cfg).expect("kube client")
    }

    /// The admin context (the kubeconfig's current context for a foreign cluster).
    pub fn admin_context(&self) -> Option<String> {
        if self.started_here || is_local_kubeconfig(&self.kubeconfig) {
            Some(ADMIN_CONTEXT.to_string())
        } else {
            None
        }
    }

    /// The read-only context, if this cluster has one.
    pub fn viewer_context(&self) -> Option<String> {
        std::env::var("STACKSET_TEST_VIEWER_CONTEXT")
            .ok()
            .or_else(|| {
                (self.started_here || is_local_kubeconfig(&self.kubeconfig))
                    .then(|| VIEWER_CONTEXT.to_string())
            })
    }

    /// A client with the admin identity. Build one per test: a client is tied
    /// to the tokio runtime it was first used on.
    pub async fn client(&self) -> Client {
        self.client_for(self.admin_context().as_deref()).await
    }

    /// A client with the read-only identity.
    pub async fn viewer_client(&self) -> Client {
        let ctx = self
            .viewer_context()
            .expect("this cluster has no read-only context");
        self.client_for(Some(&ctx)).await
    }

    /// A fresh namespace for one test, deleted when the guard drops.
    pub async fn namespace(&self, test: &str) -> TestNamespace {
        use k8s_openapi::api::core::v1::Namespace;
        use kube::api::{Api, PostParams};
        let suffix: String = format!("{:x}", rand_u64()).chars().take(6).collect();
        let base: String = test
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut name = format!("t-{}", base.trim_matches('-'));
        name.truncate(50);
        let name = format!("{}-{suffix}", name.trim_end_matches('-'));
        let ns: Namespace = serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "labels": {"kubectl-stackset.io/test": "true"}}
        }))
        .expect("namespace object");
        let api: Api<Namespace> = Api::all(self.client().await);
        api.create(&PostParams::default(), &ns)
            .await
            .expect("create test namespace");
        // Pods need the namespace's default service account, which the
        // controller-manager creates shortly after the namespace.
        let sa: Api<k8s_openapi::api::core::v1::ServiceAccount> =
            Api::namespaced(self.client().await, &name);
        for _ in 0..100 {
            if sa.get_opt("default").await.ok().flatten().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        TestNamespace {
            name,
            kubeconfig: self.kubeconfig.clone(),
            context: self.admin_context(),
        }
    }
}

fn is_local_kubeconfig(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|s| s.contains("name: stackset-local-viewer"))
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// A namespace that is deleted (without waiting) when dropped.
pub struct TestNamespace {
    pub name: String,
    kubeconfig: PathBuf,
    context: Option<String>,
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let mut cmd = Command::new("kubectl");
        cmd.arg("--kubeconfig").arg(&self.kubeconfig);
        if let Some(ctx) = &self.context {
            cmd.arg("--context").arg(ctx);
        }
        let _ = cmd
            .args([
                "delete",
                "namespace",
                &self.name,
                "--wait=false",
                "--ignore-not-found",
            ])
            .output();
    }
}

/// Polls `check` until it returns `Some`, or panics with `what` after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Counts the requests a client sends, by HTTP method.
#[derive(Clone, Default)]
pub struct RequestCounter(std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>);

impl RequestCounter {
    /// (method, path) of every request so far.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.0.lock().unwrap().clone()
    }
    /// Requests that can change state (anything but GET/HEAD).
    pub fn writes(&self) -> Vec<(String, String)> {
        self.requests()
            .into_iter()
            .filter(|(m, _)| m != "GET" && m != "HEAD")
            .collect()
    }
    pub fn reset(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl<S> tower::Layer<S> for RequestCounter {
    type Service = Counted<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Counted {
            inner,
            log: self.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Counted<S> {
    inner: S,
    log: RequestCounter,
}

impl<S, B> tower::Service<http::Request<B>> for Counted<S>
where
    S: tower::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;
    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }
    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        self.log
            .0
            .lock()
            .unwrap()
            .push((req.method().to_string(), req.uri().to_string()));
        self.inner.call(req)
    }
}

impl TestCluster {
    /// An admin client whose requests are recorded by `counter`.
    pub async fn counting_client(&self, counter: &RequestCounter) -> Client {
        let kc = Kubeconfig::read_from(&self.kubeconfig).expect("read kubeconfig");
        let opts = KubeConfigOptions {
            context: self.admin_context(),
            ..Default::default()
        };
        let cfg = Config::from_custom_kubeconfig(kc, &opts)
            .await
            .expect("kubeconfig context");
        kube::client::ClientBuilder::try_from(cfg)
            .expect("client builder")
            .with_layer(counter)
            .build()
    }
}

/// Runs the built kubectl-stackset binary against this cluster.
pub fn stackset_cmd(cluster: &TestCluster, ns: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
    cmd.arg("--kubeconfig")
        .arg(&cluster.kubeconfig)
        .args(["-n", ns]);
    if let Some(ctx) = cluster.admin_context() {
        cmd.args(["--context", &ctx]);
    }
    cmd.env_remove("NO_COLOR");
    cmd
}
