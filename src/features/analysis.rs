//! One pass over a document that every feature family reads from.

use std::ops::Range;

use whatlang::Lang;
use xxhash_rust::xxh3::xxh3_64;

use crate::document::{BlockTag, Document};
use crate::hash::U64Map;
use crate::lang::{self, LangGuess, ScriptClass, ScriptHistogram};

use super::stopwords;

/// Words per shingle for the repeated n-gram features.
pub const SHINGLE_WORDS: usize = 4;

/// What is measured of one paragraph before any feature is written.
#[derive(Debug, Clone, Default)]
pub struct ParagraphStats {
    /// Character histogram.
    pub hist: ScriptHistogram,
    /// Detected language.
    pub guess: Option<LangGuess>,
    /// Words (maximal runs of alphanumeric characters).
    pub words: u32,
    /// Characters in words.
    pub word_chars: u32,
    /// Words on the stop-word list of the paragraph's (or the document's) language.
    pub stopwords: u32,
    /// Words that start with an upper-case letter.
    pub title_words: u32,
    /// Whitespace-separated tokens that are URLs.
    pub urls: u32,
    /// Tokens that are e-mail addresses.
    pub emails: u32,
    /// Tokens that are bare domain names (`103news.com`).
    pub domains: u32,
    /// Ends with sentence punctuation (possibly followed by a closing quote or bracket).
    pub terminal: bool,
    /// Starts with a bullet or separator character.
    pub bullet: bool,
    /// Contains `©`, `|`, `»`, `›` or `·` separators typical of navigation and footers.
    pub separators: u32,
    /// Sentences: pieces ending in '.', '!' or '?' with more than 3 characters besides the
    /// whitespace before them.
    pub sentences: u32,
    /// Hash of the normalized text (lower-cased alphanumerics), stable across versions.
    pub hash: u64,
    /// This paragraph's shingles in [`DocAnalysis::shingles`].
    pub shingle_range: Range<usize>,
}

impl ParagraphStats {
    /// Characters of the paragraph.
    pub fn chars(&self) -> u32 {
        self.hist.chars
    }

    /// Long prose: at least [`PROSE_CHARS`] characters ending a sentence.
    pub fn is_prose(&self) -> bool {
        self.chars() >= PROSE_CHARS && self.terminal
    }
}

/// A document measured once: per-paragraph stats, document language, in-document repetition.
#[derive(Debug, Clone)]
pub struct DocAnalysis<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Stats per paragraph, in order.
    pub paras: Vec<ParagraphStats>,
    /// Word-shingle hashes of all paragraphs, back to back.
    pub shingles: Vec<u64>,
    /// The document's language, weighted by characters.
    pub lang: Option<Lang>,
    /// Share of the document's letters in paragraphs of that language.
    pub lang_share: f32,
    /// The document's dominant script.
    pub script: Option<ScriptClass>,
    /// Letters of the whole document per script.
    pub doc_script: ScriptHistogram,
    /// The document's containers.
    pub groups: super::structure::Groups,
    /// Per paragraph, the length of the run of consecutive short paragraphs (at most
    /// [`SHORT_WORDS`] words) it is in; 0 for a longer paragraph.
    pub short_runs: Vec<u32>,
    /// Share of the document's paragraphs that end a sentence.
    pub terminal_share: f32,
    /// Median `ln(1 + characters)` of the document's paragraphs.
    pub median_log_chars: f32,
    /// Characters over all paragraphs.
    pub total_chars: u32,
    /// For each paragraph: copies of its normalized text in the document (≥ 1).
    pub copies: Vec<u32>,
    /// For each paragraph: copies of its normalized text before it.
    pub earlier_copies: Vec<u32>,
    /// For each paragraph: share of its shingles that occur in another paragraph of the document.
    pub repeated_shingles: Vec<f32>,
    /// Index of the first and last "long prose" paragraph, if any.
    pub prose_span: Option<(usize, usize)>,
    /// The HTML depth holding the most characters of long prose, if any.
    pub prose_depth: Option<u16>,
    /// Indices of the long-prose paragraphs, in order.
    pub prose: Vec<usize>,
    /// For each paragraph, the characters of the paragraphs before it.
    pub chars_before: Vec<u32>,
    /// The smallest and largest depth of the paragraphs (`(0, 0)` for none).
    pub depth_range: (u16, u16),
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | ':' | ';')
}

