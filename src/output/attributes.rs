//! Attribute rows: `{"id", "attributes": {"PREFIX__content": [[start, end, score], …]}}`, one
//! per input record, so that scoring and filtering are separate steps.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Id, json_line};
use crate::document::Document;
use crate::model::DocPrediction;

#[derive(Serialize)]
struct AttributesOut<'a> {
    id: Id<'a>,
    attributes: BTreeMap<String, Vec<(usize, usize, f32)>>,
}

fn row<'a>(id: Id<'a>, prefix: &str, content: Vec<(usize, usize, f32)>) -> AttributesOut<'a> {
    AttributesOut {
        id,
        attributes: BTreeMap::from([(format!("{prefix}__content"), content)]),
    }
}

/// A paragraph's span score: its P(content), moved to the side of the threshold its label is on
/// when a role decided against the score (a byline or a later copy over the threshold, the best
/// block of a page below it), so that a filter on the score (dolma's `max_score`) keeps what the
/// label keeps.
fn span_score(label: crate::model::Label, s: f32, threshold: f32) -> f32 {
    match label {
        // Above the threshold, not at it: dolma's `max_score` is inclusive.
        crate::model::Label::Content if s < threshold => f32::from_bits(threshold.to_bits() + 1),
        crate::model::Label::Content => s,
        crate::model::Label::Boilerplate if s >= threshold => {
            // The largest f32 below the threshold (0 stays 0).
            if threshold > 0.0 {
                f32::from_bits(threshold.to_bits() - 1)
            } else {
                0.0
            }
        }
        crate::model::Label::Boilerplate => s,
    }
}

/// One span per paragraph, in characters of the document's text, with its score.
pub(super) fn spans(
    doc: &Document,
    id: Id<'_>,
    pred: &DocPrediction,
    prefix: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let content = doc
        .paragraphs
        .iter()
        .zip(&pred.paragraphs)
        .map(|(p, x)| {
            (
                p.start,
                p.end,
                span_score(x.label(), x.score(), pred.threshold),
            )
        })
        .collect();
    json_line(out, &row(id, prefix, content))
}

/// The row of a record that was rejected: its id (JSON text when `json`), no spans. Attribute
/// files mirror their input row for row.
pub(crate) fn reject_row(
    id: &str,
    json: bool,
    prefix: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let id = if json { Id::Json(id) } else { Id::Text(id) };
    json_line(out, &row(id, prefix, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::span_score;
    use crate::model::Label;

    #[test]
    fn a_span_score_is_on_its_labels_side_of_the_threshold() {
        // As the model scored them.
        assert_eq!(span_score(Label::Content, 0.9, 0.5), 0.9);
        assert_eq!(span_score(Label::Boilerplate, 0.2, 0.5), 0.2);
        // A role decided against the score: a byline at 0.7, a page's best block at 0.3.
        let b = span_score(Label::Boilerplate, 0.7, 0.5);
        assert!(b < 0.5 && b > 0.499, "{b}");
        let c = span_score(Label::Content, 0.3, 0.5);
        assert!(c > 0.5 && c < 0.501, "{c}");
        assert_eq!(span_score(Label::Boilerplate, 0.0, 0.0), 0.0);
    }
}
