#!/usr/bin/env bash
# Side-by-side benchmark of the in-cluster controllers (issue #13): upstream
# stackset-controller v1.4.131 and `kubectl-stackset reconcile -A --watch`
# (release build), one after the other on a fresh local control plane
# (tests/cluster), with N StackSets of one stack each.
#
#   scripts/bench-controller.sh [N ...]        default: 100
#
# For each controller and N it measures
#   - create:  seconds from creating all N StackSets to every one converged
#              (looked at every second)
#              (status: 1 ready stack, 100% traffic), and the API requests
#              on StackSet resources the API server served meanwhile
#   - change:  seconds from changing every template (version v2) to every one
#              converged (a v2 stack in status.traffic, 2 stacks, both ready)
#   - steady-state API requests per minute by verb, from the API server's own
#              apiserver_request_total, counting the resources a StackSet
#              controller works on (not leases, nodes, pods, ...): a window
#              with the controller running minus an equal window with the
#              controller stopped (SIGSTOP), which subtracts the background;
#              for kubectl-stackset also its own count from its /metrics,
#              which no other component's requests can reach
#   - CPU seconds per minute of the controller process in the steady window
#   - peak RSS (VmHWM) of the controller process
#
# Environment: BENCH_WINDOW (seconds per steady-state window, default 60),
# BENCH_INTERVAL (both controllers' --interval, default 10s), BENCH_WORKERS
# (both controllers' workers, default 10 = upstream's default),
# BENCH_SKIP_BUILD=1 (use the existing target/release/kubectl-stackset),
# BENCH_LIMIT (seconds a controller gets to converge, default 1800; one that
# does not is reported with how many StackSets it converged, and the run goes
# on), BENCH_CONTROLLERS (which to run, in order; default
# "upstream kubectl-stackset"; "floor" adds a row with no controller: the
# script creates one Deployment per StackSet itself and times the cluster
# alone until all are ready, the part of either controller's convergence
# that no controller can remove), BENCH_TRACE=1 (every 5 s while waiting,
# print to stderr how far the pipeline got: Stacks, Deployments, ready
# Deployments, converged StackSets, and each process's CPU seconds so far;
# its LISTs count among the requests during creation).
# Not part of `make test`: it measures, it does not assert.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

[ "${BENCH_SKIP_BUILD:-}" = 1 ] || cargo build --release --bin kubectl-stackset
tests/cluster/build.sh >/dev/null
[ -x target/cluster/bin/stackset-controller ] || tests/cluster/build-upstream.sh

