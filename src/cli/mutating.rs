//! The command line of the mutating commands (issue #6): `create`, `apply`,
//! `traffic set`, `rollout` and its control subcommands, `rollback`, `delete`
//! and `gc`. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{DryRun, EngineArgs};

/// `--dry-run[=client|server]`, as on every mutating command.
#[derive(Debug, Clone, Copy, Args, Default)]
pub struct DryRunArg {
    /// Show what would change and change nothing.
    ///
    /// `client` computes locally, `server` sends every write with dryRun=All
    /// (validated and admitted, never stored).
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<DryRun>,
}

/// `-o` of a mutating command.
#[derive(Debug, Clone, Copy, Args, Default)]
pub struct OutputArg {
    /// Output format: print the resulting StackSet instead.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectOutput>,
}

/// Output of a mutating command, as kubectl's `-o` on `create`/`apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectOutput {
    /// The resulting object as JSON.
    Json,
    /// The resulting object as YAML.
    Yaml,
    /// `stackset.zalando.org/NAME`.
    Name,
}

/// What a failed rollout does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OnFailure {
    /// Restore the weights from before the rollout.
    #[default]
    Abort,
    /// Keep the weights where they are and pause; resume or abort later.
    Pause,
}

/// Output of `rollout status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum StatusOutput {
    /// A summary and a per-stack table.
    #[default]
    Table,
    /// The persisted rollout record and the stacks, as JSON.
    Json,
    /// The same as YAML.
    Yaml,
}

pub const CREATE_EXAMPLES: &str = "Examples:
  # a StackSet served on my-app.example.org, reconciled client-side at once
  kubectl stackset create my-app --image ghcr.io/example/my-app:1.0 --host my-app.example.org

  # three replicas of v1 on port 8080, autoscaled between 3 and 10 pods at 70% CPU
  kubectl stackset create my-app --image ghcr.io/example/my-app:1.0 --version v1 \\
      --host my-app.example.org --port 8080 --replicas 3 --autoscale 3:10,cpu=70

  # print the object instead of creating it
  kubectl stackset create my-app --image ghcr.io/example/my-app:1.0 --dry-run=client -o yaml";

/// `kubectl stackset create NAME --image IMG ...`
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name of the StackSet (a DNS label).
    pub name: String,
    /// Container image of the first stack.
    #[arg(long, value_name = "IMAGE")]
    pub image: String,
    /// Version of the stack; the stack is named NAME-VERSION.
    #[arg(long, default_value = "v1", value_name = "VERSION")]
    pub version: String,
    /// Public hostname routed to the StackSet (repeatable).
    ///
    /// Without one, the StackSet gets `externalIngress`: weights are managed,
    /// routing is up to another ingress controller.
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// Container and backend port.
    #[arg(long, default_value_t = 80, value_name = "PORT")]
    pub port: u16,
    /// Replicas per stack (without --autoscale).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub replicas: i32,
    /// Autoscale each stack: MIN:MAX, optionally with targets, e.g. 2:10,cpu=70,memory=80.
    #[arg(long, value_name = "MIN:MAX[,..]")]
    pub autoscale: Option<String>,
    /// Leave the StackSet to the in-cluster stackset-controller.
    ///
    /// No controller annotation is written and nothing is reconciled client-side.
    #[arg(long)]
    pub controller_managed: bool,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

pub const APPLY_EXAMPLES: &str = "Examples:
  # create or update the StackSets of a file (server-side apply)
  kubectl stackset apply -f my-app.yaml

  # from stdin, validated by the API server but not stored
  cat my-app.yaml | kubectl stackset apply -f - --dry-run=server";

/// `kubectl stackset apply -f FILE|-`
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// YAML or JSON file with one or more StackSets, a directory of them
    /// (*.yaml, *.yml, *.json), or `-` for stdin (repeatable).
    #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
    pub file: Vec<PathBuf>,
    /// With a directory, also read its subdirectories.
    #[arg(short = 'R', long)]
    pub recursive: bool,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

pub const TRAFFIC_SET_EXAMPLES: &str = "Examples:
  # give v2 25%; the other stacks share the remaining 75% as before
  kubectl stackset traffic set my-app v2=25

  # name every stack, the weights must add up to 100
  kubectl stackset traffic set my-app v1=90 v2=10 --exact

  # switch everything to v2 without a prompt, do not wait
  kubectl stackset traffic set my-app v2=100 --yes --no-wait";

#[derive(Debug, Subcommand)]
pub enum TrafficCommand {
    /// Set desired weights; the stacks not named are rescaled in proportion.
    #[command(after_help = TRAFFIC_SET_EXAMPLES)]
    Set(TrafficSetArgs),
}

