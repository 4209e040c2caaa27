//! The command line: global flags that behave as kubectl's, and one struct per
//! subcommand. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod contract;
mod mutating;
pub use mutating::*;

/// The ids of kubectl's connection flags (hidden where no cluster is contacted).
const CONNECTION_IDS: &[&str] = &[
    "namespace",
    "all_namespaces",
    "kubeconfig",
    "context",
    "cluster",
    "user",
    "as_user",
    "as_group",
    "request_timeout",
];

/// The ids of the engine flags ([`EngineArgs`]).
const ENGINE_IDS: &[&str] = &[
    "controller_id",
    "cluster_domains",
    "traffic_mechanism",
    "routegroups",
    "configmap_support",
    "secret_support",
    "pcs_support",
    "sync_ingress_annotations",
];

/// The commands that contact no cluster.
pub const LOCAL_COMMANDS: &[&str] = &["version", "crd", "man", "completion"];

/// The clap command, as parsed, documented and completed: the derive's, with
/// the connection flags hidden (still accepted) on the commands that contact
/// no cluster. clap propagates a global flag only to a subcommand that does
/// not define it, so each local command gets a hidden copy.
pub fn command() -> clap::Command {
    // `--version` means a stack's version on `create` and `rollout`; the
    // plugin's version is `kubectl stackset version` (the top-level
    // `-V/--version` still works, hidden and not propagated).
    let mut cmd = <Cli as clap::CommandFactory>::command().arg(
        clap::Arg::new("plugin_version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .hide(true),
    );
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| CONNECTION_IDS.contains(&a.get_id().as_str()))
        .map(|a| a.clone().hide(true))
        .collect();
    for name in LOCAL_COMMANDS {
        let args = hidden.clone();
        cmd = cmd.mut_subcommand(name, |sub| sub.args(args));
    }
    // `rollout status` only reads: the engine flags stay accepted, hidden.
    let cmd = cmd.mut_subcommand("rollout", |rollout| {
        rollout.mut_subcommand("status", |status| {
            let ids: Vec<String> = status
                .get_arguments()
                .filter(|a| ENGINE_IDS.contains(&a.get_id().as_str()))
                .map(|a| a.get_id().to_string())
                .collect();
            ids.iter()
                .fold(status, |c, id| c.mut_arg(id, |a| a.hide(true)))
        })
    });
    fixed_usage(cmd)
}

/// clap prints, after an error, a usage line built from the arguments that
/// were given, as if they were required (`rollout <NAME>` after `rollout a
/// --bogus`). Every command gets its general usage line instead, the one
/// `-h` shows.
fn fixed_usage(cmd: clap::Command) -> clap::Command {
    let mut built = cmd.clone();
    built.build();
    apply_usage(cmd, &built)
}

fn apply_usage(mut cmd: clap::Command, built: &clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    for name in names {
        if let Some(b) = built.find_subcommand(&name) {
            let usage = b.clone().render_usage().to_string();
            let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_string();
            cmd = cmd.mut_subcommand(&name, |sub| apply_usage(sub, b).override_usage(usage));
        }
    }
    cmd
}

/// Parses the command line through [`command`].
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches;
    let args = normalize_args(args.into_iter().map(Into::into).collect());
    let mut matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command()))
}

/// Rewrites kubectl's spellings that clap cannot express: `-v=N` and
/// `--v=N` (klog levels) become `-v` (N from 1 to 5) or `-vv` (6 and up,
/// which show the HTTP requests); `-v=0` is dropped. Nothing after `--`.
pub fn normalize_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut rest = false;
    for a in args {
        if !rest {
            if a == "--" {
                rest = true;
            } else if let Some(level) = a.to_str().and_then(klog_level) {
                match level {
                    0 => {}
                    1..=5 => out.push("-v".into()),
                    _ => out.push("-vv".into()),
                }
                continue;
            }
        }
        out.push(a);
    }
    out
}

fn klog_level(arg: &str) -> Option<u32> {
    let n = arg
        .strip_prefix("-v=")
        .or_else(|| arg.strip_prefix("--v="))
        .or_else(|| arg.strip_prefix("--verbose="))?;
    n.parse().ok()
}