env_file=$(mktemp)
# Outside target/cluster/runs, so a `tests/cluster/down` of every test
# cluster elsewhere leaves the benchmark's alone.
tests/cluster/up --env --dir "$root/target/cluster/bench-$(date +%Y%m%d-%H%M%S)-$$" >"$env_file"
# shellcheck disable=SC1090
. "$env_file"
rm -f "$env_file"
cleanup() { tests/cluster/down "$STACKSET_CLUSTER_DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

BENCH_ROOT=$root python3 - "${@:-100}" <<'PY'
import json, os, re, signal, socket, subprocess, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

root = os.environ["BENCH_ROOT"]
window = int(os.environ.get("BENCH_WINDOW", "60"))
interval = os.environ.get("BENCH_INTERVAL", "10s")
workers = os.environ.get("BENCH_WORKERS", "10")
limit = int(os.environ.get("BENCH_LIMIT", "1800"))
controllers = os.environ.get("BENCH_CONTROLLERS", "upstream kubectl-stackset").split()
sizes = [int(a) for a in sys.argv[1:]]
logdir = os.path.join(os.environ["STACKSET_CLUSTER_DIR"], "logs")
CLK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def kubectl(*args, **kw):
    return subprocess.run(["kubectl", *args], check=True, capture_output=True, text=True, **kw).stdout


proxy_port = free_port()
proxy = subprocess.Popen(["kubectl", "proxy", f"--port={proxy_port}", "--address=127.0.0.1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
API = f"http://127.0.0.1:{proxy_port}"
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", proxy_port)).close()
        break
    except OSError:
        time.sleep(0.1)


def request(method, path, body=None, ctype="application/json"):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", ctype)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")


def raw_metrics(by=("verb",)):
    with urllib.request.urlopen(API + "/metrics", timeout=60) as r:
        text = r.read().decode()
    by_verb = {}
    for line in text.splitlines():
        if not line.startswith("apiserver_request_total{"):
            continue
        labels, value = line.rsplit(" ", 1)
        resource = re.search(r'resource="([^"]*)"', labels)
        # Only what a StackSet controller reads or writes: the other
        # components' lease renewals, node and pod status updates are noise
        # that the subtraction of a window alone does not remove.
        if not resource or resource.group(1) not in STACKSET_RESOURCES:
            continue
        key = " ".join(re.search(f'{label}="([^"]*)"', labels).group(1) for label in by)
        by_verb[key] = by_verb.get(key, 0.0) + float(value)
    return by_verb


STACKSET_RESOURCES = {
    "stacksets", "stacks", "deployments", "services", "horizontalpodautoscalers",
    "ingresses", "routegroups", "events", "configmaps", "secrets",
    "platformcredentialssets",
}


def delta(a, b):
    return {k: b.get(k, 0.0) - a.get(k, 0.0) for k in set(a) | set(b)}


def stackset(name, version, ours):
    meta = {"name": name}
    if ours:
        meta["annotations"] = {"stackset-controller.zalando.org/controller": "kubectl-stackset"}
    return {
        "apiVersion": "zalando.org/v1", "kind": "StackSet", "metadata": meta,
        "spec": {
            "ingress": {"hosts": [f"{name}.example.org"], "backendPort": 80},
            "stackLifecycle": {"limit": 5},
            "stackTemplate": {"spec": {"version": version, "replicas": 1, "podTemplate": {"spec": {
                "containers": [{"name": "app", "image": "example/app:v1",
                                "ports": [{"containerPort": 80}]}]}}}},
        },
    }


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def converged(ns, n, check):
    """How many of the n StackSets pass `check`."""
    items = request("GET", f"/apis/zalando.org/v1/namespaces/{ns}/stacksets")["items"]
    return sum(1 for s in items if check(s.get("status") or {}))


def created_ok(st):
    t = st.get("traffic") or []
    return st.get("readyStacks") == 1 and len(t) == 1 and t[0].get("weight") == 100


def changed_ok(st):
    # Not observedStackVersion: upstream's CRD has no such status field, so
    # the API server prunes it (docs/compatibility.md).
    names = [t.get("stackName", "") for t in st.get("traffic") or []]
    return (any(n.endswith("-v2") for n in names) and st.get("stacks") == 2
            and st.get("readyStacks") == 2)


TRACE = os.environ.get("BENCH_TRACE") == "1"


def processes():
    """CPU seconds so far of the control plane's processes (by command name)."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
            # /proc/PID/comm holds the first 15 characters of the name.
            if comm in ("kube-apiserver", "kube-controller", "kube-scheduler", "etcd", "kwok",
                        "kubectl-stackse", "stackset-contro"):
                out[comm] = out.get(comm, 0) + cpu_seconds(pid)
        except OSError:
            pass
    return out


def trace(ns, t0, done):
    def count(path, ok=lambda o: True):
        return sum(1 for o in request("GET", path)["items"] if ok(o))
    stacks = count(f"/apis/zalando.org/v1/namespaces/{ns}/stacks")
    deps = count(f"/apis/apps/v1/namespaces/{ns}/deployments")
    ready = count(f"/apis/apps/v1/namespaces/{ns}/deployments",
                  lambda d: (d.get("status") or {}).get("readyReplicas", 0) >= 1)
    cpu = " ".join(f"{k}={v:.0f}" for k, v in sorted(processes().items()))
    print(f"[trace] {time.time() - t0:6.1f} s  stacks {stacks}  deployments {deps}  ready {ready}  "
          f"converged {done}  cpu {cpu}", file=sys.stderr, flush=True)


def wait(ns, n, check, t0, what):
    """Seconds until all n pass `check`; a controller that does not get
    there within BENCH_LIMIT is reported as such (how many it did), and the
    run goes on with the next measurement."""
    done = 0
    traced = 0.0
    while time.time() - t0 < limit:
        done = converged(ns, n, check)
        if TRACE and time.time() - traced >= 5:
            traced = time.time()
            trace(ns, t0, done)
        if done == n:
            secs = time.time() - t0
            print(f"[bench]   {what}: all {n} converged in {secs:.1f} s", file=sys.stderr, flush=True)
            return secs
        # Each look lists all N StackSets (megabytes at 1,000): the API
        # server's time for it is taken from the controller's.
        time.sleep(1)
    print(f"[bench]   {what}: {done}/{n} converged after {limit} s", file=sys.stderr, flush=True)
    return f"{done}/{n} after {limit} s"


def own_requests(proc):
    """kubectl-stackset's own count of the requests it sent (its /metrics),
    summed over verbs: no other component's requests can leak into it."""
    with urllib.request.urlopen(f"http://127.0.0.1:{proc.metrics_port}/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("stackset_api_requests_total{"))


def start(ctl, ns):
    port = free_port()
    log = open(os.path.join(logdir, f"bench-{ns}.log"), "w")
    if ctl == "upstream":
        cmd = [os.path.join(root, "target/cluster/bin/stackset-controller"), f"--apiserver={API}",
               f"--interval={interval}", "--cluster-domain=example.org",
               f"--reconcile-workers={workers}", f"--metrics-address=127.0.0.1:{port}"]
    else:
        cmd = [os.path.join(root, "target/release/kubectl-stackset"), "reconcile", "-A", "--watch",
               "--interval", interval, "--cluster-domain", "example.org", "--workers", workers,
               "--metrics-address", f"127.0.0.1:{port}"]
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2):
                p.metrics_port = port
                return p
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{ctl} did not start (see {log.name})")


def deployment(name):
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
        "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "app", "image": "example/app:v1",
                                     "ports": [{"containerPort": 80}]}]}}},
    }


