//! `kubectl stackset completion`: print a shell's script, write them all, or
//! create the `kubectl_complete-stackset` helper that kubectl (1.26+) runs to
//! complete `kubectl stackset ...`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::cli::CompletionArgs;
use crate::completion::{KUBECTL_HELPER, scripts};
use crate::error::Failure;
use crate::render::out;

/// `program` is argv[0], used to find where the plugin lives.
pub fn run(args: &CompletionArgs, program: &OsStr) -> Result<(), Failure> {
    if let Some(dir) = &args.output_dir {
        return write_all(dir);
    }
    if let Some(dir) = &args.kubectl_helper {
        let target = plugin_path(program)?;
        let dir = match dir {
            Some(d) if !d.as_os_str().is_empty() => d.clone(),
            _ => target
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        return install_helper(&dir, &target);
    }
    match args.shell {
        Some(shell) => out(&scripts::script(&crate::cli::command(), shell)),
        None => Err(
            Failure::usage("name a shell: bash, zsh, fish or powershell")
                .hint("kubectl stackset completion bash"),
        ),
    }
}

/// Writes every script into `dir` (created if missing).
pub fn write_all(dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::error(format!("cannot create {}: {e}", dir.display())))?;
    for (name, text) in scripts::all(&crate::cli::command()) {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| Failure::error(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// The plugin as kubectl found it: argv[0] when it is a path (kubectl runs
/// plugins by their PATH entry, e.g. ~/.krew/bin/kubectl-stackset, which
/// survives krew upgrades), else the PATH entry, else the running executable.
fn plugin_path(program: &OsStr) -> Result<PathBuf, Failure> {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return std::path::absolute(p)
            .map_err(|e| Failure::error(format!("cannot resolve {}: {e}", p.display())));
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(p);
            if candidate.is_file() {
                return std::path::absolute(&candidate).map_err(|e| {
                    Failure::error(format!("cannot resolve {}: {e}", candidate.display()))
                });
            }
        }
    }
    std::env::current_exe().map_err(|e| Failure::error(format!("cannot find this executable: {e}")))
}

/// Creates `dir/kubectl_complete-stackset` -> `target`. Idempotent; replaces
/// an old symlink, never a regular file someone else wrote.
fn install_helper(dir: &Path, target: &Path) -> Result<(), Failure> {
    let name = if cfg!(windows) {
        format!("{KUBECTL_HELPER}.exe")
    } else {
        KUBECTL_HELPER.to_string()
    };
    let link = dir.join(name);
    match std::fs::symlink_metadata(&link) {
        Ok(meta) if meta.file_type().is_symlink() => {
            if std::fs::read_link(&link).is_ok_and(|t| t == target) {
                return out(&format!("{} unchanged\n", link.display()));
            }
            std::fs::remove_file(&link)
                .map_err(|e| Failure::error(format!("cannot replace {}: {e}", link.display())))?;
        }
        Ok(_) => {
            return Err(Failure::error(format!(
                "{} exists and is not a symlink made by kubectl-stackset",
                link.display()
            ))
            .hint(format!("remove it first: rm {}", link.display())));
        }
        Err(_) => {}
    }
    if !dir.is_dir() {
        return Err(
            Failure::error(format!("{} is not a directory", dir.display()))
                .hint("pass an existing directory on PATH: --kubectl-helper=DIR"),
        );
    }
    link_to(target, &link)
        .map_err(|e| Failure::error(format!("cannot create {}: {e}", link.display())))?;
    out(&format!(
        "{} -> {} created\n",
        link.display(),
        target.display()
    ))
}

#[cfg(unix)]
fn link_to(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn link_to(target: &Path, link: &Path) -> std::io::Result<()> {
    // Windows: kubectl runs kubectl_complete-stackset.exe; a copy answers the same way.
    std::fs::copy(target, link).map(|_| ())
}

#[cfg(test)]
mod tests {
    use crate::completion::engine::Want;
    use crate::completion::{Mode, analyse, render};

    #[test]
    fn the_real_cli_completes_by_convention() {
        let cli = crate::cli::command();
        let r = analyse(&cli, Mode::All, &["reconcile".into(), String::new()]);
        assert_eq!(r.wants, vec![Want::StackSets]);
        let r = analyse(&cli, Mode::All, &["--context".into(), String::new()]);
        assert_eq!(r.wants, vec![Want::Contexts]);
        let r = analyse(&cli, Mode::DynamicOnly, &[String::new()]);
        assert_eq!(
            r.wants,
            vec![Want::Files],
            "subcommands come from the static script"
        );
        assert_eq!(render(&r, &[]), ":0\n");
        let r = analyse(
            &cli,
            Mode::DynamicOnly,
            &["reconcile".into(), String::new()],
        );
        assert_eq!(r.wants, vec![Want::StackSets]);
        let r = analyse(&cli, Mode::All, &[String::new()]);
        let Some(Want::Fixed(subs)) = r.wants.first() else {
            panic!("subcommands expected: {r:?}")
        };
        assert!(subs.iter().any(|s| s.value == "reconcile"));
        assert!(subs.iter().any(|s| s.value == "completion"));
    }
}
