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

use std::borrow::Borrow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::features::corpus::ShardedKeys;
use crate::features::corpus::{parse_temp_name, temp_path};
use crate::features::{CorpusIndex, DocAnalysis, DocKeys};
use crate::model::{DocPrediction, Label, Model};
use crate::read::stream::{Event, InputFile, Parsed, RawItem, Reader, list_inputs};
use crate::read::{InputFormat, ReadOptions};

/// What is written for each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// `{"id", "source", "lang", "iso639_1", "lang_share", "paragraphs": [{"text", "start",
    /// "end", "label", "score", "lang", "iso639_1", "lang_confidence", "script"}]}`.
    Paragraphs,
    /// `{"id", "source", "lang", "text"}`, the text being the content paragraphs.
    Extract,
    /// The content text alone, documents separated by a blank line.
    Plain,
    /// The input record with its text replaced by the content paragraphs (every other field as it
    /// was); `{"id", "text"}` for text and HTML inputs.
    Clean,
    /// `{"id", "attributes": {"parasift__content": [[start, end, score], …]}}`, one row per input
    /// record.
    Attributes,
}

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
    /// of everything to standard output.
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
    /// Show a progress line on standard error (only when it is a terminal).
    pub progress: bool,
    /// Documents per batch: at most twice this many are read and not yet written. Standard
    /// input without a saved index is counted and classified batch by batch.
    pub batch_docs: usize,
    /// Input bytes per batch (about), bounding the records in flight in the same way.
    pub batch_bytes: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        let threads = rayon::current_num_threads().max(1);
        RunOptions {
            read: ReadOptions::default(),
            output: OutputKind::Paragraphs,
            output_dir: None,
            index: IndexSource::Build(crate::features::DEFAULT_INDEX_MEMORY),
            rank: 0,
            world_size: 1,
            rejects: None,
            progress: false,
            batch_docs: 1024 * threads,
            batch_bytes: (2 << 20) * threads,
        }
    }
}

