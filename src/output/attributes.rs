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
        .map(|(p, x)| (p.start, p.end, x.score()))
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
