//! The krew manifest follows krew's rules (checked here and by krew itself,
//! built from the Go module proxy like the control plane), and the release
//! archive holds what the manifest extracts.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::repo_root;
use crate::common::{lines, tempdir, text};
use crate::support::user_env;

/// krew's manifest rules (krew's validate.go and its plugin docs).
fn krew_violations(manifest: &Value, file_stem: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let s = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    if s(manifest, "/apiVersion").as_deref()
        != Some("krew.googlecontainertools.github.com/v1alpha2")
    {
        bad.push("apiVersion".into());
    }
    if s(manifest, "/kind").as_deref() != Some("Plugin") {
        bad.push("kind".into());
    }
    let name = s(manifest, "/metadata/name").unwrap_or_default();
    if name != file_stem
        || name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bad.push(format!("metadata.name {name:?} must match the file name"));
    }
    let version = s(manifest, "/spec/version").unwrap_or_default();
    let semver = version.strip_prefix('v').is_some_and(|v| {
        let core = v.split(['-', '+']).next().unwrap_or("");
        let parts: Vec<&str> = core.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.parse::<u64>().is_ok())
    });
    if !semver {
        bad.push(format!("spec.version {version:?} is not v-prefixed semver"));
    }
    let short = s(manifest, "/spec/shortDescription").unwrap_or_default();
    if short.is_empty() || short.contains('\n') || short.chars().count() > 50 {
        bad.push(format!(
            "shortDescription {short:?}: one line of 1..=50 characters"
        ));
    }
    for field in ["/spec/description", "/spec/homepage"] {
        if s(manifest, field).is_none_or(|v| v.trim().is_empty()) {
            bad.push(format!("{field} is empty"));
        }
    }
    let platforms = manifest
        .pointer("/spec/platforms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if platforms.is_empty() {
        bad.push("no platforms".into());
    }
    for (i, p) in platforms.iter().enumerate() {
        let labels = p
            .pointer("/selector/matchLabels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if labels.is_empty() || labels.keys().any(|k| k != "os" && k != "arch") {
            bad.push(format!(
                "platform {i}: selector.matchLabels must use os/arch"
            ));
        }
        let uri = s(p, "/uri").unwrap_or_default();
        if !(uri.ends_with(".tar.gz") || uri.ends_with(".zip")) || !uri.starts_with("https://") {
            bad.push(format!(
                "platform {i}: uri {uri:?} must be an https .tar.gz or .zip"
            ));
        }
        let sha = s(p, "/sha256").unwrap_or_default();
        if sha.len() != 64 || !sha.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')) {
            bad.push(format!("platform {i}: sha256 {sha:?}"));
        }
        let bin = s(p, "/bin").unwrap_or_default();
        let windows = labels.get("os").and_then(Value::as_str) == Some("windows");
        if bin.is_empty() || (windows && !bin.ends_with(".exe")) {
            bad.push(format!("platform {i}: bin {bin:?}"));
        }
        match p.get("files").and_then(Value::as_array) {
            Some(files) if files.is_empty() => bad.push(format!("platform {i}: empty files")),
            Some(files) => {
                let froms: Vec<String> = files.iter().filter_map(|f| s(f, "/from")).collect();
                if !froms.iter().any(|f| f == "LICENSE") {
                    bad.push(format!("platform {i}: LICENSE is not extracted"));
                }
                if !froms
                    .iter()
                    .any(|f| *f == bin || f.ends_with(&format!("/{bin}")))
                {
                    bad.push(format!("platform {i}: bin {bin} is not extracted"));
                }
            }
            None => {}
        }
    }
    bad
}

