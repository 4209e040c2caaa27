//! Running as the in-cluster controller with the least RBAC and the container
//! arguments of deploy/ (two replicas, one leader, the probes), and
//! surviving an API server that goes away mid-reconcile (issue #4).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use kubectl_stackset::cluster::execute::ExecOptions;
use kubectl_stackset::cluster::reconcile::{Settings, reconcile_one};
use serde_json::json;
use stackset_core::Options;
use stackset_core::api::{Stack, StackSet};
use tokio::net::{TcpListener, TcpStream};

use crate::need_cluster;
use crate::support::{TestCluster, eventually, repo_root};

fn stackset(name: &str, controller_id: &str) -> StackSet {
    serde_json::from_value(json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": name, "annotations": {"stackset-controller.zalando.org/controller": controller_id}},
        "spec": {
            "ingress": {"hosts": [format!("{name}.example.org")], "backendPort": 80},
            "stackLifecycle": {},
            "stackTemplate": {"spec": {"version": "v1", "replicas": 1, "podTemplate": {"spec": {
                "containers": [{"name": "app", "image": "example/app:v1", "ports": [{"containerPort": 80}]}]
            }}}}
        }
    }))
    .unwrap()
}

fn kubectl(cluster: &TestCluster) -> Command {
    let mut c = Command::new("kubectl");
    c.arg("--kubeconfig").arg(&cluster.kubeconfig);
    if let Some(ctx) = cluster.admin_context() {
        c.args(["--context", &ctx]);
    }
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn shipped_rbac_is_enough_to_run_as_the_cluster_controller() {
    let cluster = need_cluster!("shipped_rbac_is_enough_to_run_as_the_cluster_controller");
    let ns = cluster.namespace("incluster-rbac").await;
    let client = cluster.client().await;

    // deploy/rbac.yaml, moved into this test's namespace and made unique.
    let rbac = std::fs::read_to_string(repo_root().join("deploy/rbac.yaml")).unwrap();
    let unique = format!("kubectl-stackset-{}", ns.name);
    let rbac = rbac
        .replace(
            "namespace: stackset-system",
            &format!("namespace: {}", ns.name),
        )
        .replace("name: kubectl-stackset\n", &format!("name: {unique}\n"));
    let mut apply = kubectl(cluster)
        .args(["apply", "-f", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(apply.stdin.as_mut().unwrap(), rbac.as_bytes()).unwrap();
    assert!(apply.wait().unwrap().success(), "apply deploy/rbac.yaml");
    let sa = format!("system:serviceaccount:{}:{unique}", ns.name);

    // Least privilege: it may not read secrets or touch nodes.
    for (verb, res) in [("list", "secrets"), ("delete", "nodes"), ("create", "pods")] {
        let out = kubectl(cluster)
            .args(["auth", "can-i", verb, res, "-A", "--as", &sa])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "no",
            "{verb} {res}"
        );
    }

    // A controller id of its own keeps it away from other tests' StackSets.
    let id = format!("rbac-{}", ns.name);
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &stackset("ctl", &id))
        .await
        .unwrap();

    // The container's args from deploy/deployment.yaml, run as two replicas
    // (as its `replicas: 2`), each with a metrics port of its own.
    let out = kubectl(cluster)
        .args(["create", "--dry-run=client", "-o", "json", "-f"])
        .arg(repo_root().join("deploy/deployment.yaml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One JSON document per object.
    let deployment = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<serde_json::Value>()
        .map(Result::unwrap)
        .find(|d| d["kind"] == "Deployment")
        .unwrap();
    assert_eq!(deployment["spec"]["replicas"], 2);
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    let probes: Vec<String> = ["livenessProbe", "readinessProbe"]
        .iter()
        .map(|p| {
            container[p]["httpGet"]["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let deploy_args: Vec<String> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert!(
        deploy_args.iter().any(|a| a == "--leader-elect"),
        "{deploy_args:?}"
    );
    let mut replicas = Vec::new();
    let mut logs = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut args = deploy_args.clone();
        if let Some(i) = args.iter().position(|a| a == "--metrics-address") {
            args[i + 1] = format!("127.0.0.1:{port}");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"))
            .arg("--kubeconfig")
            .arg(&cluster.kubeconfig)
            .args(
                cluster
                    .admin_context()
                    .map(|c| vec!["--context".to_string(), c])
                    .unwrap_or_default(),
            )
            .args(["--as", &sa])
            .args(&args)
            .env("STACKSET_CONTROLLER_ID", &id)
            // The downward API's namespace: the Lease lives in the test's.
            .env("POD_NAMESPACE", &ns.name)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        logs.push(std::thread::spawn(move || {
            BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        }));
        replicas.push(Reap(child));
        ports.push(port);
    }
    // Never leave a watcher behind, even when an assertion fails.
    struct Reap(std::process::Child);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // Both answer the probes of deploy/deployment.yaml.
    for port in &ports {
        for path in &probes {
            eventually(
                &format!("{path} on replica :{port}"),
                Duration::from_secs(60),
                || async { (http_get(*port, path).await?.0 == 200).then_some(()) },
            )
            .await;
        }
    }

    let stacks: Api<Stack> = Api::namespaced(client.clone(), &ns.name);
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually(
        "ctl-v1 created by the watching controller",
        Duration::from_secs(60),
        || async { stacks.get_opt("ctl-v1").await.ok()?.map(|_| ()) },
    )
    .await;
    eventually("100% on ctl-v1", Duration::from_secs(60), || async {
        let ss = serde_json::to_value(api.get("ctl").await.ok()?).ok()?;
        (ss.pointer("/status/traffic/0/weight")?.as_f64()? == 100.0).then_some(())
    })
    .await;
    // A change is picked up without anyone running a command.
    api.patch(
        "ctl",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    eventually("ctl-v2's deployment", Duration::from_secs(60), || async {
        deps.get_opt("ctl-v2").await.ok()?.map(|_| ())
    })
    .await;

    // Exactly one replica led (the Lease in the test namespace names it).
    let leases: Api<k8s_openapi::api::coordination::v1::Lease> =
        Api::namespaced(client.clone(), &ns.name);
    let lease = leases.get("kubectl-stackset").await.unwrap();
    assert!(lease.spec.unwrap().holder_identity.is_some());
    let mut leaders = 0;
    for port in &ports {
        let (_, metrics) = http_get(*port, "/metrics").await.unwrap();
        if metrics.lines().any(|l| l == "stackset_leader 1") {
            leaders += 1;
        }
    }
    assert_eq!(leaders, 1, "exactly one leader");

    // Ctrl-C ends each with 130.
    let mut lines = Vec::new();
    for (mut replica, log) in replicas.into_iter().zip(logs) {
        Command::new("kill")
            .args(["-INT", &replica.0.id().to_string()])
            .status()
            .unwrap();
        let status = replica.0.wait().unwrap();
        let replica_lines = log.join().unwrap();
        assert_eq!(status.code(), Some(130), "stderr: {replica_lines:#?}");
        lines.extend(replica_lines);
    }
    let complaints: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("forbidden") || l.contains("error"))
        .collect();
    assert!(
        complaints.is_empty(),
        "the shipped RBAC must cover every request: {complaints:#?}"
    );
}

async fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).await.ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n")?.1.to_string();
    Some((code, body))
}

/// A TCP proxy in front of the API server that can be cut at once.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let flag = cut.clone();
        tokio::spawn(async move {
            let mut conns = Vec::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((mut inbound, _)) = accepted else { break };
                        if flag.load(Ordering::SeqCst) { continue; }
                        let up = upstream.clone();
                        conns.push(tokio::spawn(async move {
                            if let Ok(mut outbound) = TcpStream::connect(up).await {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            }
                        }));
                    }
                    _ = tokio::time::sleep(Duration::from_millis(20)) => {
                        if flag.load(Ordering::SeqCst) {
                            for c in conns.drain(..) { c.abort(); }
                        }
                    }
                }
            }
        });
        Self { port, cut }
    }
}

