//! Structure columns: the container a paragraph sits in (its siblings, their share of the page's
//! text and prose, their links and shape), and where the paragraph is relative to the page's main
//! container, the one that holds most of its long prose. All zero for plain text.
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

impl Groups {
    /// The containers of `doc`, whose paragraphs `paras` measured.
    pub fn new(doc: &Document, paras: &[ParagraphStats]) -> Groups {
        if doc.format != Format::Html {
            return Groups::default();
        }
        let mut ids: Vec<(u32, usize)> = doc
            .paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.group, i))
            .collect();
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
    fn plain_text_has_no_structure() {
        let doc = Document::from_paragraphs("d", &["One line.", "Another."]);
        let a = DocAnalysis::new(&doc);
        let mut row = [9f32; 8];
        fill(&a, 0, &mut row);
        assert!(row.iter().all(|&v| v == 0.0));
    }
}
