//! Logging to stderr with `tracing`: RUST_LOG wins; otherwise warnings only,
//! `-v` adds our debug lines, `-vv` traces and kube's debug lines. Never logs
//! tokens or kubeconfig contents (kube redacts credentials in its own logs).

/// `ansi`: colour the lines (the `--color`/NO_COLOR/terminal decision for
/// stderr); off, the lines carry no escape codes at all.
pub fn init(verbose: u8, ansi: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        // kube's client logs an ERROR for every failed attempt (target
        // kube_client::client::builder); the command reports the failure
        // itself, in one line with a hint, so those lines are noise by default.
        0 => "warn,kube_client::client::builder=off",
        1 => "warn,kubectl_stackset=debug",
        _ => "info,kubectl_stackset=trace,kube=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(verbose > 1)
        .try_init();
}