/// Cuts the proxy right before the `after`-th write request.
#[derive(Clone)]
struct CutAfter {
    writes: Arc<AtomicUsize>,
    after: usize,
    cut: Arc<AtomicBool>,
}

impl<S> tower::Layer<S> for CutAfter {
    type Service = CutService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        CutService {
            inner,
            cfg: self.clone(),
        }
    }
}

#[derive(Clone)]
struct CutService<S> {
    inner: S,
    cfg: CutAfter,
}

impl<S, B> tower::Service<http::Request<B>> for CutService<S>
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
        if req.method() != http::Method::GET
            && self.cfg.writes.fetch_add(1, Ordering::SeqCst) + 1 >= self.cfg.after
        {
            self.cfg.cut.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(100)); // let the proxy drop its connections
        }
        self.inner.call(req)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_server_going_away_mid_reconcile_is_a_clear_error_and_a_rerun_converges() {
    let cluster =
        need_cluster!("api_server_going_away_mid_reconcile_is_a_clear_error_and_a_rerun_converges");
    let ns = cluster.namespace("incluster-away").await;
    let client = cluster.client().await;
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(
        &PostParams::default(),
        &stackset("flaky", "kubectl-stackset"),
    )
    .await
    .unwrap();

    // A client that reaches the API server through the proxy.
    let kc = Kubeconfig::read_from(&cluster.kubeconfig).unwrap();
    let opts = KubeConfigOptions {
        context: cluster.admin_context(),
        ..Default::default()
    };
    let mut cfg = Config::from_custom_kubeconfig(kc, &opts).await.unwrap();
    let upstream = format!(
        "{}:{}",
        cfg.cluster_url.host().unwrap(),
        cfg.cluster_url.port_u16().unwrap()
    );
    let proxy = Proxy::start(upstream).await;
    cfg.cluster_url = format!("https://127.0.0.1:{}", proxy.port).parse().unwrap();
    let cut = CutAfter {
        writes: Arc::new(AtomicUsize::new(0)),
        after: 4,
        cut: proxy.cut.clone(),
    };
    let flaky: Client = kube::client::ClientBuilder::try_from(cfg)
        .unwrap()
        .with_layer(&cut)
        .build();

    let settings = Settings {
        options: Options::default(),
        controller_id: "kubectl-stackset".into(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: false,
            events: false,
        },
    };
    let err = reconcile_one(&flaky, &ns.name, "flaky", &settings, Timestamp::now())
        .await
        .expect_err("the API server went away mid-plan");
    assert!(
        err.message().contains("unreachable"),
        "a clear error: {}",
        err.message()
    );
    assert!(
        err.message().starts_with("cannot "),
        "names the verb: {}",
        err.message()
    );
    assert!(err.hint.is_some());
    // Part of the plan was written before the cut.
    let stacks: Api<Stack> = Api::namespaced(client.clone(), &ns.name);
    assert!(
        stacks.get_opt("flaky-v1").await.unwrap().is_some(),
        "the cut came after the stack was created"
    );

    // A re-run with a working connection converges: every object exists and
    // a further pass has nothing left to do.
    let settings = Settings {
        exec: ExecOptions {
            server_dry_run: false,
            events: true,
        },
        ..settings
    };
    reconcile_one(&client, &ns.name, "flaky", &settings, Timestamp::now())
        .await
        .unwrap();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually("flaky-v1 ready", Duration::from_secs(60), || async {
        (deps.get("flaky-v1").await.ok()?.status?.ready_replicas? == 1).then_some(())
    })
    .await;
    let converged = eventually("converged", Duration::from_secs(60), || async {
        let o = reconcile_one(&client, &ns.name, "flaky", &settings, Timestamp::now())
            .await
            .ok()?;
        o.executed.is_empty().then_some(o)
    })
    .await;
    assert!(converged.reconciliation.is_converged());
}

