//! The `parasift` command-line tool: parses the command line, runs the command, and turns the
//! outcome into the exit code (0 success, 1 some inputs failed, 2 the command failed).
//!
//! The flags are in [`args`], each command in a module of its own, and every line the tool
//! writes on standard error goes through [`messages`].

mod alloc;
mod args;
mod classify;
mod detect;
mod index;
mod inspect;
mod messages;
mod train;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use serde::Serialize;

use parasift::read_all;
use parasift::{Document, Error, Model};

use args::{Cli, Command, InputArgs, ModelArgs};
use messages::{Failures, Terminal};

fn main() -> ExitCode {
    alloc::map_large_blocks();
    let term = Terminal;
    match run(&term) {
        Ok(code) => code,
        // The reader of the output went away: nothing more to say, but inputs that failed
        // before still make the exit code.
        Err(Error::Io {
            kind: std::io::ErrorKind::BrokenPipe,
            ..
        }) => {
            if messages::errors_reported() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            term.error(&e);
            ExitCode::from(2)
        }
    }
}

fn run(term: &Terminal) -> Result<ExitCode, Error> {
    let cli = Cli::parse();
    match &cli.command {
        Command::Classify {
            input,
            model,
            corpus,
        } => classify::run(term, input, model, corpus, None),
        Command::Extract {
            input,
            model,
            plain,
            corpus,
        } => classify::run(term, input, model, corpus, Some(*plain)),
        Command::Index {
            input,
            out,
            index_memory,
            rank,
            world_size,
            threads,
            quiet,
        } => index::run(
            term,
            input,
            out,
            *index_memory,
            (*rank, *world_size),
            *threads,
            *quiet,
        ),
        Command::MergeIndex {
            parts,
            out,
            threads,
        } => index::merge(term, parts, out, *threads),
        Command::Detect {
            input,
            langs,
            independent,
        } => detect::run(term, input, langs, *independent),
        Command::Inspect { input, model } => inspect::run(term, input, model),
        Command::Train(args) => train::run(term, args),
        Command::Eval {
            fixtures,
            model,
            text_view,
            threshold,
            content_roles,
        } => train::eval(
            fixtures,
            model.as_ref(),
            *text_view,
            *threshold,
            *content_roles,
        ),
    }
}

/// Sizes rayon's global pool to `--threads`, if given.
fn set_threads(threads: Option<usize>) -> Result<(), Error> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.clamp(1, args::MAX_THREADS))
            .build_global()
            .map_err(|e| Error::input("--threads", e.to_string()))?;
    }
    Ok(())
}

impl ModelArgs {
    /// The model of `--model` (else the embedded one) with the threshold of `--threshold`.
    fn load_model(&self) -> Result<Model, Error> {
        load_model(self.model.as_ref())
            .map(|m| with_threshold(m, self.threshold).with_content_roles(self.content_roles))
    }
}

/// `model` with the threshold of `--threshold`, if given.
fn with_threshold(model: Model, threshold: Option<f32>) -> Model {
    match threshold {
        Some(t) => model.with_threshold(t),
        None => model,
    }
}

/// The model file at `path`, else the embedded model.
fn load_model(path: Option<&PathBuf>) -> Result<Model, Error> {
    match path {
        // Name the file in the message; the error itself says what is wrong with it.
        Some(p) => Model::from_file(p).map_err(|e| match e {
            Error::Io { .. } | Error::Input { .. } => e,
            other => Error::input(p.display().to_string(), other.to_string()),
        }),
        None => Model::embedded_owned(),
    }
}

/// Reads the inputs; failed ones are reported, the rest come back in order, with the number
/// of inputs.
fn read_inputs(args: &InputArgs, failures: &mut Failures) -> (Vec<Document>, usize) {
    let items = read_all(&args.paths(), &args.read_options());
    let total = items.len();
    let mut docs = Vec::with_capacity(total);
    for item in items {
        match item {
            Ok(d) => docs.push(d),
            Err(e) => failures.report(&e),
        }
    }
    (docs, total)
}

/// Writes `value` as one JSON line.
fn write_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
