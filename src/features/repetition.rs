//! Repetition columns: copies inside the document, occurrences across the corpus (one site or
//! many), and repeated word n-grams.

use super::analysis::DocAnalysis;
use super::ratio;
use crate::corpus::CorpusCounts;

/// Column names.
pub const NAMES: &[&str] = &[
    "doc_copies",
    "is_later_copy",
    "doc_repeated_ngrams",
    "corpus_other_docs",
    "corpus_same_site_share",
    "corpus_other_sites",
    "corpus_shared_ngrams",
    "site_known",
];

/// Writes paragraph `i`'s repetition columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, c: &CorpusCounts, row: &mut [f32]) {
    row[0] = (a.copies[i] as f32).log2();
    row[1] = (a.earlier_copies[i] > 0) as u8 as f32;
    row[2] = a.repeated_shingles[i];
    row[3] = super::ln_1p_count(c.other_docs);
    row[4] = ratio(c.same_site_docs as f32, c.other_docs as f32);
    row[5] = super::ln_1p_count(c.other_sites);
    row[6] = c.shingle_share;
    row[7] = a.doc.site.is_some() as u8 as f32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn second_copy_is_marked() {
        let doc = Document::from_paragraphs(
            "d",
            &["Same words here again.", "Other.", "same words, HERE again"],
        );
        let a = DocAnalysis::new(&doc);
        let c = CorpusCounts {
            other_docs: 3,
            same_site_docs: 3,
            other_sites: 0,
            shingle_share: 0.5,
        };
        let mut row = [0f32; 8];
        fill(&a, 0, &c, &mut row);
        assert_eq!(row, [1.0, 0.0, 1.0, 4f32.ln(), 1.0, 0.0, 0.5, 0.0]);
        fill(&a, 2, &CorpusCounts::default(), &mut row);
        assert_eq!(&row[..3], &[1.0, 1.0, 1.0]);
        fill(&a, 1, &CorpusCounts::default(), &mut row);
        assert_eq!(&row[..3], &[0.0, 0.0, 0.0]);
    }
}
