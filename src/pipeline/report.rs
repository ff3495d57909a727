//! What a run tells its caller while it goes. The library never prints: progress, rejected
//! records and notes go to a [`Reporter`] the caller gives (the command-line tool prints them
//! on standard error; a Python binding may hand them to a callback or a logger).

use std::time::Duration;

use crate::error::Error;

/// Which pass a run is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pass {
    /// The first pass: counting paragraphs and shingles over the corpus.
    Counting,
    /// The second pass: classifying and writing.
    Classifying,
}

impl Pass {
    /// `counting` or `classifying`.
    pub fn name(self) -> &'static str {
        match self {
            Pass::Counting => "counting",
            Pass::Classifying => "classifying",
        }
    }
}

/// How far a pass has got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The pass.
    pub(crate) pass: Pass,
    /// Records and files read so far.
    pub(crate) docs: u64,
    /// Input bytes (decompressed) read so far.
    pub(crate) bytes: u64,
    /// Time since the pass started.
    pub(crate) elapsed: Duration,
    /// The share of the pass's input (by file size on disk) read so far, when the sizes are
    /// known (not for standard input).
    pub(crate) done: Option<f64>,
}

impl Progress {
    /// The pass.
    pub fn pass(&self) -> Pass {
        self.pass
    }

    /// Records and files read so far.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Input bytes (decompressed) read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Time since the pass started.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The share of the pass's input (by file size on disk) read so far, when the sizes are
    /// known (not for standard input).
    pub fn done(&self) -> Option<f64> {
        self.done
    }
}

/// One thing a run reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum Report<'a> {
    /// A record or file was rejected; the run goes on. It is also written to the rejects file,
    /// when there is one.
    Rejected {
        /// What was wrong.
        error: &'a Error,
        /// The file (`-` for standard input).
        source: &'a str,
        /// The 1-based line of a JSONL record.
        line: Option<usize>,
    },
    /// How far a pass has got (at most four times a second).
    Progress(Progress),
    /// A pass has ended (after its last [`Report::Progress`]).
    PassDone(Pass),
    /// Temporary output files that an earlier, stopped run left were removed.
    RemovedTemporaryFiles(usize),
    /// An input could not be read to its end: no output is kept for it, and a rerun reads it
    /// again.
    NotReadToEnd {
        /// The file.
        source: &'a str,
    },
}

/// Receives what a run reports, on the thread that started the run, in input order.
pub trait Reporter {
    /// Takes one report.
    fn report(&mut self, report: Report<'_>);
}

impl<F: FnMut(Report<'_>)> Reporter for F {
    fn report(&mut self, report: Report<'_>) {
        self(report)
    }
}

/// A reporter that drops every report (the summary a run returns still counts everything).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Reporter for Silent {
    fn report(&mut self, _: Report<'_>) {}
}
