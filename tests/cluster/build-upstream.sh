#!/usr/bin/env bash
# Builds the real upstream programs the differential, e2e and Skipper tiers run,
# from the source archives in ../shared/upstream (their Go dependencies come
# from the Go module proxy), into target/cluster/bin:
#
#   stackset-controller          v1.4.131 (per-stack Ingresses, TrafficSegment)
#   stackset-controller-v1.4.62  the last release with the central Ingress and
#                                zalando.org/backend-weights
#   stackset-e2e.test            v1.4.131's own end-to-end suite (go test -c ./cmd/e2e)
#   upstream-crds/               v1.4.131's CRDs (docs/stackset_crd.yaml, docs/stack_crd.yaml)
#   skipper                      Skipper v0.27.63 (only with --skipper: ~10 min cold)
#
#   tests/cluster/build-upstream.sh [--skipper] [--only-skipper]
#
# Each artefact is rebuilt only when missing or older than its archive.
# STACKSET_UPSTREAM overrides where the archives are (default ../shared/upstream
# beside the checkout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="${STACKSET_CLUSTER_BIN:-$root/target/cluster/bin}"
upstream="${STACKSET_UPSTREAM:-$root/../shared/upstream}"
skipper=0
controllers=1
for a in "$@"; do
  case "$a" in
    --skipper) skipper=1 ;;
    --only-skipper) skipper=1; controllers=0 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$a'" >&2; echo "hint: $0 --help" >&2; exit 2 ;;
  esac
done
if [ ! -x "$upstream/build.sh" ]; then
  echo "error: no upstream sources in $upstream (hint: set STACKSET_UPSTREAM to the folder with build.sh)" >&2
  exit 1
fi
mkdir -p "$out"
export GOTOOLCHAIN=local GOWORK=off

if [ "$controllers" = 1 ]; then
  bash "$upstream/build.sh" stackset-controller "$out/stackset-controller"
  bash "$upstream/build.sh" stackset-controller-legacy "$out/stackset-controller-v1.4.62"

  archive="$upstream/stackset-controller-v1.4.131.tar.gz"
  if [ ! -x "$out/stackset-e2e.test" ] || [ "$archive" -nt "$out/stackset-e2e.test" ] \
     || [ ! -f "$out/upstream-crds/stackset_crd.yaml" ]; then
    echo "build-upstream: building stackset-controller v1.4.131's e2e suite" >&2
    work="$out/stackset-e2e.src"
    rm -rf "$work" && mkdir -p "$work"
    tar -xzf "$archive" -C "$work"
    src="$work/stackset-controller-v1.4.131"
    (cd "$src" && GOFLAGS=-mod=mod CGO_ENABLED=0 go test -c -trimpath -ldflags='-s -w' \
      -o "$out/stackset-e2e.test.tmp" ./cmd/e2e)
    mkdir -p "$out/upstream-crds"
    cp "$src/docs/stackset_crd.yaml" "$src/docs/stack_crd.yaml" "$out/upstream-crds/"
    mv "$out/stackset-e2e.test.tmp" "$out/stackset-e2e.test"
    rm -rf "$work"
  fi
fi

if [ "$skipper" = 1 ]; then
  bash "$upstream/build.sh" skipper "$out/skipper"
fi
