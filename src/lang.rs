//! Language and script of a paragraph: a script histogram first, then whatlang on a bounded sample.

use whatlang::Lang;

/// Writing-system buckets of the script histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptClass {
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Greek letters.
    Greek,
    /// Arabic and Hebrew letters.
    ArabicHebrew,
    /// Han, kana and Hangul.
    Cjk,
    /// Devanagari, Bengali, Tamil and the other Brahmic scripts, Thai, and other letters.
    Other,
}

impl ScriptClass {
    /// All classes, in histogram order.
    pub const ALL: [ScriptClass; 6] = [
        ScriptClass::Latin,
        ScriptClass::Cyrillic,
        ScriptClass::Greek,
        ScriptClass::ArabicHebrew,
        ScriptClass::Cjk,
        ScriptClass::Other,
    ];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            ScriptClass::Latin => "latin",
            ScriptClass::Cyrillic => "cyrillic",
            ScriptClass::Greek => "greek",
            ScriptClass::ArabicHebrew => "arabic_hebrew",
            ScriptClass::Cjk => "cjk",
            ScriptClass::Other => "other",
        }
    }

    /// The script class a language is written in (`None` for languages whatlang reports in
    /// several scripts).
    pub fn of_lang(lang: Lang) -> Option<ScriptClass> {
        use whatlang::Script as S;
        let script = match lang {
            Lang::Rus | Lang::Ukr | Lang::Bel | Lang::Bul | Lang::Mkd | Lang::Srp => S::Cyrillic,
            Lang::Ell => S::Greek,
            Lang::Ara | Lang::Pes | Lang::Urd | Lang::Heb | Lang::Yid => S::Arabic,
            Lang::Cmn | Lang::Jpn | Lang::Kor => S::Mandarin,
            Lang::Hin
            | Lang::Mar
            | Lang::Nep
            | Lang::Ben
            | Lang::Tam
            | Lang::Tel
            | Lang::Kan
            | Lang::Mal
            | Lang::Guj
            | Lang::Pan
            | Lang::Ori
            | Lang::Sin
            | Lang::Tha
            | Lang::Khm
            | Lang::Mya
            | Lang::Amh
            | Lang::Kat
            | Lang::Hye => return Some(ScriptClass::Other),
            _ => S::Latin,
        };
        Some(match script {
            S::Cyrillic => ScriptClass::Cyrillic,
            S::Greek => ScriptClass::Greek,
            S::Arabic => ScriptClass::ArabicHebrew,
            S::Mandarin => ScriptClass::Cjk,
            _ => ScriptClass::Latin,
        })
    }

    /// The class of an alphabetic character.
    pub fn of(c: char) -> ScriptClass {
        match c as u32 {
            0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF5A => {
                ScriptClass::Latin
            }
            0x370..=0x3FF | 0x1F00..=0x1FFF => ScriptClass::Greek,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                ScriptClass::Cyrillic
            }
            0x590..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF => {
                ScriptClass::ArabicHebrew
            }
            0x1100..=0x11FF
            | 0x3040..=0x30FF
            | 0x3130..=0x318F
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2FFFF => ScriptClass::Cjk,
            _ => ScriptClass::Other,
        }
    }
}

/// Character counts of a text by kind and script.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScriptHistogram {
    /// Letters per [`ScriptClass`], in [`ScriptClass::ALL`] order.
    pub letters: [u32; 6],
    /// Decimal digits.
    pub digits: u32,
    /// Upper-case letters.
    pub upper: u32,
    /// Whitespace characters.
    pub spaces: u32,
    /// Everything else: punctuation, symbols.
    pub other: u32,
    /// All characters.
    pub chars: u32,
}

impl ScriptHistogram {
    /// Counts the characters of `text`.
    pub fn of(text: &str) -> ScriptHistogram {
        let mut h = ScriptHistogram::default();
        for c in text.chars() {
            h.chars += 1;
            if c.is_alphabetic() {
                h.letters[ScriptClass::of(c) as usize] += 1;
                if c.is_uppercase() {
                    h.upper += 1;
                }
            } else if c.is_ascii_digit() || c.is_numeric() {
                h.digits += 1;
            } else if c.is_whitespace() {
                h.spaces += 1;
            } else {
                h.other += 1;
            }
        }
        h
    }

