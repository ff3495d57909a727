//! Corpus-wide repetition: in how many documents, and from how many sites, a paragraph occurs.
//!
//! The [`CorpusIndex`] is exact (hash tables) while it is small: the training fixtures, the
//! seeds and any corpus whose tables fit in a quarter of the memory budget get exactly the
//! counts the default model was trained on. When the tables would outgrow that, the index turns
//! into a fixed-size sketch of the whole budget (see [`sketch`](super::sketch) for its layout
//! and error bounds), and from then on never grows. Either form can be saved to a versioned,
//! checksummed file and loaded again ([`CorpusIndex::save`], [`CorpusIndex::load`]).

use crate::hash::{U64Map, U64Set};
use std::borrow::Borrow;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use xxhash_rust::xxh3::xxh3_64;

use crate::container::{ContainerError, Kind};

use super::analysis::{DocAnalysis, push_shingles};
use super::sketch::{ParagraphCells, SHARDS, Sketch, shingle_shard};
use crate::document::Document;
use crate::error::{Error, Result};

/// The first pass over a corpus: every document analysed (in parallel, in input order) and
/// added to one index, which the second pass reads the corpus counts from.
pub fn analyse_corpus<D: Borrow<Document> + Sync>(
    docs: &[D],
) -> (Vec<DocAnalysis<'_>>, CorpusIndex) {
    let analyses: Vec<DocAnalysis<'_>> = docs
        .par_iter()
        .map(|d| DocAnalysis::new(d.borrow()))
        .collect();
    let mut index = CorpusIndex::new();
    for a in &analyses {
        index.add(a);
    }
    (analyses, index)
}

/// Distinct sites remembered per paragraph; more than this counts as "many".
const MAX_SITES: usize = 8;

/// Default memory budget of an index: 256 MiB.
pub const DEFAULT_INDEX_MEMORY: usize = 256 << 20;

/// What a document adds to a [`CorpusIndex`]: its normalized-paragraph hashes and word-shingle
/// hashes, each counted once.
///
/// The same hashes as [`DocAnalysis`] (`ParagraphStats::hash`, `DocAnalysis::shingles`), computed
/// without the rest of the analysis, so that a first pass over a corpus is cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocKeys {
    /// Distinct paragraph hashes, in the order they first occur.
    pub paragraphs: Vec<u64>,
    /// Distinct shingle hashes, in the order they first occur.
    pub shingles: Vec<u64>,
}

impl DocKeys {
    /// The keys of a document.
    pub fn of(doc: &Document) -> DocKeys {
        let mut keys = DocKeys::with_repeated_shingles(doc);
        dedup_hashes(&mut keys.shingles);
        keys
    }

    /// The keys of a document, its shingles not deduplicated yet: what
    /// [`CorpusIndex::add_keys`] takes, which counts each shingle once per document anyway,
    /// for less work on the thread that makes the keys.
    pub(crate) fn with_repeated_shingles(doc: &Document) -> DocKeys {
        // (The shingles are not sized up front from the text's length: the keys wait in the
        // window to be counted, and short paragraphs have no shingles.)
        let mut keys = DocKeys {
            paragraphs: Vec::with_capacity(doc.paragraphs.len()),
            shingles: Vec::new(),
        };
        let mut norm = Vec::new();
        let mut word_hashes: Vec<u64> = Vec::new();
        let mut scanner = crate::lang::scan::WordScanner::default();
        for p in &doc.paragraphs {
            norm.clear();
            word_hashes.clear();
            scanner.words(&p.text, &mut norm, &mut word_hashes);
            keys.paragraphs.push(xxh3_64(&norm));
            push_shingles(&word_hashes, &mut keys.shingles);
        }
        dedup_hashes(&mut keys.paragraphs);
        keys
    }

    /// The keys of an analysed document.
    pub fn from_analysis(a: &DocAnalysis<'_>) -> DocKeys {
        let mut keys = DocKeys {
            paragraphs: a.paras.iter().map(|p| p.hash).collect(),
            shingles: a.shingles.clone(),
        };
        keys.dedup();
        keys
    }

    fn dedup(&mut self) {
        dedup_hashes(&mut self.paragraphs);
        dedup_hashes(&mut self.shingles);
    }
}

/// Keeps the first occurrence of each hash in `v`, in order: through a [`U64Set`], which for
/// a document's few hundred shingles is cheaper than sorting.
fn dedup_hashes(v: &mut Vec<u64>) {
    if v.len() < 2 {
        return;
    }
    let mut seen = U64Set::with_capacity(v.len());
    v.retain(|&h| seen.insert(h));
}

#[derive(Debug, Clone, Default)]
struct Entry {
    docs: u32,
    /// (site hash, documents from that site), at most [`MAX_SITES`] entries.
    sites: Vec<(u64, u32)>,
    /// Documents whose site was not among the remembered ones.
    overflow: u32,
}

/// A shingle's count, and the last document that counted it: a document that repeats a
/// shingle counts it once without a deduplication of its own.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    docs: u32,
    /// The index's document count when that document was added (0 for none, or for the
    /// documents of a saved index).
    last: u32,
}

#[derive(Debug, Clone)]
struct Exact {
    paragraphs: U64Map<Entry>,
    /// The shingles of each of the [`SHARDS`] shards of [`shingle_shard`], one table each.
    shingles: Vec<U64Map<Seen>>,
    /// Bytes held by the site lists.
    site_bytes: usize,
}

impl Default for Exact {
    fn default() -> Self {
        Exact {
            paragraphs: U64Map::default(),
            shingles: (0..SHARDS).map(|_| U64Map::default()).collect(),
            site_bytes: 0,
        }
    }
}

/// Bytes of a table entry of each kind, counting its control byte.
const PARAGRAPH_ENTRY: usize = std::mem::size_of::<(u64, Entry)>() + 1;
const SHINGLE_ENTRY: usize = std::mem::size_of::<(u64, Seen)>() + 1;
/// Most that a site list grows by when one document adds to it (it holds at most
/// [`MAX_SITES`], and grows from 0 to 4 or from 4 to 8 entries of 16 bytes).
const SITE_GROWTH: usize = 64;

/// The capacity a hash table of `len` entries and capacity `cap` may have after `more`
/// insertions, at most: a table that grows takes less than twice the entries it needs.
fn grown_capacity(len: usize, cap: usize, more: usize) -> usize {
    if len + more <= cap {
        cap
    } else {
        2 * (len + more) + 8
    }
}

