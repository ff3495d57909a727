//! JSONL records: one JSON object per line, with an id and the text or HTML of a document.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
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
    parse_record_spans(name, line_no, line, opts).map(|(d, ..)| d)
}

/// Parses one record line into a document, and tells where in `line` (a byte range) the value
/// of the text key is, when the document came from it (a cleaned record is the line with that
/// value replaced, every other byte as it was), and the id as the record writes it (JSON text),
/// when it has one.
pub fn parse_record_spans(
    name: &str,
    line_no: usize,
    line: &str,
    opts: &ReadOptions,
) -> Result<(Document, Option<Range<usize>>, Option<String>)> {
    let source = format!("{name}:{line_no}");
    let keys = &opts.keys;
    let mut de = serde_json::Deserializer::from_str(line);
    let read = Fields { keys }.deserialize(&mut de);
    let obj = match read.and_then(|f| de.end().map(|()| f)) {
        Ok(o) => o,
        Err(e) => {
            return Err(match serde_json::from_str::<Value>(line) {
                Ok(_) => Error::input(&source, "record is not a JSON object"),
                Err(_) => Error::input(&source, format!("malformed JSON: {e}")),
            });
        }
    };
    // The id as written (a string with its quotes and escapes, or a number's digits): written
    // back byte for byte, so that tools joining outputs to their input see the same ids.
    let id_json = match obj.id.map(|r| r.get()) {
        None | Some("null") => None,
        Some(raw)
            if raw.starts_with('"')
                || raw.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) =>
        {
            Some(raw.to_string())
        }
        Some(raw) => {
            return Err(Error::input(
                &source,
                format!("\"{}\" must be a string or number, found {raw}", keys.id),
            ));
        }
    };
    let id = match &id_json {
        None => source.clone(),
        Some(raw) if raw.starts_with('"') => serde_json::from_str::<String>(raw)
            .map_err(|e| Error::input(&source, format!("\"{}\": {e}", keys.id)))?,
        Some(raw) => raw.clone(),
    };
    let has_id = id_json.is_some();
    let document = || -> Result<(Document, Option<Range<usize>>)> {
        let get_str = |k: &str, raw: Option<&RawValue>| -> Result<Option<(String, Range<usize>)>> {
            match raw.map(|r| r.get()) {
                None | Some("null") => Ok(None),
                Some(raw) => match json_string(raw) {
                    Ok(s) => {
                        let at = raw.as_ptr() as usize - line.as_ptr() as usize;
                        Ok(Some((s, at..at + raw.len())))
                    }
                    Err(why) => Err(Error::input(&source, format!("\"{k}\" {why}"))),
                },
            }
        };
        let (mut doc, span) = if let Some((text, span)) = get_str(&keys.text, obj.text)? {
            (
                text_document(&id, &source, &text, opts.text_mode),
                Some(span),
            )
        } else if let Some(html) = match obj.html {
            Html::Missing => None,
            Html::Parsed(html) => Some(html),
            Html::NotString => {
                return Err(Error::input(
                    &source,
                    format!("\"{}\" must be a string", keys.html),
                ));
            }
            Html::Raw(raw) => get_str(&keys.html, Some(raw))?.map(|(h, _)| h),
        } {
            (html_document(&id, &source, &html), None)
        } else {
            return Err(Error::input(
                &source,
                format!("record has neither \"{}\" nor \"{}\"", keys.text, keys.html),
            ));
        };
        doc.site = get_str(&keys.url, obj.url)?.and_then(|(u, _)| url_host(&u));
        Ok((doc, span))
    };
    // A record with an id that is not a document keeps its id, for the row that stands in its
    // place in an attribute file.
    document()
        .map(|(d, span)| (d, span, id_json.clone()))
        .map_err(|e| match e {
            Error::Input {
                source_name,
                message,
            } if has_id => Error::Record {
                source_name,
                id: id_json.clone().unwrap_or_default(),
                message,
            },
            other => other,
        })
}

/// The string of a raw JSON value. An escaped lone surrogate (`"\\ud800"`, which some JSON
/// writers produce from broken text) stands for no character: it becomes U+FFFD.
///
/// # Errors
/// Why the value is not a string (the words after the key's name).
fn json_string(raw: &str) -> std::result::Result<String, String> {
    match serde_json::from_str::<String>(raw) {
        Ok(s) => Ok(s),
        Err(_) if !raw.starts_with('"') => Err("must be a string".into()),
        Err(e) => {
            let fixed = replace_lone_surrogates(raw);
            serde_json::from_str::<String>(&fixed)
                .map_err(|_| format!("is not a valid JSON string: {e}"))
        }
    }
}

