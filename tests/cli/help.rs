//! `--help`: every command has an Examples: block; the read commands document
//! `-o` and the exit codes.

use std::process::Command;

use clap::CommandFactory;
use kubectl_stackset::cli::Cli;

use crate::common::{bin, run};

#[test]
fn every_read_command_has_examples_in_its_help() {
    for cmd in ["get", "list", "traffic", "history", "status"] {
        let r = run(Command::new(bin()).args([cmd, "--help"]));
        assert_eq!(r.code, 0, "{cmd}");
        assert!(r.stdout.contains("\nExamples:\n  "), "{cmd}: {}", r.stdout);
        assert!(
            r.stdout.contains(&format!("kubectl stackset {cmd}")),
            "{cmd}"
        );
        assert!(r.stdout.contains("-o, --output <FORMAT>"), "{cmd} lacks -o");
    }
    let r = run(Command::new(bin()).args(["status", "--help"]));
    assert!(
        r.stdout.contains(
            "Exit codes: 0 ok, 1 error, 2 usage, 3 timeout, 4 degraded or not converged,"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn every_command_has_examples_in_its_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let path = format!("{path} {}", sub.get_name());
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if sub.get_name() != "help" && !help.contains("Examples:") {
                missing.push(path.clone());
            }
            walk(sub, &path, missing);
        }
    }
    let mut missing = Vec::new();
    walk(&Cli::command(), "kubectl stackset", &mut missing);
    assert!(
        missing.is_empty(),
        "no Examples: block in the help of {missing:?}"
    );
}
