//! No credential from the kubeconfig ever reaches the output (issue #15):
//! the bearer token and the client key, at every verbosity from -v to -vvvv,
//! on success, on errors, and under injected faults (retries log their
//! errors).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::faults::{OURS, app, create, run_until, via};
use crate::need_cluster;
use crate::support::faults::{Fault, FaultProxy, Target};

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Lines of base64 long enough that finding one in the output is a leak.
fn secret_fragments(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_or_client_key_appears_in_the_output_at_any_verbosity() {
    let cluster = need_cluster!("no_token_or_client_key_appears_in_the_output_at_any_verbosity");
    let ns = cluster.namespace("secrets").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;

    let text = std::fs::read_to_string(&cluster.kubeconfig).unwrap();
    let kc: Value = serde_saphyr::from_str(&text).unwrap();
    let tokens: Vec<String> = kc["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["user"]["token"].as_str().map(str::to_string))
        .collect();
    assert!(
        !tokens.is_empty(),
        "the local kubeconfig authenticates with tokens"
    );
    let mut secrets: Vec<String> = tokens.clone();

    // A second identity with a client certificate, signed by the local CA
    // (the API server's --client-ca-file), when this is the local cluster.
    let pki = cluster.kubeconfig.parent().unwrap().join("pki");
    let tmp = std::env::temp_dir().join(format!("stackset-secrets-{}", ns.name));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut kubeconfigs = vec![(cluster.kubeconfig.clone(), cluster.admin_context())];
    if pki.join("ca.key").exists() {
        openssl(
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "client.key",
            ],
            &tmp,
        );
        openssl(
            &[
                "req",
                "-new",
                "-key",
                "client.key",
                "-subj",
                "/O=system:masters/CN=stackset-cert-admin",
                "-out",
                "client.csr",
            ],
            &tmp,
        );
        std::fs::write(
            tmp.join("client.ext"),
            "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n",
        )
        .unwrap();
        let ca_crt = pki.join("ca.crt");
        let ca_key = pki.join("ca.key");
        openssl(
            &[
                "x509",
                "-req",
                "-extfile",
                "client.ext",
                "-in",
                "client.csr",
                "-CA",
                ca_crt.to_str().unwrap(),
                "-CAkey",
                ca_key.to_str().unwrap(),
                "-CAcreateserial",
                "-days",
                "1",
                "-out",
                "client.crt",
            ],
            &tmp,
        );
        let key = std::fs::read_to_string(tmp.join("client.key")).unwrap();
        let crt = std::fs::read_to_string(tmp.join("client.crt")).unwrap();
        use base64_encode as b64;
        let key_data = b64(key.as_bytes());
        secrets.extend(secret_fragments(&key));
        secrets.push(key_data.clone());
        let mut cert_kc = kc.clone();
        cert_kc["users"] = json!([{"name": "cert", "user": {
            "client-certificate-data": b64(crt.as_bytes()),
            "client-key-data": key_data,
        }}]);
        let cluster_name = kc["clusters"][0]["name"].clone();
        cert_kc["contexts"] = json!([{"name": "cert", "context": {"cluster": cluster_name, "user": "cert", "namespace": ns.name}}]);
        cert_kc["current-context"] = json!("cert");
        let path = tmp.join("cert.kubeconfig");
        std::fs::write(&path, serde_json::to_vec(&cert_kc).unwrap()).unwrap();
        kubeconfigs.push((path, Some("cert".to_string())));
    }

    let commands: [&[&str]; 5] = [
        &["list"],
        &["get", "app"],
        &["reconcile", "app"],
        &["traffic", "app"],
        &["get", "no-such-stackset"],
    ];
    let check = |what: String, out: &str| {
        for s in &secrets {
            assert!(
                !out.contains(s.as_str()),
                "{what}: a credential appears in the output:\n{out}"
            );
        }
    };
    let mut runs = 0;
    for (kubeconfig, context) in &kubeconfigs {
        for verbosity in ["-v", "-vv", "-vvv", "-vvvv", "-v=6", "-v=9"] {
            for args in commands {
                let mut c = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
                c.arg("--kubeconfig").arg(kubeconfig).args(["-n", &ns.name]);
                if let Some(ctx) = context {
                    c.args(["--context", ctx]);
                }
                c.arg(verbosity).args(args).env_remove("RUST_LOG");
                let ran =
                    tokio::task::spawn_blocking(move || run_until(c, Duration::from_secs(60)))
                        .await
                        .unwrap();
                assert!(ran.code.is_some(), "{args:?} hung");
                if args[0] != "get" || args[1] == "app" {
                    assert_eq!(ran.code, Some(0), "{args:?} {verbosity}: {}", ran.stderr);
                }
                if verbosity != "-v" && !verbosity.starts_with("-v=") {
                    assert!(
                        ran.stderr.lines().count() > 1,
                        "{verbosity} logs: {}",
                        ran.stderr
                    );
                }
                check(
                    format!("{args:?} {verbosity} ({})", kubeconfig.display()),
                    &format!("{}{}", ran.stdout, ran.stderr),
                );
                runs += 1;
            }
        }
    }
    // Failing requests, retried and logged: through the fault proxy.
    let proxy = FaultProxy::start(cluster, 77);
    proxy.set_rate(
        &[Fault::Unavailable, Fault::Reset, Fault::TooManyRequests],
        0.5,
        Target::All,
    );
    for verbosity in ["-v", "-vv", "-vvv", "-vvvv", "-v=6", "-v=9"] {
        let mut c = via(&proxy, cluster, &ns.name);
        c.arg(verbosity)
            .args(["reconcile", "app"])
            .env_remove("RUST_LOG");
        let ran = tokio::task::spawn_blocking(move || run_until(c, Duration::from_secs(60)))
            .await
            .unwrap();
        check(
            format!("reconcile {verbosity} under faults"),
            &format!("{}{}", ran.stdout, ran.stderr),
        );
        runs += 1;
    }
    assert!(proxy.injected().values().sum::<usize>() > 0);
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!(
        "secrets: {runs} runs, {} credentials checked",
        secrets.len()
    );
}

/// Standard base64 (the kubeconfig's `*-data` fields).
fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A kubeconfig whose user is a legacy `auth-provider` command with a
/// `token-key`/`expiry-key` (gcp's `cmd-path`) authenticates: kube-client
/// reads those keys as JSONPaths, which crates/kube-jsonpath answers in place
/// of the jsonpath-rust crate (#14). A key that selects nothing is a one-line
/// error, and the token never appears in the output.
#[tokio::test(flavor = "multi_thread")]
async fn an_auth_provider_command_with_a_token_key_authenticates() {
    let cluster = need_cluster!("an_auth_provider_command_with_a_token_key_authenticates");
    let ns = cluster.namespace("authprov").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;

    let text = std::fs::read_to_string(&cluster.kubeconfig).unwrap();
    let kc: Value = serde_saphyr::from_str(&text).unwrap();
    let token = kc["users"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|u| u["user"]["token"].as_str().map(str::to_string))
        .expect("the local kubeconfig authenticates with a token");
    let tmp = std::env::temp_dir().join(format!("stackset-authprov-{}", ns.name));
    std::fs::create_dir_all(&tmp).unwrap();
    // What `gcloud config config-helper --format=json` prints, in shape.
    let helper = tmp.join("token-helper");
    let expiry = "2099-01-01T00:00:00Z";
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nprintf '%s' '{{\"credential\":{{\"access_token\":\"{token}\",\"token_expiry\":\"{expiry}\"}}}}'\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();

    let kubeconfig = |name: &str, token_key: &str| {
        let mut k = kc.clone();
        k["users"] = json!([{"name": "provider", "user": {"auth-provider": {
            "name": "gcp",
            "config": {
                "cmd-path": helper.to_str().unwrap(),
                "token-key": token_key,
                "expiry-key": "{.credential.token_expiry}",
            },
        }}}]);
        let cluster_name = k["clusters"][0]["name"].clone();
        k["contexts"] = json!([{"name": "provider", "context": {"cluster": cluster_name, "user": "provider", "namespace": ns.name}}]);
        k["current-context"] = json!("provider");
        let path = tmp.join(name);
        std::fs::write(&path, serde_json::to_vec(&k).unwrap()).unwrap();
        path
    };
    let run = |path: std::path::PathBuf| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
        c.arg("--kubeconfig")
            .arg(path)
            .args(["-n", &ns.name, "-vv", "get", "app"])
            .env_remove("RUST_LOG");
        tokio::task::spawn_blocking(move || run_until(c, Duration::from_secs(60)))
    };

    let ok = run(kubeconfig("ok.kubeconfig", "{.credential.access_token}"))
        .await
        .unwrap();
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert!(ok.stdout.contains("app-v1"), "{}", ok.stdout);
    assert!(!format!("{}{}", ok.stdout, ok.stderr).contains(&token));

    let missing = run(kubeconfig(
        "missing.kubeconfig",
        "{.credential.no_such_key}",
    ))
    .await
    .unwrap();
    assert_eq!(missing.code, Some(1), "{}", missing.stderr);
    let errors: Vec<&str> = missing
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", missing.stderr);
    assert!(errors[0].contains("no_such_key"), "{}", missing.stderr);
    assert!(!missing.stderr.contains("panicked"), "{}", missing.stderr);
    assert!(!format!("{}{}", missing.stdout, missing.stderr).contains(&token));
    let _ = std::fs::remove_dir_all(&tmp);
}