/// Ship new versions of a service with StackSets: gradual traffic switching,
/// rollback by traffic, and the stackset-controller's reconciliation run
/// client-side.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-stackset",
    bin_name = "kubectl stackset",
    version,
    disable_version_flag = true,
    max_term_width = 100,
    after_help = "Exit codes: 0 ok, 1 error, 2 usage, 3 timeout, 4 degraded or not converged, \
                  5 forbidden, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten, next_help_heading = "Global options")]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// kubectl's global flags, with kubectl's meaning.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Namespace (default: the kubeconfig context's namespace).
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Work across all namespaces (read commands and `reconcile`).
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config].
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// The kubeconfig cluster to use.
    #[arg(long, global = true, value_name = "NAME", hide_short_help = true)]
    pub cluster: Option<String>,
    /// The kubeconfig user to use.
    #[arg(long, global = true, value_name = "NAME", hide_short_help = true)]
    pub user: Option<String>,
    /// Username to impersonate for the operation.
    #[arg(
        long = "as",
        global = true,
        value_name = "USER",
        hide_short_help = true
    )]
    pub as_user: Option<String>,
    /// Group to impersonate (repeatable).
    #[arg(
        long = "as-group",
        global = true,
        value_name = "GROUP",
        hide_short_help = true
    )]
    pub as_group: Vec<String>,
    /// Timeout of a single request, e.g. 30s or 1m; 0 means no timeout.
    #[arg(long, global = true, value_name = "DURATION", hide_short_help = true)]
    pub request_timeout: Option<String>,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// More logging on stderr: -v, -vv (HTTP requests), or kubectl's -v=N.
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl GlobalArgs {
    /// The connection flags, for `cluster::connect`.
    pub fn connection(&self) -> crate::cluster::ConnectOptions {
        crate::cluster::ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
            namespace: self.namespace.clone(),
            as_user: self.as_user.clone(),
            as_group: self.as_group.clone(),
            request_timeout: self.request_timeout.clone(),
        }
    }
}

/// `--color`: defined where colour is decided (render), parsed here.
pub use crate::render::style::ColorChoice;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show one StackSet: who manages it, its status, and a row per stack.
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
    /// List StackSets with their traffic and status.
    #[command(visible_alias = "ls", after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Report whether a StackSet is healthy, or wait until it is; exit codes for CI.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Show desired versus actual traffic per stack; `traffic set` changes it.
    #[command(after_help = TRAFFIC_EXAMPLES, args_conflicts_with_subcommands = true)]
    Traffic(TrafficArgs),
    /// Roll out a new version step by step; status, pause, resume, promote, abort.
    #[command(
        after_help = ROLLOUT_SHORT_EXAMPLES,
        after_long_help = ROLLOUT_EXAMPLES,
        disable_version_flag = true
    )]
    Rollout(Box<RolloutArgs>),
    /// Switch all traffic back to an older stack at once.
    #[command(after_help = ROLLBACK_EXAMPLES)]
    Rollback(RollbackArgs),
    /// Show the versions of a StackSet: images, creation time, when each last had traffic.
    #[command(after_help = HISTORY_EXAMPLES)]
    History(HistoryArgs),
    /// Create a StackSet from flags; its first stack exists when the command returns.
    #[command(after_help = CREATE_EXAMPLES, disable_version_flag = true)]
    Create(CreateArgs),
    /// Create or update StackSets from a YAML/JSON file (server-side apply).
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// Delete a StackSet; its stacks and their children follow by ownerReference.
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(DeleteArgs),
    /// Apply the stack lifecycle rules now: scale down idle stacks, delete excess ones.
    #[command(after_help = GC_EXAMPLES)]
    Gc(GcArgs),
    /// Run the stackset-controller's reconciliation client-side, once or continuously.
    #[command(after_help = RECONCILE_EXAMPLES)]
    Reconcile(ReconcileArgs),
    /// Print shell completion scripts, or set up `kubectl stackset <TAB>`.
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completion(CompletionArgs),
    /// Print a man page, or write them all.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
    /// Print the StackSet and Stack CustomResourceDefinitions.
    #[command(after_help = "Examples:\n  kubectl stackset crd | kubectl apply --server-side -f -")]
    Crd(CrdArgs),
    /// Print the plugin version.
    #[command(after_help = "Examples:\n  kubectl stackset version")]
    Version,
}