impl RunOptions {
    /// How many parsed records, and about how much memory of them, the first pass may keep for
    /// the second, with an index of `memory` bytes: as much as the window of records in flight
    /// holds, or [`KEEP_DOCS`] records and [`KEEP_BYTES`] (at most an eighth of `memory`) when
    /// that is more.
    fn kept(&self, memory: usize) -> (usize, usize) {
        let (docs, bytes) = self.in_flight();
        (docs.max(KEEP_DOCS), bytes.max(KEEP_BYTES.min(memory / 8)))
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
    pub docs_in: u64,
    /// Documents written.
    pub docs_out: u64,
    /// Records and files rejected (reported, and written to the rejects file).
    pub rejected: u64,
    /// Input bytes (decompressed).
    pub bytes: u64,
    /// Input files of this share that were read.
    pub files: usize,
    /// Input files of this share skipped because their output was already complete.
    pub skipped_files: usize,
    /// Input files that could not be read to their end (their error is among `rejected`). With
    /// an output directory their output is not kept, so that a rerun reads them again.
    pub unread_files: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
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

/// This share of the inputs: the files, and the listing errors (directories that cannot be
/// read) that fall to it.
pub fn select_inputs(
    paths: &[PathBuf],
    rank: usize,
    world_size: usize,
) -> (Vec<InputFile>, Vec<Error>) {
    let world_size = world_size.max(1);
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    for (i, f) in list_inputs(paths).into_iter().enumerate() {
        if i % world_size != rank {
            continue;
        }
        match f {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// Shows documents, MB, MB/s and the time left on standard error, when it is a terminal.
struct Progress {
    label: &'static str,
    enabled: bool,
    start: Instant,
    last: Instant,
    total: Option<u64>,
    consumed: Arc<AtomicU64>,
}

impl Progress {
    fn new(label: &'static str, enabled: bool, files: &[InputFile], which: &[usize]) -> Progress {
        let total = which.iter().map(|&i| files[i].size()).sum::<Option<u64>>();
        let now = Instant::now();
        Progress {
            label,
            enabled: enabled && std::io::stderr().is_terminal(),
            start: now,
            last: now,
            total,
            consumed: Arc::new(AtomicU64::new(0)),
        }
    }

    fn tick(&mut self, docs: u64, bytes: u64) {
        if !self.enabled || self.last.elapsed() < Duration::from_millis(250) {
            return;
        }
        self.last = Instant::now();
        let secs = self.start.elapsed().as_secs_f64();
        let mb = bytes as f64 / 1e6;
        let eta = match self.total {
            Some(t) if t > 0 => {
                let done = self.consumed.load(Ordering::Relaxed).min(t) as f64 / t as f64;
                if done > 0.0 {
                    let left = secs * (1.0 - done) / done;
                    format!(", {:.0}% done, {:.0} s left", done * 100.0, left)
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        };
        eprint!(
            "\r\x1b[2K{}: {docs} documents, {mb:.1} MB, {:.1} MB/s{eta}",
            self.label,
            mb / secs.max(1e-9)
        );
    }

    fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Reads `files[i]` for each `i` of `which` on a thread of its own and hands the events over in
/// batches of at most `opts.batch_docs` documents or about `opts.batch_bytes` bytes, at most two
/// batches ahead of `each`.
fn batches(
    files: &[InputFile],
    which: Vec<usize>,
    opts: &RunOptions,
    consumed: &Arc<AtomicU64>,
    mut each: impl FnMut(Vec<Event>) -> Result<()>,
) -> Result<()> {
    let (max_docs, max_bytes) = (opts.batch_docs.max(1), opts.batch_bytes.max(1));
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Event>>(1);
        let mut reader = Reader::new(files, which, &opts.read);
        reader.consumed = Arc::clone(consumed);
        s.spawn(move || {
            let (mut batch, mut docs, mut bytes) = (Vec::new(), 0, 0);
            for ev in reader {
                if let Event::Item(it) = &ev {
                    docs += 1;
                    bytes += it.bytes;
                }
                batch.push(ev);
                if docs >= max_docs || bytes >= max_bytes {
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                    (docs, bytes) = (0, 0);
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        // On an error, dropping the receiver stops the reader at its next batch.
        for batch in rx {
            each(batch)?;
        }
        Ok(())
    })
}

/// Records are classified in groups, so that the classifier scores the paragraphs of a group
/// together (`Model::classify_analyses`): up to 32 documents, fewer when they are large (a group
/// ends once it holds `GROUP_BYTES` of input), so that a few large pages still split into
/// several tasks for the workers to share.
const GROUP: usize = 32;
const GROUP_BYTES: usize = 256 << 10;

/// What is read but not handed on yet, and how much may be.
struct Window {
    used: Mutex<Used>,
    room: Condvar,
    max_docs: usize,
    max_bytes: usize,
}

#[derive(Default)]
struct Used {
    groups: usize,
    docs: usize,
    bytes: usize,
    closed: bool,
}

impl Window {
    fn new(max_docs: usize, max_bytes: usize) -> Window {
        Window {
            used: Mutex::default(),
            room: Condvar::new(),
            max_docs,
            max_bytes,
        }
    }

    /// Waits until a group of `docs` records and `bytes` bytes fits (in an empty window it
    /// always does) and counts it in; false once the window is closed.
    fn enter(&self, docs: usize, bytes: usize) -> bool {
        let mut u = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while !u.closed
            && u.groups > 0
            && (u.docs + docs > self.max_docs || u.bytes + bytes > self.max_bytes)
        {
            u = self.room.wait(u).unwrap_or_else(PoisonError::into_inner);
        }
        if u.closed {
            return false;
        }
        u.groups += 1;
        u.docs += docs;
        u.bytes += bytes;
        true
    }

    /// Counts a group out.
    fn leave(&self, docs: usize, bytes: usize) {
        let mut u = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        u.groups -= 1;
        u.docs -= docs;
        u.bytes -= bytes;
        // The reader is woken when the window is half empty, not for every group.
        if u.groups == 0 || (2 * u.docs <= self.max_docs && 2 * u.bytes <= self.max_bytes) {
            self.room.notify_all();
        }
    }

    /// Makes `enter` give up: nothing more is wanted.
    fn close(&self) {
        self.used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.room.notify_all();
    }
}

/// What the calling thread of [`stream`] hears: a group's result, or the end of the reading
/// with the number of groups read.
enum Msg<R> {
    Done(u64, std::thread::Result<R>, usize, usize),
    Read(u64),
}

/// The next message. On a worker thread of a pool (when a run is started from inside one) it
/// runs the pool's tasks while it waits, so that a pool of one thread still gets on.
fn next_message<T>(rx: &Receiver<T>) -> Option<T> {
    if rayon::current_thread_index().is_none() {
        return rx.recv().ok();
    }
    loop {
        match rx.try_recv() {
            Ok(m) => return Some(m),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                if rayon::yield_now() != Some(rayon::Yield::Executed)
                    && let Ok(m) = rx.recv_timeout(Duration::from_millis(1))
                {
                    return Some(m);
                }
            }
        }
    }
}

/// A record of a stream: its decompressed bytes, or `None` for the end of a file.
trait Record {
    fn bytes(&self) -> Option<usize>;
}

impl Record for Event {
    fn bytes(&self) -> Option<usize> {
        match self {
            Event::Item(it) => Some(it.bytes),
            Event::FileEnd(_) => None,
        }
    }
}

impl Record for Slot {
    fn bytes(&self) -> Option<usize> {
        match self {
            Slot::Item(_, _, bytes, _) => Some(*bytes),
            Slot::End(_) => None,
        }
    }
}

/// The records of `files[i]` for each `i` of `which`, in order, read on the thread that takes
/// them; the compressed bytes read are added to `consumed`.
fn read<'a>(
    files: &'a [InputFile],
    which: Vec<usize>,
    opts: &'a RunOptions,
    consumed: &Arc<AtomicU64>,
) -> Reader<'a> {
    let mut reader = Reader::new(files, which, &opts.read);
    reader.consumed = Arc::clone(consumed);
    reader
}

/// Takes the records of `source` on a thread of its own, in groups (see [`GROUP`]).
/// Each group goes to `work` on the worker threads as soon as it is read, and each result to
/// `sink` on the calling thread, in input order, with the group's records and bytes. Nothing
/// waits for a whole batch: a worker that finishes a group takes the next one. At most
/// `2 × opts.batch_docs` records and about `2 × opts.batch_bytes` bytes are between the reader
/// and `sink` at any time.
fn stream<T: Record + Send, R: Send>(
    source: impl Iterator<Item = T> + Send,
    opts: &RunOptions,
    work: impl Fn(Vec<T>) -> R + Sync,
    mut sink: impl FnMut(R, usize, usize) -> Result<()>,
) -> Result<()> {
    let (max_docs, max_bytes) = opts.in_flight();
    let window = Window::new(max_docs, max_bytes);
    let (tx, rx) = std::sync::mpsc::channel::<Msg<R>>();
    let work = &work;
    rayon::in_place_scope(|scope| {
        std::thread::scope(|threads| {
            let window = &window;
            // The reader hands each group to the workers itself.
            threads.spawn(move || {
                // Tells the calling thread how many groups there were, however the reading
                // ends.
                struct Over<R>(Sender<Msg<R>>, u64);
                impl<R> Drop for Over<R> {
                    fn drop(&mut self) {
                        let _ = self.0.send(Msg::Read(self.1));
                    }
                }
                let mut over = Over(tx, 0);
                let mut handover = |events: Vec<T>, docs: usize, bytes: usize| {
                    if !window.enter(docs, bytes) {
                        return false;
                    }
                    let (tx, seq) = (over.0.clone(), over.1);
                    over.1 += 1;
                    scope.spawn(move |_| {
                        let r =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(events)));
                        let _ = tx.send(Msg::Done(seq, r, docs, bytes));
                    });
                    true
                };
                let (mut group, mut docs, mut bytes) = (Vec::new(), 0, 0);
                for ev in source {
                    if let Some(b) = ev.bytes() {
                        docs += 1;
                        bytes += b;
                    }
                    group.push(ev);
                    if docs >= GROUP || bytes >= GROUP_BYTES {
                        if !handover(std::mem::take(&mut group), docs, bytes) {
                            return;
                        }
                        (docs, bytes) = (0, 0);
                    }
                }
                if !group.is_empty() {
                    handover(group, docs, bytes);
                }
            });
            let mut sunk = 0u64;
            let mut groups = None;
            let mut ready = std::collections::BTreeMap::new();
            while groups.is_none_or(|n| sunk < n) {
                match next_message(&rx) {
                    Some(Msg::Done(seq, r, docs, bytes)) => {
                        ready.insert(seq, (r, docs, bytes));
                        while let Some((r, docs, bytes)) = ready.remove(&sunk) {
                            sunk += 1;
                            window.leave(docs, bytes);
                            let r = match r {
                                Ok(r) => r,
                                Err(panic) => {
                                    window.close();
                                    std::panic::resume_unwind(panic);
                                }
                            };
                            if let Err(e) = sink(r, docs, bytes) {
                                // The reader stops; the groups under way finish unheard.
                                window.close();
                                return Err(e);
                            }
                        }
                    }
                    Some(Msg::Read(n)) => groups = Some(n),
                    // The reader and every group hold a sender until they are done.
                    None => break,
                }
            }
            Ok(())
        })
    })
}

/// Runs `work` on the worker threads while `here` runs on the calling thread, and returns
/// both results: how a batch's results are written or counted while the next batch is made.
fn beside<H, W: Send>(here: impl FnOnce() -> H, work: impl FnOnce() -> W + Send) -> (H, W) {
    let mut done = None;
    let h = rayon::in_place_scope(|scope| {
        scope.spawn(|_| done = Some(work()));
        here()
    });
    // The scope has waited for `work`, so it has run (a panic in it would have propagated).
    match done {
        Some(w) => (h, w),
        None => unreachable!("rayon scopes wait for their spawned work"),
    }
}

fn file_name(files: &[InputFile], i: usize) -> String {
    files[i].path.display().to_string()
}

/// The first pass: counts the paragraphs and shingles of `files[i]` for each `i` of `which`
/// into an index of `memory` bytes at most. Records that cannot be read are left out (the
/// second pass reports them); their count is returned.
pub fn build_index(
    files: &[InputFile],
    which: &[usize],
    opts: &RunOptions,
    memory: usize,
) -> Result<(CorpusIndex, Summary)> {
    let (index, sum, _) = first_pass(files, which, opts, memory, None, None)?;
    Ok((index, sum))
}

/// [`build_index`], telling `report` of each record or file it leaves out, in input order.
///
/// # Errors
/// As [`build_index`].
pub fn build_index_reporting(
    files: &[InputFile],
    which: &[usize],
    opts: &RunOptions,
    memory: usize,
    report: Report<'_>,
) -> Result<(CorpusIndex, Summary)> {
    let (index, sum, _) = first_pass(files, which, opts, memory, None, Some(report))?;
    Ok((index, sum))
}

/// Shingles of the documents the first pass counts together (see
/// [`CorpusIndex::add_sharded`](crate::features::corpus::CorpusIndex::add_sharded)).
const COUNT_SHINGLES: usize = 1 << 17;

/// Parsed records kept between the passes (besides the window of records in flight), at most:
/// a small input is read and parsed once.
const KEEP_DOCS: usize = 16 << 10;
/// Memory (about) of the parsed records kept between the passes, at most (and at most an eighth
/// of the index's budget), besides the window of records in flight.
const KEEP_BYTES: usize = 32 << 20;

/// The parsed records of a first pass, kept for the second while they fit.
struct Kept {
    slots: Vec<Slot>,
    docs: usize,
    bytes: usize,
    max_docs: usize,
    max_bytes: usize,
    /// Whether the second pass writes the records themselves (`--output clean`): only then
    /// are their lines kept.
    lines: bool,
}

/// The memory a parsed record holds, about.
fn held_bytes(p: &Parsed) -> usize {
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
/// (the second pass reports it; with a reporter, its file, line and error), or the end of a
/// file; each with the record itself while records are kept.
enum Counted {
    Doc(ShardedKeys, Option<Slot>),
    Rejected(Option<Slot>, Option<(usize, Option<usize>, Error)>),
    End(Option<Slot>),
}

/// Where [`build_index_reporting`] sends each record or file that is left out: its error, its
/// file's name, and its line in a JSONL file.
pub type Report<'a> = &'a mut dyn FnMut(&Error, &str, Option<usize>);

/// [`build_index`], which with `keep` also keeps the parsed records, in order, as long as they
/// all fit in its bounds; they are returned when they did, so that the second pass need not
/// read and parse them again.
fn first_pass(
    files: &[InputFile],
    which: &[usize],
    opts: &RunOptions,
    memory: usize,
    mut keep: Option<Kept>,
    mut report: Option<Report<'_>>,
) -> Result<(CorpusIndex, Summary, Option<Vec<Slot>>)> {
    let reporting = report.is_some();
    let mut index = CorpusIndex::with_memory(memory);
    let mut progress = Progress::new("counting", opts.progress, files, which);
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
                            Some((*file, *line, clone_error(e)))
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
                        if let (Some(report), Some((file, line, e))) = (report.as_mut(), error) {
                            report(&e, &file_name(files, file), line);
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
            progress.tick(sum.docs_in, sum.bytes);
            Ok(())
        },
    )?;
    index.add_sharded(&pending, threads);
    sum.bytes = consumed.load(Ordering::Relaxed);
    progress.finish();
    sum.seconds = progress.start.elapsed().as_secs_f64();
    Ok((index, sum, keep.map(|k| k.slots)))
}

#[derive(Serialize)]
struct ExtractOut<'a> {
    id: &'a str,
    source: &'a str,
    lang: Option<&'static str>,
    text: String,
}

#[derive(Serialize)]
struct CleanOut<'a> {
    id: &'a str,
    text: String,
}

#[derive(Serialize)]
struct AttributesOut<'a> {
    id: &'a str,
    attributes: Attributes,
}

#[derive(Serialize)]
struct Attributes {
    #[serde(rename = "parasift__content")]
    content: Vec<(usize, usize, f32)>,
}

fn json_line<T: Serialize>(out: &mut Vec<u8>, value: &T) {
    // Serializing these plain structs to memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
    out.push(b'\n');
}

fn content_text(doc: &Document, pred: &DocPrediction) -> String {
    let selected: Vec<bool> = pred
        .paragraphs
        .iter()
        .map(|x| x.label() == Label::Content)
        .collect();
    crate::document::join_selected(doc, &selected)
}

/// Renders one classified document as `kind` says, appending to `out`. `text_key` is the JSONL
/// key the content text goes under in cleaned HTML records.
pub fn render(
    kind: OutputKind,
    parsed: &Parsed,
    pred: &DocPrediction,
    text_key: &str,
    out: &mut Vec<u8>,
) {
    let doc = &parsed.doc;
    let lang = pred.lang.map(|l| l.code());
    match kind {
        // Written by hand (the same bytes as the derived `DocOut`): this output is most of
        // what `classify` writes.
        OutputKind::Paragraphs => {
            use crate::jsonout::{number, opt_string, string};
            out.extend_from_slice(b"{\"id\":");
            string(out, &doc.id);
            out.extend_from_slice(b",\"source\":");
            string(out, &doc.source);
            out.extend_from_slice(b",\"lang\":");
            opt_string(out, lang);
            out.extend_from_slice(b",\"iso639_1\":");
            opt_string(out, pred.lang.and_then(crate::lang::iso639_1));
            out.extend_from_slice(b",\"lang_share\":");
            number(out, pred.lang_share);
            out.extend_from_slice(b",\"paragraphs\":[");
            for (i, (p, x)) in doc.paragraphs.iter().zip(&pred.paragraphs).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"text\":");
                string(out, &p.text);
                out.extend_from_slice(b",\"start\":");
                number(out, p.start);
                out.extend_from_slice(b",\"end\":");
                number(out, p.end);
                out.extend_from_slice(b",\"label\":");
                string(out, x.label().name());
                out.extend_from_slice(b",\"score\":");
                number(out, x.score());
                out.extend_from_slice(b",\"lang\":");
                opt_string(out, x.lang().map(|l| l.code()));
                out.extend_from_slice(b",\"iso639_1\":");
                opt_string(out, x.lang().and_then(crate::lang::iso639_1));
                out.extend_from_slice(b",\"lang_confidence\":");
                number(out, x.language().confidence);
                out.extend_from_slice(b",\"script\":");
                opt_string(out, x.language().script.map(|s| s.name()));
                out.push(b'}');
            }
            out.extend_from_slice(b"]}\n");
        }
        OutputKind::Extract => json_line(
            out,
            &ExtractOut {
                id: &doc.id,
                source: &doc.source,
                lang,
                text: content_text(doc, pred),
            },
        ),
        OutputKind::Plain => {
            out.extend_from_slice(content_text(doc, pred).as_bytes());
            out.extend_from_slice(b"\n\n");
        }
        OutputKind::Clean => {
            let text = content_text(doc, pred);
            match &parsed.line {
                Some((line, Some(span))) => {
                    out.extend_from_slice(&line.as_bytes()[..span.start]);
                    let _ = serde_json::to_writer(&mut *out, &text);
                    out.extend_from_slice(&line.as_bytes()[span.end..]);
                    out.push(b'\n');
                }
                Some((line, None)) => {
                    // An HTML record: the content text is added under the text key.
                    let line = line.trim_end();
                    let body = line.strip_suffix('}').unwrap_or(line);
                    out.extend_from_slice(body.as_bytes());
                    out.push(b',');
                    let _ = serde_json::to_writer(&mut *out, text_key);
                    out.push(b':');
                    let _ = serde_json::to_writer(&mut *out, &text);
                    out.extend_from_slice(b"}\n");
                }
                None => json_line(out, &CleanOut { id: &doc.id, text }),
            }
        }
        OutputKind::Attributes => json_line(
            out,
            &AttributesOut {
                id: &doc.id,
                attributes: Attributes {
                    content: doc
                        .paragraphs
                        .iter()
                        .zip(&pred.paragraphs)
                        .map(|(p, x)| (p.start, p.end, x.score()))
                        .collect(),
                },
            },
        ),
    }
}

