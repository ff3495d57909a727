//! The progress of a pass, measured on the thread that writes, and reported at most four times
//! a second.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::report::{Pass, Progress, Report, Reporter};
use crate::read::stream::InputFile;

/// Documents, bytes and the share of the input read, for one pass.
pub(super) struct Meter {
    pass: Pass,
    enabled: bool,
    pub(super) start: Instant,
    last: Instant,
    total: Option<u64>,
    /// Compressed bytes read so far (added to by the reading thread).
    pub(super) consumed: Arc<AtomicU64>,
}

impl Meter {
    /// A meter of the pass over `files[i]` for each `i` of `which`; it reports only when
    /// `enabled`.
    pub(super) fn new(pass: Pass, enabled: bool, files: &[InputFile], which: &[usize]) -> Meter {
        let total = which.iter().map(|&i| files[i].size()).sum::<Option<u64>>();
        let now = Instant::now();
        Meter {
            pass,
            enabled,
            start: now,
            last: now,
            total,
            consumed: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Reports `docs` and `bytes` read, unless the last report is less than 250 ms old.
    pub(super) fn tick(&mut self, docs: u64, bytes: u64, reporter: &mut dyn Reporter) {
        if !self.enabled || self.last.elapsed() < Duration::from_millis(250) {
            return;
        }
        self.last = Instant::now();
        let done = match self.total {
            Some(t) if t > 0 => {
                Some(self.consumed.load(Ordering::Relaxed).min(t) as f64 / t as f64)
            }
            _ => None,
        };
        reporter.report(Report::Progress(Progress {
            pass: self.pass,
            docs,
            bytes,
            elapsed: self.start.elapsed(),
            done,
        }));
    }

    /// Reports the end of the pass.
    pub(super) fn finish(&self, reporter: &mut dyn Reporter) {
        if self.enabled {
            reporter.report(Report::PassDone(self.pass));
        }
    }
}
