//! The per-document JSON of `classify` (`{"id", "source", "lang", …, "paragraphs": […]}`),
//! written by hand: it is most of what `classify` writes. The bytes are those of
//! `serde_json`'s compact output of the same fields, with strings escaped eight bytes at a time.

use std::io::{self, Write};

use super::Id;
use crate::document::Document;
use crate::model::DocPrediction;

/// Writes one document's paragraphs, labels, scores and languages as one JSON line.
///
/// # Errors
/// What writing to `out` returns.
pub(super) fn paragraphs(
    doc: &Document,
    id: Id<'_>,
    pred: &DocPrediction,
    out: &mut impl Write,
) -> io::Result<()> {
    let lang = pred.lang.map(|l| l.code());
    out.write_all(b"{\"id\":")?;
    match id {
        Id::Json(raw) => out.write_all(raw.as_bytes())?,
        Id::Text(t) => string(out, t)?,
    }
    out.write_all(b",\"source\":")?;
    string(out, &doc.source)?;
    out.write_all(b",\"lang\":")?;
    opt_string(out, lang)?;
    out.write_all(b",\"iso639_1\":")?;
    opt_string(out, pred.lang.and_then(crate::lang::iso639_1))?;
    out.write_all(b",\"lang_share\":")?;
    number(out, pred.lang_share)?;
    let text_of = |i: Option<usize>| {
        i.and_then(|i| doc.paragraphs.get(i))
            .map(|p| p.text.as_str())
    };
    out.write_all(b",\"title\":")?;
    opt_string(out, text_of(pred.title))?;
    out.write_all(b",\"byline\":")?;
    opt_string(out, text_of(pred.byline))?;
    out.write_all(b",\"date\":")?;
    opt_string(out, pred.date.as_deref())?;
    out.write_all(b",\"paragraphs\":[")?;
    for (i, (p, x)) in doc.paragraphs.iter().zip(&pred.paragraphs).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"text\":")?;
        string(out, &p.text)?;
        out.write_all(b",\"start\":")?;
        number(out, p.start)?;
        out.write_all(b",\"end\":")?;
        number(out, p.end)?;
        out.write_all(b",\"label\":")?;
        string(out, x.label().name())?;
        out.write_all(b",\"score\":")?;
        number(out, x.score())?;
        out.write_all(b",\"role\":")?;
        string(out, x.role().name())?;
        out.write_all(b",\"lang\":")?;
        opt_string(out, x.lang().map(|l| l.code()))?;
        out.write_all(b",\"iso639_1\":")?;
        opt_string(out, x.lang().and_then(crate::lang::iso639_1))?;
        out.write_all(b",\"lang_confidence\":")?;
        number(out, x.language().confidence)?;
        out.write_all(b",\"script\":")?;
        opt_string(out, x.language().script.map(|s| s.name()))?;
        out.write_all(b"}")?;
    }
    out.write_all(b"]}\n")
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `x` needs an escape in a JSON string: a control
/// character, `"` or `\`.
#[inline(always)]
fn needs_escape(x: u64) -> bool {
    let zero_in = |y: u64| y.wrapping_sub(ONES) & !y & HIGH;
    let control = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
    (control | zero_in(x ^ (b'"' as u64 * ONES)) | zero_in(x ^ (b'\\' as u64 * ONES))) != 0
}

/// Writes `s` as a JSON string, escaped as `serde_json` escapes it.
fn string(out: &mut impl Write, s: &str) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.write_all(b"\"")?;
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8)
            && !needs_escape(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])))
        {
            i += 8;
            continue;
        }
        let c = b[i];
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0C => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..0x20 => b'u',
            _ => {
                i += 1;
                continue;
            }
        };
        out.write_all(&b[start..i])?;
        out.write_all(&[b'\\', short])?;
        if short == b'u' {
            out.write_all(&[b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]])?;
        }
        i += 1;
        start = i;
    }
    out.write_all(&b[start..])?;
    out.write_all(b"\"")
}

