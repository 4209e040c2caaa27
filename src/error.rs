//! Errors as the user sees them: one line saying what is wrong, an optional
//! hint, and a documented exit code.

use std::fmt;

/// Exit codes, part of the command-line API (README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Ok = 0,
    /// 1: an error (API server unreachable, object not found, invalid input file...).
    Error = 1,
    /// 2: usage error (bad flags or arguments).
    Usage = 2,
    /// 3: a wait timed out.
    Timeout = 3,
    /// 4: degraded, not converged, or a rollout failed/aborted.
    Degraded = 4,
    /// 5: forbidden by RBAC.
    Forbidden = 5,
    /// 6: a rollout is open and waiting cannot end it: it is paused, or
    /// running with no process driving it (`status --until`).
    RolloutOpen = 6,
    /// 130: interrupted (Ctrl-C).
    Interrupted = 130,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A failure with everything needed to report it: message, hint, exit code.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    /// What to print; `None` when the command has already said everything
    /// (a status table that shows the degradation, Ctrl-C) and only the exit
    /// code is left. See [`Failure::quiet`].
    text: Option<String>,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            text: Some(message.into()),
            hint: None,
        }
    }

    /// A failure with nothing left to print: the exit code only.
    pub fn quiet(exit: Exit) -> Self {
        Self {
            exit,
            text: None,
            hint: None,
        }
    }

    /// The message; empty for a [`Failure::quiet`] one.
    pub fn message(&self) -> &str {
        self.text.as_deref().unwrap_or_default()
    }

    /// The message to print, if any.
    pub fn printable(&self) -> Option<&str> {
        self.text.as_deref()
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Exit::Error, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// Adds a hint unless there is one already.
    #[must_use]
    pub fn hint_if_missing(mut self, hint: impl Into<String>) -> Self {
        if self.hint.is_none() {
            self.hint = Some(hint.into());
        }
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Failure {}
