//! Segmenters: turn a document's raw text or markup into paragraphs.

pub mod html;
pub mod text;

pub use html::{LabeledSegments, segment_html, segment_html_labeled};
pub use text::{TextMode, segment_text};
