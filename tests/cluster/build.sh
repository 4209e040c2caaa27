#!/usr/bin/env bash
# Builds the unchanged upstream control-plane programs (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok) from the Go module proxy into
# target/cluster/bin. Skips the build when go.mod/go.sum and this script are
# unchanged since the last successful build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="${STACKSET_CLUSTER_BIN:-$root/target/cluster/bin}"
mkdir -p "$out"

export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=mod

stamp=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" | sha256sum | cut -d' ' -f1)
bins=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
fresh=1
for b in "${bins[@]}"; do [ -x "$out/$b" ] || fresh=0; done
if [ "$fresh" = 1 ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "cluster binaries up to date in $out" >&2
  exit 0
fi

K8S=v1.36.3
LD="-s -w -X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=36 -X k8s.io/component-base/version.gitTreeState=clean"
start=$(date +%s)
cd "$here"
echo "building kube-apiserver, kube-controller-manager, kube-scheduler, kwok, etcd (a cold build takes many minutes)" >&2
go build -trimpath -ldflags "$LD" -o "$out/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler \
  sigs.k8s.io/kwok/cmd/kwok
go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
echo "$stamp" > "$out/.stamp"
echo "cluster binaries built in $(( $(date +%s) - start ))s" >&2
