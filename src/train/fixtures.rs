//! Labeled fixtures: the project's own training format, and the conversion from labeled HTML.
//!
//! A fixture file is JSON Lines (optionally zstd- or gzip-compressed), one document per line:
//!
//! ```json
//! {"id": "l3s-gn1/train/gn1_x.html", "format": "html", "gold": "main content text…",
//!  "paragraphs": [{"text": "Home", "link_chars": 4, "tag": "listitem", "depth": 7, "hints": 257,
//!                  "label": "boilerplate"}]}
//! ```
//!
//! `gold` is the page's gold main content (for the shingle F1); when absent, the content
//! paragraphs joined by newlines stand in for it. A paragraph without a `label` is unlabeled: its
//! row is computed (its neighbours see it) but left out of training and of the paragraph scores.
//! Pages whose gold is partial carry snippets instead: `with` (text a good extraction contains)
//! and `without` (text it must not contain), scored by whether each is found in the output.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::document::{BlockTag, Document, Format, Hints, Paragraph, join_selected};
use crate::error::{Error, Result};
use crate::segment::segment_html_labeled;

/// A fixture paragraph: segment fields plus the gold label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixtureParagraph {
    /// Text.
    pub text: String,
    /// Characters inside links.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub link_chars: usize,
    /// Block element.
    #[serde(default, skip_serializing_if = "is_none_tag")]
    pub tag: BlockTag,
    /// Depth in the HTML tree.
    #[serde(default, skip_serializing_if = "is_zero_u16")]
    pub depth: u16,
    /// Ancestor hints.
    #[serde(default, skip_serializing_if = "is_no_hints")]
    pub hints: Hints,
    /// Container number ([`Paragraph::group`]).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub group: u32,
    /// `"content"` or `"boilerplate"`; absent when the paragraph is unlabeled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

fn is_zero(v: &usize) -> bool {
    *v == 0
}
fn is_zero_u16(v: &u16) -> bool {
    *v == 0
}
fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}
fn is_none_tag(t: &BlockTag) -> bool {
    *t == BlockTag::None
}
fn is_no_hints(h: &Hints) -> bool {
    h.0 == 0
}

/// A fixture document as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixtureRecord {
    /// Identifier.
    pub id: String,
    /// Markup the paragraphs came from.
    pub format: Format,
    /// Site (URL host), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Gold main content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold: Option<String>,
    /// Snippets a good extraction contains (partial gold).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// Snippets a good extraction leaves out (partial gold).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<String>,
    /// Paragraphs with labels.
    pub paragraphs: Vec<FixtureParagraph>,
}

/// Partial gold of a page: snippets that a good extraction contains, and snippets it leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippets {
    /// Must be found in the extracted text.
    pub with: Vec<String>,
    /// Must not be found in it.
    pub without: Vec<String>,
}

/// A document with a gold label per paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledDoc {
    /// The document (offsets are those of the paragraphs joined by newlines).
    pub doc: Document,
    /// `Some(true)` for content, `Some(false)` for boilerplate, `None` when unlabeled; one per
    /// paragraph.
    pub labels: Vec<Option<bool>>,
    /// Gold main content, if the source had one.
    pub gold: Option<String>,
    /// Partial gold, if the source has snippets instead of a gold text.
    pub snippets: Option<Snippets>,
}

impl LabeledDoc {
    /// The gold main content: `gold`, or the content paragraphs joined by newlines.
    pub fn gold_text(&self) -> String {
        match &self.gold {
            Some(g) => g.clone(),
            None => join_selected(&self.doc, &self.content_mask()),
        }
    }

    /// Whether each paragraph is labeled content (unlabeled ones are not).
    pub fn content_mask(&self) -> Vec<bool> {
        self.labels.iter().map(|l| *l == Some(true)).collect()
    }

    /// Labeled paragraphs.
    pub fn labeled(&self) -> usize {
        self.labels.iter().filter(|l| l.is_some()).count()
    }

    /// Whether the page has a full gold text to score against (not only snippets).
    pub fn has_gold_text(&self) -> bool {
        self.gold.is_some() || self.snippets.is_none()
    }

    /// The same document with its markup forgotten: plain-text paragraphs, as a scraper that
    /// stripped the HTML would leave them.
    pub fn text_view(&self) -> LabeledDoc {
        let mut doc = self.doc.clone();
        doc.format = Format::Text;
        for p in &mut doc.paragraphs {
            p.link_chars = 0;
            p.tag = BlockTag::None;
            p.depth = 0;
            p.hints = Hints(0);
            p.group = 0;
        }
        LabeledDoc {
            doc,
            labels: self.labels.clone(),
            gold: self.gold.clone(),
            snippets: self.snippets.clone(),
        }
    }

    fn to_record(&self) -> FixtureRecord {
        FixtureRecord {
            id: self.doc.id.clone(),
            format: self.doc.format,
            site: self.doc.site.clone(),
            gold: self.gold.clone(),
            with: self
                .snippets
                .as_ref()
                .map(|s| s.with.clone())
                .unwrap_or_default(),
            without: self
                .snippets
                .as_ref()
                .map(|s| s.without.clone())
                .unwrap_or_default(),
            paragraphs: self
                .doc
                .paragraphs
                .iter()
                .zip(&self.labels)
                .map(|(p, &l)| FixtureParagraph {
                    text: p.text.clone(),
                    link_chars: p.link_chars,
                    tag: p.tag,
                    depth: p.depth,
                    hints: p.hints,
                    group: p.group,
                    label: l.map(|l| if l { "content" } else { "boilerplate" }.to_string()),
                })
                .collect(),
        }
    }

