//! Stop-word sets per language, from the `stop-words` crate (Stopwords ISO lists), built once.

use std::collections::HashSet;
use std::sync::LazyLock;

use whatlang::Lang;

static SETS: LazyLock<Vec<Option<HashSet<&'static str>>>> = LazyLock::new(|| {
    Lang::all()
        .iter()
        .map(|&l| {
            let code = crate::lang::iso639_1(l)?;
            let words = stop_words::lookup(code)?;
            Some(words.iter().copied().collect())
        })
        .collect()
});

/// The stop words of `lang` (lower case), if the list exists.
pub fn for_lang(lang: Lang) -> Option<&'static HashSet<&'static str>> {
    let i = Lang::all().iter().position(|&l| l == lang)?;
    SETS.get(i)?.as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_russian_lists() {
        assert!(for_lang(Lang::Eng).is_some_and(|s| s.contains("the")));
        assert!(for_lang(Lang::Rus).is_some_and(|s| s.contains("и")));
    }
}
