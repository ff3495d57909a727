//! Whole corpora through classification, streaming: records are read in groups on a thread of
//! their own, each group is parsed, analysed, classified and rendered by whichever rayon worker
//! is free, and the results are written in input order and dropped. Memory is the corpus index
//! plus a bounded window of records in flight, whatever the corpus size.
//!
//! Corpus repetition needs a first pass: when every input is a file, [`build_index`] streams
//! them once to count paragraphs (cheaply: hashes only, no analysis), then [`run`] streams them
//! again to classify; when all the parsed records of the first pass fit in the window of records
//! in flight, they are kept and the second pass neither reads nor parses them again. Standard
//! input cannot be read twice: without a saved index the counts
//! grow batch by batch, each batch classified against everything seen so far (itself included).

//!
//! The stages, one file each: [`inputs`](select_inputs) (this process's share of the files),
//! the executor (groups on the workers, results in input order, a bounded window), the first
//! pass (counting), the second pass (classifying and writing), progress, rejects, and the
//! output directory (temporary names, rename, resume). Nothing here prints: what a run has to
//! say goes to the [`Reporter`] it is given, and its output to the writer it is given.

mod executor;
mod first_pass;
mod inputs;
mod output_dir;
mod progress;
mod rejects;
mod report;
mod second_pass;

use std::borrow::Borrow;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::read::ReadOptions;

pub use crate::output::{DEFAULT_ATTRIBUTE_PREFIX, OutputKind, RenderKeys, render};
pub use crate::read::stream::{InputFile, Parsed};
pub use first_pass::build_index;
pub use inputs::{check_outside_inputs, check_replaceable, same_file, select_inputs};
pub use output_dir::output_name;
pub use report::{Pass, Progress, Report, Reporter, Silent};

use progress::Meter;
use rejects::Rejects;
use second_pass::{Classify, Writer};

/// Where the corpus counts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexSource {
    /// A first pass over the inputs, within this many bytes.
    Build(usize),
    /// A saved index file.
    File(PathBuf),
}

/// How a corpus run reads, counts and writes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How inputs are read.
    pub read: ReadOptions,
    /// What is written per document.
    pub output: OutputKind,
    /// Write one output file per input file under this directory (same relative names), instead
    /// of everything to the writer the run is given.
    pub output_dir: Option<PathBuf>,
    /// Where the corpus counts come from.
    pub index: IndexSource,
    /// This process's share of the input files: file `i` (in listing order) is read when
    /// `i % world_size == rank`.
    pub rank: usize,
    /// Number of shares.
    pub world_size: usize,
    /// Append each rejected record or file to this JSONL file.
    pub rejects: Option<PathBuf>,
    /// Send [`Report::Progress`] and [`Report::PassDone`] to the reporter.
    pub progress: bool,
    /// Documents per batch: at most twice this many are read and not yet written. Standard
    /// input without a saved index is counted and classified batch by batch.
    pub batch_docs: usize,
    /// Input bytes per batch (about), bounding the records in flight in the same way.
    pub batch_bytes: usize,
    /// Attribute rows name their spans `PREFIX__content`.
    pub attribute_prefix: String,
}

impl Default for RunOptions {
    fn default() -> Self {
        let threads = rayon::current_num_threads().max(1);
        RunOptions {
            read: ReadOptions::default(),
            output: OutputKind::Paragraphs,
            output_dir: None,
            index: IndexSource::Build(crate::corpus::DEFAULT_INDEX_MEMORY),
            rank: 0,
            world_size: 1,
            rejects: None,
            progress: false,
            batch_docs: 1024 * threads,
            batch_bytes: (2 << 20) * threads,
            attribute_prefix: crate::output::DEFAULT_ATTRIBUTE_PREFIX.into(),
        }
    }
}

impl RunOptions {
    /// How many parsed records, and about how much memory of them, the first pass may keep for
    /// the second, with an index of `memory` bytes: as much as the window of records in flight
    /// holds, or [`KEEP_DOCS`](first_pass::KEEP_DOCS) records and [`KEEP_BYTES`](first_pass::KEEP_BYTES) (at most an eighth of `memory`) when
    /// that is more.
    fn kept(&self, memory: usize) -> (usize, usize) {
        let (docs, bytes) = self.in_flight();
        (
            docs.max(first_pass::KEEP_DOCS),
            bytes.max(first_pass::KEEP_BYTES.min(memory / 8)),
        )
    }