/// `-o` formats: defined where output is rendered, parsed here.
pub use crate::render::OutputFormat;

/// Parses `-o` of the read commands, with kubectl's spellings.
#[derive(Debug, Clone, Copy)]
pub struct OutputFormatParser;

impl clap::builder::TypedValueParser for OutputFormatParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OutputFormat, clap::Error> {
        let text = value.to_string_lossy();
        let invalid = |why: String| {
            let flag = arg.map_or_else(|| "--output".into(), |a| format!("--{}", a.get_id()));
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value '{text}' for '{flag}': {why}\n"),
            )
            .with_cmd(cmd)
        };
        let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
        match text.as_ref() {
            "table" => Ok(OutputFormat::Table),
            "wide" => Ok(OutputFormat::Wide),
            "json" => Ok(OutputFormat::Json),
            "yaml" => Ok(OutputFormat::Yaml),
            "name" => Ok(OutputFormat::Name),
            t => {
                if let Some(tpl) = t.strip_prefix("jsonpath=") {
                    crate::render::jsonpath::check(tpl).map_err(invalid)?;
                    Ok(OutputFormat::JsonPath(leak(tpl)))
                } else if let Some(spec) = t.strip_prefix("custom-columns=") {
                    crate::render::jsonpath::check_columns(spec).map_err(invalid)?;
                    Ok(OutputFormat::CustomColumns(leak(spec)))
                } else {
                    Err(invalid(
                        "possible values: table, wide, json, yaml, name, jsonpath=TEMPLATE, \
                         custom-columns=HEADER:PATH,..."
                            .into(),
                    ))
                }
            }
        }
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            [
                "table",
                "wide",
                "json",
                "yaml",
                "name",
                "jsonpath=",
                "custom-columns=",
            ]
            .into_iter()
            .map(clap::builder::PossibleValue::new),
        ))
    }
}

impl OutputFormat {
    /// Whether the output is a human-readable table (table or wide).
    pub fn is_table(self) -> bool {
        matches!(self, Self::Table | Self::Wide)
    }
}

/// Options shared by the read commands that can watch.
#[derive(Debug, Args, Clone)]
pub struct ViewArgs {
    /// Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=.
    #[arg(
        short = 'o',
        long,
        value_parser = OutputFormatParser,
        default_value = "table",
        value_name = "FORMAT",
        hide_possible_values = true
    )]
    pub output: OutputFormat,
    /// Keep watching: redraw in place on a terminal, else print a timestamped
    /// line per change. Ctrl-C stops (exit 130).
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// With -w or --until: look again this often when nothing changes.
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub interval: String,
    /// Omit the table headers.
    #[arg(long)]
    pub no_headers: bool,
    /// The controller id that means "managed client-side" (as `reconcile --controller-id`).
    #[arg(
        long,
        env = "STACKSET_CONTROLLER_ID",
        default_value = crate::cluster::reconcile::DEFAULT_CONTROLLER_ID,
        value_name = "ID",
        hide = true
    )]
    pub controller_id: String,
}

impl Default for ViewArgs {
    fn default() -> Self {
        Self {
            output: OutputFormat::Table,
            watch: false,
            interval: "2s".into(),
            no_headers: false,
            controller_id: crate::cluster::reconcile::DEFAULT_CONTROLLER_ID.into(),
        }
    }
}

const GET_EXAMPLES: &str = "Examples:
  # the StackSet of the namespace (NAME may be omitted when there is only one)
  kubectl stackset get

  # one StackSet, with the image column and full stack names
  kubectl stackset get my-app -o wide

  # only the stack of version v2 (or: my-app-v2)
  kubectl stackset get my-app v2

  # follow a rollout live (Ctrl-C to stop)
  kubectl stackset get my-app -w

  # the documented view for scripts
  kubectl stackset get my-app -o json | jq '.stacks[] | {version, actualWeight}'";

