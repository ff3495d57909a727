//! `parasift index` and `parasift merge-index`: a corpus's counts, saved for `classify --index`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use parasift::CorpusIndex;
use parasift::Error;
use parasift::pipeline::{self, RunOptions};

use crate::args::{InputArgs, check_share};
use crate::messages::Terminal;
use crate::set_threads;

/// Runs `index`: counts the inputs of this share (`rank` of `world_size`) into `out`.
pub fn run(
    term: &Terminal,
    args: &InputArgs,
    out: &Path,
    memory: usize,
    (rank, world_size): (usize, usize),
    threads: Option<usize>,
    quiet: bool,
) -> Result<ExitCode, Error> {
    check_share(rank, world_size)?;
    pipeline::check_outside_inputs(&args.paths(), "--out", out)?;
    pipeline::check_replaceable("--out", out)?;
    set_threads(threads)?;
    let opts = RunOptions {
        read: args.read_options(),
        progress: term.progress(quiet),
        ..RunOptions::default()
    };
    let (files, listing_errors) = pipeline::select_inputs(&args.paths(), rank, world_size);
    for e in &listing_errors {
        term.error(e);
    }
    let all: Vec<usize> = (0..files.len()).collect();
    let (index, sum) = pipeline::build_index(&files, &all, &opts, memory, &mut { term })?;
    let wrote = save_index(&index, out)?;
    if !quiet {
        term.note(&format!(
        "counted {} documents ({} unreadable, left out) from {} files, {:.1} MB in {:.1} s; {wrote}",
        sum.docs_out(),
        sum.rejected(),
        sum.files(),
        sum.bytes() as f64 / 1e6,
        sum.seconds(),
    ));
    }
    Ok(if listing_errors.is_empty() && sum.rejected() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs `merge-index`: adds up the indexes `parts` into `out`.
pub fn merge(
    term: &Terminal,
    parts: &[PathBuf],
    out: &Path,
    threads: Option<usize>,
) -> Result<ExitCode, Error> {
    pipeline::check_replaceable("--out", out)?;
    for (i, p) in parts.iter().enumerate() {
        if pipeline::same_file(p, out) {
            return Err(Error::input(
                "--out",
                format!(
                    "{} is one of the indexes to add up: write the sum elsewhere",
                    out.display()
                ),
            ));
        }
        if let Some(q) = parts[..i].iter().find(|q| pipeline::same_file(q, p)) {
            return Err(Error::input(
                p.display().to_string(),
                format!(
                    "the same index as {}: each share is added once",
                    q.display()
                ),
            ));
        }
    }
    set_threads(threads)?;
    let threads = rayon::current_num_threads();
    let mut index: Option<CorpusIndex> = None;
    for p in parts {
        let part = CorpusIndex::load(p)?;
        match index.as_mut() {
            None => index = Some(part),
            Some(ix) => ix
                .merge(part, threads)
                .map_err(|e| Error::bad_index(p.display().to_string(), e.reason()))?,
        }
    }
    let Some(index) = index else {
        return Err(Error::input("merge-index", "no index files given"));
    };
    let wrote = save_index(&index, out)?;
    term.note(&format!(
        "added up {} indexes of {} documents; {wrote}",
        parts.len(),
        index.docs(),
    ));
    Ok(ExitCode::SUCCESS)
}

/// Saves `index` to `out`, and says so: "wrote OUT (exact counts|sketch, N MB)".
fn save_index(index: &CorpusIndex, out: &Path) -> Result<String, Error> {
    index.save(out)?;
    Ok(format!(
        "wrote {} ({}, {:.1} MB)",
        out.display(),
        if index.is_exact() {
            "exact counts"
        } else {
            "sketch"
        },
        std::fs::metadata(out).map_or(0, |m| m.len()) as f64 / 1e6,
    ))
}
