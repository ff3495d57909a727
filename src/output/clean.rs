//! The content text: alone (`--plain`), in `{"id", "source", "lang", "text"}` (`extract`), or
//! in place of the input record's text (`--output clean`).

use std::io::{self, Write};

use serde::Serialize;

use super::{Id, content_text, json_line};
use crate::document::Document;
use crate::model::DocPrediction;
use crate::read::stream::Parsed;

#[derive(Serialize)]
struct ExtractOut<'a> {
    id: Id<'a>,
    source: &'a str,
    lang: Option<&'static str>,
    text: String,
}

#[derive(Serialize)]
struct CleanOut<'a> {
    id: Id<'a>,
    text: String,
}

/// `{"id", "source", "lang", "text"}` with the content paragraphs as the text.
pub(super) fn extract(
    doc: &Document,
    id: Id<'_>,
    pred: &DocPrediction,
    out: &mut impl Write,
) -> io::Result<()> {
    json_line(
        out,
        &ExtractOut {
            id,
            source: &doc.source,
            lang: pred.lang.map(|l| l.code()),
            text: content_text(doc, pred),
        },
    )
}

/// The content text, then a blank line.
pub(super) fn plain(doc: &Document, pred: &DocPrediction, out: &mut impl Write) -> io::Result<()> {
    out.write_all(content_text(doc, pred).as_bytes())?;
    out.write_all(b"\n\n")
}

/// With a prediction: the input record with its text replaced by the content text, every other
/// byte as it was; an HTML record gets the content under `text_key`; a text or HTML file
/// `{"id", "text"}`. Without: the record as it is, an HTML record with the text its paragraph
/// offsets point into under `text_key`, a file `{"id", "text"}` with that text.
pub(super) fn record(
    parsed: &Parsed,
    id: Id<'_>,
    pred: Option<&DocPrediction>,
    text_key: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let doc = &parsed.doc;
    let text = match pred {
        Some(pred) => content_text(doc, pred),
        None => offsets_text(doc),
    };
    match &parsed.line {
        Some((line, Some(_))) if pred.is_none() => {
            out.write_all(line.trim_end().as_bytes())?;
            out.write_all(b"\n")
        }
        Some((line, Some(span))) => {
            out.write_all(&line.as_bytes()[..span.start])?;
            serde_json::to_writer(&mut *out, &text)?;
            out.write_all(&line.as_bytes()[span.end..])?;
            out.write_all(b"\n")
        }
        Some((line, None)) => {
            // An HTML record: the content text is added under the text key.
            let line = line.trim_end();
            let body = line.strip_suffix('}').unwrap_or(line);
            out.write_all(body.as_bytes())?;
            out.write_all(b",")?;
            serde_json::to_writer(&mut *out, text_key)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut *out, &text)?;
            out.write_all(b"}\n")
        }
        None => json_line(out, &CleanOut { id, text }),
    }
}

/// The text the paragraph offsets count in: each paragraph at its offset, what lay between
/// them (line breaks, indentation) written as line breaks. For HTML, the paragraphs joined by
/// newlines.
fn offsets_text(doc: &Document) -> String {
    let mut text = String::new();
    let mut at = 0;
    for p in &doc.paragraphs {
        while at < p.start {
            text.push('\n');
            at += 1;
        }
        text.push_str(&p.text);
        at += p.text.chars().count();
    }
    text
}
