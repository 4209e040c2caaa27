//! Confirmations before destructive or traffic-moving steps. They need a
//! terminal: `--yes` skips them, and off a terminal without `--yes` the step
//! is refused (exit 2) with a hint, so a script never hangs on a prompt and
//! never does something it was not told to.

use std::io::IsTerminal;

use dialoguer::Confirm;
use dialoguer::console::Term;

use crate::error::{Exit, Failure};

/// What the terminal allows, decided once (in `app`) and passed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interaction {
    /// stdin and stderr are terminals: prompts are possible.
    pub interactive: bool,
    /// stderr is a terminal: progress bars; otherwise timestamped lines.
    pub bars: bool,
}

impl Interaction {
    /// No terminal: no prompts, no bars (tests, pipes, CI).
    pub const SCRIPT: Self = Self {
        interactive: false,
        bars: false,
    };

    /// Looks at stdin and stderr.
    pub fn detect() -> Self {
        let stderr = std::io::stderr().is_terminal();
        Self {
            interactive: stderr && std::io::stdin().is_terminal(),
            bars: stderr,
        }
    }
}

/// The refusal off a terminal.
pub fn needs_yes(what: &str) -> Failure {
    Failure::new(
        Exit::Usage,
        format!("{what} needs a confirmation, and there is no terminal to ask on"),
    )
    .hint("pass --yes to confirm it")
}

/// Fails early (before anything is written) when a later step will need a
/// confirmation that cannot be asked for.
pub fn ensure_confirmable(ia: Interaction, yes: bool, what: &str) -> Result<(), Failure> {
    if yes || ia.interactive {
        Ok(())
    } else {
        Err(needs_yes(what))
    }
}

/// Asks `question` (default: no). `yes` answers it without asking.
/// Interrupting the prompt (Ctrl-C) is an interruption, not a "no".
pub fn confirm(ia: Interaction, yes: bool, what: &str, question: &str) -> Result<bool, Failure> {
    if yes {
        return Ok(true);
    }
    if !ia.interactive {
        return Err(needs_yes(what));
    }
    match Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact_on_opt(&Term::stderr())
    {
        Ok(Some(answer)) => Ok(answer),
        Ok(None) => Ok(false),
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            Err(Failure::new(Exit::Interrupted, "interrupted"))
        }
        Err(e) => Err(Failure::error(format!("cannot ask for confirmation: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_yes_is_required() {
        assert_eq!(
            confirm(Interaction::SCRIPT, true, "x", "q?").ok(),
            Some(true)
        );
        let refused = confirm(Interaction::SCRIPT, false, "moving all traffic", "q?").unwrap_err();
        assert_eq!(refused.exit, Exit::Usage);
        assert!(refused.message().contains("moving all traffic"));
        assert_eq!(refused.hint.as_deref(), Some("pass --yes to confirm it"));
        assert!(ensure_confirmable(Interaction::SCRIPT, true, "x").is_ok());
        assert!(ensure_confirmable(Interaction::SCRIPT, false, "x").is_err());
        let tty = Interaction {
            interactive: true,
            bars: true,
        };
        assert!(ensure_confirmable(tty, false, "x").is_ok());
    }
}
