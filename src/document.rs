//! Documents and their paragraphs: what the readers and segmenters produce and the features read.

use serde::{Deserialize, Serialize};

/// The markup a document came in, which decides how it is segmented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: one paragraph per non-empty line (or per blank-line block).
    Text,
    /// HTML: one paragraph per block-level element.
    Html,
}

/// The block-level element a paragraph came from (`None` for plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockTag {
    /// No markup: the paragraph came from plain text.
    #[default]
    None,
    /// `<p>`.
    P,
    /// `<h1>` … `<h6>`.
    Heading,
    /// `<li>`, `<dt>`, `<dd>`.
    ListItem,
    /// `<td>`, `<th>`, `<caption>`.
    Cell,
    /// `<blockquote>`.
    Blockquote,
    /// `<pre>`, `<code>` blocks.
    Pre,
    /// `<div>`, `<section>`, `<article>` and other generic containers, or text directly in `<body>`.
    Div,
    /// `<option>`, `<button>`, `<label>`, `<legend>`, `<textarea>` and other form text.
    Form,
    /// `<figcaption>`, `<address>`, `<center>` and other rarer blocks.
    Other,
}

impl BlockTag {
    /// All tags, in the order their one-hot feature columns use.
    pub const ALL: [BlockTag; 10] = [
        BlockTag::None,
        BlockTag::P,
        BlockTag::Heading,
        BlockTag::ListItem,
        BlockTag::Cell,
        BlockTag::Blockquote,
        BlockTag::Pre,
        BlockTag::Div,
        BlockTag::Form,
        BlockTag::Other,
    ];

    /// Lower-case name, as written in JSON.
    pub fn name(self) -> &'static str {
        match self {
            BlockTag::None => "none",
            BlockTag::P => "p",
            BlockTag::Heading => "heading",
            BlockTag::ListItem => "listitem",
            BlockTag::Cell => "cell",
            BlockTag::Blockquote => "blockquote",
            BlockTag::Pre => "pre",
            BlockTag::Div => "div",
            BlockTag::Form => "form",
            BlockTag::Other => "other",
        }
    }
}

/// Structural hints from a paragraph's ancestors in the HTML tree, as a bit set.
///
/// Plain-text paragraphs have no hints (`Hints(0)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hints(pub u32);

impl Hints {
    /// Inside `<nav>` or `<menu>` (or `role="navigation"`).
    pub const NAV: u32 = 1 << 0;
    /// Inside `<footer>`.
    pub const FOOTER: u32 = 1 << 1;
    /// Inside `<header>`.
    pub const HEADER: u32 = 1 << 2;
    /// Inside `<aside>`.
    pub const ASIDE: u32 = 1 << 3;
    /// Inside `<form>`, `<select>` or `<button>`.
    pub const FORM: u32 = 1 << 4;
    /// Inside `<article>` or `<main>`.
    pub const ARTICLE: u32 = 1 << 5;
    /// An ancestor's `class` or `id` names boilerplate (nav, menu, footer, sidebar, comment, share, related, ad, …).
    pub const CLASS_BOILERPLATE: u32 = 1 << 6;
    /// An ancestor's `class` or `id` names content (article, content, story, post, entry, body, text, main).
    pub const CLASS_CONTENT: u32 = 1 << 7;
    /// Inside a `<ul>`, `<ol>`, `<dl>` list.
    pub const LIST: u32 = 1 << 8;
    /// Inside a `<table>`.
    pub const TABLE: u32 = 1 << 9;
    /// An ancestor's `class` or `id` names comments.
    pub const CLASS_COMMENT: u32 = 1 << 10;
    /// Contains emphasized or strong text (`<b>`, `<strong>`, `<em>`, `<i>`) only.
    pub const ALL_BOLD: u32 = 1 << 11;

    /// The nearest ancestor whose `class` or `id` names anything names boilerplate.
    pub const NEAREST_BOILERPLATE: u32 = 1 << 12;
    /// The nearest ancestor whose `class` or `id` names anything names content.
    pub const NEAREST_CONTENT: u32 = 1 << 13;
    /// The nearest ancestor whose `class` or `id` names anything names comments.
    pub const NEAREST_COMMENT: u32 = 1 << 14;