    /// How many records, and about how many input bytes, may be read and not yet written:
    /// twice a batch.
    fn in_flight(&self) -> (usize, usize) {
        (
            2 * self.batch_docs.max(1),
            2usize.saturating_mul(self.batch_bytes.max(1)),
        )
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records and files read (each JSONL record, each other file, each unreadable file).
    pub(crate) docs_in: u64,
    /// Documents written.
    pub(crate) docs_out: u64,
    /// Records and files rejected (reported, and written to the rejects file).
    pub(crate) rejected: u64,
    /// Input bytes (decompressed).
    pub(crate) bytes: u64,
    /// Input files of this share that were read.
    pub(crate) files: usize,
    /// Input files of this share skipped because their output was already complete.
    pub(crate) skipped_files: usize,
    /// Input files that could not be read to their end (their error is among `rejected`). With
    /// an output directory their output is not kept, so that a rerun reads them again.
    pub(crate) unread_files: usize,
    /// Wall-clock seconds.
    pub(crate) seconds: f64,
}

impl Summary {
    /// Records and files read (each JSONL record, each other file, each unreadable file).
    pub fn docs_in(&self) -> u64 {
        self.docs_in
    }

    /// Documents written.
    pub fn docs_out(&self) -> u64 {
        self.docs_out
    }

    /// Records and files rejected (reported, and written to the rejects file).
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// Input bytes (decompressed).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Input files of this share that were read.
    pub fn files(&self) -> usize {
        self.files
    }

    /// Input files of this share skipped because their output was already complete.
    pub fn skipped_files(&self) -> usize {
        self.skipped_files
    }

    /// Input files that could not be read to their end (their error is among `rejected`). With
    /// an output directory their output is not kept, so that a rerun reads them again.
    pub fn unread_files(&self) -> usize {
        self.unread_files
    }

    /// Wall-clock seconds.
    pub fn seconds(&self) -> f64 {
        self.seconds
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mb = self.bytes as f64 / 1e6;
        write!(
            f,
            "{} documents in, {} out, {} rejected; {} files ({} already done); {mb:.1} MB in {:.1} s ({:.1} MB/s)",
            self.docs_in,
            self.docs_out,
            self.rejected,
            self.files,
            self.skipped_files,
            self.seconds,
            mb / self.seconds.max(1e-9),
        )?;
        if self.unread_files > 0 {
            write!(f, "; {} files not read to their end", self.unread_files)?;
        }
        Ok(())
    }
}

/// A rejected record or file, as written to the rejects file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// The file (`-` for standard input).
    pub source: String,
    /// The 1-based line of a JSONL record.
    pub line: Option<usize>,
    /// What was wrong.
    pub reason: String,
}

/// Streams `paths` through `model` as one corpus (this process's share of it), writing what
/// `opts.output` says to `out` or, with `opts.output_dir`, to one output file per input file.
/// Bad records and files go to `reporter` (and to `opts.rejects`) and are counted; the run goes
/// on. An input that cannot be read to its end keeps no output file (see
/// [`Summary::unread_files`]).
///
/// # Errors
/// A saved index that cannot be loaded, two inputs that would write the same output file, an
/// output directory or rejects file that is an input or inside an input directory, an output
/// file that would replace its input, or a failure to write output: the run stops. Output
/// files already renamed are complete; the one being written is removed.
pub fn run(
    model: &Model,
    paths: &[PathBuf],
    opts: &RunOptions,
    out: &mut dyn Write,
    reporter: &mut dyn Reporter,
) -> Result<Summary> {
    run_with(|| Ok(model), paths, opts, out, reporter).map(|(sum, _)| sum)
}

