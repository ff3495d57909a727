//! Byte-level scans of a paragraph that give what a walk over its characters would: the script
//! histogram ([`histogram`]) and the words ([`WordScanner`]). ASCII is read through tables or
//! eight bytes at a time, and only the other characters are decoded and looked up in
//! [`char_kind`]'s table.

use xxhash_rust::xxh3::xxh3_64;

use super::{
    ALPHA, LOWERS, NUMERIC, SCRIPT_SHIFT, SPACE, ScriptClass, ScriptHistogram, UPPER, char_kind,
    kind_in, kinds,
};

/// [`char_kind`] of each byte below 0x80, and 0 for the bytes that start or continue a longer
/// character. ASCII letters are Latin, the script class 0.
static ASCII_KIND: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            ALPHA | UPPER
        } else if c.is_ascii_lowercase() {
            ALPHA
        } else if c.is_ascii_digit() {
            NUMERIC
        } else if matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// For the letters U+0400 to U+047F (the basic Cyrillic block and its historic letters), the
/// two bytes of each in UTF-8 start with 0xD0 or 0xD1: per letter, indexed by the lead's last
/// bit and the second byte's low six bits, its [`char_kind`] and its lower-case form in UTF-8.
static CYRILLIC: [(u8, [u8; 2]); 128] = {
    let mut t = [(0u8, [0u8; 2]); 128];
    let mut i = 0;
    while i < 128 {
        let code = 0x400 + i as u32;
        // Upper case: U+0400 to U+042F, and the even letters from U+0460 on.
        let lower = match code {
            0x400..=0x40F => code + 0x50,
            0x410..=0x42F => code + 0x20,
            0x460..=0x47F if code.is_multiple_of(2) => code + 1,
            _ => code,
        };
        let mut kind = ALPHA | ((ScriptClass::Cyrillic as u8) << SCRIPT_SHIFT);
        if lower != code {
            kind |= UPPER | LOWERS;
        }
        t[i] = (
            kind,
            [0xC0 | (lower >> 6) as u8, 0x80 | (lower & 0x3F) as u8],
        );
        i += 1;
    }
    t
};

/// The entry of [`CYRILLIC`] for the letter starting at byte `at` of `bytes`, if one does.
#[inline(always)]
fn cyrillic_at(bytes: &[u8], at: usize) -> Option<(u8, [u8; 2])> {
    match bytes.get(at..at + 2)? {
        &[lead @ (0xD0 | 0xD1), second] if second & 0xC0 == 0x80 => {
            Some(CYRILLIC[(((lead & 1) << 6) | (second & 0x3F)) as usize])
        }
        _ => None,
    }
}

/// The character starting at byte `at` of `text` (which must be a character boundary).
#[inline]
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|s| s.chars().next())
}

/// The [`ScriptHistogram`] of `text`, as [`ScriptHistogram::of`] counts it. Runs of eight ASCII
/// bytes are counted at once, and the Cyrillic letters of [`CYRILLIC`] without decoding them.
pub(crate) fn histogram(text: &str) -> ScriptHistogram {
    let mut h = ScriptHistogram::default();
    let bytes = text.as_bytes();
    let kinds = kinds();
    // ASCII letters, upper-case letters, digits, whitespace and all ASCII bytes.
    let (mut letters, mut upper, mut digits, mut spaces, mut ascii) = (0u32, 0, 0, 0, 0);
    let mut i = 0;
    while i < bytes.len() {
        if let Some(x) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(x.try_into().unwrap_or([0x80; 8]));
            if x & HIGH == 0 {
                let lower = in_range(x | (0x20 * ONES), b'a', b'z');
                letters += lower.count_ones();
                upper += (lower & !in_range(x, b'a', b'z')).count_ones();
                digits += in_range(x, b'0', b'9').count_ones();
                spaces += (in_range(x, b'\t', b'\r') | in_range(x, b' ', b' ')).count_ones();
                ascii += 8;
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            let k = ASCII_KIND[b as usize];
            letters += (k & ALPHA != 0) as u32;
            upper += (k & UPPER != 0) as u32;
            digits += (k & NUMERIC != 0) as u32;
            spaces += (k & SPACE != 0) as u32;
            ascii += 1;
            i += 1;
        } else if let Some((k, _)) = cyrillic_at(bytes, i) {
            h.add(k);
            i += 2;
        } else {
            let Some(c) = char_at(text, i) else { break };
            h.add(kind_in(kinds, c));
            i += c.len_utf8();
        }
    }
    h.letters[ScriptClass::Latin as usize] += letters;
    h.upper += upper;
    h.digits += digits;
    h.spaces += spaces;
    h.other += ascii - letters - digits - spaces;
    h.chars += ascii;
    h
}

