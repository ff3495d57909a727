//! Counting many documents at once, on several threads: the paragraphs on one, each shard of
//! the shingles on another.

use rayon::prelude::*;

use super::exact::{count_paragraphs, count_shingle};
use super::keys::{DocKeys, ShardedKeys, dedup_hashes};
use super::tasks::{Part, run_tasks};
use super::{CorpusIndex, Repr};

/// Shingles from which documents are counted in shards on several threads rather than one at
/// a time ([`CorpusIndex::add_sharded`]).
pub(super) const MIN_SHARDED: usize = 1 << 13;

impl CorpusIndex {
    /// Adds documents by their keys and sites, in order, with the counts of
    /// [`CorpusIndex::add_keys`] of each in turn, as the first pass of `parasift classify`
    /// counts: their keys are grouped by shard on the current rayon pool, then counted on up
    /// to `threads` threads (the paragraphs on one, each shard of the shingles on another).
    pub fn add_keys_all(&mut self, docs: Vec<(DocKeys, Option<&str>)>, threads: usize) {
        let sharded: Vec<ShardedKeys> = docs
            .into_par_iter()
            .map(|(keys, site)| ShardedKeys::new(keys, site))
            .collect();
        self.add_sharded(&sharded, threads.max(1));
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
    pub(super) fn add_sharded_from(
        &mut self,
        docs: &[ShardedKeys],
        threads: usize,
        min_sharded: usize,
    ) {
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
    pub(super) fn add_in_parallel(&mut self, docs: &[ShardedKeys], threads: usize) {
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
}