const LIST_EXAMPLES: &str = "Examples:
  kubectl stackset list
  kubectl stackset list -A
  kubectl stackset list -l team=checkout -o wide
  kubectl stackset list -o name";

const TRAFFIC_EXAMPLES: &str = "Examples:
  # desired and actual weight per stack, and why they differ
  kubectl stackset traffic my-app

  # watch a traffic switch happen
  kubectl stackset traffic my-app -w

  # give v2 25%; the other stacks share the remaining 75% as before
  kubectl stackset traffic set my-app v2=25";

const HISTORY_EXAMPLES: &str = "Examples:
  kubectl stackset history my-app
  kubectl stackset history my-app -o yaml";

const STATUS_EXAMPLES: &str = "Examples:
  # print the status once; exit 0 when healthy, 4 otherwise
  kubectl stackset status my-app

  # in CI: wait up to 10 minutes for the new version to be ready and serving
  kubectl stackset status my-app --until healthy --timeout 10m

  # wait only until actual traffic equals desired traffic
  kubectl stackset status my-app --until traffic-switched

Exit codes: 0 ok, 1 error, 2 usage, 3 timeout, 4 degraded or not converged,
5 forbidden, 130 interrupted.";

#[derive(Debug, Args, Default)]
pub struct GetArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Show only this stack: its version (v2) or full name (my-app-v2).
    pub stack: Option<String>,
    #[command(flatten)]
    pub view: ViewArgs,
}

#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// Only StackSets matching this label selector, e.g. team=checkout,tier!=batch.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    #[command(flatten)]
    pub view: ViewArgs,
}

#[derive(Debug, Args, Default)]
pub struct TrafficArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    #[command(flatten)]
    pub view: ViewArgs,
    #[command(subcommand)]
    pub command: Option<TrafficCommand>,
}

#[derive(Debug, Args, Default)]
pub struct HistoryArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    #[command(flatten)]
    pub view: ViewArgs,
}

/// What `status --until` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Until {
    /// The current version's stack is ready, actual traffic equals desired
    /// traffic, and every stack with traffic is ready.
    Healthy,
    /// Actual traffic equals desired traffic.
    TrafficSwitched,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Wait until this holds (exit 0), the StackSet has errors (exit 4) or --timeout passes (exit 3).
    #[arg(long, value_enum, value_name = "CONDITION")]
    pub until: Option<Until>,
    /// How long --until waits; 0 waits forever.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
    /// With -w or --until: look again this often when nothing changes.
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub interval: String,
    /// Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=.
    #[arg(
        short = 'o',
        long,
        value_parser = OutputFormatParser,
        default_value = "table",
        value_name = "FORMAT",
        hide_possible_values = true
    )]
    pub output: OutputFormat,
    /// Keep watching: redraw in place on a terminal, else print a timestamped
    /// line per change. Ctrl-C stops (exit 130).
    #[arg(short = 'w', long, conflicts_with = "until")]
    pub watch: bool,
    /// Omit the table headers.
    #[arg(long)]
    pub no_headers: bool,
    /// The controller id that means "managed client-side".
    #[arg(
        long,
        env = "STACKSET_CONTROLLER_ID",
        default_value = crate::cluster::reconcile::DEFAULT_CONTROLLER_ID,
        value_name = "ID",
        hide = true
    )]
    pub controller_id: String,
}

const COMPLETION_EXAMPLES: &str = "Examples:
  # bash, for this shell only
  source <(kubectl-stackset completion bash)

  # zsh: put the script on $fpath
  kubectl-stackset completion zsh > \"${fpath[1]}/_kubectl-stackset\"

  # `kubectl stackset <TAB>` (kubectl 1.26+): create kubectl_complete-stackset
  # next to the plugin, e.g. for a krew install
  kubectl stackset completion --kubectl-helper=$HOME/.krew/bin

  # every script into a directory (what `make generate` does)
  kubectl-stackset completion --output-dir completions";

const MAN_EXAMPLES: &str = "Examples:
  # read the page of a subcommand
  kubectl stackset man reconcile | man -l -

  # install every page where man finds it
  kubectl stackset man --output-dir ~/.local/share/man/man1";

