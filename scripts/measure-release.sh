#!/usr/bin/env bash
# Size and start-up time of the release binary (`make release` runs this):
#   scripts/measure-release.sh [BINARY]
# Start-up is `kubectl-stackset version` run directly and through kubectl
# (`kubectl stackset version`, which adds kubectl's own start-up), measured
# with hyperfine when it is installed, else with a timing loop.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${1:-${CARGO_TARGET_DIR:-$root/target}/release/kubectl-stackset}"
[ -x "$bin" ] || { echo "error: no $bin" >&2; echo "hint: cargo build --release --locked" >&2; exit 1; }
bytes=$(stat -c %s "$bin")
printf 'binary: %s\nsize: %s bytes (%s MiB)\n' "$bin" "$bytes" "$(awk "BEGIN{printf \"%.1f\", $bytes/1048576}")"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ln -s "$bin" "$dir/kubectl-stackset"
export PATH="$dir:$PATH"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs 200 --style basic \
    "$dir/kubectl-stackset version" \
    "kubectl stackset version" \
    "$dir/kubectl-stackset __complete ''"
else
  for cmd in "$dir/kubectl-stackset version" "kubectl stackset version"; do
    start=$(date +%s%N)
    for _ in $(seq 100); do $cmd >/dev/null; done
    end=$(date +%s%N)
    printf '%s: %s ms per run (mean of 100)\n' "$cmd" "$(awk "BEGIN{printf \"%.2f\", ($end - $start) / 100 / 1e6}")"
  done
fi
