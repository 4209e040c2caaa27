#!/usr/bin/env bash
# Drives a bash completion function the way readline does on <TAB>, without a
# terminal, and prints the candidates (COMPREPLY), one per line.
#
#   complete.bash SCRIPT LINE
#
# SCRIPT is sourced (a completion script, or `kubectl` to use
# `kubectl completion bash`). LINE is the command line up to the cursor. The
# completion function is the one SCRIPT registered with `complete -F` for the
# line's first word; it gets COMP_LINE, COMP_POINT, and COMP_WORDS/COMP_CWORD
# split as bash splits them (at blanks, and at '=' and ':', which become words
# of their own), and the arguments bash passes (command, word, previous word).
set -f
script="$1"
line="$2"

# kubectl's script needs _get_comp_words_by_ref from the bash-completion
# package. Where that package is missing, a minimal stand-in: words split at
# blanks only (the `-n =:` that kubectl asks for), the cursor at the end.
if ! declare -F _get_comp_words_by_ref >/dev/null; then
    _get_comp_words_by_ref() {
        local -a w
        read -r -a w <<< "${COMP_LINE:0:COMP_POINT}"
        [[ "${COMP_LINE:0:COMP_POINT}" == *[[:space:]] ]] && w+=("")
        words=("${w[@]}")
        cword=$(( ${#w[@]} - 1 ))
        cur="${w[cword]}"
        prev="${w[cword-1]}"
    }
fi

if [[ "$script" == kubectl ]]; then
    # shellcheck disable=SC1090
    source <(kubectl completion bash)
else
    # shellcheck disable=SC1090
    source "$script"
fi

COMP_LINE="$line"
COMP_POINT=${#line}
COMP_TYPE=9
COMP_WORDS=()
for w in $line; do
    while [[ "$w" =~ ^([^=:]*)([=:])(.*)$ ]]; do
        [[ -n "${BASH_REMATCH[1]}" ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
        COMP_WORDS+=("${BASH_REMATCH[2]}")
        w="${BASH_REMATCH[3]}"
    done
    [[ -n "$w" ]] && COMP_WORDS+=("$w")
done
if [[ "$line" == *[[:space:]] ]]; then
    COMP_WORDS+=("")
fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
word="${line##*[[:space:]=:]}"
prev="${COMP_WORDS[COMP_CWORD-1]}"

spec=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null) || {
    echo "complete.bash: $script registers no completion for ${COMP_WORDS[0]}" >&2
    exit 2
}
fn=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<< "$spec")
"$fn" "${COMP_WORDS[0]}" "$word" "$prev" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