/// What [`WordScanner::words`] counts of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordCounts {
    /// Words.
    pub words: u32,
    /// Words whose first character is upper-case.
    pub title_words: u32,
    /// Characters in words.
    pub word_chars: u32,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Per byte of `y`, whose bytes are below 0x80: the high bit set where the byte is in `lo..=hi`.
#[inline(always)]
const fn in_range(y: u64, lo: u8, hi: u8) -> u64 {
    (y.wrapping_add((0x80 - lo as u64) * ONES) & !y.wrapping_add((0x7F - hi as u64) * ONES)) & HIGH
}

/// The high bits of the eight bytes of `m`, gathered into the low eight bits (first byte lowest).
#[inline(always)]
const fn gather(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Eight bytes (little-endian in `x`): a bit per byte for the ASCII letters and digits, and
/// a bit per byte for the bytes of 0x80 and above.
#[inline(always)]
fn classify8(x: u64) -> (u64, u64) {
    let high = x & HIGH;
    let y = x & !HIGH;
    let word = (in_range(y, b'0', b'9') | in_range(y | (0x20 * ONES), b'a', b'z')) & !high;
    (gather(word), gather(high))
}

/// Eight bytes with their ASCII upper-case letters lower-cased.
#[inline(always)]
fn lower8(x: u64) -> u64 {
    let upper = in_range(x & !HIGH, b'A', b'Z') & !(x & HIGH);
    x | (upper >> 2)
}

/// Eight bytes of `b` from `at` as a little-endian `u64` (zeros past the end).
#[inline(always)]
fn load8(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(s) => u64::from_le_bytes(s.try_into().unwrap_or([0; 8])),
        None => {
            let mut pad = [0u8; 8];
            let s = b.get(at..).unwrap_or_default();
            pad[..s.len()].copy_from_slice(s);
            u64::from_le_bytes(pad)
        }
    }
}

/// The 64 bits of `bits` from bit `at` on (zeros past the end).
#[inline(always)]
fn window(bits: &[u64], at: usize) -> u64 {
    let (w, o) = (at / 64, at % 64);
    let lo = bits.get(w).map_or(0, |&b| b >> o);
    let hi = bits.get(w + 1).map_or(0, |&b| (b << 1) << (63 - o));
    lo | hi
}

/// The first clear bit of `bits` at or after `from` (`bits.len() * 64` if there is none).
fn next_clear(bits: &[u64], from: usize) -> usize {
    let mut at = from;
    loop {
        let run = (!window(bits, at)).trailing_zeros() as usize;
        at += run;
        if run < 64 || at >= bits.len() * 64 {
            return at.min(bits.len() * 64);
        }
    }
}

/// Appends the lower-case form of `c`, of [`char_kind`] `k`, to `out`.
#[inline(always)]
fn push_lower(out: &mut Vec<u8>, c: char, k: u8) {
    // Four bytes pushed and the unused ones cut: a copy of a fixed length needs no call.
    let mut push = |c: char| {
        let mut buf = [0u8; 4];
        let len = c.encode_utf8(&mut buf).len();
        let at = out.len();
        out.extend_from_slice(&buf);
        out.truncate(at + len);
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase() as u8);
    } else if k & LOWERS == 0 {
        push(c);
    } else {
        c.to_lowercase().for_each(push);
    }
}

