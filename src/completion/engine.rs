//! The pure half of completion: given the clap command tree and the words
//! typed so far, decide what the word under the cursor can be. No I/O: the
//! answer names the candidates it already knows (subcommands, flags, enum
//! values) and the lookups someone else must do (StackSets, stack versions,
//! namespaces, kubeconfig contexts).
//!
//! Dynamic values are found by convention on the argument, so commands added
//! later complete without touching this module:
//! - `-n/--namespace`, `--context`, `--cluster`, `--user`: namespaces and
//!   kubeconfig entries;
//! - a positional argument called `name` (or with value name `NAME`/`STACKSET`):
//!   StackSet names;
//! - an argument whose value name contains `=` (e.g. `VERSION=WEIGHT`) or that is
//!   called `assignments`/`weights`: `v2=`-style stack versions;
//! - an argument with value name `VERSION` or `STACK` (other than `--version`,
//!   which names a new version): existing stack versions;
//! - a path-valued argument: files; an enum: its values.

use clap::{Arg, ArgAction, Command, ValueHint};

/// A candidate value with an optional one-line description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub help: Option<String>,
}

impl Candidate {
    fn new(value: impl Into<String>, help: Option<String>) -> Self {
        Self {
            value: value.into(),
            help,
        }
    }
}

/// What the word under the cursor may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// Candidates known from the command line definition.
    Fixed(Vec<Candidate>),
    /// A file name: let the shell complete it.
    Files,
    /// StackSet names in the resolved namespace.
    StackSets,
    /// Versions of the stacks of a StackSet (of every StackSet when unknown).
    Versions {
        stackset: Option<String>,
        /// `v2=` candidates (for `VERSION=WEIGHT` arguments) instead of `v2`.
        assignment: bool,
        /// Versions already given earlier on the line.
        exclude: Vec<String>,
    },
    /// Namespaces of the cluster.
    Namespaces,
    /// Contexts of the kubeconfig.
    Contexts,
    /// Clusters of the kubeconfig.
    Clusters,
    /// Users of the kubeconfig.
    Users,
}

impl Want {
    /// Whether answering needs the kubeconfig or the cluster.
    pub fn is_dynamic(&self) -> bool {
        !matches!(self, Want::Fixed(_) | Want::Files)
    }
}

/// kubectl's global flags as typed on the line being completed: the
/// lookups must use the same cluster, user and namespace as the command will.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub kubeconfig: Option<String>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub as_user: Option<String>,
    pub as_group: Vec<String>,
}

impl Target {
    fn record(&mut self, arg: &Arg, value: &str) {
        let v = Some(value.to_string());
        match arg.get_id().as_str() {
            "kubeconfig" => self.kubeconfig = v,
            "context" => self.context = v,
            "cluster" => self.cluster = v,
            "user" => self.user = v,
            "namespace" => self.namespace = v,
            "as_user" => self.as_user = v,
            "as_group" => self.as_group.push(value.to_string()),
            _ => {}
        }
    }
}

/// The analysis of one completion request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What the word may be; several kinds can apply at once.
    pub wants: Vec<Want>,
    /// The part of the current word candidates must start with: the value
    /// alone for `--flag=value` (the shell keeps `--flag=`, as with cobra).
    pub current: String,
    /// Where the lookups should go.
    pub target: Target,
    /// Candidates must not be followed by a space (`v2=`).
    pub no_space: bool,
}