/// A record after the second pass.
enum Done {
    Written(Vec<u8>),
    Rejected(Error, Option<usize>, Vec<u8>),
    FileEnd(usize),
}

/// Output of one input file, written under a temporary name and renamed when complete.
struct Shard {
    file: usize,
    tmp: PathBuf,
    dest: PathBuf,
    enc: Encoder,
}

enum Encoder {
    Plain(std::io::BufWriter<std::fs::File>),
    Gz(flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>),
    Zst(zstd::stream::write::Encoder<'static, std::io::BufWriter<std::fs::File>>),
}

impl Encoder {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Encoder::Plain(w) => w,
            Encoder::Gz(w) => w,
            Encoder::Zst(w) => w,
        }
    }

    fn finish(self) -> std::io::Result<std::fs::File> {
        let buf = match self {
            Encoder::Plain(w) => w,
            Encoder::Gz(w) => w.finish()?,
            Encoder::Zst(w) => w.finish()?,
        };
        buf.into_inner().map_err(|e| e.into_error())
    }
}

impl Shard {
    fn create(file: usize, dest: PathBuf) -> Result<Shard> {
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
    fn discard(self) -> Result<()> {
        drop(self.enc);
        std::fs::remove_file(&self.tmp).map_err(|e| Error::io(&self.tmp, e))
    }

    fn finish(self) -> Result<()> {
        let f = self.enc.finish().map_err(|e| Error::io(&self.tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io(&self.dest, e))
    }
}

/// Removes the temporary files that a run which stopped before renaming them left beside
/// `dests` (`.NAME.tmp-PID`, see [`Shard`]): those of a process that no longer runs (on Linux;
/// elsewhere of any other process), last written before `began`. Each output directory is
/// listed once; what cannot be listed or removed is left as it is. Returns how many were
/// removed.
fn remove_stale_temps(dests: &[PathBuf], began: std::time::SystemTime) -> usize {
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

fn split_compression(name: &str) -> (&str, &str) {
    for ext in [".gz", ".zst"] {
        if let Some(base) = name.strip_suffix(ext) {
            return (base, ext);
        }
    }
    (name, "")
}

/// Refuses an output (`what`, at `path`: an output directory, a rejects file, an index file)
/// that is one of the inputs `paths` or inside an input directory: outputs would replace their
/// inputs, or be read as inputs by a rerun (and by ranks that list the inputs after others
/// wrote there).
///
/// # Errors
/// [`Error::Input`] naming `what`, `path` and the input.
pub fn check_outside_inputs(paths: &[PathBuf], what: &str, path: &Path) -> Result<()> {
    let out = resolved(path);
    for p in paths.iter().filter(|p| p.as_os_str() != "-") {
        if p.canonicalize().is_ok_and(|input| out.starts_with(input)) {
            return Err(Error::input(
                what,
                format!(
                    "{} is the input {} or inside it: a rerun would read the outputs as \
                     inputs; write them elsewhere",
                    path.display(),
                    p.display()
                ),
            ));
        }
    }
    Ok(())
}

/// `path` with its longest existing prefix resolved (symbolic links, `.` and `..`), and the
/// rest as written.
fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(mut real) = at.canonicalize() {
            real.extend(rest.iter().rev());
            return real;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                at = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => return std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        }
    }
}

/// Whether `a` and `b` both exist and are the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
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

/// Where each rejected record goes: standard error, and the rejects file if one was asked for.
struct Rejects {
    file: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
}

impl Rejects {
    fn open(path: Option<&Path>) -> Result<Rejects> {
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

    fn report(&mut self, e: &Error, source: String, line: Option<usize>) -> Result<()> {
        eprintln!("parasift: error: {e}");
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

    fn flush(&mut self) -> Result<()> {
        if let Some((p, w)) = &mut self.file {
            w.flush().map_err(|e| Error::io(&*p, e))?;
        }
        Ok(())
    }
}

/// Streams `paths` through `model` as one corpus (this process's share of it), writing what
/// `opts.output` says to standard output or, with `opts.output_dir`, to one output file per
/// input file. Bad records and files are reported on standard error (and to `opts.rejects`)
/// and counted; the run goes on. An input that cannot be read to its end keeps no output file
/// (see [`Summary::unread_files`]).
///
/// # Errors
/// A saved index that cannot be loaded, two inputs that would write the same output file, an
/// output directory or rejects file that is an input or inside an input directory, an output
/// file that would replace its input, or a failure to write output: the run stops. Output
/// files already renamed are complete; the one being written is left under its temporary name.
pub fn run(model: &Model, paths: &[PathBuf], opts: &RunOptions) -> Result<Summary> {
    run_with(|| Ok(model), paths, opts).map(|(sum, _)| sum)
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
        rejects.report(e, source, None)?;
        sum.docs_in += 1;
        sum.rejected += 1;
    }

    // Where each file's output goes, and which are already complete.
    let dests: Option<Vec<PathBuf>> = opts.output_dir.as_ref().map(|dir| {
        files
            .iter()
            .map(|f| dir.join(output_name(f, opts.output, opts.read.format)))
            .collect()
    });
    if let Some(dests) = &dests {
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
    }
    let todo: Vec<usize> = (0..files.len())
        .filter(|&i| dests.as_ref().is_none_or(|d| !d[i].exists()))
        .collect();
    sum.files = todo.len();
    sum.skipped_files = files.len() - todo.len();
    if let Some(dests) = &dests {
        let removed = remove_stale_temps(dests, began);
        if removed > 0 {
            eprintln!("parasift: removed {removed} temporary files that an earlier run left");
        }
    }

    let stdin = files.iter().any(InputFile::is_stdin);
    let mut kept = None;
    let mut index = match &opts.index {
        IndexSource::File(p) => Some(CorpusIndex::load(p)?),
        // Nothing left to classify: nothing to count for.
        IndexSource::Build(memory) if todo.is_empty() => Some(CorpusIndex::with_memory(*memory)),
        // Every file of the share is counted, finished or not, so that a resumed run classifies
        // against the same counts as an uninterrupted one.
        IndexSource::Build(memory) if !stdin => {
            let all: Vec<usize> = (0..files.len()).collect();
            // When every file is to be classified, the parsed records are kept for the second
            // pass as long as they fit.
            let (max_docs, max_bytes) = opts.kept(*memory);
            let keep = (todo.len() == files.len()).then(|| Kept {
                slots: Vec::new(),
                docs: 0,
                bytes: 0,
                max_docs,
                max_bytes,
                lines: opts.output == OutputKind::Clean,
            });
            let (index, _, k) = first_pass(&files, &all, opts, *memory, keep, None)?;
            kept = k;
            Some(index)
        }
        IndexSource::Build(memory) => Some(CorpusIndex::with_memory(*memory)),
    };
    let incremental = stdin && matches!(opts.index, IndexSource::Build(_));

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut shard: Option<Shard> = None;
    let mut progress = Progress::new("classifying", opts.progress, &files, &todo);
    let consumed = Arc::clone(&progress.consumed);
    let text_key = opts.read.keys.text.clone();
    let kind = opts.output;
    // The file being written could not be read to its end.
    let mut unread = None;
    // A batch's results are written on this thread while the workers process the next batch.
    let mut write = |done: Vec<(usize, Done)>, sum: &mut Summary| -> Result<()> {
        for (file, d) in done {
            let bytes = match d {
                Done::Written(b) => {
                    sum.docs_out += 1;
                    b
                }
                Done::Rejected(e, line, b) => {
                    sum.rejected += 1;
                    if matches!(e, Error::Unreadable { .. } | Error::Io { .. }) {
                        unread = Some(file);
                    }
                    rejects.report(&e, file_name(&files, file), line)?;
                    b
                }
                Done::FileEnd(f) => {
                    let complete = unread.take() != Some(f);
                    sum.unread_files += usize::from(!complete);
                    let Some(dests) = &dests else { continue };
                    let s = match shard.take() {
                        Some(s) if s.file == f => Some(s),
                        _ if complete => Some(Shard::create(f, dests[f].clone())?),
                        _ => None,
                    };
                    match s {
                        Some(s) if complete => s.finish()?,
                        Some(s) => s.discard()?,
                        None => {}
                    }
                    if !complete {
                        eprintln!(
                            "parasift: {}: not read to its end; no output is kept for it, and a \
                             rerun reads it again",
                            file_name(&files, f)
                        );
                    }
                    continue;
                }
            };
            match &dests {
                None => out.write_all(&bytes).map_err(|e| Error::io("-", e))?,
                Some(dests) => {
                    if shard.as_ref().is_none_or(|s| s.file != file) {
                        shard = Some(Shard::create(file, dests[file].clone())?);
                    }
                    if let Some(s) = shard.as_mut() {
                        s.enc
                            .writer()
                            .write_all(&bytes)
                            .map_err(|e| Error::io(&s.tmp, e))?;
                    }
                }
            }
        }
        rejects.flush()
    };
    let model = model()?;
    let ctx = Classify {
        files: &files,
        opts,
        model: model.borrow(),
        text_key: &text_key,
        kind,
    };
    let result = if incremental {
        // Each batch is counted before it is classified, so the batches take turns: a batch's
        // results are written on this thread while the workers process the next one.
        let mut pending: Vec<(usize, Done)> = Vec::new();
        batches(&files, todo, opts, &consumed, |batch| {
            let items = batch.iter().filter(|e| matches!(e, Event::Item(_))).count() as u64;
            sum.docs_in += items;
            sum.bytes += batch
                .iter()
                .map(|e| match e {
                    Event::Item(it) => it.bytes as u64,
                    Event::FileEnd(_) => 0,
                })
                .sum::<u64>();
            let (written, next) = beside(
                || write(std::mem::take(&mut pending), &mut sum),
                || ctx.batch_counted(batch, &mut index),
            );
            written?;
            pending = next;
            progress.tick(sum.docs_in, sum.bytes);
            Ok(())
        })
        .and_then(|()| write(std::mem::take(&mut pending), &mut sum))
    } else {
        // Groups are parsed, analysed, classified and rendered on the workers, and written on
        // this thread in input order.
        let index = index.as_ref();
        let sink = |done, docs: usize, bytes: usize| {
            sum.docs_in += docs as u64;
            sum.bytes += bytes as u64;
            write(done, &mut sum)?;
            progress.tick(sum.docs_in, sum.bytes);
            Ok(())
        };
        match kept {
            Some(slots) => stream(slots.into_iter(), opts, |s| ctx.parsed(s, index), sink),
            None => stream(
                read(&files, todo, opts, &consumed),
                opts,
                |events| ctx.group(events, index),
                sink,
            ),
        }
    };
    progress.finish();
    if let Err(e) = result {
        if let Some(s) = shard {
            let _ = std::fs::remove_file(&s.tmp);
        }
        return Err(e);
    }
    out.flush().map_err(|e| Error::io("-", e))?;
    rejects.flush()?;
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

/// What classifying a record needs besides the record.
struct Classify<'a> {
    files: &'a [InputFile],
    opts: &'a RunOptions,
    model: &'a Model,
    text_key: &'a str,
    kind: OutputKind,
}

/// A record, parsed (or not), before classification: its file, JSONL line, decompressed bytes
/// and document; or the end of a file.
enum Slot {
    Item(usize, Option<usize>, usize, Result<Parsed>),
    End(usize),
}

impl Slot {
    /// Parses a record read from `files`.
    fn parse(files: &[InputFile], opts: &ReadOptions, ev: Event) -> Slot {
        match ev {
            Event::Item(it) => {
                let (file, line, bytes) = (it.file, it.line, it.bytes);
                let parsed = RawItem::parse(it, &file_name(files, file), opts);
                Slot::Item(file, line, bytes, parsed)
            }
            Event::FileEnd(f) => Slot::End(f),
        }
    }

