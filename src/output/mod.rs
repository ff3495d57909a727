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
    /// Each input record as it is, except that a record read from the HTML key gets the text
    /// the attribute spans point into (its paragraphs joined by newlines) under the text key; a
    /// text or HTML file `{"id", "text"}` with that text. Documents and attribute rows made from
    /// the same input line up.
    #[cfg_attr(
        feature = "cli",
        value(
            help = "The input records with the text the attribute spans point into: HTML records \
                    get their paragraphs joined by newlines under the text key"
        )
    )]
    Documents,
}

/// The names a renderer writes under.
#[derive(Debug, Clone, Copy)]
pub struct RenderKeys<'a> {
    /// The JSONL key the text goes under in cleaned HTML records and documents.
    pub text: &'a str,
    /// The attribute name prefix: spans go under `PREFIX__content`.
    pub attribute_prefix: &'a str,
}

impl Default for RenderKeys<'_> {
    fn default() -> Self {
        RenderKeys {
            text: "text",
            attribute_prefix: DEFAULT_ATTRIBUTE_PREFIX,
        }
    }
}

/// The attribute name prefix of `--output attributes` unless another is given.
pub const DEFAULT_ATTRIBUTE_PREFIX: &str = "parasift";

/// Writes one classified document as `kind` says, with the names `keys` gives.
///
/// The id is written as the record writes it (a number stays that number, a string keeps its
/// escapes), `null` for a JSONL record without one, the path for a text or HTML file.
///
/// # Errors
/// What writing to `out` returns.
pub fn render(
    kind: OutputKind,
    parsed: &Parsed,
    pred: &DocPrediction,
    keys: RenderKeys<'_>,
    out: &mut impl Write,
) -> io::Result<()> {
    let doc = &parsed.doc;
    let id = Id::of(parsed);
    match kind {
        OutputKind::Paragraphs => json::paragraphs(doc, id, pred, out),
        OutputKind::Extract => clean::extract(doc, id, pred, out),
        OutputKind::Plain => clean::plain(doc, pred, out),
        OutputKind::Clean => clean::record(parsed, id, Some(pred), keys.text, out),
        OutputKind::Documents => clean::record(parsed, id, None, keys.text, out),
        OutputKind::Attributes => attributes::spans(doc, id, pred, keys.attribute_prefix, out),
    }
}

/// A document's id as it is written: JSON text of the record's id, or a file's path.
#[derive(Clone, Copy)]
pub(crate) enum Id<'a> {
    /// JSON text, written as it is (`null` included).
    Json(&'a str),
    /// A string to escape.
    Text(&'a str),
}

impl<'a> Id<'a> {
    fn of(parsed: &'a Parsed) -> Id<'a> {
        match &parsed.id_json {
            Some(raw) => Id::Json(raw),
            None => Id::Text(&parsed.doc.id),
        }
    }
}

impl serde::Serialize for Id<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Json(raw) => match serde_json::value::RawValue::from_string((*raw).to_string()) {
                Ok(v) => v.serialize(s),
                Err(_) => s.serialize_str(raw),
            },
            Id::Text(t) => s.serialize_str(t),
        }
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