/// `kubectl stackset traffic set [NAME] STACK=WEIGHT...`
#[derive(Debug, Args)]
pub struct TrafficSetArgs {
    /// The StackSet (optional when the namespace has exactly one), then
    /// STACK=WEIGHT assignments; STACK is a stack name or its version (v2).
    #[arg(value_name = "[NAME] STACK=WEIGHT", required = true, num_args = 1..)]
    pub args: Vec<String>,
    /// Every stack must be named and the weights must add up to 100.
    #[arg(long)]
    pub exact: bool,
    /// Do not ask before moving a stack to 0% or 100%.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Return once the change is written; do not wait for the traffic to follow.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the actual traffic to follow.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

pub const ROLLOUT_SHORT_EXAMPLES: &str = "Examples:
  kubectl stackset rollout my-app --version v2 --image ghcr.io/example/my-app:2.0
  kubectl stackset rollout status my-app

More examples, exit codes and the engine flags: kubectl stackset rollout --help";

pub const ROLLOUT_EXAMPLES: &str = "Examples:
  # roll out v2 with a new image: 10%, 25%, 50%, 100%, one minute per step
  kubectl stackset rollout my-app --version v2 --image ghcr.io/example/my-app:2.0 --step-interval 1m

  # in CI: no prompts, 20% per step, pause (instead of abort) when something fails
  kubectl stackset rollout my-app --version v2 --image app=ghcr.io/example/my-app:2.0 \\
      --step-weight 20 --step-interval 30s --yes --on-failure pause

  # the template from a file
  kubectl stackset rollout -f my-app.yaml --steps 5,25,100

  # continue the recorded rollout after Ctrl-C or a crash
  kubectl stackset rollout my-app --yes

  # from another terminal
  kubectl stackset rollout status my-app
  kubectl stackset rollout pause my-app
  kubectl stackset rollout resume my-app
  kubectl stackset rollout promote my-app --full
  kubectl stackset rollout abort my-app --yes

The plan and the current step are stored in the StackSet annotation
kubectl-stackset.io/rollout. Exit codes: 0 rolled out, 2 usage (or a prompt
needed off a terminal), 4 the rollout failed, was aborted or paused,
130 interrupted (the rollout stays recorded; re-run to continue).";

/// `kubectl stackset rollout ...`
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RolloutArgs {
    #[command(subcommand)]
    pub action: Option<RolloutAction>,
    #[command(flatten)]
    pub start: RolloutStartArgs,
}

/// Starting (or continuing) a rollout.
#[derive(Debug, Args)]
pub struct RolloutStartArgs {
    /// The StackSet (optional when the namespace has exactly one, or with -f).
    pub name: Option<String>,
    /// Version of the stack; the stack is named NAME-VERSION.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Container image of the new stack (repeatable).
    ///
    /// CONTAINER names the template's container; it may be left out when the
    /// template has one container.
    #[arg(long = "image", value_name = "[CONTAINER=]IMAGE")]
    pub images: Vec<String>,
    /// Take the StackSet spec from a file (`-`: stdin).
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE",
        conflicts_with = "images"
    )]
    pub file: Option<PathBuf>,
    /// Weights of the new stack, step by step [default: 10,25,50,100].
    #[arg(long, value_name = "LIST", conflicts_with = "step_weight")]
    pub steps: Option<String>,
    /// Percent added to the new stack per step (instead of --steps).
    #[arg(long, value_name = "N")]
    pub step_weight: Option<u32>,
    /// How long each step is held once the traffic reached it.
    ///
    /// Formerly --interval, which is still accepted.
    #[arg(
        long = "step-interval",
        alias = "interval",
        default_value = "30s",
        value_name = "DURATION"
    )]
    pub interval: String,
    /// Do not ask before each step.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How long the new stack may take to become ready.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub ready_timeout: String,
    /// How long the traffic may take to follow a step.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub step_timeout: String,
    /// How long the whole rollout may take (0: no limit).
    ///
    /// When it runs out (exit 3) the rollout stays recorded: re-run to continue.
    #[arg(long, default_value = "0", value_name = "DURATION")]
    pub timeout: String,
    /// What a failed step does.
    ///
    /// A step fails when the stack does not become ready or the traffic does
    /// not follow in time.
    #[arg(
        long,
        value_enum,
        default_value_t = OnFailure::Abort,
        value_name = "abort|pause",
        hide_possible_values = true
    )]
    pub on_failure: OnFailure,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

