//! What a document adds to a corpus index: its paragraph and shingle hashes, and its site.

use xxhash_rust::xxh3::xxh3_64;

use super::sketch::{SHARDS, shingle_shard};
use crate::document::Document;
use crate::features::analysis::{DocAnalysis, give_back_room, push_shingles, shingle_room};
use crate::hash::U64Set;

/// What a document adds to a [`CorpusIndex`](crate::CorpusIndex): its normalized-paragraph hashes and word-shingle
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
        // (The shingles of a short document are not sized up front from the text's length: the
        // keys wait in the window to be counted, and short paragraphs have no shingles. A long
        // one gets the room it can need, and gives back what it did not use.)
        let about = doc.paragraphs.iter().map(|p| p.text.len()).sum::<usize>() / 6;
        let room = shingle_room(doc, about);
        let mut keys = DocKeys {
            paragraphs: Vec::with_capacity(doc.paragraphs.len()),
            shingles: Vec::with_capacity(if room > about { room } else { 0 }),
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
        give_back_room(&mut keys.shingles);
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

    pub(super) fn dedup(&mut self) {
        dedup_hashes(&mut self.paragraphs);
        dedup_hashes(&mut self.shingles);
    }
}

/// Keeps the first occurrence of each hash in `v`, in order: through a [`U64Set`], which for
/// a document's few hundred shingles is cheaper than sorting.
pub(super) fn dedup_hashes(v: &mut Vec<u64>) {
    if v.len() < 2 {
        return;
    }
    let mut seen = U64Set::with_capacity(v.len());
    v.retain(|&h| seen.insert(h));
}

pub(super) fn site_hash(site: Option<&str>) -> Option<u64> {
    site.filter(|s| !s.is_empty())
        .map(|s| xxh3_64(s.as_bytes()))
}

/// Shingles moved between two times the keys' vector gives back its memory (1 MiB of them).
const SHRINK_EVERY: usize = 1 << 17;

/// A document's keys as [`CorpusIndex::add_sharded`] takes them: its shingles grouped by
/// [`shingle_shard`] (in the document's order within a shard), and its site's hash.
#[derive(Debug, Clone)]
pub(crate) struct ShardedKeys {
    pub(super) paragraphs: Vec<u64>,
    pub(super) shingles: Vec<u64>,
    /// Shard `s`'s shingles are `shingles[bounds[s]..bounds[s + 1]]`.
    pub(super) bounds: [usize; SHARDS + 1],
    pub(super) site: Option<u64>,
}

impl ShardedKeys {
    pub(crate) fn new(mut keys: DocKeys, site: Option<&str>) -> ShardedKeys {
        let mut bounds = [0; SHARDS + 1];
        for &k in &keys.shingles {
            bounds[shingle_shard(k) + 1] += 1;
        }
        for s in 0..SHARDS {
            bounds[s + 1] += bounds[s];
        }
        // Each shard is filled from its end, taking the shingles from the back, so that the
        // order within a shard is the document's and the keys' vector can give back its memory
        // as the sharded one fills: a long document's shingles are not held twice. (The new
        // vector's pages take memory only as they are written.)
        let mut next = bounds;
        let mut shingles = vec![0; keys.shingles.len()];
        let mut taken = 0;
        while let Some(k) = keys.shingles.pop() {
            let s = shingle_shard(k);
            next[s + 1] -= 1;
            shingles[next[s + 1]] = k;
            taken += 1;
            if taken % SHRINK_EVERY == 0 {
                keys.shingles.shrink_to_fit();
            }
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

    pub(super) fn shard(&self, s: usize) -> &[u64] {
        &self.shingles[self.bounds[s]..self.bounds[s + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharded_keys_keep_the_documents_order_within_each_shard() {
        // More shingles than the keys' vector gives back at a time, some repeated.
        let shingles: Vec<u64> = (0..3 * SHRINK_EVERY as u64 + 77)
            .map(|i| xxh3_64(&(i % 100_003).to_le_bytes()))
            .collect();
        let keys = DocKeys {
            paragraphs: vec![1, 2],
            shingles: shingles.clone(),
        };
        let sharded = ShardedKeys::new(keys, Some("example.com"));
        assert_eq!(sharded.shingles(), shingles.len());
        for s in 0..SHARDS {
            let want: Vec<u64> = shingles
                .iter()
                .copied()
                .filter(|&k| shingle_shard(k) == s)
                .collect();
            assert_eq!(sharded.shard(s), &want[..], "shard {s}");
        }
    }
}