/// Writes `s` as a JSON string, or `null`.
fn opt_string(out: &mut impl Write, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => string(out, s),
        None => out.write_all(b"null"),
    }
}

/// Writes a number as `serde_json` writes it (`null` for a float that is not finite).
fn number<T: serde::Serialize>(out: &mut impl Write, n: T) -> io::Result<()> {
    serde_json::to_writer(out, &n).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use proptest::prelude::*;
    use serde::Serialize;

    // The output the hand-written JSON must equal, as `serde` derives it.
    #[derive(Serialize)]
    struct ParagraphOut<'a> {
        text: &'a str,
        start: usize,
        end: usize,
        label: &'static str,
        score: f32,
        role: &'static str,
        lang: Option<&'static str>,
        iso639_1: Option<&'static str>,
        lang_confidence: f32,
        script: Option<&'static str>,
    }

    #[derive(Serialize)]
    struct DocOut<'a> {
        id: &'a str,
        source: &'a str,
        lang: Option<&'static str>,
        iso639_1: Option<&'static str>,
        lang_share: f32,
        title: Option<&'a str>,
        byline: Option<&'a str>,
        date: Option<&'a str>,
        paragraphs: Vec<ParagraphOut<'a>>,
    }

    #[test]
    fn paragraphs_output_is_the_derived_json() {
        let model = Model::embedded().unwrap();
        let texts = [
            "Plain English paragraph, long enough to have a language and a score of its own.",
            "Цитата «в кавычках» — и \"двойные\" тоже, с обратной чертой \\ и\tтабуляцией.",
            "control \u{1} \u{1f} \u{7f} bytes",
            "",
        ];
        for (n, texts) in [&texts[..], &texts[..1], &[]].into_iter().enumerate() {
            let mut doc = Document::from_paragraphs(&format!("id \"{n}\"\n"), texts);
            doc.source = "https://example.com/ä?q=\"x\"".into();
            let pred = model.classify(&doc);
            let mut got = Vec::new();
            paragraphs(&doc, Id::Text(&doc.id), &pred, &mut got).unwrap();
            let doc = &doc;
            let want = DocOut {
                id: &doc.id,
                source: &doc.source,
                lang: pred.lang.map(|l| l.code()),
                iso639_1: pred.lang.and_then(crate::lang::iso639_1),
                lang_share: pred.lang_share,
                title: pred.title.map(|i| doc.paragraphs[i].text.as_str()),
                byline: pred.byline.map(|i| doc.paragraphs[i].text.as_str()),
                date: pred.date.as_deref(),
                paragraphs: doc
                    .paragraphs
                    .iter()
                    .zip(&pred.paragraphs)
                    .map(|(p, x)| ParagraphOut {
                        text: &p.text,
                        start: p.start,
                        end: p.end,
                        label: x.label().name(),
                        score: x.score(),
                        role: x.role().name(),
                        lang: x.lang().map(|l| l.code()),
                        iso639_1: x.lang().and_then(crate::lang::iso639_1),
                        lang_confidence: x.language().confidence,
                        script: x.language().script.map(|s| s.name()),
                    })
                    .collect(),
            };
            let mut want_bytes = serde_json::to_vec(&want).unwrap();
            want_bytes.push(b'\n');
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want_bytes).unwrap()
            );
        }
    }

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..128).map(char::from).collect();
        for s in [
            "",
            "plain text of some length, without anything to escape",
            "quote \" and backslash \\ and\ttab\r\n",
            &all,
            "«ünïcödé» \u{7f}\u{1f}\u{0}end",
        ] {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "(?s).{0,70}") {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn ascii_with_escapes_is_escaped_as_serde_json_escapes_it(
            s in "[a-z \"\\\\\\x00-\\x1f\\x7f]{0,70}"
        ) {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
