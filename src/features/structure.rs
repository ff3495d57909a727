//! Structure columns: the container a paragraph sits in (its siblings, their share of the page's
//! text and prose, their links and shape), and where the paragraph is relative to the page's main
//! container, the one that holds most of its long prose. Plain text has no containers: its
//! blocks of prose stand in for them.
//!
//! These tell a table or a list that is the page's content (a large share of its text, in the
//! main container, many siblings of the same shape) from a list of links beside it, and teasers
//! after the article from the article.

use super::analysis::{DocAnalysis, ParagraphStats};
use super::ratio;
use crate::document::{BlockTag, Document, Format};

/// Column names.
pub const NAMES: &[&str] = &[
    "group_log_paras",
    "group_text_share",
    "group_prose_share",
    "group_link_share",
    "group_same_tag",
    "in_main_group",
    "before_main_group",
    "after_main_group",
];

/// One container's totals.
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    id: u32,
    paras: u32,
    chars: u32,
    prose_chars: u32,
    link_chars: u32,
}

/// The containers of a document and its main one.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Per paragraph, the index of its group in `groups`.
    of: Vec<u32>,
    /// Per paragraph, the paragraphs of its group with its tag (itself included): counted once
    /// here, not for each paragraph over the whole page (which a page of many paragraphs in
    /// few containers made quadratic).
    same_tag: Vec<u32>,
    groups: Vec<Group>,
    /// Index of the main group, and its first and last paragraph.
    main: Option<(usize, usize, usize)>,
    total_chars: u32,
    total_prose: u32,
}

/// Lines, at most, between two long-prose lines of one block of plain text.
pub const TEXT_BLOCK_GAP: usize = 3;

impl Groups {
    /// The containers of `doc`, whose paragraphs `paras` measured: its elements' containers for
    /// HTML, its blocks of prose for plain text ([`Groups::text_blocks`]).
    pub fn new(doc: &Document, paras: &[ParagraphStats]) -> Groups {
        let mut ids: Vec<(u32, usize)> = if doc.format == Format::Html {
            doc.paragraphs
                .iter()
                .enumerate()
                .map(|(i, p)| (p.group, i))
                .collect()
        } else {
            match Groups::text_blocks(paras) {
                Some(ids) => ids,
                None => return Groups::default(),
            }
        };
        ids.sort_unstable();
        let mut groups: Vec<Group> = Vec::new();
        let mut of = vec![0u32; doc.paragraphs.len()];
        for &(id, i) in &ids {
            if groups.last().is_none_or(|g| g.id != id) {
                groups.push(Group {
                    id,
                    ..Group::default()
                });
            }
            let k = groups.len() - 1;
            of[i] = k as u32;
            let g = &mut groups[k];
            let st = &paras[i];
            g.paras += 1;
            g.chars = g.chars.saturating_add(st.chars());
            g.link_chars = g
                .link_chars
                .saturating_add(doc.paragraphs[i].link_chars as u32);
            if st.is_prose() {
                g.prose_chars = g.prose_chars.saturating_add(st.chars());
            }
        }
        let mut same_tag = vec![0u32; doc.paragraphs.len()];
        for run in ids.chunk_by(|a, b| a.0 == b.0) {
            let mut tags = [0u32; BlockTag::ALL.len()];
            for &(_, i) in run {
                tags[doc.paragraphs[i].tag as usize] += 1;
            }
            for &(_, i) in run {
                same_tag[i] = tags[doc.paragraphs[i].tag as usize];
            }
        }
        let total_chars = groups.iter().map(|g| g.chars).sum();
        let total_prose = groups.iter().map(|g| g.prose_chars).sum();
        let main = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.prose_chars > 0)
            .max_by_key(|&(k, g)| (g.prose_chars, std::cmp::Reverse(k)))
            .map(|(k, _)| k)
            .and_then(|k| {
                let first = of.iter().position(|&g| g as usize == k)?;
                let last = of.iter().rposition(|&g| g as usize == k)?;
                Some((k, first, last))
            });
        Groups {
            of,
            same_tag,
            groups,
            main,
            total_chars,
            total_prose,
        }
    }
}

impl Groups {
    /// Plain text has no containers; its blocks stand in for them. A block runs from a
    /// long-prose line to the last one that follows with at most [`TEXT_BLOCK_GAP`] other lines
    /// between each two; the lines between blocks are a group of their own. So the article is
    /// one group, and the comments or teasers that a run of short lines (a name, a date, "12
    /// comments") sets apart from it are another, as their containers would be in HTML. Numbered
    /// from 1 in order, as `(group, paragraph)`; `None` without long prose.
    fn text_blocks(paras: &[ParagraphStats]) -> Option<Vec<(u32, usize)>> {
        let prose: Vec<usize> = (0..paras.len()).filter(|&i| paras[i].is_prose()).collect();
        let &first = prose.first()?;
        let mut ids = Vec::with_capacity(paras.len());
        let mut id = 1u32;
        // Lines before the first block.
        if first > 0 {
            ids.extend((0..first).map(|i| (id, i)));
            id += 1;
        }
        let mut start = first;
        for (k, &p) in prose.iter().enumerate() {
            let next = prose.get(k + 1).copied();
            if next.is_some_and(|q| q - p - 1 <= TEXT_BLOCK_GAP) {
                continue;
            }
            // The block ends at `p`; then the gap up to the next block or the end.
            ids.extend((start..=p).map(|i| (id, i)));
            id += 1;
            let end = next.unwrap_or(paras.len());
            if end > p + 1 {
                ids.extend((p + 1..end).map(|i| (id, i)));
                id += 1;
            }
            if let Some(q) = next {
                start = q;
            }
        }
        Some(ids)
    }

