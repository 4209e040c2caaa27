#!/usr/bin/env bash
# Checks krew/stackset.yaml with krew itself:
#   scripts/krew-check.sh ARCHIVE
# 1. krew's manifest validator (validate-krew-manifest) on the template;
# 2. `krew install --manifest --archive ARCHIVE` into a throwaway KREW_ROOT,
#    with ARCHIVE's checksum on the linux/amd64 entry (krew verifies it and
#    extracts what `files` names), then runs the installed plugin.
# krew v0.4.3 is built once from the Go module proxy into target/krew/bin.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
archive="${1:?usage: scripts/krew-check.sh ARCHIVE}"
archive=$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")
bin="$root/target/krew/bin"
KREW_VERSION=v0.4.3

if [ ! -x "$bin/krew" ] || [ ! -x "$bin/validate-krew-manifest" ] \
   || [ "$(cat "$bin/.version" 2>/dev/null)" != "$KREW_VERSION" ]; then
  echo "krew-check: building krew $KREW_VERSION from the Go module proxy" >&2
  mkdir -p "$bin"
  (cd "$bin" && GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$bin" \
    go install "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION" \
               "sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION")
  echo "$KREW_VERSION" > "$bin/.version"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/krew/stackset.yaml" "$work/stackset.yaml"
"$bin/validate-krew-manifest" -manifest "$work/stackset.yaml" -skip-install

sum=$(sha256sum "$archive" | cut -d' ' -f1)
python3 - "$work/stackset.yaml" "$sum" <<'PY'
import re, sys
path, digest = sys.argv[1], sys.argv[2]
text = open(path).read()
# The linux/amd64 entry: the first sha256 after "os: linux" + "arch: amd64".
m = re.search(r"os: linux\s+arch: amd64\s+uri: \S+\s+sha256: \"0{64}\"", text)
if not m:
    sys.exit("krew-check: no linux/amd64 entry with a placeholder sha256")
entry = m.group(0).replace("0" * 64, digest)
open(path, "w").write(text[:m.start()] + entry + text[m.end():])
PY
export KREW_ROOT="$work/krew"
"$bin/krew" install --manifest="$work/stackset.yaml" --archive="$archive" </dev/null >&2
"$KREW_ROOT/bin/kubectl-stackset" version
ls "$KREW_ROOT/store/stackset/"*/
