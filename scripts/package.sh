#!/usr/bin/env bash
# Builds the release archive krew (and a GitHub release) installs from:
#   scripts/package.sh [TARGET]   -> dist/kubectl-stackset-vVERSION-TARGET.tar.gz
# TARGET defaults to the host triple (a .zip for *-windows-*). The archive
# holds kubectl-stackset[.exe], LICENSE, README.md (when present),
# completions/ and man/. Prints "SHA256  PATH" on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
host=$(rustc -vV | sed -n 's/^host: //p')
target="${1:-$host}"
version="v$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
exe=kubectl-stackset
case "$target" in *-windows-*) exe=kubectl-stackset.exe ;; esac

if [ "$target" = "$host" ]; then
  cargo build --release --locked >&2
  binary="${CARGO_TARGET_DIR:-target}/release/$exe"
else
  cargo build --release --locked --target "$target" >&2
  binary="${CARGO_TARGET_DIR:-target}/$target/release/$exe"
fi

name="kubectl-stackset-$version-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name"
cp "$binary" LICENSE "$stage/$name/"
[ -f README.md ] && cp README.md "$stage/$name/"
cp -r completions man "$stage/$name/"
mkdir -p dist
case "$target" in
  *-windows-*)
    archive="$root/dist/$name.zip"
    rm -f "$archive"
    (cd "$stage/$name" && python3 -m zipfile -c "$archive" ./*) ;;
  *)
    archive="$root/dist/$name.tar.gz"
    # Files at the archive's top level, as the krew manifest's `files` expect;
    # fixed owner and mtime so that the same inputs give the same checksum.
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
      -C "$stage/$name" -cf - . | gzip -n > "$archive" ;;
esac
(cd "$root/dist" && sha256sum "$(basename "$archive")" | sed "s|  |  dist/|")