def deployments_ready(ns, names, t0, what):
    """Seconds until every named Deployment has its one replica ready."""
    want = set(names)
    while time.time() - t0 < limit:
        items = request("GET", f"/apis/apps/v1/namespaces/{ns}/deployments")["items"]
        ready = {d["metadata"]["name"] for d in items
                 if (d.get("status") or {}).get("readyReplicas") == 1}
        if want <= ready:
            secs = time.time() - t0
            print(f"[bench]   {what}: all {len(want)} ready in {secs:.1f} s", file=sys.stderr, flush=True)
            return secs
        time.sleep(1)
    return f"{len(want & ready)}/{len(want)} after {limit} s"


def run_floor(n):
    """What any StackSet controller waits for on this cluster, with no
    controller at all: the script itself creates, per StackSet, the
    Deployment of its stack, and times the controller-manager and kwok until
    all are ready; "change" creates the v2 Deployments the same way."""
    ns = f"bench-floor-{n}"
    request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"
    result = {"requests": {}, "cpu": 0.0, "rss": 0.0, "create_requests": 0.0}
    with ThreadPoolExecutor(8) as pool:
        for step, version in (("create", "v1"), ("change", "v2")):
            names = [f"s{i:04d}-{version}" for i in range(n)]
            t0, mc0 = time.time(), raw_metrics()
            list(pool.map(lambda d: request("POST", path, deployment(d)), names))
            result[step] = deployments_ready(ns, names, t0, f"floor {step}")
            if step == "create":
                result["create_requests"] = sum(delta(mc0, raw_metrics()).values())
    subprocess.run(["kubectl", "delete", "namespace", ns, "--timeout=600s"], capture_output=True)
    return result


