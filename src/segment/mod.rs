//! Segmenters: turn a document's raw text or markup into paragraphs.

pub mod html;
pub mod text;

pub use html::{LabeledSegments, segment_html, segment_html_labeled};
pub use text::{TextMode, segment_text};

use crate::document::{Document, Format, Paragraph};

/// Gives back the room a vector of paragraphs grew into beyond its length, when that is much:
/// a document of many paragraphs keeps up to twice their size otherwise. A large block is shrunk
/// in place, a small vector is left alone.
pub(crate) fn shrink(paragraphs: &mut Vec<Paragraph>) {
    if paragraphs.capacity() - paragraphs.len() > paragraphs.len() / 8 + 1024 {
        paragraphs.shrink_to_fit();
    }
}

/// Segments plain text into a document named `id`, read from `source`.
pub fn text_document(id: &str, source: &str, text: &str, mode: TextMode) -> Document {
    Document {
        id: id.to_string(),
        source: source.to_string(),
        site: None,
        format: Format::Text,
        paragraphs: segment_text(text, mode),
    }
}

/// Segments an HTML page into a document named `id`, read from `source`.
pub fn html_document(id: &str, source: &str, html: &str) -> Document {
    Document {
        id: id.to_string(),
        source: source.to_string(),
        site: None,
        format: Format::Html,
        paragraphs: segment_html(html),
    }
}

impl Document {
    /// Segments an HTML page into a document: block-level elements are paragraphs, with their
    /// link characters, tag, depth and ancestor hints. Offsets are those of the paragraph texts
    /// joined by `\n`.
    ///
    /// ```
    /// let doc = parasift::Document::from_html("page", "<h1>Title</h1><p>Body <a href=x>link</a></p>");
    /// assert_eq!(doc.paragraphs.len(), 2);
    /// assert_eq!(doc.paragraphs[1].link_chars, 4);
    /// ```
    pub fn from_html(id: &str, html: &str) -> Document {
        html_document(id, id, html)
    }

    /// Plain text as a document: each non-empty line is one paragraph, in order, none dropped
    /// or merged. Offsets are in characters of `text`.
    ///
    /// ```
    /// let doc = parasift::Document::from_text("note", "Headline\n\nFirst line.\nSecond line.");
    /// assert_eq!(doc.paragraphs.len(), 3);
    /// assert_eq!(doc.paragraphs[1].start, 10);
    /// ```
    pub fn from_text(id: &str, text: &str) -> Document {
        text_document(id, id, text, TextMode::Lines)
    }
}
