#!/usr/bin/env bash
# Print, for each failing test in a `cargo test` log, the reason it failed:
# the panic message without the backtrace, cut to a screenful. `make test`
# runs it last when a test fails, so the end of a CI log (often the only part
# shown) names the cause instead of ending in a backtrace.
#
#   scripts/test-digest.sh LOG [LINES-PER-FAILURE]
set -euo pipefail
log=${1:?usage: scripts/test-digest.sh LOG [LINES-PER-FAILURE]}
per=${2:-60}
[ -r "$log" ] || { echo "test-digest: cannot read $log" >&2; exit 2; }

awk -v per="$per" '
  /^---- .* stdout ----$/ { name = $2; inpanic = 0; n = 0; next }
  /^thread .* panicked at / && name != "" {
    print ""; print "=== " name " failed:"; inpanic = 1; n = 0; next
  }
  inpanic && (/^stack backtrace:/ || /^note: run with `RUST_BACKTRACE/ || /^failures:$/) {
    inpanic = 0; next
  }
  inpanic {
    if (n < per) print
    else if (n == per) print "  [... cut; the whole message is above in the log]"
    n++
  }
  # Lines a test prints to say what went wrong before it panics.
  /^\[differential\] .*DIFFERENT/ && !seen[$0]++ { diffs[++nd] = $0 }
  END {
    if (nd > 0) { print ""; print "=== differential scenarios that differed:"; for (i = 1; i <= nd; i++) print diffs[i] }
  }
' "$log"
