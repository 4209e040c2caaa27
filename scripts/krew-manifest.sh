#!/usr/bin/env bash
# Renders krew/stackset.yaml for a release: every `sha256` placeholder gets the
# checksum of the archive named by the `uri` above it, looked up in DIST.
#   scripts/krew-manifest.sh DIST > stackset.yaml
# Fails when an archive is missing, so an incomplete manifest is never made.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist="${1:?usage: scripts/krew-manifest.sh DIST}"
archive=""
while IFS= read -r line; do
  case "$line" in
    *"uri: "*)
      archive="${line##*/}" ;;
    *"sha256: "*)
      [ -n "$archive" ] || { echo "krew-manifest: sha256 before any uri" >&2; exit 1; }
      [ -f "$dist/$archive" ] || { echo "krew-manifest: $dist/$archive is missing (build it with scripts/package.sh TARGET)" >&2; exit 1; }
      sum=$(sha256sum "$dist/$archive" | cut -d' ' -f1)
      line="${line%%sha256:*}sha256: \"$sum\""
      archive="" ;;
  esac
  printf '%s\n' "$line"
done < "$root/krew/stackset.yaml"
