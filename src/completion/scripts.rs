//! The completion scripts in `completions/`: clap_complete's static script for
//! each shell, generated from the real CLI, plus (bash, zsh, fish) a dynamic
//! layer that asks the binary (`kubectl-stackset __complete ...`) for StackSet
//! names, stack versions, namespaces and contexts. When the binary cannot
//! answer (not on PATH, crashed), the static script still completes
//! subcommands and flags.

use clap_complete::Shell as ClapShell;

use super::engine;

/// The shells we ship a script for (`completion SHELL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// The name the scripts complete.
pub const BIN: &str = "kubectl-stackset";

/// Every shell we ship a script for.
pub const SHELLS: [CompletionShell; 4] = [
    CompletionShell::Bash,
    CompletionShell::Zsh,
    CompletionShell::Fish,
    CompletionShell::Powershell,
];

/// The file name of a shell's script, as shells look for it.
pub fn file_name(shell: CompletionShell) -> &'static str {
    match shell {
        CompletionShell::Bash => "kubectl-stackset.bash",
        CompletionShell::Zsh => "_kubectl-stackset",
        CompletionShell::Fish => "kubectl-stackset.fish",
        CompletionShell::Powershell => "_kubectl-stackset.ps1",
    }
}

/// The complete script for one shell, for the command line `cli` (the
/// real one: `cli::command()`).
pub fn script(cli: &clap::Command, shell: CompletionShell) -> String {
    let clap_shell = match shell {
        CompletionShell::Bash => ClapShell::Bash,
        CompletionShell::Zsh => ClapShell::Zsh,
        CompletionShell::Fish => ClapShell::Fish,
        CompletionShell::Powershell => ClapShell::PowerShell,
    };
    let mut cmd = cli.clone();
    let mut buf = Vec::new();
    clap_complete::generate(clap_shell, &mut cmd, BIN, &mut buf);
    let generated = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        CompletionShell::Bash => bash(&generated),
        CompletionShell::Zsh => zsh(&generated),
        CompletionShell::Fish => format!("{generated}\n{FISH_DYNAMIC}{}", fish_flags(&cmd)),
        CompletionShell::Powershell => generated,
    }
}

/// Every script with its file name, in `SHELLS` order.
pub fn all(cli: &clap::Command) -> Vec<(&'static str, String)> {
    SHELLS
        .iter()
        .map(|s| (file_name(*s), script(cli, *s)))
        .collect()
}

/// fish completes a flag's value (`-n x`, `--namespace=x`) from entries for
/// that flag only, so each flag with looked-up values gets one.
fn fish_flags(cmd: &clap::Command) -> String {
    let mut text = String::new();
    for (long, short) in engine::dynamic_flags(cmd) {
        text.push_str("complete -c kubectl-stackset");
        if let Some(s) = short {
            text.push_str(&format!(" -s {s}"));
        }
        if let Some(l) = long {
            text.push_str(&format!(" -l {l}"));
        }
        text.push_str(" -x -a '(__kubectl_stackset_dynamic)'\n");
    }
    text
}

/// clap's bash script registers `_kubectl__stackset`; the dynamic layer
/// registers itself instead and calls clap's function as the fallback.
fn bash(generated: &str) -> String {
    let static_fn = format!("_{}", BIN.replace('-', "__"));
    let register = format!(
        "if [[ \"${{BASH_VERSINFO[0]}}\" -eq 4 && \"${{BASH_VERSINFO[1]}}\" -ge 4 || \"${{BASH_VERSINFO[0]}}\" -gt 4 ]]; then\n    complete -F {static_fn} "
    );
    let Some(at) = generated.find(&register) else {
        panic!("clap_complete's bash script changed shape: no registration block found")
    };
    // clap_complete 4.6 turns the '-' of a bin name into `__subcmd__` in the
    // case labels of subcommands but into `__` where it sets `cmd`, so no
    // subcommand of `kubectl-stackset` would match: use one spelling.
    let body = generated[..at].replace(
        &format!("{}__subcmd__", BIN.replace('-', "__subcmd__")),
        &format!("{static_fn}__subcmd__")[1..],
    );
    assert!(
        body.contains(&format!("{static_fn}() {{")),
        "clap_complete's bash script changed shape: no {static_fn} function"
    );
    format!("{body}{}", BASH_DYNAMIC.replace("@STATIC@", &static_fn))
}

/// clap's zsh script defines `_kubectl-stackset`, which compsys calls; the
/// static function is renamed `_kubectl-stackset_static` and a dynamic
/// `_kubectl-stackset` that falls back to it takes its place.
fn zsh(generated: &str) -> String {
    let def = format!("\n_{BIN}() {{\n");
    let tail = format!("\nif [ \"$funcstack[1]\" = \"_{BIN}\" ]; then");
    assert!(
        generated.contains(&def) && generated.contains(&tail),
        "clap_complete's zsh script changed shape"
    );
    let renamed = generated.replacen(&def, &format!("\n_{BIN}_static() {{\n"), 1);
    let at = renamed.rfind(&tail).unwrap_or(renamed.len());
    format!("{}\n{ZSH_DYNAMIC}{}", &renamed[..at], &renamed[at..])
}

