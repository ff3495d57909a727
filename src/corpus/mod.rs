//! Corpus-wide repetition: in how many documents, and from how many sites, a paragraph occurs.
//!
//! The [`CorpusIndex`] is exact (hash tables) while it is small: the training fixtures, the
//! seeds and any corpus whose tables fit in a quarter of the memory budget get exactly the
//! counts the default model was trained on. When the tables would outgrow that, the index turns
//! into a fixed-size sketch of the whole budget (see [`sketch`](super::sketch) for its layout
//! and error bounds), and from then on never grows. Either form can be saved to a versioned,
//! checksummed file and loaded again ([`CorpusIndex::save`], [`CorpusIndex::load`]).
//!
//! The parts: [`keys`] (what a document adds), [`exact`] (the hash tables), [`sketch`] (the
//! fixed-size form), the counting of many documents on several threads, [`merge`](CorpusIndex::merge)
//! of two indexes, and the index file.

mod counting;
mod exact;
mod file;
mod keys;
mod merge;
pub(crate) mod sketch;
mod tasks;

use std::borrow::Borrow;

use rayon::prelude::*;

use crate::document::Document;
use crate::features::analysis::DocAnalysis;

use exact::{Exact, count_paragraphs, count_shingle};
pub use keys::DocKeys;
pub(crate) use keys::ShardedKeys;
use keys::{dedup_hashes, site_hash};
use sketch::{SHARDS, Sketch, shingle_shard};

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
            // The public form, which shards the keys itself.
            let mut all = CorpusIndex::with_memory(budget);
            all.add_keys_all(
                docs.iter()
                    .map(|(k, s)| (k.clone(), s.as_deref()))
                    .collect(),
                threads,
            );
            assert_eq!(saved(&one), saved(&all), "add_keys_all, {threads} threads");
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
