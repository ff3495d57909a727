//! The first pass: every input read once and counted (paragraph and shingle hashes, no
//! language detection) into the corpus index that the second pass classifies against. When all
//! the parsed records fit in memory, they are kept and the second pass neither reads nor parses
//! them again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::executor::{read, stream};
use super::inputs::file_name;
use super::progress::Meter;
use super::report::{Pass, Report, Reporter};
use super::second_pass::Slot;
use super::{IndexSource, RunOptions, Summary};
use crate::corpus::{CorpusIndex, DocKeys, ShardedKeys};
use crate::error::{Error, Result};
use crate::output::OutputKind;
use crate::read::stream::{InputFile, Parsed};

/// The first pass on its own (`parasift index`): counts the paragraphs and shingles of
/// `files[i]` for each `i` of `which` into an index of `memory` bytes at most. Records and files
/// that cannot be read are left out, and `reporter` hears of each, in input order.
///
/// # Errors
/// Only what stops the whole pass (the counting itself cannot fail on bad records).
pub fn build_index(
    files: &[InputFile],
    which: &[usize],
    opts: &RunOptions,
    memory: usize,
    reporter: &mut dyn Reporter,
) -> Result<(CorpusIndex, Summary)> {
    let (index, sum, _) = first_pass(files, which, opts, memory, None, true, reporter)?;
    Ok((index, sum))
}

