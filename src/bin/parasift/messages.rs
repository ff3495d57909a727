//! The one place where the tool talks to the person running it: every line it writes on
//! standard error (errors, notes, summaries) starts with `parasift: ` and is written here.
//! Standard output carries the commands' results only.

use std::fmt::Display;
use std::io::IsTerminal;
use std::process::ExitCode;

use parasift::Error;
use parasift::pipeline::{Report, Reporter, Summary};

/// Errors written so far (inputs that failed), for the exit code of a run cut short.
static ERRORS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many errors [`Terminal::error`] has written.
pub fn errors_reported() -> u64 {
    ERRORS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Standard error, as the tool writes to it.
#[derive(Debug, Default)]
pub struct Terminal;

impl Terminal {
    /// `parasift: error: E`: an input that failed, or the error that stops the command.
    pub fn error(&self, e: &Error) {
        ERRORS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        eprintln!("parasift: error: {e}");
    }

    /// `parasift: NOTE`: what the command did (wrote a file, counted a corpus …).
    pub fn note(&self, note: &str) {
        eprintln!("parasift: {note}");
    }

    /// `parasift: SUMMARY`: the counts of a corpus run.
    pub fn summary(&self, sum: &Summary) {
        eprintln!("parasift: {sum}");
    }

    /// `parasift: F of T inputs failed`, after the failed ones were reported one by one.
    pub fn failed(&self, failed: impl Display, total: impl Display) {
        eprintln!("parasift: {failed} of {total} inputs failed");
    }
}

/// What a corpus run reports: each rejected record as an error, notes, and the progress line
/// (which the run sends only when asked to, see [`Terminal::progress`]).
impl Reporter for &Terminal {
    fn report(&mut self, report: Report<'_>) {
        match report {
            Report::Rejected { error, .. } => self.error(error),
            Report::Progress(p) => {
                let secs = p.elapsed().as_secs_f64();
                let mb = p.bytes() as f64 / 1e6;
                let eta = match p.done() {
                    Some(done) if done > 0.0 => {
                        let left = secs * (1.0 - done) / done;
                        format!(", {:.0}% done, {:.0} s left", done * 100.0, left)
                    }
                    _ => String::new(),
                };
                eprint!(
                    "\r\x1b[2K{}: {} documents, {mb:.1} MB, {:.1} MB/s{eta}",
                    p.pass().name(),
                    p.docs(),
                    mb / secs.max(1e-9)
                );
            }
            Report::PassDone(_) => eprint!("\r\x1b[2K"),
            Report::RemovedTemporaryFiles(n) => self.note(&format!(
                "removed {n} temporary files that an earlier run left"
            )),
            Report::NotReadToEnd { source } => self.note(&format!(
                "{source}: not read to its end; no output is kept for it, and a rerun reads it \
                 again"
            )),
            _ => {}
        }
    }
}

impl Terminal {
    /// Whether a progress line is shown: unless `quiet`, when standard error is a terminal.
    pub fn progress(&self, quiet: bool) -> bool {
        !quiet && std::io::stderr().is_terminal()
    }
}

/// Counts the inputs that failed, reports each on the terminal and turns them into the exit
/// code.
pub struct Failures<'t> {
    term: &'t Terminal,
    count: usize,
}

impl<'t> Failures<'t> {
    /// No failure yet.
    pub fn new(term: &'t Terminal) -> Self {
        Self { term, count: 0 }
    }

    /// Counts and reports `e`.
    pub fn report(&mut self, e: &Error) {
        self.count += 1;
        self.term.error(e);
    }

    /// Success when nothing failed; else says how many of the `total` inputs did, and 1.
    pub fn exit_code(&self, total: usize) -> ExitCode {
        if self.count > 0 {
            self.term.failed(self.count, total);
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}