/// `raw` (a JSON string literal) with each `\\uXXXX` escape of a surrogate that is not half of a
/// pair replaced by `\\ufffd`.
fn replace_lone_surrogates(raw: &str) -> String {
    let b = raw.as_bytes();
    let unit = |i: usize| -> Option<u16> {
        if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u') {
            let hex = raw.get(i + 2..i + 6)?;
            u16::from_str_radix(hex, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(&raw[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            Some(_) => i += 6,
            // Any other escape: its two characters.
            None => i += 2,
        }
    }
    out.push_str(&raw[copied.min(raw.len())..]);
    out
}

/// The HTML value of a record.
enum Html<'a> {
    /// No such key, or `null`.
    Missing,
    /// A string, read once.
    Parsed(String),
    /// Something else than a string.
    NotString,
    /// The key also names another field: read from its raw text.
    Raw(&'a RawValue),
}

/// The fields of a record that a document is made from, read in one pass over the line: the
/// id, text and URL as raw JSON (the text's place in the line is kept), the HTML, usually by
/// far the longest value, parsed straight away. Other fields are skipped; of a repeated key,
/// the last value counts.
struct Record<'a> {
    id: Option<&'a RawValue>,
    text: Option<&'a RawValue>,
    url: Option<&'a RawValue>,
    html: Html<'a>,
    /// For a dotted key (`metadata.url`) without a field of that very name: the object its
    /// first part names and the rest of the path (id, text, URL, HTML).
    nested: [Option<(&'a RawValue, usize)>; 4],
}

/// The value at `path` inside the object `raw`: a field named `path`, else the first part of
/// the path (up to a dot) and the rest inside it.
fn nested_value<'a>(raw: &'a RawValue, path: &str) -> Option<&'a RawValue> {
    let fields: std::collections::HashMap<Cow<'a, str>, &'a RawValue> =
        serde_json::from_str(raw.get()).ok()?;
    if let Some(v) = fields.get(path) {
        return Some(v);
    }
    let mut at = 0;
    while let Some(dot) = path[at..].find('.') {
        let (head, rest) = (&path[..at + dot], &path[at + dot + 1..]);
        if let Some(v) = fields.get(head).and_then(|v| nested_value(v, rest)) {
            return Some(v);
        }
        at += dot + 1;
    }
    None
}

impl<'a> Record<'a> {
    /// Fills each key that was not found under its own name from the object its dotted path
    /// leads into.
    fn resolve(&mut self, keys: &JsonlKeys) {
        let names = [&keys.id, &keys.text, &keys.url, &keys.html];
        for (role, nested) in self.nested.iter().enumerate() {
            let Some((raw, cut)) = *nested else { continue };
            let found = || nested_value(raw, &names[role][cut..]);
            match role {
                0 if self.id.is_none() => self.id = found(),
                1 if self.text.is_none() => self.text = found(),
                2 if self.url.is_none() => self.url = found(),
                3 if matches!(self.html, Html::Missing) => {
                    if let Some(v) = found() {
                        self.html = Html::Raw(v);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Reads a [`Record`] with these keys.
struct Fields<'k> {
    keys: &'k JsonlKeys,
}

impl<'de> DeserializeSeed<'de> for Fields<'_> {
    type Value = Record<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Record<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_> {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Record<'de>, A::Error> {
        let k = self.keys;
        let mut r = Record {
            id: None,
            text: None,
            url: None,
            html: Html::Missing,
            nested: [None; 4],
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let key = key.as_ref();
            let (id, text, url, html) = (key == k.id, key == k.text, key == k.url, key == k.html);
            // The first part of a dotted key: the object is read raw, the path followed after.
            let heads = [&k.id, &k.text, &k.url, &k.html].map(|name| {
                name.len() > key.len() + 1
                    && name.starts_with(key)
                    && name.as_bytes()[key.len()] == b'.'
            });
            if heads.contains(&true) && !(id || text || url || html) {
                let raw: &'de RawValue = map.next_value()?;
                for (role, head) in heads.iter().enumerate() {
                    if *head {
                        r.nested[role] = Some((raw, key.len() + 1));
                    }
                }
                continue;
            }
            if !(id || text || url) {
                if html {
                    r.html = match map.next_value::<Value>()? {
                        Value::String(s) => Html::Parsed(s),
                        Value::Null => Html::Missing,
                        _ => Html::NotString,
                    };
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
                continue;
            }
            let raw: &'de RawValue = map.next_value()?;
            if id {
                r.id = Some(raw);
            }
            if text {
                r.text = Some(raw);
            }
            if url {
                r.url = Some(raw);
            }
            if html {
                r.html = Html::Raw(raw);
            }
        }
        r.resolve(k);
        Ok(r)
    }
}

/// Reads every record of a JSONL input; blank lines are skipped, bad lines are errors in place.
pub fn read_records(name: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<Result<Document>> {
    let mut out = Vec::new();
    for (i, raw) in super::lines(bytes).enumerate() {
        let line_no = i + 1;
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if raw.len() > opts.max_record_bytes {
            out.push(Err(Error::input(
                format!("{name}:{line_no}"),
                super::too_long(raw.len() as u64, false, opts.max_record_bytes),
            )));
            continue;
        }
        match simdutf8::compat::from_utf8(raw) {
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
    fn lone_surrogates_become_replacement_characters() {
        let opts = ReadOptions::default();
        let doc = parse_record("a", 1, r#"{"id":"x","text":"caf\ud800 ok \udc00."}"#, &opts)
            .expect("a lone surrogate is decoded");
        assert_eq!(doc.paragraphs[0].text, "caf\u{FFFD} ok \u{FFFD}.");
        // A pair is one character, as before.
        let doc = parse_record("a", 1, r#"{"text":"\ud83d\ude00 \\ud800"}"#, &opts).unwrap();
        assert_eq!(doc.paragraphs[0].text, "\u{1F600} \\ud800");
        let e = parse_record("a", 1, r#"{"text":5}"#, &opts).unwrap_err();
        assert!(e.to_string().contains("\"text\" must be a string"), "{e}");
    }

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
    fn fields_read_in_one_pass() {
        let read = |line: &str, opts: &ReadOptions| parse_record("f", 1, line, opts);
        let opts = ReadOptions::default();
        // An escaped key, a repeated key (the last counts), a value of another kind skipped.
        let d = read(
            r#"{"ht\u006dl": "<p>first</p>", "x": [1, {"y": null}], "html": "<p>A \"quote\"</p>"}"#,
            &opts,
        )
        .unwrap();
        assert_eq!(d.paragraphs[0].text, "A \"quote\"");
        let e = read(r#"{"html": 5}"#, &opts).unwrap_err().to_string();
        assert!(e.contains("\"html\" must be a string"), "{e}");
        let e = read(r#"{"html": null}"#, &opts).unwrap_err().to_string();
        assert!(e.contains("neither"), "{e}");
        let e = read(r#"{"html": "<p>x</p>"} trailing"#, &opts)
            .unwrap_err()
            .to_string();
        assert!(e.contains("malformed JSON"), "{e}");
        // One key in two roles: the id is also the URL; the HTML key is also the id.
        let shared = ReadOptions {
            keys: JsonlKeys {
                id: "url".into(),
                ..JsonlKeys::default()
            },
            ..ReadOptions::default()
        };
        let d = read(r#"{"url": "https://www.a.com/1", "text": "Hi."}"#, &shared).unwrap();
        assert_eq!(
            (d.id.as_str(), d.site.as_deref()),
            ("https://www.a.com/1", Some("a.com"))
        );
        let same = ReadOptions {
            keys: JsonlKeys {
                id: "html".into(),
                ..JsonlKeys::default()
            },
            ..ReadOptions::default()
        };
        let d = read(r#"{"html": "<p>Body</p>"}"#, &same).unwrap();
        assert_eq!(
            (d.id.as_str(), d.paragraphs[0].text.as_str()),
            ("<p>Body</p>", "Body")
        );
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
        let (doc, span, id) = parse_record_spans("f", 1, line, &ReadOptions::default()).unwrap();
        assert_eq!(&line[span.unwrap()], r#""One.\nTw\u00f6.""#);
        assert_eq!(id.as_deref(), Some("3"));
        assert_eq!(doc.paragraphs[1].text, "Twö.");
        let (_, span, id) =
            parse_record_spans("f", 1, r#"{"html": "<p>x</p>"}"#, &ReadOptions::default()).unwrap();
        assert_eq!((span, id), (None, None));
    }

    #[test]
    fn ids_as_written_and_dotted_keys() {
        let keys = |id: &str, text: &str, url: &str| ReadOptions {
            keys: JsonlKeys {
                id: id.into(),
                text: text.into(),
                url: url.into(),
                ..JsonlKeys::default()
            },
            ..ReadOptions::default()
        };
        let line =
            r#"{"m":{"id":1e2,"u":{"x":"https://www.b.org/"}},"d":{"t":"Hi."},"m.id":"lit"}"#;
        let (d, span, id) =
            parse_record_spans("f", 1, line, &keys("m.id", "d.t", "m.u.x")).unwrap();
        // A field named by the whole dotted key wins over the path.
        assert_eq!(id.as_deref(), Some(r#""lit""#));
        assert_eq!(
            (d.paragraphs[0].text.as_str(), d.site.as_deref()),
            ("Hi.", Some("b.org"))
        );
        assert_eq!(&line[span.unwrap()], r#""Hi.""#);
        let line = r#"{"m":{"id":123456789012345678901234567890},"text":"Hi."}"#;
        let (d, _, id) = parse_record_spans("f", 1, line, &keys("m.id", "text", "url")).unwrap();
        assert_eq!(id.as_deref(), Some("123456789012345678901234567890"));
        assert_eq!(d.id, "123456789012345678901234567890");
        let e = parse_record("f", 1, r#"{"id":[1],"text":"x"}"#, &ReadOptions::default());
        assert!(e.unwrap_err().to_string().contains("string or number"));
    }
}