const BASH_DYNAMIC: &str = r#"# Dynamic completion (kubectl-stackset): StackSet names, stack versions,
# namespaces and contexts come from `kubectl-stackset __complete`, which
# answers in kubectl's plugin-completion protocol (candidates, then a
# `:<directive>` line). Without an answer the static function above is used.
_kubectl__stackset_dynamic() {
    # Words as typed, without bash's splitting at '=' and ':'.
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -r -a words <<< "$line"
    if [[ -z "$line" || "$line" == *[[:space:]] ]]; then
        words+=("")
    fi
    local cur="${words[${#words[@]}-1]}"
    # For --flag=value the answer is values alone (as cobra's).
    [[ "$cur" == -*=* ]] && cur="${cur#*=}"
    local out
    if ! out=$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null); then
        @STATIC@ "$@"
        return
    fi
    local -a lines
    mapfile -t lines <<< "$out"
    local last="${lines[${#lines[@]}-1]}"
    if [[ "$last" != :* ]]; then
        @STATIC@ "$@"
        return
    fi
    local directive="${last#:}"
    # bash replaces only the word readline completes ($2), which starts after
    # the last '=' or ':' of ours.
    local bash_cur="$2"
    local cut=$(( ${#cur} - ${#bash_cur} ))
    (( cut < 0 )) && cut=0
    COMPREPLY=()
    local entry value
    for entry in "${lines[@]:0:${#lines[@]}-1}"; do
        value="${entry%%$'\t'*}"
        [[ -n "$value" ]] && COMPREPLY+=("${value:cut}")
    done
    if (( directive & 2 )); then
        compopt -o nospace 2>/dev/null
    fi
    if (( directive & 4 )); then
        compopt +o default +o bashdefault 2>/dev/null
    fi
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _kubectl__stackset_dynamic -o nosort -o bashdefault -o default kubectl-stackset
else
    complete -F _kubectl__stackset_dynamic -o bashdefault -o default kubectl-stackset
fi
"#;

const ZSH_DYNAMIC: &str = r#"# Dynamic completion (kubectl-stackset): StackSet names, stack versions,
# namespaces and contexts come from `kubectl-stackset __complete`, which
# answers in kubectl's plugin-completion protocol (candidates, then a
# `:<directive>` line). Without an answer the static function above is used.
_kubectl-stackset() {
    local out directive entry value desc
    local -a lines candidates prefix
    # For --flag=value the answer is values alone (as cobra's): keep the flag.
    [[ ${words[CURRENT]} == -*=* ]] && prefix=(-P "${words[CURRENT]%%=*}=")
    out=$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null) || {
        _kubectl-stackset_static "$@"
        return
    }
    lines=("${(@f)out}")
    directive=${lines[-1]}
    if [[ $directive != :* ]]; then
        _kubectl-stackset_static "$@"
        return
    fi
    directive=${directive#:}
    for entry in "${(@)lines[1,-2]}"; do
        [[ -z $entry ]] && continue
        value=${entry%%$'\t'*}
        desc=""
        [[ $entry == *$'\t'* ]] && desc=${entry#*$'\t'}
        candidates+=("${value//:/\\:}${desc:+:$desc}")
    done
    if (( ${#candidates} == 0 )); then
        (( directive & 4 )) && return 1
        _files
        return
    fi
    if (( directive & 2 )); then
        _describe -t values 'kubectl-stackset' candidates "${prefix[@]}" -S ''
    else
        _describe -t values 'kubectl-stackset' candidates "${prefix[@]}"
    fi
}
"#;

const FISH_DYNAMIC: &str = r#"# Dynamic completion (kubectl-stackset): StackSet names, stack versions,
# namespaces and contexts come from `kubectl-stackset __complete_dynamic`
# (kubectl's plugin-completion protocol); subcommands and flags come from the
# static lines above. One query per command line and second, shared by the
# condition (no file names where the directive says so) and the candidates.
function __kubectl_stackset_query
    set -l key (commandline -cp)(date +%s)
    test "$key" = "$__kubectl_stackset_key"; and return
    set -g __kubectl_stackset_key $key
    set -l tokens (commandline -opc)
    set -g __kubectl_stackset_out (command $tokens[1] __complete_dynamic $tokens[2..-1] (commandline -ct) 2>/dev/null)
    or set -g __kubectl_stackset_out
end
function __kubectl_stackset_no_files
    __kubectl_stackset_query
    set -q __kubectl_stackset_out[1]; or return 1
    set -l directive (string replace -r -- '^:' '' $__kubectl_stackset_out[-1])
    string match -qr -- '^[0-9]+$' $directive; or return 1
    test (math "bitand($directive, 4)") -ne 0
end
function __kubectl_stackset_dynamic
    __kubectl_stackset_query
    set -l n (count $__kubectl_stackset_out)
    test $n -gt 1; or return
    string match -q -- ':*' $__kubectl_stackset_out[-1]; or return
    printf '%s\n' $__kubectl_stackset_out[1..(math $n - 1)]
end
complete -c kubectl-stackset -n __kubectl_stackset_no_files -f
complete -c kubectl-stackset -a '(__kubectl_stackset_dynamic)'
"#;