fn ends_terminal(text: &str) -> bool {
    for c in text.chars().rev() {
        if matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '“') {
            continue;
        }
        return is_sentence_end(c);
    }
    false
}

const TLDS: &[&str] = &[
    "com", "net", "org", "ru", "info", "biz", "io", "co", "uk", "de", "fr", "edu", "gov", "us",
    "ca", "au", "in", "cn", "jp", "tv", "me", "news", "eu", "ua", "by", "kz", "it", "es", "nl",
    "pl", "br", "ch", "se", "no", "tk", "online", "site", "ly", "fm",
];

/// Classifies a whitespace-separated token: (url, email, domain).
fn token_kind(token: &str) -> (bool, bool, bool) {
    // Every kind has a '.' or an '@' ("://" comes with a host name and its dot, or is
    // followed by one): most words have neither and need no closer look.
    if !token.bytes().any(|b| b == b'.' || b == b'@' || b == b':') {
        return (false, false, false);
    }
    let t = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
    if t.len() < 4 {
        return (false, false, false);
    }
    let lower_starts = |p: &str| t.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    if t.contains("://") || lower_starts("www.") {
        return (true, false, false);
    }
    if let Some(at) = t.find('@')
        && at > 0
        && t[at + 1..].contains('.')
    {
        return (false, true, false);
    }
    if let Some(dot) = t.rfind('.') {
        let (host, tld) = (&t[..dot], &t[dot + 1..]);
        let tld = tld.split('/').next().unwrap_or("");
        if !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
            && TLDS.iter().any(|k| k.eq_ignore_ascii_case(tld))
        {
            return (false, false, true);
        }
    }
    (false, false, false)
}

