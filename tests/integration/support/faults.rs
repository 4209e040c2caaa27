//! A fault-injecting HTTP proxy between the CLI (or a test's client) and the
//! real API server.
//!
//! The CLI talks plain HTTP to the proxy on loopback (kube-rs accepts an
//! `http://` server in a kubeconfig; the product's TLS verification is not
//! touched), and the proxy re-originates every request over TLS to the real
//! API server, verifying it against the kubeconfig's CA. The caller's
//! `Authorization` header is passed through, so RBAC applies as without the
//! proxy.
//!
//! It injects what a real control plane does under stress, at a given rate or
//! as a burst of the next N requests that then ends:
//! - 429 Too Many Requests with `Retry-After` (and `retryAfterSeconds` in the
//!   Status, as kube-apiserver sends it), 500 and 503, before the request
//!   reaches the server;
//! - 504 after the server has handled the request (the response is lost, the
//!   write happened);
//! - a reset connection before the request is forwarded, or after it was
//!   handled (lost response);
//! - latency;
//! - watch streams cut after a while, or their events held back;
//! - a watch answered with 410 Gone (its resource version expired), as
//!   kube-apiserver does when a watch resumes from a version it has
//!   compacted: the client must list again;
//! - a simulated restart: every open connection is cut and new ones are
//!   refused for a while.
//!
//! Every request is recorded with what happened to it, so tests can count
//! retries on the wire.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::{Body, Frame, Incoming};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use super::TestCluster;

type BoxError = std::io::Error;
type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// 429 with `Retry-After: 1`, before the request reaches the server.
    TooManyRequests,
    /// 500, before the request reaches the server.
    InternalError,
    /// 503, before the request reaches the server.
    Unavailable,
    /// 504 after the server handled the request: the response is lost.
    GatewayTimeout,
    /// The connection is closed without a response; nothing was forwarded.
    Reset,
    /// The request is handled by the server, then the connection is closed
    /// before the response: a lost response.
    ResetAfter,
    /// The response is delayed by this many milliseconds.
    Latency(u64),
    /// A watch gets a single ERROR event with a 410 Gone Status ("too old
    /// resource version") and ends; any other request a 410 Status.
    Expired,
}

impl Fault {
    pub fn label(&self) -> String {
        match self {
            Fault::TooManyRequests => "429 + Retry-After".into(),
            Fault::InternalError => "500".into(),
            Fault::Unavailable => "503".into(),
            Fault::GatewayTimeout => "504 (after the write)".into(),
            Fault::Reset => "connection reset".into(),
            Fault::ResetAfter => "reset after the write".into(),
            Fault::Latency(ms) => format!("latency {ms} ms"),
            Fault::Expired => "410 Gone (expired)".into(),
        }
    }
}

/// What happened to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Forwarded; the server answered with this status.
    Forwarded(u16),
    /// A fault was injected (for `GatewayTimeout`, `ResetAfter` and
    /// `Latency` the request was forwarded too).
    Injected(Fault),
    /// Refused during a simulated restart.
    Refused,
}

/// One request seen by the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub outcome: Outcome,
    /// When the proxy answered it.
    pub at: std::time::Instant,
}

