//! Corpus-wide repetition: in how many documents, and from how many sites, a paragraph occurs.

use std::borrow::Borrow;
use std::collections::HashMap;

use rayon::prelude::*;

use xxhash_rust::xxh3::xxh3_64;

use super::analysis::DocAnalysis;
use crate::document::Document;

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

#[derive(Debug, Clone, Default)]
struct Entry {
    docs: u32,
    /// (site hash, documents from that site), at most [`MAX_SITES`] entries.
    sites: Vec<(u64, u32)>,
    /// Documents whose site was not among the remembered ones.
    overflow: u32,
}

/// Counts of normalized-paragraph hashes and word shingles over a corpus: the first of the two
/// passes.
#[derive(Debug, Clone, Default)]
pub struct CorpusIndex {
    docs: u32,
    paragraphs: HashMap<u64, Entry>,
    shingles: HashMap<u64, u32>,
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

impl CorpusIndex {
    /// An empty index.
    pub fn new() -> CorpusIndex {
        CorpusIndex::default()
    }

    /// Documents added so far.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// Adds one document's paragraphs and shingles (each counted once per document).
    pub fn add(&mut self, a: &DocAnalysis<'_>) {
        self.docs += 1;
        let site = site_hash(a.doc.site.as_deref());
        let mut hashes: Vec<u64> = a.paras.iter().map(|p| p.hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        for h in hashes {
            let e = self.paragraphs.entry(h).or_default();
            e.docs += 1;
            match site {
                Some(s) => {
                    if let Some((_, c)) = e.sites.iter_mut().find(|(x, _)| *x == s) {
                        *c += 1;
                    } else if e.sites.len() < MAX_SITES {
                        e.sites.push((s, 1));
                    } else {
                        e.overflow += 1;
                    }
                }
                None => e.overflow += 1,
            }
        }
        let mut sh = a.shingles.clone();
        sh.sort_unstable();
        sh.dedup();
        for s in sh {
            *self.shingles.entry(s).or_default() += 1;
        }
    }

    /// Counts for paragraph `i` of an analysed document that was added to this index.
    pub fn counts(&self, a: &DocAnalysis<'_>, i: usize) -> CorpusCounts {
        let Some(e) = self.paragraphs.get(&a.paras[i].hash) else {
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
        let shingles = a.shingles_of(i);
        let shingle_share = if shingles.is_empty() {
            0.0
        } else {
            let seen = shingles
                .iter()
                .filter(|s| self.shingles.get(s).is_some_and(|&c| c > 1))
                .count();
            seen as f32 / shingles.len() as f32
        };
        CorpusCounts {
            other_docs,
            same_site_docs,
            other_sites,
            shingle_share,
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
