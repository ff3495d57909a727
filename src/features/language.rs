//! Language columns: script histogram, detected language and its confidence, agreement with the
//! document's language and script.

use super::analysis::DocAnalysis;
use super::ratio;
use crate::lang::ScriptClass;

/// Column names.
pub const NAMES: &[&str] = &[
    "lang_known",
    "lang_confidence",
    "lang_agrees_doc",
    "script_agrees_doc",
    "doc_lang_share",
    "letter_share",
    "script_latin",
    "script_cyrillic",
    "script_other",
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
    let latin = h.share(ScriptClass::Latin);
    let cyrillic = h.share(ScriptClass::Cyrillic);
    let dominant = h.dominant().map_or(0.0, |s| h.share(s));
    row[0] = guess.lang.is_some() as u8 as f32;
    row[1] = guess.confidence;
    row[2] = a.lang_agrees(i);
    row[3] = a.script_agrees(i);
    row[4] = a.lang_share;
    row[5] = ratio(h.total_letters() as f32, h.chars as f32);
    row[6] = latin;
    row[7] = cyrillic;
    row[8] = if h.total_letters() > 0 {
        1.0 - latin - cyrillic
    } else {
        0.0
    };
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
        assert_eq!((row[6], row[7]), (1.0, 0.0));
        fill(&a, 1, &mut row);
        assert_eq!((row[2], row[3]), (0.0, 0.0));
        // 22 Cyrillic and 9 Latin letters ("newscom" is 7, no: "news"+"com" = 7) — shares sum to 1.
        assert!((row[6] + row[7] - 1.0).abs() < 1e-6);
        assert!(row[7] > 0.7);
        fill(&a, 2, &mut row);
        assert_eq!(&row[..4], &[0.0, 0.0, 0.5, 0.5]);
        assert_eq!(row[5], 0.0);
    }
}
