#!/usr/bin/env bash
# make demo: a local control plane and a complete, visible rollout v1 -> v2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="$root/target/debug/kubectl-stackset"

say() { printf '\n\033[1m# %s\033[0m\n' "$*" >&2; }

say "building kubectl-stackset and the local control plane (the first time takes a while)"
cargo build --locked --quiet
eval "$(tests/cluster/up --env)"
ks() { "$bin" -n demo "$@"; }
kubectl create namespace demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null

say "kubectl stackset create shop --image example/shop:v1 --host shop.example.org --replicas 3"
ks create shop --image example/shop:v1 --host shop.example.org --port 80 --replicas 3
sleep 3
ks reconcile shop >/dev/null
ks get shop

say "kubectl stackset rollout shop --version v2 --image example/shop:v2 --steps 10,50,100 --step-interval 5s --yes"
ks rollout shop --version v2 --image example/shop:v2 --steps 10,50,100 --step-interval 5s --yes

say "kubectl stackset get shop"
ks get shop
say "kubectl stackset history shop"
ks history shop

cat >&2 <<MSG

The cluster keeps running. To keep playing:
  export KUBECONFIG=$KUBECONFIG
  kubectl stackset -n demo get shop -w                 # live view (Ctrl-C to stop)
  kubectl stackset -n demo rollback shop --to v1 --yes # traffic back to v1 at once
  kubectl stackset -n demo rollout shop --version v3 --image example/shop:v3 --steps 25,100
To tear it down:
  make down
MSG
