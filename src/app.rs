//! Dispatch: parse the command line, run the command, map failures to the
//! documented exit codes. The only place that reads the clock, the
//! environment (NO_COLOR, TTY) and builds the kube client (through `cluster`).

use std::ffi::OsString;
use std::io::Write;

use std::io::IsTerminal;

use crate::cli::{Cli, Command, GlobalArgs, TrafficCommand};
use crate::commands::follow::Ctx;
use crate::error::{Exit, Failure};
use crate::render::prompt::Interaction;
use crate::render::style::Style;
use crate::render::watch::Screen;
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
    let cli = match crate::cli::parse(args) {
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
    let Some(message) = f.printable() else {
        return;
    };
    let _ = writeln!(err, "error: {message}");
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
    let request = completion::analyse(&crate::cli::command(), mode, words);
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
    crate::logging::init(
        cli.global.verbose,
        Style::for_stderr(cli.global.color).color,
    );
    match cli.command {
        Command::Crd(args) => commands::crd::run(&args),
        Command::Version => commands::version::run(),
        Command::Completion(args) => commands::completion::run(&args, program),
        Command::Man(args) => commands::man::run(&args),
        Command::Reconcile(args) => block_on(async {
            let conn = cluster::connect(&cli.global.connection()).await?;
            commands::reconcile::run(&conn, cli.global.all_namespaces, &args, now).await
        }),
        Command::Get(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::get::run(&conn, all, &args, screen, &now).await
        }),
        Command::List(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::list::run(&conn, all, &args, screen, &now).await
        }),
        Command::Traffic(args) => match args.command {
            Some(TrafficCommand::Set(set)) => mutating(&cli.global, GENERIC, async |ctx| {
                commands::traffic_set::run(ctx, &set).await
            }),
            None => read_command(&cli.global, |conn, all, screen| async move {
                commands::traffic::show(&conn, all, &args, screen, &now).await
            }),
        },
        Command::History(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::history::run(&conn, all, &args, screen, &now).await
        }),
        Command::Status(args) => read_command(&cli.global, |conn, all, screen| async move {
            commands::status::run(&conn, all, &args, screen, &now).await
        }),
        Command::Create(args) => mutating(&cli.global, GENERIC, async |ctx| {
            commands::create::run(ctx, &args).await
        }),
        Command::Apply(args) => mutating(&cli.global, GENERIC, async |ctx| {
            commands::apply::run(ctx, &args).await
        }),
        Command::Rollout(args) => {
            let hint = if args.action.is_none() {
                "the rollout stays recorded in the StackSet: continue it with `kubectl stackset rollout NAME`, \
                 see it with `kubectl stackset rollout status NAME`, or abort it with `kubectl stackset rollout abort NAME`"
            } else {
                GENERIC
            };
            mutating(&cli.global, hint, async |ctx| {
                commands::rollout::run(ctx, &args).await
            })
        }
        Command::Rollback(args) => mutating(&cli.global, GENERIC, async |ctx| {
            commands::rollback::run(ctx, &args).await
        }),
        Command::Delete(args) => mutating(&cli.global, GENERIC, async |ctx| {
            commands::delete::run(ctx, &args).await
        }),
        Command::Gc(args) => mutating(&cli.global, GENERIC, async |ctx| {
            commands::gc::run(ctx, &args).await
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
        let conn = cluster::connect(&global.connection()).await?;
        command(conn, global.all_namespaces, screen).await
    })
}

/// The hint after Ctrl-C: every write is a single update, so whatever was
/// written is complete.
const GENERIC: &str = "every change written so far is complete; run the command again to continue";

/// Runs a mutating command: connects, detects the terminal, and turns
/// Ctrl-C into exit code 130 with `hint`.
fn mutating<F>(global: &GlobalArgs, hint: &str, command: F) -> Result<(), Failure>
where
    F: AsyncFnOnce(&Ctx<'_>) -> Result<(), Failure>,
{
    if global.all_namespaces {
        return Err(Failure::usage(
            "-A/--all-namespaces does not apply to commands that change things",
        )
        .hint("name the namespace with -n NAMESPACE"));
    }
    // Progress bars and prompts draw through `console`: it follows the same
    // colour decision as everything else.
    let color = crate::render::style::Style::for_stderr(global.color).color;
    dialoguer::console::set_colors_enabled_stderr(color);
    block_on(async {
        let conn = cluster::connect(&global.connection()).await?;
        let ctx = Ctx {
            conn: &conn,
            explicit_namespace: global.namespace.is_some(),
            ia: Interaction::detect(),
            now: &now,
        };
        tokio::select! {
            r = command(&ctx) => r,
            _ = tokio::signal::ctrl_c() => {
                Err(Failure::new(Exit::Interrupted, "interrupted").hint(hint))
            }
        }
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
