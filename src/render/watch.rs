//! What `--watch` writes, decided purely from the frames it is given.
//!
//! - On a terminal, a frame replaces the previous one in place: the cursor
//!   goes back up over what we drew and erases from there down. Nothing above
//!   our own frame is touched, so the scrollback survives (no clear-screen).
//!   A frame taller than the terminal is cut to fit, with a `… N more lines`
//!   marker, because the cursor cannot move above the top of the screen.
//! - Off a terminal, only what changed is appended, one timestamped line per
//!   changed key.
//! - Structured output (`-o json|yaml|name`) appends a whole document each
//!   time it changes (JSON lines for json).

use std::collections::BTreeMap;

use k8s_openapi::jiff::Timestamp;

use super::style::Style;

/// What the commands know about stdout, decided once in `app`: the colour
/// decision, and the terminal's size (columns, rows) when stdout is one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Screen {
    pub style: Style,
    pub terminal: Option<(usize, usize)>,
}

impl Screen {
    /// The watch mode for human-readable output.
    pub fn table_mode(self) -> Mode {
        match self.terminal {
            Some((width, height)) => Mode::InPlace { width, height },
            None => Mode::Append,
        }
    }
}

/// Where the frames go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A terminal of this size (columns, rows), redrawn in place.
    InPlace {
        /// Columns, to count wrapped lines.
        width: usize,
        /// Rows; frames are cut to `height - 1` lines.
        height: usize,
    },
    /// Not a terminal: append-only.
    Append,
}

/// Turns successive frames into the bytes to write.
#[derive(Debug)]
pub struct Presenter {
    mode: Mode,
    /// Terminal rows occupied by the last in-place frame.
    drawn_rows: usize,
    last_frame: Option<String>,
    last_lines: BTreeMap<String, String>,
}

impl Presenter {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            drawn_rows: 0,
            last_frame: None,
            last_lines: BTreeMap::new(),
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// A full frame for a terminal (in place) or a document (append). `None`
    /// when nothing changed.
    pub fn frame(&mut self, text: &str) -> Option<String> {
        if self.last_frame.as_deref() == Some(text) {
            return None;
        }
        self.last_frame = Some(text.to_string());
        match self.mode {
            Mode::Append => Some(text.to_string()),
            Mode::InPlace { width, height } => {
                let mut out = String::new();
                if self.drawn_rows > 0 {
                    // Back to column 0, up over our own frame, erase to the end.
                    out.push_str(&format!("\r\x1b[{}A\x1b[J", self.drawn_rows));
                }
                let (fitted, rows) = fit(text, width.max(1), height.max(2) - 1);
                out.push_str(&fitted);
                self.drawn_rows = rows;
                Some(out)
            }
        }
    }

    /// Keyed lines off a terminal: writes `<timestamp> <line>` for every key
    /// whose line changed, and `<timestamp> <key> gone` for keys that
    /// disappeared. `None` when nothing changed.
    pub fn lines(&mut self, now: Timestamp, lines: Vec<(String, String)>) -> Option<String> {
        let ts = Timestamp::from_second(now.as_second()).unwrap_or(now);
        let mut out = String::new();
        let mut seen = BTreeMap::new();
        for (key, line) in lines {
            if self.last_lines.get(&key) != Some(&line) {
                out.push_str(&format!("{ts} {line}\n"));
            }
            seen.insert(key, line);
        }
        for key in self.last_lines.keys() {
            if !seen.contains_key(key) {
                out.push_str(&format!("{ts} {key} gone\n"));
            }
        }
        self.last_lines = seen;
        (!out.is_empty()).then_some(out)
    }
}

