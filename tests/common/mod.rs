//! Helpers both test binaries use (`tests/integration`, which needs a cluster,
//! and `tests/cli`, which does not): running the built binary, temporary
//! directories under target/, and the bash completion driver. Each binary
//! includes this file as `mod common`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kubectl_stackset::completion;

pub mod gotest;
pub mod scenario;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-stackset");

pub fn bin() -> &'static str {
    BIN
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run kubectl-stackset");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn lines(out: &Output) -> Vec<String> {
    text(out).lines().map(str::to_string).collect()
}

/// A directory holding `kubectl-stackset` and `kubectl_complete-stackset`
/// (symlinks to the built binary), to put first on PATH.
pub fn plugin_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["kubectl-stackset", completion::KUBECTL_HELPER] {
        std::os::unix::fs::symlink(BIN, dir.join(name)).unwrap();
    }
    dir
}

/// Runs tests/common/complete.bash: `script` completes `line` in bash.
pub fn bash_complete(script: &str, line: &str, path: &str, kubeconfig: &Path) -> Vec<String> {
    let driver = repo_root().join("tests/common/complete.bash");
    let out = Command::new("bash")
        .arg(&driver)
        .arg(script)
        .arg(line)
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig)
        .env_remove("BASH_ENV")
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "completing {line:?} with {script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines(&out).into_iter().filter(|l| !l.is_empty()).collect()
}

/// A fresh directory under target/ (removed first if a previous run left it).
pub fn tempdir(name: &str) -> PathBuf {
    let dir = repo_root()
        .join("target/test-tmp")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
