//! Colour decisions, made once: `--color always|never|auto`; `auto` means
//! colour only when the stream is a terminal and `NO_COLOR` is unset (or empty).
//! Renderers take a `Style` value and never look at the environment.

use std::io::IsTerminal;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to emit ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Plain text, for tests and pipes.
    pub const PLAIN: Style = Style { color: false };

    /// Decides colour for stdout from the flag, `NO_COLOR` and the terminal.
    pub fn for_stdout(choice: ColorChoice) -> Self {
        Self::decide(
            choice,
            std::env::var_os("NO_COLOR"),
            std::io::stdout().is_terminal(),
        )
    }

    /// Decides colour for stderr (progress, warnings).
    pub fn for_stderr(choice: ColorChoice) -> Self {
        Self::decide(
            choice,
            std::env::var_os("NO_COLOR"),
            std::io::stderr().is_terminal(),
        )
    }

    /// The pure rule behind `for_stdout`/`for_stderr`.
    pub fn decide(choice: ColorChoice, no_color: Option<std::ffi::OsString>, tty: bool) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && no_color.is_none_or(|v| v.is_empty()),
        };
        Self { color }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Healthy / ready.
    pub fn ok(self, text: &str) -> String {
        self.paint("32", text)
    }
    /// Needs attention.
    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }
    /// Failed / blocked.
    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }
    /// Emphasis (names, headers).
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    /// De-emphasis.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_flag_no_color_and_terminal() {
        let cases = [
            ("auto on a tty", ColorChoice::Auto, None, true, true),
            ("auto off a tty", ColorChoice::Auto, None, false, false),
            (
                "NO_COLOR wins over auto",
                ColorChoice::Auto,
                Some("1"),
                true,
                false,
            ),
            (
                "empty NO_COLOR is unset",
                ColorChoice::Auto,
                Some(""),
                true,
                true,
            ),
            (
                "always beats NO_COLOR",
                ColorChoice::Always,
                Some("1"),
                false,
                true,
            ),
            ("never on a tty", ColorChoice::Never, None, true, false),
        ];
        for (name, choice, no_color, tty, want) in cases {
            let got = Style::decide(choice, no_color.map(Into::into), tty).color;
            assert_eq!(got, want, "{name}");
        }
    }
}
