//! kubectl's `-v=N` verbosity: logs on stderr, coloured only when asked.

use std::process::Command;

use crate::common::{bin, run};
use crate::support::write_kubeconfig;

#[test]
fn kubectl_verbosity_logs_without_colour_under_color_never() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = write_kubeconfig(&format!("https://127.0.0.1:{port}"));
    for level in ["-v=6", "-vv"] {
        let r = run(Command::new(bin())
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["get", "shop", level, "--color", "always"])
            .env_remove("RUST_LOG"));
        assert_eq!(r.code, 1, "{level}: {}", r.stderr);
        assert!(r.stderr.contains("DEBUG"), "{level}: logs: {}", r.stderr);
        assert!(
            r.stderr.contains("\x1b["),
            "{level}: --color always colours"
        );
        let r = run(Command::new(bin())
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["get", "shop", level, "--color", "never"])
            .env_remove("RUST_LOG"));
        assert!(r.stderr.contains("DEBUG"), "{level}: logs: {}", r.stderr);
        assert!(
            !r.stderr.contains('\x1b'),
            "{level}: ANSI under --color never: {:?}",
            r.stderr
        );
    }
    let _ = std::fs::remove_file(kc);
}
