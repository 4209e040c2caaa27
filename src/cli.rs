//! The command line: global flags that behave as kubectl's, and one struct per
//! subcommand. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Ship new versions of a service with StackSets: gradual traffic switching,
/// rollback by traffic, and the stackset-controller's reconciliation run
/// client-side.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-stackset",
    bin_name = "kubectl stackset",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = "Exit codes: 0 ok, 1 error, 2 usage, 3 timeout, 4 degraded or not converged, \
                  5 forbidden, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
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
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// The kubeconfig cluster to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,
    /// The kubeconfig user to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Username to impersonate for the operation.
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    /// Group to impersonate (repeatable).
    #[arg(long = "as-group", global = true, value_name = "GROUP")]
    pub as_group: Vec<String>,
    /// Timeout of a single request, e.g. 30s or 1m; 0 means no timeout.
    #[arg(long, global = true, value_name = "DURATION")]
    pub request_timeout: Option<String>,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// More logging on stderr (-v debug, -vv trace).
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the StackSet and Stack CustomResourceDefinitions.
    #[command(after_help = "Examples:\n  kubectl stackset crd | kubectl apply --server-side -f -")]
    Crd(CrdArgs),
    /// Run the stackset-controller's reconciliation client-side, once or continuously.
    #[command(after_help = RECONCILE_EXAMPLES)]
    Reconcile(ReconcileArgs),
    /// Print the plugin version.
    #[command(after_help = "Examples:\n  kubectl stackset version")]
    Version,
    /// Print shell completion scripts, or set up `kubectl stackset <TAB>`.
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completion(CompletionArgs),
    /// Print a man page, or write them all.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
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

/// The shells `completion` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

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

/// `--dry-run` values, as kubectl's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Compute and print, send nothing.
    Client,
    /// Send everything with dryRun=All: validated and admitted, never stored.
    Server,
}

#[derive(Debug, Args, Default)]
pub struct ReconcileArgs {
    /// The StackSet (optional when the namespace has exactly one).
    pub name: Option<String>,
    /// Every StackSet in the namespace that kubectl-stackset manages.
    #[arg(long)]
    pub all: bool,
    /// Print the ordered plan with reasons and change nothing.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<DryRun>,
    /// Print kubectl-style diffs; exit 0 when nothing would change, 1 when something would.
    #[arg(long)]
    pub diff: bool,
    /// Keep reconciling, on every change and at least every --interval.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// Resync period with --watch.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub interval: String,
    /// Take over StackSets that the in-cluster controller (or another id) manages.
    #[arg(long)]
    pub claim: bool,
    /// Do not publish Kubernetes events.
    #[arg(long)]
    pub no_events: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// The reconciliation engine's settings: the controller's flags.
#[derive(Debug, Args, Clone)]
pub struct EngineArgs {
    /// Our controller id, written to stackset-controller.zalando.org/controller.
    #[arg(
        long,
        env = "STACKSET_CONTROLLER_ID",
        default_value = "kubectl-stackset",
        value_name = "ID"
    )]
    pub controller_id: String,
    /// Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host).
    #[arg(
        long = "cluster-domain",
        env = "STACKSET_CLUSTER_DOMAIN",
        value_delimiter = ',',
        value_name = "DOMAIN"
    )]
    pub cluster_domains: Vec<String>,
    /// Force a traffic mechanism (default: the StackSet's kubectl-stackset.io/traffic-mechanism annotation, else segments).
    #[arg(long, value_name = "segments|backend-weights")]
    pub traffic_mechanism: Option<String>,
    /// Manage Skipper RouteGroups (the controller's --enable-routegroup-support).
    #[arg(long)]
    pub routegroups: bool,
    /// Adopt configMapRef ConfigMaps (--enable-configmap-support).
    #[arg(long)]
    pub configmap_support: bool,
    /// Adopt secretRef Secrets (--enable-secret-support).
    #[arg(long)]
    pub secret_support: bool,
    /// Annotation synchronised onto every segment (repeatable).
    #[arg(long = "sync-ingress-annotation", value_name = "KEY")]
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
            sync_ingress_annotations: self.sync_ingress_annotations.clone(),
            ..stackset_core::Options::default()
        })
    }
}
