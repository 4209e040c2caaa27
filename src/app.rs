//! Dispatch: parse the command line, run the command, map failures to the
//! documented exit codes. The only place that reads the clock, the
//! environment (NO_COLOR, TTY) and builds the kube client (through `cluster`).

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Exit, Failure};
use crate::{cluster, commands, completion, render};
use k8s_openapi::jiff::Timestamp;

/// Runs the plugin with these arguments and returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if let Some((mode, words)) = completion::request(&args) {
        return complete(mode, &words);
    }
    let program = args.first().cloned().unwrap_or_default();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.code();
        }
    };
    match run(cli, &program) {
        Ok(()) => Exit::Ok.code(),
        Err(f) => {
            report(&f);
            f.exit.code()
        }
    }
}

fn report(f: &Failure) {
    let mut err = std::io::stderr().lock();
    if f.message.is_empty() {
        return;
    }
    let _ = writeln!(err, "error: {}", f.message);
    if let Some(h) = &f.hint {
        let _ = writeln!(err, "hint: {h}");
    }
}

/// The wall clock: read here and nowhere else; everything below gets `now`.
#[allow(clippy::disallowed_methods)]
fn now() -> Timestamp {
    Timestamp::now()
}

/// Answers a completion request (see `completion`): always exit 0, and on
/// any error only the directive line, so a shell never shows an error.
fn complete(mode: completion::Mode, words: &[String]) -> u8 {
    let request = completion::analyse(mode, words);
    let candidates = if request
        .wants
        .iter()
        .any(completion::engine::Want::is_dynamic)
    {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()
            .and_then(|rt| {
                rt.block_on(async {
                    tokio::time::timeout(COMPLETION_DEADLINE, completion::lookup(&request))
                        .await
                        .ok()
                })
            })
            .unwrap_or_default()
    } else {
        // Nothing to look up: no runtime, no kubeconfig.
        futures::executor::block_on(completion::lookup(&request))
    };
    let _ = render::out(&completion::render(&request, &candidates));
    Exit::Ok.code()
}

/// A completion never takes longer than this.
const COMPLETION_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

fn run(cli: Cli, program: &OsString) -> Result<(), Failure> {
    crate::logging::init(cli.global.verbose);
    match cli.command {
        Command::Crd(args) => commands::crd::run(&args),
        Command::Version => commands::version::run(),
        Command::Completion(args) => commands::completion::run(&args, program),
        Command::Man(args) => commands::man::run(&args),
        Command::Reconcile(args) => block_on(async {
            let conn = cluster::connect(&cli.global).await?;
            commands::reconcile::run(&conn, cli.global.all_namespaces, &args, &now).await
        }),
    }
}

fn block_on<F: std::future::Future<Output = Result<(), Failure>>>(fut: F) -> Result<(), Failure> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::error(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(fut)
}