/// Analyses `words` (the arguments after the program name; the last one is the
/// word being completed, empty after a space) against `cmd`.
pub fn analyse(cmd: &Command, words: &[String]) -> Request {
    let mut cmd = cmd.clone();
    cmd.build();
    let (done, current) = match words.split_last() {
        Some((cur, done)) => (done, cur.clone()),
        None => (&[][..], String::new()),
    };

    let mut node: &Command = &cmd;
    let mut target = Target::default();
    let mut positionals: Vec<String> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let mut pending: Option<&Arg> = None;
    let mut options_end = false;

    for tok in done {
        if let Some(arg) = pending.take() {
            target.record(arg, tok);
            continue;
        }
        if !options_end && tok == "--" {
            options_end = true;
            continue;
        }
        if !options_end && tok.starts_with("--") {
            let (name, value) = match tok[2..].split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (&tok[2..], None),
            };
            if let Some(arg) = long(node, name) {
                used.push(arg.get_id().to_string());
                if takes_value(arg) {
                    match value {
                        Some(v) => target.record(arg, v),
                        None => pending = Some(arg),
                    }
                }
            }
            continue;
        }
        if !options_end && tok.starts_with('-') && tok.len() > 1 {
            for (i, c) in tok.char_indices().skip(1) {
                let Some(arg) = short(node, c) else { break };
                used.push(arg.get_id().to_string());
                if takes_value(arg) {
                    let rest = &tok[i + c.len_utf8()..];
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    if rest.is_empty() {
                        pending = Some(arg);
                    } else {
                        target.record(arg, rest);
                    }
                    break;
                }
            }
            continue;
        }
        if positionals.is_empty()
            && let Some(sub) = subcommand(node, tok)
        {
            node = sub;
            used.clear();
            continue;
        }
        positionals.push(tok.clone());
    }

    let mut request = Request {
        wants: Vec::new(),
        current: current.clone(),
        target,
        no_space: false,
    };

    if let Some(arg) = pending {
        request.wants = values_of(node, arg, &positionals);
        return request;
    }
    if !options_end && let Some(body) = current.strip_prefix("--") {
        if let Some((name, value)) = body.split_once('=') {
            if let Some(arg) = long(node, name) {
                request.current = value.to_string();
                request.wants = values_of(node, arg, &positionals);
            }
            return request;
        }
        request.wants = vec![Want::Fixed(flags(node, &used))];
        return request;
    }
    if !options_end && current.starts_with('-') {
        request.wants = vec![Want::Fixed(flags(node, &used))];
        return request;
    }
    if positionals.is_empty() && node.has_subcommands() {
        let subs = node
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| Candidate::new(s.get_name(), about(s)))
            .collect();
        request.wants.push(Want::Fixed(subs));
        if node.get_positionals().next().is_none() {
            return request;
        }
    }
    request.wants.extend(positional_wants(node, &positionals));
    request.no_space = request.wants.iter().any(|w| {
        matches!(
            w,
            Want::Versions {
                assignment: true,
                ..
            }
        )
    });
    request
}

/// Flags anywhere in `cmd` whose values are looked up (namespaces, contexts,
/// versions...), as (long, short), without repeats.
pub fn dynamic_flags(cmd: &Command) -> Vec<(Option<String>, Option<char>)> {
    fn walk(cmd: &Command, out: &mut Vec<(Option<String>, Option<char>)>) {
        for arg in cmd.get_arguments() {
            if arg.is_positional() || arg.is_hide_set() || !takes_value(arg) {
                continue;
            }
            let wants = values_of(cmd, arg, &[]);
            if !wants.is_empty() && wants.iter().all(Want::is_dynamic) {
                let key = (arg.get_long().map(str::to_string), arg.get_short());
                if !out.contains(&key) {
                    out.push(key);
                }
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut cmd = cmd.clone();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, &mut out);
    out
}

fn is_assignment(w: &Want) -> bool {
    matches!(
        w,
        Want::Versions {
            assignment: true,
            ..
        }
    )
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_num_args().is_some_and(|n| n.takes_values())
        && !matches!(
            arg.get_action(),
            ArgAction::SetTrue
                | ArgAction::SetFalse
                | ArgAction::Count
                | ArgAction::Help
                | ArgAction::HelpShort
                | ArgAction::HelpLong
                | ArgAction::Version
        )
}

fn long<'a>(cmd: &'a Command, name: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|a| {
        a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name))
    })
}

fn short(cmd: &Command, c: char) -> Option<&Arg> {
    cmd.get_arguments().find(|a| {
        a.get_short() == Some(c) || a.get_all_short_aliases().is_some_and(|al| al.contains(&c))
    })
}

