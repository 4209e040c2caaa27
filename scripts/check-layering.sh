#!/usr/bin/env bash
# Fails when the shell (src/) breaks its layering rule (ARCHITECTURE.md,
# "Module ownership (shell)"):
#   cli      only `app` and `commands` import `cli` (cli itself aside);
#   client   only `cluster` holds a kube client: nothing else names kube's
#            `Client`, `Api`, `kube::api`, `kube::Error`, the client or
#            runtime modules, builds an `Api`, or calls a method on a client;
#   render   `render` and `cluster` never import each other.
# Comment lines are skipped; tests inside src/ follow the same rules.
#
#   scripts/check-layering.sh [SRC_DIR]   check (default: this checkout's src)
#   scripts/check-layering.sh --self-test inject one violation of each rule
#                                         into a copy of src and expect the
#                                         check to fail on it (and pass on
#                                         the untouched copy)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

# Prints "rule: file:line: text" for every violation under $1; exit 1 if any.
check() {
  local src=$1
  perl -e '
    use strict; use warnings;
    my $src = shift;
    my @rules = (
      # [rule, applies to (path regex, relative to src), forbidden patterns]
      ["cli", qr{^(?!app\.rs$|main\.rs$|lib\.rs$|cli\.rs$|cli/|commands/)}, [
        qr#\bcrate::cli\b#,
        qr#\bsuper::(?:super::)*cli\b#,
        qr#\buse\s+crate::\{[^}]*\bcli\b#s,
      ]],
      ["client", qr{^(?!cluster/)}, [
        qr#\bkube::(?:Client|Api|api|client|runtime|Error|Config|config|discovery)\b#,
        qr#\buse\s+kube::\{[^;]*\b(?:Client|Api|api|client|runtime|Error|Config|config)\b[^;]*;#s,
        qr#\bApi::(?:<[^>]*>::)?(?:namespaced|all|default_namespaced|namespaced_with|all_with|default_namespaced_with)\b#,
        qr#\bclient\s*\.\s*(?!clone\s*\()[a-z_]+\s*(?:::<[^>]*>)?\s*\(#,
      ]],
      ["render", qr{^render/}, [
        qr#\b(?:crate|super(?:::super)*)::cluster\b#,
        qr#\buse\s+crate::\{[^}]*\bcluster\b#s,
      ]],
      ["render", qr{^cluster/}, [
        qr#\b(?:crate|super(?:::super)*)::render\b#,
        qr#\buse\s+crate::\{[^}]*\brender\b#s,
      ]],
    );
    my @files = split /\n/, `cd "$src" && find . -name "*.rs" | sed "s|^\\./||" | sort`;
    my $bad = 0;
    for my $file (@files) {
      open my $fh, "<", "$src/$file" or die "$src/$file: $!";
      my @lines = <$fh>;
      close $fh;
      # Blank out comment lines, keeping line numbers.
      my $text = join "", map { m{^\s*//} ? "\n" : $_ } @lines;
      for my $r (@rules) {
        my ($rule, $scope, $patterns) = @$r;
        next unless $file =~ $scope;
        for my $p (@$patterns) {
          while ($text =~ /$p/g) {
            (my $what = $&) =~ s/\s+/ /g;
            my $at = $-[0];
            my $line = 1 + (() = substr($text, 0, $at) =~ /\n/g);
            print "$rule: src/$file:$line: $what\n";
            $bad++;
          }
        }
      }
    }
    exit($bad ? 1 : 0);
  ' "$src"
}

if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  status=0
  fresh() {
    rm -rf "$tmp/src"
    cp -r "$root/src" "$tmp/src"
  }
  expect() { # expect RULE FILE TEXT: appending TEXT to FILE breaks RULE
    local rule=$1 file=$2 text=$3 out
    fresh
    printf '%s\n' "$text" >>"$tmp/src/$file"
    if out=$(check "$tmp/src"); then
      echo "check-layering self-test: not caught ($rule): $text appended to src/$file" >&2
      status=1
    elif ! grep -q "^$rule: src/$file:" <<<"$out"; then
      echo "check-layering self-test: caught, but not as '$rule' in src/$file:" >&2
      echo "$out" >&2
      status=1
    fi
  }
  fresh
  if ! out=$(check "$tmp/src"); then
    echo "check-layering self-test: the untouched copy fails:" >&2
    echo "$out" >&2
    status=1
  fi
  printf '// use crate::cli::GlobalArgs;\n/// kube::Client in a doc comment\n' >>"$tmp/src/render/view.rs"
  if ! out=$(check "$tmp/src"); then
    echo "check-layering self-test: comments were counted:" >&2
    echo "$out" >&2
    status=1
  fi
  expect cli render/style.rs 'use crate::cli::GlobalArgs;'
  expect cli cluster/mod.rs 'fn f(_: crate::cli::DryRun) {}'
  expect cli completion/mod.rs $'use crate::{\n    cli,\n    error::Failure,\n};'
  expect client commands/get.rs 'fn f(_: &kube::Client) {}'
  expect client commands/status.rs $'use kube::{\n    ResourceExt,\n    api::Api,\n};'
  expect client render/table.rs 'fn f(c: &crate::cluster::Connection) { let _ = Api::<Pod>::namespaced(c.client.clone(), "x"); }'
  expect client commands/list.rs 'async fn f(client: &C) { client.request::<()>(r).await; }'
  expect client completion/mod.rs 'fn f(e: kube::Error) {}'
  expect render render/mod.rs 'use crate::cluster::Connection;'
  expect render render/view.rs $'use crate::{\n    cluster::inspect,\n};'
  expect render cluster/execute.rs 'use crate::render::out;'
  expect render cluster/snapshot.rs 'fn f() { super::super::render::out("x"); }'
  if [ "$status" -eq 0 ]; then
    echo "check-layering self-test: ok (each rule fails on an injected violation; comments are skipped)"
  fi
  exit "$status"
fi

src=${1:-$root/src}
rc=0
out=$(check "$src") || rc=$?
if [ "$rc" -eq 0 ]; then
  echo "check-layering: ok (cli only in app and commands; kube clients only in cluster; render and cluster apart)"
elif [ "$rc" -ne 1 ]; then
  echo "check-layering: the check itself failed (exit $rc)" >&2
  exit 2
else
  echo "check-layering: the layering rule of ARCHITECTURE.md is broken:" >&2
  echo "$out" >&2
  echo "check-layering: $(wc -l <<<"$out") violation(s)" >&2
  exit 1
fi
