#!/usr/bin/env bash
# Installs kubectl-stackset from this checkout for the current user (no root):
#
#   PREFIX/bin/kubectl-stackset                  the plugin (`kubectl stackset ...`)
#   PREFIX/bin/kubectl_complete-stackset         -> kubectl-stackset: kubectl 1.26+ runs
#                                                it to complete `kubectl stackset <TAB>`
#   PREFIX/share/bash-completion/completions/kubectl-stackset
#   PREFIX/share/zsh/site-functions/_kubectl-stackset
#   PREFIX/share/fish/vendor_completions.d/kubectl-stackset.fish
#   PREFIX/share/kubectl-stackset/_kubectl-stackset.ps1
#   PREFIX/share/man/man1/kubectl-stackset*.1
#
# Usage: ./install.sh [--prefix DIR] [--offline] [--profile NAME] [--uninstall]
#
#   --prefix DIR    where to install (default: $PREFIX, else ~/.local)
#   --offline       build without touching the network (needs a warm crate cache)
#   --profile NAME  cargo profile to build with (default: release; the test
#                   suite passes dev to reuse the debug build it already has)
#   --uninstall     remove everything an install put there
#
# The binary is built with `cargo install --path . --locked`; completions and
# man pages are written by the binary just built, so they always match it.
# Running the script again updates in place; nothing is downloaded except
# crates missing from cargo's cache (none after `cargo build --locked`).
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
prefix="${PREFIX:-$HOME/.local}"
uninstall=0
offline=()
profile=release

die() {
  printf 'install.sh: error: %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf 'hint: %s\n' "$2" >&2
  exit "${3:-1}"
}
say() { printf 'install.sh: %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory" "./install.sh --prefix ~/.local" 2
              prefix="$2"; shift ;;
    --prefix=*) prefix="${1#--prefix=}" ;;
    --offline) offline=(--offline) ;;
    --profile) [ $# -ge 2 ] || die "--profile needs a name" "./install.sh --profile release" 2
               profile="$2"; shift ;;
    --profile=*) profile="${1#--profile=}" ;;
    --uninstall) uninstall=1 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1'" "./install.sh --help" 2 ;;
  esac
  shift
done
[ -n "$prefix" ] || die "the prefix is empty" "./install.sh --prefix ~/.local" 2
mkdir -p "$prefix" 2>/dev/null || die "cannot create $prefix" "pick a directory you can write: --prefix DIR"
prefix=$(cd "$prefix" && pwd)

bin_dir="$prefix/bin"
share="$prefix/share"
man_dir="$share/man/man1"
own_dir="$share/kubectl-stackset"
manifest="$own_dir/installed-files"
declare -A dest=(
  [kubectl-stackset.bash]="$share/bash-completion/completions/kubectl-stackset"
  [_kubectl-stackset]="$share/zsh/site-functions/_kubectl-stackset"
  [kubectl-stackset.fish]="$share/fish/vendor_completions.d/kubectl-stackset.fish"
  [_kubectl-stackset.ps1]="$own_dir/_kubectl-stackset.ps1"
)

remove_installed() {
  local f
  if [ -f "$manifest" ]; then
    while IFS= read -r f; do
      case "$f" in "$prefix"/*) rm -f -- "$f" ;; esac
    done < "$manifest"
  fi
  # Also what a manifest-less (interrupted) install may have left.
  rm -f -- "$bin_dir/kubectl-stackset" "$bin_dir/kubectl_complete-stackset" "${dest[@]}"
  rm -f -- "$man_dir"/kubectl-stackset.1 "$man_dir"/kubectl-stackset-*.1
  rm -f -- "$manifest"
  rmdir -- "$own_dir" 2>/dev/null || true
}

if [ "$uninstall" = 1 ]; then
  remove_installed
  say "removed kubectl-stackset from $prefix"
  exit 0
fi

command -v cargo >/dev/null || die "cargo is not installed" "install Rust from https://rustup.rs, then re-run ./install.sh"

# Build into a staging root inside target/, so cargo's bookkeeping files stay
# out of PREFIX. With --path, cargo reuses the workspace's target/release.
stage="$root/target/install-root"
say "building kubectl-stackset (cargo install --path . --locked)"
cargo install --quiet --path "$root" --locked --force --profile "$profile" --root "$stage" "${offline[@]}" \
  || die "the build failed" "run 'cargo build --release --locked' to see why"
built="$stage/bin/kubectl-stackset"
[ -x "$built" ] || die "cargo install produced no $built"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$built" completion --output-dir "$tmp/completions" 2>/dev/null \
  || die "cannot generate the completion scripts"
"$built" man --output-dir "$tmp/man" 2>/dev/null || die "cannot generate the man pages"

mkdir -p "$bin_dir" "$man_dir" "$own_dir"
installed=()
install -m 0755 "$built" "$bin_dir/kubectl-stackset"
installed+=("$bin_dir/kubectl-stackset")
ln -sfn kubectl-stackset "$bin_dir/kubectl_complete-stackset"
installed+=("$bin_dir/kubectl_complete-stackset")
for name in "${!dest[@]}"; do
  mkdir -p "$(dirname "${dest[$name]}")"
  install -m 0644 "$tmp/completions/$name" "${dest[$name]}"
  installed+=("${dest[$name]}")
done
# Pages of commands that no longer exist go; the new set is written.
rm -f -- "$man_dir"/kubectl-stackset.1 "$man_dir"/kubectl-stackset-*.1
for page in "$tmp/man"/*.1; do
  install -m 0644 "$page" "$man_dir/"
  installed+=("$man_dir/$(basename "$page")")
done
printf '%s\n' "${installed[@]}" | sort > "$manifest"

printf '%s\n' "${installed[@]}" | sort | sed 's/^/installed /'
version=$("$bin_dir/kubectl-stackset" version)
say "$version installed in $prefix"

case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) say "add $bin_dir to PATH, e.g. in ~/.bashrc: export PATH=\"$bin_dir:\$PATH\"" ;;
esac
command -v kubectl >/dev/null || say "kubectl is not on PATH; the plugin also runs as kubectl-stackset"
if [ "$share" != "${XDG_DATA_HOME:-$HOME/.local/share}" ]; then
  say "bash: add 'source $share/bash-completion/completions/kubectl-stackset' to ~/.bashrc"
  say "fish: add $share to XDG_DATA_DIRS"
fi
say "zsh: add $share/zsh/site-functions to fpath before compinit"
say "'kubectl stackset <TAB>' completes through kubectl (1.26+) once $bin_dir is on PATH"