impl Seen {
    pub fn is_write(&self) -> bool {
        self.method != "GET" && self.method != "HEAD"
    }
    pub fn is_watch(&self) -> bool {
        is_watch(&self.path)
    }
    /// The path without its query.
    pub fn bare_path(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    All,
    /// Anything but GET and HEAD.
    Writes,
    /// GET and HEAD, watches included.
    Reads,
    /// Watches of this resource (its plural, as in the path).
    Watches(&'static str),
    /// Requests with this method whose path (without the query) ends so.
    Request(&'static str, &'static str),
}

impl Target {
    fn matches(&self, method: &str, path: &str) -> bool {
        match self {
            Target::All => true,
            Target::Writes => method != "GET" && method != "HEAD",
            Target::Reads => method == "GET" || method == "HEAD",
            Target::Watches(resource) => {
                let bare = path.split('?').next().unwrap_or(path);
                method == "GET" && is_watch(path) && bare.ends_with(&format!("/{resource}"))
            }
            Target::Request(m, suffix) => {
                method == *m && path.split('?').next().unwrap_or(path).ends_with(suffix)
            }
        }
    }
}

fn is_watch(path: &str) -> bool {
    path.contains("watch=true") || path.contains("watch=1")
}

/// A hook run once, before the first request whose method and path match is
/// forwarded: a concurrent writer between our read and our write.
pub struct Hook {
    pub method: &'static str,
    /// The request path must end with this (the query is ignored).
    pub path_suffix: String,
    pub action: Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>,
}

#[derive(Default)]
struct Rules {
    /// Faults picked uniformly, each request with probability `rate`.
    faults: Vec<Fault>,
    rate: f64,
    target: Option<Target>,
    /// The next `burst.1` matching requests get `burst.0`.
    burst: Option<(Fault, usize, Target)>,
    /// Watch responses are cut after this long.
    watch_cut: Option<Duration>,
    /// The events of watches this target matches reach the client this
    /// long after the API server sent them.
    watch_delay: Option<(Target, Duration)>,
    hooks: Vec<Hook>,
    /// A simulated restart when the proxy sees its `restart.0`-th request,
    /// down for `restart.1`.
    restart: Option<(usize, Duration)>,
}

struct State {
    upstream: Client,
    config: Mutex<Rules>,
    rng: Mutex<u64>,
    seen: Mutex<Vec<Seen>>,
    refusing: AtomicBool,
    connections: Mutex<Vec<tokio::task::AbortHandle>>,
    open: AtomicUsize,
    /// Requests that arrived (answered or not).
    arrived: AtomicUsize,
}

/// Arms faults of a running proxy ([`FaultProxy::arm`]).
#[derive(Clone)]
pub struct Arm(Arc<State>);

impl Arm {
    /// As [`FaultProxy::burst`].
    pub fn burst(&self, fault: Fault, n: usize, target: Target) {
        self.0.config.lock().unwrap().burst = Some((fault, n, target));
    }
}

/// A running proxy. Dropping it stops it.
pub struct FaultProxy {
    pub port: u16,
    /// A kubeconfig like the cluster's, pointing at the proxy.
    pub kubeconfig: PathBuf,
    state: Arc<State>,
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy in front of this cluster's API server (the admin
    /// context's cluster), on its own runtime thread. Callable from sync and
    /// async tests.
    pub fn start(cluster: &TestCluster, seed: u64) -> FaultProxy {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let kubeconfig = cluster.kubeconfig.clone();
        let context = cluster.admin_context();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                let kc = Kubeconfig::read_from(&kubeconfig).expect("read kubeconfig");
                let opts = KubeConfigOptions {
                    context,
                    ..Default::default()
                };
                let mut cfg = Config::from_custom_kubeconfig(kc, &opts)
                    .await
                    .expect("kubeconfig context");
                // The caller's Authorization header goes through as it is.
                cfg.auth_info = Default::default();
                let upstream = Client::try_from(cfg).expect("upstream client");
                let state = Arc::new(State {
                    upstream,
                    config: Mutex::new(Rules::default()),
                    rng: Mutex::new(seed | 1),
                    seen: Mutex::new(Vec::new()),
                    refusing: AtomicBool::new(false),
                    connections: Mutex::new(Vec::new()),
                    open: AtomicUsize::new(0),
                    arrived: AtomicUsize::new(0),
                });
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind proxy");
                let port = listener.local_addr().unwrap().port();
                tx.send((port, state.clone(), tokio::runtime::Handle::current()))
                    .unwrap();
                let accept = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        if state.refusing.load(Ordering::SeqCst) {
                            drop(stream);
                            let mut seen = state.seen.lock().unwrap();
                            seen.push(Seen {
                                method: String::new(),
                                path: String::new(),
                                outcome: Outcome::Refused,
                                at: std::time::Instant::now(),
                            });
                            continue;
                        }
                        let st = state.clone();
                        let task = tokio::spawn(async move {
                            st.open.fetch_add(1, Ordering::SeqCst);
                            let svc_state = st.clone();
                            let svc = hyper::service::service_fn(move |req| {
                                let st = svc_state.clone();
                                async move { handle(st, req).await }
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                                .await;
                            st.open.fetch_sub(1, Ordering::SeqCst);
                        });
                        state.connections.lock().unwrap().push(task.abort_handle());
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = stop_rx => {}
                }
                for c in state.connections.lock().unwrap().drain(..) {
                    c.abort();
                }
            });
        });
        let (port, state, handle) = rx.recv().expect("proxy started");
        let kubeconfig = write_kubeconfig(&cluster.kubeconfig, port);
        FaultProxy {
            port,
            kubeconfig,
            state,
            handle,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Each matching request gets one of `faults` (picked uniformly) with
    /// probability `rate`. An empty list or a zero rate switches this off.
    pub fn set_rate(&self, faults: &[Fault], rate: f64, target: Target) {
        let mut c = self.state.config.lock().unwrap();
        c.faults = faults.to_vec();
        c.rate = rate;
        c.target = Some(target);
    }

    /// The next `n` matching requests get `fault`; then the burst ends.
    pub fn burst(&self, fault: Fault, n: usize, target: Target) {
        self.arm().burst(fault, n, target);
    }

    /// A handle that arms faults from inside a [`Hook`]: at the moment a
    /// given request arrives rather than at a count of requests.
    pub fn arm(&self) -> Arm {
        Arm(self.state.clone())
    }

    /// Every watch response is cut after `after` (None: never).
    pub fn cut_watches_after(&self, after: Option<Duration>) {
        self.state.config.lock().unwrap().watch_cut = after;
    }

    /// Every event of the watches `target` matches (from now on) reaches the
    /// client `delay` after the API server sent it: a watch cache that lags
    /// behind the writes. None switches it off for new watches.
    pub fn delay_watch_events(&self, target: Target, delay: Option<Duration>) {
        self.state.config.lock().unwrap().watch_delay = delay.map(|d| (target, d));
    }

    /// Runs `hook.action` once, right before the first matching request is
    /// forwarded.
    pub fn hook(&self, hook: Hook) {
        self.state.config.lock().unwrap().hooks.push(hook);
    }

    /// No more faults (hooks stay).
    pub fn heal(&self) {
        let mut c = self.state.config.lock().unwrap();
        c.faults.clear();
        c.rate = 0.0;
        c.burst = None;
        c.watch_cut = None;
        c.watch_delay = None;
    }

    /// A simulated API server restart: every open connection (watches
    /// included) is cut at once, and new connections are refused for `down`.
    /// Blocks for `down`.
    pub fn restart(&self, down: Duration) {
        self.go_down();
        std::thread::sleep(down);
        self.come_up();
    }

    /// The first half of a restart: every open connection (watches
    /// included) is cut, and new ones are refused until [`Self::come_up`].
    pub fn go_down(&self) {
        self.state.refusing.store(true, Ordering::SeqCst);
        for c in self.state.connections.lock().unwrap().drain(..) {
            c.abort();
        }
    }

    /// New connections are accepted again.
    pub fn come_up(&self) {
        self.state.refusing.store(false, Ordering::SeqCst);
    }

    /// A simulated restart (see [`FaultProxy::restart`]) when the `n`-th
    /// request arrives: that request and every open connection are cut, and
    /// new connections are refused for `down`.
    pub fn restart_at(&self, n: usize, down: Duration) {
        self.state.config.lock().unwrap().restart = Some((n, down));
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.state.seen.lock().unwrap().clear();
    }

    /// How many faults were injected, by kind.
    pub fn injected(&self) -> BTreeMap<Fault, usize> {
        let mut m = BTreeMap::new();
        for s in self.seen() {
            if let Outcome::Injected(f) = s.outcome {
                *m.entry(f).or_default() += 1;
            }
        }
        m
    }

    /// An admin client that talks to the API server through this proxy.
    pub async fn client(&self, cluster: &TestCluster) -> Client {
        let kc = Kubeconfig::read_from(&self.kubeconfig).expect("read kubeconfig");
        let opts = KubeConfigOptions {
            context: cluster.admin_context(),
            ..Default::default()
        };
        let cfg = Config::from_custom_kubeconfig(kc, &opts)
            .await
            .expect("kubeconfig context");
        Client::try_from(cfg).expect("client")
    }

    /// The runtime the proxy runs on (for tasks that must outlive a test's).
    pub fn runtime(&self) -> &tokio::runtime::Handle {
        &self.handle
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.kubeconfig);
    }
}