def run(ctl, n):
    if ctl == "floor":
        return run_floor(n)
    ns = f"bench-{ctl}-{n}"
    ours = ctl != "upstream"
    request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    proc = start(ctl, ns)
    path = f"/apis/zalando.org/v1/namespaces/{ns}/stacksets"
    names = [f"s{i:04d}" for i in range(n)]
    with ThreadPoolExecutor(8) as pool:
        t0, mc0 = time.time(), raw_metrics()
        mr0 = raw_metrics(("resource", "verb"))
        list(pool.map(lambda s: request("POST", path, stackset(s, "v1", ours)), names))
        t_create = wait(ns, n, created_ok, t0, "after create")
        by_resource = {k: round(v) for k, v in sorted(delta(mr0, raw_metrics(("resource", "verb"))).items())
                       if v >= 1}
        print(f"[bench]   requests during create by resource and verb: {json.dumps(by_resource)}",
              file=sys.stderr, flush=True)
        # Everything the API server served on these resources while the
        # controller converged, the benchmark's own POSTs and polls included
        # (the same for both controllers): the work the controller caused.
        create_requests = sum(delta(mc0, raw_metrics()).values())
        # Settle, then the steady state: controller running vs. stopped.
        time.sleep(20)
        m0, c0 = raw_metrics(), cpu_seconds(proc.pid)
        o0 = own_requests(proc) if ours else None
        time.sleep(window)
        m1, c1 = raw_metrics(), cpu_seconds(proc.pid)
        own = (own_requests(proc) - o0) * 60 / window if ours else None
        os.kill(proc.pid, signal.SIGSTOP)
        m2 = raw_metrics()
        time.sleep(window)
        m3 = raw_metrics()
        os.kill(proc.pid, signal.SIGCONT)
        running, background = delta(m0, m1), delta(m2, m3)
        per_min = {v: (running.get(v, 0) - background.get(v, 0)) * 60 / window
                   for v in set(running) | set(background)}
        per_min = {v: max(0.0, x) for v, x in per_min.items() if abs(x) >= 0.5}
        cpu = (c1 - c0) * 60 / window
        patch = {"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}
        t0 = time.time()
        list(pool.map(lambda s: request("PATCH", f"{path}/{s}", patch, "application/merge-patch+json"), names))
        t_change = wait(ns, n, changed_ok, t0, "after template change")
    rss = peak_rss_mib(proc.pid)
    proc.terminate()
    proc.wait(timeout=30)
    subprocess.run(["kubectl", "delete", "namespace", ns, "--timeout=600s"], capture_output=True)
    return {"create": t_create, "change": t_change, "requests": per_min, "cpu": cpu, "rss": rss,
            "create_requests": create_requests, "own": own}


results = []
for n in sizes:
    for ctl in controllers:
        print(f"[bench] {ctl} with {n} StackSets ...", file=sys.stderr, flush=True)
        r = run(ctl, n)
        print(f"[bench]   {json.dumps(r)}", file=sys.stderr, flush=True)
        results.append((n, ctl, r))

version = subprocess.run([os.path.join(root, "target/release/kubectl-stackset"), "version"],
                         capture_output=True, text=True).stdout.split("\n")[0]
print(f"\nwindow {window}s, --interval {interval}, workers {workers}; {version}; "
      f"{os.cpu_count()} CPUs\n")
print("| StackSets | controller | converge after create | API requests during create "
      "| converge after template change | steady-state API requests/min (by verb) | CPU s/min | peak RSS |")
print("|---:|---|---:|---:|---:|---|---:|---:|")
for n, ctl, r in results:
    name = {"upstream": "upstream v1.4.131", "floor": "no controller: Deployments alone (the floor)"}.get(
        ctl, "kubectl-stackset")
    total = sum(r["requests"].values())
    verbs = ", ".join(f"{v} {x:.0f}" for v, x in sorted(r["requests"].items())) or "none"
    secs = lambda v: f"{v:.1f} s" if isinstance(v, float) else f"not converged: {v}"
    if ctl == "floor":
        print(f"| {n} | {name} | {secs(r['create'])} | {r['create_requests']:.0f} | {secs(r['change'])} "
              f"| – | – | – |")
        continue
    own = f"; its own counter: {r['own']:.1f}" if r.get("own") is not None else ""
    print(f"| {n} | {name} | {secs(r['create'])} | {r['create_requests']:.0f} | {secs(r['change'])} "
          f"| {total:.1f} ({verbs}{own}) | {r['cpu']:.2f} | {r['rss']:.0f} MiB |")
proxy.terminate()
PY