fn krew_manifest(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn krew_manifest_template_follows_krews_rules() {
    let path = repo_root().join("krew/stackset.yaml");
    let manifest = krew_manifest(&path);
    assert_eq!(krew_violations(&manifest, "stackset"), Vec::<String>::new());
    assert_eq!(
        manifest.pointer("/spec/version").and_then(Value::as_str),
        Some(format!("v{}", env!("CARGO_PKG_VERSION")).as_str()),
        "the manifest's version follows Cargo.toml"
    );
    let oses: Vec<&str> = manifest["spec"]["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.pointer("/selector/matchLabels/os")
                .and_then(Value::as_str)
        })
        .collect();
    for os in ["linux", "darwin", "windows"] {
        assert!(oses.contains(&os), "a {os} build: {oses:?}");
    }
    // The rules bite: a manifest breaking them is reported.
    let mut broken = manifest.clone();
    broken["spec"]["shortDescription"] = json!("x".repeat(51));
    broken["spec"]["platforms"][0]["uri"] = json!("https://example.org/kubectl-stackset");
    broken["spec"]["platforms"][0]["sha256"] = json!("SHA");
    assert_eq!(krew_violations(&broken, "stackset").len(), 3);
}

#[test]
fn release_archive_holds_what_the_krew_manifest_extracts() {
    let tmp = tempdir("package");
    // The environment a user's shell has, not the one cargo test adds
    // (CARGO_PKG_*, ...), which would make the nested cargo rebuild.
    let package = || {
        Command::new(repo_root().join("scripts/package.sh"))
            .env_clear()
            .envs(user_env())
            .env("DIST_DIR", &tmp)
            .env("PROFILE", "dev")
            .output()
            .expect("run scripts/package.sh")
    };
    let out = package();
    assert!(
        out.status.success(),
        "scripts/package.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = text(&out);
    let (sum, archive) = stdout.trim().split_once("  ").expect("SHA256  PATH");
    assert_eq!(sum.len(), 64, "{stdout}");
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(archive)
        .output()
        .unwrap();
    let entries = lines(&listing);
    for want in [
        "./kubectl-stackset",
        "./LICENSE",
        "./completions/kubectl-stackset.bash",
        "./completions/_kubectl-stackset",
        "./man/kubectl-stackset.1",
    ] {
        assert!(
            entries.iter().any(|e| e == want),
            "{want} not in {archive}: {entries:?}"
        );
    }
    // What krew extracts (files.from) and runs (bin) is in the archive.
    let manifest = krew_manifest(&repo_root().join("krew/stackset.yaml"));
    let linux = &manifest["spec"]["platforms"][0];
    for f in linux["files"].as_array().unwrap() {
        let from = format!("./{}", f["from"].as_str().unwrap());
        assert!(entries.contains(&from), "{from} not in the archive");
    }
    // The archive is reproducible: packaging again gives the same checksum.
    let again = package();
    assert_eq!(text(&again), stdout, "same inputs, same archive");

    // krew itself: its validator accepts the manifest, and `krew install
    // --manifest --archive` verifies this archive's checksum on the
    // linux/amd64 entry, extracts it and the plugin runs.
    let krew = Command::new(repo_root().join("scripts/krew-check.sh"))
        .arg(archive)
        .env_clear()
        .envs(user_env())
        .output()
        .expect("run scripts/krew-check.sh");
    let stderr = String::from_utf8_lossy(&krew.stderr);
    assert!(krew.status.success(), "krew-check: {stderr}");
    assert!(stderr.contains("structural validation OK"), "{stderr}");
    assert!(stderr.contains("Installed plugin: stackset"), "{stderr}");
    let installed = lines(&krew);
    assert_eq!(
        installed,
        [
            format!("kubectl-stackset {}", env!("CARGO_PKG_VERSION")),
            "LICENSE".to_string(),
            "kubectl-stackset".to_string()
        ],
        "the installed plugin runs; krew extracted LICENSE and the binary"
    );

    // Rendering the manifest needs every platform's archive; with only this
    // one it refuses instead of writing a manifest with a placeholder left.
    let render = Command::new(repo_root().join("scripts/krew-manifest.sh"))
        .arg(&tmp)
        .output()
        .unwrap();
    assert_eq!(render.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&render.stderr).contains("is missing"),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
