//! Hints from `class`, `id` and `role` values: keywords matched against the parts of a name.

use crate::document::Hints;

/// A `class` / `id` keyword.
pub(super) struct Keyword {
    /// Lower case.
    pub(super) word: &'static [u8],
    pub(super) bits: u32,
    /// Also matches as the end of a word part.
    pub(super) suffix: bool,
}

pub(super) const fn kw(word: &'static [u8], bits: u32, suffix: bool) -> Keyword {
    Keyword { word, bits, suffix }
}

pub(super) const BP: u32 = Hints::CLASS_BOILERPLATE;
pub(super) const CM: u32 = Hints::CLASS_COMMENT;
pub(super) const CT: u32 = Hints::CLASS_CONTENT;

pub(super) const FG: u32 = Hints::FIGURE;
pub(super) const CAP: u32 = Hints::CAPTION;
pub(super) const BY: u32 = Hints::BYLINE;
pub(super) const RL: u32 = Hints::RELATED | BP;
pub(super) const CS: u32 = Hints::CONSENT | BP;
pub(super) const PR: u32 = Hints::PROMO | BP;
pub(super) const BD: u32 = Hints::BODY | CT;

pub(super) const KEYWORDS: &[Keyword] = &[
    kw(b"nav", BP, true),
    kw(b"menu", BP, true),
    kw(b"footer", BP, true),
    kw(b"sidebar", BP, true),
    kw(b"widget", BP, true),
    kw(b"share", PR, true),
    kw(b"social", PR, true),
    kw(b"related", RL, true),
    kw(b"breadcrumb", BP, true),
    kw(b"banner", BP, true),
    kw(b"promo", PR, true),
    kw(b"sponsor", PR, true),
    kw(b"advert", PR, true),
    kw(b"cookie", CS, true),
    kw(b"subscribe", PR, true),
    kw(b"newsletter", PR, true),
    kw(b"login", BP, true),
    kw(b"signup", PR, true),
    kw(b"copyright", BP, true),
    kw(b"masthead", BP, true),
    kw(b"toolbar", BP, true),
    // Media player controls (`vjs-control-bar`, `jw-controls`): button and time labels.
    kw(b"control", Hints::CONTROL, true),
    kw(b"player", FG, true),
    kw(b"pagination", BP, true),
    kw(b"tags", BP, true),
    kw(b"popular", RL, true),
    kw(b"trending", RL, true),
    kw(b"recommend", RL, true),
    kw(b"teaser", RL, true),
    kw(b"recirc", RL, false),
    kw(b"outbrain", RL, false),
    kw(b"taboola", RL, false),
    kw(b"consent", CS, true),
    kw(b"gdpr", CS, false),
    kw(b"modal", CS, true),
    kw(b"popup", CS, true),
    kw(b"overlay", CS, true),
    kw(b"donate", PR, false),
    kw(b"paywall", PR, true),
    kw(b"gallery", FG, true),
    kw(b"slideshow", FG, true),
    kw(b"carousel", FG, true),
    kw(b"figure", FG, false),
    kw(b"caption", CAP, true),
    kw(b"credit", CAP, true),
    kw(b"byline", BY, true),
    kw(b"author", BY, true),
    kw(b"timestamp", BY, true),
    kw(b"published", BY, false),
    kw(b"date", BY, false),
    kw(b"meta", BY, true),
    kw(b"comment", CM, true),
    kw(b"disqus", CM, true),
    kw(b"reply", CM, true),
    kw(b"articlebody", BD, false),
    kw(b"storybody", BD, false),
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
pub(super) fn nearest_hints(own: u32, parent: u32) -> u32 {
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
pub(super) const NEAREST: u32 =
    Hints::NEAREST_BOILERPLATE | Hints::NEAREST_CONTENT | Hints::NEAREST_COMMENT;

/// Hint bits of an ARIA landmark `role` value.
pub(super) fn role_hints(value: &[u8]) -> u32 {
    let mut bits = 0;
    for role in value.split(|b| b.is_ascii_whitespace()) {
        bits |= match role.to_ascii_lowercase().as_slice() {
            b"navigation" | b"menu" | b"menubar" => Hints::NAV,
            b"banner" => Hints::HEADER,
            b"contentinfo" => Hints::FOOTER,
            b"complementary" => Hints::ASIDE,
            b"main" | b"article" => Hints::ARTICLE,
            b"dialog" | b"alertdialog" => Hints::CONSENT,
            b"search" | b"form" => Hints::FORM,
            // Widgets: what they say are the labels of controls, as in a `<button>`.
            b"button" | b"menuitem" | b"menuitemcheckbox" | b"menuitemradio" | b"slider"
            | b"progressbar" | b"timer" | b"tab" | b"tablist" | b"switch" | b"spinbutton"
            | b"listbox" | b"option" | b"combobox" | b"toolbar" => Hints::CONTROL,
            _ => 0,
        };
    }
    bits
}

/// Hint bits of an `itemprop` value (schema.org property names).
pub(super) fn itemprop_hints(value: &[u8]) -> u32 {
    let mut bits = 0;
    for prop in value.split(|b| b.is_ascii_whitespace()) {
        bits |= match prop.to_ascii_lowercase().as_slice() {
            b"articlebody" | b"reviewbody" => Hints::BODY,
            b"author" | b"creator" | b"datepublished" | b"datemodified" | b"datecreated" => {
                Hints::BYLINE
            }
            b"caption" => Hints::CAPTION,
            b"image" | b"associatedmedia" | b"video" => Hints::FIGURE,
            _ => 0,
        };
    }
    bits
}

/// Whether a `style` value hides the element (`display: none`, `visibility: hidden`).
pub(super) fn style_hides(value: &[u8]) -> bool {
    let squeezed: Vec<u8> = value
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    let has = |needle: &[u8]| squeezed.windows(needle.len()).any(|w| w == needle);
    has(b"display:none") || has(b"visibility:hidden")
}

/// Hint bits named by a `class` or `id` value (see the module docs for the matching rules).
pub(super) fn class_hints(value: &[u8]) -> u32 {
    let mut bits = 0;
    let mut live = false;
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
        live |= part.eq_ignore_ascii_case(b"live")
            || part
                .get(..10)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"commentary"));
        prev = part;
    }
    // A live commentary (`live-match-comment`, `liveblog-commentary`) is the page's text, not
    // its readers' comments.
    if live {
        bits &= !CM;
    }
    bits | hidden_class(value)
}

