//! Helpers shared by the `cli` tests only: kubeconfigs that point nowhere,
//! the committed generated files, and a user's shell environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::repo_root;

pub(crate) fn write_kubeconfig(server: &str) -> PathBuf {
    let dir = repo_root().join("target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "kubeconfig-{}-{}",
        std::process::id(),
        server.replace([':', '/', '.'], "_")
    ));
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters: [{{name: c, cluster: {{server: \"{server}\"}}}}]\n\
             users: [{{name: u, user: {{token: secret-token-never-printed}}}}]\n\
             contexts: [{{name: c, context: {{cluster: c, user: u, namespace: ns1}}}}]\ncurrent-context: c\n"
        ),
    )
    .unwrap();
    path
}

pub(crate) const REGENERATE: &str = "regenerate with `make generate` and commit the result";

/// The files of `dir` whose names satisfy `ours`, by name.
pub(crate) fn committed(dir: &Path, ours: impl Fn(&str) -> bool) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}; {REGENERATE}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| ours(n))
        .map(|n| {
            let body = std::fs::read_to_string(dir.join(&n)).expect("read generated file");
            (n, body)
        })
        .collect()
}

pub(crate) fn assert_same(
    what: &str,
    committed: BTreeMap<String, String>,
    fresh: Vec<(String, String)>,
) {
    let fresh: BTreeMap<String, String> = fresh.into_iter().collect();
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "{what}: the set of files differs from the CLI's; {REGENERATE}"
    );
    for (name, body) in &fresh {
        assert!(
            committed[name] == *body,
            "{what}/{name} is stale: it differs from what the CLI generates; {REGENERATE}"
        );
    }
}

/// HOME, PATH, cargo's and rustup's homes (and CARGO_TARGET_DIR when set),
/// as a user's shell has them.
pub(crate) fn user_env() -> Vec<(String, String)> {
    let home = std::env::var("HOME").expect("HOME");
    let mut env = vec![
        ("HOME".to_string(), home.clone()),
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
        (
            "CARGO_HOME".to_string(),
            std::env::var("CARGO_HOME").unwrap_or(format!("{home}/.cargo")),
        ),
        (
            "RUSTUP_HOME".to_string(),
            std::env::var("RUSTUP_HOME").unwrap_or(format!("{home}/.rustup")),
        ),
    ];
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        env.push(("CARGO_TARGET_DIR".to_string(), dir));
    }
    env
}
