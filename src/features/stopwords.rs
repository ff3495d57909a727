//! Stop-word sets per language, from the `stop-words` crate (Stopwords ISO lists), built once.
//!
//! A set holds the xxh3 hashes of its words: the analysis hashes every word anyway, so a
//! look-up costs no second pass over the word.

use std::sync::LazyLock;

use whatlang::Lang;
use xxhash_rust::xxh3::xxh3_64;

use crate::hash::U64Set;

/// xxh3 hashes of a language's stop words.
pub type StopSet = U64Set;

static SETS: LazyLock<Vec<Option<StopSet>>> = LazyLock::new(|| {
    Lang::all()
        .iter()
        .map(|&l| {
            let code = crate::lang::iso639_1(l)?;
            let words = stop_words::lookup(code)?;
            Some(words.iter().map(|w| xxh3_64(w.as_bytes())).collect())
        })
        .collect()
});

/// The stop words of `lang` (lower case, as xxh3 hashes of their UTF-8), if the list exists.
pub fn for_lang(lang: Lang) -> Option<&'static StopSet> {
    let i = Lang::all().iter().position(|&l| l == lang)?;
    SETS.get(i)?.as_ref()
}

/// Whether `word` (lower case) is a stop word of `lang`.
#[cfg(test)]
pub fn is_stop(lang: Lang, word: &str) -> bool {
    for_lang(lang).is_some_and(|s| s.contains(&xxh3_64(word.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_russian_lists() {
        assert!(is_stop(Lang::Eng, "the"));
        assert!(is_stop(Lang::Rus, "и"));
        assert!(!is_stop(Lang::Eng, "kremlin"));
    }

    #[test]
    fn every_listed_word_is_found() {
        for lang in [Lang::Eng, Lang::Rus, Lang::Deu] {
            let list = stop_words::lookup(crate::lang::iso639_1(lang).unwrap()).unwrap();
            assert!(list.iter().all(|w| is_stop(lang, w)), "{lang:?}");
        }
    }
}