impl Exact {
    fn bytes(&self) -> usize {
        self.paragraphs.capacity() * PARAGRAPH_ENTRY
            + self.site_bytes
            + self.shingles.iter().map(|t| t.capacity()).sum::<usize>() * SHINGLE_ENTRY
    }

    /// How many of `docs`, from the first, can be added without the tables' bytes
    /// ([`Exact::bytes`]) passing `limit`, whatever their keys: each of them is then added
    /// without a check, with the same result as one at a time.
    fn room_for(&self, docs: &[ShardedKeys], limit: usize) -> usize {
        let mut more = [0usize; SHARDS];
        let (mut paragraphs, mut site_growth) = (0, 0);
        for (i, d) in docs.iter().enumerate() {
            paragraphs += d.paragraphs.len();
            if d.site.is_some() {
                site_growth += SITE_GROWTH * d.paragraphs.len();
            }
            for (s, m) in more.iter_mut().enumerate() {
                *m += d.bounds[s + 1] - d.bounds[s];
            }
            let p = &self.paragraphs;
            let worst = grown_capacity(p.len(), p.capacity(), paragraphs) * PARAGRAPH_ENTRY
                + self.site_bytes
                + site_growth
                + self
                    .shingles
                    .iter()
                    .zip(more)
                    .map(|(t, m)| grown_capacity(t.len(), t.capacity(), m))
                    .sum::<usize>()
                    * SHINGLE_ENTRY;
            if worst > limit {
                return i;
            }
        }
        docs.len()
    }

    /// Adds the counts of `other`, made from other documents: each count is the sum of the
    /// two. A paragraph's sites are this index's, then those of `other` in its order, while
    /// there is room for them (the rest counts as overflow, as when documents are added).
    fn add(&mut self, other: Exact) {
        for (h, theirs) in other.paragraphs {
            let e = self.paragraphs.entry(h).or_default();
            e.docs = e.docs.saturating_add(theirs.docs);
            e.overflow = e.overflow.saturating_add(theirs.overflow);
            for (s, c) in theirs.sites {
                add_site(e, &mut self.site_bytes, s, c);
            }
        }
        for (table, theirs) in self.shingles.iter_mut().zip(other.shingles) {
            for (k, seen) in theirs {
                let e = table.entry(k).or_default();
                e.docs = e.docs.saturating_add(seen.docs);
            }
        }
    }

    /// The same counts in a new sketch of `budget` bytes (see [`Exact::fold_into`]).
    fn into_sketch(self, budget: usize, threads: usize) -> Sketch {
        let mut sketch = Sketch::with_budget(budget);
        self.fold_into(&mut sketch, threads);
        sketch
    }

    /// Adds these counts to `sketch` (keys in sorted order, so that the result does not depend
    /// on the tables' iteration order), on up to `threads` threads: the paragraphs on one, each
    /// shard's shingles on one. Each table is emptied into a sorted list and freed before its
    /// keys are added, and a new sketch's pages are written only as keys reach them: the fold
    /// holds the tables not yet folded, the lists being folded and the part of the sketch
    /// written so far, not all the tables (or lists) beside the whole sketch.
    fn fold_into(mut self, sketch: &mut Sketch, threads: usize) {
        let paragraphs = std::mem::take(&mut self.paragraphs);
        let shingles = std::mem::take(&mut self.shingles);
        let (mut cells, runs) = sketch.split_mut();
        let Some(runs) = runs else {
            // Blocks not in runs by shard (a sketch another layout wrote): one table after
            // another, on this thread.
            add_entries(&mut cells, paragraphs);
            for table in shingles {
                for (k, docs) in counted_shingles(table) {
                    sketch.add_shingle(k, docs);
                }
            }
            return;
        };
        let mut parts = vec![Part::Paragraphs((&mut cells, paragraphs))];
        parts.extend(
            runs.into_iter()
                .zip(shingles)
                .enumerate()
                .map(|(s, part)| Part::Shingles(s, part)),
        );
        run_tasks(parts, threads, |part| match part {
            Part::Paragraphs((cells, table)) => add_entries(cells, table),
            Part::Shingles(_, (mut run, table)) => run.add_counted(&counted_shingles(table)),
        });
    }
}

/// Adds the paragraphs of an exact table to a sketch's cells, in key order.
fn add_entries(cells: &mut ParagraphCells<'_>, table: U64Map<Entry>) {
    let mut sorted: Vec<(u64, Entry)> = table.into_iter().collect();
    sorted.sort_unstable_by_key(|&(h, _)| h);
    for (h, e) in sorted {
        for &(s, c) in &e.sites {
            cells.add_paragraph(h, Some(s), c);
        }
        if e.overflow > 0 {
            cells.add_paragraph(h, None, e.overflow);
        }
    }
}

/// The shingles of an exact table with their documents, as a sketch counts them (no higher
/// than 2), in key order.
fn counted_shingles(table: U64Map<Seen>) -> Vec<(u64, u32)> {
    let mut counted: Vec<(u64, u32)> = table
        .into_iter()
        .filter(|(_, c)| c.docs > 0)
        .map(|(k, c)| (k, c.docs.min(2)))
        .collect();
    counted.sort_unstable_by_key(|&(k, _)| k);
    counted
}

#[derive(Debug, Clone)]
enum Repr {
    Exact(Exact),
    Sketch(Box<Sketch>),
}

/// Counts of normalized-paragraph hashes and word shingles over a corpus: the first of the two
/// passes. Exact while small, a fixed-size sketch beyond a quarter of its memory budget.
#[derive(Debug, Clone)]
pub struct CorpusIndex {
    docs: u32,
    budget: usize,
    repr: Repr,
}

impl Default for CorpusIndex {
    fn default() -> Self {
        CorpusIndex::with_memory(DEFAULT_INDEX_MEMORY)
    }
}

/// What the corpus says of one paragraph, excluding the document it is in.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CorpusCounts {
    /// Other documents containing the same normalized paragraph.
    pub other_docs: u32,
    /// Of those, documents from the same site (0 when the site is unknown).
    pub same_site_docs: u32,
    /// Distinct other sites among them.
    pub other_sites: u32,
    /// Share of the paragraph's shingles found in at least one other document.
    pub shingle_share: f32,
}

fn site_hash(site: Option<&str>) -> Option<u64> {
    site.filter(|s| !s.is_empty())
        .map(|s| xxh3_64(s.as_bytes()))
}