fn subcommand<'a>(cmd: &'a Command, name: &str) -> Option<&'a Command> {
    cmd.get_subcommands()
        .find(|s| s.get_name() == name || s.get_all_aliases().any(|a| a == name))
}

fn about(cmd: &Command) -> Option<String> {
    cmd.get_about().map(|a| first_line(&a.to_string()))
}

fn help(arg: &Arg) -> Option<String> {
    arg.get_help().map(|h| first_line(&h.to_string()))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    line.strip_suffix('.').unwrap_or(line).to_string()
}

/// Long flags (and short ones) of `cmd`, minus the non-repeatable ones already used.
fn flags(cmd: &Command, used: &[String]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for arg in cmd.get_arguments() {
        if arg.is_positional() || arg.is_hide_set() {
            continue;
        }
        let repeatable = matches!(arg.get_action(), ArgAction::Append | ArgAction::Count);
        if !repeatable && used.iter().any(|u| u == arg.get_id().as_str()) {
            continue;
        }
        if let Some(l) = arg.get_long() {
            out.push(Candidate::new(format!("--{l}"), help(arg)));
        }
    }
    for arg in cmd.get_arguments() {
        if arg.is_positional() || arg.is_hide_set() {
            continue;
        }
        if let Some(s) = arg.get_short() {
            out.push(Candidate::new(format!("-{s}"), help(arg)));
        }
    }
    out
}

/// What a flag's (or positional's) value can be.
fn values_of(cmd: &Command, arg: &Arg, positionals: &[String]) -> Vec<Want> {
    let id = arg.get_id().as_str();
    let names: Vec<String> = arg
        .get_value_names()
        .map(|v| v.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default();
    let has_name = |n: &str| names.iter().any(|v| v == n);
    match id {
        "namespace" => return vec![Want::Namespaces],
        "context" => return vec![Want::Contexts],
        "cluster" => return vec![Want::Clusters],
        "user" => return vec![Want::Users],
        _ => {}
    }
    let values: Vec<Candidate> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| {
            Candidate::new(
                v.get_name(),
                v.get_help().map(|h| first_line(&h.to_string())),
            )
        })
        .collect();
    if !values.is_empty() {
        return vec![Want::Fixed(values)];
    }
    if matches!(
        arg.get_value_hint(),
        ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath | ValueHint::ExecutablePath
    ) {
        return vec![Want::Files];
    }
    let stackset = stackset_on_line(cmd, positionals);
    let exclude: Vec<String> = positionals
        .iter()
        .filter_map(|p| p.split_once('=').map(|(v, _)| v.to_string()))
        .collect();
    if names.iter().any(|n| n.contains('=')) || matches!(id, "assignments" | "weights") {
        return vec![Want::Versions {
            stackset,
            assignment: true,
            exclude,
        }];
    }
    if arg.is_positional() && (id == "name" || has_name("NAME") || has_name("STACKSET")) {
        return vec![Want::StackSets];
    }
    if id != "version" && (has_name("VERSION") || has_name("STACK")) {
        return vec![Want::Versions {
            stackset,
            assignment: false,
            exclude: Vec::new(),
        }];
    }
    Vec::new()
}

/// The StackSet a command line is about: the token in a StackSet-name slot.
fn stackset_on_line(cmd: &Command, positionals: &[String]) -> Option<String> {
    let slots: Vec<&Arg> = cmd.get_positionals().collect();
    positionals.iter().enumerate().find_map(|(i, tok)| {
        let arg = slot(&slots, i)?;
        let is_name = arg.get_id().as_str() == "name"
            || arg
                .get_value_names()
                .is_some_and(|v| v.iter().any(|n| n == "NAME" || n == "STACKSET"));
        (is_name && !tok.contains('=')).then(|| tok.clone())
    })
}

/// The positional argument that the `index`-th positional token fills.
fn slot<'a>(slots: &[&'a Arg], index: usize) -> Option<&'a Arg> {
    let last = slots.len().checked_sub(1)?;
    slots.iter().enumerate().find_map(|(n, arg)| {
        let many = arg.get_num_args().is_some_and(|r| r.max_values() > 1)
            || matches!(arg.get_action(), ArgAction::Append);
        (n == index || (many && n == last && index > n)).then_some(*arg)
    })
}

