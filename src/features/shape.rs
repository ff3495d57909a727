//! Text-shape columns: length, words, stop words, punctuation, capitals, digits.

use super::analysis::DocAnalysis;
use super::ratio;

/// Column names.
pub const NAMES: &[&str] = &[
    "log_chars",
    "log_words",
    "mean_word_len",
    "stopword_share",
    "has_stopwords_list",
    "terminal_punct",
    "punct_share",
    "upper_share",
    "digit_share",
    "title_word_share",
    "starts_upper",
    "bullet_start",
    "separators",
    "sentences",
];

/// Writes paragraph `i`'s shape columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
    let st = &a.paras[i];
    let h = &st.hist;
    let text = &a.doc.paragraphs[i].text;
    let plang = st.guess.and_then(|g| g.lang).or(a.lang);
    // Han, kana and Hangul are written without spaces between words: each of their letters
    // counts as a word, so that a Chinese sentence is as long in words as its translation.
    let cjk = h.letters[crate::lang::ScriptClass::Cjk as usize];
    let words = st.words.max(cjk);
    row[0] = super::ln_1p_count(h.chars);
    row[1] = super::ln_1p_count(words);
    row[2] = ratio(st.word_chars as f32, words as f32);
    row[3] = a.stop_share(i);
    row[4] = plang.and_then(super::stopwords::for_lang).is_some() as u8 as f32;
    row[5] = st.terminal as u8 as f32;
    row[6] = ratio(h.other as f32, h.chars as f32);
    row[7] = ratio(h.upper as f32, h.total_letters() as f32);
    row[8] = ratio(h.digits as f32, h.chars as f32);
    row[9] = ratio(st.title_words as f32, words as f32);
    row[10] = text.chars().next().is_some_and(char::is_uppercase) as u8 as f32;
    row[11] = st.bullet as u8 as f32;
    row[12] = super::ln_1p_count(st.separators);
    row[13] = super::ln_1p_count(st.sentences);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn hand_computed_shape() {
        let doc = Document::from_paragraphs(
            "d",
            &["The cat sat on the mat. It ran!", " date 2025-06-18 403"],
        );
        let a = DocAnalysis::new(&doc);
        let mut row = [0f32; 14];
        fill(&a, 0, &mut row);
        // 31 chars, 8 words of 22 letters, 2 punctuation marks, 2 capitals.
        assert_eq!(row[0], 31f32.ln_1p());
        assert_eq!(row[1], 8f32.ln_1p());
        assert_eq!(row[2], 22.0 / 8.0);
        assert!(row[3] >= 0.5, "the, on, the, it are stop words: {}", row[3]);
        assert_eq!(&row[4..6], &[1.0, 1.0]);
        assert_eq!(row[6], 2.0 / 31.0);
        assert_eq!(row[7], 2.0 / 22.0);
        assert_eq!(row[8], 0.0);
        assert_eq!(row[9], 2.0 / 8.0);
        assert_eq!(&row[10..13], &[1.0, 0.0, 0.0]);
        assert_eq!(row[13], 2f32.ln_1p());
        fill(&a, 1, &mut row);
        // "date 2025-06-18 403" (trimmed by from_paragraphs? no: kept) has 11 digits of 20 chars.
        assert_eq!(row[8], 11.0 / 20.0);
        assert_eq!(row[5], 0.0);
    }
}
