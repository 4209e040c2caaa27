#!/usr/bin/env bash
# Builds Toxiproxy (github.com/Shopify/toxiproxy/v2, pinned in
# toxiproxy/go.mod) from the Go module proxy into target/cluster/bin as
# toxiproxy-server and toxiproxy-cli. The fault matrix puts one
# toxiproxy-server per test cell in front of the API server's TLS port
# (tests/integration/support/toxiproxy.rs).
#
# Toxiproxy is a module of its own, not a tool of ../go.mod: its
# dependencies must not move the versions the Kubernetes programs are built
# with, and build.sh's stamp (which would rebuild all of them) stays as it is.
# Rebuilt only when missing or when toxiproxy/go.mod, go.sum or this script
# changed since the last build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="${STACKSET_CLUSTER_BIN:-$root/target/cluster/bin}"
mkdir -p "$out"

export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=mod

stamp=$(cat "$here/toxiproxy/go.mod" "$here/toxiproxy/go.sum" "$here/build-toxiproxy.sh" | sha256sum | cut -d' ' -f1)
if [ -x "$out/toxiproxy-server" ] && [ -x "$out/toxiproxy-cli" ] \
  && [ "$(cat "$out/.stamp-toxiproxy" 2>/dev/null)" = "$stamp" ]; then
  echo "toxiproxy up to date in $out" >&2
  exit 0
fi

cd "$here/toxiproxy"
version=$(go list -m -f '{{.Version}}' github.com/Shopify/toxiproxy/v2)
start=$(date +%s)
echo "building toxiproxy $version" >&2
LD="-s -w -X github.com/Shopify/toxiproxy/v2.Version=$version"
go build -trimpath -ldflags "$LD" -o "$out/toxiproxy-server" github.com/Shopify/toxiproxy/v2/cmd/server
go build -trimpath -ldflags "$LD" -o "$out/toxiproxy-cli" github.com/Shopify/toxiproxy/v2/cmd/cli
echo "$stamp" > "$out/.stamp-toxiproxy"
echo "toxiproxy built in $(( $(date +%s) - start ))s" >&2