/// The cluster's kubeconfig with every cluster's server replaced by the
/// proxy's plain-HTTP address (users and contexts unchanged), as JSON.
fn write_kubeconfig(original: &Path, port: u16) -> PathBuf {
    let text = std::fs::read_to_string(original).expect("read kubeconfig");
    let mut kc: serde_json::Value = serde_saphyr::from_str(&text).expect("parse kubeconfig");
    if let Some(clusters) = kc["clusters"].as_array_mut() {
        for c in clusters {
            let cluster = &mut c["cluster"];
            cluster["server"] = format!("http://127.0.0.1:{port}").into();
            if let Some(m) = cluster.as_object_mut() {
                m.remove("certificate-authority-data");
                m.remove("certificate-authority");
            }
        }
    }
    let path = std::env::temp_dir().join(format!(
        "kubectl-stackset-faults-{}-{port}.kubeconfig",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_vec_pretty(&kc).unwrap()).expect("write kubeconfig");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    path
}

impl State {
    fn roll(&self) -> f64 {
        let mut x = self.rng.lock().unwrap();
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// How long this watch's events are held back, if at all.
    fn delay_for(&self, method: &str, path: &str) -> Option<Duration> {
        let c = self.config.lock().unwrap();
        c.watch_delay
            .filter(|(t, _)| is_watch(path) && t.matches(method, path))
            .map(|(_, d)| d)
    }

    /// The fault for this request, if any; hooks to run first.
    fn decide(&self, method: &str, path: &str) -> (Option<Fault>, Vec<Hook>, Option<Duration>) {
        let mut c = self.config.lock().unwrap();
        let bare = path.split('?').next().unwrap_or(path);
        let mut hooks = Vec::new();
        let mut i = 0;
        while i < c.hooks.len() {
            if c.hooks[i].method == method && bare.ends_with(&c.hooks[i].path_suffix) {
                hooks.push(c.hooks.remove(i));
            } else {
                i += 1;
            }
        }
        let cut = if is_watch(path) { c.watch_cut } else { None };
        if let Some((fault, n, target)) = c.burst
            && target.matches(method, path)
        {
            c.burst = (n > 1).then_some((fault, n - 1, target));
            return (Some(fault), hooks, cut);
        }
        let applies = c.target.is_some_and(|t| t.matches(method, path));
        if applies && !c.faults.is_empty() && c.rate > 0.0 {
            let faults = c.faults.clone();
            let rate = c.rate;
            drop(c);
            if self.roll() < rate {
                let i = ((self.roll() * faults.len() as f64) as usize).min(faults.len() - 1);
                return (Some(faults[i]), hooks, cut);
            }
        }
        (None, hooks, cut)
    }

    fn record(&self, method: &str, path: &str, outcome: Outcome) {
        self.seen.lock().unwrap().push(Seen {
            method: method.to_string(),
            path: path.to_string(),
            outcome,
            at: std::time::Instant::now(),
        });
    }
}

fn status_response(fault: Fault) -> hyper::Response<ProxyBody> {
    let (code, reason) = match fault {
        Fault::TooManyRequests => (429, "TooManyRequests"),
        Fault::InternalError => (500, "InternalError"),
        Fault::Unavailable => (503, "ServiceUnavailable"),
        _ => (504, "Timeout"),
    };
    let mut status = serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure",
        "message": format!("injected by the fault proxy ({})", fault.label()),
        "reason": reason, "code": code,
    });
    if code == 429 {
        status["details"] = serde_json::json!({"retryAfterSeconds": 1});
    }
    let mut resp = hyper::Response::builder()
        .status(code)
        .header("content-type", "application/json");
    if code == 429 {
        resp = resp.header("retry-after", "1");
    }
    resp.body(full(serde_json::to_vec(&status).unwrap()))
        .unwrap()
}

