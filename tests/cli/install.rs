//! install.sh installs into a temporary HOME, idempotently, and uninstalls.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kubectl_stackset::completion::scripts;

use crate::common::repo_root;
use crate::common::{tempdir, text};
use crate::support::user_env;

/// Where a program lives on the PATH this test runs with.
fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn install_sh_installs_into_home_idempotently_and_uninstalls() {
    let tmp = tempdir("install");
    let home = tmp.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Only the tools install.sh needs, so that no other kubectl-stackset on
    // this machine's PATH can shadow the one under test.
    let tools = tmp.join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    for t in ["cargo", "rustc", "kubectl"] {
        std::os::unix::fs::symlink(which(t), tools.join(t)).unwrap();
    }
    let prefix_bin = home.join(".local/bin");
    let path = format!("{}:{}:/usr/bin:/bin", prefix_bin.display(), tools.display());
    let run = |program: &Path, args: &[&str]| -> Output {
        Command::new(program)
            .args(args)
            .current_dir(&tmp)
            .env_clear()
            .envs(user_env())
            .env("HOME", &home)
            .env("PATH", &path)
            .output()
            .expect("run")
    };
    let install = repo_root().join("install.sh");
    let kubectl = tools.join("kubectl");

    // The dev profile reuses the debug build `make test` already made; a
    // release build would add a quarter of an hour of LTO to every run.
    let args = ["--profile", "dev"];
    let first = run(&install, &args);
    assert!(
        first.status.success(),
        "install.sh failed: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let installed = files_under(&home);
    let expected = [
        ".local/bin/kubectl-stackset",
        ".local/bin/kubectl_complete-stackset",
        ".local/share/bash-completion/completions/kubectl-stackset",
        ".local/share/fish/vendor_completions.d/kubectl-stackset.fish",
        ".local/share/kubectl-stackset/_kubectl-stackset.ps1",
        ".local/share/kubectl-stackset/installed-files",
        ".local/share/man/man1/kubectl-stackset-reconcile.1",
        ".local/share/man/man1/kubectl-stackset.1",
        ".local/share/zsh/site-functions/_kubectl-stackset",
    ];
    for f in expected {
        assert!(
            installed.contains(&f.to_string()),
            "{f} missing: {installed:?}"
        );
    }
    assert!(
        installed.iter().all(|f| f.starts_with(".local/")),
        "nothing outside the prefix: {installed:?}"
    );
    let bash = std::fs::read_to_string(home.join(expected[2])).unwrap();
    assert_eq!(
        bash,
        scripts::script(
            &kubectl_stackset::cli::command(),
            kubectl_stackset::cli::CompletionShell::Bash
        )
    );

    let list = run(&kubectl, &["plugin", "list"]);
    assert!(
        text(&list).contains(&prefix_bin.join("kubectl-stackset").display().to_string()),
        "kubectl plugin list: {}{}",
        text(&list),
        String::from_utf8_lossy(&list.stderr)
    );
    assert!(list.status.success(), "no plugin warnings: {list:?}");
    let version = run(&kubectl, &["stackset", "version"]);
    assert!(version.status.success(), "{version:?}");
    assert_eq!(
        text(&version),
        format!("kubectl-stackset {}\n", env!("CARGO_PKG_VERSION"))
    );
    // kubectl's own completion finds the installed helper.
    let complete = run(&kubectl, &["__complete", "stackset", "rec"]);
    assert!(
        text(&complete).starts_with("reconcile\t"),
        "{}",
        text(&complete)
    );

    let contents = |files: &[String]| -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|f| (f.clone(), std::fs::read(home.join(f)).unwrap_or_default()))
            .collect()
    };
    let before = contents(&installed);
    let second = run(&install, &args);
    assert!(second.status.success(), "{second:?}");
    assert_eq!(
        files_under(&home),
        installed,
        "same files after a second run"
    );
    assert_eq!(
        contents(&installed),
        before,
        "same contents after a second run"
    );

    let removed = run(&install, &["--uninstall"]);
    assert!(removed.status.success(), "{removed:?}");
    assert_eq!(
        files_under(&home),
        Vec::<String>::new(),
        "everything removed"
    );
    let list = run(&kubectl, &["plugin", "list"]);
    assert!(
        !text(&list).contains("kubectl-stackset"),
        "kubectl no longer finds the plugin: {}",
        text(&list)
    );
    let again = run(&install, &["--uninstall"]);
    assert!(again.status.success(), "uninstalling twice is fine");
    let _ = std::fs::remove_dir_all(&tmp);
}