/// Counts one document from `site` containing each of the distinct paragraphs `hashes`.
fn count_paragraphs(
    table: &mut U64Map<Entry>,
    site_bytes: &mut usize,
    hashes: &[u64],
    site: Option<u64>,
) {
    for &h in hashes {
        let e = table.entry(h).or_default();
        e.docs += 1;
        match site {
            Some(s) => add_site(e, site_bytes, s, 1),
            None => e.overflow += 1,
        }
    }
}

/// Adds `docs` documents from site `s` to a paragraph's entry: to the site's count when it is
/// remembered or there is room for it, else to the overflow.
fn add_site(e: &mut Entry, site_bytes: &mut usize, s: u64, docs: u32) {
    if let Some((_, c)) = e.sites.iter_mut().find(|(x, _)| *x == s) {
        *c = c.saturating_add(docs);
    } else if e.sites.len() < MAX_SITES {
        if e.sites.capacity() == e.sites.len() {
            *site_bytes += 16 * e.sites.len().max(4);
        }
        e.sites.push((s, docs));
    } else {
        e.overflow = e.overflow.saturating_add(docs);
    }
}

/// Counts shingle `key` for document number `doc`, once however often the document has it.
fn count_shingle(table: &mut U64Map<Seen>, key: u64, doc: u32) {
    let e = table.entry(key).or_default();
    // (Past u32::MAX documents the count saturates and later documents add no shingles; an
    // exact index has long turned into a sketch by then.)
    if e.last != doc {
        e.last = doc;
        e.docs += 1;
    }
}

/// A document's keys as [`CorpusIndex::add_sharded`] takes them: its shingles grouped by
/// [`shingle_shard`] (in the document's order within a shard), and its site's hash.
#[derive(Debug, Clone)]
pub(crate) struct ShardedKeys {
    paragraphs: Vec<u64>,
    shingles: Vec<u64>,
    /// Shard `s`'s shingles are `shingles[bounds[s]..bounds[s + 1]]`.
    bounds: [usize; SHARDS + 1],
    site: Option<u64>,
}

impl ShardedKeys {
    pub(crate) fn new(keys: DocKeys, site: Option<&str>) -> ShardedKeys {
        let shards: Vec<u8> = keys
            .shingles
            .iter()
            .map(|&k| shingle_shard(k) as u8)
            .collect();
        let mut bounds = [0; SHARDS + 1];
        for &s in &shards {
            bounds[usize::from(s) + 1] += 1;
        }
        for s in 0..SHARDS {
            bounds[s + 1] += bounds[s];
        }
        let mut next = bounds;
        let mut shingles = vec![0; keys.shingles.len()];
        for (&k, &s) in keys.shingles.iter().zip(&shards) {
            shingles[next[usize::from(s)]] = k;
            next[usize::from(s)] += 1;
        }
        ShardedKeys {
            paragraphs: keys.paragraphs,
            shingles,
            bounds,
            site: site_hash(site),
        }
    }

    /// Its shingles (repeats included).
    pub(crate) fn shingles(&self) -> usize {
        self.shingles.len()
    }

    fn shard(&self, s: usize) -> &[u64] {
        &self.shingles[self.bounds[s]..self.bounds[s + 1]]
    }
}

/// Shingles from which documents are counted in shards on several threads rather than one at
/// a time ([`CorpusIndex::add_sharded`]).
const MIN_SHARDED: usize = 1 << 13;

/// A part of [`CorpusIndex::add_in_parallel`]'s work: the paragraphs, or one shard's shingles.
enum Part<P, S> {
    Paragraphs(P),
    Shingles(usize, S),
}