/// 410 Gone as kube-apiserver sends it: for a watch, a 200 stream of one
/// ERROR event, then its end; else the Status itself.
fn gone_response(watch: bool) -> hyper::Response<ProxyBody> {
    let status = serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure",
        "message": "too old resource version (injected by the fault proxy)",
        "reason": "Expired", "code": 410,
    });
    let (code, mut body) = if watch {
        let event = serde_json::json!({"type": "ERROR", "object": status});
        (200, serde_json::to_vec(&event).unwrap())
    } else {
        (410, serde_json::to_vec(&status).unwrap())
    };
    body.push(b'\n');
    hyper::Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(full(body))
        .unwrap()
}

fn full(bytes: Vec<u8>) -> ProxyBody {
    http_body_util::Full::new(Bytes::from(bytes))
        .map_err(|never| match never {})
        .boxed_unsync()
}

async fn handle(
    st: Arc<State>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<ProxyBody>, BoxError> {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let restart = {
        let mut c = st.config.lock().unwrap();
        // Counted on arrival: requests run concurrently, and `seen` only
        // has the answered ones.
        let n = st.arrived.fetch_add(1, Ordering::SeqCst) + 1;
        match c.restart {
            Some((at, down)) if n >= at => {
                c.restart = None;
                Some(down)
            }
            _ => None,
        }
    };
    if let Some(down) = restart {
        st.refusing.store(true, Ordering::SeqCst);
        st.record(&method, &path, Outcome::Refused);
        let handles: Vec<_> = st.connections.lock().unwrap().drain(..).collect();
        let st2 = st.clone();
        tokio::spawn(async move {
            for h in handles {
                h.abort();
            }
            tokio::time::sleep(down).await;
            st2.refusing.store(false, Ordering::SeqCst);
        });
        return Err(io_err("connection cut by a simulated API server restart"));
    }
    let (fault, hooks, cut) = st.decide(&method, &path);
    for h in hooks {
        (h.action)().await;
    }
    match fault {
        Some(f @ (Fault::TooManyRequests | Fault::InternalError | Fault::Unavailable)) => {
            st.record(&method, &path, Outcome::Injected(f));
            return Ok(status_response(f));
        }
        Some(Fault::Reset) => {
            st.record(&method, &path, Outcome::Injected(Fault::Reset));
            return Err(io_err(String::from("connection reset by the fault proxy")));
        }
        Some(f @ Fault::Expired) => {
            st.record(&method, &path, Outcome::Injected(f));
            return Ok(gone_response(is_watch(&path)));
        }
        _ => {}
    }
    let watch = is_watch(&path);
    let delay = st.delay_for(&method, &path);
    let resp = forward(&st, req).await?;
    let resp = match delay {
        Some(d) => delayed(resp, d),
        None => resp,
    };
    // A lost response: the server handled the request. A watch never ends,
    // so its response is dropped at once instead of read to the end.
    let lose = |resp: hyper::Response<ProxyBody>| async move {
        if !watch {
            let _ = resp.into_body().collect().await;
        }
    };
    match fault {
        Some(f @ Fault::GatewayTimeout) => {
            // The write happened; the caller never learns.
            lose(resp).await;
            st.record(&method, &path, Outcome::Injected(f));
            Ok(status_response(f))
        }
        Some(f @ Fault::ResetAfter) => {
            lose(resp).await;
            st.record(&method, &path, Outcome::Injected(f));
            Err(io_err(String::from(
                "connection reset by the fault proxy after the write",
            )))
        }
        Some(f @ Fault::Latency(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            st.record(&method, &path, Outcome::Injected(f));
            Ok(with_cut(resp, cut))
        }
        _ => {
            st.record(&method, &path, Outcome::Forwarded(resp.status().as_u16()));
            Ok(with_cut(resp, cut))
        }
    }
}

async fn forward(
    st: &State,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<ProxyBody>, BoxError> {
    let (mut parts, body) = req.into_parts();
    let bytes = body.collect().await.map_err(io_err)?.to_bytes();
    for h in ["host", "connection", "keep-alive", "transfer-encoding"] {
        parts.headers.remove(h);
    }
    let req = http::Request::from_parts(parts, kube::client::Body::from(bytes));
    let resp = st.upstream.send(req).await.map_err(io_err)?;
    let (mut parts, body) = resp.into_parts();
    for h in ["connection", "keep-alive", "transfer-encoding"] {
        parts.headers.remove(h);
    }
    Ok(hyper::Response::from_parts(
        parts,
        body.map_err(io_err).boxed_unsync(),
    ))
}

fn with_cut(resp: hyper::Response<ProxyBody>, cut: Option<Duration>) -> hyper::Response<ProxyBody> {
    match cut {
        None => resp,
        Some(after) => resp.map(|inner| {
            CutBody {
                inner,
                deadline: Box::pin(tokio::time::sleep(after)),
            }
            .boxed_unsync()
        }),
    }
}

/// A response whose every frame reaches the client `delay` after it came
/// from the server (frames keep their order and spacing).
fn delayed(resp: hyper::Response<ProxyBody>, delay: Duration) -> hyper::Response<ProxyBody> {
    let (parts, mut body) = resp.into_parts();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    // Reads the server's frames as they come; ends with the body, or as
    // soon as the client has dropped the response (closing the server's
    // watch with it).
    tokio::spawn(async move {
        loop {
            let frame = tokio::select! {
                frame = body.frame() => frame,
                () = tx.closed() => break,
            };
            let Some(frame) = frame else { break };
            let end = frame.is_err();
            if tx.send((tokio::time::Instant::now(), frame)).is_err() || end {
                break;
            }
        }
    });
    let frames = futures::stream::unfold(rx, move |mut rx| async move {
        let (at, frame) = rx.recv().await?;
        tokio::time::sleep_until(at + delay).await;
        Some((frame, rx))
    });
    hyper::Response::from_parts(
        parts,
        http_body_util::StreamBody::new(frames).boxed_unsync(),
    )
}

/// A response body that breaks off after a deadline (a cut watch stream).
struct CutBody {
    inner: ProxyBody,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl Body for CutBody {
    type Data = Bytes;
    type Error = BoxError;
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(io_err(String::from(
                "watch stream cut by the fault proxy",
            )))));
        }
        Pin::new(&mut this.inner).poll_frame(cx)
    }
}