/// Finds a paragraph's words (see [`WordScanner::words`]), keeping its buffers from one
/// paragraph to the next.
///
/// A paragraph mostly in ASCII is read eight bytes at a time into a bit per byte, set for the
/// bytes of its letters and digits; its words are then read off the bits a word at a time,
/// and copied and lower-cased sixteen bytes at a time, with no branch per byte. A paragraph
/// in another script is walked a character at a time.
#[derive(Debug, Default)]
pub(crate) struct WordScanner {
    word: Vec<u64>,
    high: Vec<u64>,
}

impl WordScanner {
    /// The words of `text` (maximal runs of alphanumeric characters, lower-cased, as the tests'
    /// `for_each_word` defines them), appended to `norm` with a space before each but the
    /// first word `norm` gets, and the `xxh3_64` hash of each word pushed to `hashes`.
    pub(crate) fn words(
        &mut self,
        text: &str,
        norm: &mut Vec<u8>,
        hashes: &mut Vec<u64>,
    ) -> WordCounts {
        let mut hist = ScriptHistogram::default();
        self.scan::<false>(text, norm, hashes, &mut hist)
    }

    /// [`WordScanner::words`], and the [`histogram`] of `text` too.
    pub(crate) fn words_and_histogram(
        &mut self,
        text: &str,
        norm: &mut Vec<u8>,
        hashes: &mut Vec<u64>,
    ) -> (WordCounts, ScriptHistogram) {
        let mut hist = ScriptHistogram::default();
        let counts = self.scan::<true>(text, norm, hashes, &mut hist);
        (counts, hist)
    }

    fn scan<const HIST: bool>(
        &mut self,
        text: &str,
        norm: &mut Vec<u8>,
        hashes: &mut Vec<u64>,
        hist: &mut ScriptHistogram,
    ) -> WordCounts {
        let bytes = text.as_bytes();
        let (word, high) = (&mut self.word, &mut self.high);
        word.clear();
        high.clear();
        let mut high_bytes = 0;
        let mut chunks = bytes.chunks_exact(64);
        for (ci, chunk) in (&mut chunks).enumerate() {
            let (mut w, mut h) = (0u64, 0u64);
            for (k, x) in chunk.chunks_exact(8).enumerate() {
                let (a, b) = classify8(u64::from_le_bytes(x.try_into().unwrap_or([0; 8])));
                w |= a << (8 * k);
                h |= b << (8 * k);
            }
            word.push(w);
            high.push(h);
            high_bytes += h.count_ones() as usize;
            // Text in another script is walked a character at a time: tell it early.
            if ci == 0 && high_bytes > 16 {
                return walk_words::<HIST>(text, norm, hashes, hist);
            }
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let (mut w, mut h) = (0u64, 0u64);
            for k in 0..rest.len().div_ceil(8) {
                let (a, b) = classify8(load8(rest, 8 * k));
                w |= a << (8 * k);
                h |= b << (8 * k);
            }
            word.push(w);
            high.push(h);
            high_bytes += h.count_ones() as usize;
        }
        if high_bytes * 8 > bytes.len() {
            return walk_words::<HIST>(text, norm, hashes, hist);
        }
        if HIST {
            *hist = histogram(text);
        }
        if high_bytes == 0 {
            return Self::read_words(text, word, None, norm, hashes);
        }
        // The letters and digits outside ASCII: each starts with a byte of 0xC0 or above.
        let kinds = kinds();
        for (ci, &h) in high.iter().enumerate() {
            let mut m = h;
            while m != 0 {
                let at = ci * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                if bytes.get(at).is_some_and(|&b| b >= 0xC0)
                    && let Some(c) = char_at(text, at)
                    && kind_in(kinds, c) & (ALPHA | NUMERIC) != 0
                {
                    for p in at..at + c.len_utf8() {
                        word[p / 64] |= 1 << (p % 64);
                    }
                }
            }
        }
        Self::read_words(text, word, Some(high), norm, hashes)
    }

