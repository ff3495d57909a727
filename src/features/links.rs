//! Link columns: share of characters inside `<a>`, and URL, e-mail and domain tokens in the text.

use super::analysis::DocAnalysis;

/// Column names.
pub const NAMES: &[&str] = &[
    "link_share",
    "all_link",
    "url_tokens",
    "email_tokens",
    "domain_tokens",
    "any_address",
];

/// Writes paragraph `i`'s link columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
    let st = &a.paras[i];
    let share = a.link_share(i);
    row[0] = share;
    row[1] = (share >= 0.99) as u8 as f32;
    row[2] = super::ln_1p_count(st.urls);
    row[3] = super::ln_1p_count(st.emails);
    row[4] = super::ln_1p_count(st.domains);
    row[5] = (st.urls + st.emails + st.domains > 0) as u8 as f32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn link_share_and_tokens() {
        let mut doc = Document::from_paragraphs(
            "d",
            &[
                "See the docs now",
                "Mail info@example.org or visit www.example.org and rt.com",
            ],
        );
        doc.paragraphs[0].link_chars = 8;
        let a = DocAnalysis::new(&doc);
        let mut row = [0f32; 6];
        fill(&a, 0, &mut row);
        assert_eq!(row, [0.5, 0.0, 0.0, 0.0, 0.0, 0.0]);
        fill(&a, 1, &mut row);
        let l2 = 2f32.ln();
        assert_eq!(row, [0.0, 0.0, l2, l2, l2, 1.0]);
    }
}