#[derive(Debug, Subcommand)]
pub enum RolloutAction {
    /// Show the recorded rollout: plan, current step, per-stack traffic.
    #[command(
        after_help = "Examples:\n  kubectl stackset rollout status my-app\n  kubectl stackset rollout status my-app -o json"
    )]
    Status(RolloutStatusArgs),
    /// Hold the rollout at its current step.
    #[command(after_help = "Examples:\n  kubectl stackset rollout pause my-app")]
    Pause(RolloutControlArgs),
    /// Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`).
    #[command(
        after_help = "Examples:\n  kubectl stackset rollout resume my-app\n  kubectl stackset rollout resume my-app --yes\n  kubectl stackset rollout resume my-app --no-wait   # leave it to `reconcile --watch`"
    )]
    Resume(RolloutResumeArgs),
    /// Apply the next step now (or, with --full, the target).
    #[command(
        after_help = "Examples:\n  kubectl stackset rollout promote my-app\n  kubectl stackset rollout promote my-app --full --yes"
    )]
    Promote(RolloutPromoteArgs),
    /// Stop the rollout and restore the weights from before it.
    #[command(
        after_help = "Examples:\n  kubectl stackset rollout abort my-app\n  kubectl stackset rollout abort my-app --yes --no-wait"
    )]
    Abort(RolloutAbortArgs),
}

/// `rollout status [NAME]`
#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = StatusOutput::Table, value_name = "FORMAT")]
    pub output: StatusOutput,
    /// Keep watching: print the status again whenever it changes. Ctrl-C stops (exit 130).
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// With -w or --until: look again this often when nothing changes.
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub interval: String,
    /// Omit the table headers.
    #[arg(long)]
    pub no_headers: bool,
    /// The engine's settings (hidden here: `rollout status` only reads).
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `rollout pause|resume [NAME]`
#[derive(Debug, Args)]
pub struct RolloutControlArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

/// `rollout promote [NAME] [--full]`
#[derive(Debug, Args)]
pub struct RolloutPromoteArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Skip the remaining steps: the new stack gets 100% now.
    #[arg(long)]
    pub full: bool,
    /// Do not ask before moving a stack to 0% or 100%.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Return once the change is written; do not wait for the traffic to follow.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the actual traffic to follow.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

/// `rollout resume [NAME]`
#[derive(Debug, Args)]
pub struct RolloutResumeArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Do not ask before each step.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Return once the change is written; do not wait for the traffic to follow.
    #[arg(long)]
    pub no_wait: bool,
    /// How long the rest of the rollout may take (0: no limit; it stays recorded when this runs out).
    #[arg(long, default_value = "0", value_name = "DURATION")]
    pub timeout: String,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

/// `rollout abort [NAME]`
#[derive(Debug, Args)]
pub struct RolloutAbortArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Do not ask first.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Return once the change is written; do not wait for the traffic to follow.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the actual traffic to follow.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

pub const ROLLBACK_EXAMPLES: &str = "Examples:
  # everything back to the stack before the current one
  kubectl stackset rollback my-app

  # to a given version (scaled up first if it was scaled down)
  kubectl stackset rollback my-app --to v1 --yes";

/// `kubectl stackset rollback [NAME] [--to VERSION]`
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// The stack (name or version) to switch to [default: the one before the newest serving stack].
    #[arg(long = "to", value_name = "VERSION")]
    pub to: Option<String>,
    /// Do not ask first.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Return once the change is written; do not wait for the traffic to follow.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the stack to be ready and the traffic to follow.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

pub const DELETE_EXAMPLES: &str = "Examples:
  # asks first on a terminal; stacks and their children go by ownerReference
  kubectl stackset delete my-app

  # in scripts
  kubectl stackset delete my-app --yes --ignore-not-found";

/// `kubectl stackset delete NAME`
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The StackSet to delete.
    pub name: String,
    /// Do not ask first.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Succeed when the StackSet does not exist.
    #[arg(long)]
    pub ignore_not_found: bool,
    /// Wait until the StackSet's stacks are gone too.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits.
    #[arg(long, default_value = "2m", value_name = "DURATION")]
    pub timeout: String,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
}

pub const GC_EXAMPLES: &str = "Examples:
  # scale down idle stacks and delete excess ones now, showing what goes
  kubectl stackset gc my-app

  # only show what would go
  kubectl stackset gc my-app --dry-run

  # in scripts (off a terminal, deleting stacks needs --yes)
  kubectl stackset gc my-app --yes";

