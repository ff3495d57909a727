//! Stop-word sets per language, from the `stop-words` crate (Stopwords ISO lists), built once.
//!
//! A set holds the xxh3 hashes of its words: the analysis hashes every word anyway, so a
//! look-up costs no second pass over the word.

use std::sync::LazyLock;

use whatlang::Lang;
use xxhash_rust::xxh3::xxh3_64;

/// xxh3 hashes of a language's stop words, in an open-addressing table at most a quarter
/// full: a look-up is a multiply, a shift and (nearly always) one or two reads.
#[derive(Debug, Clone)]
pub struct StopSet {
    /// Hashes, or 0 for an empty slot.
    slots: Vec<u64>,
    /// Right shift of the multiplied hash that gives a slot.
    shift: u32,
    /// Whether a word hashes to 0 (which `slots` cannot hold).
    has_zero: bool,
}

impl StopSet {
    fn slot(&self, h: u64) -> usize {
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Whether the set holds hash `h`.
    #[inline]
    pub fn contains(&self, h: &u64) -> bool {
        let h = *h;
        if h == 0 {
            return self.has_zero;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(h);
        loop {
            match self.slots[i] {
                0 => return false,
                v if v == h => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

impl FromIterator<u64> for StopSet {
    fn from_iter<I: IntoIterator<Item = u64>>(iter: I) -> StopSet {
        let hashes: Vec<u64> = iter.into_iter().collect();
        let size = (hashes.len() * 4).next_power_of_two().max(16);
        let mut set = StopSet {
            slots: vec![0; size],
            shift: 64 - size.ilog2(),
            has_zero: false,
        };
        for h in hashes {
            if h == 0 {
                set.has_zero = true;
                continue;
            }
            let mask = size - 1;
            let mut i = set.slot(h);
            while set.slots[i] != 0 && set.slots[i] != h {
                i = (i + 1) & mask;
            }
            set.slots[i] = h;
        }
        set
    }
}

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
    fn the_table_holds_exactly_the_hashes_it_was_built_from() {
        let words: Vec<u64> = (1..=500u64).map(|i| i * 0x1_0000_0001).chain([0]).collect();
        let set: StopSet = words.iter().copied().collect();
        assert!(words.iter().all(|h| set.contains(h)));
        assert!((501..3000u64).all(|i| !set.contains(&(i * 0x1_0000_0001))));
        let without_zero: StopSet = [7u64, 9].into_iter().collect();
        assert!(!without_zero.contains(&0) && without_zero.contains(&9));
        for lang in [Lang::Eng, Lang::Rus, Lang::Deu] {
            let list = stop_words::lookup(crate::lang::iso639_1(lang).unwrap()).unwrap();
            assert!(list.iter().all(|w| is_stop(lang, w)), "{lang:?}");
        }
    }
}
