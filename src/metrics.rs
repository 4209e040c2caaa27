//! Process-wide counters for the controller and the tiny HTTP server that
//! serves them: `/healthz`, `/readyz` and Prometheus `/metrics` (text format
//! 0.0.4). Counters are plain atomics; nothing here talks to the API server.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Upper bounds of the reconcile duration histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

static REQUESTS: Mutex<BTreeMap<(&'static str, String), u64>> = Mutex::new(BTreeMap::new());
static RECONCILES: AtomicU64 = AtomicU64::new(0);
static RESYNCS_SKIPPED: AtomicU64 = AtomicU64::new(0);
static RECONCILE_ERRORS: AtomicU64 = AtomicU64::new(0);
static DURATION_SUM_MICROS: AtomicU64 = AtomicU64::new(0);
static DURATION_BUCKETS: [AtomicU64; BUCKETS.len()] = [const { AtomicU64::new(0) }; BUCKETS.len()];
static QUEUE_DEPTH: AtomicI64 = AtomicI64::new(0);
static LEADER: AtomicBool = AtomicBool::new(false);
static READY: AtomicBool = AtomicBool::new(false);

/// The Kubernetes verb of a request, the way the API server counts it
/// (`apiserver_request_total`): GET on a collection is LIST, with
/// `watch=true` it is WATCH.
pub fn verb_of(method: &http::Method, uri: &http::Uri) -> &'static str {
    let watch = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    match *method {
        http::Method::GET if watch => "WATCH",
        http::Method::GET if is_collection(uri.path()) => "LIST",
        http::Method::GET => "GET",
        http::Method::POST => "POST",
        http::Method::PUT => "PUT",
        http::Method::PATCH => "PATCH",
        http::Method::DELETE if is_collection(uri.path()) => "DELETECOLLECTION",
        http::Method::DELETE => "DELETE",
        _ => "OTHER",
    }
}

/// `/api/v1[/namespaces/NS]/RES` and `/apis/G/V[/namespaces/NS]/RES` name a
/// collection; one more segment names an object.
fn is_collection(path: &str) -> bool {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest = match segs.first() {
        Some(&"api") => segs.get(2..),
        Some(&"apis") => segs.get(3..),
        _ => None,
    };
    let Some(rest) = rest else { return false };
    let rest = if rest.first() == Some(&"namespaces") && rest.len() >= 3 {
        &rest[2..]
    } else {
        rest
    };
    rest.len() == 1
}

/// The resource of a request path (`deployments`, `stacksets`, …).
fn resource_of(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest: &[&str] = match segs.first() {
        Some(&"api") => segs.get(2..).unwrap_or(&[]),
        Some(&"apis") => segs.get(3..).unwrap_or(&[]),
        _ => &[],
    };
    let rest = if rest.first() == Some(&"namespaces") && rest.len() >= 3 {
        &rest[2..]
    } else {
        rest
    };
    rest.first().copied().unwrap_or("").to_string()
}

fn count_request(method: &http::Method, uri: &http::Uri) {
    let key = (verb_of(method, uri), resource_of(uri.path()));
    if let Ok(mut m) = REQUESTS.lock() {
        *m.entry(key).or_default() += 1;
    }
}

/// API requests sent so far, by verb.
pub fn requests_by_verb() -> BTreeMap<&'static str, u64> {
    let mut out = BTreeMap::new();
    if let Ok(m) = REQUESTS.lock() {
        for ((verb, _), n) in m.iter() {
            *out.entry(*verb).or_default() += n;
        }
    }
    out
}

/// A tower layer that counts every request the kube client sends.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountRequests;

impl<S> tower::Layer<S> for CountRequests {
    type Service = Counted<S>;
    fn layer(&self, inner: S) -> Counted<S> {
        Counted(inner)
    }
}

/// The service of [`CountRequests`].
#[derive(Debug, Clone)]
pub struct Counted<S>(S);

impl<S, B> tower::Service<http::Request<B>> for Counted<S>
where
    S: tower::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        count_request(req.method(), req.uri());
        self.0.call(req)
    }
}

