//! A stand-in for kubelet, so that deploy/ runs on the local control plane
//! as real Pods do. The Deployment controller creates the Pods, the scheduler
//! binds them to kwok Nodes (which give them an IP), and [`Kubelet::run`]
//! starts a Pod's container on this host the way kubelet would:
//!
//! - in namespaces of its own (`unshare --mount --net --pid`): the process is
//!   PID 1, has its own loopback carrying the Pod IP, and sees a private
//!   tmpfs on /var/run, so nothing on the host is touched;
//! - with the Pod's projected service-account volume written into that tmpfs
//!   at its mountPath, read-only: a token minted through the TokenRequest API
//!   and bound to the Pod, `ca.crt` from the `kube-root-ca.crt` ConfigMap and
//!   the namespace from the downward API;
//! - with the container's `env` resolved (values and `fieldRef`s), plus
//!   `KUBERNETES_SERVICE_HOST/PORT` from the `kubernetes` Service and
//!   `HOSTNAME` = the Pod's name; no KUBECONFIG, and HOME an empty directory;
//! - as the user its securityContext asks for (`runAsNonRoot`: 65532, with no
//!   capabilities and no privilege escalation);
//! - and the Service address is served inside the namespace by a small
//!   forwarder (kube-proxy's part) that reaches the API server through a Unix
//!   socket held by the test.
//!
//! The image is the binary under test: the container gives `args` only, so
//! the image's entrypoint (the binary) runs with them.
//!
//! Needs root (CI runs as root) for the namespaces; [`can_isolate`] says why
//! not, for the caller to fail loudly under `STACKSET_E2E=1`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use k8s_openapi::api::authentication::v1::{BoundObjectReference, TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Service, ServiceAccount};
use kube::Client;
use kube::api::{Api, PostParams};
use serde_json::Value;

