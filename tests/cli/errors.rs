//! Errors that need no cluster: an unreachable API server, a server without
//! the CRDs, a missing kubeconfig, and bad flags (exit code 2).

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use crate::common::{Run, bin, run};
use crate::support::write_kubeconfig;

fn assert_no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "a panic: {}",
        r.stderr
    );
}

fn with_kubeconfig(path: &Path, args: &[&str]) -> Run {
    run(Command::new(bin())
        .arg("--kubeconfig")
        .arg(path)
        .args(args)
        .env_remove("RUST_LOG"))
}

#[test]
fn an_unreachable_api_server_is_one_line_and_a_hint() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = write_kubeconfig(&format!("https://127.0.0.1:{port}"));
    for args in [vec!["get", "shop"], vec!["list"], vec!["status", "shop"]] {
        let r = with_kubeconfig(&kc, &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert_no_panic(&r);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", r.stderr);
        assert!(lines[0].starts_with("error: cannot "), "{}", r.stderr);
        // The server is named, the cause is the operating system's, and no
        // Rust type name leaks (`ServiceError: client error (Connect)`).
        assert!(
            lines[0].ends_with(&format!(
                "the API server at https://127.0.0.1:{port} is unreachable: Connection refused (os error 111)"
            )),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("Error"), "{}", r.stderr);
        assert_eq!(
            lines[1],
            "hint: check that the cluster is up and that --context/--kubeconfig point at it"
        );
        assert!(!r.stderr.contains("secret-token"), "never print tokens");
    }
    let _ = std::fs::remove_file(kc);
}

/// A plain-HTTP API server that knows nothing: 404 for every path, the way
/// the real one answers for a group whose CRDs are not installed.
fn server_without_crds() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn missing_crds_are_reported_with_the_install_hint() {
    let kc = write_kubeconfig(&server_without_crds());
    for args in [
        vec!["get", "shop"],
        vec!["get"],
        vec!["list"],
        vec!["list", "-A"],
        vec!["traffic", "shop"],
    ] {
        let r = with_kubeconfig(&kc, &args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_no_panic(&r);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", r.stderr);
        assert!(
            lines[0].ends_with("the server does not know stacksets (CRD missing)"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(
            lines[1],
            "hint: install the CRDs: kubectl stackset crd | kubectl apply --server-side -f -"
        );
    }
    let _ = std::fs::remove_file(kc);
}

#[test]
fn a_missing_kubeconfig_is_named_as_given() {
    let r =
        run(Command::new(bin()).args(["--kubeconfig", "/nonexistent/kubeconfig", "get", "shop"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: cannot read kubeconfig /nonexistent/kubeconfig: No such file or directory (os error 2)\n\
         hint: check the --kubeconfig path\n"
    );
}

#[test]
fn bad_flags_are_usage_errors_with_exit_2() {
    let kc = write_kubeconfig("https://127.0.0.1:1");
    for (args, needle) in [
        (vec!["get", "-o", "xml"], "invalid value 'xml'"),
        (
            vec!["status", "x", "--until", "ready"],
            "invalid value 'ready'",
        ),
        (
            vec!["status", "x", "--until", "healthy", "--timeout", "soon"],
            "error: --timeout: invalid duration 'soon'",
        ),
        (
            vec!["get", "x", "-w", "--interval", "often"],
            "error: --interval: invalid duration 'often'",
        ),
        (
            vec!["get", "x", "-A"],
            "error: get shows one StackSet; -A/--all-namespaces works with `list`",
        ),
        (
            vec!["get", "x", "--request-timeout", "soon"],
            "error: --request-timeout: invalid duration 'soon'",
        ),
    ] {
        let r = with_kubeconfig(&kc, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert_no_panic(&r);
    }
    let _ = std::fs::remove_file(kc);
}
