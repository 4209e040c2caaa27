#!/usr/bin/env bash
# Side-by-side benchmark of the in-cluster controllers (issue #13): upstream
# stackset-controller v1.4.131 and `kubectl-stackset reconcile -A --watch`
# (release build), one after the other, each on a fresh local control plane
# of its own (tests/cluster), with N StackSets of one stack each.
#
#   scripts/bench-controller.sh [N ...]        default: 100
#
# For each controller and N it measures
#   - create:  seconds from creating all N StackSets to every one converged
#              (status: 1 ready stack, 100% traffic; watched, so the moment
#              the last one converged, not the next poll), and the API
#              requests the API server served meanwhile, by resource and verb
#   - change:  seconds from changing every template (version v2) to every one
#              converged (a v2 stack in status.traffic, 2 stacks, both ready)
#   - steady-state API requests per minute by verb, from the API server's own
#              apiserver_request_total, counting the resources a StackSet
#              controller works on (not leases, nodes, pods, ...): a window
#              with the controller running minus the mean of equal windows
#              before and after it with the controller stopped (SIGSTOP),
#              which subtracts the background;
#              for kubectl-stackset also its own count from its /metrics,
#              which no other component's requests can reach
#   - CPU seconds per minute of the controller process in the steady window
#   - peak RSS (VmHWM) of the controller process
#
# Environment: BENCH_WINDOW (seconds per steady-state window, default 60),
# BENCH_INTERVAL (both controllers' --interval, default 10s), BENCH_WORKERS
# (both controllers' workers, default 10 = upstream's default),
# BENCH_SKIP_BUILD=1 (use the existing target/release/kubectl-stackset),
# BENCH_BINARY (another kubectl-stackset binary to measure, e.g. an older
# build kept for an A/B comparison; implies no build),
# BENCH_LIMIT (seconds a controller gets to converge, default 1800; one that
# does not is reported with how many StackSets it converged, and the run goes
# on), BENCH_CONTROLLERS (which to run, in order; default
# "upstream kubectl-stackset"; "floor" adds a row with no controller: the
# script creates one Deployment per StackSet itself and times the cluster
# alone until all are ready, the part of either controller's convergence
# that no controller can remove), BENCH_TRACE=1 (every 5 s while waiting,
# print to stderr how far the pipeline got: Stacks, Deployments, ready
# Deployments, converged StackSets, and each process's CPU seconds so far;
# its LISTs count among the requests during creation), BENCH_PROFILE=DIR
# (a 30 s CPU profile of kube-apiserver from the start of each creation,
# written to DIR/apiserver-CONTROLLER-N.pprof; read it with
# `go tool pprof -top FILE`).
# Not part of `make test`: it measures, it does not assert.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

[ "${BENCH_SKIP_BUILD:-}" = 1 ] || [ -n "${BENCH_BINARY:-}" ] || cargo build --release --bin kubectl-stackset
tests/cluster/build.sh >/dev/null
[ -x target/cluster/bin/stackset-controller ] || tests/cluster/build-upstream.sh

# Every controller and size gets a control plane of its own, started fresh
# (tests/cluster/up, a few seconds): one that ran 1,000 StackSets before
# leaves etcd, the watch caches and the garbage collector's graph behind,
# and whoever runs second would pay for it. Outside target/cluster/runs, so
# a `tests/cluster/down` of every test cluster elsewhere leaves them alone.
[ -z "${BENCH_PROFILE:-}" ] || export STACKSET_APISERVER_PROFILING=true
BENCH_ROOT=$root python3 - "${@:-100}" <<'PY'
import json, os, re, signal, socket, subprocess, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

root = os.environ["BENCH_ROOT"]
window = int(os.environ.get("BENCH_WINDOW", "60"))
interval = os.environ.get("BENCH_INTERVAL", "10s")
workers = os.environ.get("BENCH_WORKERS", "10")
limit = int(os.environ.get("BENCH_LIMIT", "1800"))
controllers = os.environ.get("BENCH_CONTROLLERS", "upstream kubectl-stackset").split()
ours_bin = os.path.abspath(os.environ.get("BENCH_BINARY") or os.path.join(root, "target/release/kubectl-stackset"))
sizes = [int(a) for a in sys.argv[1:]]
CLK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