    /// The words whose bytes are set in `word`; `high` marks the bytes outside ASCII, if any.
    fn read_words(
        text: &str,
        word: &[u64],
        high: Option<&[u64]>,
        norm: &mut Vec<u8>,
        hashes: &mut Vec<u64>,
    ) -> WordCounts {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut counts = WordCounts::default();
        norm.reserve(n + 16);
        // The last bit of the previous 64: a word going on into the next 64 does not start
        // again there.
        let mut carry = 0u64;
        for (ci, &m) in word.iter().enumerate() {
            let mut starts = m & !((m << 1) | carry);
            carry = m >> 63;
            while starts != 0 {
                let start = ci * 64 + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let end = next_clear(word, start).min(n);
                let len = end - start;
                if !norm.is_empty() {
                    norm.push(b' ');
                }
                let at = norm.len();
                counts.words += 1;
                let ascii = match high {
                    None => true,
                    Some(h) if len < 64 => window(h, start) & ((1u64 << len) - 1) == 0,
                    Some(_) => bytes[start..end].is_ascii(),
                };
                if ascii {
                    counts.title_words += bytes[start].is_ascii_uppercase() as u32;
                    counts.word_chars += len as u32;
                    if len <= 16 {
                        // Sixteen bytes copied and lower-cased, then cut to the word.
                        let a = lower8(load8(bytes, start)).to_le_bytes();
                        let b = lower8(load8(bytes, start + 8)).to_le_bytes();
                        norm.extend_from_slice(&a);
                        norm.extend_from_slice(&b);
                        norm.truncate(at + len);
                    } else {
                        norm.extend(bytes[start..end].iter().map(u8::to_ascii_lowercase));
                    }
                } else {
                    for (i, c) in text[start..end].chars().enumerate() {
                        let k = char_kind(c);
                        if i == 0 {
                            counts.title_words += (k & UPPER != 0) as u32;
                        }
                        counts.word_chars += 1;
                        push_lower(norm, c, k);
                    }
                }
                hashes.push(xxh3_64(&norm[at..]));
            }
        }
        counts
    }
}

/// The counters of a [`Tally`] after the letters' (one per script class, 0 to 5).
const DIGITS: usize = 6;
const SPACES: usize = 7;
const OTHER: usize = 8;

/// For each [`char_kind`], the counter of a [`Tally`] it adds to: the script class of a letter,
/// or [`DIGITS`], [`SPACES`] or [`OTHER`], as [`ScriptHistogram::add`] sorts characters.
static SLOT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < 256 {
        let kind = k as u8;
        t[k] = if kind & ALPHA != 0 {
            kind >> SCRIPT_SHIFT
        } else if kind & NUMERIC != 0 {
            DIGITS as u8
        } else if kind & SPACE != 0 {
            SPACES as u8
        } else {
            OTHER as u8
        };
        k += 1;
    }
    t
};

/// A [`ScriptHistogram`] counted without a branch per character: one counter per [`SLOT`].
#[derive(Default)]
struct Tally {
    slots: [u32; OTHER + 1],
    upper: u32,
}

impl Tally {
    #[inline(always)]
    fn add(&mut self, k: u8) {
        self.slots[SLOT[k as usize] as usize] += 1;
        self.upper += (k & (ALPHA | UPPER) == ALPHA | UPPER) as u32;
    }

    fn histogram(&self) -> ScriptHistogram {
        let mut h = ScriptHistogram::default();
        h.letters.copy_from_slice(&self.slots[..DIGITS]);
        h.digits = self.slots[DIGITS];
        h.spaces = self.slots[SPACES];
        h.other = self.slots[OTHER];
        h.upper = self.upper;
        h.chars = self.slots.iter().sum();
        h
    }
}

