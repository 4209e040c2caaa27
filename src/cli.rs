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
    /// Print the plugin version.
    #[command(after_help = "Examples:\n  kubectl stackset version")]
    Version,
}

#[derive(Debug, Args)]
pub struct CrdArgs {
    /// Also print Skipper's RouteGroup CRD (for clusters without Skipper's own).
    #[arg(long)]
    pub with_routegroup: bool,
}
