//! `parasift classify` and `parasift extract`: a corpus run of the pipeline.

use std::collections::BTreeMap;
use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;

use parasift::pipeline::{self, IndexSource, OutputKind, Report, Reporter, RunOptions, Summary};
use parasift::{Error, Model};

use crate::args::{CorpusArgs, InputArgs, ModelArgs, check_share};
use crate::messages::Terminal;
use crate::{set_threads, with_threshold};

/// Runs `classify` (`extract` is `None`) or `extract` (`Some(plain)`).
pub fn run(
    term: &Terminal,
    args: &InputArgs,
    model_args: &ModelArgs,
    corpus: &CorpusArgs,
    extract: Option<bool>,
) -> Result<ExitCode, Error> {
    // A model file is read first, so that a bad one stops the run before any input is read.
    // The embedded model cannot be bad (the tests load it): it is decoded on a thread of its
    // own while the first pass counts the corpus, and waited for when the second pass starts.
    let model: Box<dyn FnOnce() -> Result<Model, Error>> = match &model_args.model {
        Some(_) => {
            let model = model_args.load_model()?;
            Box::new(move || Ok(model))
        }
        None => {
            let (threshold, roles) = (model_args.threshold, model_args.content_roles);
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            std::thread::spawn(move || {
                let model = Model::embedded_owned()
                    .map(|m| with_threshold(m, threshold).with_content_roles(roles));
                let _ = tx.send(model);
            });
            Box::new(move || {
                rx.recv().unwrap_or_else(|_| {
                    Err(Error::CorruptModel(
                        "embedded default model: its loading thread stopped".into(),
                    ))
                })
            })
        }
    };
    check_share(corpus.rank, corpus.world_size)?;
    if let Some(stats) = &corpus.stats {
        pipeline::check_outside_inputs(&args.paths(), "--stats", stats)?;
        pipeline::check_replaceable("--stats", stats)?;
    }
    set_threads(corpus.threads)?;
    // `--output json` is the command's own JSON.
    let output = match (corpus.output, extract) {
        (_, Some(true)) => OutputKind::Plain,
        (OutputKind::Paragraphs, Some(false)) => OutputKind::Extract,
        (kind, _) => kind,
    };
    let mut opts = RunOptions {
        read: args.read_options(),
        output,
        output_dir: corpus.output_dir.clone(),
        index: match &corpus.index {
            Some(p) => IndexSource::File(p.clone()),
            None => IndexSource::Build(corpus.index_memory),
        },
        rank: corpus.rank,
        world_size: corpus.world_size,
        rejects: corpus.rejects.clone(),
        progress: term.progress(corpus.quiet),
        attribute_prefix: corpus.attribute_prefix.clone(),
        ..RunOptions::default()
    };
    if let Some(n) = corpus.batch_docs {
        opts.batch_docs = n.max(1);
    }
    if let Some(n) = corpus.batch_bytes {
        opts.batch_bytes = n.max(1);
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut reporter = Counting {
        term,
        reasons: BTreeMap::new(),
    };
    let (sum, _model) = pipeline::run_with(model, &args.paths(), &opts, &mut out, &mut reporter)?;
    if let Some(path) = &corpus.stats {
        write_stats(path, &sum, &reporter.reasons)?;
    }
    if !corpus.quiet {
        term.summary(&sum);
    }
    if sum.rejected() > 0 {
        term.failed(sum.rejected(), sum.docs_in());
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// The terminal's reporter, counting the rejected records and files by reason.
struct Counting<'t> {
    term: &'t Terminal,
    reasons: BTreeMap<String, u64>,
}

impl Reporter for Counting<'_> {
    fn report(&mut self, report: Report<'_>) {
        if let Report::Rejected { error, .. } = &report {
            *self.reasons.entry(reason_kind(error)).or_default() += 1;
        }
        Reporter::report(&mut self.term, report);
    }
}

/// The kind of reason of a rejection, for counting: its message up to the first colon, with
/// numbers as `N` (`binary data`, `malformed JSON`, `invalid UTF-8 at byte N` …).
fn reason_kind(e: &Error) -> String {
    let reason = e.reason();
    let head = reason.split(": ").next().unwrap_or_default();
    let mut out = String::with_capacity(head.len());
    let mut in_number = false;
    for c in head.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Writes the `--stats` file: the run's counts as one JSON object.
fn write_stats(path: &Path, sum: &Summary, reasons: &BTreeMap<String, u64>) -> Result<(), Error> {
    let stats = serde_json::json!({
        "documents_in": sum.docs_in(),
        "documents_out": sum.docs_out(),
        "rejected": sum.rejected(),
        "rejected_by_reason": reasons,
        "files": sum.files(),
        "files_already_done": sum.skipped_files(),
        "files_not_read_to_end": sum.unread_files(),
        "bytes": sum.bytes(),
        "seconds": sum.seconds(),
    });
    let mut text =
        serde_json::to_string_pretty(&stats).map_err(|e| Error::input("--stats", e.to_string()))?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}
