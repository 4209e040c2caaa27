//! Real TCP faults: a Toxiproxy server (github.com/Shopify/toxiproxy/v2,
//! built by `tests/cluster/build-toxiproxy.sh` into target/cluster/bin) in
//! front of the API server's TLS port.
//!
//! Toxiproxy forwards TCP; it does not see HTTP. The CLI keeps talking TLS to
//! the real kube-apiserver and verifies its certificate against the
//! kubeconfig's CA (the serving certificate names 127.0.0.1, where the
//! Toxiproxy listener is), so nothing of the product's client is bypassed.
//! Toxics act on connections, not on requests: a toxic with toxicity `t`
//! applies to a share `t` of the connections (each direction rolls on its
//! own, again whenever the toxics change).
//!
//! One server per [`Toxiproxy`], on its own port, killed on drop.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{TestCluster, repo_root};

/// Which way the bytes a toxic acts on flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Client to API server (requests).
    Upstream,
    /// API server to client (responses, watch events).
    Downstream,
}

impl Stream {
    fn as_str(self) -> &'static str {
        match self {
            Stream::Upstream => "upstream",
            Stream::Downstream => "downstream",
        }
    }
}

/// One toxic, as Toxiproxy's HTTP API takes it.
#[derive(Debug, Clone)]
pub struct Toxic {
    pub name: String,
    /// `latency`, `reset_peer`, `timeout`, `limit_data`, `slicer`,
    /// `bandwidth`, `slow_close`.
    pub kind: &'static str,
    pub stream: Stream,
    /// The share of connections it applies to (0.0 to 1.0).
    pub toxicity: f64,
    pub attributes: Value,
}

impl Toxic {
    fn new(kind: &'static str, stream: Stream, toxicity: f64, attributes: Value) -> Toxic {
        Toxic {
            name: format!("{kind}_{}", stream.as_str()),
            kind,
            stream,
            toxicity,
            attributes,
        }
    }
    /// Every chunk is delayed by `ms` ± `jitter` milliseconds.
    pub fn latency(stream: Stream, ms: u64, jitter: u64, toxicity: f64) -> Toxic {
        Toxic::new(
            "latency",
            stream,
            toxicity,
            json!({"latency": ms, "jitter": jitter}),
        )
    }
    /// The connection is reset (RST) `after_ms` after its next data.
    pub fn reset_peer(stream: Stream, after_ms: u64, toxicity: f64) -> Toxic {
        Toxic::new("reset_peer", stream, toxicity, json!({"timeout": after_ms}))
    }
    /// Data is dropped and the connection closed after `ms` (0: never
    /// closed, a black hole).
    pub fn timeout(stream: Stream, ms: u64, toxicity: f64) -> Toxic {
        Toxic::new("timeout", stream, toxicity, json!({"timeout": ms}))
    }
    /// The connection is closed once `bytes` went through (a cut stream).
    pub fn limit_data(stream: Stream, bytes: u64, toxicity: f64) -> Toxic {
        Toxic::new("limit_data", stream, toxicity, json!({"bytes": bytes}))
    }
    /// Data is cut into pieces of `average` ± `variation` bytes, `delay_us`
    /// apart (TLS records split across reads).
    pub fn slicer(stream: Stream, average: u64, variation: u64, delay_us: u64, t: f64) -> Toxic {
        Toxic::new(
            "slicer",
            stream,
            t,
            json!({"average_size": average, "size_variation": variation, "delay": delay_us}),
        )
    }
    /// At most `kb_per_s` KB per second.
    pub fn bandwidth(stream: Stream, kb_per_s: u64, toxicity: f64) -> Toxic {
        Toxic::new("bandwidth", stream, toxicity, json!({"rate": kb_per_s}))
    }
    pub fn named(mut self, name: &str) -> Toxic {
        self.name = name.to_string();
        self
    }
}

/// A running toxiproxy-server with one proxy, `apiserver`, in front of the
/// cluster's API server.
pub struct Toxiproxy {
    child: Child,
    /// Port of Toxiproxy's own HTTP API.
    pub api_port: u16,
    /// Port the proxied API server is reached on.
    pub listen_port: u16,
    /// The cluster's kubeconfig with every server moved to the listener
    /// (CA, users and contexts unchanged).
    pub kubeconfig: PathBuf,
    /// The server's log (one line per accepted connection).
    log: PathBuf,
}

const PROXY: &str = "apiserver";

fn bin_dir() -> PathBuf {
    std::env::var_os("STACKSET_CLUSTER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/cluster/bin"))
}

