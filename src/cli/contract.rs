//! The command-line contract (docs/cli-contract.md), checked for every
//! subcommand by walking the clap command tree. A new command or flag that
//! breaks a rule fails here, naming the command and the rule.

#![cfg(test)]

use std::collections::BTreeMap;

use clap::Command;

/// Read commands: `-o`, `--no-headers`, `-w`, `--interval`; nothing that writes.
const READ: &[&str] = &[
    "get",
    "list",
    "status",
    "traffic",
    "history",
    "rollout status",
];
/// Mutating commands: `--dry-run`, `-o`.
const MUTATING: &[&str] = &[
    "create",
    "apply",
    "traffic set",
    "rollout",
    "rollout pause",
    "rollout resume",
    "rollout promote",
    "rollout abort",
    "rollback",
    "delete",
    "gc",
];
/// Mutating commands that move traffic or delete: `--yes`.
const DESTRUCTIVE: &[&str] = &[
    "traffic set",
    "rollout",
    "rollout resume",
    "rollout promote",
    "rollout abort",
    "rollback",
    "delete",
    "gc",
];
/// Commands that wait for the cluster: `--timeout`, and `--no-wait`/`--wait`
/// unless waiting is the whole point (`rollout` drives the steps).
const WAITING: &[&str] = &[
    "traffic set",
    "rollout",
    "rollout resume",
    "rollout promote",
    "rollout abort",
    "rollback",
    "delete",
];
/// Commands that run the engine client-side: the engine flags.
const RECONCILING: &[&str] = &[
    "create",
    "apply",
    "traffic set",
    "rollout",
    "rollout resume",
    "rollout promote",
    "rollout abort",
    "rollback",
    "gc",
    "reconcile",
];
/// Commands that contact no cluster: no visible connection flags.
const LOCAL: &[&str] = &["version", "crd", "man", "completion"];

/// The top-level list, by how often a person uses each command.
const BY_FREQUENCY: &[&str] = &[
    "get",
    "list",
    "status",
    "traffic",
    "rollout",
    "rollback",
    "history",
    "create",
    "apply",
    "delete",
    "gc",
    "reconcile",
    "completion",
    "man",
    "crd",
    "version",
];

/// Flags whose help may name what this command waits for or confirms; the
/// meaning is the same, so the help must start the same way.
const WORDED_PER_COMMAND: &[(&str, &str)] = &[
    ("timeout", "How long"),
    ("yes", "Do not ask"),
    ("output", "Output format"),
    ("filename", ""),
    ("image", "Container image"),
    ("output-dir", "Write"),
    ("watch", "Keep"),
    // Read commands look again this often; `reconcile -w` only at a
    // StackSet that has work left.
    ("interval", "With -w"),
];

/// The engine flag that marks the engine group.
const ENGINE_FLAG: &str = "cluster-domain";
/// Connection flags that `-h` shows (the rest are under `--help`).
const CONNECTION_FLAGS: &[&str] = &["--kubeconfig", "--context", "--namespace"];
const MAX_SHORT_HELP_LINES: usize = 50;

fn walk(cmd: &Command, path: &str, out: &mut Vec<(String, Command)>) {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let p = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        out.push((p.clone(), sub.clone()));
        walk(sub, &p, out);
    }
}

fn commands() -> Vec<(String, Command)> {
    let mut root = super::command();
    root.build();
    let mut out = Vec::new();
    walk(&root, "", &mut out);
    out
}

/// What `kubectl stackset PATH -h` (or `--help`) prints.
fn help(path: &str, flag: &str) -> String {
    let argv = std::iter::once("kubectl-stackset")
        .chain(path.split(' '))
        .chain(std::iter::once(flag));
    match super::command().try_get_matches_from(argv) {
        Ok(_) => panic!("{path} {flag} parsed"),
        Err(e) => e.render().to_string(),
    }
}

fn has_long(cmd: &Command, long: &str) -> bool {
    cmd.get_arguments()
        .any(|a| a.get_long() == Some(long) && !a.is_hide_set())
}

fn has_short(cmd: &Command, short: char, long: &str) -> bool {
    cmd.get_arguments()
        .any(|a| a.get_short() == Some(short) && a.get_long() == Some(long))
}

