//! The only module that holds a kube `Client`: connecting with kubectl's
//! global flags, and (in submodules) reading snapshots and executing plans.

use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::error::{Exit, Failure};

pub mod controller;
pub mod error;
pub mod execute;
pub mod inspect;
pub mod leader;
pub mod mutate;
pub mod names;
pub mod reconcile;
pub mod retry;
pub mod snapshot;

/// kubectl's connection flags, as plain data (the CLI fills it from its
/// global flags, completion from the words typed so far).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    pub kubeconfig: Option<std::path::PathBuf>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    /// `-n`: None means the context's namespace.
    pub namespace: Option<String>,
    pub as_user: Option<String>,
    pub as_group: Vec<String>,
    pub request_timeout: Option<String>,
}

/// A connected client plus what the kubeconfig said about where we are.
#[derive(Clone)]
pub struct Connection {
    pub client: Client,
    /// The namespace to work in: `-n`, else the context's namespace, else "default".
    pub namespace: String,
    /// The kubeconfig context name in use, for headers ("Context: ...").
    pub context: Option<String>,
    /// What `client` was built from (None: a client made elsewhere, as in
    /// tests), for [`Connection::bounded_client`].
    pub config: Option<Config>,
}

/// The bound on each request of the long-running controller (not its
/// watches): a connection that swallows a request must not hold a worker,
/// or the leader Lease, for kube's default of nearly five minutes.
pub const CONTROLLER_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Connection {
    /// A client to the same server whose every read and write gives up after
    /// `timeout` (a shorter `--request-timeout` is kept). Watches stay on
    /// `client`: a watch is a long read that the server ends after about
    /// five minutes.
    pub fn bounded_client(&self, timeout: Duration) -> Result<Client, Failure> {
        let Some(config) = &self.config else {
            return Ok(self.client.clone());
        };
        let mut config = config.clone();
        let bound = |t: Option<Duration>| Some(t.map_or(timeout, |t| t.min(timeout)));
        config.read_timeout = bound(config.read_timeout);
        config.write_timeout = bound(config.write_timeout);
        config.connect_timeout = bound(config.connect_timeout);
        build_client(config)
    }
}

/// Parses a duration flag: a Go duration as kubectl takes it (`30s`, `1m30s`,
/// `2h`, `500ms`; `stackset_core::parse_duration`, the one parser), or a
/// bare number of seconds, as kubectl's `--request-timeout` takes one.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Ok(Duration::from_secs(n));
    }
    stackset_core::parse_duration(s)
        .map_err(|e| format!("invalid duration '{text}': {e} (examples: 30s, 1m30s, 2h)"))
}

/// Reads the kubeconfig the way kubectl does. `None` when there is none at
/// all and we run inside a Pod (then the in-cluster configuration applies).
async fn load_kubeconfig(
    global: &ConnectOptions,
) -> Result<Option<(Config, Option<String>)>, Failure> {
    let kubeconfig = match &global.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).map_err(|e| {
            Failure::error(format!(
                "cannot read kubeconfig {}: {}",
                path.display(),
                error::root_cause(&e)
            ))
            .hint("check the --kubeconfig path")
        })?,
        None => match Kubeconfig::read() {
            Ok(kc) => kc,
            // Only when there is no kubeconfig file at all: one that exists
            // but cannot be read is an error, never a silent switch to the
            // service account's identity.
            Err(_)
                if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
                    && !kubeconfig_file_exists() =>
            {
                return Ok(None);
            }
            Err(e) => {
                return Err(Failure::error(format!(
                    "cannot read the kubeconfig: {}",
                    error::root_cause(&e)
                ))
                .hint("set KUBECONFIG or pass --kubeconfig PATH"));
            }
        },
    };
    let context = global
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone());
    let options = KubeConfigOptions {
        context: global.context.clone(),
        cluster: global.cluster.clone(),
        user: global.user.clone(),
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| {
            Failure::error(format!("invalid kubeconfig: {e}"))
                .hint("check --context/--cluster/--user against `kubectl config get-contexts`")
        })?;
    Ok(Some((config, context)))
}

/// Whether a kubeconfig file is there to read: any of the paths in
/// `$KUBECONFIG` (kubectl skips the missing ones), else `~/.kube/config`.
fn kubeconfig_file_exists() -> bool {
    match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(paths) => std::env::split_paths(&paths).any(|p| p.exists()),
        None => std::env::home_dir().is_some_and(|h| h.join(".kube/config").exists()),
    }
}

/// Builds a client exactly as kubectl would from these global flags.
pub async fn connect(global: &ConnectOptions) -> Result<Connection, Failure> {
    let (mut config, context) = match load_kubeconfig(global).await? {
        Some(pair) => pair,
        // Inside a Pod with no kubeconfig: the service account's credentials,
        // so the same binary runs in-cluster as the controller.
        None => (
            Config::incluster().map_err(|e| {
                Failure::error(format!("cannot load in-cluster configuration: {e}"))
            })?,
            None,
        ),
    };
    if let Some(user) = &global.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !global.as_group.is_empty() {
        config.auth_info.impersonate_groups = Some(global.as_group.clone());
    }
    if let Some(t) = &global.request_timeout {
        let d = parse_duration(t)
            .map_err(|e| Failure::new(Exit::Usage, format!("--request-timeout: {e}")))?;
        let d = (!d.is_zero()).then_some(d);
        config.connect_timeout = d;
        config.read_timeout = d;
        config.write_timeout = d;
    }
    // kube's client retries 429/503/504 on its own, up to 15 times with a
    // backoff that doubles up to 1000 s: under a lasting outage a command
    // would sit silent for many minutes. `retry::with_retries` is the one
    // retry (5 attempts, 200 ms … 1.6 s, Retry-After honoured), as documented.
    config.default_retry = false;
    let namespace = global
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    error::set_server(&config.cluster_url.to_string());
    let client = build_client(config.clone())?;
    Ok(Connection {
        client,
        namespace,
        context,
        config: Some(config),
    })
}

fn build_client(config: Config) -> Result<Client, Failure> {
    // Every request is counted by verb for the controller's /metrics.
    Ok(kube::client::ClientBuilder::try_from(config)
        .map_err(|e| Failure::error(format!("cannot create a Kubernetes client: {e}")))?
        .with_layer(&crate::metrics::CountRequests)
        .build())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_parse_like_kubectl() {
        let cases = [
            ("bare seconds", "30", Some(Duration::from_secs(30))),
            ("seconds", "30s", Some(Duration::from_secs(30))),
            (
                "minutes and seconds",
                "1m30s",
                Some(Duration::from_secs(90)),
            ),
            ("hours", "2h", Some(Duration::from_secs(7200))),
            ("milliseconds", "500ms", Some(Duration::from_millis(500))),
            ("fraction", "1.5s", Some(Duration::from_millis(1500))),
            ("zero", "0", Some(Duration::ZERO)),
            ("unknown unit", "3d", None),
            ("no number", "s", None),
            ("empty", "", None),
            ("negative", "-1s", None),
        ];
        for (name, input, want) in cases {
            assert_eq!(parse_duration(input).ok(), want, "{name}");
        }
    }
}