/// [`WordScanner::words`] a character at a time, and with `HIST` the histogram too. ASCII and
/// the letters of [`CYRILLIC`] are looked up without decoding them, and inside a word, runs of
/// them are read in loops of their own.
fn walk_words<const HIST: bool>(
    text: &str,
    norm: &mut Vec<u8>,
    hashes: &mut Vec<u64>,
    hist: &mut ScriptHistogram,
) -> WordCounts {
    let mut counts = WordCounts::default();
    let mut tally = Tally::default();
    let kinds = kinds();
    let bytes = text.as_bytes();
    // The kind and length of the character at byte `i`, and its lower-case form if it is a
    // letter of [`CYRILLIC`]; `None` past the end.
    let decode = |i: usize| -> Option<(u8, usize, Option<[u8; 2]>)> {
        let b = *bytes.get(i)?;
        Some(if b < 0x80 {
            (ASCII_KIND[b as usize], 1, None)
        } else if let Some((k, lower)) = cyrillic_at(bytes, i) {
            (k, 2, Some(lower))
        } else {
            let c = char_at(text, i)?;
            (kind_in(kinds, c), c.len_utf8(), None)
        })
    };
    // Appends the character at byte `i`, a letter or digit, lower-cased.
    let push = |norm: &mut Vec<u8>, i: usize, k: u8, cyrillic: Option<[u8; 2]>| match cyrillic {
        Some(lower) => norm.extend_from_slice(&lower),
        None if bytes[i] < 0x80 => norm.push(bytes[i].to_ascii_lowercase()),
        None => {
            if let Some(c) = char_at(text, i) {
                push_lower(norm, c, k);
            }
        }
    };
    let mut i = 0;
    while let Some((k, len, cyrillic)) = decode(i) {
        if HIST {
            tally.add(k);
        }
        i += len;
        if k & (ALPHA | NUMERIC) == 0 {
            continue;
        }
        // A word starts.
        if !norm.is_empty() {
            norm.push(b' ');
        }
        let at = norm.len();
        counts.words += 1;
        counts.title_words += (k & UPPER != 0) as u32;
        counts.word_chars += 1;
        push(norm, i - len, k, cyrillic);
        loop {
            // Cyrillic letters, and ASCII letters and digits, counted in registers (a count
            // in memory, added to once per character, would wait on its last store).
            let (mut run, mut upper) = (0u32, 0u32);
            while let Some((k, lower)) = cyrillic_at(bytes, i) {
                norm.extend_from_slice(&lower);
                upper += (k & UPPER != 0) as u32;
                run += 1;
                i += 2;
            }
            let (mut latin, mut digits) = (0u32, 0u32);
            while let Some(&b) = bytes.get(i) {
                let k = ASCII_KIND[b as usize];
                if k & (ALPHA | NUMERIC) == 0 {
                    break;
                }
                norm.push(b.to_ascii_lowercase());
                upper += (k & UPPER != 0) as u32;
                latin += (k & ALPHA != 0) as u32;
                digits += (k & ALPHA == 0) as u32;
                i += 1;
            }
            counts.word_chars += run + latin + digits;
            if HIST {
                tally.slots[ScriptClass::Cyrillic as usize] += run;
                tally.slots[ScriptClass::Latin as usize] += latin;
                tally.slots[DIGITS] += digits;
                tally.upper += upper;
            }
            // Any other character: part of the word, or the end of it.
            let Some((k, len, cyrillic)) = decode(i) else {
                break;
            };
            if HIST {
                tally.add(k);
            }
            i += len;
            if k & (ALPHA | NUMERIC) == 0 {
                break;
            }
            push(norm, i - len, k, cyrillic);
            counts.word_chars += 1;
        }
        hashes.push(xxh3_64(&norm[at..]));
    }
    if HIST {
        *hist = tally.histogram();
    }
    counts
}