/// Whether this host can run a Pod-equivalent, and if not, why.
pub fn can_isolate() -> Result<(), String> {
    for tool in ["unshare", "nsenter", "setpriv", "ip", "curl", "python3"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
        {
            return Err(format!("'{tool}' is not installed"));
        }
    }
    let out = Command::new("unshare")
        .args(ISOLATE)
        .args([
            "sh",
            "-c",
            "ip link set lo up && mount -t tmpfs tmpfs \"$(readlink -f /var/run)\"",
        ])
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    Err(format!(
        "cannot create mount, network and PID namespaces (uid {uid}; this needs root): {}",
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

/// A container's namespaces; `--kill-child` ends the whole Pod (its PID 1
/// first, the kernel the rest) when the `unshare` process dies.
const ISOLATE: &[&str] = &[
    "--mount",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
    "--propagation",
    "private",
    "--",
];

/// Inside the Pod's namespaces, as root: the network, the service-account
/// volume, the Service forwarder; then `exec "$@"` (the container).
const POD_SETUP: &str = r#"set -eu
ip link set lo up
ip addr add "$POD_IP/32" dev lo
ip addr add "$SERVICE_IP/32" dev lo
mount -t tmpfs -o mode=0755,size=4m tmpfs "$(readlink -f /var/run)"
mkdir -p "$MOUNT_PATH"
cp "$VOLUME"/* "$MOUNT_PATH"/
chmod "$MODE" "$MOUNT_PATH"/*
mount --bind "$MOUNT_PATH" "$MOUNT_PATH"
mount -o remount,bind,ro "$MOUNT_PATH"
"$PYTHON" "$FORWARDER" "$SERVICE_IP" "$SERVICE_PORT" "$SOCKET" "$READY" &
until [ -e "$READY" ]; do sleep 0.05; done
exec "$@"
"#;

/// Serves the Service address inside the Pod's network namespace, passing
/// every connection on to the test's Unix socket (kube-proxy's part).
const FORWARDER: &str = r#"import socket, sys, threading
host, port, path, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port))
srv.listen(64)
open(ready, "w").close()
def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass
while True:
    conn, _ = srv.accept()
    up = socket.socket(socket.AF_UNIX)
    try:
        up.connect(path)
    except OSError:
        conn.close()
        continue
    threading.Thread(target=pipe, args=(conn, up), daemon=True).start()
    threading.Thread(target=pipe, args=(up, conn), daemon=True).start()
"#;

/// The user `runAsNonRoot` gets when the Pod names none (distroless's
/// `nonroot`).
const NONROOT: i64 = 65532;

static DIRS: AtomicUsize = AtomicUsize::new(0);

pub struct Kubelet {
    client: Client,
    binary: PathBuf,
    dir: PathBuf,
    socket: PathBuf,
    service_ip: String,
    service_port: u16,
    python: String,
    proxy: tokio::task::JoinHandle<()>,
}

impl Kubelet {
    /// `client`: an admin client (kubelet's own rights: read Pods and
    /// ConfigMaps, create tokens); `api_server`: host:port the API server
    /// listens on; `binary`: what the container image runs.
    pub async fn start(client: Client, api_server: String, binary: &Path) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "ssk-{}-{}",
            std::process::id(),
            DIRS.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("forwarder.py"), FORWARDER).unwrap();
        let socket = dir.join("api.sock");
        let listener = tokio::net::UnixListener::bind(&socket).unwrap();
        let proxy = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = api_server.clone();
                tokio::spawn(async move {
                    if let Ok(mut out) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
            }
        });
        // What kubelet puts in every container's environment.
        let svc = Api::<Service>::namespaced(client.clone(), "default")
            .get("kubernetes")
            .await
            .expect("the kubernetes Service");
        let spec = svc.spec.unwrap();
        let service_ip = spec.cluster_ip.expect("kubernetes Service's clusterIP");
        let service_port = spec
            .ports
            .unwrap_or_default()
            .iter()
            .find(|p| p.name.as_deref() == Some("https"))
            .expect("kubernetes Service's https port")
            .port as u16;
        // The forwarder runs as root before the container's user takes over;
        // resolve the interpreter now (a version manager's shim may need HOME).
        let python = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .expect("python3");
        Self {
            client,
            binary: binary.to_path_buf(),
            dir,
            socket,
            service_ip,
            service_port,
            python,
            proxy,
        }
    }

    /// Starts the Pod's only container. The Pod must be scheduled and have
    /// an IP.
    pub async fn run(&self, pod: &Pod) -> PodProcess {
        let pod_json = serde_json::to_value(pod).unwrap();
        let name = pod.metadata.name.clone().unwrap();
        let ip = pod_json["status"]["podIP"]
            .as_str()
            .unwrap_or_else(|| panic!("pod {name} has no IP yet"))
            .to_string();
        let containers = pod_json["spec"]["containers"].as_array().unwrap();
        assert_eq!(containers.len(), 1, "one container per Pod");
        let container = &containers[0];
        assert!(
            container.get("command").is_none(),
            "the container must run the image's entrypoint (args only)"
        );
        let dir = self.dir.join(&name);
        std::fs::create_dir_all(dir.join("volume")).unwrap();
        std::fs::create_dir_all(dir.join("home")).unwrap();
        // A restart of the container starts its forwarder afresh.
        let _ = std::fs::remove_file(dir.join("forwarder.ready"));

        // Volumes: the service account's projected volume is all deploy/ has.
        let mounts = container["volumeMounts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            mounts.len(),
            1,
            "only the service-account volume: {mounts:?}"
        );
        let mount_path = mounts[0]["mountPath"].as_str().unwrap().to_string();
        assert!(mount_path.starts_with("/var/run/"), "{mount_path}");
        let volume = pod_json["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == mounts[0]["name"])
            .unwrap()
            .clone();
        let mode = volume["projected"]["defaultMode"].as_i64().unwrap_or(0o644);
        for source in volume["projected"]["sources"].as_array().unwrap() {
            self.project(&pod_json, source, &dir.join("volume")).await;
        }

        // Environment: exactly what kubelet gives the container.
        let mut env: Vec<(String, String)> = vec![
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("HOSTNAME".into(), name.clone()),
            ("HOME".into(), dir.join("home").display().to_string()),
            ("KUBERNETES_SERVICE_HOST".into(), self.service_ip.clone()),
            (
                "KUBERNETES_SERVICE_PORT".into(),
                self.service_port.to_string(),
            ),
        ];
        for e in container["env"].as_array().cloned().unwrap_or_default() {
            let key = e["name"].as_str().unwrap().to_string();
            let value = match (&e["value"], &e["valueFrom"]["fieldRef"]["fieldPath"]) {
                (Value::String(v), _) => v.clone(),
                (_, Value::String(path)) => field(&pod_json, path),
                _ => panic!("unsupported env entry {e}"),
            };
            env.push((key, value));
        }
        let privileges = privileges(container);

        // If the test dies, unshare dies with it, and the Pod with unshare.
        let mut cmd = Command::new("setpriv");
        cmd.args(["--pdeathsig=KILL", "unshare"])
            .args(ISOLATE)
            .args(["sh", "-c", POD_SETUP, "pod"])
            .args(&privileges)
            .args(["--", "env", "-i"])
            .args(env.iter().map(|(k, v)| format!("{k}={v}")))
            .arg(&self.binary);
        for a in container["args"].as_array().cloned().unwrap_or_default() {
            cmd.arg(a.as_str().unwrap());
        }
        let mut child = cmd
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("POD_IP", &ip)
            .env("SERVICE_IP", &self.service_ip)
            .env("SERVICE_PORT", self.service_port.to_string())
            .env("MOUNT_PATH", &mount_path)
            .env("VOLUME", dir.join("volume"))
            .env("MODE", format!("{mode:o}"))
            .env("PYTHON", &self.python)
            .env("FORWARDER", self.dir.join("forwarder.py"))
            .env("SOCKET", &self.socket)
            .env("READY", dir.join("forwarder.ready"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("unshare");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        // The container's process: unshare's only child, PID 1 inside.
        let children = format!("/proc/{0}/task/{0}/children", child.id());
        let mut pid = None;
        for _ in 0..200 {
            pid = std::fs::read_to_string(&children)
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse().ok());
            if pid.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        PodProcess {
            name,
            ip,
            pid: pid.expect("the container's process"),
            env,
            privileges,
            binary: self.binary.clone(),
            unshare: Some(child),
            log,
            reader: Some(reader),
        }
    }

    /// Writes one source of a projected volume into `dir`.
    async fn project(&self, pod: &Value, source: &Value, dir: &Path) {
        let ns = pod["metadata"]["namespace"].as_str().unwrap();
        if let Some(t) = source.get("serviceAccountToken") {
            let sa = pod["spec"]["serviceAccountName"].as_str().unwrap();
            let request = TokenRequest {
                spec: Some(TokenRequestSpec {
                    // None: the API server's own audience, as kubelet asks.
                    audiences: t["audience"].as_str().map(|a| vec![a.to_string()]),
                    expiration_seconds: t["expirationSeconds"].as_i64(),
                    bound_object_ref: Some(BoundObjectReference {
                        api_version: Some("v1".into()),
                        kind: Some("Pod".into()),
                        name: pod["metadata"]["name"].as_str().map(String::from),
                        uid: pod["metadata"]["uid"].as_str().map(String::from),
                    }),
                }),
                ..Default::default()
            };
            let token = Api::<ServiceAccount>::namespaced(self.client.clone(), ns)
                .create_token_request(sa, &PostParams::default(), &request)
                .await
                .unwrap_or_else(|e| panic!("TokenRequest for {ns}/{sa}: {e}"))
                .status
                .and_then(|s| s.token)
                .expect("a token");
            std::fs::write(dir.join(t["path"].as_str().unwrap()), token).unwrap();
        } else if let Some(c) = source.get("configMap") {
            let cm = Api::<ConfigMap>::namespaced(self.client.clone(), ns)
                .get(c["name"].as_str().unwrap())
                .await
                .unwrap();
            let data = cm.data.unwrap_or_default();
            for item in c["items"].as_array().unwrap() {
                let value = &data[item["key"].as_str().unwrap()];
                std::fs::write(dir.join(item["path"].as_str().unwrap()), value).unwrap();
            }
        } else if let Some(d) = source.get("downwardAPI") {
            for item in d["items"].as_array().unwrap() {
                let path = item["fieldRef"]["fieldPath"].as_str().unwrap();
                std::fs::write(dir.join(item["path"].as_str().unwrap()), field(pod, path)).unwrap();
            }
        } else {
            panic!("unsupported projected volume source {source}");
        }
    }
}

impl Drop for Kubelet {
    fn drop(&mut self) {
        self.proxy.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The downward API's fields that matter here.
fn field(pod: &Value, path: &str) -> String {
    let pointer = match path {
        "metadata.name" => "/metadata/name",
        "metadata.namespace" => "/metadata/namespace",
        "metadata.uid" => "/metadata/uid",
        "spec.nodeName" => "/spec/nodeName",
        "spec.serviceAccountName" => "/spec/serviceAccountName",
        "status.podIP" => "/status/podIP",
        _ => panic!("unsupported fieldRef {path}"),
    };
    pod.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("the Pod has no {path}"))
        .to_string()
}

/// `setpriv` arguments for the container's securityContext.
fn privileges(container: &Value) -> Vec<String> {
    let sc = &container["securityContext"];
    // The parent-death signal (`unshare --kill-child`) survives the change
    // of user only when asked to.
    let mut args = vec!["setpriv".to_string(), "--pdeathsig=keep".to_string()];
    let user = sc["runAsUser"]
        .as_i64()
        .or_else(|| (sc["runAsNonRoot"] == true).then_some(NONROOT));
    if let Some(uid) = user {
        assert!(
            uid != 0 || sc["runAsNonRoot"] != true,
            "runAsNonRoot with runAsUser 0"
        );
        let gid = sc["runAsGroup"].as_i64().unwrap_or(uid);
        args.extend([
            format!("--reuid={uid}"),
            format!("--regid={gid}"),
            "--clear-groups".into(),
        ]);
    }
    if sc["allowPrivilegeEscalation"] == false {
        args.push("--no-new-privs".into());
    }
    let drops_all = sc["capabilities"]["drop"]
        .as_array()
        .is_some_and(|d| d.iter().any(|c| c == "ALL"));
    if drops_all {
        args.extend(["--inh-caps=-all".into(), "--bounding-set=-all".into()]);
    }
    args
}

/// A running Pod-equivalent.
pub struct PodProcess {
    pub name: String,
    pub ip: String,
    /// The container's process, as seen from the host.
    pub pid: u32,
    env: Vec<(String, String)>,
    privileges: Vec<String>,
    binary: PathBuf,
    unshare: Option<Child>,
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

impl PodProcess {
    /// An HTTP GET to the Pod's IP from inside its network (kubelet's probes
    /// reach the Pod IP the same way): (status, body).
    pub fn http_get(&self, port: u16, path: &str) -> Option<(u16, String)> {
        let out = Command::new("nsenter")
            .arg(format!("--net=/proc/{}/ns/net", self.pid))
            .args([
                "--",
                "curl",
                "-sS",
                "--max-time",
                "3",
                "-w",
                "\n%{http_code}",
            ])
            .arg(format!("http://{}:{port}{path}", self.ip))
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let (body, code) = text.rsplit_once('\n')?;
        Some((code.trim().parse().ok()?, body.to_string()))
    }

    /// Runs the image's binary inside the running Pod, with the container's
    /// environment and user (`kubectl exec`), plus `extra_env`.
    pub fn exec(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        Command::new("nsenter")
            .arg(format!("--mount=/proc/{}/ns/mnt", self.pid))
            .arg(format!("--net=/proc/{}/ns/net", self.pid))
            .arg("--")
            .args(&self.privileges)
            .args(["--", "env", "-i"])
            .args(self.env.iter().map(|(k, v)| format!("{k}={v}")))
            .args(extra_env.iter().map(|(k, v)| format!("{k}={v}")))
            .arg(&self.binary)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("nsenter")
    }

    /// The container's peak resident memory (VmHWM).
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// The container's real user id.
    pub fn uid(&self) -> Option<u32> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with("Uid:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Sends a signal to the container's process (`KILL`, `TERM`, `INT`).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid.to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} {}", self.pid);
    }

    /// Waits for the container to end: its exit code (None when a signal
    /// ended it) and everything it wrote to stderr.
    pub fn wait(&mut self) -> (Option<i32>, Vec<String>) {
        let status = self.unshare.take().unwrap().wait().unwrap();
        let _ = self.reader.take().unwrap().join();
        (status.code(), self.stderr())
    }

    /// What the container has written to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for PodProcess {
    fn drop(&mut self) {
        // SIGKILL to unshare; --kill-child takes the whole Pod with it.
        if let Some(mut child) = self.unshare.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