/// Runs `f` on every task, on the calling thread and up to `threads - 1` others, each taking
/// the next task not taken yet; returns the results in the order of the tasks.
fn run_tasks<T: Send, R: Send>(tasks: Vec<T>, threads: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let helpers = threads.min(tasks.len()).saturating_sub(1);
    if helpers == 0 {
        return tasks.into_iter().map(f).collect();
    }
    let n = tasks.len();
    let slots: Vec<Mutex<(Option<T>, Option<R>)>> = tasks
        .into_iter()
        .map(|t| Mutex::new((Some(t), None)))
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            // Each task is taken once. A lock is poisoned only by a thread that panicked,
            // which the scope raises again.
            let task = slots[i].lock().ok().and_then(|mut s| s.0.take());
            if let Some(t) = task {
                let r = f(t);
                if let Ok(mut s) = slots[i].lock() {
                    s.1 = Some(r);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .filter_map(|s| s.into_inner().ok().and_then(|s| s.1))
        .collect()
}

/// First bytes of every index file.
pub const INDEX_MAGIC: &[u8; 8] = b"PSIFTIDX";
/// Version of the index file layout this build reads and writes.
pub const INDEX_FORMAT_VERSION: u32 = 2;

/// The index file's kind of container.
const INDEX_FILE: Kind = Kind {
    magic: INDEX_MAGIC,
    oldest: INDEX_FORMAT_VERSION,
    version: INDEX_FORMAT_VERSION,
};

impl CorpusIndex {
    /// An empty index with the default memory budget ([`DEFAULT_INDEX_MEMORY`]).
    pub fn new() -> CorpusIndex {
        CorpusIndex::default()
    }

    /// An empty index that holds about `budget` bytes at most: exact up to a quarter of it, a
    /// sketch of the whole budget beyond.
    pub fn with_memory(budget: usize) -> CorpusIndex {
        CorpusIndex {
            docs: 0,
            budget,
            repr: Repr::Exact(Exact::default()),
        }
    }

    /// An empty index that is a sketch of `budget` bytes from the start, whatever the corpus
    /// size.
    pub fn sketched(budget: usize) -> CorpusIndex {
        CorpusIndex {
            docs: 0,
            budget,
            repr: Repr::Sketch(Box::new(Sketch::with_budget(budget))),
        }
    }

    /// Documents added so far.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// Whether the counts are exact (the index has not turned into a sketch).
    pub fn is_exact(&self) -> bool {
        matches!(self.repr, Repr::Exact(_))
    }

    /// The memory budget.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Bytes held by the counts, about.
    pub fn bytes(&self) -> usize {
        match &self.repr {
            Repr::Exact(e) => e.bytes(),
            Repr::Sketch(s) => s.bytes(),
        }
    }

    /// Adds the counts of `other`, an index of other documents (another share of the corpus,
    /// say), on up to `threads` threads: every count becomes the sum of the two, and the
    /// documents too. Exact counts stay exact while they fit in a quarter of this index's
    /// budget, and turn into a sketch beyond it, as when documents are added. Exact counts go
    /// into a sketch on the other side as documents' counts do (whatever its budget, which the
    /// result keeps). Two sketches add cell by cell (site masks are joined): the estimates stay
    /// at or above the truth, by at most the sum of the two sketches' errors, which can be more
    /// than the error of one index of all the documents.
    ///
    /// # Errors
    /// [`Error::Input`] when both are sketches of different sizes (made with different
    /// budgets); `self` is then unchanged.
    pub fn merge(&mut self, other: CorpusIndex, threads: usize) -> Result<()> {
        if let (Repr::Sketch(a), Repr::Sketch(b)) = (&self.repr, &other.repr)
            && a.shape() != b.shape()
        {
            return Err(Error::input(
                "corpus index",
                format!(
                    "sketches of different sizes (--index-memory {} and {} bytes) cannot be \
                     added",
                    self.budget, other.budget
                ),
            ));
        }
        self.docs = self.docs.saturating_add(other.docs);
        let exact = std::mem::replace(&mut self.repr, Repr::Exact(Exact::default()));
        self.repr = match (exact, other.repr) {
            (Repr::Exact(mut a), Repr::Exact(b)) => {
                a.add(b);
                if a.bytes() > self.budget / 4 {
                    Repr::Sketch(Box::new(a.into_sketch(self.budget, threads)))
                } else {
                    Repr::Exact(a)
                }
            }
            (Repr::Sketch(mut a), Repr::Sketch(b)) => {
                a.add(&b);
                Repr::Sketch(a)
            }
            (Repr::Sketch(mut a), Repr::Exact(b)) => {
                b.fold_into(&mut a, threads);
                Repr::Sketch(a)
            }
            (Repr::Exact(a), Repr::Sketch(mut b)) => {
                a.fold_into(&mut b, threads);
                self.budget = other.budget;
                Repr::Sketch(b)
            }
        };
        Ok(())
    }

    /// Adds one document's paragraphs and shingles (each counted once per document).
    pub fn add(&mut self, a: &DocAnalysis<'_>) {
        self.add_keys(&DocKeys::from_analysis(a), a.doc.site.as_deref());
    }

    /// Adds one document by its keys and site. Its paragraph hashes are distinct, as
    /// [`DocKeys::of`] gives them; a shingle listed more than once counts once.
    pub fn add_keys(&mut self, keys: &DocKeys, site: Option<&str>) {
        self.add_one(&keys.paragraphs, &keys.shingles, None, site_hash(site), 1);
    }

    /// [`CorpusIndex::add_keys`] by the site's hash; exact counts that outgrow their share of
    /// the budget turn into a sketch on up to `threads` threads.
    /// `bounds`, when given, are those of [`ShardedKeys`]: the shingles are already grouped by
    /// shard.
    fn add_one(
        &mut self,
        paragraphs: &[u64],
        shingles: &[u64],
        bounds: Option<&[usize; SHARDS + 1]>,
        site: Option<u64>,
        threads: usize,
    ) {
        self.docs = self.docs.saturating_add(1);
        let doc = self.docs;
        match &mut self.repr {
            Repr::Sketch(sk) => {
                sk.add_paragraphs(paragraphs, site);
                // A sketch cannot tell a repeat from another document: deduplicate first.
                let mut shingles = shingles.to_vec();
                dedup_hashes(&mut shingles);
                sk.add_shingles(&shingles);
            }
            Repr::Exact(ex) => {
                count_paragraphs(&mut ex.paragraphs, &mut ex.site_bytes, paragraphs, site);
                match bounds {
                    Some(b) => {
                        for (s, table) in ex.shingles.iter_mut().enumerate() {
                            for &k in &shingles[b[s]..b[s + 1]] {
                                count_shingle(table, k, doc);
                            }
                        }
                    }
                    None => {
                        for &k in shingles {
                            count_shingle(&mut ex.shingles[shingle_shard(k)], k, doc);
                        }
                    }
                }
                if ex.bytes() > self.budget / 4 {
                    let ex = std::mem::take(ex);
                    self.repr = Repr::Sketch(Box::new(ex.into_sketch(self.budget, threads)));
                }
            }
        }
    }

    /// Adds `docs` in order, with the same result as [`CorpusIndex::add_keys`] of each in turn,
    /// on up to `threads` threads: the calling thread and `threads - 1` others, each counting
    /// the paragraphs or one shard's shingles of all of them. Documents that could turn exact
    /// counts into a sketch are added one at a time on the calling thread.
    pub(crate) fn add_sharded(&mut self, docs: &[ShardedKeys], threads: usize) {
        self.add_sharded_from(docs, threads, MIN_SHARDED);
    }

    /// [`CorpusIndex::add_sharded`], with documents counted in shards from `min_sharded`
    /// shingles.
    fn add_sharded_from(&mut self, docs: &[ShardedKeys], threads: usize, min_sharded: usize) {
        let mut rest = docs;
        while let Some(first) = rest.first() {
            let n = match &self.repr {
                _ if threads < 2 => 0,
                Repr::Exact(ex) => ex.room_for(rest, self.budget / 4),
                Repr::Sketch(sk) if sk.sharded() => rest.len(),
                Repr::Sketch(_) => 0,
            };
            let (now, later) = rest.split_at(n);
            // Too few shingles to be worth starting threads for (near the fold, say): one
            // document at a time.
            if n == 0 || now.iter().map(|d| d.shingles.len()).sum::<usize>() < min_sharded {
                let (p, sh) = (&first.paragraphs, &first.shingles);
                self.add_one(p, sh, Some(&first.bounds), first.site, threads);
                rest = &rest[1..];
                continue;
            }
            self.add_in_parallel(now, threads);
            rest = later;
        }
    }

    /// [`CorpusIndex::add_sharded`] of documents that cannot turn exact counts into a sketch.
    fn add_in_parallel(&mut self, docs: &[ShardedKeys], threads: usize) {
        let base = self.docs;
        self.docs = base.saturating_add(u32::try_from(docs.len()).unwrap_or(u32::MAX));
        // Document `i`'s number, as `add_one` would give it.
        let doc = |i: usize| base.saturating_add(u32::try_from(i + 1).unwrap_or(u32::MAX));
        match &mut self.repr {
            Repr::Exact(ex) => {
                let mut parts = vec![Part::Paragraphs((&mut ex.paragraphs, &mut ex.site_bytes))];
                parts.extend(
                    ex.shingles
                        .iter_mut()
                        .enumerate()
                        .map(|(s, t)| Part::Shingles(s, t)),
                );
                run_tasks(parts, threads, |part| match part {
                    Part::Paragraphs((table, site_bytes)) => {
                        for d in docs {
                            count_paragraphs(table, site_bytes, &d.paragraphs, d.site);
                        }
                    }
                    Part::Shingles(s, table) => {
                        for (i, d) in docs.iter().enumerate() {
                            let doc = doc(i);
                            for &k in d.shard(s) {
                                count_shingle(table, k, doc);
                            }
                        }
                    }
                });
                debug_assert!(ex.bytes() <= self.budget / 4);
            }
            Repr::Sketch(sk) => {
                let (mut cells, runs) = sk.split_mut();
                let Some(runs) = runs else {
                    unreachable!("a sketch is counted in parallel only when its blocks are sharded")
                };
                let mut parts = vec![Part::Paragraphs(&mut cells)];
                parts.extend(
                    runs.into_iter()
                        .enumerate()
                        .map(|(s, r)| Part::Shingles(s, r)),
                );
                run_tasks(parts, threads, |part| match part {
                    Part::Paragraphs(cells) => {
                        for d in docs {
                            cells.add_paragraphs(&d.paragraphs, d.site);
                        }
                    }
                    Part::Shingles(s, mut run) => {
                        let mut distinct = Vec::new();
                        for d in docs {
                            distinct.clear();
                            distinct.extend_from_slice(d.shard(s));
                            dedup_hashes(&mut distinct);
                            run.add_shingles(&distinct);
                        }
                    }
                });
            }
        }
    }

    /// Counts for paragraph `i` of an analysed document that was added to this index.
    pub fn counts(&self, a: &DocAnalysis<'_>, i: usize) -> CorpusCounts {
        match &self.repr {
            Repr::Exact(ex) => Self::exact_counts(ex, a, i),
            Repr::Sketch(sk) => Self::sketch_counts(sk, a, i),
        }
    }

    /// The share of paragraph `i`'s shingles that `repeated` counts as seen in other documents.
    fn shingle_share(a: &DocAnalysis<'_>, i: usize, repeated: impl Fn(&[u64]) -> usize) -> f32 {
        let shingles = a.shingles_of(i);
        if shingles.is_empty() {
            0.0
        } else {
            repeated(shingles) as f32 / shingles.len() as f32
        }
    }

    fn exact_counts(ex: &Exact, a: &DocAnalysis<'_>, i: usize) -> CorpusCounts {
        let Some(e) = ex.paragraphs.get(&a.paras[i].hash) else {
            return CorpusCounts::default();
        };
        let site = site_hash(a.doc.site.as_deref());
        let other_docs = e.docs.saturating_sub(1);
        let (same_site_docs, other_sites) = match site {
            Some(s) => {
                let same = e
                    .sites
                    .iter()
                    .find(|(x, _)| *x == s)
                    .map_or(0, |(_, c)| c.saturating_sub(1));
                let others = e.sites.iter().filter(|(x, _)| *x != s).count() as u32;
                (same, others + (e.overflow > 0) as u32)
            }
            None => (0, e.sites.len() as u32),
        };
        let shingle_share = Self::shingle_share(a, i, |sh| {
            sh.iter()
                .filter(|&&s| {
                    ex.shingles[shingle_shard(s)]
                        .get(&s)
                        .is_some_and(|c| c.docs > 1)
                })
                .count()
        });
        CorpusCounts {
            other_docs,
            same_site_docs,
            other_sites,
            shingle_share,
        }
    }

    fn sketch_counts(sk: &Sketch, a: &DocAnalysis<'_>, i: usize) -> CorpusCounts {
        let site = site_hash(a.doc.site.as_deref());
        let e = sk.paragraph(a.paras[i].hash, site);
        if e.docs == 0 {
            return CorpusCounts::default();
        }
        // The same ranges as the exact counts: at most MAX_SITES sites, one more for "many".
        let (same_site_docs, other_sites) = match site {
            Some(_) => (
                e.same_site.saturating_sub(1),
                (e.sites.saturating_sub(1) + e.no_site as u32).min(MAX_SITES as u32 + 1),
            ),
            None => (0, e.sites.min(MAX_SITES as u32)),
        };
        CorpusCounts {
            other_docs: e.docs - 1,
            same_site_docs,
            other_sites,
            shingle_share: Self::shingle_share(a, i, |sh| sk.repeated_shingles(sh)),
        }
    }

    /// Writes the index file: the crate's container ([`crate::container`]) around the counts.
    ///
    /// # Errors
    /// [`Error::Io`] (named `-`) when writing fails.
    pub fn write_to(&self, w: &mut impl Write) -> Result<()> {
        let io = |e| Error::io("-", e);
        let mut body = INDEX_FILE.writer(&mut *w).map_err(io)?;
        self.write_body(&mut body).map_err(io)?;
        body.finish().map_err(io)?;
        Ok(())
    }

    fn write_body(&self, w: &mut impl Write) -> std::io::Result<()> {
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        w.write_all(&(version.len() as u32).to_le_bytes())?;
        w.write_all(version)?;
        w.write_all(&self.docs.to_le_bytes())?;
        w.write_all(&(self.budget as u64).to_le_bytes())?;
        match &self.repr {
            Repr::Exact(ex) => {
                w.write_all(&[0])?;
                let mut keys: Vec<u64> = ex.paragraphs.keys().copied().collect();
                keys.sort_unstable();
                w.write_all(&(keys.len() as u64).to_le_bytes())?;
                let mut buf = Vec::with_capacity(64 << 10);
                for h in keys {
                    let e = &ex.paragraphs[&h];
                    buf.extend_from_slice(&h.to_le_bytes());
                    buf.extend_from_slice(&e.docs.to_le_bytes());
                    buf.extend_from_slice(&e.overflow.to_le_bytes());
                    buf.push(e.sites.len() as u8);
                    for &(s, c) in &e.sites {
                        buf.extend_from_slice(&s.to_le_bytes());
                        buf.extend_from_slice(&c.to_le_bytes());
                    }
                    if buf.len() > 60 << 10 {
                        w.write_all(&buf)?;
                        buf.clear();
                    }
                }
                let mut sh: Vec<(u64, u32)> = ex
                    .shingles
                    .iter()
                    .flatten()
                    .map(|(&k, c)| (k, c.docs))
                    .collect();
                sh.sort_unstable();
                buf.extend_from_slice(&(sh.len() as u64).to_le_bytes());
                for (h, c) in sh {
                    buf.extend_from_slice(&h.to_le_bytes());
                    buf.extend_from_slice(&c.to_le_bytes());
                    if buf.len() > 60 << 10 {
                        w.write_all(&buf)?;
                        buf.clear();
                    }
                }
                w.write_all(&buf)
            }
            Repr::Sketch(sk) => {
                w.write_all(&[1])?;
                sk.write_to(w)
            }
        }
    }

    /// Reads an index file of `len` bytes. `name` names it in errors.
    ///
    /// # Errors
    /// [`Error::BadIndex`] when the bytes are not an index this build wrote (magic, version,
    /// checksum, layout), naming what is wrong.
    pub fn read_from(r: &mut impl Read, len: u64, name: &str) -> Result<CorpusIndex> {
        let bad = |m: String| Error::bad_index(name, m);
        let (_, mut body) = INDEX_FILE.reader(r, len).map_err(|e| match e {
            ContainerError::BadMagic { found } => bad(format!(
                "not a parasift corpus index (bad magic bytes {found:?})"
            )),
            ContainerError::Version { found, .. } => bad(format!(
                "index format version {found} is not supported (this build reads version {INDEX_FORMAT_VERSION})"
            )),
            ContainerError::TooShort { len } => bad(format!("file is {len} bytes, too short")),
            ContainerError::Io(kind, message) => {
                Error::io(name, std::io::Error::new(kind, message))
            }
            other => bad(other.to_string()),
        })?;
        let body_len = body.payload_len();
        let parsed = Self::read_body(&mut body, body_len);
        let leftover = body.finish().map_err(|e| match e {
            ContainerError::Io(kind, message) => {
                Error::io(name, std::io::Error::new(kind, message))
            }
            other => bad(other.to_string()),
        })?;
        let index = parsed.map_err(bad)?;
        if leftover > 0 {
            return Err(bad(format!("{leftover} trailing bytes after the counts")));
        }
        Ok(index)
    }

    fn read_body(r: &mut impl Read, limit: u64) -> std::result::Result<CorpusIndex, String> {
        let trunc = |e: std::io::Error| format!("truncated: {e}");
        let mut b4 = [0u8; 4];
        let mut b8 = [0u8; 8];
        r.read_exact(&mut b4).map_err(trunc)?;
        let vlen = u32::from_le_bytes(b4) as u64;
        if vlen > 256 {
            return Err(format!("bad crate version length {vlen}"));
        }
        let mut v = vec![0u8; vlen as usize];
        r.read_exact(&mut v).map_err(trunc)?;
        r.read_exact(&mut b4).map_err(trunc)?;
        let docs = u32::from_le_bytes(b4);
        r.read_exact(&mut b8).map_err(trunc)?;
        let budget = u64::from_le_bytes(b8) as usize;
        let mut kind = [0u8];
        r.read_exact(&mut kind).map_err(trunc)?;
        let repr = match kind[0] {
            0 => {
                let mut ex = Exact::default();
                r.read_exact(&mut b8).map_err(trunc)?;
                let n = u64::from_le_bytes(b8);
                if n.saturating_mul(17) > limit {
                    return Err(format!("{n} paragraphs claimed, more than the file holds"));
                }
                ex.paragraphs.reserve(n as usize);
                for _ in 0..n {
                    let mut head = [0u8; 17];
                    r.read_exact(&mut head).map_err(trunc)?;
                    let h = u64::from_le_bytes(head[..8].try_into().unwrap_or_default());
                    let docs = u32::from_le_bytes(head[8..12].try_into().unwrap_or_default());
                    let overflow = u32::from_le_bytes(head[12..16].try_into().unwrap_or_default());
                    let ns = head[16] as usize;
                    if ns > MAX_SITES {
                        return Err(format!("{ns} sites for one paragraph, at most {MAX_SITES}"));
                    }
                    let mut sites = Vec::with_capacity(ns);
                    for _ in 0..ns {
                        let mut s = [0u8; 12];
                        r.read_exact(&mut s).map_err(trunc)?;
                        sites.push((
                            u64::from_le_bytes(s[..8].try_into().unwrap_or_default()),
                            u32::from_le_bytes(s[8..].try_into().unwrap_or_default()),
                        ));
                    }
                    if ns > 0 {
                        ex.site_bytes += 16 * ns.max(4);
                    }
                    ex.paragraphs.insert(
                        h,
                        Entry {
                            docs,
                            sites,
                            overflow,
                        },
                    );
                }
                r.read_exact(&mut b8).map_err(trunc)?;
                let n = u64::from_le_bytes(b8);
                if n.saturating_mul(12) > limit {
                    return Err(format!("{n} shingles claimed, more than the file holds"));
                }
                // (About as many in each shard: their keys are hashes.)
                for t in &mut ex.shingles {
                    t.reserve(n as usize / SHARDS);
                }
                for _ in 0..n {
                    let mut s = [0u8; 12];
                    r.read_exact(&mut s).map_err(trunc)?;
                    let key = u64::from_le_bytes(s[..8].try_into().unwrap_or_default());
                    ex.shingles[shingle_shard(key)].insert(
                        key,
                        Seen {
                            docs: u32::from_le_bytes(s[8..].try_into().unwrap_or_default()),
                            last: 0,
                        },
                    );
                }
                Repr::Exact(ex)
            }
            1 => Repr::Sketch(Box::new(Sketch::read_from(r, limit)?)),
            k => return Err(format!("unknown index kind {k}")),
        };
        Ok(CorpusIndex { docs, budget, repr })
    }

    /// Saves the index to `path`: written to a temporary file beside it, then renamed, so a
    /// crash never leaves a truncated index under that name.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = temp_path(path);
        let write = || -> Result<()> {
            let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            self.write_to(&mut w).map_err(|e| match e {
                Error::Io { source, .. } => Error::io(&tmp, source),
                other => other,
            })?;
            let f = w
                .into_inner()
                .map_err(|e| Error::io(&tmp, e.into_error()))?;
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        };
        let r = write();
        if r.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        r
    }

    /// Loads an index file written by [`CorpusIndex::save`].
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read, [`Error::BadIndex`] when it cannot be trusted.
    pub fn load(path: &Path) -> Result<CorpusIndex> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
        let mut r = std::io::BufReader::with_capacity(1 << 20, f);
        CorpusIndex::read_from(&mut r, len, &path.display().to_string())
    }
}