/// Whether `c` is whitespace (`char::is_whitespace`, through the table of [`char_kind`]).
#[inline]
pub(crate) fn is_space(c: char) -> bool {
    if c.is_ascii() {
        ASCII_KIND[c as usize] & SPACE != 0
    } else {
        char_kind(c) & SPACE != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{classify_char, for_each_word};
    use proptest::prelude::*;

    #[test]
    fn cyrillic_table_agrees_with_the_unicode_tables() {
        for code in 0x400u32..0x480 {
            let c = char::from_u32(code).unwrap();
            let mut buf = [0u8; 4];
            let (k, lower) = cyrillic_at(c.encode_utf8(&mut buf).as_bytes(), 0).unwrap();
            assert_eq!(k, classify_char(c), "{c}");
            let want: String = c.to_lowercase().collect();
            assert_eq!(std::str::from_utf8(&lower).unwrap(), want, "{c}");
        }
        assert!(cyrillic_at("Ҁ".as_bytes(), 0).is_none() && cyrillic_at(&[0xD0], 0).is_none());
    }

    #[test]
    fn ascii_tables_agree_with_the_unicode_tables() {
        for b in 0u8..128 {
            let k = classify_char(b as char) & (ALPHA | UPPER | NUMERIC | SPACE);
            assert_eq!(ASCII_KIND[b as usize], k, "{b:#x}");
            assert_eq!(is_space(b as char), (b as char).is_whitespace(), "{b:#x}");
        }
    }

    fn check(text: &str) {
        let h = histogram(text);
        assert_eq!(h, ScriptHistogram::of(text), "{text:?}");

        let (mut word, mut want_norm, mut want_hashes) = (String::new(), String::new(), vec![]);
        let mut want = WordCounts::default();
        want.word_chars = for_each_word(text, &mut word, |w, up| {
            want.words += 1;
            want.title_words += up as u32;
            if !want_norm.is_empty() {
                want_norm.push(' ');
            }
            want_norm.push_str(w);
            want_hashes.push(xxh3_64(w.as_bytes()));
        });
        let (mut norm, mut hashes) = (Vec::new(), Vec::new());
        let got = WordScanner::default().words(text, &mut norm, &mut hashes);
        assert_eq!(got, want, "{text:?}");
        assert_eq!(norm, want_norm.as_bytes(), "{text:?}");
        assert_eq!(hashes, want_hashes, "{text:?}");

        let (mut norm, mut hashes) = (Vec::new(), Vec::new());
        let (got, h2) = WordScanner::default().words_and_histogram(text, &mut norm, &mut hashes);
        assert_eq!((got, h2), (want, h), "{text:?}");
        assert_eq!(norm, want_norm.as_bytes(), "{text:?}");
        assert_eq!(hashes, want_hashes, "{text:?}");
    }

    #[test]
    fn scans_match_the_character_walks() {
        for text in [
            "Read more » news@example.org | Ünïcode ÅNGSTRÖM 2025-06-18",
            "Следите за новостями: www.rt.com\u{a0}и İstanbul ΣΊΣΥΦΟΣ",
            "",
            "   ",
            "x",
            "日本語のテキスト 123",
            "ÀB\u{0301}c “quoted” K\u{212A}elvin\u{0B}tab\u{85}next",
        ] {
            check(text);
        }
        // Long texts; a text in another script after a first 64 bytes in ASCII; a long word.
        check(&"Word 12, ".repeat(20_000));
        check(&format!("{}é{}", "A".repeat(70_000), "b ".repeat(40_000)));
        check(&format!(
            "{} {}",
            "a".repeat(70),
            "Привет, мир. ".repeat(20)
        ));
        check(&format!("{} x{}y", "Слово ".repeat(3), "Z".repeat(150)));
    }

    proptest! {
        #[test]
        fn scans_match_the_character_walks_on_any_text(text in "(?s).{0,80}") {
            check(&text);
        }

        #[test]
        fn scans_match_on_mixed_latin_text(text in "[a-zA-Z0-9 .,’“”ÉéßİΣЖжЀѐѠѡѾѿҀ\u{a0}\t-]{0,120}") {
            check(&text);
        }
    }
}