    /// All letters.
    pub fn total_letters(&self) -> u32 {
        self.letters.iter().sum()
    }

    /// The script with the most letters, if there are letters.
    pub fn dominant(&self) -> Option<ScriptClass> {
        let (i, &n) = self
            .letters
            .iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))?;
        (n > 0).then_some(ScriptClass::ALL[i])
    }

    /// Share of letters in `script` (0 when there are no letters).
    pub fn share(&self, script: ScriptClass) -> f32 {
        let total = self.total_letters();
        if total == 0 {
            0.0
        } else {
            self.letters[script as usize] as f32 / total as f32
        }
    }
}

/// The language of a paragraph, as far as it can be told.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangGuess {
    /// The language, or `None` when the text has too few letters to tell.
    pub lang: Option<Lang>,
    /// whatlang's confidence in `lang`, 0 when unknown.
    pub confidence: f32,
    /// Whether whatlang deems the guess reliable (a clear margin over the runner-up).
    pub reliable: bool,
    /// The dominant script of the letters.
    pub script: Option<ScriptClass>,
}

impl LangGuess {
    /// ISO 639-3 code of the language, if known.
    pub fn code(&self) -> Option<&'static str> {
        self.lang.map(|l| l.code())
    }
}

/// Fewer letters than this and a paragraph's language is reported unknown.
pub const MIN_LETTERS: u32 = 4;
/// whatlang looks at most at this many bytes of a paragraph (cut at a character boundary).
pub const SAMPLE_BYTES: usize = 512;

/// Detects the language of `text`, using its precomputed script histogram.
pub fn detect(text: &str, hist: &ScriptHistogram) -> LangGuess {
    let script = hist.dominant();
    if hist.total_letters() < MIN_LETTERS {
        return LangGuess {
            lang: None,
            confidence: 0.0,
            reliable: false,
            script,
        };
    }
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match whatlang::detect(&text[..end]) {
        Some(info) => LangGuess {
            lang: Some(info.lang()),
            confidence: info.confidence() as f32,
            reliable: info.is_reliable(),
            script,
        },
        None => LangGuess {
            lang: None,
            confidence: 0.0,
            reliable: false,
            script,
        },
    }
}

/// ISO 639-1 code for a whatlang language, where one exists.
pub fn iso639_1(lang: Lang) -> Option<&'static str> {
    isolang::Language::from_639_3(lang.code()).and_then(|l| l.to_639_1())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts() {
        let h = ScriptHistogram::of("Ab 1, Жж!");
        assert_eq!(h.chars, 9);
        assert_eq!(h.letters[ScriptClass::Latin as usize], 2);
        assert_eq!(h.letters[ScriptClass::Cyrillic as usize], 2);
        assert_eq!((h.digits, h.upper, h.spaces, h.other), (1, 2, 2, 2));
        assert_eq!(h.share(ScriptClass::Latin), 0.5);
    }

    #[test]
    fn dominant_script_and_language() {
        let ru = "Как добавить свои новости в наши трансляции? Очень просто.";
        let g = detect(ru, &ScriptHistogram::of(ru));
        assert_eq!(g.script, Some(ScriptClass::Cyrillic));
        assert_eq!(g.code(), Some("rus"));
        let en = "The situation is continuing to escalate rapidly, Peskov told reporters.";
        let g = detect(en, &ScriptHistogram::of(en));
        assert_eq!(
            (g.script, g.code()),
            (Some(ScriptClass::Latin), Some("eng"))
        );
        assert!(g.confidence > 0.5);
    }

    #[test]
    fn too_few_letters_is_unknown() {
        for t in ["", "2025-06-18 403", "—", "ab 12"] {
            assert_eq!(detect(t, &ScriptHistogram::of(t)).lang, None, "{t:?}");
        }
    }

    #[test]
    fn iso_codes() {
        assert_eq!(iso639_1(Lang::Eng), Some("en"));
        assert_eq!(iso639_1(Lang::Rus), Some("ru"));
    }
}
