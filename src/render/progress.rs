//! Progress on stderr. On a terminal: indicatif bars (ready replicas, the
//! current step, the whole rollout) under a status line, with lasting event
//! lines printed above them. Elsewhere (CI logs, pipes, tests): no bars,
//! append-only `HH:MM:SS message` lines, a status line only when it changed.
//! Never writes to stdout.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use k8s_openapi::jiff::Timestamp;

/// The clock, read in `app` only and passed down.
pub type Clock<'a> = &'a (dyn Fn() -> Timestamp + Sync);

/// The kinds of bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarKind {
    /// Ready replicas of a stack: `pos/len replicas`.
    Replicas,
    /// One step: held seconds of the interval.
    Step,
    /// Percent of the traffic moved.
    Percent,
}

/// The progress reporter of one command.
pub struct Progress<'a> {
    multi: Option<MultiProgress>,
    status: Option<ProgressBar>,
    bars: Mutex<Vec<ProgressBar>>,
    now: Clock<'a>,
    last: Mutex<String>,
}

/// One bar; a no-op off a terminal.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// Sets the length.
    pub fn set_len(&self, len: u64) {
        if let Some(b) = &self.0 {
            b.set_length(len.max(1));
        }
    }
    /// Sets the position.
    pub fn set_position(&self, pos: u64) {
        if let Some(b) = &self.0 {
            b.set_position(pos);
        }
    }
    /// Sets the message after the bar.
    pub fn set_message(&self, msg: impl Into<String>) {
        if let Some(b) = &self.0 {
            b.set_message(msg.into());
        }
    }
    /// Fills the bar and leaves it drawn.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            if let Some(len) = b.length() {
                b.set_position(len);
            }
            b.finish();
        }
    }
    /// Removes the bar.
    pub fn clear(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

fn style(kind: BarKind) -> ProgressStyle {
    let template = match kind {
        BarKind::Replicas => "{prefix:>10.bold} [{bar:30.green/dim}] {pos}/{len} ready {msg}",
        BarKind::Step => "{prefix:>10.bold} [{bar:30.cyan/dim}] {msg}",
        BarKind::Percent => "{prefix:>10.bold} [{bar:30.blue/dim}] {pos:>3}% {msg}",
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl<'a> Progress<'a> {
    /// Bars on a terminal (`bars`), timestamped lines otherwise.
    pub fn new(bars: bool, now: Clock<'a>) -> Self {
        let multi = bars.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        let status = multi.as_ref().map(|m| {
            let s = m.add(ProgressBar::new_spinner());
            s.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            s.enable_steady_tick(Duration::from_millis(120));
            s
        });
        Self {
            multi,
            status,
            bars: Mutex::new(Vec::new()),
            now,
            last: Mutex::new(String::new()),
        }
    }

    fn stamp(&self) -> String {
        (self.now)().strftime("%H:%M:%S").to_string()
    }

    fn line(&self, msg: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{} {msg}", self.stamp());
    }

    /// A lasting line: a step written, a stack ready, a failure.
    pub fn event(&self, msg: &str) {
        match &self.multi {
            Some(m) => {
                let _ = m.println(msg);
            }
            None => self.line(msg),
        }
        if let Ok(mut last) = self.last.lock() {
            last.clear();
        }
    }

    /// The current state, e.g. what is being waited for. Off a terminal it is
    /// printed only when it changed.
    pub fn status(&self, msg: &str) {
        if let Some(s) = &self.status {
            s.set_message(msg.to_string());
            return;
        }
        if let Ok(mut last) = self.last.lock() {
            if *last == msg {
                return;
            }
            *last = msg.to_string();
        }
        self.line(msg);
    }

    /// Replaces the current state after an event made it stale: on a
    /// terminal the status line shows `msg`; off a terminal nothing is
    /// printed (the event line said it) and the next `status` prints again.
    pub fn restate(&self, msg: &str) {
        if let Some(s) = &self.status {
            s.set_message(msg.to_string());
        } else if let Ok(mut last) = self.last.lock() {
            last.clear();
        }
    }

    /// A new bar (hidden off a terminal).
    pub fn bar(&self, kind: BarKind, prefix: &str, len: u64) -> Bar {
        Bar(self.multi.as_ref().map(|m| {
            let b = m.insert_from_back(1, ProgressBar::new(len.max(1)));
            b.set_style(style(kind));
            b.set_prefix(prefix.to_string());
            if let Ok(mut bars) = self.bars.lock() {
                bars.push(b.clone());
            }
            b
        }))
    }

    /// Runs `f` (a prompt) with the bars out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.multi {
            Some(m) => m.suspend(f),
            None => f(),
        }
    }

    /// Removes the bars and the status line; the event lines stay in the
    /// scrollback. Call it before printing the result on stdout.
    pub fn done(&self) {
        if let Ok(mut bars) = self.bars.lock() {
            for b in bars.drain(..) {
                b.finish_and_clear();
            }
        }
        if let Some(s) = &self.status {
            s.finish_and_clear();
        }
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        self.done();
    }
}

/// Durations in messages: the core's one formatter (`1h`, `1h5m`, `45s`).
pub use stackset_core::duration_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_bars_are_inert() {
        let now = || Timestamp::from_second(0).unwrap();
        let p = Progress::new(false, &now);
        let b = p.bar(BarKind::Percent, "traffic", 100);
        b.set_position(50);
        b.set_message("x");
        b.finish();
        assert!(b.0.is_none());
        assert_eq!(p.suspend(|| 7), 7);
    }
}