/// The toxiproxy-server binary, built once per test binary if missing.
fn server_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let bin = bin_dir().join("toxiproxy-server");
        if !bin.exists() {
            let script = repo_root().join("tests/cluster/build-toxiproxy.sh");
            let st = Command::new(&script)
                .status()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
            assert!(st.success(), "{} failed", script.display());
        }
        bin
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The admin context's API server, as `host:port`.
fn apiserver(cluster: &TestCluster) -> String {
    let kc = read_kubeconfig(&cluster.kubeconfig);
    let ctx = cluster
        .admin_context()
        .or_else(|| kc["current-context"].as_str().map(str::to_string))
        .unwrap_or_default();
    let cluster_name = kc["contexts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == ctx.as_str())
        .and_then(|c| c["context"]["cluster"].as_str())
        .unwrap_or_default()
        .to_string();
    let clusters = kc["clusters"].as_array().cloned().unwrap_or_default();
    let entry = clusters
        .iter()
        .find(|c| c["name"] == cluster_name.as_str())
        .or(clusters.first())
        .expect("a cluster in the kubeconfig");
    let server = entry["cluster"]["server"].as_str().expect("a server URL");
    let rest = server
        .strip_prefix("https://")
        .expect("Toxiproxy passes TLS through: the API server must be https");
    rest.trim_end_matches('/').to_string()
}

fn read_kubeconfig(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read kubeconfig");
    serde_saphyr::from_str(&text).expect("parse kubeconfig")
}

impl Toxiproxy {
    /// Starts a server on a port of its own and creates the `apiserver`
    /// proxy (no toxics yet) in front of this cluster's API server.
    pub fn start(cluster: &TestCluster) -> Toxiproxy {
        let upstream = apiserver(cluster);
        let bin = server_bin();
        for _ in 0..5 {
            let api_port = free_port();
            let log = std::env::temp_dir().join(format!(
                "kubectl-stackset-toxiproxy-{}-{api_port}.log",
                std::process::id()
            ));
            let log_file = std::fs::File::create(&log).expect("create the Toxiproxy log");
            let child = Command::new(bin)
                .args(["-host", "127.0.0.1", "-port", &api_port.to_string()])
                .env("LOG_LEVEL", "info")
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().expect("log file"))
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            let mut t = Toxiproxy {
                child,
                api_port,
                listen_port: 0,
                kubeconfig: PathBuf::new(),
                log,
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut up = false;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = t.child.try_wait() {
                    break; // the port was taken meanwhile: try another
                }
                if t.call("GET", "/version", None).is_ok() {
                    up = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if !up {
                continue;
            }
            let proxy = t
                .call(
                    "POST",
                    "/proxies",
                    Some(json!({"name": PROXY, "listen": "127.0.0.1:0",
                                "upstream": upstream, "enabled": true})),
                )
                .expect("create the Toxiproxy proxy");
            let listen = proxy["listen"].as_str().expect("listen address");
            t.listen_port = listen
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("listen port");
            t.kubeconfig = write_kubeconfig(&cluster.kubeconfig, t.listen_port);
            return t;
        }
        panic!("toxiproxy-server did not come up on a free port (5 attempts)");
    }

    /// One request to Toxiproxy's HTTP API; the JSON answer.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.api_port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: stackset-tests\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut resp = String::new();
        s.read_to_string(&mut resp).map_err(|e| e.to_string())?;
        let (head, payload) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
        let code: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        if !(200..300).contains(&code) {
            return Err(format!("{method} {path}: {code} {payload}"));
        }
        Ok(serde_json::from_str(payload.trim()).unwrap_or(Value::Null))
    }

    /// Adds a toxic (open connections get it too).
    pub fn add(&self, toxic: &Toxic) {
        self.call(
            "POST",
            &format!("/proxies/{PROXY}/toxics"),
            Some(json!({
                "name": toxic.name, "type": toxic.kind, "stream": toxic.stream.as_str(),
                "toxicity": toxic.toxicity, "attributes": toxic.attributes,
            })),
        )
        .unwrap_or_else(|e| panic!("add toxic {}: {e}", toxic.name));
    }

    /// Removes a toxic by name: the fault ends.
    pub fn remove(&self, name: &str) {
        self.call("DELETE", &format!("/proxies/{PROXY}/toxics/{name}"), None)
            .unwrap_or_else(|e| panic!("remove toxic {name}: {e}"));
    }

    /// The names of the toxics in place.
    pub fn toxics(&self) -> Vec<String> {
        self.call("GET", &format!("/proxies/{PROXY}/toxics"), None)
            .expect("list toxics")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str().map(str::to_string))
            .collect()
    }

    /// Disabled: every open connection is closed and new ones are refused
    /// (an API server that is gone); enabled again: it is back.
    pub fn set_enabled(&self, enabled: bool) {
        self.call(
            "POST",
            &format!("/proxies/{PROXY}"),
            Some(json!({"enabled": enabled})),
        )
        .unwrap_or_else(|e| panic!("enable={enabled}: {e}"));
    }

    /// How many client connections the listener accepted so far.
    pub fn connections(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .matches("Accepted client")
            .count()
    }

    /// No toxics, proxy enabled.
    pub fn heal(&self) {
        self.call("POST", "/reset", None).expect("reset Toxiproxy");
    }
}

impl Drop for Toxiproxy {
    fn drop(&mut self) {
        // Our own child, by its id.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.kubeconfig);
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The cluster's kubeconfig with every cluster's server moved to
/// `https://127.0.0.1:port` (the CA stays: TLS is verified end to end).
fn write_kubeconfig(original: &Path, port: u16) -> PathBuf {
    let mut kc = read_kubeconfig(original);
    if let Some(clusters) = kc["clusters"].as_array_mut() {
        for c in clusters {
            c["cluster"]["server"] = format!("https://127.0.0.1:{port}").into();
        }
    }
    let path = std::env::temp_dir().join(format!(
        "kubectl-stackset-toxiproxy-{}-{port}.kubeconfig",
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
