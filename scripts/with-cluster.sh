#!/usr/bin/env bash
# Runs a command against a fresh local control plane and always tears it down:
#   scripts/with-cluster.sh CMD [ARGS...]
# The command sees KUBECONFIG and STACKSET_CLUSTER_DIR. Its exit code is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
env_lines=$("$root/tests/cluster/up" --env)
eval "$env_lines"
trap '"$root/tests/cluster/down" "$STACKSET_CLUSTER_DIR"' EXIT INT TERM
set +e
"$@"
rc=$?
set -e
exit $rc