fn positional_wants(cmd: &Command, positionals: &[String]) -> Vec<Want> {
    let slots: Vec<&Arg> = cmd.get_positionals().filter(|a| !a.is_hide_set()).collect();
    let index = positionals.len();
    let Some(arg) = slot(&slots, index) else {
        return Vec::new();
    };
    let mut wants = values_of(cmd, arg, positionals);
    // An optional NAME followed by `VERSION=WEIGHT` arguments: the word may be either.
    if wants == [Want::StackSets]
        && !arg.is_required_set()
        && let Some(next) = slot(&slots, index + 1)
    {
        let more = values_of(cmd, next, positionals);
        if more.iter().any(is_assignment) {
            wants.extend(more);
        }
    }
    // One list of `[NAME] VERSION=WEIGHT...` words: the first may be the name.
    if index == 0
        && arg
            .get_value_names()
            .is_some_and(|v| v.iter().any(|n| n.contains("NAME")))
        && !wants.contains(&Want::StackSets)
    {
        wants.insert(0, Want::StackSets);
    }
    wants
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Parser, Subcommand};

    /// A CLI shaped like ours, including the shapes other commands use.
    #[derive(Parser)]
    #[command(name = "kubectl-stackset")]
    struct TestCli {
        #[arg(short = 'n', long, global = true)]
        namespace: Option<String>,
        #[arg(long, global = true)]
        context: Option<String>,
        #[arg(long, global = true)]
        kubeconfig: Option<std::path::PathBuf>,
        #[arg(short = 'v', long, global = true, action = ArgAction::Count)]
        verbose: u8,
        #[command(subcommand)]
        command: TestCommand,
    }

    #[derive(Subcommand)]
    enum TestCommand {
        /// Reconcile one StackSet.
        Reconcile {
            name: Option<String>,
            #[arg(long, value_enum)]
            dry_run: Option<Mode>,
            #[arg(long)]
            all: bool,
        },
        Traffic(TrafficArgs),
        Rollback {
            name: Option<String>,
            #[arg(long, value_name = "VERSION")]
            to: Option<String>,
        },
        Rollout {
            name: Option<String>,
            #[arg(long)]
            version: Option<String>,
        },
        Apply {
            #[arg(short = 'f', long)]
            filename: std::path::PathBuf,
        },
        #[command(hide = true)]
        Secret,
    }

    #[derive(clap::Args)]
    #[command(args_conflicts_with_subcommands = true)]
    struct TrafficArgs {
        name: Option<String>,
        #[command(subcommand)]
        command: Option<TrafficCommand>,
    }

    #[derive(Subcommand)]
    enum TrafficCommand {
        Set {
            name: Option<String>,
            #[arg(value_name = "VERSION=WEIGHT")]
            assignments: Vec<String>,
        },
    }

    #[derive(Clone, clap::ValueEnum)]
    enum Mode {
        Client,
        Server,
    }

    fn req(line: &str) -> Request {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        if words == [""] {
            words.clear();
        }
        analyse(&TestCli::command(), &words)
    }

    fn fixed(r: &Request) -> Vec<String> {
        r.wants
            .iter()
            .flat_map(|w| match w {
                Want::Fixed(c) => c.iter().map(|c| c.value.clone()).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    use clap::CommandFactory;

    #[test]
    fn subcommands_first_hidden_ones_never() {
        let r = req("");
        let subs = fixed(&r);
        assert!(subs.contains(&"reconcile".to_string()), "{subs:?}");
        assert!(subs.contains(&"traffic".to_string()), "{subs:?}");
        assert!(!subs.contains(&"secret".to_string()), "{subs:?}");
        assert_eq!(r.current, "");
    }

    #[test]
    fn positional_name_is_a_stackset() {
        let cases = [
            ("after the subcommand", "reconcile "),
            ("after a global flag and its value", "-n prod reconcile "),
            ("after a boolean flag", "reconcile --all "),
            ("after an attached short value", "-nprod reconcile my"),
            ("after a count flag", "-vv reconcile "),
        ];
        for (name, line) in cases {
            let r = req(line);
            assert_eq!(r.wants, vec![Want::StackSets], "{name}");
        }
    }

    #[test]
    fn global_flags_on_the_line_pick_the_target() {
        let r = req("--context=dev reconcile -n shop --kubeconfig /tmp/kc ");
        assert_eq!(r.target.context.as_deref(), Some("dev"));
        assert_eq!(r.target.namespace.as_deref(), Some("shop"));
        assert_eq!(r.target.kubeconfig.as_deref(), Some("/tmp/kc"));
        let r = req("reconcile -nshop x");
        assert_eq!(r.target.namespace.as_deref(), Some("shop"));
    }

    #[test]
    fn flag_values() {
        let cases = [
            (
                "namespace, separate",
                "reconcile -n ",
                vec![Want::Namespaces],
                "",
            ),
            (
                "namespace, long",
                "reconcile --namespace d",
                vec![Want::Namespaces],
                "d",
            ),
            (
                "namespace, equals",
                "reconcile --namespace=d",
                vec![Want::Namespaces],
                "d",
            ),
            ("context", "--context ", vec![Want::Contexts], ""),
            ("path", "--kubeconfig ", vec![Want::Files], ""),
            ("short path", "apply -f ", vec![Want::Files], ""),
        ];
        for (name, line, want, current) in cases {
            let r = req(line);
            assert_eq!(r.wants, want, "{name}");
            assert_eq!(r.current, current, "{name}");
        }
        let r = req("reconcile --dry-run=s");
        assert_eq!(fixed(&r), vec!["client", "server"]);
        assert_eq!(r.current, "s");
    }

    #[test]
    fn flags_when_the_word_starts_with_a_dash() {
        let r = req("reconcile --all --");
        let flags = fixed(&r);
        assert!(flags.contains(&"--dry-run".to_string()), "{flags:?}");
        assert!(
            flags.contains(&"--namespace".to_string()),
            "globals: {flags:?}"
        );
        assert!(
            !flags.contains(&"--all".to_string()),
            "used once already: {flags:?}"
        );
        let r = req("reconcile -v -");
        assert!(
            fixed(&r).contains(&"--verbose".to_string()),
            "count flags repeat"
        );
    }

    #[test]
    fn traffic_set_offers_names_and_assignments() {
        let r = req("traffic set ");
        assert_eq!(
            r.wants,
            vec![
                Want::StackSets,
                Want::Versions {
                    stackset: None,
                    assignment: true,
                    exclude: vec![]
                }
            ]
        );
        assert!(r.no_space);
        let r = req("traffic set my-app v1=20 v");
        assert_eq!(
            r.wants,
            vec![Want::Versions {
                stackset: Some("my-app".into()),
                assignment: true,
                exclude: vec!["v1".into()]
            }]
        );
    }

    #[test]
    fn a_command_with_a_name_and_subcommands_offers_both() {
        // `traffic [NAME]` shows, `traffic set ...` changes.
        let r = req("traffic ");
        assert_eq!(fixed(&r), vec!["set", "help"]);
        assert!(r.wants.contains(&Want::StackSets), "{r:?}");
        let r = req("traffic my-app ");
        assert_eq!(r.wants, vec![], "one NAME only");
    }

    #[test]
    fn version_flags() {
        let r = req("rollback my-app --to ");
        assert_eq!(
            r.wants,
            vec![Want::Versions {
                stackset: Some("my-app".into()),
                assignment: false,
                exclude: vec![]
            }]
        );
        let r = req("rollout my-app --version ");
        assert_eq!(r.wants, vec![], "a new version cannot be completed");
    }

    #[test]
    fn after_double_dash_no_flags() {
        let r = req("reconcile -- -");
        assert_eq!(r.wants, vec![Want::StackSets]);
    }
}