API = logdir = proxy = cluster_dir = None


def cluster_up():
    """A fresh control plane, and `kubectl proxy` to it (API)."""
    global API, logdir, proxy, cluster_dir
    cluster_dir = os.path.join(root, "target/cluster",
                               f"bench-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    out = subprocess.run([os.path.join(root, "tests/cluster/up"), "--env", "--dir", cluster_dir],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("export "):
            k, v = line[len("export "):].split("=", 1)
            os.environ[k] = v.strip("'")
    logdir = os.path.join(cluster_dir, "logs")
    port = free_port()
    proxy = subprocess.Popen(["kubectl", "proxy", f"--port={port}", "--address=127.0.0.1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    API = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            break
        except OSError:
            time.sleep(0.1)


def cluster_down():
    global proxy, cluster_dir
    if proxy:
        proxy.terminate()
        proxy.wait()
    if cluster_dir:
        subprocess.run([os.path.join(root, "tests/cluster/down"), cluster_dir], capture_output=True)
    proxy = cluster_dir = None


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


def watch_until(path, want, ok, t0, on_window=None):
    """Seconds from t0 until every object named in `want` passes `ok`, from
    one LIST and then a watch of `path` (the moment the last one passed, not
    the next look); past BENCH_LIMIT, the count that did. A watch, not a LIST
    every second: at 1,000 StackSets each LIST is megabytes that the API
    server would encode (and this script decode) in the measured window, on
    the same two cores the controller is measured on. `on_window` is called
    with the count so far after each 5 s watch window."""
    passed, rv = set(), None
    while time.time() - t0 < limit:
        if rv is None:
            listing = request("GET", path)
            rv = listing["metadata"]["resourceVersion"]
            passed = {o["metadata"]["name"] for o in listing["items"] if ok(o)} & want
        if passed == want:
            return time.time() - t0
        url = (f"{API}{path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=5"
               f"&resourceVersion={rv}")
        with urllib.request.urlopen(url, timeout=60) as r:
            for line in r:
                ev = json.loads(line)
                obj = ev["object"]
                if ev["type"] == "ERROR":  # 410: too old, list again
                    rv = None
                    break
                rv = obj["metadata"]["resourceVersion"]
                name = obj["metadata"].get("name")
                if ev["type"] in ("ADDED", "MODIFIED") and name in want:
                    (passed.add if ok(obj) else passed.discard)(name)
                elif ev["type"] == "DELETED":
                    passed.discard(name)
                if passed == want:
                    return time.time() - t0
        if on_window:
            on_window(len(passed))
    return f"{len(passed)}/{len(want)} after {limit} s"


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
    """Seconds until all n StackSets pass `check`; a controller that does not
    get there within BENCH_LIMIT is reported as such (how many it did), and
    the run goes on with the next measurement."""
    names = {f"s{i:04d}" for i in range(n)}
    secs = watch_until(f"/apis/zalando.org/v1/namespaces/{ns}/stacksets", names,
                       lambda s: check(s.get("status") or {}), t0,
                       (lambda done: trace(ns, t0, done)) if TRACE else None)
    if isinstance(secs, float):
        print(f"[bench]   {what}: all {n} converged in {secs:.1f} s", file=sys.stderr, flush=True)
    else:
        print(f"[bench]   {what}: {secs}", file=sys.stderr, flush=True)
    return secs


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
        cmd = [ours_bin, "reconcile", "-A", "--watch",
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
    secs = watch_until(f"/apis/apps/v1/namespaces/{ns}/deployments", set(names),
                       lambda d: (d.get("status") or {}).get("readyReplicas") == 1, t0)
    if isinstance(secs, float):
        print(f"[bench]   {what}: all {len(names)} ready in {secs:.1f} s", file=sys.stderr, flush=True)
    return secs


def print_by_resource(before):
    """The requests since `before` by resource, verb and answer code."""
    by_resource = {k: round(v) for k, v in
                   sorted(delta(before, raw_metrics(("resource", "verb", "code"))).items()) if v >= 1}
    print(f"[bench]   requests during create by resource, verb and code: {json.dumps(by_resource)}",
          file=sys.stderr, flush=True)


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
            mr0 = raw_metrics(("resource", "verb", "code"))
            list(pool.map(lambda d: request("POST", path, deployment(d)), names))
            result[step] = deployments_ready(ns, names, t0, f"floor {step}")
            if step == "create":
                result["create_requests"] = sum(delta(mc0, raw_metrics()).values())
                print_by_resource(mr0)
    return result


def start_profile(name):
    """With BENCH_PROFILE, fetch a 30 s CPU profile of kube-apiserver in
    the background; returns the thread, or None."""
    out = os.environ.get("BENCH_PROFILE")
    if not out:
        return None
    import threading

    def fetch():
        os.makedirs(out, exist_ok=True)
        with urllib.request.urlopen(API + "/debug/pprof/profile?seconds=30", timeout=90) as r:
            data = r.read()
        path = os.path.join(out, f"apiserver-{name}.pprof")
        with open(path, "wb") as f:
            f.write(data)
        print(f"[bench]   kube-apiserver CPU profile: {path}", file=sys.stderr, flush=True)

    t = threading.Thread(target=fetch, daemon=True)
    t.start()
    return t


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
        mr0 = raw_metrics(("resource", "verb", "code"))
        profiler = start_profile(f"{ctl}-{n}")
        list(pool.map(lambda s: request("POST", path, stackset(s, "v1", ours)), names))
        t_create = wait(ns, n, created_ok, t0, "after create")
        if profiler:
            profiler.join()
        print_by_resource(mr0)
        # Everything the API server served on these resources while the
        # controller converged, the benchmark's own POSTs and polls included
        # (the same for both controllers): the work the controller caused.
        create_requests = sum(delta(mc0, raw_metrics()).values())
        # Settle, then the steady state: a window with the controller
        # stopped, one with it running, and another stopped. The background
        # is the mean of the two stopped windows, so the other components'
        # work winding down after the burst (the garbage collector's reads)
        # is not counted against the controller whichever window it falls in.
        time.sleep(20)

        def stopped_window():
            os.kill(proc.pid, signal.SIGSTOP)
            a = raw_metrics()
            time.sleep(window)
            b = raw_metrics()
            os.kill(proc.pid, signal.SIGCONT)
            return delta(a, b)

        before = stopped_window()
        m0, c0 = raw_metrics(), cpu_seconds(proc.pid)
        o0 = own_requests(proc) if ours else None
        time.sleep(window)
        m1, c1 = raw_metrics(), cpu_seconds(proc.pid)
        own = (own_requests(proc) - o0) * 60 / window if ours else None
        after = stopped_window()
        running = delta(m0, m1)
        keys = set(running) | set(before) | set(after)
        per_min = {v: (running.get(v, 0) - (before.get(v, 0) + after.get(v, 0)) / 2) * 60 / window
                   for v in keys}
        per_min = {v: max(0.0, x) for v, x in per_min.items() if abs(x) >= 0.5}
        cpu = (c1 - c0) * 60 / window
        patch = {"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}
        t0 = time.time()
        list(pool.map(lambda s: request("PATCH", f"{path}/{s}", patch, "application/merge-patch+json"), names))
        t_change = wait(ns, n, changed_ok, t0, "after template change")
    rss = peak_rss_mib(proc.pid)
    proc.terminate()
    proc.wait(timeout=30)
    return {"create": t_create, "change": t_change, "requests": per_min, "cpu": cpu, "rss": rss,
            "create_requests": create_requests, "own": own}


results = []
try:
    for n in sizes:
        for ctl in controllers:
            cluster_up()
            print(f"[bench] {ctl} with {n} StackSets (control plane {cluster_dir}) ...",
                  file=sys.stderr, flush=True)
            r = run(ctl, n)
            print(f"[bench]   {json.dumps(r)}", file=sys.stderr, flush=True)
            results.append((n, ctl, r))
            cluster_down()
finally:
    cluster_down()

version = subprocess.run([ours_bin, "version"],
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
PY