/// Every violation of the contract, one line each.
fn violations() -> Vec<String> {
    let mut v = Vec::new();
    let all = commands();
    let names: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
    for table in [READ, MUTATING, DESTRUCTIVE, WAITING, RECONCILING, LOCAL] {
        for p in table {
            if !names.contains(p) {
                v.push(format!("{p}: listed in the contract but no such command"));
            }
        }
    }
    let mut meanings: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (path, cmd) in &all {
        let p = path.as_str();
        let is = |t: &[&str]| t.contains(&p);
        if !is(READ) && !is(MUTATING) && !is(LOCAL) && p != "reconcile" {
            v.push(format!("{p}: not classified in the contract"));
        }
        let examples = cmd
            .get_after_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        if !examples.starts_with("Examples:") {
            v.push(format!("{p}: no Examples: block"));
        }
        if is(READ) {
            if !has_short(cmd, 'o', "output") {
                v.push(format!("{p}: read command without -o/--output"));
            }
            if !has_long(cmd, "no-headers") {
                v.push(format!("{p}: read command without --no-headers"));
            }
            if !has_short(cmd, 'w', "watch") {
                v.push(format!("{p}: read command without -w/--watch"));
            }
            if !has_long(cmd, "interval") {
                v.push(format!("{p}: read command without --interval"));
            }
            if p != "rollout status" {
                for o in ["jsonpath={.name}", "custom-columns=NAME:.name"] {
                    let argv = std::iter::once("kubectl-stackset")
                        .chain(p.split(' '))
                        .chain(["-o", o]);
                    if super::command().try_get_matches_from(argv).is_err() {
                        v.push(format!("{p}: read command refuses -o {o}"));
                    }
                }
            }
            for f in ["yes", "dry-run", ENGINE_FLAG] {
                if has_long(cmd, f) {
                    v.push(format!("{p}: read command with --{f}"));
                }
            }
        }
        if is(MUTATING) {
            if !has_long(cmd, "dry-run") {
                v.push(format!("{p}: mutating command without --dry-run"));
            }
            if !has_short(cmd, 'o', "output") {
                v.push(format!("{p}: mutating command without -o/--output"));
            }
        }
        if is(DESTRUCTIVE) != has_short(cmd, 'y', "yes") {
            v.push(format!(
                "{p}: -y/--yes must be exactly on the destructive commands"
            ));
        }
        if is(WAITING) {
            if !has_long(cmd, "timeout") {
                v.push(format!("{p}: waiting command without --timeout"));
            }
            if p != "rollout" && !has_long(cmd, "no-wait") && !has_long(cmd, "wait") {
                v.push(format!("{p}: waiting command without --no-wait/--wait"));
            }
        }
        if is(RECONCILING) != has_long(cmd, ENGINE_FLAG) {
            v.push(format!(
                "{p}: engine flags must be exactly on the reconciling commands"
            ));
        }
        let short = help(p, "-h");
        let lines = short.lines().count();
        if lines > MAX_SHORT_HELP_LINES {
            v.push(format!(
                "{p}: -h is {lines} lines (at most {MAX_SHORT_HELP_LINES})"
            ));
        }
        if short.contains(&format!("--{ENGINE_FLAG}")) {
            v.push(format!("{p}: -h shows the engine flags (--help only)"));
        }
        let usage_of = |text: &str| {
            text.lines()
                .skip_while(|l| !l.starts_with("Usage: "))
                .take_while(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let argv = std::iter::once("kubectl-stackset")
            .chain(p.split(' '))
            .chain(["x", "--no-such-flag"]);
        if let Err(e) = super::command().try_get_matches_from(argv) {
            let after_error = usage_of(&e.render().to_string());
            if after_error != usage_of(&short) {
                v.push(format!(
                    "{p}: the usage after an error ({after_error:?}) differs from -h's ({:?})",
                    usage_of(&short)
                ));
            }
        }
        let global_at = short.find("Global options:");
        if is(LOCAL) {
            for f in CONNECTION_FLAGS {
                if short.contains(f) {
                    v.push(format!("{p}: shows {} but contacts no cluster", f.trim()));
                }
            }
        } else {
            match global_at {
                None => v.push(format!("{p}: no \"Global options\" section")),
                Some(at) => {
                    let (own, global) = short.split_at(at);
                    for f in CONNECTION_FLAGS {
                        if own.contains(f) || !global.contains(f) {
                            v.push(format!("{p}: {} is not under \"Global options\"", f.trim()));
                        }
                    }
                }
            }
        }
        if let Some(at) = global_at
            && let Some(own_end) = short.find("Options:")
            && own_end > at
        {
            v.push(format!(
                "{p}: global options come before the command's options"
            ));
        }
        for a in cmd.get_arguments() {
            if a.is_hide_set() || a.is_global_set() {
                continue;
            }
            if let Some(long) = a.get_long() {
                let text = a.get_help().map(ToString::to_string).unwrap_or_default();
                meanings
                    .entry(long.to_string())
                    .or_default()
                    .push((p.to_string(), text));
            }
        }
    }
    for (long, uses) in &meanings {
        let prefix = WORDED_PER_COMMAND
            .iter()
            .find(|(n, _)| n == long)
            .map(|(_, p)| *p);
        match prefix {
            Some(prefix) => {
                for (p, text) in uses {
                    if !text.starts_with(prefix) {
                        v.push(format!(
                            "--{long} on {p}: help must start with {prefix:?}: {text:?}"
                        ));
                    }
                }
            }
            None => {
                let (first_cmd, first) = &uses[0];
                for (p, text) in &uses[1..] {
                    if text != first {
                        v.push(format!(
                            "--{long} means different things: {first_cmd}: {first:?}; {p}: {text:?}"
                        ));
                    }
                }
            }
        }
    }
    let mut root = super::command();
    root.build();
    let top: Vec<&str> = root
        .get_subcommands()
        .filter(|c| c.get_name() != "help" && !c.is_hide_set())
        .map(Command::get_name)
        .collect();
    let mut shown = top.clone();
    shown.sort_by_key(|n| {
        root.find_subcommand(n)
            .map(Command::get_display_order)
            .unwrap_or(usize::MAX)
    });
    if shown != BY_FREQUENCY {
        v.push(format!(
            "top-level list is {shown:?}, expected by frequency {BY_FREQUENCY:?}"
        ));
    }
    for argv in [
        &["kubectl-stackset", "-v=6", "get"][..],
        &["kubectl-stackset", "get", "--v=4"][..],
        &["kubectl-stackset", "get", "-vv"][..],
    ] {
        let args = super::normalize_args(argv.iter().map(std::ffi::OsString::from).collect());
        if super::command().try_get_matches_from(args).is_err() {
            v.push(format!("{argv:?} is refused (kubectl's -v=N)"));
        }
    }
    v
}

#[test]
fn every_command_follows_the_contract() {
    let v = violations();
    assert!(
        v.is_empty(),
        "{} contract violations (docs/cli-contract.md):\n  {}",
        v.len(),
        v.join("\n  ")
    );
}

/// The walker itself: a command that breaks a rule is caught.
#[test]
fn the_walker_catches_a_read_command_without_output() {
    let broken = Command::new("get").arg(clap::Arg::new("name"));
    assert!(!has_short(&broken, 'o', "output"));
    let ok = Command::new("get").arg(
        clap::Arg::new("output")
            .short('o')
            .long("output")
            .num_args(1),
    );
    assert!(has_short(&ok, 'o', "output"));
}

#[test]
fn kubectl_verbosity_levels_map_to_ours() {
    let norm = |args: &[&str]| -> Vec<String> {
        super::normalize_args(args.iter().map(std::ffi::OsString::from).collect())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    };
    assert_eq!(norm(&["k", "-v=6", "get"]), ["k", "-vv", "get"]);
    assert_eq!(norm(&["k", "get", "--v=2"]), ["k", "get", "-v"]);
    assert_eq!(norm(&["k", "get", "-v=0"]), ["k", "get"]);
    assert_eq!(norm(&["k", "get", "-vv"]), ["k", "get", "-vv"]);
    // Not a level, and nothing after `--`.
    assert_eq!(norm(&["k", "-v=x"]), ["k", "-v=x"]);
    assert_eq!(norm(&["k", "--", "-v=6"]), ["k", "--", "-v=6"]);
    let cli = super::parse(["k", "get", "-v=6"]).unwrap();
    assert_eq!(cli.global.verbose, 2);
}

#[test]
fn connection_flags_are_hidden_but_accepted_where_no_cluster_is_contacted() {
    assert!(super::parse(["k", "version", "--context", "x", "-n", "y"]).is_ok());
    let help = help("version", "--help");
    assert!(!help.contains("--context"), "{help}");
    // ... and the plugin's version flag is the top level's only.
    assert!(
        super::parse(["k", "--version"])
            .is_err_and(|e| e.kind() == clap::error::ErrorKind::DisplayVersion)
    );
    assert!(
        super::parse(["k", "get", "--version"])
            .is_err_and(|e| e.kind() == clap::error::ErrorKind::UnknownArgument)
    );
}