/// The shells `completion` writes scripts for: defined with the scripts,
/// parsed here.
pub use crate::completion::scripts::CompletionShell;

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to print the script for.
    #[arg(value_enum, required_unless_present_any = ["output_dir", "kubectl_helper"])]
    pub shell: Option<CompletionShell>,
    /// Write the script of every shell into DIR instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["shell", "kubectl_helper"])]
    pub output_dir: Option<PathBuf>,
    /// Create kubectl_complete-stackset, which kubectl 1.26+ runs to complete
    /// `kubectl stackset`, in DIR (default: the directory of this plugin).
    #[arg(
        long,
        value_name = "DIR",
        num_args = 0..=1,
        require_equals = true,
        conflicts_with = "shell"
    )]
    pub kubectl_helper: Option<Option<PathBuf>>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `reconcile` (default: the main page).
    #[arg(value_name = "COMMAND")]
    pub page: Vec<String>,
    /// Write every page into DIR instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "page")]
    pub output_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CrdArgs {
    /// Also print Skipper's RouteGroup CRD (for clusters without Skipper's own).
    #[arg(long)]
    pub with_routegroup: bool,
}

const RECONCILE_EXAMPLES: &str = "Examples:
  # one pass over the StackSet my-app (client-side managed)
  kubectl stackset reconcile my-app

  # show what would change, in order and with reasons
  kubectl stackset reconcile my-app --dry-run

  # kubectl-style diff; exit 0 = no change, 1 = changes, >1 = error
  kubectl stackset reconcile my-app --diff

  # take over a StackSet from the in-cluster controller
  kubectl stackset reconcile my-app --claim

  # act as the controller for every claimed StackSet in the cluster
  kubectl stackset reconcile -A --watch --interval 10s";

impl From<Option<DryRun>> for crate::cluster::mutate::WriteMode {
    /// `--dry-run`: absent stores, `client` sends nothing, `server` sends
    /// with dryRun=All.
    fn from(flag: Option<DryRun>) -> Self {
        match flag {
            None => Self::Live,
            Some(DryRun::Server) => Self::ServerDryRun,
            Some(DryRun::Client) => Self::ClientDryRun,
        }
    }
}

/// `--dry-run` values, as kubectl's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Compute and print, send nothing.
    Client,
    /// Send everything with dryRun=All: validated and admitted, never stored.
    Server,
}

/// The heading of `reconcile`'s controller-mode flags (shown by `--help`).
const CONTROLLER_MODE: &str = "Controller mode (--watch)";

#[derive(Debug, Args, Default)]
pub struct ReconcileArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Every StackSet in the namespace that kubectl-stackset manages.
    #[arg(long)]
    pub all: bool,
    /// Show what would change and change nothing.
    ///
    /// `client` computes locally, `server` sends every write with dryRun=All
    /// (validated and admitted, never stored).
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<DryRun>,
    /// Print kubectl-style diffs; exit 0 no change, 1 changes, >1 an error.
    #[arg(long)]
    pub diff: bool,
    /// Keep reconciling (controller mode): on every change, when a TTL or rollout step falls due, and every --interval while there is work left.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// With -w: look again this often at a StackSet with work left; one with none waits for a change.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub interval: String,
    /// Take over StackSets that the in-cluster controller (or another id) manages.
    #[arg(long)]
    pub claim: bool,
    /// Do not publish Kubernetes events.
    #[arg(long)]
    pub no_events: bool,
    /// With --watch: StackSets reconciled at the same time (upstream's --reconcile-workers).
    #[arg(long, default_value_t = 4, value_name = "N", help_heading = CONTROLLER_MODE, hide_short_help = true)]
    pub workers: u16,
    /// With --watch: serve /healthz, /readyz and Prometheus /metrics on this address (e.g. :8080).
    #[arg(
        long,
        value_name = "HOST:PORT",
        env = "STACKSET_METRICS_ADDRESS",
        help_heading = CONTROLLER_MODE,
        hide_short_help = true
    )]
    pub metrics_address: Option<String>,
    /// With --watch: run only while holding a coordination.k8s.io Lease, so several replicas
    /// can run and exactly one reconciles.
    #[arg(long, help_heading = CONTROLLER_MODE, hide_short_help = true)]
    pub leader_elect: bool,
    /// Namespace of the leader Lease (default: the Pod's namespace, else the current one).
    #[arg(
        long,
        value_name = "NAMESPACE",
        env = "POD_NAMESPACE",
        help_heading = CONTROLLER_MODE,
        hide_short_help = true
    )]
    pub leader_election_namespace: Option<String>,
    /// Name of the leader Lease.
    #[arg(
        long,
        default_value = "kubectl-stackset",
        value_name = "NAME",
        help_heading = CONTROLLER_MODE,
        hide_short_help = true
    )]
    pub leader_election_id: String,
    /// How long a standby waits after the leader's last renewal before taking over.
    #[arg(
        long,
        default_value = "15s",
        value_name = "DURATION",
        help_heading = CONTROLLER_MODE,
        hide_short_help = true
    )]
    pub lease_duration: String,
    #[command(flatten, next_help_heading = "Client-side reconcile")]
    pub engine: EngineArgs,
}

