#!/usr/bin/env bash
# Builds the release archive krew (and a GitHub release) installs from:
#   scripts/package.sh [TARGET]   -> dist/kubectl-stackset-vVERSION-TARGET.tar.gz
# TARGET defaults to the host triple (a .zip for *-windows-*). The archive
# holds kubectl-stackset[.exe], LICENSE, README.md (when present),
# completions/ and man/. Prints "SHA256  PATH" on stdout. DIST_DIR picks
# another output directory; PROFILE another cargo profile than release (the
# tests use dev, to reuse the debug build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
host=$(rustc -vV | sed -n 's/^host: //p')
target="${1:-$host}"
version="v$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
exe=kubectl-stackset
case "$target" in *-windows-*) exe=kubectl-stackset.exe ;; esac

profile="${PROFILE:-release}"
case "$profile" in dev) out=debug ;; *) out="$profile" ;; esac
if [ "$target" = "$host" ]; then
  cargo build --profile "$profile" --locked >&2
  binary="${CARGO_TARGET_DIR:-target}/$out/$exe"
else
  cargo build --profile "$profile" --locked --target "$target" >&2
  binary="${CARGO_TARGET_DIR:-target}/$target/$out/$exe"
fi

name="kubectl-stackset-$version-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name"
cp "$binary" LICENSE "$stage/$name/"
[ -f README.md ] && cp README.md "$stage/$name/"
cp -r completions man "$stage/$name/"
dist="${DIST_DIR:-$root/dist}"
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
case "$target" in
  *-windows-*)
    archive="$dist/$name.zip"
    rm -f "$archive"
    (cd "$stage/$name" && python3 -m zipfile -c "$archive" ./*) ;;
  *)
    archive="$dist/$name.tar.gz"
    # Files at the archive's top level, as the krew manifest's `files` expect;
    # fixed owner and mtime so that the same inputs give the same checksum.
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
      -C "$stage/$name" -cf - . | gzip -n > "$archive" ;;
esac
sha256sum "$archive"
