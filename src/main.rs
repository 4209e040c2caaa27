//! Entry point: everything happens in `app`, which returns the exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(kubectl_stackset::app::main_with_args(std::env::args_os()))
}
