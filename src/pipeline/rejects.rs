//! Rejected records and files: each goes to the reporter, and to the rejects file when one is
//! asked for (`{"source", "line", "reason"}` per line, appended).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Reject;
use super::report::{Report, Reporter};
use crate::error::{Error, Result};

/// Where each rejected record goes.
pub(super) struct Rejects {
    file: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
}

impl Rejects {
    /// Opens the rejects file at `path` for appending, when there is one.
    pub(super) fn open(path: Option<&Path>) -> Result<Rejects> {
        let file = match path {
            Some(p) => {
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| Error::io(p, e))?;
                Some((p.to_path_buf(), std::io::BufWriter::new(f)))
            }
            None => None,
        };
        Ok(Rejects { file })
    }

    /// Reports `e`, about `source` (and its `line`), and writes it to the rejects file.
    pub(super) fn report(
        &mut self,
        e: &Error,
        source: String,
        line: Option<usize>,
        reporter: &mut dyn Reporter,
    ) -> Result<()> {
        reporter.report(Report::Rejected {
            error: e,
            source: &source,
            line,
        });
        if let Some((p, w)) = &mut self.file {
            let rec = Reject {
                source,
                line,
                reason: e.reason(),
            };
            serde_json::to_writer(&mut *w, &rec).map_err(|e| Error::io(&*p, e.into()))?;
            w.write_all(b"\n").map_err(|e| Error::io(&*p, e))?;
        }
        Ok(())
    }

    /// Flushes the rejects file.
    pub(super) fn flush(&mut self) -> Result<()> {
        if let Some((p, w)) = &mut self.file {
            w.flush().map_err(|e| Error::io(&*p, e))?;
        }
        Ok(())
    }
}