/// URLs, e-mail addresses and bare domains among the whitespace-separated tokens of `text`.
/// Only a token with a '.', '@' or ':' can be one, so only those are looked at.
fn addresses(text: &str) -> (u32, u32, u32) {
    let (mut urls, mut emails, mut domains) = (0u32, 0u32, 0u32);
    let bytes = text.as_bytes();
    // The end of the last token looked at.
    let mut done = 0;
    for at in memchr::memchr3_iter(b'.', b'@', b':', bytes) {
        if at < done {
            continue;
        }
        // A mark that ends its token (a sentence's full stop, a colon) and is the token's first
        // mark (an earlier one would have taken the whole token) leaves a token with no mark
        // once its punctuation is trimmed: not an address. Most marks in prose are these.
        if bytes
            .get(at + 1)
            .is_none_or(|&b| b < 0x80 && lang::scan::is_space(b as char))
        {
            continue;
        }
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| lang::scan::is_space(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = text[at..]
            .char_indices()
            .find(|&(_, c)| lang::scan::is_space(c))
            .map_or(text.len(), |(i, _)| at + i);
        let (u, e, d) = token_kind(&text[start..end]);
        urls += u as u32;
        emails += e as u32;
        domains += d as u32;
        done = end;
    }
    (urls, emails, domains)
}

/// The `©`, `|`, `»`, `›`, `·` and `•` characters of `text`, found from the bytes they start
/// with in UTF-8.
fn separators(text: &str) -> u32 {
    let b = text.as_bytes();
    let bars = memchr::memchr_iter(b'|', b).count();
    let others = memchr::memchr2_iter(0xC2, 0xE2, b)
        .filter(|&at| {
            matches!(
                b.get(at..(at + 3).min(b.len())),
                Some([0xC2, 0xA9 | 0xBB | 0xB7, ..] | [0xE2, 0x80, 0xBA | 0xA2])
            )
        })
        .count();
    (bars + others) as u32
}

/// Sentences of `text`: pieces ending in '.', '!' or '?' with more than three characters
/// from the first one that is not whitespace.
fn sentences(text: &str) -> u32 {
    let mut count = 0;
    let mut from = 0;
    for at in memchr::memchr3_iter(b'.', b'!', b'?', text.as_bytes()) {
        let piece = text[from..=at].trim_start_matches(lang::scan::is_space);
        count += piece.chars().nth(3).is_some() as u32;
        from = at + 1;
    }
    count
}

fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Appends the shingle hashes of a paragraph's word hashes to `out`: one per run of
/// [`SHINGLE_WORDS`] words (none for a shorter paragraph). Stable across versions: saved
/// indexes hold them.
/// Shingles, at least, that room is made for at once when a document may have this many:
/// the vector is then a block of its own, whose pages take memory only once written.
const SHINGLE_ROOM_AT_ONCE: usize = 1 << 17;

/// Room for the shingles of `doc`, whose estimate is `about`. A long document gets room for
/// as many as it can have (a word takes two bytes at least), and gives back what it did not
/// use: a vector that outgrew its estimate would be copied into one twice its size, which for
/// a long document of prose held the shingles nearly three times at the peak.
pub(crate) fn shingle_room(doc: &Document, about: usize) -> usize {
    if about < SHINGLE_ROOM_AT_ONCE {
        return about;
    }
    doc.paragraphs
        .iter()
        .map(|p| (p.text.len() / 2 + 1).saturating_sub(SHINGLE_WORDS - 1))
        .sum()
}

/// Gives back the room a vector of shingles did not use, when that is more than an eighth of
/// it: a long document's estimate leaves room to spare (a large block is shrunk in place).
pub(crate) fn give_back_room(shingles: &mut Vec<u64>) {
    if shingles.capacity() - shingles.len() > shingles.len() / 8 + 4096 {
        shingles.shrink_to_fit();
    }
}

pub(crate) fn push_shingles(word_hashes: &[u64], out: &mut Vec<u64>) {
    if word_hashes.len() >= SHINGLE_WORDS {
        out.extend(
            word_hashes
                .windows(SHINGLE_WORDS)
                .map(|w| w.iter().fold(0u64, |h, &x| mix(h, x))),
        );
    }
}

/// Room for distinct shingles in the map of [`shared_shingles`]: as many as 2¹⁸ buckets hold
/// (a map of about 4.5 MiB).
const SHARED_KEYS: usize = (1 << 18) / 8 * 7;

/// Shingles counted at a time by [`shared_shingles`]: fewer than [`SHARED_KEYS`], so that a
/// part of the hash range seldom has more distinct shingles than the map has room for (it would
/// grow to twice the size).
const SHARED_PART: usize = 200_000;

/// In an entry of [`shared_shingles`]'s map, the bit of the first paragraph's index that says
/// another paragraph has the shingle too.
const SHARED_BY_ANOTHER: u32 = 1 << 31;

/// For each paragraph, how many of its distinct shingles occur in another paragraph of the
/// document.
///
/// Only shingles that share a bucket of a small table with another can occur twice; in most
/// documents they are few, and only they go into the map: per shingle, the first paragraph
/// that has it, whether another has it too, and the last paragraph it was counted for (a
/// paragraph counts each of its distinct shingles once). When they are many (a long document
/// of short lines), they are counted a part of the hash range at a time, so that the map holds
/// at most about [`SHARED_KEYS`] shingles whatever the document's size.
fn shared_shingles(shingles: &[u64], paras: &[ParagraphStats]) -> Vec<u32> {
    let bits = (shingles.len() * 8)
        .next_power_of_two()
        .clamp(1 << 10, 1 << 20);
    let shift = 64 - bits.ilog2();
    let mut buckets = vec![0u8; bits];
    for &s in shingles {
        let b = &mut buckets[(s >> shift) as usize];
        *b = b.saturating_add(1);
    }
    let maybe_repeated = |s: u64| buckets[(s >> shift) as usize] > 1;
    let candidates = shingles.iter().filter(|&&s| maybe_repeated(s)).count();
    let parts = candidates.div_ceil(SHARED_PART).max(1) as u64;
    // The part of the hash range a shingle is in: its top 32 bits scaled to `parts`.
    let part = |s: u64| ((s >> 32) * parts) >> 32;
    let mut shared = vec![0u32; paras.len()];
    // Per shingle: the first paragraph that has it (with [`SHARED_BY_ANOTHER`] set once
    // another has it too) and the last paragraph it was counted for. A record holds fewer than
    // 2³¹ paragraphs (its bytes are limited far below that).
    let mut seen: U64Map<(u32, u32)> =
        U64Map::with_capacity_and_hasher(candidates.min(SHARED_KEYS), Default::default());
    for k in 0..parts {
        seen.clear();
        let ours = |s: u64| maybe_repeated(s) && part(s) == k;
        for (idx, st) in paras.iter().enumerate() {
            let idx = idx as u32;
            for &s in &shingles[st.shingle_range.clone()] {
                if ours(s) {
                    let e = seen.entry(s).or_insert((idx, u32::MAX));
                    if e.0 & !SHARED_BY_ANOTHER != idx {
                        e.0 |= SHARED_BY_ANOTHER;
                    }
                }
            }
        }
        for (idx, st) in paras.iter().enumerate() {
            for s in &shingles[st.shingle_range.clone()] {
                if ours(*s)
                    && let Some(e) = seen.get_mut(s)
                    && e.0 & SHARED_BY_ANOTHER != 0
                    && e.1 != idx as u32
                {
                    e.1 = idx as u32;
                    shared[idx] += 1;
                }
            }
        }
    }
    shared
}

/// Word hashes (8 bytes each) [`DocAnalysis::new`] keeps between its passes, at most: 8 MiB.
/// A larger document is scanned twice instead.
const KEEP_WORDS: usize = 1 << 20;

/// Most words of a paragraph in a run of short lines (a table's cells, a list's items).
pub const SHORT_WORDS: u32 = 6;

/// Minimum characters for a paragraph to count as long prose.
pub const PROSE_CHARS: u32 = 150;

impl<'a> DocAnalysis<'a> {
    /// Measures every paragraph of `doc`.
    pub fn new(doc: &'a Document) -> DocAnalysis<'a> {
        let n = doc.paragraphs.len();
        let mut paras: Vec<ParagraphStats> = Vec::with_capacity(n);
        // Pass 1, over each paragraph's bytes: script histogram, words and their hashes, the
        // normalized text's hash, shingles, addresses, separators and sentences.
        // About one word in every six bytes of prose: room for that many words and shingles,
        // so the vectors seldom grow.
        let words_about = doc.paragraphs.iter().map(|p| p.text.len()).sum::<usize>() / 6 + 16;
        let mut shingles = Vec::with_capacity(shingle_room(doc, words_about));
        let mut norm = Vec::new();
        let mut scanner = lang::scan::WordScanner::default();
        // Every paragraph's word hashes, back to back: stop words are counted from them once
        // the languages are known. A document of more words than [`KEEP_WORDS`] keeps none:
        // its paragraphs are scanned again for their stop words.
        let keep_words = words_about <= KEEP_WORDS;
        let mut word_hashes: Vec<u64> = Vec::with_capacity(words_about.min(KEEP_WORDS));
        let mut word_ranges: Vec<Range<usize>> = Vec::with_capacity(if keep_words { n } else { 0 });
        let mut script_letters = [0u32; 6];
        let mut total_chars = 0u32;
        for p in &doc.paragraphs {
            let text = p.text.as_str();
            let mut st = ParagraphStats::default();
            norm.clear();
            let first_word = word_hashes.len();
            let (counts, hist) = scanner.words_and_histogram(text, &mut norm, &mut word_hashes);
            let (urls, emails, domains) = addresses(text);
            for (acc, l) in script_letters.iter_mut().zip(hist.letters) {
                *acc += l;
            }
            total_chars = total_chars.saturating_add(hist.chars);
            st.hist = hist;
            st.words = counts.words;
            st.word_chars = counts.word_chars;
            st.title_words = counts.title_words;
            st.urls = urls;
            st.emails = emails;
            st.domains = domains;
            st.separators = separators(text);
            st.sentences = sentences(text);
            st.terminal = ends_terminal(text);
            st.bullet = text.chars().next().is_some_and(|c| {
                matches!(
                    c,
                    '•' | '·' | '-' | '*' | '–' | '—' | '»' | '>' | '|' | '►' | '▪'
                )
            });
            st.hash = xxh3_64(&norm);
            let start = shingles.len();
            push_shingles(&word_hashes[first_word..], &mut shingles);
            st.shingle_range = start..shingles.len();
            if keep_words {
                word_ranges.push(first_word..word_hashes.len());
            } else {
                word_hashes.clear();
            }
            paras.push(st);
        }
        give_back_room(&mut shingles);
        // The paragraphs' languages and the document's.
        let found = lang::detect_document(
            doc.paragraphs
                .iter()
                .map(|p| p.text.as_str())
                .zip(paras.iter().map(|st| &st.hist)),
            &lang::DetectOptions::default(),
        );
        let (lang, lang_share) = (found.lang, found.share);
        let doc_script = ScriptHistogram {
            letters: script_letters,
            ..ScriptHistogram::default()
        };
        let script = doc_script.dominant();
        // Pass 2: stop words, on the list of each paragraph's language (or the document's).
        for (i, (st, guess)) in paras.iter_mut().zip(found.paragraphs).enumerate() {
            st.guess = Some(guess);
            let plang = guess.lang.or(lang);
            if let Some(stops) = plang.and_then(stopwords::for_lang) {
                let words = match word_ranges.get(i) {
                    Some(range) => &word_hashes[range.clone()],
                    None => {
                        // The same scan as in pass 1, so the same hashes.
                        word_hashes.clear();
                        norm.clear();
                        let text = doc.paragraphs[i].text.as_str();
                        scanner.words_and_histogram(text, &mut norm, &mut word_hashes);
                        &word_hashes[..]
                    }
                };
                st.stopwords = words.iter().filter(|h| stops.contains(h)).count() as u32;
            }
        }
        drop((word_hashes, word_ranges, norm));

        // In-document repetition.
        let mut copies = vec![1u32; n];
        let mut earlier_copies = vec![0u32; n];
        let mut by_hash: Vec<(u64, usize)> =
            paras.iter().enumerate().map(|(i, s)| (s.hash, i)).collect();
        by_hash.sort_unstable();
        let mut i = 0;
        while i < by_hash.len() {
            let mut j = i;
            while j < by_hash.len() && by_hash[j].0 == by_hash[i].0 {
                j += 1;
            }
            for (k, &(_, idx)) in by_hash[i..j].iter().enumerate() {
                copies[idx] = (j - i) as u32;
                earlier_copies[idx] = k as u32;
            }
            i = j;
        }
        drop(by_hash);
        let shared = shared_shingles(&shingles, &paras);
        let repeated_shingles = paras
            .iter()
            .zip(&shared)
            .map(|(st, &s)| {
                let total = st.shingle_range.len();
                if total == 0 {
                    0.0
                } else {
                    (s as f32 / total as f32).min(1.0)
                }
            })
            .collect();
        let prose: Vec<usize> = (0..n).filter(|&i| paras[i].is_prose()).collect();
        let prose_span = prose.first().copied().zip(prose.last().copied());
        let mut chars_before = Vec::with_capacity(n);
        let mut acc = 0u32;
        for st in &paras {
            chars_before.push(acc);
            acc = acc.saturating_add(st.chars());
        }
        let depth_range = doc
            .paragraphs
            .iter()
            .map(|p| p.depth)
            .fold(None, |r: Option<(u16, u16)>, d| match r {
                None => Some((d, d)),
                Some((lo, hi)) => Some((lo.min(d), hi.max(d))),
            })
            .unwrap_or((0, 0));
        let mut depth_chars: Vec<(u16, u32)> = Vec::new();
        for (p, st) in doc.paragraphs.iter().zip(&paras) {
            if st.is_prose() {
                match depth_chars.iter_mut().find(|(d, _)| *d == p.depth) {
                    Some((_, c)) => *c += st.chars(),
                    None => depth_chars.push((p.depth, st.chars())),
                }
            }
        }
        let prose_depth = depth_chars
            .iter()
            .max_by_key(|&&(d, c)| (c, std::cmp::Reverse(d)))
            .map(|&(d, _)| d);

        let groups = super::structure::Groups::new(doc, &paras);
        let mut short_runs = vec![0u32; n];
        let mut i = 0;
        while i < n {
            if paras[i].words > SHORT_WORDS {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && paras[i].words <= SHORT_WORDS {
                i += 1;
            }
            short_runs[start..i].fill((i - start) as u32);
        }
        let terminal_share = if n > 0 {
            paras.iter().filter(|p| p.terminal).count() as f32 / n as f32
        } else {
            0.0
        };
        let mut logs: Vec<f32> = paras
            .iter()
            .map(|p| super::ln_1p_count(p.chars()))
            .collect();
        logs.sort_unstable_by(f32::total_cmp);
        let median_log_chars = logs.get(n / 2).copied().unwrap_or(0.0);
        DocAnalysis {
            doc,
            groups,
            short_runs,
            terminal_share,
            median_log_chars,
            paras,
            shingles,
            lang,
            lang_share,
            script,
            doc_script,
            total_chars,
            copies,
            earlier_copies,
            repeated_shingles,
            prose_span,
            prose_depth,
            prose,
            chars_before,
            depth_range,
        }
    }

    /// Distance in paragraphs from paragraph `i` to the nearest long-prose paragraph, if any.
    pub fn distance_to_prose(&self, i: usize) -> Option<usize> {
        let k = self.prose.partition_point(|&j| j < i);
        let after = self.prose.get(k).map(|&j| j - i);
        let before = k.checked_sub(1).map(|k| i - self.prose[k]);
        match (before, after) {
            (Some(b), Some(a)) => Some(a.min(b)),
            (b, a) => b.or(a),
        }
    }

    /// Shingles of paragraph `i` (none once [`DocAnalysis::release_shingles`] has run).
    pub fn shingles_of(&self, i: usize) -> &[u64] {
        self.shingles
            .get(self.paras[i].shingle_range.clone())
            .unwrap_or(&[])
    }

    /// Frees the shingle hashes once the features have been read: what follows (roles, the
    /// output) needs none of them, and in a long document of short lines they are a fifth of
    /// its analysis.
    pub(crate) fn release_shingles(&mut self) {
        self.shingles = Vec::new();
    }

    /// `ln(1 + characters)` of paragraph `i`.
    pub fn log_chars(&self, i: usize) -> f32 {
        super::ln_1p_count(self.paras[i].chars())
    }

    /// Share of paragraph `i`'s characters inside links.
    pub fn link_share(&self, i: usize) -> f32 {
        let chars = self.paras[i].chars();
        if chars == 0 {
            0.0
        } else {
            (self.doc.paragraphs[i].link_chars as f32 / chars as f32).min(1.0)
        }
    }

    /// Share of paragraph `i`'s words that are stop words.
    pub fn stop_share(&self, i: usize) -> f32 {
        let st = &self.paras[i];
        if st.words == 0 {
            0.0
        } else {
            st.stopwords as f32 / st.words as f32
        }
    }

    /// 1 when paragraph `i`'s language is the document's, 0 when it differs, 0.5 when either is unknown.
    pub fn lang_agrees(&self, i: usize) -> f32 {
        match (self.paras[i].guess.and_then(|g| g.lang), self.lang) {
            (Some(a), Some(b)) => (a == b) as u8 as f32,
            _ => 0.5,
        }
    }

    /// 1 when paragraph `i`'s dominant script is the document's, 0 when it differs, 0.5 when unknown.
    pub fn script_agrees(&self, i: usize) -> f32 {
        match (self.paras[i].hist.dominant(), self.script) {
            (Some(a), Some(b)) => (a == b) as u8 as f32,
            _ => 0.5,
        }
    }

    /// Whether paragraph `i` is a heading.
    pub fn is_heading(&self, i: usize) -> bool {
        self.doc.paragraphs[i].tag == BlockTag::Heading
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`shared_shingles`] as a map of each shingle's paragraphs says it.
    fn shared_by_map(shingles: &[u64], paras: &[ParagraphStats]) -> Vec<u32> {
        let mut owners: std::collections::HashMap<u64, std::collections::BTreeSet<usize>> =
            Default::default();
        for (idx, st) in paras.iter().enumerate() {
            for &s in &shingles[st.shingle_range.clone()] {
                owners.entry(s).or_default().insert(idx);
            }
        }
        paras
            .iter()
            .enumerate()
            .map(|(idx, st)| {
                let mine: std::collections::BTreeSet<u64> =
                    shingles[st.shingle_range.clone()].iter().copied().collect();
                mine.iter()
                    .filter(|s| owners[s].iter().any(|&o| o != idx))
                    .count() as u32
            })
            .collect()
    }

    #[test]
    fn shared_shingles_count_each_distinct_shingle_of_another_paragraph_once() {
        // Few distinct values, so that most shingles repeat, within a paragraph and across;
        // long enough for the pairs to be sorted in several parts.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for (n, distinct) in [
            (0, 1),
            (1, 1),
            (7, 3),
            (500, 40),
            (200_000, 5000),
            (150_000, 1 << 40),
        ] {
            let values: Vec<u64> = (0..distinct.min(5000)).map(|_| next()).collect();
            let mut shingles = Vec::new();
            let paras: Vec<ParagraphStats> = (0..n)
                .map(|_| {
                    let start = shingles.len();
                    for _ in 0..next() % 9 {
                        let s = if distinct > 5000 {
                            next()
                        } else {
                            values[(next() % distinct) as usize]
                        };
                        shingles.push(s);
                    }
                    ParagraphStats {
                        shingle_range: start..shingles.len(),
                        ..ParagraphStats::default()
                    }
                })
                .collect();
            if n >= 150_000 {
                assert!(shingles.len() > SHARED_KEYS, "{}", shingles.len());
            }
            assert_eq!(
                shared_shingles(&shingles, &paras),
                shared_by_map(&shingles, &paras),
                "{n}"
            );
        }
    }

    #[test]
    fn token_kinds() {
        let cases = [
            ("https://example.com/a", (true, false, false)),
            ("www.rt.com", (true, false, false)),
            ("news@example.org", (false, true, false)),
            ("103news.com", (false, false, true)),
            ("Smi24.net", (false, false, true)),
            ("(rt.com).", (false, false, true)),
            ("U.S.", (false, false, false)),
            ("It’s", (false, false, false)),
            ("Akgün", (false, false, false)),
            ("e.g.", (false, false, false)),
            ("word", (false, false, false)),
        ];
        for (t, want) in cases {
            assert_eq!(token_kind(t), want, "{t}");
        }
    }

    #[test]
    fn terminal_punctuation() {
        for (t, want) in [
            ("He said so.", true),
            ("“a wrong move,” Peskov said.”", true),
            ("Ends with quote?”", true),
            ("Read more", false),
            ("date 2025-06-18 403", false),
            ("", false),
        ] {
            assert_eq!(ends_terminal(t), want, "{t:?}");
        }
    }

    #[test]
    fn stats_repetition_and_language() {
        let doc = Document::from_paragraphs(
            "d",
            &[
                "The situation is continuing to escalate rapidly, he told reporters.",
                "Следите за новостями на нашем сайте каждый день",
                "The situation is continuing to escalate rapidly, he told reporters.",
            ],
        );
        let a = DocAnalysis::new(&doc);
        assert_eq!(a.lang, Some(Lang::Eng));
        assert_eq!(a.copies, vec![2, 1, 2]);
        assert_eq!(a.earlier_copies, vec![0, 0, 1]);
        assert_eq!(a.lang_agrees(1), 0.0);
        assert_eq!(a.script_agrees(0), 1.0);
        assert_eq!(a.paras[0].words, 10);
        // "the", "is", "to", "he" are English stop words.
        assert!(a.paras[0].stopwords >= 4);
        assert_eq!(a.repeated_shingles[0], 1.0);
        assert_eq!(a.repeated_shingles[1], 0.0);
        assert!(a.paras[0].terminal && !a.paras[1].terminal);
        assert_eq!(a.prose_span, None);
    }

    #[test]
    fn addresses_and_separators_per_paragraph() {
        let doc = Document::from_paragraphs(
            "d",
            &[
                "Write to news@example.org or see https://example.com/a | 103news.com ©",
                "U.S. e.g. It’s",
                "www.rt.com",
            ],
        );
        let a = DocAnalysis::new(&doc);
        let counts: Vec<_> = a
            .paras
            .iter()
            .map(|s| (s.urls, s.emails, s.domains, s.separators))
            .collect();
        assert_eq!(counts, vec![(1, 1, 1, 2), (0, 0, 0, 0), (1, 0, 0, 0)]);
    }

    #[test]
    fn sentences_are_pieces_ending_in_punctuation() {
        let texts = [
            "The cat sat on the mat. It ran! Why?",
            "  .   Ab.  Abc. Abcd.   x",
            "U.S. officials met e.g. today... Really?!",
            "No sentence here",
            " \u{a0}Tab\tseparated words here. ",
            "",
        ];
        let doc = Document::from_paragraphs("d", &texts);
        let a = DocAnalysis::new(&doc);
        for (st, text) in a.paras.iter().zip(texts) {
            let want = text
                .split_inclusive(['.', '!', '?'])
                .filter(|s| s.ends_with(['.', '!', '?']) && s.trim().chars().count() > 3)
                .count() as u32;
            assert_eq!(st.sentences, want, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn counts_match_their_definitions(
            text in "[a-zA-Z0-9 .@:!?/|©»›·•\u{a0}\u{2003}\u{2020}\u{ab}\t\n\r\u{b}\u{c}\u{85}жЖé’-]{0,60}"
        ) {
            let doc = Document::from_paragraphs("d", &[text.as_str()]);
            let st = &DocAnalysis::new(&doc).paras[0];
            let (mut urls, mut emails, mut domains) = (0, 0, 0);
            for token in text.split(char::is_whitespace) {
                if token.contains(['.', '@', ':']) {
                    let (u, e, d) = token_kind(token);
                    urls += u as u32;
                    emails += e as u32;
                    domains += d as u32;
                }
            }
            proptest::prop_assert_eq!((st.urls, st.emails, st.domains), (urls, emails, domains));
            let sentences = text
                .split_inclusive(['.', '!', '?'])
                .filter(|s| s.ends_with(['.', '!', '?']) && s.trim().chars().count() > 3)
                .count() as u32;
            proptest::prop_assert_eq!(st.sentences, sentences);
            let separators = text
                .chars()
                .filter(|c| matches!(c, '©' | '|' | '»' | '›' | '·' | '•'))
                .count() as u32;
            proptest::prop_assert_eq!(st.separators, separators);
        }
    }

    #[test]
    fn prose_positions_and_prefix_sums() {
        let long = "This paragraph is long enough to count as prose: it goes on for well over one \
                    hundred and fifty characters, with words and a full stop at its very end.";
        let doc = Document::from_paragraphs("d", &["a", long, "bc", "d", long, "e"]);
        let a = DocAnalysis::new(&doc);
        assert_eq!(a.prose, vec![1, 4]);
        assert_eq!(a.prose_span, Some((1, 4)));
        let d: Vec<_> = (0..6).map(|i| a.distance_to_prose(i)).collect();
        assert_eq!(d, [Some(1), Some(0), Some(1), Some(1), Some(0), Some(1)]);
        let l = long.chars().count() as u32;
        assert_eq!(a.chars_before, vec![0, 1, 1 + l, 3 + l, 4 + l, 4 + 2 * l]);
        assert_eq!(a.depth_range, (0, 0));
    }
}
