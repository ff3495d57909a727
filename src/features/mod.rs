//! Feature extraction: one row of named, finite `f32` columns per paragraph.
//!
//! The columns come from a closed set of families ([`Family`]), each in its own module and each
//! writing into a slice of the row the caller owns. Training and classification build rows through
//! the same [`FeatureSchema::rows`], so they cannot drift apart.

pub mod analysis;
pub mod context;
pub mod language;
pub mod links;
pub mod markup;
pub mod repetition;
pub mod shape;
pub mod stopwords;
pub mod structure;

use ndarray::Array2;

pub use crate::corpus::{CorpusCounts, CorpusIndex, analyse_corpus};
pub use analysis::DocAnalysis;

/// A family of feature columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Script histogram, detected language, agreement with the document's language.
    Language,
    /// Link-character share, URL, e-mail and domain tokens.
    Links,
    /// Copies inside the document and across the corpus, repeated n-grams.
    Repetition,
    /// Length, words, stop words, punctuation, capitals, digits.
    Shape,
    /// The HTML element and its ancestors (all zero for plain text).
    Markup,
    /// Position in the document and the neighbours' features.
    Context,
    /// The paragraph's container and the page's main container (for plain text, its block of
    /// prose and the main block).
    Structure,
}

impl Family {
    /// Every family, in column order.
    pub const ALL: [Family; 7] = [
        Family::Language,
        Family::Links,
        Family::Repetition,
        Family::Shape,
        Family::Markup,
        Family::Context,
        Family::Structure,
    ];

    /// The family's column names, in order.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Family::Language => language::NAMES,
            Family::Links => links::NAMES,
            Family::Repetition => repetition::NAMES,
            Family::Shape => shape::NAMES,
            Family::Markup => markup::NAMES,
            Family::Context => context::NAMES,
            Family::Structure => structure::NAMES,
        }
    }

    /// Writes paragraph `i`'s columns of this family into `row` (exactly `names().len()` long).
    pub fn fill(self, a: &DocAnalysis<'_>, i: usize, corpus: &CorpusCounts, row: &mut [f32]) {
        match self {
            Family::Language => language::fill(a, i, row),
            Family::Links => links::fill(a, i, row),
            Family::Repetition => repetition::fill(a, i, corpus, row),
            Family::Shape => shape::fill(a, i, row),
            Family::Markup => markup::fill(a, i, row),
            Family::Context => context::fill(a, i, row),
            Family::Structure => structure::fill(a, i, row),
        }
    }
}

/// The full, ordered list of feature columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeatureSchema;

impl FeatureSchema {
    /// All column names, in order.
    pub fn names() -> Vec<&'static str> {
        Family::ALL
            .iter()
            .flat_map(|f| f.names().iter().copied())
            .collect()
    }

    /// Number of columns.
    pub fn len() -> usize {
        Family::ALL.iter().map(|f| f.names().len()).sum()
    }

    /// Writes the feature row of paragraph `i` into `row`.
    pub fn fill_row(a: &DocAnalysis<'_>, i: usize, corpus: &CorpusCounts, row: &mut [f32]) {
        let mut at = 0;
        for f in Family::ALL {
            let n = f.names().len();
            f.fill(a, i, corpus, &mut row[at..at + n]);
            at += n;
        }
        for v in row.iter_mut() {
            if !v.is_finite() {
                *v = 0.0;
            }
        }
    }

    /// The feature matrix of an analysed document, one row per paragraph. `corpus` gives the
    /// corpus counts (the document must have been added to it); without one, every paragraph is
    /// taken to occur in this document only.
    pub fn rows(a: &DocAnalysis<'_>, corpus: Option<&CorpusIndex>) -> Array2<f32> {
        let (n, len) = (a.paras.len(), Self::len());
        let mut data = Vec::with_capacity(n * len);
        Self::append_rows(a, corpus, &mut data);
        Array2::from_shape_vec((n, len), data).unwrap_or_else(|_| Array2::zeros((n, len)))
    }

    /// Appends the rows of [`FeatureSchema::rows`] to `data`, row after row.
    pub fn append_rows(a: &DocAnalysis<'_>, corpus: Option<&CorpusIndex>, data: &mut Vec<f32>) {
        Self::append_rows_of(a, corpus, 0..a.paras.len(), data);
    }

    /// Appends the rows of paragraphs `paras` of [`FeatureSchema::rows`] to `data`: each row
    /// is the same whichever others are made with it.
    pub fn append_rows_of(
        a: &DocAnalysis<'_>,
        corpus: Option<&CorpusIndex>,
        paras: std::ops::Range<usize>,
        data: &mut Vec<f32>,
    ) {
        let len = Self::len();
        let start = data.len();
        data.resize(start + paras.len() * len, 0.0);
        for (i, row) in paras.zip(data[start..].chunks_exact_mut(len)) {
            let counts = corpus.map(|c| c.counts(a, i)).unwrap_or_default();
            Self::fill_row(a, i, &counts, row);
        }
    }
}

/// `x / y`, or 0 when `y` is 0.
pub(crate) fn ratio(x: f32, y: f32) -> f32 {
    if y > 0.0 { x / y } else { 0.0 }
}

/// `ln(1 + n)` of a count: looked up below 4,096 (the same values as `f32::ln_1p`, which the
/// many count columns would otherwise compute for every paragraph).
pub(crate) fn ln_1p_count(n: u32) -> f32 {
    static TABLE: std::sync::LazyLock<Vec<f32>> =
        std::sync::LazyLock::new(|| (0..4096u32).map(|i| (i as f32).ln_1p()).collect());
    TABLE
        .get(n as usize)
        .copied()
        .unwrap_or_else(|| (n as f32).ln_1p())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn names_are_unique_and_match_len() {
        let names = FeatureSchema::names();
        assert_eq!(names.len(), FeatureSchema::len());
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
    }

    #[test]
    fn rows_are_finite() {
        let doc = Document::from_paragraphs("d", &["", "x", "Hello world, this is text.", "Ж"]);
        let a = DocAnalysis::new(&doc);
        let m = FeatureSchema::rows(&a, None);
        assert_eq!(m.dim(), (4, FeatureSchema::len()));
        assert!(m.iter().all(|v| v.is_finite()));
    }
}
