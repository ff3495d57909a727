//! Measuring a model on labeled documents: paragraph-level, page-level (shingle) and snippet
//! scores.

use super::fixtures::LabeledDoc;
use super::metrics::{Confusion, PageScores, SnippetScores, page_scores, shingle_match};
use crate::document::join_selected;
use crate::model::{Label, Model};

/// What [`evaluate`] measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EvalReport {
    /// Per-paragraph confusion of the content class, over labeled paragraphs.
    pub paragraphs: Confusion,
    /// Main-content shingle precision, recall and F1, averaged per page, over the pages that
    /// have a gold text.
    pub pages: PageScores,
    /// Snippets found in the output, over the pages whose gold is snippets.
    pub snippets: SnippetScores,
}

/// Classifies `docs` as one corpus and scores the predictions against their labels.
pub fn evaluate(model: &Model, docs: &[LabeledDoc]) -> EvalReport {
    let plain: Vec<&crate::Document> = docs.iter().map(|d| &d.doc).collect();
    let preds = model.classify_batch(&plain);
    let mut paragraphs = Confusion::default();
    let mut matches = Vec::with_capacity(docs.len());
    let mut snippets = SnippetScores::default();
    for (d, p) in docs.iter().zip(&preds) {
        let selected: Vec<bool> = p
            .paragraphs
            .iter()
            .map(|x| x.label() == Label::Content)
            .collect();
        for (g, &s) in d.labels.iter().zip(&selected) {
            if let Some(g) = *g {
                paragraphs.add(g, s);
            }
        }
        let output = join_selected(&d.doc, &selected);
        if let Some(sn) = &d.snippets {
            snippets.add(sn, &output);
        }
        if d.has_gold_text() {
            matches.push(shingle_match(&d.gold_text(), &output));
        }
    }
    EvalReport {
        paragraphs,
        pages: page_scores(&matches),
        snippets,
    }
}