/// The objects of a file in deploy/, one JSON value each (as kubectl reads them).
fn deploy_objects(cluster: &TestCluster, file: &str) -> Vec<serde_json::Value> {
    let out = kubectl(cluster)
        .args(["create", "--dry-run=client", "-o", "json", "-f"])
        .arg(repo_root().join("deploy").join(file))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "deploy/{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut objects = Vec::new();
    for doc in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<serde_json::Value>() {
        let doc = doc.unwrap();
        // Several objects come back as a List.
        match doc["kind"].as_str() {
            Some("List") => objects.extend(doc["items"].as_array().unwrap().iter().cloned()),
            _ => objects.push(doc),
        }
    }
    objects
}

fn kubectl_apply(cluster: &TestCluster, objects: &[serde_json::Value]) {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let mut apply = kubectl(cluster)
        .args(["apply", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(apply.stdin.as_mut().unwrap(), list.to_string().as_bytes()).unwrap();
    drop(apply.stdin.take());
    assert!(apply.wait().unwrap().success(), "kubectl apply");
}

/// The value of `--flag VALUE` in a container's args.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(String::as_str)
}

/// Waits until every probe (path, port) answers 200 on the Pod's IP.
async fn wait_for_probes(pod: &crate::support::kubelet::PodProcess, probes: &[(String, u16)]) {
    for (path, port) in probes {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while pod.http_get(*port, path).map(|r| r.0) != Some(200) {
            assert!(
                std::time::Instant::now() < deadline,
                "{path} on {}:{port} never answered 200; its stderr: {:#?}",
                pod.ip,
                pod.stderr()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// deploy/ as it runs in a cluster: the Deployment's Pods, started as kubelet
/// would start them (support/kubelet.rs): service-account token, CA and
/// namespace mounted at /var/run/secrets/kubernetes.io/serviceaccount,
/// KUBERNETES_SERVICE_HOST/PORT set, no kubeconfig anywhere, a non-root user.
/// Two replicas elect one leader, it reconciles, the probes answer on the
/// Pod's port, the API server sees the service account, the standby takes
/// over when the leader is killed, the crashed container comes back as the
/// standby, and SIGTERM exits 0 and hands the Lease over.
#[tokio::test(flavor = "multi_thread")]
async fn deploy_runs_as_pods_with_the_service_account_token_and_no_kubeconfig() {
    use k8s_openapi::api::coordination::v1::Lease;
    use k8s_openapi::api::core::v1::{Pod, Service};
    use k8s_openapi::api::networking::v1::Ingress;
    use kube::api::ListParams;

    use crate::support::e2e_required;
    use crate::support::kubelet::{Kubelet, can_isolate};

    let test = "deploy_runs_as_pods_with_the_service_account_token_and_no_kubeconfig";
    let cluster = need_cluster!(test);
    if let Err(why) = can_isolate() {
        assert!(
            !e2e_required(),
            "STACKSET_E2E=1 but {test} cannot run Pods: {why}"
        );
        eprintln!("SKIP {test}: {why}; set STACKSET_E2E=1 to make this an error");
        return;
    }
    let ns = cluster.namespace("incluster-pod").await;
    let client = cluster.client().await;

    // deploy/rbac.yaml, as shipped, but in the test's namespace; the
    // cluster-wide role and binding get a name of their own.
    let mut rbac = deploy_objects(cluster, "rbac.yaml");
    for o in &mut rbac {
        if o["metadata"]["namespace"] == "stackset-system" {
            o["metadata"]["namespace"] = json!(ns.name);
        }
        if matches!(
            o["kind"].as_str(),
            Some("ClusterRole" | "ClusterRoleBinding")
        ) {
            let name = format!("{}-{}", o["metadata"]["name"].as_str().unwrap(), ns.name);
            o["metadata"]["name"] = json!(name);
        }
        if o["kind"] == "ClusterRoleBinding" {
            let name = format!("{}-{}", o["roleRef"]["name"].as_str().unwrap(), ns.name);
            o["roleRef"]["name"] = json!(name);
        }
        for s in o["subjects"].as_array_mut().into_iter().flatten() {
            s["namespace"] = json!(ns.name);
        }
    }
    assert!(
        !serde_json::to_string(&rbac)
            .unwrap()
            .contains("stackset-system"),
        "every reference to stackset-system moved"
    );
    kubectl_apply(cluster, &rbac);

    // deploy/deployment.yaml, as shipped, but in the test's namespace and
    // with a controller id of its own (so it leaves other tests alone).
    let objects = deploy_objects(cluster, "deployment.yaml");
    let mut deployment = objects
        .iter()
        .find(|o| o["kind"] == "Deployment")
        .cloned()
        .unwrap();
    assert!(
        objects.iter().any(|o| o["kind"] == "Namespace"
            && o["metadata"]["name"] == deployment["metadata"]["namespace"]),
        "deploy/deployment.yaml creates the namespace it deploys into"
    );
    deployment["metadata"]["namespace"] = json!(ns.name);
    let id = format!("pod-{}", ns.name);
    let env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap();
    let controller_id = env
        .iter_mut()
        .find(|e| e["name"] == "STACKSET_CONTROLLER_ID")
        .expect("deploy/ sets STACKSET_CONTROLLER_ID");
    controller_id["value"] = json!(id);
    kubectl_apply(cluster, std::slice::from_ref(&deployment));

    let replicas = deployment["spec"]["replicas"].as_u64().unwrap() as usize;
    assert!(replicas >= 2, "deploy/ runs a standby: replicas {replicas}");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<String> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    // Unless deploy/ says otherwise, the flag's default.
    let lease_duration = flag(&args, "--lease-duration").unwrap_or("15s");
    let lease_duration = kubectl_stackset::cluster::parse_duration(lease_duration).unwrap();
    let lease_name = flag(&args, "--leader-election-id").unwrap_or("kubectl-stackset");
    // The probes as kubelet runs them: path and (named) port.
    let port_of = |p: &serde_json::Value| -> u16 {
        match p {
            serde_json::Value::Number(n) => n.as_u64().unwrap() as u16,
            serde_json::Value::String(name) => container["ports"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == *name)
                .unwrap_or_else(|| panic!("no container port named {name}"))["containerPort"]
                .as_u64()
                .unwrap() as u16,
            _ => panic!("probe port {p}"),
        }
    };
    let probes: Vec<(String, u16)> = ["livenessProbe", "readinessProbe"]
        .iter()
        .map(|p| {
            let get = &container[p]["httpGet"];
            (
                get["path"].as_str().unwrap().to_string(),
                port_of(&get["port"]),
            )
        })
        .collect();
    let metrics_port = probes[0].1;

    // The Deployment controller makes the Pods, the scheduler binds them, kwok
    // gives them an IP.
    let selector = deployment["spec"]["selector"]["matchLabels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
        .collect::<Vec<_>>()
        .join(",");
    let pods_api: Api<Pod> = Api::namespaced(client.clone(), &ns.name);
    let pods = eventually("the Deployment's Pods", Duration::from_secs(60), || async {
        let list = pods_api
            .list(&ListParams::default().labels(&selector))
            .await
            .ok()?;
        let placed: Vec<Pod> = list
            .items
            .into_iter()
            .filter(|p| {
                let v = serde_json::to_value(p).unwrap();
                v.pointer("/status/podIP").is_some() && v.pointer("/spec/nodeName").is_some()
            })
            .collect();
        (placed.len() == replicas).then_some(placed)
    })
    .await;

    let kc = Kubeconfig::read_from(&cluster.kubeconfig).unwrap();
    let cfg = Config::from_custom_kubeconfig(
        kc,
        &KubeConfigOptions {
            context: cluster.admin_context(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let api_server = format!(
        "{}:{}",
        cfg.cluster_url.host().unwrap(),
        cfg.cluster_url.port_u16().unwrap_or(443)
    );
    let kubelet = Kubelet::start(
        client.clone(),
        api_server,
        std::path::Path::new(env!("CARGO_BIN_EXE_kubectl-stackset")),
    )
    .await;
    let mut running = Vec::new();
    for pod in &pods {
        running.push(kubelet.run(pod).await);
    }

    // Both replicas answer the probes of deploy/ on their Pod IP.
    for pod in &running {
        wait_for_probes(pod, &probes).await;
    }

    // The leader reconciles a new StackSet: the stack and its children.
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &stackset("ctl", &id))
        .await
        .unwrap();
    eventually("100% on ctl-v1", Duration::from_secs(60), || async {
        let ss = serde_json::to_value(api.get("ctl").await.ok()?).ok()?;
        (ss.pointer("/status/traffic/0/weight")?.as_f64()? == 100.0).then_some(())
    })
    .await;
    let stacks: Api<Stack> = Api::namespaced(client.clone(), &ns.name);
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    let svcs: Api<Service> = Api::namespaced(client.clone(), &ns.name);
    let ings: Api<Ingress> = Api::namespaced(client.clone(), &ns.name);
    assert!(
        stacks.get_opt("ctl-v1").await.unwrap().is_some(),
        "Stack ctl-v1"
    );
    assert!(
        deps.get_opt("ctl-v1").await.unwrap().is_some(),
        "Deployment ctl-v1"
    );
    assert!(
        svcs.get_opt("ctl-v1").await.unwrap().is_some(),
        "Service ctl-v1"
    );
    for ing in ["ctl-v1", "ctl-v1-traffic-segment"] {
        assert!(ings.get_opt(ing).await.unwrap().is_some(), "Ingress {ing}");
    }

    // Exactly one replica leads: the Lease names its Pod (HOSTNAME), and only
    // its /metrics says so.
    let leases: Api<Lease> = Api::namespaced(client.clone(), &ns.name);
    let holder = || async {
        leases
            .get_opt(lease_name)
            .await
            .ok()
            .flatten()
            .and_then(|l| l.spec?.holder_identity)
            .filter(|h| !h.is_empty())
    };
    let first = holder().await.expect("a Lease holder");
    let standby_of = |leader: usize| (leader + 1) % running.len();
    let leader = running
        .iter()
        .position(|p| first.starts_with(&format!("{}_", p.name)))
        .unwrap_or_else(|| panic!("the holder {first} is one of the Pods"));
    for (i, pod) in running.iter().enumerate() {
        let (_, metrics) = pod.http_get(metrics_port, "/metrics").unwrap();
        let want = if i == leader {
            "stackset_leader 1"
        } else {
            "stackset_leader 0"
        };
        assert!(metrics.lines().any(|l| l == want), "{}: {want}", pod.name);
    }

    // The API server sees the service account, not anyone else: an action
    // deploy/rbac.yaml does not grant is refused by name (`kubectl exec`).
    let sa = deployment["spec"]["template"]["spec"]["serviceAccountName"]
        .as_str()
        .unwrap();
    let who = format!("system:serviceaccount:{}:{sa}", ns.name);
    let out = running[standby_of(leader)].exec(&["delete", "ctl", "--yes"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "forbidden: {stderr}");
    assert!(stderr.contains(&format!("User \"{who}\"")), "{stderr}");
    assert!(api.get_opt("ctl").await.unwrap().is_some());
    // The service account is the fallback for no kubeconfig at all, as with
    // kubectl (a KUBECONFIG naming no file counts as none); a kubeconfig that
    // is there but broken is an error, never a silent switch of identity
    // (issue #16).
    let out =
        running[standby_of(leader)].exec(&["get", "ctl"], &[("KUBECONFIG", "/nonexistent/config")]);
    assert!(
        out.status.success(),
        "no kubeconfig file: the service account: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let broken = std::env::temp_dir().join(format!("{}-broken-kubeconfig", ns.name));
    std::fs::write(&broken, "apiVersion: v1\nkind: Config\nclusters: [oops\n").unwrap();
    let out = running[standby_of(leader)]
        .exec(&["get", "ctl"], &[("KUBECONFIG", broken.to_str().unwrap())]);
    let _ = std::fs::remove_file(&broken);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken kubeconfig is an error: {stderr}"
    );
    assert!(
        stderr.starts_with("error: cannot read the kubeconfig") && stderr.lines().count() == 2,
        "one line and a hint: {stderr}"
    );

    // Within deploy/'s memory limit.
    let limit = container["resources"]["limits"]["memory"].as_str().unwrap();
    let limit_bytes = limit.strip_suffix("Mi").unwrap().parse::<u64>().unwrap() << 20;
    for pod in &running {
        let non_root = container["securityContext"]["runAsNonRoot"] == true;
        assert!(!non_root || pod.uid() != Some(0), "{}: not root", pod.name);
        let rss = pod.peak_rss_bytes().unwrap();
        eprintln!("{}: peak RSS {} KiB (limit {limit})", pod.name, rss >> 10);
        assert!(
            rss < limit_bytes,
            "{}: peak RSS {rss} over {limit}",
            pod.name
        );
    }

    // The leader's Pod dies without a goodbye; a change made at once is
    // reconciled by the standby after it takes the Lease over.
    let standby = standby_of(leader);
    let killed = std::time::Instant::now();
    running[leader].signal("KILL");
    api.patch(
        "ctl",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    let prefix = format!("{}_", running[standby].name);
    eventually(
        "the standby holds the Lease",
        lease_duration * 3,
        || async { holder().await.filter(|h| h.starts_with(&prefix)) },
    )
    .await;
    let takeover = killed.elapsed();
    eventually(
        "ctl-v2's Deployment from the new leader",
        Duration::from_secs(60),
        || async { deps.get_opt("ctl-v2").await.ok()?.map(|_| ()) },
    )
    .await;
    let reconciled = killed.elapsed();
    eprintln!(
        "failover: Lease taken over {:.1}s after the leader was killed, the change reconciled after {:.1}s (lease duration {lease_duration:?})",
        takeover.as_secs_f64(),
        reconciled.as_secs_f64()
    );
    assert!(
        takeover <= lease_duration * 2,
        "take-over within two lease durations: {takeover:?}"
    );
    let (_, metrics) = running[standby].http_get(metrics_port, "/metrics").unwrap();
    assert!(metrics.lines().any(|l| l == "stackset_leader 1"));

    // kubelet restarts the crashed container in the same Pod (a fresh
    // token): it comes back as the standby.
    let (_, mut logs) = running[leader].wait();
    running[leader] = kubelet.run(&pods[leader]).await;
    wait_for_probes(&running[leader], &probes).await;
    let (_, metrics) = running[leader].http_get(metrics_port, "/metrics").unwrap();
    assert!(metrics.lines().any(|l| l == "stackset_leader 0"));

    // kubelet stops a Pod with SIGTERM: exit 0, and the Lease is given back
    // at once, so the other replica takes over without waiting for it to
    // run out.
    let stopped = std::time::Instant::now();
    running[standby].signal("TERM");
    let (code, log) = running[standby].wait();
    assert_eq!(code, Some(0), "SIGTERM ends it cleanly: {log:#?}");
    logs.extend(log);
    let after_stop = holder().await;
    assert!(
        !after_stop
            .as_deref()
            .is_some_and(|h| h.starts_with(&prefix)),
        "released on SIGTERM, not left to expire: {after_stop:?}"
    );
    let restarted = format!("{}_", running[leader].name);
    eventually(
        "the restarted replica holds the Lease",
        lease_duration,
        || async { holder().await.filter(|h| h.starts_with(&restarted)) },
    )
    .await;
    eprintln!(
        "hand-over on SIGTERM: {:.1}s",
        stopped.elapsed().as_secs_f64()
    );
    running[leader].signal("TERM");
    let (code, log) = running[leader].wait();
    assert_eq!(code, Some(0), "SIGTERM ends it cleanly: {log:#?}");
    logs.extend(log);
    assert_eq!(holder().await, None, "the Lease is released on SIGTERM");
    let complaints: Vec<_> = logs
        .iter()
        .filter(|l| l.contains("forbidden") || l.contains("error"))
        .collect();
    assert!(
        complaints.is_empty(),
        "the shipped RBAC must cover every request: {complaints:#?}"
    );
}
