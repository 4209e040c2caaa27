//! Logging to stderr with `tracing`: RUST_LOG wins; otherwise warnings only,
//! `-v` adds our debug lines, `-vv` traces and kube's debug lines. Never logs
//! tokens or kubeconfig contents (kube redacts credentials in its own logs).

pub fn init(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "warn,kubectl_stackset=debug",
        _ => "info,kubectl_stackset=trace,kube=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(verbose > 1)
        .try_init();
}
