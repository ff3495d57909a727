//! Attribute rows: `{"id", "attributes": {"parasift__content": [[start, end, score], …]}}`, one
//! per input record, so that scoring and filtering are separate steps.

use std::io::{self, Write};

use serde::Serialize;

use super::json_line;
use crate::document::Document;
use crate::model::DocPrediction;

#[derive(Serialize)]
struct AttributesOut<'a> {
    id: &'a str,
    attributes: Attributes,
}

#[derive(Serialize)]
struct Attributes {
    #[serde(rename = "parasift__content")]
    content: Vec<(usize, usize, f32)>,
}

/// One span per paragraph, in characters of the document's text, with its score.
pub(super) fn spans(doc: &Document, pred: &DocPrediction, out: &mut impl Write) -> io::Result<()> {
    json_line(
        out,
        &AttributesOut {
            id: &doc.id,
            attributes: Attributes {
                content: doc
                    .paragraphs
                    .iter()
                    .zip(&pred.paragraphs)
                    .map(|(p, x)| (p.start, p.end, x.score()))
                    .collect(),
            },
        },
    )
}

/// The row of a record that was rejected: its id, no spans. Attribute files mirror their input
/// row for row.
pub(crate) fn reject_row(id: &str, out: &mut impl Write) -> io::Result<()> {
    json_line(
        out,
        &AttributesOut {
            id,
            attributes: Attributes {
                content: Vec::new(),
            },
        },
    )
}
