//! Language columns: detected language and its confidence, and the paragraph's script and
//! language relative to the document's. No column names a script or a language: the same
//! paragraph scores the same in a Russian document as an English one does in an English document,
//! and a Cyrillic footer under an English article differs from its document, not from "Latin".

use super::analysis::DocAnalysis;
use super::ratio;

/// Column names.
pub const NAMES: &[&str] = &[
    "lang_known",
    "lang_confidence",
    "lang_agrees_doc",
    "script_agrees_doc",
    "doc_lang_share",
    "letter_share",
    "in_doc_script_share",
    "doc_share_of_script",
    "doc_script_dominance",
    "script_mixed",
];

/// Writes paragraph `i`'s language columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
    let st = &a.paras[i];
    let guess = st.guess.unwrap_or(crate::lang::LangGuess {
        lang: None,
        confidence: 0.0,
        reliable: false,
        script: None,
    });
    let h = &st.hist;
    let dominant = h.dominant().map_or(0.0, |s| h.share(s));
    let doc = &a.doc_script;
    row[0] = guess.lang.is_some() as u8 as f32;
    row[1] = guess.confidence;
    row[2] = a.lang_agrees(i);
    row[3] = a.script_agrees(i);
    row[4] = a.lang_share;
    row[5] = ratio(h.total_letters() as f32, h.chars as f32);
    // Share of the paragraph's letters in the document's main script; share of the document's
    // letters in the paragraph's main script; how much the document's main script dominates it.
    row[6] = a.script.map_or(0.0, |s| h.share(s));
    row[7] = h.dominant().map_or(0.0, |s| doc.share(s));
    row[8] = a.script.map_or(0.0, |s| doc.share(s));
    row[9] = if h.total_letters() > 0 {
        1.0 - dominant
    } else {
        0.0
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn foreign_footer_disagrees_with_document() {
        let doc = Document::from_paragraphs(
            "d",
            &[
                "Israel has so far shown no interest in peacefully settling the conflict.",
                "103news.com — живые новости в прямом эфире!",
                "12345",
            ],
        );
        let a = DocAnalysis::new(&doc);
        let mut row = [0f32; 10];
        fill(&a, 0, &mut row);
        assert_eq!(&row[..4], &[1.0, row[1], 1.0, 1.0]);
        assert!(row[1] > 0.5);
        // All Latin, as the document mostly is.
        assert_eq!(row[6], 1.0);
        assert!(row[7] > 0.6 && row[8] == row[7], "{row:?}");
        fill(&a, 1, &mut row);
        assert_eq!((row[2], row[3]), (0.0, 0.0));
        // Mostly Cyrillic letters in a mostly Latin document.
        assert!(row[6] < 0.3, "{row:?}");
        assert!(row[7] < 0.4, "{row:?}");
        fill(&a, 2, &mut row);
        assert_eq!(&row[..4], &[0.0, 0.0, 0.5, 0.5]);
        assert_eq!(row[5], 0.0);
    }
}