/// The corpus counts the second pass classifies `files[i]` for each `i` of `todo` against, as
/// `opts.index` says: a saved index, or a first pass over every file of the share (finished
/// or not, so that a resumed run classifies against the same counts as an uninterrupted one).
/// Standard input (`stdin`) cannot be read twice: its counts start empty and grow batch by
/// batch. When every file is to be classified, the parsed records of the first pass are kept
/// for the second as long as they fit, and returned.
///
/// # Errors
/// A saved index that cannot be loaded, or a pass that stops.
pub(super) fn counts(
    files: &[InputFile],
    todo: &[usize],
    stdin: bool,
    opts: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<(Option<CorpusIndex>, Option<Vec<Slot>>)> {
    Ok(match &opts.index {
        IndexSource::File(p) => (Some(CorpusIndex::load(p)?), None),
        // Nothing left to classify: nothing to count for.
        IndexSource::Build(memory) if todo.is_empty() || stdin => {
            (Some(CorpusIndex::with_memory(*memory)), None)
        }
        IndexSource::Build(memory) => {
            let all: Vec<usize> = (0..files.len()).collect();
            let (max_docs, max_bytes) = opts.kept(*memory);
            let keep = (todo.len() == files.len()).then(|| {
                Kept::new(
                    max_docs,
                    max_bytes,
                    matches!(opts.output, OutputKind::Clean | OutputKind::Documents),
                )
            });
            let (index, _, kept) = first_pass(files, &all, opts, *memory, keep, false, reporter)?;
            (Some(index), kept)
        }
    })
}

/// Shingles of the documents the first pass counts together (see
/// [`CorpusIndex::add_sharded`](crate::corpus::CorpusIndex::add_sharded)).
pub(super) const COUNT_SHINGLES: usize = 1 << 17;

/// Parsed records kept between the passes (besides the window of records in flight), at most:
/// a small input is read and parsed once.
pub(super) const KEEP_DOCS: usize = 16 << 10;
/// Memory (about) of the parsed records kept between the passes, at most (and at most an eighth
/// of the index's budget), besides the window of records in flight.
pub(super) const KEEP_BYTES: usize = 32 << 20;

/// The parsed records of a first pass, kept for the second while they fit.
pub(super) struct Kept {
    slots: Vec<Slot>,
    docs: usize,
    bytes: usize,
    max_docs: usize,
    max_bytes: usize,
    /// Whether the second pass writes the records themselves (`--output clean`): only then
    /// are their lines kept.
    lines: bool,
}

impl Kept {
    /// Room for `max_docs` records and about `max_bytes` of them; `lines`: whether their input
    /// lines are kept too.
    pub(super) fn new(max_docs: usize, max_bytes: usize, lines: bool) -> Kept {
        Kept {
            slots: Vec::new(),
            docs: 0,
            bytes: 0,
            max_docs,
            max_bytes,
            lines,
        }
    }
}

/// The memory a parsed record holds, about.
pub(super) fn held_bytes(p: &Parsed) -> usize {
    let d = &p.doc;
    std::mem::size_of::<Slot>()
        + d.id.capacity()
        + d.source.capacity()
        + d.site.as_ref().map_or(0, String::capacity)
        + d.paragraphs.capacity() * std::mem::size_of::<crate::document::Paragraph>()
        + d.paragraphs
            .iter()
            .map(|x| x.text.capacity())
            .sum::<usize>()
        + p.line.as_ref().map_or(0, |(l, _)| l.capacity())
}

/// What the first pass makes of a record: a document's keys, a record that is not a document
/// (the second pass reports it; when the first pass reports, its file, line and error), or the end of a
/// file; each with the record itself while records are kept.
pub(super) enum Counted {
    Doc(ShardedKeys, Option<Slot>),
    Rejected(Option<Slot>, Option<(usize, Option<usize>, Error)>),
    End(Option<Slot>),
}

/// [`build_index`], which with `keep` also keeps the parsed records, in order, as long as they
/// all fit in its bounds; they are returned when they did, so that the second pass need not
/// read and parse them again.
pub(super) fn first_pass(
    files: &[InputFile],
    which: &[usize],
    opts: &RunOptions,
    memory: usize,
    mut keep: Option<Kept>,
    reporting: bool,
    reporter: &mut dyn Reporter,
) -> Result<(CorpusIndex, Summary, Option<Vec<Slot>>)> {
    let mut index = CorpusIndex::with_memory(memory);
    let mut progress = Meter::new(Pass::Counting, opts.progress, files, which);
    let mut sum = Summary {
        files: which.len(),
        ..Summary::default()
    };
    let consumed = Arc::clone(&progress.consumed);
    // Whether the workers still hand their parsed records over.
    let keeping = AtomicBool::new(keep.is_some());
    let lines = keep.as_ref().is_some_and(|k| k.lines);
    // Documents are counted in runs of about `COUNT_SHINGLES` shingles, on as many threads as
    // the workers (the shards of a run are counted while the workers make the next keys).
    let threads = rayon::current_num_threads().max(1);
    let (mut pending, mut pending_shingles) = (Vec::new(), 0);
    // The workers make the keys of groups of records; this thread counts them, in input order
    // (with helpers of its own for each run, see `CorpusIndex::add_sharded`).
    stream(
        read(files, which.to_vec(), opts, &consumed),
        opts,
        |events| -> Vec<Counted> {
            events
                .into_iter()
                .map(|ev| {
                    let mut slot = Slot::parse(files, &opts.read, ev);
                    let keeps = keeping.load(Ordering::Relaxed);
                    let keys = match &mut slot {
                        Slot::Item(_, _, _, Ok(p)) => {
                            if !lines {
                                p.line = None;
                            }
                            let keys = DocKeys::with_repeated_shingles(&p.doc);
                            Some(ShardedKeys::new(keys, p.doc.site.as_deref()))
                        }
                        _ => None,
                    };
                    let end = matches!(slot, Slot::End(_));
                    let error = match &slot {
                        Slot::Item(file, line, _, Err(e)) if reporting => {
                            Some((*file, *line, e.clone()))
                        }
                        _ => None,
                    };
                    let kept = keeps.then_some(slot);
                    match keys {
                        Some(keys) => Counted::Doc(keys, kept),
                        None if end => Counted::End(kept),
                        None => Counted::Rejected(kept, error),
                    }
                })
                .collect()
        },
        |counted, _, _| {
            for c in counted {
                let slot = match c {
                    Counted::Doc(keys, slot) => {
                        pending_shingles += keys.shingles();
                        pending.push(keys);
                        sum.docs_in += 1;
                        sum.docs_out += 1;
                        slot
                    }
                    Counted::Rejected(slot, error) => {
                        sum.docs_in += 1;
                        sum.rejected += 1;
                        if let Some((file, line, e)) = error {
                            reporter.report(Report::Rejected {
                                error: &e,
                                source: &file_name(files, file),
                                line,
                            });
                        }
                        slot
                    }
                    Counted::End(slot) => slot,
                };
                if let Some(k) = keep.as_mut() {
                    let fits = slot.as_ref().is_some_and(|slot| {
                        let (docs, bytes) = match slot {
                            Slot::Item(.., Ok(p)) => (1, held_bytes(p)),
                            Slot::Item(..) => (1, std::mem::size_of::<Slot>()),
                            Slot::End(_) => (0, std::mem::size_of::<Slot>()),
                        };
                        k.docs += docs;
                        k.bytes += bytes;
                        k.docs <= k.max_docs && k.bytes <= k.max_bytes
                    });
                    match slot {
                        Some(slot) if fits => k.slots.push(slot),
                        // Too many: the second pass reads them again.
                        _ => {
                            keep = None;
                            keeping.store(false, Ordering::Relaxed);
                        }
                    }
                }
            }
            if pending_shingles >= COUNT_SHINGLES {
                index.add_sharded(&pending, threads);
                pending.clear();
                pending_shingles = 0;
            }
            sum.bytes = consumed.load(Ordering::Relaxed);
            progress.tick(sum.docs_in, sum.bytes, &mut *reporter);
            Ok(())
        },
    )?;
    index.add_sharded(&pending, threads);
    sum.bytes = consumed.load(Ordering::Relaxed);
    progress.finish(reporter);
    sum.seconds = progress.start.elapsed().as_secs_f64();
    Ok((index, sum, keep.map(|k| k.slots)))
}
