//! `parasift classify` and `parasift extract`: a corpus run of the pipeline.

use std::io::BufWriter;
use std::process::ExitCode;

use parasift::pipeline::{self, IndexSource, OutputKind, RunOptions};
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
            let threshold = model_args.threshold;
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            std::thread::spawn(move || {
                let model = Model::embedded_owned().map(|m| with_threshold(m, threshold));
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
    let (sum, _model) = pipeline::run_with(model, &args.paths(), &opts, &mut out, &mut { term })?;
    term.summary(&sum);
    if sum.rejected() > 0 {
        term.failed(sum.rejected(), sum.docs_in());
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