    fn analyse(&self) -> Option<DocAnalysis<'_>> {
        match self {
            Slot::Item(_, _, _, Ok(p)) => Some(DocAnalysis::new(&p.doc)),
            _ => None,
        }
    }
}

impl Classify<'_> {
    fn parse(&self, ev: Event) -> Slot {
        Slot::parse(self.files, &self.opts.read, ev)
    }

    fn reject_row(&self, e: &Error, file: usize, line: Option<usize>) -> Vec<u8> {
        // Attribute files mirror their input row for row: a rejected record keeps its row, with
        // its id when it has one.
        let mut b = Vec::new();
        if self.kind == OutputKind::Attributes {
            let id = match (e, line) {
                (Error::Record { id, .. }, _) => id.clone(),
                (_, Some(l)) => format!("{}:{l}", file_name(self.files, file)),
                (_, None) => file_name(self.files, file),
            };
            json_line(
                &mut b,
                &AttributesOut {
                    id: &id,
                    attributes: Attributes {
                        content: Vec::new(),
                    },
                },
            );
        }
        b
    }

    /// Classifies a group of analysed records together (`Model::classify_analyses`) and
    /// renders them.
    fn finish(
        &self,
        slots: &[Slot],
        analyses: &[Option<DocAnalysis<'_>>],
        index: Option<&CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let docs: Vec<&DocAnalysis<'_>> = analyses.iter().flatten().collect();
        let mut preds = self.model.classify_analyses(&docs, index).into_iter();
        slots
            .iter()
            .zip(analyses)
            .map(
                |(slot, a)| match (slot, a, a.as_ref().and_then(|_| preds.next())) {
                    (Slot::End(f), ..) => (*f, Done::FileEnd(*f)),
                    (Slot::Item(file, line, _, Err(e)), ..) => (
                        *file,
                        Done::Rejected(clone_error(e), *line, self.reject_row(e, *file, *line)),
                    ),
                    (Slot::Item(file, _, _, Ok(p)), _, Some(pred)) => {
                        let mut b = Vec::new();
                        render(self.kind, p, &pred, self.text_key, &mut b);
                        (*file, Done::Written(b))
                    }
                    // A parsed document always has its analysis and prediction.
                    (Slot::Item(file, line, _, Ok(p)), ..) => {
                        let e = Error::Record {
                            source_name: p.doc.source.clone(),
                            id: p.doc.id.clone(),
                            message: "document was not analysed".into(),
                        };
                        let row = self.reject_row(&e, *file, *line);
                        (*file, Done::Rejected(e, *line, row))
                    }
                },
            )
            .collect()
    }

    /// Parses, analyses, classifies and renders one group of records, in input order.
    fn group(&self, events: Vec<Event>, index: Option<&CorpusIndex>) -> Vec<(usize, Done)> {
        let slots: Vec<Slot> = events.into_iter().map(|ev| self.parse(ev)).collect();
        self.parsed(slots, index)
    }

    /// Analyses, classifies and renders one group of parsed records, in input order.
    fn parsed(&self, slots: Vec<Slot>, index: Option<&CorpusIndex>) -> Vec<(usize, Done)> {
        let analyses: Vec<Option<DocAnalysis<'_>>> = slots.iter().map(Slot::analyse).collect();
        self.finish(&slots, &analyses, index)
    }

    /// Parses and analyses one batch in parallel, adds it to `index`, then classifies and
    /// renders it against the counts that include it; the result is in input order.
    fn batch_counted(
        &self,
        batch: Vec<Event>,
        index: &mut Option<CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let slots: Vec<Slot> = batch.into_par_iter().map(|ev| self.parse(ev)).collect();
        let analyses: Vec<Option<DocAnalysis<'_>>> = slots.par_iter().map(Slot::analyse).collect();
        if let Some(ix) = index.as_mut() {
            for a in analyses.iter().flatten() {
                ix.add(a);
            }
        }
        let index = index.as_ref();
        slots
            .par_chunks(GROUP)
            .zip(analyses.par_chunks(GROUP))
            .flat_map_iter(|(s, a)| self.finish(s, a, index))
            .collect()
    }
}

/// The errors of records are reported once, from the writing thread.
fn clone_error(e: &Error) -> Error {
    match e {
        Error::Io { path, source } => Error::io(
            path.clone(),
            std::io::Error::new(source.kind(), source.to_string()),
        ),
        Error::Input {
            source_name,
            message,
        } => Error::input(source_name.clone(), message.clone()),
        Error::Unreadable {
            source_name,
            message,
        } => Error::unreadable(source_name.clone(), message.clone()),
        Error::Record {
            source_name,
            id,
            message,
        } => Error::Record {
            source_name: source_name.clone(),
            id: id.clone(),
            message: message.clone(),
        },
        other => Error::input("parasift", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The output the hand-written JSON must equal, as `serde` derives it.
    #[derive(Serialize)]
    struct ParagraphOut<'a> {
        text: &'a str,
        start: usize,
        end: usize,
        label: &'static str,
        score: f32,
        lang: Option<&'static str>,
        iso639_1: Option<&'static str>,
        lang_confidence: f32,
        script: Option<&'static str>,
    }

    #[derive(Serialize)]
    struct DocOut<'a> {
        id: &'a str,
        source: &'a str,
        lang: Option<&'static str>,
        iso639_1: Option<&'static str>,
        lang_share: f32,
        paragraphs: Vec<ParagraphOut<'a>>,
    }

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
        let keep = |max_docs, lines| Kept {
            slots: Vec::new(),
            docs: 0,
            bytes: 0,
            max_docs,
            max_bytes: 1 << 20,
            lines,
        };
        let (_, sum, kept) =
            first_pass(&files, &[0], &opts, 1 << 20, Some(keep(11, false)), None).unwrap();
        assert_eq!((sum.docs_in, sum.docs_out, sum.rejected), (11, 10, 1));
        let kept = kept.expect("eleven records fit in eleven");
        assert_eq!(kept.len(), 12);
        assert!(
            matches!(&kept[0], Slot::Item(0, Some(1), _, Ok(p)) if p.doc.id == "d0" && p.line.is_none())
        );
        assert!(matches!(&kept[10], Slot::Item(0, Some(11), _, Err(_))));
        assert!(matches!(kept[11], Slot::End(0)));
        // Lines are kept for clean output only.
        let (_, _, kept) =
            first_pass(&files, &[0], &opts, 1 << 20, Some(keep(11, true)), None).unwrap();
        assert!(matches!(&kept.unwrap()[0], Slot::Item(.., Ok(p)) if p.line.is_some()));
        // One too many: nothing is kept, and the counts are the same.
        let (index, sum2, kept) =
            first_pass(&files, &[0], &opts, 1 << 20, Some(keep(10, false)), None).unwrap();
        assert!(kept.is_none());
        assert_eq!((sum2.docs_in, sum2.docs_out), (sum.docs_in, sum.docs_out));
        let (plain, _) = build_index(&files, &[0], &opts, 1 << 20).unwrap();
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
        let sum = run(model, paths, &opts("first")).unwrap();
        let mut asked = 0;
        let (late, back) = run_with(
            || {
                asked += 1;
                Ok(model)
            },
            paths,
            &opts("late"),
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
    fn paragraphs_output_is_the_derived_json() {
        let model = Model::embedded().unwrap();
        let texts = [
            "Plain English paragraph, long enough to have a language and a score of its own.",
            "Цитата «в кавычках» — и \"двойные\" тоже, с обратной чертой \\ и\tтабуляцией.",
            "control \u{1} \u{1f} \u{7f} bytes",
            "",
        ];
        for (n, texts) in [&texts[..], &texts[..1], &[]].into_iter().enumerate() {
            let mut doc = Document::from_paragraphs(&format!("id \"{n}\"\n"), texts);
            doc.source = "https://example.com/ä?q=\"x\"".into();
            let pred = model.classify(&doc);
            let parsed = Parsed { doc, line: None };
            let mut got = Vec::new();
            render(OutputKind::Paragraphs, &parsed, &pred, "text", &mut got);
            let doc = &parsed.doc;
            let want = DocOut {
                id: &doc.id,
                source: &doc.source,
                lang: pred.lang.map(|l| l.code()),
                iso639_1: pred.lang.and_then(crate::lang::iso639_1),
                lang_share: pred.lang_share,
                paragraphs: doc
                    .paragraphs
                    .iter()
                    .zip(&pred.paragraphs)
                    .map(|(p, x)| ParagraphOut {
                        text: &p.text,
                        start: p.start,
                        end: p.end,
                        label: x.label().name(),
                        score: x.score(),
                        lang: x.lang().map(|l| l.code()),
                        iso639_1: x.lang().and_then(crate::lang::iso639_1),
                        lang_confidence: x.language().confidence,
                        script: x.language().script.map(|s| s.name()),
                    })
                    .collect(),
            };
            let mut want_bytes = serde_json::to_vec(&want).unwrap();
            want_bytes.push(b'\n');
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want_bytes).unwrap()
            );
        }
    }
}