/// Cuts `text` to at most `max_rows` terminal rows of `width` columns.
/// Returns the text and the rows it occupies.
fn fit(text: &str, width: usize, max_rows: usize) -> (String, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let rows_of = |l: &str| console::measure_text_width(l).max(1).div_ceil(width);
    let total: usize = lines.iter().map(|l| rows_of(l)).sum();
    if total <= max_rows {
        return (lines.iter().map(|l| format!("{l}\n")).collect(), total);
    }
    let mut out = String::new();
    let mut used = 0;
    let mut shown = 0;
    for l in &lines {
        let r = rows_of(l);
        if used + r + 1 > max_rows {
            break;
        }
        out.push_str(l);
        out.push('\n');
        used += r;
        shown += 1;
    }
    out.push_str(&format!("… {} more lines\n", lines.len() - shown));
    (out, used + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_780_000_000 + s).unwrap()
    }

    #[test]
    fn in_place_moves_up_over_its_own_frame_and_never_clears_the_screen() {
        let mut p = Presenter::new(Mode::InPlace {
            width: 80,
            height: 24,
        });
        let first = p.frame("a\nb\nc\n").unwrap();
        assert_eq!(first, "a\nb\nc\n", "the first frame is drawn as is");
        assert_eq!(
            p.frame("a\nb\nc\n"),
            None,
            "an unchanged frame is not redrawn"
        );
        let second = p.frame("a\nB\n").unwrap();
        assert_eq!(
            second, "\r\x1b[3A\x1b[Ja\nB\n",
            "up 3 rows, erase below, redraw"
        );
        let third = p.frame("x\n").unwrap();
        assert!(
            third.starts_with("\r\x1b[2A\x1b[J"),
            "up over the 2-line frame"
        );
        for f in [&first, &second, &third] {
            assert!(!f.contains("\x1b[2J") && !f.contains("\x1b[3J") && !f.contains("\x1b[H"));
        }
    }

    #[test]
    fn wrapped_lines_count_as_the_rows_they_take() {
        let mut p = Presenter::new(Mode::InPlace {
            width: 10,
            height: 24,
        });
        p.frame(&format!("{}\nshort\n", "x".repeat(25))).unwrap();
        let next = p.frame("y\n").unwrap();
        assert!(
            next.starts_with("\r\x1b[4A"),
            "25 columns wrap to 3 rows, plus 1: {next:?}"
        );
    }

    #[test]
    fn a_frame_taller_than_the_terminal_is_cut_with_a_marker() {
        let mut p = Presenter::new(Mode::InPlace {
            width: 80,
            height: 5,
        });
        let text: String = (1..=10).map(|i| format!("line {i}\n")).collect();
        let out = p.frame(&text).unwrap();
        assert_eq!(out, "line 1\nline 2\nline 3\n… 7 more lines\n");
        let next = p.frame("z\n").unwrap();
        assert!(
            next.starts_with("\r\x1b[4A"),
            "moves up exactly what was drawn"
        );
    }

    #[test]
    fn append_mode_writes_only_changed_lines_with_a_timestamp() {
        let mut p = Presenter::new(Mode::Append);
        let l = |k: &str, v: &str| (k.to_string(), v.to_string());
        let first = p.lines(at(0), vec![l("a", "a 1"), l("b", "b 1")]).unwrap();
        assert_eq!(
            first,
            "2026-05-28T20:26:40Z a 1\n2026-05-28T20:26:40Z b 1\n"
        );
        assert_eq!(p.lines(at(1), vec![l("a", "a 1"), l("b", "b 1")]), None);
        assert_eq!(
            p.lines(at(2), vec![l("a", "a 2")]).unwrap(),
            "2026-05-28T20:26:42Z a 2\n2026-05-28T20:26:42Z b gone\n"
        );
    }

    #[test]
    fn append_mode_documents_only_when_they_change() {
        let mut p = Presenter::new(Mode::Append);
        assert_eq!(p.frame("{\"a\":1}\n").as_deref(), Some("{\"a\":1}\n"));
        assert_eq!(p.frame("{\"a\":1}\n"), None);
        assert_eq!(p.frame("{\"a\":2}\n").as_deref(), Some("{\"a\":2}\n"));
    }
}
