#!/usr/bin/env bash
# Fails when the pure core (crates/stackset-core) gains I/O, a clock or a
# client: forbidden crates in its normal dependency tree, or forbidden calls
# in its sources. See ARCHITECTURE.md ("The boundary").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
status=0

# 1. Dependencies: no kube client/runtime, no async runtime, no HTTP.
tree=$(cargo tree -p stackset-core -e normal --prefix none --format '{p}' 2>/dev/null) || {
  echo "check-core-purity: cargo tree failed for stackset-core" >&2
  exit 2
}
for crate in kube-client kube-runtime tokio hyper reqwest; do
  if grep -Eq "^${crate} v" <<<"$tree"; then
    echo "check-core-purity: stackset-core depends on ${crate} (normal dependencies must stay pure):" >&2
    cargo tree -p stackset-core -e normal -i "$crate" >&2 || true
    status=1
  fi
done

# 2. Sources: no clock, no file system, environment or network, no printing
#    or logging. Comments are skipped; test-only fixtures under src/ must
#    follow the same rules.
patterns=(
  'SystemTime::now'
  'Instant::now'
  'Timestamp::now'
  'std::fs'
  'std::env'
  'std::net'
  'println!'
  'eprintln!'
  'tracing'
  'log::'
)
for pattern in "${patterns[@]}"; do
  hits=$(grep -rnF --include='*.rs' -- "$pattern" crates/stackset-core/src \
    | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
  if [ -n "$hits" ]; then
    echo "check-core-purity: forbidden '${pattern}' in crates/stackset-core/src:" >&2
    echo "$hits" >&2
    status=1
  fi
done

if [ "$status" -eq 0 ]; then
  echo "check-core-purity: ok (stackset-core has no client, runtime, clock, I/O or printing)"
fi
exit "$status"
