//! The output directory: one output file per input file, written under a temporary name and
//! renamed when complete, so that a file under its final name is complete and a rerun skips it
//! (resume); the temporary files of a stopped run are removed by the next.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::container::{parse_temp_name, temp_path};
use crate::error::{Error, Result};
use crate::output::OutputKind;
use crate::read::InputFormat;
use crate::read::stream::InputFile;

use super::inputs::same_file;

/// Output of one input file, written under a temporary name and renamed when complete.
pub(super) struct Shard {
    pub(super) file: usize,
    pub(super) tmp: PathBuf,
    dest: PathBuf,
    pub(super) enc: Encoder,
}

pub(super) enum Encoder {
    Plain(std::io::BufWriter<std::fs::File>),
    Gz(flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>),
    Zst(zstd::stream::write::Encoder<'static, std::io::BufWriter<std::fs::File>>),
}

impl Encoder {
    pub(super) fn writer(&mut self) -> &mut dyn Write {
        match self {
            Encoder::Plain(w) => w,
            Encoder::Gz(w) => w,
            Encoder::Zst(w) => w,
        }
    }

    pub(super) fn finish(self) -> std::io::Result<std::fs::File> {
        let buf = match self {
            Encoder::Plain(w) => w,
            Encoder::Gz(w) => w.finish()?,
            Encoder::Zst(w) => w.finish()?,
        };
        buf.into_inner().map_err(|e| e.into_error())
    }
}

impl Shard {
    pub(super) fn create(file: usize, dest: PathBuf) -> Result<Shard> {
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let tmp = temp_path(&dest);
        let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let w = std::io::BufWriter::with_capacity(1 << 20, f);
        let name = dest.to_string_lossy();
        let enc = if name.ends_with(".gz") {
            Encoder::Gz(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::default(),
            ))
        } else if name.ends_with(".zst") {
            Encoder::Zst(zstd::stream::write::Encoder::new(w, 3).map_err(|e| Error::io(&tmp, e))?)
        } else {
            Encoder::Plain(w)
        };
        Ok(Shard {
            file,
            tmp,
            dest,
            enc,
        })
    }

    /// Drops what was written, under its temporary name.
    pub(super) fn discard(self) -> Result<()> {
        drop(self.enc);
        std::fs::remove_file(&self.tmp).map_err(|e| Error::io(&self.tmp, e))
    }

    /// Flushes, syncs and renames the output to its final name; on failure (a full disk at the
    /// last flush) the temporary file is removed.
    pub(super) fn finish(self) -> Result<()> {
        let Shard { tmp, dest, enc, .. } = self;
        let done = (|| {
            let f = enc.finish().map_err(|e| Error::io(&tmp, e))?;
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))
        })();
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done
    }
}

/// Removes the temporary files that a run which stopped before renaming them left beside
/// `dests` (`.NAME.tmp-PID`, see [`Shard`]): those of a process that no longer runs (on Linux;
/// elsewhere of any other process), last written before `began`. Each output directory is
/// listed once; what cannot be listed or removed is left as it is. Returns how many were
/// removed.
pub(super) fn remove_stale_temps(dests: &[PathBuf], began: std::time::SystemTime) -> usize {
    let ours: std::collections::HashSet<&Path> = dests.iter().map(PathBuf::as_path).collect();
    let dirs: std::collections::BTreeSet<&Path> = dests.iter().filter_map(|d| d.parent()).collect();
    let mut removed = 0;
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some((dest, pid)) = name.to_str().and_then(parse_temp_name) else {
                continue;
            };
            let running = pid == std::process::id()
                || (cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists());
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < began);
            if !running && old && ours.contains(dir.join(dest).as_path()) {
                removed += usize::from(std::fs::remove_file(e.path()).is_ok());
            }
        }
    }
    removed
}

/// The output file of each input under `dir`.
///
/// # Errors
/// [`Error::Input`] when an output file would replace its input, or two inputs would write the
/// same output file.
pub(super) fn plan(
    files: &[InputFile],
    dir: &Path,
    kind: OutputKind,
    format: InputFormat,
) -> Result<Vec<PathBuf>> {
    let dests: Vec<PathBuf> = files
        .iter()
        .map(|f| dir.join(output_name(f, kind, format)))
        .collect();
    let mut seen: std::collections::HashMap<&Path, usize> = Default::default();
    for (i, d) in dests.iter().enumerate() {
        if same_file(d, &files[i].path) {
            return Err(Error::input(
                d.display().to_string(),
                format!(
                    "the output file of {} would replace that input",
                    files[i].path.display()
                ),
            ));
        }
        if let Some(j) = seen.insert(d, i) {
            return Err(Error::input(
                d.display().to_string(),
                format!(
                    "{} and {} would both write this output file",
                    files[j].path.display(),
                    files[i].path.display()
                ),
            ));
        }
    }
    Ok(dests)
}

fn split_compression(name: &str) -> (&str, &str) {
    for ext in [".gz", ".zst"] {
        if let Some(base) = name.strip_suffix(ext) {
            return (base, ext);
        }
    }
    (name, "")
}

/// The output file of an input, relative to the output directory: the same name for JSONL
/// inputs (compression kept), the name plus `.jsonl` (`.txt` for plain text output) for others.
pub fn output_name(input: &InputFile, kind: OutputKind, format: InputFormat) -> PathBuf {
    let name = input.relative.to_string_lossy();
    let (base, comp) = split_compression(&name);
    let lower = base.to_ascii_lowercase();
    let jsonl = format == InputFormat::Jsonl
        || (format == InputFormat::Auto
            && [".jsonl", ".ndjson", ".json"]
                .iter()
                .any(|e| lower.ends_with(e)));
    let ext = if kind == OutputKind::Plain {
        ".txt"
    } else {
        ".jsonl"
    };
    if jsonl && kind != OutputKind::Plain {
        PathBuf::from(name.as_ref())
    } else {
        PathBuf::from(format!("{base}{ext}{comp}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_last_flush_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        let tmp = temp_path(&dest);
        std::fs::write(&tmp, b"").unwrap();
        // What the last flush writes goes to a full disk.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut shard = Shard {
            file: 0,
            tmp: tmp.clone(),
            dest: dest.clone(),
            enc: Encoder::Plain(std::io::BufWriter::with_capacity(1 << 10, full)),
        };
        shard.enc.writer().write_all(b"{\"id\":1}\n").unwrap();
        let e = shard.finish().unwrap_err();
        assert!(e.to_string().contains("No space left"), "{e}");
        assert!(!tmp.exists(), "the temporary file is left");
        assert!(!dest.exists());
    }
}
