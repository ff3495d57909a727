//! Measuring a model on labeled documents: paragraph-level and page-level (shingle) scores.

use super::fixtures::LabeledDoc;
use super::metrics::{Confusion, PageScores, page_scores, shingle_match};
use crate::document::join_selected;
use crate::model::{Label, Model};

/// What [`evaluate`] measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EvalReport {
    /// Per-paragraph confusion of the content class.
    pub paragraphs: Confusion,
    /// Main-content shingle precision, recall and F1, averaged per page.
    pub pages: PageScores,
}

/// Classifies `docs` as one corpus and scores the predictions against their labels.
pub fn evaluate(model: &Model, docs: &[LabeledDoc]) -> EvalReport {
    let plain: Vec<&crate::Document> = docs.iter().map(|d| &d.doc).collect();
    let preds = model.classify_batch(&plain);
    let mut paragraphs = Confusion::default();
    let mut matches = Vec::with_capacity(docs.len());
    for (d, p) in docs.iter().zip(&preds) {
        let selected: Vec<bool> = p
            .paragraphs
            .iter()
            .map(|x| x.label() == Label::Content)
            .collect();
        for (&g, &s) in d.labels.iter().zip(&selected) {
            paragraphs.add(g, s);
        }
        matches.push(shingle_match(
            &d.gold_text(),
            &join_selected(&d.doc, &selected),
        ));
    }
    EvalReport {
        paragraphs,
        pages: page_scores(&matches),
    }
}
