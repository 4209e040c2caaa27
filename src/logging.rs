//! Logging to stderr with `tracing`: RUST_LOG wins; otherwise warnings only,
//! `-v` adds our debug lines, `-vv` traces and kube's debug lines. Never logs
//! tokens or kubeconfig contents (kube redacts credentials in its own logs).
//!
//! RUST_LOG takes `target=level` directives separated by commas, and a bare
//! level for everything else (`warn,kubectl_stackset=debug`): what
//! `tracing_subscriber`'s `Targets` filter parses. Its `EnvFilter` (span and
//! field filters) is left out on purpose: it brings a regular-expression
//! engine into the binary for a syntax nobody needs here.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// The filter for `-v` counted `verbose` times, with no RUST_LOG.
fn default_directives(verbose: u8) -> &'static str {
    match verbose {
        // kube's client logs an ERROR for every failed attempt (target
        // kube_client::client::builder); the command reports the failure
        // itself, in one line with a hint, so those lines are noise by default.
        0 => "warn,kube_client::client::builder=off",
        1 => "warn,kubectl_stackset=debug",
        _ => "info,kubectl_stackset=trace,kube=debug",
    }
}

/// The filter: RUST_LOG when it is set and not empty, else the `-v` level.
/// A RUST_LOG that does not parse is reported, then the `-v` level is used.
fn filter(verbose: u8, rust_log: Option<&str>) -> (Targets, Option<String>) {
    let fallback = || {
        default_directives(verbose)
            .parse()
            .expect("the built-in filters parse")
    };
    match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        None => (fallback(), None),
        Some(text) => match text.parse::<Targets>() {
            Ok(t) => (t, None),
            Err(e) => (
                fallback(),
                Some(format!(
                    "warning: RUST_LOG={text:?} ignored: {e} (expected e.g. \
                     warn,kubectl_stackset=debug)"
                )),
            ),
        },
    }
}

/// `ansi`: colour the lines (the `--color`/NO_COLOR/terminal decision for
/// stderr); off, the lines carry no escape codes at all.
pub fn init(verbose: u8, ansi: bool) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let (targets, warning) = filter(verbose, rust_log.as_deref());
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(verbose > 1);
    // Fails only when a subscriber is already set (tests that call this
    // twice); the first one stays.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(targets))
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn enabled(t: &Targets, target: &str, level: Level) -> bool {
        t.would_enable(target, &level)
    }

    #[test]
    fn verbosity_picks_the_targets() {
        let (quiet, _) = filter(0, None);
        assert!(enabled(&quiet, "kubectl_stackset", Level::WARN));
        assert!(!enabled(&quiet, "kubectl_stackset", Level::INFO));
        assert!(!enabled(
            &quiet,
            "kube_client::client::builder",
            Level::ERROR
        ));
        assert!(enabled(&quiet, "kube_client::client", Level::ERROR));

        let (v, _) = filter(1, None);
        assert!(enabled(&v, "kubectl_stackset::commands", Level::DEBUG));
        assert!(!enabled(&v, "kubectl_stackset", Level::TRACE));
        assert!(!enabled(&v, "kube_client", Level::INFO));

        let (vv, _) = filter(2, None);
        assert!(enabled(&vv, "kubectl_stackset", Level::TRACE));
        assert!(enabled(&vv, "kube_client::client", Level::DEBUG));
        assert!(!enabled(&vv, "kube_client::client", Level::TRACE));
        assert!(enabled(&vv, "hyper", Level::INFO));
        assert!(!enabled(&vv, "hyper", Level::DEBUG));
    }

    #[test]
    fn rust_log_wins_over_verbosity() {
        let (t, warning) = filter(0, Some("kubectl_stackset::commands::observe=debug"));
        assert_eq!(warning, None);
        assert!(enabled(
            &t,
            "kubectl_stackset::commands::observe",
            Level::DEBUG
        ));
        assert!(!enabled(
            &t,
            "kubectl_stackset::commands::get",
            Level::DEBUG
        ));
        // An empty RUST_LOG is as good as none.
        let (t, warning) = filter(1, Some(" "));
        assert_eq!(warning, None);
        assert!(enabled(&t, "kubectl_stackset", Level::DEBUG));
    }

    #[test]
    fn a_bad_rust_log_is_reported_not_silently_dropped() {
        let (t, warning) = filter(1, Some("kube=loud"));
        let warning = warning.expect("a warning");
        assert!(
            warning.starts_with("warning: RUST_LOG=\"kube=loud\" ignored"),
            "{warning}"
        );
        assert!(
            enabled(&t, "kubectl_stackset", Level::DEBUG),
            "the -v level is used"
        );
    }
}