/// One finished reconcile.
pub fn reconciled(took: Duration, ok: bool) {
    RECONCILES.fetch_add(1, Ordering::Relaxed);
    if !ok {
        RECONCILE_ERRORS.fetch_add(1, Ordering::Relaxed);
    }
    let secs = took.as_secs_f64();
    DURATION_SUM_MICROS.fetch_add(
        u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
    for (i, le) in BUCKETS.iter().enumerate() {
        if secs <= *le {
            DURATION_BUCKETS[i].fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A reconcile (a watch event, or the queueing of every StackSet after a
/// relist) that found the StackSet and its objects unchanged since a
/// reconcile that had nothing to do, before anything fell due: nothing was
/// decided. (The metric keeps its name from when quiet StackSets were
/// resynced every interval.)
pub fn resync_skipped() {
    RESYNCS_SKIPPED.fetch_add(1, Ordering::Relaxed);
}

/// StackSets waiting for a reconcile (an event arrived, the reconcile has not
/// started yet).
pub fn set_queue_depth(n: usize) {
    QUEUE_DEPTH.store(i64::try_from(n).unwrap_or(i64::MAX), Ordering::Relaxed);
}

pub fn set_leader(leader: bool) {
    LEADER.store(leader, Ordering::Relaxed);
}

/// Ready: the caches are synced (leader) or the standby is in contact with
/// the API server.
pub fn set_ready(ready: bool) {
    READY.store(ready, Ordering::Relaxed);
}

/// The Prometheus text exposition.
pub fn render() -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# HELP stackset_api_requests_total API requests sent, by verb and resource.\n# TYPE stackset_api_requests_total counter"
    );
    if let Ok(m) = REQUESTS.lock() {
        for ((verb, resource), n) in m.iter() {
            let _ = writeln!(
                s,
                "stackset_api_requests_total{{verb=\"{verb}\",resource=\"{resource}\"}} {n}"
            );
        }
    }
    let total = RECONCILES.load(Ordering::Relaxed);
    let _ = writeln!(
        s,
        "# HELP stackset_reconciles_total StackSet reconciles finished.\n# TYPE stackset_reconciles_total counter\nstackset_reconciles_total {total}"
    );
    let _ = writeln!(
        s,
        "# HELP stackset_resyncs_skipped_total Reconciles that found a StackSet unchanged since its last no-op reconcile and decided nothing.\n# TYPE stackset_resyncs_skipped_total counter\nstackset_resyncs_skipped_total {}",
        RESYNCS_SKIPPED.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        s,
        "# HELP stackset_reconcile_errors_total StackSet reconciles that failed.\n# TYPE stackset_reconcile_errors_total counter\nstackset_reconcile_errors_total {}",
        RECONCILE_ERRORS.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        s,
        "# HELP stackset_reconcile_duration_seconds Duration of one StackSet reconcile.\n# TYPE stackset_reconcile_duration_seconds histogram"
    );
    for (i, le) in BUCKETS.iter().enumerate() {
        let _ = writeln!(
            s,
            "stackset_reconcile_duration_seconds_bucket{{le=\"{le}\"}} {}",
            DURATION_BUCKETS[i].load(Ordering::Relaxed)
        );
    }
    let sum = DURATION_SUM_MICROS.load(Ordering::Relaxed) as f64 / 1e6;
    let _ = writeln!(
        s,
        "stackset_reconcile_duration_seconds_bucket{{le=\"+Inf\"}} {total}\nstackset_reconcile_duration_seconds_sum {sum}\nstackset_reconcile_duration_seconds_count {total}"
    );
    let _ = writeln!(
        s,
        "# HELP stackset_queue_depth StackSets with a pending event, not yet reconciled.\n# TYPE stackset_queue_depth gauge\nstackset_queue_depth {}",
        QUEUE_DEPTH.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        s,
        "# HELP stackset_leader Whether this replica holds the leader lease.\n# TYPE stackset_leader gauge\nstackset_leader {}",
        u8::from(LEADER.load(Ordering::Relaxed))
    );
    s
}

/// Serves `/healthz`, `/readyz` and `/metrics` on `address` until the task
/// is dropped.
pub async fn serve(address: &str) -> std::io::Result<()> {
    let listener = TcpListener::bind(address).await?;
    tracing::info!(address = %listener.local_addr()?, "serving /healthz, /readyz and /metrics");
    loop {
        let (mut sock, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let mut len = 0;
            // Read up to the end of the request head (or 4 KiB, or 5 s).
            let read = tokio::time::timeout(Duration::from_secs(5), async {
                while len < buf.len() {
                    match sock.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let head = String::from_utf8_lossy(&buf[..len]);
            let path = head
                .lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("/")
                .split('?')
                .next()
                .unwrap_or("/")
                .to_string();
            let (status, ctype, body) = match path.as_str() {
                "/healthz" | "/livez" => ("200 OK", "text/plain", "ok\n".to_string()),
                "/readyz" if READY.load(Ordering::Relaxed) => {
                    ("200 OK", "text/plain", "ok\n".to_string())
                }
                "/readyz" => (
                    "503 Service Unavailable",
                    "text/plain",
                    "not ready\n".to_string(),
                ),
                "/metrics" => ("200 OK", "text/plain; version=0.0.4", render()),
                _ => ("404 Not Found", "text/plain", "not found\n".to_string()),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(response.as_bytes()).await;
            let _ = sock.shutdown().await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::verb_of;

    #[test]
    fn verbs_are_named_like_the_api_server_does() {
        let cases = [
            ("GET", "/apis/zalando.org/v1/stacksets", "LIST"),
            ("GET", "/apis/zalando.org/v1/namespaces/a/stacksets", "LIST"),
            (
                "GET",
                "/apis/zalando.org/v1/namespaces/a/stacksets/x",
                "GET",
            ),
            (
                "GET",
                "/apis/zalando.org/v1/namespaces/a/stacksets?watch=true&resourceVersion=1",
                "WATCH",
            ),
            ("GET", "/api/v1/namespaces/a/services", "LIST"),
            ("GET", "/api/v1/namespaces/a/services/s", "GET"),
            ("GET", "/api/v1/services", "LIST"),
            ("GET", "/api/v1/namespaces/a", "GET"),
            ("PUT", "/apis/apps/v1/namespaces/a/deployments/d", "PUT"),
            ("PATCH", "/apis/apps/v1/namespaces/a/deployments/d", "PATCH"),
            (
                "DELETE",
                "/apis/apps/v1/namespaces/a/deployments/d",
                "DELETE",
            ),
        ];
        for (method, uri, want) in cases {
            let m: http::Method = method.parse().unwrap();
            let u: http::Uri = uri.parse().unwrap();
            assert_eq!(verb_of(&m, &u), want, "{method} {uri}");
        }
    }
}
