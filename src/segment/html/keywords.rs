//! Hints from `class`, `id` and `role` values: keywords matched against the parts of a name.

use crate::document::Hints;

/// A `class` / `id` keyword.
pub(super) struct Keyword {
    /// Lower case.
    pub(super) word: &'static [u8],
    pub(super) bits: u16,
    /// Also matches as the end of a word part.
    pub(super) suffix: bool,
}

pub(super) const fn kw(word: &'static [u8], bits: u16, suffix: bool) -> Keyword {
    Keyword { word, bits, suffix }
}

pub(super) const BP: u16 = Hints::CLASS_BOILERPLATE;
pub(super) const CM: u16 = Hints::CLASS_COMMENT;
pub(super) const CT: u16 = Hints::CLASS_CONTENT;

pub(super) const KEYWORDS: &[Keyword] = &[
    kw(b"nav", BP, true),
    kw(b"menu", BP, true),
    kw(b"footer", BP, true),
    kw(b"sidebar", BP, true),
    kw(b"widget", BP, true),
    kw(b"share", BP, true),
    kw(b"social", BP, true),
    kw(b"related", BP, true),
    kw(b"breadcrumb", BP, true),
    kw(b"banner", BP, true),
    kw(b"promo", BP, true),
    kw(b"sponsor", BP, true),
    kw(b"advert", BP, true),
    kw(b"cookie", BP, true),
    kw(b"subscribe", BP, true),
    kw(b"newsletter", BP, true),
    kw(b"login", BP, true),
    kw(b"signup", BP, true),
    kw(b"copyright", BP, true),
    kw(b"masthead", BP, true),
    kw(b"toolbar", BP, true),
    kw(b"pagination", BP, true),
    kw(b"tags", BP, true),
    kw(b"popular", BP, true),
    kw(b"trending", BP, true),
    kw(b"recommend", BP, true),
    kw(b"teaser", BP, true),
    kw(b"comment", CM, true),
    kw(b"disqus", CM, true),
    kw(b"reply", CM, true),
    kw(b"article", CT, true),
    kw(b"content", CT, true),
    kw(b"post", CT, true),
    kw(b"entry", CT, true),
    kw(b"body", CT, true),
    kw(b"blog", CT, true),
    kw(b"story", CT, false),
    kw(b"text", CT, false),
    kw(b"main", CT, false),
];

/// The `NEAREST_*` bits of an element: from its own `class` / `id` keywords when it has any,
/// else inherited from its parent.
pub(super) fn nearest_hints(own: u16, parent: u16) -> u16 {
    let mut near = 0;
    if own & BP != 0 {
        near |= Hints::NEAREST_BOILERPLATE;
    }
    if own & CT != 0 {
        near |= Hints::NEAREST_CONTENT;
    }
    if own & CM != 0 {
        near |= Hints::NEAREST_COMMENT;
    }
    if near == 0 { parent & NEAREST } else { near }
}

/// The `NEAREST_*` hint bits.
pub(super) const NEAREST: u16 =
    Hints::NEAREST_BOILERPLATE | Hints::NEAREST_CONTENT | Hints::NEAREST_COMMENT;

/// Hint bits of an ARIA landmark `role` value.
pub(super) fn role_hints(value: &[u8]) -> u16 {
    let mut bits = 0;
    for role in value.split(|b| b.is_ascii_whitespace()) {
        bits |= match role.to_ascii_lowercase().as_slice() {
            b"navigation" | b"menu" | b"menubar" => Hints::NAV,
            b"banner" => Hints::HEADER,
            b"contentinfo" => Hints::FOOTER,
            b"complementary" => Hints::ASIDE,
            b"main" | b"article" => Hints::ARTICLE,
            b"search" | b"form" => Hints::FORM,
            _ => 0,
        };
    }
    bits
}

/// Hint bits named by a `class` or `id` value (see the module docs for the matching rules).
pub(super) fn class_hints(value: &[u8]) -> u16 {
    let mut bits = 0;
    let mut prev: &[u8] = &[];
    let mut i = 0;
    while i < value.len() {
        if !value[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < value.len() && continues_part(value[i - 1], value[i]) {
            i += 1;
        }
        let part = &value[start..i];
        bits |= part_hints(part, prev);
        prev = part;
    }
    bits
}

/// Whether `cur` continues the word part that `prev` is in.
pub(super) fn continues_part(prev: u8, cur: u8) -> bool {
    cur.is_ascii_alphanumeric()
        && prev.is_ascii_digit() == cur.is_ascii_digit()
        && !(prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
}

/// For each letter, the keywords starting with it (bit `k` for `KEYWORDS[k]`).
pub(super) const BY_FIRST: [u64; 26] = keyword_index(false);
/// For each letter, the suffix-matching keywords ending with it.
pub(super) const BY_LAST: [u64; 26] = keyword_index(true);

pub(super) const fn keyword_index(last: bool) -> [u64; 26] {
    assert!(KEYWORDS.len() <= 64);
    let mut index = [0u64; 26];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let word = KEYWORDS[k].word;
        if !last {
            index[(word[0] - b'a') as usize] |= 1 << k;
        } else if KEYWORDS[k].suffix {
            index[(word[word.len() - 1] - b'a') as usize] |= 1 << k;
        }
        k += 1;
    }
    index
}

/// The keywords indexed for `letter`, if it is one.
pub(super) fn keywords_for(index: &[u64; 26], letter: u8) -> u64 {
    let i = letter.to_ascii_lowercase().wrapping_sub(b'a');
    index.get(usize::from(i)).copied().unwrap_or(0)
}

/// Hint bits of one word part; `prev` is the part before it (for `side-bar`).
pub(super) fn part_hints(part: &[u8], prev: &[u8]) -> u16 {
    let (Some(&first), Some(&last)) = (part.first(), part.last()) else {
        return 0;
    };
    if part.eq_ignore_ascii_case(b"ad") || part.eq_ignore_ascii_case(b"ads") {
        return BP;
    }
    let mut bits = 0;
    if prev.eq_ignore_ascii_case(b"side")
        && part
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"bar"))
    {
        bits |= BP;
    }
    let mut candidates = keywords_for(&BY_FIRST, first) | keywords_for(&BY_LAST, last);
    while candidates != 0 {
        let k = &KEYWORDS[candidates.trailing_zeros() as usize];
        candidates &= candidates - 1;
        let n = k.word.len();
        if n > part.len() || bits & k.bits != 0 {
            continue;
        }
        if part[..n].eq_ignore_ascii_case(k.word)
            || (k.suffix && part[part.len() - n..].eq_ignore_ascii_case(k.word))
        {
            bits |= k.bits;
        }
    }
    bits
}