/// A temporary name beside `path`: `.NAME.tmp-PID`.
pub(crate) fn temp_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// What [`temp_path`] made `file_name` from: the final file's name and the process id.
pub(crate) fn parse_temp_name(file_name: &str) -> Option<(&str, u32)> {
    let (name, pid) = file_name.strip_prefix('.')?.rsplit_once(".tmp-")?;
    Some((name, pid.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_name_reads_back() {
        let tmp = temp_path(Path::new("out/sub/a.jsonl.tmp-x.gz"));
        let name = tmp.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            parse_temp_name(name),
            Some(("a.jsonl.tmp-x.gz", std::process::id()))
        );
        assert_eq!(parse_temp_name("a.jsonl.tmp-12"), None);
        assert_eq!(parse_temp_name(".a.jsonl.tmp-x"), None);
    }

    fn doc(id: &str, site: Option<&str>, texts: &[&str]) -> Document {
        let mut d = Document::from_paragraphs(id, texts);
        d.site = site.map(str::to_string);
        d
    }

    /// The bytes an index saves.
    fn saved(ix: &CorpusIndex) -> Vec<u8> {
        let mut out = Vec::new();
        ix.write_to(&mut out).unwrap();
        out
    }

    /// Whether every shingle of an exact index is in its shard's table, where look-ups seek it.
    fn in_their_shards(ix: &CorpusIndex) -> bool {
        match &ix.repr {
            Repr::Exact(ex) => ex
                .shingles
                .iter()
                .enumerate()
                .all(|(s, t)| t.keys().all(|&k| shingle_shard(k) == s)),
            Repr::Sketch(_) => true,
        }
    }

    /// A dozen documents at most, of a few paragraphs of the letters a to e (some repeating a
    /// phrase), each from site x, site y or none.
    fn small_corpus()
    -> impl proptest::strategy::Strategy<Value = Vec<(Vec<String>, Option<String>)>> {
        proptest::collection::vec(
            (
                proptest::collection::vec(
                    proptest::prop_oneof![
                        proptest::strategy::Just("a b c d e a b c d e a b c d e".to_string()),
                        "[a-e ]{0,60}",
                    ],
                    1..5,
                ),
                proptest::option::of("[xy]"),
            ),
            1..12,
        )
    }

    proptest::proptest! {
        /// Keys whose shingles still repeat count as the deduplicated ones do, in an exact
        /// index, in a sketch, and across the switch from one to the other.
        #[test]
        fn repeated_shingles_count_once_per_document(
            docs in small_corpus(),
            budget in proptest::prop_oneof![proptest::strategy::Just(1usize << 20), 64usize..4096],
        ) {
            let mut deduped = CorpusIndex::with_memory(budget);
            let mut repeated = CorpusIndex::with_memory(budget);
            let mut sketched = (CorpusIndex::sketched(4096), CorpusIndex::sketched(4096));
            for (i, (texts, site)) in docs.iter().enumerate() {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let d = doc(&i.to_string(), site.as_deref(), &texts);
                let (once, more) = (DocKeys::of(&d), DocKeys::with_repeated_shingles(&d));
                deduped.add_keys(&once, site.as_deref());
                repeated.add_keys(&more, site.as_deref());
                sketched.0.add_keys(&once, site.as_deref());
                sketched.1.add_keys(&more, site.as_deref());
            }
            proptest::prop_assert_eq!(saved(&deduped), saved(&repeated));
            proptest::prop_assert_eq!(saved(&sketched.0), saved(&sketched.1));
        }

        /// Documents counted in runs, on several threads, give the index that counting them
        /// one at a time gives: exact, sketched from the start, and turning into a sketch.
        #[test]
        fn sharded_counting_matches_one_at_a_time(
            docs in small_corpus(),
            budget in proptest::prop_oneof![proptest::strategy::Just(1usize << 20), 64usize..8192],
            threads in 1usize..5,
            run in 1usize..6,
        ) {
            let mut one = (CorpusIndex::with_memory(budget), CorpusIndex::sketched(budget));
            let mut runs = one.clone();
            let mut keys = Vec::new();
            for (i, (texts, site)) in docs.iter().enumerate() {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let d = doc(&i.to_string(), site.as_deref(), &texts);
                let k = DocKeys::with_repeated_shingles(&d);
                one.0.add_keys(&k, site.as_deref());
                one.1.add_keys(&k, site.as_deref());
                keys.push(ShardedKeys::new(k, site.as_deref()));
            }
            // Every run in shards, however few its shingles.
            for chunk in keys.chunks(run) {
                runs.0.add_sharded_from(chunk, threads, 0);
                runs.1.add_sharded_from(chunk, threads, 0);
            }
            proptest::prop_assert_eq!(saved(&one.0), saved(&runs.0));
            proptest::prop_assert_eq!(saved(&one.1), saved(&runs.1));
            proptest::prop_assert!(in_their_shards(&one.0) && in_their_shards(&runs.0));
        }

        /// The indexes of two shares of a corpus, merged, are the index of the whole: the same
        /// exact counts, or sketch estimates no lower than the truth; with a sketch on either
        /// side when the other is exact.
        #[test]
        fn merged_shares_count_as_the_whole(
            docs in small_corpus(),
            split in 0usize..12,
            threads in 1usize..3,
        ) {
            let split = split.min(docs.len());
            let mut whole = CorpusIndex::with_memory(1 << 20);
            let (mut exact, mut sketched) = (
                [CorpusIndex::with_memory(1 << 20), CorpusIndex::with_memory(1 << 20)],
                [CorpusIndex::sketched(8192), CorpusIndex::sketched(8192)],
            );
            let mut analysed = Vec::new();
            for (i, (texts, site)) in docs.iter().enumerate() {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let d = doc(&i.to_string(), site.as_deref(), &texts);
                let k = DocKeys::with_repeated_shingles(&d);
                whole.add_keys(&k, site.as_deref());
                exact[usize::from(i >= split)].add_keys(&k, site.as_deref());
                sketched[usize::from(i >= split)].add_keys(&k, site.as_deref());
                analysed.push(d);
            }
            let [ex0, ex1] = exact;
            let [sk0, sk1] = sketched;
            let mut merged = ex0.clone();
            merged.merge(ex1.clone(), threads).unwrap();
            proptest::prop_assert_eq!(saved(&merged), saved(&whole));
            proptest::prop_assert!(in_their_shards(&merged));
            // Sketches, and a sketch with exact counts on either side.
            let (mut ss, mut se, mut es) = (sk0.clone(), sk0, ex0);
            ss.merge(sk1.clone(), threads).unwrap();
            se.merge(ex1, threads).unwrap();
            es.merge(sk1, threads).unwrap();
            for ix in [&ss, &se, &es] {
                proptest::prop_assert!(!ix.is_exact());
                proptest::prop_assert_eq!(ix.docs(), whole.docs());
                for d in &analysed {
                    let a = DocAnalysis::new(d);
                    for p in 0..d.paragraphs.len() {
                        let (got, want) = (ix.counts(&a, p), whole.counts(&a, p));
                        proptest::prop_assert!(got.other_docs >= want.other_docs);
                        proptest::prop_assert!(got.same_site_docs >= want.same_site_docs);
                        proptest::prop_assert!(got.shingle_share >= want.shingle_share);
                    }
                }
            }
        }

        #[test]
        fn dedup_keeps_each_hash_once_in_first_order(
            v in proptest::collection::vec(proptest::prop_oneof![0u64..6, proptest::num::u64::ANY], 0..300)
        ) {
            let mut got = v.clone();
            dedup_hashes(&mut got);
            let mut want: Vec<u64> = Vec::new();
            for h in v {
                if !want.contains(&h) {
                    want.push(h);
                }
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// Many documents, counted in runs on several threads, turn into a sketch at the document
    /// where counting them one at a time does, not at the end of a run.
    #[test]
    fn sharded_counting_turns_into_a_sketch_where_one_at_a_time_does() {
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        // Shingles and paragraphs from pools, so that some repeat across documents.
        let docs: Vec<(DocKeys, Option<String>)> = (0..2000)
            .map(|_| {
                let mut keys = DocKeys {
                    paragraphs: (0..3).map(|_| next(3000) + 1).collect(),
                    shingles: (0..50)
                        .map(|_| next(60_000).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                        .collect(),
                };
                dedup_hashes(&mut keys.paragraphs);
                let site = (next(4) > 0).then(|| format!("site{}", next(20)));
                (keys, site)
            })
            .collect();
        let budget = 4 << 20;
        let mut one = CorpusIndex::with_memory(budget);
        for (i, (k, site)) in docs.iter().enumerate() {
            one.add_keys(k, site.as_deref());
            if i == 500 {
                assert!(one.is_exact(), "still exact after 500 documents");
            }
        }
        assert!(!one.is_exact(), "a sketch after 2000");
        let keys: Vec<ShardedKeys> = docs
            .iter()
            .map(|(k, s)| ShardedKeys::new(k.clone(), s.as_deref()))
            .collect();
        for threads in [1, 2, 3] {
            let mut runs = CorpusIndex::with_memory(budget);
            for chunk in keys.chunks(256) {
                runs.add_sharded(chunk, threads);
            }
            assert_eq!(saved(&one), saved(&runs), "{threads} threads");
            // Before the fold, too.
            let mut runs = CorpusIndex::with_memory(budget);
            runs.add_sharded(&keys[..400], threads);
            assert!(runs.is_exact() && in_their_shards(&runs));
        }
    }

    #[test]
    fn merged_sketches_join_their_sites() {
        let quote = "A quote that several sites carry, word for word, in their stories.";
        let a = doc("a", Some("a.com"), &["Story a.", quote]);
        let b = doc("b", Some("b.com"), &["Story b.", quote]);
        let (mut first, mut second) = (
            CorpusIndex::sketched(1 << 16),
            CorpusIndex::sketched(1 << 16),
        );
        first.add_keys(&DocKeys::of(&a), a.site.as_deref());
        second.add_keys(&DocKeys::of(&b), b.site.as_deref());
        first.merge(second, 2).unwrap();
        let q = first.counts(&DocAnalysis::new(&a), 1);
        assert_eq!((q.other_docs, q.same_site_docs, q.other_sites), (1, 0, 1));
        assert_eq!(q.shingle_share, 1.0);
        assert_eq!(
            first.counts(&DocAnalysis::new(&a), 0),
            CorpusCounts::default()
        );
    }

    #[test]
    fn sketches_of_different_sizes_are_not_merged() {
        let d = doc("a", Some("a.com"), &["A paragraph of some words here."]);
        let mut small = CorpusIndex::sketched(8192);
        small.add_keys(&DocKeys::of(&d), d.site.as_deref());
        let before = saved(&small);
        let mut exact = CorpusIndex::with_memory(1 << 20);
        exact.add_keys(&DocKeys::of(&d), d.site.as_deref());
        for other in [CorpusIndex::sketched(1 << 20), exact.clone()] {
            let mut both = small.clone();
            let other_is_exact = other.is_exact();
            let r = both.merge(other, 1);
            if other_is_exact {
                // Exact counts go into a sketch of any size, as documents do.
                assert!(r.is_ok());
                assert_eq!(both.docs(), 2);
            } else {
                let e = r.unwrap_err().to_string();
                assert!(e.contains("sketches of different sizes"), "{e}");
                assert_eq!(saved(&both), before);
            }
        }
    }

    #[test]
    fn one_site_footer_versus_syndicated_quote() {
        let footer = "All rights reserved. Example News 2025.";
        let quote =
            "“Such conflicts are capable of setting the entire region on fire,” Peskov warned.";
        let docs = [
            doc("a1", Some("a.com"), &["Story one is here.", footer, quote]),
            doc("a2", Some("a.com"), &["Story two is there.", footer]),
            doc("b1", Some("b.com"), &["Another story.", quote]),
            doc("c1", Some("c.com"), &["Third story.", quote]),
        ];
        let (analyses, idx) = analyse_corpus(&docs);
        assert_eq!(idx.docs(), 4);
        let f = idx.counts(&analyses[0], 1);
        assert_eq!((f.other_docs, f.same_site_docs, f.other_sites), (1, 1, 0));
        let q = idx.counts(&analyses[0], 2);
        assert_eq!((q.other_docs, q.same_site_docs, q.other_sites), (2, 0, 2));
        assert_eq!(q.shingle_share, 1.0);
        let own = idx.counts(&analyses[0], 0);
        assert_eq!(own, CorpusCounts::default());
    }
}
