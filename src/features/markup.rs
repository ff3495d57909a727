//! Markup columns: the block element (one-hot), its depth, and hints from its ancestors. All zero
//! (except `tag_none`) for plain text, so one model serves both.

use super::analysis::DocAnalysis;
use crate::document::{BlockTag, Format, Hints};

/// Column names.
pub const NAMES: &[&str] = &[
    "is_html",
    "tag_none",
    "tag_p",
    "tag_heading",
    "tag_listitem",
    "tag_cell",
    "tag_blockquote",
    "tag_pre",
    "tag_div",
    "tag_form",
    "tag_other",
    "depth",
    "depth_rel",
    "in_nav",
    "in_footer",
    "in_header",
    "in_aside",
    "in_form",
    "in_article",
    "class_boilerplate",
    "class_content",
    "in_list",
    "in_table",
    "class_comment",
    "all_bold",
    "nearest_class_boilerplate",
    "nearest_class_content",
    "nearest_class_comment",
    "in_figure",
    "in_caption",
    "byline_hint",
    "related_hint",
    "consent_hint",
    "promo_hint",
    "hidden",
    "body_hint",
    "in_h1",
    "in_control",
];

/// Writes paragraph `i`'s markup columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
    let p = &a.doc.paragraphs[i];
    row.fill(0.0);
    row[0] = (a.doc.format == Format::Html) as u8 as f32;
    let t = BlockTag::ALL.iter().position(|&t| t == p.tag).unwrap_or(0);
    row[1 + t] = 1.0;
    let at = 1 + BlockTag::ALL.len();
    row[at] = (p.depth as f32 / 32.0).min(4.0);
    let (lo, hi) = a.depth_range;
    row[at + 1] = if hi > lo {
        (p.depth - lo) as f32 / (hi - lo) as f32
    } else {
        0.0
    };
    for b in 0..Hints::COUNT {
        row[at + 2 + b] = p.hints.has(1 << b) as u8 as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn one_hot_and_hints() {
        let mut doc = Document::from_paragraphs("d", &["Menu", "Body text."]);
        doc.format = Format::Html;
        doc.paragraphs[0].tag = BlockTag::ListItem;
        doc.paragraphs[0].depth = 4;
        doc.paragraphs[0].hints = Hints(Hints::NAV | Hints::LIST);
        doc.paragraphs[1].tag = BlockTag::P;
        doc.paragraphs[1].depth = 8;
        let a = DocAnalysis::new(&doc);
        let mut row = [9f32; NAMES.len()];
        fill(&a, 0, &mut row);
        let on: Vec<&str> = NAMES
            .iter()
            .zip(row)
            .filter(|(_, v)| *v == 1.0)
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(on, ["is_html", "tag_listitem", "in_nav", "in_list"]);
        assert_eq!((row[11], row[12]), (4.0 / 32.0, 0.0));
        fill(&a, 1, &mut row);
        assert_eq!(row[12], 1.0);
    }

    #[test]
    fn plain_text_is_tag_none_only() {
        let doc = Document::from_paragraphs("d", &["Line."]);
        let a = DocAnalysis::new(&doc);
        let mut row = [9f32; NAMES.len()];
        fill(&a, 0, &mut row);
        assert_eq!(row.iter().sum::<f32>(), 1.0);
        assert_eq!(row[1], 1.0);
    }
}