    fn from_record(r: FixtureRecord, source: &str) -> Result<LabeledDoc> {
        let mut paragraphs = Vec::with_capacity(r.paragraphs.len());
        let mut labels = Vec::with_capacity(r.paragraphs.len());
        let mut offset = 0;
        for (i, p) in r.paragraphs.into_iter().enumerate() {
            let label = match p.label.as_deref() {
                Some("content") => Some(true),
                Some("boilerplate") => Some(false),
                None => None,
                Some(other) => {
                    return Err(Error::input(
                        source,
                        format!(
                            "paragraph {i}: label {other:?} is neither \"content\" nor \"boilerplate\""
                        ),
                    ));
                }
            };
            let len = p.text.chars().count();
            paragraphs.push(Paragraph {
                link_chars: p.link_chars.min(len),
                text: p.text,
                start: offset,
                end: offset + len,
                tag: p.tag,
                depth: p.depth,
                hints: p.hints,
                group: p.group,
            });
            offset += len + 1;
            labels.push(label);
        }
        Ok(LabeledDoc {
            doc: Document {
                id: r.id.clone(),
                source: source.to_string(),
                site: r.site,
                format: r.format,
                paragraphs,
            },
            labels,
            gold: r.gold,
            snippets: (!r.with.is_empty() || !r.without.is_empty()).then_some(Snippets {
                with: r.with,
                without: r.without,
            }),
        })
    }
}

/// Converts a page labeled with an annotation attribute (such as `__boilernet_label`, `1` for
/// content) into a labeled HTML document. A paragraph is content when more of its characters are
/// labeled content than boilerplate.
pub fn from_labeled_html(id: &str, html: &str, attr: &str) -> LabeledDoc {
    let seg = segment_html_labeled(html, attr);
    let labels = seg
        .content_chars
        .iter()
        .zip(&seg.boilerplate_chars)
        .map(|(c, b)| Some(c > b))
        .collect();
    LabeledDoc {
        doc: Document {
            id: id.to_string(),
            source: id.to_string(),
            site: None,
            format: Format::Html,
            paragraphs: seg.paragraphs,
        },
        labels,
        gold: Some(seg.gold_content),
        snippets: None,
    }
}

/// Reads a fixture file (`.jsonl`, `.jsonl.zst`, `.jsonl.gz`).
pub fn read_fixtures(path: &Path) -> Result<Vec<LabeledDoc>> {
    let name = path.display().to_string();
    let bytes = crate::read::read_bytes(path)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| Error::input(&name, format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let source = format!("{name}:{}", i + 1);
        let r: FixtureRecord = serde_json::from_str(line)
            .map_err(|e| Error::input(&source, format!("malformed fixture record: {e}")))?;
        out.push(LabeledDoc::from_record(r, &source)?);
    }
    Ok(out)
}

/// Writes fixtures as JSON Lines, zstd-compressed when the name ends in `.zst` (level 19, so
/// that the committed files stay small).
pub fn write_fixtures(path: &Path, docs: &[LabeledDoc]) -> Result<()> {
    let mut buf = Vec::new();
    for d in docs {
        serde_json::to_writer(&mut buf, &d.to_record())
            .map_err(|e| Error::input(path.display().to_string(), e.to_string()))?;
        buf.push(b'\n');
    }
    let data = if path.extension().is_some_and(|e| e == "zst") {
        zstd::stream::encode_all(&buf[..], 19).map_err(|e| Error::io(path, e))?
    } else {
        buf
    };
    let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(&data).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labeled_html_round_trip() {
        let html = r#"<html><body><div class="nav"><a href="/"><span __boilernet_label="0">Home</span></a></div>
            <p><span __boilernet_label="1">The story begins here.</span></p></body></html>"#;
        let d = from_labeled_html("p", html, "__boilernet_label");
        assert_eq!(d.labels, vec![Some(false), Some(true)]);
        assert_eq!(d.gold.as_deref(), Some("The story begins here."));
        assert_eq!(d.doc.paragraphs[0].link_chars, 4);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl.zst");
        write_fixtures(&path, std::slice::from_ref(&d)).unwrap();
        let back = read_fixtures(&path).unwrap();
        assert_eq!(back[0].labels, d.labels);
        assert_eq!(back[0].doc.paragraphs, d.doc.paragraphs);
        let t = back[0].text_view();
        assert_eq!(t.doc.paragraphs[0].link_chars, 0);
        assert_eq!(t.doc.format, Format::Text);
    }

    #[test]
    fn bad_label_names_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, "{\"id\":\"a\",\"format\":\"text\",\"paragraphs\":[{\"text\":\"x\",\"label\":\"maybe\"}]}\n").unwrap();
        let e = read_fixtures(&path).unwrap_err().to_string();
        assert!(e.contains("f.jsonl:1") && e.contains("maybe"), "{e}");
    }
}
