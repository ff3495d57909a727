//! JSONL records: one JSON object per line, with an id and the text or HTML of a document.

use serde_json::Value;

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
    let source = format!("{name}:{line_no}");
    let value: Value = serde_json::from_str(line)
        .map_err(|e| Error::input(&source, format!("malformed JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(Error::input(&source, "record is not a JSON object"));
    };
    let keys = &opts.keys;
    let id = match obj.get(&keys.id) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) | None => source.clone(),
        Some(other) => {
            return Err(Error::input(
                &source,
                format!("\"{}\" must be a string or number, found {other}", keys.id),
            ));
        }
    };
    let get_str = |k: &str| -> Result<Option<&str>> {
        match obj.get(k) {
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(Value::Null) | None => Ok(None),
            Some(_) => Err(Error::input(&source, format!("\"{k}\" must be a string"))),
        }
    };
    let mut doc = if let Some(text) = get_str(&keys.text)? {
        text_document(&id, &source, text, opts.text_mode)
    } else if let Some(html) = get_str(&keys.html)? {
        html_document(&id, &source, html)
    } else {
        return Err(Error::input(
            &source,
            format!("record has neither \"{}\" nor \"{}\"", keys.text, keys.html),
        ));
    };
    doc.site = get_str(&keys.url)?.and_then(url_host);
    Ok(doc)
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
}
