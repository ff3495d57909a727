//! The exact form of a corpus index: hash tables of paragraph and shingle counts, while they
//! fit in a quarter of the budget.

use super::MAX_SITES;
use super::keys::ShardedKeys;
use super::sketch::{ParagraphCells, SHARDS, Sketch};
use super::tasks::{Part, run_tasks};
use crate::hash::U64Map;

#[derive(Debug, Clone, Default)]
pub(super) struct Entry {
    pub(super) docs: u32,
    /// (site hash, documents from that site), at most [`MAX_SITES`] entries.
    pub(super) sites: Vec<(u64, u32)>,
    /// Documents whose site was not among the remembered ones.
    pub(super) overflow: u32,
}

/// A shingle's count, and the last document that counted it: a document that repeats a
/// shingle counts it once without a deduplication of its own.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Seen {
    pub(super) docs: u32,
    /// The index's document count when that document was added (0 for none, or for the
    /// documents of a saved index).
    pub(super) last: u32,
}

#[derive(Debug, Clone)]
pub(super) struct Exact {
    pub(super) paragraphs: U64Map<Entry>,
    /// The shingles of each of the [`SHARDS`] shards of [`shingle_shard`], one table each.
    pub(super) shingles: Vec<U64Map<Seen>>,
    /// Bytes held by the site lists.
    pub(super) site_bytes: usize,
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
pub(super) const PARAGRAPH_ENTRY: usize = std::mem::size_of::<(u64, Entry)>() + 1;
pub(super) const SHINGLE_ENTRY: usize = std::mem::size_of::<(u64, Seen)>() + 1;
/// Most that a site list grows by when one document adds to it (it holds at most
/// [`MAX_SITES`], and grows from 0 to 4 or from 4 to 8 entries of 16 bytes).
pub(super) const SITE_GROWTH: usize = 64;

/// The capacity a hash table of `len` entries and capacity `cap` may have after `more`
/// insertions, at most: a table that grows takes less than twice the entries it needs.
pub(super) fn grown_capacity(len: usize, cap: usize, more: usize) -> usize {
    if len + more <= cap {
        cap
    } else {
        2 * (len + more) + 8
    }
}

impl Exact {
    pub(super) fn bytes(&self) -> usize {
        self.paragraphs.capacity() * PARAGRAPH_ENTRY
            + self.site_bytes
            + self.shingles.iter().map(|t| t.capacity()).sum::<usize>() * SHINGLE_ENTRY
    }

    /// How many of `docs`, from the first, can be added without the tables' bytes
    /// ([`Exact::bytes`]) passing `limit`, whatever their keys: each of them is then added
    /// without a check, with the same result as one at a time.
    pub(super) fn room_for(&self, docs: &[ShardedKeys], limit: usize) -> usize {
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
    pub(super) fn add(&mut self, other: Exact, threads: usize) {
        // The paragraphs on one thread, each shard's shingles on one (the tables are apart,
        // so the result does not depend on the threads).
        let mut parts = vec![Part::Paragraphs((
            &mut self.paragraphs,
            &mut self.site_bytes,
            other.paragraphs,
        ))];
        parts.extend(
            self.shingles
                .iter_mut()
                .zip(other.shingles)
                .enumerate()
                .map(|(s, tables)| Part::Shingles(s, tables)),
        );
        run_tasks(parts, threads, |part| match part {
            Part::Paragraphs((table, site_bytes, theirs)) => {
                for (h, theirs) in theirs {
                    let e = table.entry(h).or_default();
                    e.docs = e.docs.saturating_add(theirs.docs);
                    e.overflow = e.overflow.saturating_add(theirs.overflow);
                    for (s, c) in theirs.sites {
                        add_site(e, site_bytes, s, c);
                    }
                }
            }
            Part::Shingles(_, (table, theirs)) => {
                for (k, seen) in theirs {
                    let e = table.entry(k).or_default();
                    e.docs = e.docs.saturating_add(seen.docs);
                }
            }
        });
    }

    /// The same counts in a new sketch of `budget` bytes (see [`Exact::fold_into`]).
    pub(super) fn into_sketch(self, budget: usize, threads: usize) -> Sketch {
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
    pub(super) fn fold_into(mut self, sketch: &mut Sketch, threads: usize) {
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
pub(super) fn add_entries(cells: &mut ParagraphCells<'_>, table: U64Map<Entry>) {
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
pub(super) fn counted_shingles(table: U64Map<Seen>) -> Vec<(u64, u32)> {
    let mut counted: Vec<(u64, u32)> = table
        .into_iter()
        .filter(|(_, c)| c.docs > 0)
        .map(|(k, c)| (k, c.docs.min(2)))
        .collect();
    counted.sort_unstable_by_key(|&(k, _)| k);
    counted
}

/// Counts one document from `site` containing each of the distinct paragraphs `hashes`.
pub(super) fn count_paragraphs(
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
pub(super) fn add_site(e: &mut Entry, site_bytes: &mut usize, s: u64, docs: u32) {
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
pub(super) fn count_shingle(table: &mut U64Map<Seen>, key: u64, doc: u32) {
    let e = table.entry(key).or_default();
    // (Past u32::MAX documents the count saturates and later documents add no shingles; an
    // exact index has long turned into a sketch by then.)
    if e.last != doc {
        e.last = doc;
        e.docs += 1;
    }
}