/// `kubectl stackset gc [NAME]`
#[derive(Debug, Args)]
pub struct GcArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Do not ask before deleting stacks.
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub dry_run: DryRunArg,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

#[cfg(test)]
mod tests {

    use crate::cli::{Cli, Command, RolloutAction, TrafficCommand};

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        crate::cli::parse(std::iter::once("kubectl-stackset").chain(args.iter().copied()))
    }

    mod props {
        use proptest::prelude::*;

        proptest! {
            /// Whatever follows a mutating subcommand, parsing returns a
            /// value or a clap error (exit 2), never a panic.
            #[test]
            fn argv_never_panics(
                sub in prop::sample::select(vec!["create", "apply", "traffic", "rollout", "rollback", "delete", "gc"]),
                args in prop::collection::vec("--?[a-z-]{0,12}(=[a-z0-9,:%.-]{0,8})?|[a-z0-9=:,.-]{0,10}|\\PC{0,6}", 0..6),
            ) {
                let argv = std::iter::once("kubectl-stackset".to_string())
                    .chain(std::iter::once(sub.to_string()))
                    .chain(args);
                let _ = crate::cli::parse(argv);
            }
        }
    }

    #[test]
    fn definitions_are_consistent() {
        crate::cli::command().debug_assert();
    }

    #[test]
    fn every_mutating_command_has_examples() {
        let cli = crate::cli::command();
        for name in [
            "create", "apply", "traffic", "rollout", "rollback", "delete", "gc",
        ] {
            let sub = cli.find_subcommand(name).expect(name);
            let help = sub
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(help.starts_with("Examples:"), "{name}: {help}");
            for nested in sub.get_subcommands() {
                let help = nested
                    .get_after_help()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                assert!(
                    help.starts_with("Examples:"),
                    "{name} {}: {help}",
                    nested.get_name()
                );
            }
        }
    }

    #[test]
    fn rollout_forms() {
        let cli = parse(&[
            "rollout",
            "my-app",
            "--version",
            "v2",
            "--image",
            "app=x:2",
            "--steps",
            "10,100",
            "-y",
            "-n",
            "ns",
        ])
        .unwrap();
        let Command::Rollout(r) = cli.command else {
            panic!("rollout")
        };
        assert!(r.action.is_none());
        assert_eq!(r.start.name.as_deref(), Some("my-app"));
        assert_eq!(r.start.version.as_deref(), Some("v2"));
        assert_eq!(r.start.images, vec!["app=x:2"]);
        assert!(r.start.yes);
        assert_eq!(cli.global.namespace.as_deref(), Some("ns"));

        let cli = parse(&["rollout", "promote", "my-app", "--full"]).unwrap();
        let Command::Rollout(r) = cli.command else {
            panic!("rollout")
        };
        let Some(RolloutAction::Promote(p)) = r.action else {
            panic!("promote")
        };
        assert!(p.full);
        assert_eq!(p.name.as_deref(), Some("my-app"));

        let cli = parse(&["rollout", "status"]).unwrap();
        let Command::Rollout(r) = cli.command else {
            panic!("rollout")
        };
        assert!(matches!(r.action, Some(RolloutAction::Status(_))));

        assert!(parse(&["rollout", "x", "--steps", "10", "--step-weight", "5"]).is_err());
        assert!(parse(&["rollout", "x", "-f", "f.yaml", "--image", "a"]).is_err());
    }

    #[test]
    fn traffic_set_and_dry_run_forms() {
        let cli = parse(&["traffic", "set", "my-app", "v2=25", "--dry-run"]).unwrap();
        let Command::Traffic(t) = cli.command else {
            panic!("traffic")
        };
        let Some(TrafficCommand::Set(s)) = t.command else {
            panic!("traffic set")
        };
        assert_eq!(s.args, vec!["my-app", "v2=25"]);
        assert_eq!(s.dry_run.dry_run, Some(crate::cli::DryRun::Client));
        let cli = parse(&["traffic", "set", "v2=25", "--dry-run=server"]).unwrap();
        let Command::Traffic(t) = cli.command else {
            panic!("traffic")
        };
        let Some(TrafficCommand::Set(s)) = t.command else {
            panic!("traffic set")
        };
        assert_eq!(s.dry_run.dry_run, Some(crate::cli::DryRun::Server));
        assert!(parse(&["traffic", "set"]).is_err());
        assert!(parse(&["create", "x"]).is_err(), "--image is required");
        let cli = parse(&["create", "x", "--image", "i", "--version", "v3"]).unwrap();
        let Command::Create(c) = cli.command else {
            panic!("create")
        };
        assert_eq!(c.version, "v3");
    }
}