/// As [`run`], with the model asked of `model` only once the corpus is counted: the first pass
/// (or the loading of a saved index) does not need it, so a model that another thread is
/// still decoding is waited for only then. Returns the model with the summary.
///
/// # Errors
/// As [`run`], and the error `model` returns.
pub fn run_with<M: Borrow<Model>>(
    model: impl FnOnce() -> Result<M>,
    paths: &[PathBuf],
    opts: &RunOptions,
    out: &mut dyn Write,
    reporter: &mut dyn Reporter,
) -> Result<(Summary, M)> {
    let start = Instant::now();
    let began = std::time::SystemTime::now();
    if let Some(dir) = &opts.output_dir {
        check_outside_inputs(paths, "--output-dir", dir)?;
    }
    if let Some(file) = &opts.rejects {
        check_outside_inputs(paths, "--rejects", file)?;
    }
    let (files, listing_errors) = select_inputs(paths, opts.rank, opts.world_size);
    let mut rejects = Rejects::open(opts.rejects.as_deref())?;
    let mut sum = Summary::default();
    for e in &listing_errors {
        let source = match e {
            Error::Io { path, .. } => path.display().to_string(),
            other => other.to_string(),
        };
        rejects.report(e, source, None, reporter)?;
        sum.docs_in += 1;
        sum.rejected += 1;
    }

    // Where each file's output goes, and which are already complete.
    let dests = match &opts.output_dir {
        Some(dir) => Some(output_dir::plan(
            &files,
            dir,
            opts.output,
            opts.read.format,
        )?),
        None => None,
    };
    let todo: Vec<usize> = (0..files.len())
        .filter(|&i| dests.as_ref().is_none_or(|d| !d[i].exists()))
        .collect();
    sum.files = todo.len();
    sum.skipped_files = files.len() - todo.len();
    if let Some(dests) = &dests {
        let removed = output_dir::remove_stale_temps(dests, began);
        if removed > 0 {
            reporter.report(Report::RemovedTemporaryFiles(removed));
        }
    }

    let stdin = files.iter().any(InputFile::is_stdin);
    let (index, kept) = first_pass::counts(&files, &todo, stdin, opts, reporter)?;
    let incremental = stdin && matches!(opts.index, IndexSource::Build(_));

    let mut progress = Meter::new(Pass::Classifying, opts.progress, &files, &todo);
    let keys = RenderKeys {
        text: &opts.read.keys.text,
        attribute_prefix: &opts.attribute_prefix,
    };
    let mut writer = Writer::new(
        &files,
        dests.as_deref(),
        out,
        rejects,
        reporter,
        (opts.output, keys),
    );
    let model = model()?;
    let ctx = Classify {
        files: &files,
        opts,
        model: model.borrow(),
        keys,
        kind: opts.output,
    };
    let result = second_pass::classify(
        &ctx,
        todo,
        kept,
        index,
        incremental,
        &mut progress,
        &mut writer,
        &mut sum,
    );
    progress.finish(&mut *writer.reporter);
    if let Err(e) = result {
        if let Some(s) = writer.shard.take() {
            let _ = std::fs::remove_file(&s.tmp);
        }
        return Err(e);
    }
    writer.out.flush().map_err(|e| Error::io("-", e))?;
    writer.rejects.flush()?;
    sum.seconds = start.elapsed().as_secs_f64();
    if sum.docs_in != sum.docs_out + sum.rejected {
        return Err(Error::input(
            "parasift",
            format!(
                "{} documents in but {} written and {} rejected",
                sum.docs_in, sum.docs_out, sum.rejected
            ),
        ));
    }
    Ok((sum, model))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::first_pass::{KEEP_BYTES, KEEP_DOCS, Kept, first_pass};
    use super::second_pass::Slot;
    use super::*;
    use crate::corpus::CorpusIndex;

    #[test]
    fn records_kept_up_to_the_window_or_an_eighth_of_the_index() {
        let opts = RunOptions {
            batch_docs: 100,
            batch_bytes: 1 << 20,
            ..RunOptions::default()
        };
        // The default budget: 32 MiB and 16 384 records, more than the window.
        assert_eq!(opts.kept(256 << 20), (KEEP_DOCS, KEEP_BYTES));
        // A small budget: the window (twice a batch).
        assert_eq!(opts.kept(2 << 20), (KEEP_DOCS, 2 << 20));
        assert_eq!(opts.kept(64 << 20), (KEEP_DOCS, 8 << 20));
        // A window larger than both.
        let big = RunOptions {
            batch_docs: 10_000,
            batch_bytes: 64 << 20,
            ..opts
        };
        assert_eq!(big.kept(256 << 20), (20_000, 128 << 20));
    }

    /// Writes `in.jsonl` in `dir`: `n` records of two paragraphs (ids `d0`, `d1`, …), then
    /// `tail`.
    fn write_records(dir: &Path, n: usize, tail: &str) -> PathBuf {
        let path = dir.join("in.jsonl");
        let mut body = String::new();
        for i in 0..n {
            body += &format!("{{\"id\": \"d{i}\", \"text\": \"Paragraph {i}.\\nShare this.\"}}\n");
        }
        std::fs::write(&path, body + tail).unwrap();
        path
    }

    #[test]
    fn first_pass_keeps_records_only_while_they_all_fit() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_records(dir.path(), 10, "{not json\n");
        let (files, errors) = select_inputs(std::slice::from_ref(&path), 0, 1);
        assert!(errors.is_empty());
        let opts = RunOptions::default();
        let keep = |max_docs, lines| Kept::new(max_docs, 1 << 20, lines);
        let (_, sum, kept) = first_pass(
            &files,
            &[0],
            &opts,
            1 << 20,
            Some(keep(11, false)),
            false,
            &mut Silent,
        )
        .unwrap();
        assert_eq!((sum.docs_in, sum.docs_out, sum.rejected), (11, 10, 1));
        let kept = kept.expect("eleven records fit in eleven");
        assert_eq!(kept.len(), 12);
        assert!(
            matches!(&kept[0], Slot::Item(0, Some(1), _, Ok(p)) if p.doc.id == "d0" && p.line.is_none())
        );
        assert!(matches!(&kept[10], Slot::Item(0, Some(11), _, Err(_))));
        assert!(matches!(kept[11], Slot::End(0)));
        // Lines are kept for clean output only.
        let (_, _, kept) = first_pass(
            &files,
            &[0],
            &opts,
            1 << 20,
            Some(keep(11, true)),
            false,
            &mut Silent,
        )
        .unwrap();
        assert!(matches!(&kept.unwrap()[0], Slot::Item(.., Ok(p)) if p.line.is_some()));
        // One too many: nothing is kept, and the counts are the same.
        let (index, sum2, kept) = first_pass(
            &files,
            &[0],
            &opts,
            1 << 20,
            Some(keep(10, false)),
            false,
            &mut Silent,
        )
        .unwrap();
        assert!(kept.is_none());
        assert_eq!((sum2.docs_in, sum2.docs_out), (sum.docs_in, sum.docs_out));
        let (plain, _) = build_index(&files, &[0], &opts, 1 << 20, &mut Silent).unwrap();
        let bytes = |ix: &CorpusIndex| {
            let mut b = Vec::new();
            ix.write_to(&mut b).unwrap();
            b
        };
        assert_eq!(bytes(&index), bytes(&plain));
    }

    #[test]
    fn a_model_given_late_classifies_as_one_given_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_records(dir.path(), 20, "");
        let opts = |sub: &str| {
            let out = dir.path().join(sub);
            std::fs::create_dir(&out).unwrap();
            RunOptions {
                output_dir: Some(out),
                ..RunOptions::default()
            }
        };
        let output = |sub: &str| std::fs::read(dir.path().join(sub).join("in.jsonl")).unwrap();
        let model = Model::embedded().unwrap();
        let paths = std::slice::from_ref(&path);
        let sum = run(
            model,
            paths,
            &opts("first"),
            &mut std::io::sink(),
            &mut Silent,
        )
        .unwrap();
        let mut asked = 0;
        let (late, back) = run_with(
            || {
                asked += 1;
                Ok(model)
            },
            paths,
            &opts("late"),
            &mut std::io::sink(),
            &mut Silent,
        )
        .unwrap();
        assert_eq!((asked, late.docs_out), (1, 20));
        assert!(std::ptr::eq(back, model));
        assert_eq!((late.docs_in, late.rejected), (sum.docs_in, sum.rejected));
        assert_eq!(output("late"), output("first"));
        // A model that fails to load stops the run before anything is written.
        let failed = run_with(
            || Err::<&Model, _>(Error::CorruptModel("no model".into())),
            paths,
            &opts("failed"),
            &mut std::io::sink(),
            &mut Silent,
        );
        assert!(matches!(failed, Err(Error::CorruptModel(m)) if m == "no model"));
        assert_eq!(
            std::fs::read_dir(dir.path().join("failed"))
                .unwrap()
                .count(),
            0
        );
    }

    #[test]
    fn a_large_document_is_written_as_a_small_one_is() {
        // Records of 1 MiB or more are rendered into the output by the writer, the others on
        // the workers: the bytes are the same. The same paragraphs, once in a record of their
        // own and once repeated past the threshold.
        let dir = tempfile::tempdir().unwrap();
        let lines: String = (0..40)
            .map(|i| format!("Line {i} of a record with words enough for shingles.\\n"))
            .collect();
        let small = format!("{{\"id\":\"s\",\"meta\":[1,2],\"text\":\"{lines}\"}}");
        let reps = (super::second_pass::RENDER_WHOLE_BYTES / lines.len()) + 1;
        let big = format!(
            "{{\"id\":7,\"text\":\"{}\",\"url\":\"https://example.com/a\"}}",
            lines.repeat(reps)
        );
        assert!(big.len() > super::second_pass::RENDER_WHOLE_BYTES);
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, format!("{small}\n{big}\n{small}\n")).unwrap();
        let model = Model::embedded().unwrap();
        // With the default index the first pass keeps the parsed records for the second; with
        // a small one they are read again.
        let outputs = [
            OutputKind::Paragraphs,
            OutputKind::Clean,
            OutputKind::Attributes,
            OutputKind::Documents,
        ];
        for (output, memory) in outputs
            .into_iter()
            .flat_map(|o| [(o, crate::corpus::DEFAULT_INDEX_MEMORY), (o, 1 << 20)])
        {
            let opts = RunOptions {
                output,
                index: IndexSource::Build(memory),
                batch_bytes: 1 << 16,
                ..RunOptions::default()
            };
            let mut out = Vec::new();
            let sum = run(
                model,
                std::slice::from_ref(&path),
                &opts,
                &mut out,
                &mut Silent,
            )
            .unwrap();
            assert_eq!((sum.docs_out, sum.rejected), (3, 0));
            let text = String::from_utf8(out).unwrap();
            // The rows of the small records differ only in their source (`in.jsonl:LINE`).
            let rows: Vec<serde_json::Value> = text
                .lines()
                .map(|l| {
                    let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                    if let Some(o) = v.as_object_mut() {
                        o.remove("source");
                    }
                    v
                })
                .collect();
            assert_eq!(rows.len(), 3, "{output:?}");
            assert_eq!(rows[0], rows[2], "{output:?}");
            assert_eq!(rows[1]["id"], 7, "{output:?}");
            // The large record as the renderer writes it into a buffer of its own.
            let name = path.display().to_string();
            let parsed =
                Parsed::from_jsonl(&name, 2, big.clone(), &ReadOptions::default()).unwrap();
            let analysis = crate::features::DocAnalysis::new(&parsed.doc);
            let (files, _) = select_inputs(std::slice::from_ref(&path), 0, 1);
            let (index, _) = build_index(&files, &[0], &opts, memory, &mut Silent).unwrap();
            let pred = model
                .classify_analyses(&[&analysis], Some(&index))
                .remove(0);
            let mut want = Vec::new();
            render(output, &parsed, &pred, RenderKeys::default(), &mut want).unwrap();
            assert_eq!(
                text.lines().nth(1).unwrap(),
                String::from_utf8(want).unwrap().trim_end(),
                "{output:?}"
            );
            match output {
                OutputKind::Clean => assert_eq!(rows[1]["url"], "https://example.com/a"),
                OutputKind::Documents => assert_eq!(text.lines().nth(1).unwrap(), big),
                _ => {}
            }
        }
    }

    #[test]
    fn the_run_reports_to_its_reporter_and_writes_to_its_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_records(dir.path(), 3, "{not json\n");
        let model = Model::embedded().unwrap();
        let mut out = Vec::new();
        let mut heard = Vec::new();
        let mut reporter = |r: Report<'_>| {
            if let Report::Rejected {
                error,
                source,
                line,
            } = r
            {
                heard.push((error.reason(), source.to_string(), line));
            }
        };
        let sum = run(
            model,
            std::slice::from_ref(&path),
            &RunOptions::default(),
            &mut out,
            &mut reporter,
        )
        .unwrap();
        assert_eq!((sum.docs_in, sum.docs_out, sum.rejected), (4, 3, 1));
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 3);
        assert_eq!(heard.len(), 1);
        assert_eq!(heard[0].1, path.display().to_string());
        assert_eq!(heard[0].2, Some(4));
        assert!(heard[0].0.starts_with("malformed JSON"), "{}", heard[0].0);
    }
}
