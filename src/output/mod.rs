//! What a classified document becomes: the per-document JSON, the content text, the input
//! record cleaned of its boilerplate, or attribute spans. Each renderer writes to a writer the
//! caller gives.

mod attributes;
mod clean;
mod json;

use std::io::{self, Write};

use crate::document::Document;
use crate::model::{DocPrediction, Label};
use crate::read::stream::Parsed;

pub(crate) use attributes::reject_row;

/// What is written for each document.
///
/// With the `cli` feature, also the values of `--output`: `json` (`Paragraphs` for classify,
/// `Extract` for extract), `clean` and `attributes`; `extract --plain` asks for `Plain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OutputKind {
    /// `{"id", "source", "lang", "iso639_1", "lang_share", "paragraphs": [{"text", "start",
    /// "end", "label", "score", "lang", "iso639_1", "lang_confidence", "script"}]}`.
    #[cfg_attr(
        feature = "cli",
        value(
            name = "json",
            help = "The command's JSON: paragraphs with labels (classify), content text (extract)"
        )
    )]
    Paragraphs,
    /// `{"id", "source", "lang", "text"}`, the text being the content paragraphs.
    #[cfg_attr(feature = "cli", value(skip))]
    Extract,
    /// The content text alone, documents separated by a blank line.
    #[cfg_attr(feature = "cli", value(skip))]
    Plain,
    /// The input record with its text replaced by the content paragraphs (every other field as it
    /// was); `{"id", "text"}` for text and HTML inputs.
    #[cfg_attr(
        feature = "cli",
        value(
            help = "The input records with their text replaced by the content paragraphs, every \
                    other field untouched; `{\"id\", \"text\"}` for text and HTML inputs"
        )
    )]
    Clean,
    /// `{"id", "attributes": {"parasift__content": [[start, end, score], …]}}`, one row per input
    /// record.
    #[cfg_attr(
        feature = "cli",
        value(
            help = "Character spans with scores, one row per input record: `{\"id\", \
                    \"attributes\": {\"parasift__content\": [[start, end, score], …]}}`"
        )
    )]
    Attributes,
}

/// Writes one classified document as `kind` says. `text_key` is the JSONL key the content text
/// goes under in cleaned HTML records.
///
/// # Errors
/// What writing to `out` returns.
pub fn render(
    kind: OutputKind,
    parsed: &Parsed,
    pred: &DocPrediction,
    text_key: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let doc = &parsed.doc;
    match kind {
        OutputKind::Paragraphs => json::paragraphs(doc, pred, out),
        OutputKind::Extract => clean::extract(doc, pred, out),
        OutputKind::Plain => clean::plain(doc, pred, out),
        OutputKind::Clean => clean::record(parsed, pred, text_key, out),
        OutputKind::Attributes => attributes::spans(doc, pred, out),
    }
}

/// The content paragraphs of `doc`, joined as the fixtures join them.
fn content_text(doc: &Document, pred: &DocPrediction) -> String {
    let selected: Vec<bool> = pred
        .paragraphs
        .iter()
        .map(|x| x.label() == Label::Content)
        .collect();
    crate::document::join_selected(doc, &selected)
}

/// Writes `value` as one line of compact JSON.
fn json_line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
