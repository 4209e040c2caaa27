//! Dispatch: parse the command line, run the command, map failures to the
//! documented exit codes. The only place that reads the clock, the
//! environment (NO_COLOR, TTY) and builds the kube client (through `cluster`).

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use std::io::IsTerminal;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::error::{Exit, Failure};
use crate::render::style::Style;
use crate::render::watch::Screen;
use crate::{cluster, commands};
use k8s_openapi::jiff::Timestamp;

/// Runs the plugin with these arguments and returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
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
    match run(cli) {
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

fn run(cli: Cli) -> Result<(), Failure> {
    crate::logging::init(cli.global.verbose);
    match cli.command {
        Command::Crd(args) => commands::crd::run(&args),
        Command::Version => commands::version::run(),
        Command::Reconcile(args) => block_on(async {
            let conn = cluster::connect(&cli.global).await?;
            commands::reconcile::run(&conn, cli.global.all_namespaces, &args, &now).await
        }),
        Command::Get(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::get::run(&conn, all, &args, screen, &now).await
        }),
        Command::List(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::list::run(&conn, all, &args, screen, &now).await
        }),
        Command::Traffic(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::traffic::show(&conn, all, &args, screen, &now).await
        }),
        Command::History(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::history::run(&conn, all, &args, screen, &now).await
        }),
        Command::Status(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::status::run(&conn, all, &args, screen, &now).await
        }),
    }
}

/// What the read commands know about stdout: colour (`--color`, NO_COLOR,
/// terminal) and the terminal's size, decided here once.
fn screen(global: &GlobalArgs) -> Screen {
    // A terminal that does not report its size (a fresh pty says 0x0) is
    // taken as 80x24.
    let terminal =
        std::io::stdout()
            .is_terminal()
            .then(|| match console::Term::stdout().size_checked() {
                Some((rows, cols)) if rows > 0 && cols > 0 => {
                    (usize::from(cols), usize::from(rows))
                }
                _ => (80, 24),
            });
    Screen {
        style: Style::for_stdout(global.color),
        terminal,
    }
}

/// Connects, then runs a read command.
fn read_command<F, Fut>(global: &GlobalArgs, command: F) -> Result<(), Failure>
where
    F: FnOnce(cluster::Connection, bool, Screen) -> Fut,
    Fut: std::future::Future<Output = Result<(), Failure>>,
{
    let screen = screen(global);
    block_on(async {
        let conn = cluster::connect(global).await?;
        command(conn, global.all_namespaces, screen).await
    })
}

fn block_on<F: std::future::Future<Output = Result<(), Failure>>>(fut: F) -> Result<(), Failure> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::error(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(fut)
}