/// The reconciliation engine's settings: the controller's flags.
#[derive(Debug, Args, Clone)]
pub struct EngineArgs {
    /// Our controller id, written to stackset-controller.zalando.org/controller.
    #[arg(
        long,
        hide_short_help = true,
        env = "STACKSET_CONTROLLER_ID",
        default_value = "kubectl-stackset",
        value_name = "ID"
    )]
    pub controller_id: String,
    /// Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host).
    #[arg(
        long = "cluster-domain",
        hide_short_help = true,
        env = "STACKSET_CLUSTER_DOMAIN",
        value_delimiter = ',',
        value_name = "DOMAIN"
    )]
    pub cluster_domains: Vec<String>,
    /// Force a traffic mechanism (default: the StackSet's kubectl-stackset.io/traffic-mechanism annotation, else segments).
    #[arg(long, hide_short_help = true, value_name = "segments|backend-weights")]
    pub traffic_mechanism: Option<String>,
    /// Manage Skipper RouteGroups (the controller's --enable-routegroup-support).
    #[arg(long, hide_short_help = true)]
    pub routegroups: bool,
    /// Adopt configMapRef ConfigMaps (--enable-configmap-support).
    #[arg(long, hide_short_help = true)]
    pub configmap_support: bool,
    /// Adopt secretRef Secrets (--enable-secret-support).
    #[arg(long, hide_short_help = true)]
    pub secret_support: bool,
    /// Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support).
    #[arg(long, hide_short_help = true, visible_alias = "enable-pcs-support")]
    pub pcs_support: bool,
    /// Annotation synchronised onto every segment (repeatable).
    #[arg(
        long = "sync-ingress-annotation",
        hide_short_help = true,
        value_name = "KEY"
    )]
    pub sync_ingress_annotations: Vec<String>,
}

impl Default for EngineArgs {
    fn default() -> Self {
        Self {
            controller_id: "kubectl-stackset".into(),
            cluster_domains: Vec::new(),
            traffic_mechanism: None,
            routegroups: false,
            configmap_support: false,
            secret_support: false,
            pcs_support: false,
            sync_ingress_annotations: Vec::new(),
        }
    }
}

impl EngineArgs {
    /// The core's options.
    pub fn options(&self) -> Result<stackset_core::Options, crate::error::Failure> {
        let traffic_mechanism = match &self.traffic_mechanism {
            Some(m) => Some(m.parse().map_err(|e: String| {
                crate::error::Failure::usage(format!("--traffic-mechanism: {e}"))
            })?),
            None => None,
        };
        Ok(stackset_core::Options {
            cluster_domains: self
                .cluster_domains
                .iter()
                .filter(|d| !d.is_empty())
                .cloned()
                .collect(),
            traffic_mechanism,
            routegroup_support: self.routegroups,
            configmap_support: self.configmap_support,
            secret_support: self.secret_support,
            pcs_support: self.pcs_support,
            sync_ingress_annotations: self.sync_ingress_annotations.clone(),
            ..stackset_core::Options::default()
        })
    }
}