/// `Hints::HIDDEN` for a class that hides its element: a class `hidden`, or one ending in
/// `-hidden` / `_hidden` (`is-hidden`, `vjs-hidden`, `visually-hidden`). Not `hidden-xs` (hidden
/// on small screens only), and not in a value with responsive variants (`hidden md:block`).
fn hidden_class(value: &[u8]) -> u32 {
    if value.contains(&b':') {
        return 0;
    }
    let hides = |t: &[u8]| {
        let n = t.len();
        n >= 6
            && t[n - 6..].eq_ignore_ascii_case(b"hidden")
            && (n == 6 || matches!(t[n - 7], b'-' | b'_'))
    };
    if value.split(u8::is_ascii_whitespace).any(hides) {
        Hints::HIDDEN
    } else {
        0
    }
}

/// Whether `cur` continues the word part that `prev` is in.
pub(super) fn continues_part(prev: u8, cur: u8) -> bool {
    cur.is_ascii_alphanumeric()
        && prev.is_ascii_digit() == cur.is_ascii_digit()
        && !(prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
}

/// For each letter, the keywords starting with it (bit `k` for `KEYWORDS[k]`).
pub(super) const BY_FIRST: [u128; 26] = keyword_index(false);
/// For each letter, the suffix-matching keywords ending with it.
pub(super) const BY_LAST: [u128; 26] = keyword_index(true);

pub(super) const fn keyword_index(last: bool) -> [u128; 26] {
    assert!(KEYWORDS.len() <= 128);
    let mut index = [0u128; 26];
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
pub(super) fn keywords_for(index: &[u128; 26], letter: u8) -> u128 {
    let i = letter.to_ascii_lowercase().wrapping_sub(b'a');
    index.get(usize::from(i)).copied().unwrap_or(0)
}

/// Hint bits of one word part; `prev` is the part before it (for `side-bar`).
pub(super) fn part_hints(part: &[u8], prev: &[u8]) -> u32 {
    let (Some(&first), Some(&last)) = (part.first(), part.last()) else {
        return 0;
    };
    if part.eq_ignore_ascii_case(b"ad") || part.eq_ignore_ascii_case(b"ads") {
        return PR;
    }
    let mut bits = 0;
    // `article-body`, `story-content`, `entry-text`, `post-body`: the body itself.
    if [b"article" as &[u8], b"story", b"entry", b"post"]
        .iter()
        .any(|p| prev.eq_ignore_ascii_case(p))
        && [b"body" as &[u8], b"content", b"text"]
            .iter()
            .any(|w| part.eq_ignore_ascii_case(w))
    {
        bits |= BD;
    }
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