    /// Inside `<figure>` or `<picture>`, or an ancestor's `class` or `id` names a gallery,
    /// slideshow, carousel or figure.
    pub const FIGURE: u32 = 1 << 15;
    /// Inside `<figcaption>`, or an ancestor's `class` or `id` names a caption or a credit.
    pub const CAPTION: u32 = 1 << 16;
    /// Inside `<time>` or `<address>`, a `rel="author"` link, `itemprop` author or date, or an
    /// ancestor's `class` or `id` names a byline, an author, a date or meta data.
    pub const BYLINE: u32 = 1 << 17;
    /// An ancestor's `class` or `id` names related or recirculated stories (related, teaser,
    /// popular, trending, recommended, recirculation, Outbrain, Taboola).
    pub const RELATED: u32 = 1 << 18;
    /// Inside `<dialog>`, `role="dialog"` or `"alertdialog"`, `aria-modal="true"`, or an
    /// ancestor's `class` or `id` names a cookie or consent panel, a modal, a popup or an overlay.
    pub const CONSENT: u32 = 1 << 19;
    /// An ancestor's `class` or `id` names sharing, a newsletter, a subscription, a donation, a
    /// paywall, an advertisement, a sponsor or a promotion.
    pub const PROMO: u32 = 1 << 20;
    /// Inside an element that is not rendered: `hidden`, `aria-hidden="true"`, or a `style`
    /// with `display:none` or `visibility:hidden`.
    pub const HIDDEN: u32 = 1 << 21;
    /// Inside the article body: `itemprop="articleBody"` (or `"text"`), or a `class` or `id`
    /// such as `article-body`, `story-body`, `entry-content`, `post-content`.
    pub const BODY: u32 = 1 << 22;
    /// Inside an `<h1>`.
    pub const H1: u32 = 1 << 23;
    /// Inside an interface control: a `<button>`, an element whose ARIA `role` is a widget
    /// (`button`, `menuitem`, `slider`, `tab`, `timer`, …) or whose `class` / `id` names a
    /// control (`vjs-control-bar`, `jw-controls`): what it says is a label, not text.
    pub const CONTROL: u32 = 1 << 24;

    /// Number of defined hint bits (and of their feature columns).
    pub const COUNT: usize = 25;

    /// Whether `bit` is set.
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
}

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Paragraph {
    /// The paragraph's text, whitespace normalized for HTML, the line itself (trimmed) for text.
    pub text: String,
    /// Start offset in characters (code points) of the document's text.
    pub start: usize,
    /// End offset (exclusive) in characters of the document's text.
    pub end: usize,
    /// Characters of `text` that were inside `<a>` elements.
    pub link_chars: usize,
    /// The block element the paragraph came from.
    pub tag: BlockTag,
    /// Nesting depth of that element in the HTML tree (0 for text).
    pub depth: u16,
    /// Structural hints from the ancestors.
    pub hints: Hints,
    /// The container element (a `<div>`, `<section>`, list, table, cell, …) that holds the
    /// paragraph's block element, numbered in document order from 1; paragraphs with the same
    /// number are siblings in one container. 0 for plain text and text outside any container.
    #[serde(default)]
    pub group: u32,
}

/// A document: an identifier, where it came from, and its paragraphs in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Identifier: the record's id, or the file path.
    pub id: String,
    /// Where the document was read from: a path, `path:line` for a JSONL record, or `-`.
    pub source: String,
    /// The site the document belongs to (URL host), when known; used to tell one-site repetition
    /// from syndication across sites.
    pub site: Option<String>,
    /// The markup the document came in.
    pub format: Format,
    /// Paragraphs in document order.
    pub paragraphs: Vec<Paragraph>,
}

impl Document {
    /// Builds a document from paragraph texts, as plain text with one paragraph per line.
    ///
    /// Offsets are those of the texts joined by `\n`.
    pub fn from_paragraphs<S: AsRef<str>>(id: &str, texts: &[S]) -> Document {
        let mut paragraphs = Vec::with_capacity(texts.len());
        let mut offset = 0;
        for t in texts {
            let text = t.as_ref();
            let len = text.chars().count();
            paragraphs.push(Paragraph {
                text: text.to_string(),
                start: offset,
                end: offset + len,
                ..Paragraph::default()
            });
            offset += len + 1;
        }
        Document {
            id: id.to_string(),
            source: id.to_string(),
            site: None,
            format: Format::Text,
            paragraphs,
        }
    }

    /// Total characters over all paragraphs.
    pub fn chars(&self) -> usize {
        self.paragraphs.iter().map(|p| p.end - p.start).sum()
    }
}

/// The texts of the selected paragraphs of `doc` joined by newlines: a document's content text
/// when `selected` marks its content paragraphs.
pub fn join_selected(doc: &Document, selected: &[bool]) -> String {
    let mut out = String::new();
    for (p, &s) in doc.paragraphs.iter().zip(selected) {
        if s {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&p.text);
        }
    }
    out
}
