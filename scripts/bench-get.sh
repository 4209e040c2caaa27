#!/usr/bin/env bash
# Benchmark (not a test): wall time and peak memory of `kubectl stackset get
# NAME` next to `kubectl get stackset NAME`, against the same cluster in the
# same run. Uses the cluster KUBECONFIG points at (e.g. one from
# `tests/cluster/up --env`) and a namespace of its own, which it leaves behind
# for inspection (delete it with `kubectl delete ns stackset-bench`).
#
#   scripts/bench-get.sh                # release binary if built, else debug
#   STACKSET_BIN=target/release/kubectl-stackset RUNS=50 scripts/bench-get.sh
set -euo pipefail
cd "$(dirname "$0")/.."

: "${KUBECONFIG:?set KUBECONFIG to a running cluster (tests/cluster/up --env)}"
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install -y time)" >&2; exit 2; }

bin=${STACKSET_BIN:-}
if [ -z "$bin" ]; then
  if [ -x target/release/kubectl-stackset ]; then bin=target/release/kubectl-stackset; else bin=target/debug/kubectl-stackset; fi
fi
[ -x "$bin" ] || { echo "no binary at $bin (cargo build first)" >&2; exit 2; }
ns=${BENCH_NAMESPACE:-stackset-bench}
runs=${RUNS:-30}

kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n "$ns" apply -f tests/fixtures/my-app.yaml >/dev/null
# Reconcile until the first stack is ready and serving, so that `get` shows a
# real row (status exits 0 only when Healthy).
for _ in $(seq 90); do
  "$bin" -n "$ns" reconcile my-app >/dev/null 2>&1 || true
  if "$bin" -n "$ns" status my-app >/dev/null 2>&1; then break; fi
  sleep 1
done
"$bin" -n "$ns" status my-app >&2
# kubectl caches discovery; warm it so both sides are measured warm.
kubectl -n "$ns" get stackset my-app >/dev/null

echo "binary: $bin ($(du -h "$bin" | cut -f1)), runs: $runs" >&2
hyperfine -N --warmup 3 --runs "$runs" --style basic \
  --export-markdown target/bench-get.md \
  -n "kubectl stackset get my-app" "$bin -n $ns get my-app" \
  -n "kubectl stackset get my-app -o json" "$bin -n $ns get my-app -o json" \
  -n "kubectl get stackset my-app" "kubectl -n $ns get stackset my-app"

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
echo
echo "peak memory (max RSS, KiB):"
echo "  kubectl stackset get my-app: $(rss "$bin" -n "$ns" get my-app)"
echo "  kubectl get stackset my-app: $(rss kubectl -n "$ns" get stackset my-app)"
