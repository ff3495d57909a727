//! The content text: alone (`--plain`), in `{"id", "source", "lang", "text"}` (`extract`), or
//! in place of the input record's text (`--output clean`).

use std::io::{self, Write};

use serde::Serialize;

use super::{content_text, json_line};
use crate::document::Document;
use crate::model::DocPrediction;
use crate::read::stream::Parsed;

#[derive(Serialize)]
struct ExtractOut<'a> {
    id: &'a str,
    source: &'a str,
    lang: Option<&'static str>,
    text: String,
}

#[derive(Serialize)]
struct CleanOut<'a> {
    id: &'a str,
    text: String,
}

/// `{"id", "source", "lang", "text"}` with the content paragraphs as the text.
pub(super) fn extract(
    doc: &Document,
    pred: &DocPrediction,
    out: &mut impl Write,
) -> io::Result<()> {
    json_line(
        out,
        &ExtractOut {
            id: &doc.id,
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

/// The input record with its text replaced by the content text, every other byte as it was; an
/// HTML record gets the content under `text_key`; a text or HTML file `{"id", "text"}`.
pub(super) fn record(
    parsed: &Parsed,
    pred: &DocPrediction,
    text_key: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let doc = &parsed.doc;
    let text = content_text(doc, pred);
    match &parsed.line {
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
        None => json_line(out, &CleanOut { id: &doc.id, text }),
    }
}