    /// The container holding the most of the page's characters, when it holds at least
    /// `min_share` of them and `min_paras` paragraphs: its first and last paragraph. For a page
    /// without prose, such as a listing, it is where the page's content is, if anywhere.
    pub(crate) fn dominant(&self, min_share: f32, min_paras: u32) -> Option<(usize, usize)> {
        let (k, g) = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.id != 0)
            .max_by_key(|&(k, g)| (g.chars, std::cmp::Reverse(k)))?;
        if g.paras < min_paras || (g.chars as f32) < min_share * self.total_chars as f32 {
            return None;
        }
        let first = self.of.iter().position(|&x| x as usize == k)?;
        let last = self.of.iter().rposition(|&x| x as usize == k)?;
        Some((first, last))
    }

    /// Whether paragraphs `i` and `j` are in one container.
    pub(crate) fn same(&self, i: usize, j: usize) -> bool {
        matches!((self.of.get(i), self.of.get(j)), (Some(a), Some(b)) if a == b)
    }
}

/// Writes paragraph `i`'s structure columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
    row.fill(0.0);
    let gs = &a.groups;
    let Some(&k) = gs.of.get(i) else { return };
    let g = gs.groups[k as usize];
    row[0] = super::ln_1p_count(g.paras);
    row[1] = ratio(g.chars as f32, gs.total_chars as f32);
    row[2] = ratio(g.prose_chars as f32, gs.total_prose as f32);
    row[3] = ratio(g.link_chars as f32, g.chars as f32).min(1.0);
    row[4] = ratio(gs.same_tag[i] as f32, g.paras as f32);
    if let Some((main, first, last)) = gs.main {
        row[5] = (main == k as usize) as u8 as f32;
        row[6] = (i < first) as u8 as f32;
        row[7] = (i > last) as u8 as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::html_document;

    #[test]
    fn the_main_group_holds_the_prose() {
        let long = "This sentence is long enough to be prose, and it goes on for a while so that the \
                    paragraph reaches the hundred and fifty characters that prose needs to count.";
        let html = format!(
            "<body><ul><li><a href=/>Home</a></li><li><a href=/b>News</a></li></ul>\
             <div><p>{long}</p><p>{long} Again.</p><p>Short.</p></div>\
             <div><a href=/r>Related story</a></div></body>"
        );
        let doc = html_document("d", "d", &html);
        assert_eq!(doc.paragraphs.len(), 6);
        let a = DocAnalysis::new(&doc);
        let mut row = [0f32; 8];
        let names = |row: &[f32]| -> Vec<&str> {
            NAMES
                .iter()
                .zip(row)
                .filter(|(_, v)| **v == 1.0)
                .map(|(n, _)| *n)
                .collect()
        };
        fill(&a, 0, &mut row);
        assert_eq!(
            names(&row),
            ["group_link_share", "group_same_tag", "before_main_group"]
        );
        fill(&a, 2, &mut row);
        assert_eq!(
            names(&row),
            ["group_prose_share", "group_same_tag", "in_main_group"]
        );
        assert!(row[1] > 0.8 && row[4] == 1.0, "{row:?}");
        fill(&a, 4, &mut row);
        assert_eq!(names(&row)[..2], ["group_prose_share", "group_same_tag"]);
        fill(&a, 5, &mut row);
        assert!(names(&row).contains(&"after_main_group"), "{row:?}");
    }

    #[test]
    fn plain_text_without_prose_has_no_structure() {
        let doc = Document::from_paragraphs("d", &["One line.", "Another."]);
        let a = DocAnalysis::new(&doc);
        let mut row = [9f32; 8];
        fill(&a, 0, &mut row);
        assert!(row.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn blocks_of_prose_stand_in_for_the_containers_of_plain_text() {
        let long = "This sentence is long enough to be prose, and it goes on for a while so that the \
                    line reaches the hundred and fifty characters that prose needs to count as such.";
        let lines = [
            "Home",
            "News",
            long,
            "A short line inside the article.",
            long,
            long,
            "12 comments",
            "Anna said...",
            "June 3, 2024",
            "Reply",
            long,
            "Contact us",
        ];
        let doc = Document::from_paragraphs("d", &lines);
        let a = DocAnalysis::new(&doc);
        let mut row = [0f32; 8];
        let at = |i: usize, row: &mut [f32; 8]| {
            fill(&a, i, row);
            (row[5], row[6], row[7])
        };
        // Before, in and after the main block; the comment after four other lines is a block
        // of its own, after the main one.
        assert_eq!(at(0, &mut row), (0.0, 1.0, 0.0));
        for i in 2..=5 {
            assert_eq!(at(i, &mut row), (1.0, 0.0, 0.0), "line {i}");
        }
        for i in 6..=11 {
            assert_eq!(at(i, &mut row), (0.0, 0.0, 1.0), "line {i}");
        }
        assert!(!a.groups.same(5, 10) && a.groups.same(6, 9));
    }
}
