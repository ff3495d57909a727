//! JSONL records: one JSON object per line, with an id and the text or HTML of a document.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::Value;
use serde_json::value::RawValue;

use super::{ReadOptions, html_document, text_document, url_host};
use crate::document::Document;
use crate::error::{Error, Result};

/// The key names read from each record.
#[derive(Debug, Clone)]
pub struct JsonlKeys {
    /// The identifier (string or number); missing ids become `file:line`.
    pub id: String,
    /// Plain text of the document.
    pub text: String,
    /// HTML of the document (used when there is no text).
    pub html: String,
    /// A URL or source name; its host is the document's site.
    pub url: String,
}

impl Default for JsonlKeys {
    fn default() -> Self {
        JsonlKeys {
            id: "id".into(),
            text: "text".into(),
            html: "html".into(),
            url: "url".into(),
        }
    }
}

/// Parses one record line into a document. `line_no` is 1-based.
pub fn parse_record(
    name: &str,
    line_no: usize,
    line: &str,
    opts: &ReadOptions,
) -> Result<Document> {
    parse_record_spans(name, line_no, line, opts).map(|(d, _)| d)
}

/// Parses one record line into a document, and tells where in `line` (a byte range) the value
/// of the text key is, when the document came from it: a cleaned record is the line with that
/// value replaced, every other byte as it was.
pub fn parse_record_spans(
    name: &str,
    line_no: usize,
    line: &str,
    opts: &ReadOptions,
) -> Result<(Document, Option<Range<usize>>)> {
    let source = format!("{name}:{line_no}");
    let obj: HashMap<String, &RawValue> = match serde_json::from_str(line) {
        Ok(o) => o,
        Err(e) => {
            return Err(match serde_json::from_str::<Value>(line) {
                Ok(_) => Error::input(&source, "record is not a JSON object"),
                Err(_) => Error::input(&source, format!("malformed JSON: {e}")),
            });
        }
    };
    let keys = &opts.keys;
    let id = match obj.get(&keys.id).map(|r| r.get()) {
        None | Some("null") => source.clone(),
        Some(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(Value::String(s)) => s,
            Ok(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(Error::input(
                    &source,
                    format!("\"{}\" must be a string or number, found {raw}", keys.id),
                ));
            }
        },
    };
    let get_str = |k: &str| -> Result<Option<(String, Range<usize>)>> {
        match obj.get(k).map(|r| r.get()) {
            None | Some("null") => Ok(None),
            Some(raw) => match serde_json::from_str::<String>(raw) {
                Ok(s) => {
                    let at = raw.as_ptr() as usize - line.as_ptr() as usize;
                    Ok(Some((s, at..at + raw.len())))
                }
                Err(_) => Err(Error::input(&source, format!("\"{k}\" must be a string"))),
            },
        }
    };
    let (mut doc, span) = if let Some((text, span)) = get_str(&keys.text)? {
        (
            text_document(&id, &source, &text, opts.text_mode),
            Some(span),
        )
    } else if let Some((html, _)) = get_str(&keys.html)? {
        (html_document(&id, &source, &html), None)
    } else {
        return Err(Error::input(
            &source,
            format!("record has neither \"{}\" nor \"{}\"", keys.text, keys.html),
        ));
    };
    doc.site = get_str(&keys.url)?.and_then(|(u, _)| url_host(&u));
    Ok((doc, span))
}

/// Reads every record of a JSONL input; blank lines are skipped, bad lines are errors in place.
pub fn read_records(name: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<Result<Document>> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match std::str::from_utf8(raw) {
            Ok(line) => out.push(parse_record(name, line_no, line, opts)),
            Err(e) => out.push(Err(Error::input(
                format!("{name}:{line_no}"),
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            ))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_good_and_bad() {
        let data =
            b"{\"id\": \"a\", \"text\": \"One.\\nTwo.\", \"url\": \"https://www.x.com/1\"}\n\
                     \n\
                     {\"id\": 7, \"html\": \"<p>Hi</p><p>there</p>\"}\n\
                     {not json\n\
                     {\"id\": \"c\"}\n\
                     [1, 2]\n\
                     {\"text\": \"no id\"}\n";
        let docs = read_records("f.jsonl", data, &ReadOptions::default());
        assert_eq!(docs.len(), 6);
        let a = docs[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.paragraphs.len(), a.site.as_deref()),
            ("a", 2, Some("x.com"))
        );
        let b = docs[1].as_ref().unwrap();
        assert_eq!(
            (b.id.as_str(), b.source.as_str(), b.paragraphs.len()),
            ("7", "f.jsonl:3", 2)
        );
        let e = docs[2].as_ref().unwrap_err().to_string();
        assert!(e.starts_with("f.jsonl:4: malformed JSON"), "{e}");
        let e = docs[3].as_ref().unwrap_err().to_string();
        assert!(e.contains("f.jsonl:5") && e.contains("neither"), "{e}");
        assert!(
            docs[4]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("not a JSON object")
        );
        assert_eq!(docs[5].as_ref().unwrap().id, "f.jsonl:7");
    }

    #[test]
    fn configurable_keys() {
        let opts = ReadOptions {
            keys: JsonlKeys {
                id: "doc_id".into(),
                text: "body".into(),
                ..JsonlKeys::default()
            },
            ..ReadOptions::default()
        };
        let docs = read_records("f", br#"{"doc_id": "z", "body": "Hello."}"#, &opts);
        assert_eq!(docs[0].as_ref().unwrap().id, "z");
    }

    #[test]
    fn text_span_points_at_the_value() {
        let line = r#"{"meta": {"x": [1.50, 2e3]}, "text": "One.\nTw\u00f6.", "id": 3}"#;
        let (doc, span) = parse_record_spans("f", 1, line, &ReadOptions::default()).unwrap();
        assert_eq!(&line[span.unwrap()], r#""One.\nTw\u00f6.""#);
        assert_eq!(doc.paragraphs[1].text, "Twö.");
        let (_, span) =
            parse_record_spans("f", 1, r#"{"html": "<p>x</p>"}"#, &ReadOptions::default()).unwrap();
        assert_eq!(span, None);
    }
}
