//! Language and script of a paragraph: a script histogram first, then character n-gram tables
//! per script group (whatlang for the scripts the tables do not cover).

mod context;
mod layout;
pub mod ngram;
pub(crate) mod scan;
mod tables_file;

use std::sync::OnceLock;

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

const ALPHA: u8 = 1;
const UPPER: u8 = 2;
const NUMERIC: u8 = 4;
const SPACE: u8 = 8;
/// `char::to_lowercase` changes the character.
const LOWERS: u8 = 16;
/// The [`ScriptClass`] of a letter sits in the top three bits.
const SCRIPT_SHIFT: u8 = 5;
/// Characters below this code point are classified from a table.
const KIND_TABLE: usize = 0x3000;

fn classify_char(c: char) -> u8 {
    let mut k = 0;
    if c.is_alphabetic() {
        k |= ALPHA | ((ScriptClass::of(c) as u8) << SCRIPT_SHIFT);
        if c.is_uppercase() {
            k |= UPPER;
        }
    }
    if c.is_numeric() {
        k |= NUMERIC;
    }
    if c.is_whitespace() {
        k |= SPACE;
    }
    let mut lower = c.to_lowercase();
    if lower.next() != Some(c) || lower.next().is_some() {
        k |= LOWERS;
    }
    k
}

static KINDS: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    (0..KIND_TABLE as u32)
        .map(|i| char::from_u32(i).map_or(0, classify_char))
        .collect()
});

/// Alphabetic, upper-case, numeric, whitespace and lower-casing flags of a character, and the
/// script class of a letter; the Unicode tables behind `char::is_alphabetic` and
/// `char::to_lowercase` are slow outside ASCII, so the first 12,288 code points are looked up
/// in a table built once.
#[inline]
pub(crate) fn char_kind(c: char) -> u8 {
    let i = c as usize;
    if i < KIND_TABLE {
        KINDS[i]
    } else {
        classify_char(c)
    }
}

/// The table behind [`char_kind`], for a loop to look characters up in with [`kind_in`]
/// without checking each time that the table is built.
#[inline]
pub(crate) fn kinds() -> &'static [u8] {
    &KINDS
}

/// [`char_kind`] through `kinds`, the table [`kinds`] gives.
#[inline]
pub(crate) fn kind_in(kinds: &[u8], c: char) -> u8 {
    match kinds.get(c as usize) {
        Some(&k) => k,
        None => classify_char(c),
    }
}

/// Whether `c` is alphanumeric (`char::is_alphanumeric`, through the table of `char_kind`).
#[cfg(test)]
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        char_kind(c) & (ALPHA | NUMERIC) != 0
    }
}

/// Appends the lower-case form of `c` to `s` (`char::to_lowercase`, through the table of
/// `char_kind` for characters it leaves alone).
#[cfg(test)]
#[inline]
pub fn push_lower(s: &mut String, c: char) {
    push_lower_kind(s, c, if c.is_ascii() { 0 } else { char_kind(c) });
}

/// [`push_lower`] for a character whose [`char_kind`] is `k` (ASCII needs no kind).
#[cfg(test)]
#[inline]
fn push_lower_kind(s: &mut String, c: char, k: u8) {
    if c.is_ascii() {
        s.push(c.to_ascii_lowercase());
    } else if k & LOWERS == 0 {
        s.push(c);
    } else {
        s.extend(c.to_lowercase());
    }
}

/// Calls `f(word, starts_upper)` for each word of `text` (a maximal run of alphanumeric
/// characters, as [`is_word_char`]), lower-cased as [`push_lower`] does, and returns the
/// number of word characters. `word` is the buffer the words are built in. This is the
/// definition that [`scan::WordScanner`] computes faster.
#[cfg(test)]
pub(crate) fn for_each_word(text: &str, word: &mut String, mut f: impl FnMut(&str, bool)) -> u32 {
    word.clear();
    let (mut starts_upper, mut chars) = (false, 0);
    for c in text.chars() {
        let k = char_kind(c);
        if k & (ALPHA | NUMERIC) != 0 {
            if word.is_empty() {
                starts_upper = k & UPPER != 0;
            }
            push_lower_kind(word, c, k);
            chars += 1;
        } else if !word.is_empty() {
            f(word, starts_upper);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(word, starts_upper);
        word.clear();
    }
    chars
}

/// Whether `c` is alphabetic (`char::is_alphabetic`, through the table of `char_kind`).
#[inline]
pub fn is_letter(c: char) -> bool {
    char_kind(c) & ALPHA != 0
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
            h.add(char_kind(c));
        }
        h
    }

    /// Counts one character of [`char_kind`] `k`.
    #[inline]
    fn add(&mut self, k: u8) {
        self.chars += 1;
        if k & ALPHA != 0 {
            self.letters[(k >> SCRIPT_SHIFT) as usize] += 1;
            if k & UPPER != 0 {
                self.upper += 1;
            }
        } else if k & NUMERIC != 0 {
            self.digits += 1;
        } else if k & SPACE != 0 {
            self.spaces += 1;
        } else {
            self.other += 1;
        }
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
    /// The language, or `None` when the text cannot tell: too few letters, a URL or an e-mail
    /// address, text that fits none of its script's languages, or an allowlist that excludes
    /// every language of its script.
    pub(crate) lang: Option<Lang>,
    /// Probability of `lang` among the candidates of its script, lowered where the text fits
    /// even the best of them badly (0 when unknown).
    pub(crate) confidence: f32,
    /// Whether the guess is clear: confidence of at least [`RELIABLE`] on at least
    /// [`RELIABLE_LETTERS`] letters.
    pub(crate) reliable: bool,
    /// The dominant script of the letters.
    pub(crate) script: Option<ScriptClass>,
}

impl LangGuess {
    /// The language, or `None` when the text cannot tell: too few letters, a URL or an e-mail
    /// address, text that fits none of its script's languages, or an allowlist that excludes
    /// every language of its script.
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// Probability of the language among the candidates of its script, lowered where the text
    /// fits even the best of them badly (0 when unknown).
    pub fn confidence(&self) -> f32 {
        self.confidence
    }

    /// Whether the guess is clear: confidence of at least 0.9 on at least 12 letters.
    pub fn is_reliable(&self) -> bool {
        self.reliable
    }

    /// The dominant script of the letters.
    pub fn script(&self) -> Option<ScriptClass> {
        self.script
    }

    /// ISO 639-3 code of the language, if known.
    pub fn code(&self) -> Option<&'static str> {
        self.lang.map(|l| l.code())
    }

    fn unknown(script: Option<ScriptClass>) -> LangGuess {
        LangGuess {
            lang: None,
            confidence: 0.0,
            reliable: false,
            script,
        }
    }
}

/// Fewer letters than this and a paragraph's language is reported unknown.
pub const MIN_LETTERS: u32 = 4;
/// The n-gram scorer reads at most this many letters of a paragraph.
pub const MAX_LETTERS: u32 = 240;
/// After this many letters the scorer stops as soon as the leader is [`EARLY_MARGIN`] ahead.
pub const EARLY_LETTERS: u32 = 32;
/// Lead (in table units: 1/20 nat, summed over the four n-gram orders) that ends scoring
/// early.
pub const EARLY_MARGIN: u32 = 600;
/// Temperature of the confidence: costs sum four orders of 1/20-nat units.
pub(crate) const TEMPERATURE: f32 = 4.0 * ngram::SCALE;
/// Confidence at or above which a guess is reliable.
pub const RELIABLE: f32 = 0.9;
/// Letters below which no guess is reliable.
pub const RELIABLE_LETTERS: u32 = 12;
/// Per n-gram group: the leader's cost per letter (table units, four orders) up to which its
/// confidence is its share among the group's languages, and from which the text is taken to
/// be in none of them (in between, the share is scaled down linearly). Chosen on the
/// development lines of lingua's test files: nearly every sentence of a group's own languages
/// stays under the first, while text in other languages of the script (Swahili, Basque,
/// Kazakh…) often costs more. lingua has no other languages in the Arabic and Devanagari
/// scripts: their limits are the 99th percentile of their own languages' sentences and a
/// point above the costliest of them (the letters of these scripts cost more: vowel signs
/// and combining marks count as letters).
const FIT: &[(&str, f32, f32)] = &[
    ("latin", 175.0, 260.0),
    ("cyrillic", 190.0, 320.0),
    ("arabic", 570.0, 900.0),
    ("devanagari", 500.0, 900.0),
];
/// How much the document's language is favoured (table units) in [`detect_with`].
pub const PRIOR_UNITS: u32 = 160;
/// whatlang looks at most at this many bytes of a paragraph (cut at a character boundary).
pub const SAMPLE_BYTES: usize = 512;

/// Bytes aligned to a cache line.
#[repr(C, align(64))]
struct Aligned<B: ?Sized>(B);

/// The look-up tables of `models/lang.bin`, built by the build script (`build.rs`).
static TABLES: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/lang.tables")));
static MODEL: OnceLock<ngram::NgramModel<'static>> = OnceLock::new();

fn model() -> &'static ngram::NgramModel<'static> {
    MODEL.get_or_init(|| {
        // The embedded tables are checked by the unit tests; a build with broken tables
        // detects by script and whatlang alone rather than failing.
        ngram::NgramModel::from_built(&TABLES.0).unwrap_or_else(|_| ngram::NgramModel::empty())
    })
}

/// Reads the language tables' headers now rather than at the first detection (well under a
/// millisecond: the tables are built at compile time and read in place, and only the pages
/// that detection looks at are ever read). Detection works without calling it.
pub fn prepare() {
    model();
}

/// Options of [`detect_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DetectOptions<'a> {
    /// Only these languages may be answered (`None`: every language).
    pub allow: Option<&'a [Lang]>,
    /// The document's language. A paragraph whose letters fit it almost as well as the best
    /// language of the same script gets it: the prior that short lines need.
    pub prior: Option<Lang>,
}

/// Detects the language of `text`, using its precomputed script histogram.
pub fn detect(text: &str, hist: &ScriptHistogram) -> LangGuess {
    detect_with(text, hist, &DetectOptions::default())
}

/// A single token that is a URL, a domain or an e-mail address: no language to tell.
fn is_address(text: &str) -> bool {
    let t = text.trim();
    !t.contains(char::is_whitespace)
        && (t.contains("://")
            || t.starts_with("www.")
            || t.contains('@')
            || t.rsplit_once('.').is_some_and(|(host, tld)| {
                !host.is_empty()
                    && (2..=6).contains(&tld.len())
                    && tld.chars().all(|c| c.is_ascii_lowercase())
            }))
}

fn sample(text: &str) -> &str {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Detects the language of `text` with an allowlist and a document prior.
///
/// The script histogram decides first: Greek and the scripts of one language answer
/// directly. Latin, Cyrillic, Arabic and Devanagari letters are scored by the n-gram tables of
/// their group; Hebrew, Han, kana, Hangul and the rest go to whatlang.
pub fn detect_with(text: &str, hist: &ScriptHistogram, opts: &DetectOptions<'_>) -> LangGuess {
    score(text, hist, opts.allow).decide(opts)
}

/// The evidence for a paragraph's language before a decision: the per-language costs of its
/// script group, so that the decision can be made again under a document prior without
/// scoring the text twice.
#[derive(Debug, Clone)]
pub struct Detection {
    script: Option<ScriptClass>,
    evidence: Evidence,
}

// Nearly every detection is `Scored`: boxing the costs would add an allocation per paragraph.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Evidence {
    /// Decided without the n-gram tables (script, whatlang, or unknown).
    Fixed(LangGuess),
    /// Costs of the languages of n-gram group `group`, and whatlang's answer where the text
    /// fits none of them: a language of the script that the tables lack (Javanese, Uzbek…).
    Scored {
        group: usize,
        scored: ngram::Scored,
        outside: Option<LangGuess>,
    },
}

impl Detection {
    /// The decision under `opts` (its allowlist must be the one given to [`score`]).
    pub fn decide(&self, opts: &DetectOptions<'_>) -> LangGuess {
        let (group, s) = match &self.evidence {
            Evidence::Fixed(g) => return *g,
            Evidence::Scored { group, scored, .. } => (*group, scored),
        };
        let langs = &model().groups[group].langs;
        let mut costs = s.costs;
        if let Some(prior) = opts.prior
            && let Some(i) = langs.iter().position(|&l| l == prior)
        {
            costs[i] = costs[i].saturating_sub(PRIOR_UNITS);
        }
        self.decide_costs(&costs, opts.allow)
    }

    /// The decision on `costs`, the scored costs with what the context adds to or takes from
    /// each language (the fit is still the text's own).
    fn decide_costs(&self, costs: &[u32; ngram::MAX_GROUP], allow: Option<&[Lang]>) -> LangGuess {
        let (group, s) = match &self.evidence {
            Evidence::Fixed(g) => return *g,
            Evidence::Scored { group, scored, .. } => (*group, scored),
        };
        let allowed = |l: Lang| allow.is_none_or(|a| a.contains(&l));
        let langs = &model().groups[group].langs;
        let mut best = usize::MAX;
        let mut cost = u32::MAX;
        for (i, &c) in costs[..s.width].iter().enumerate() {
            if c < cost && (allow.is_none() || allowed(langs[i])) {
                best = i;
                cost = c;
            }
        }
        if best == usize::MAX {
            return LangGuess::unknown(self.script);
        }
        // Languages more than 24 temperatures behind add less than 1e-10: skip them.
        let weights = behind_weights();
        let total: f32 = (0..s.width)
            .filter(|&i| allowed(langs[i]))
            .filter_map(|i| weights.get((costs[i] - cost) as usize))
            .sum();
        // The share among the group's languages says nothing of a text in none of them: the
        // leader's own cost per letter does. Beyond the costs that the group's languages reach
        // on their own text, confidence falls, and the text is unknown past the far end.
        let mut confidence = 1.0 / total;
        let raw = (0..s.width)
            .filter(|&i| allowed(langs[i]))
            .map(|i| s.costs[i])
            .min()
            .unwrap_or(u32::MAX);
        let fit = group_fit(group, raw, s.letters);
        if fit == 0.0 {
            return match &self.evidence {
                Evidence::Scored {
                    outside: Some(g), ..
                } => *g,
                _ => LangGuess::unknown(self.script),
            };
        }
        confidence *= fit;
        LangGuess {
            lang: Some(langs[best]),
            confidence,
            reliable: confidence >= RELIABLE && s.letters >= RELIABLE_LETTERS,
            script: self.script,
        }
    }
}

/// How well the best cost `raw` of `letters` letters fits group `group`'s languages: 1 for a
/// fit as good as their own text's, 0 for none (see [`FIT`]); 1 for fewer than
/// [`RELIABLE_LETTERS`] letters, too few to tell.
fn group_fit(group: usize, raw: u32, letters: u32) -> f32 {
    if letters < RELIABLE_LETTERS {
        return 1.0;
    }
    let name = model().groups[group].name;
    match FIT.iter().find(|f| f.0 == name) {
        Some(&(_, full, none)) => {
            ((none - raw as f32 / letters as f32) / (none - full)).clamp(0.0, 1.0)
        }
        None => 1.0,
    }
}

/// `exp(-d / TEMPERATURE)` for a language `d` units behind the best, for every `d` below 24
/// temperatures: the costs are integers, so the weights of a decision are looked up rather
/// than computed.
fn behind_weights() -> &'static [f32] {
    static WEIGHTS: OnceLock<Vec<f32>> = OnceLock::new();
    WEIGHTS.get_or_init(|| {
        (0..(24.0 * TEMPERATURE) as u32)
            .map(|d| (-(d as f32) / TEMPERATURE).exp())
            .collect()
    })
}

/// Gathers the evidence for `text`'s language (see [`detect_with`]); `allow` restricts the
/// languages that the script-only and whatlang paths may answer.
pub fn score(text: &str, hist: &ScriptHistogram, allow: Option<&[Lang]>) -> Detection {
    let script = hist.dominant();
    let fixed = |g: LangGuess| Detection {
        script,
        evidence: Evidence::Fixed(g),
    };
    if hist.total_letters() < MIN_LETTERS || is_address(text) {
        return fixed(LangGuess::unknown(script));
    }
    let group = match script {
        Some(ScriptClass::Latin) => "latin",
        Some(ScriptClass::Cyrillic) => "cyrillic",
        Some(ScriptClass::Greek) => {
            return fixed(if allow.is_none_or(|a| a.contains(&Lang::Ell)) {
                LangGuess {
                    lang: Some(Lang::Ell),
                    confidence: 1.0,
                    reliable: true,
                    script,
                }
            } else {
                LangGuess::unknown(script)
            });
        }
        _ => match whatlang::detect_script(sample(text)) {
            Some(whatlang::Script::Arabic) => "arabic",
            Some(whatlang::Script::Devanagari) => "devanagari",
            _ => return fixed(detect_whatlang(sample(text), script, allow)),
        },
    };
    let m = model();
    let Some(g) = m.groups.iter().position(|x| x.name == group) else {
        return fixed(detect_whatlang(sample(text), script, allow));
    };
    let mut scored = m.score(g, text, MAX_LETTERS, EARLY_LETTERS, EARLY_MARGIN);
    let langs = &m.groups[g].langs;
    if let Some(&(_, margin, bonus)) = SECOND_OPINION.iter().find(|s| s.0 == group) {
        second_opinion(text, &mut scored, langs, allow, margin, bonus);
    }
    let best = (0..scored.width)
        .map(|i| scored.costs[i])
        .min()
        .unwrap_or(u32::MAX);
    // Only text that fits none of the group's languages asks whatlang, and only an answer
    // outside the group is taken from it.
    let outside = (group_fit(g, best, scored.letters) == 0.0)
        .then(|| detect_whatlang(sample(text), script, allow))
        .filter(|w| w.lang.is_some_and(|l| !langs.contains(&l)));
    Detection {
        script,
        evidence: Evidence::Scored {
            group: g,
            scored,
            outside,
        },
    }
}

/// Where whatlang is asked too: per n-gram group, the lead (table units) under which the
/// tables' decision between the two best languages is unsure, and how much whatlang's answer
/// is then favoured. The Devanagari tables (Hindi and Marathi) confuse the two languages on
/// sentences that lean on the words they share, where whatlang's trigrams tell them apart
/// better; together they are right more often than either (lingua's development lines).
const SECOND_OPINION: &[(&str, u32, u32)] = &[("devanagari", 400, 200)];

/// Favours whatlang's answer by `bonus` units when the best two allowed languages of `scored`
/// are less than `margin` units apart.
fn second_opinion(
    text: &str,
    scored: &mut ngram::Scored,
    langs: &[Lang],
    allow: Option<&[Lang]>,
    margin: u32,
    bonus: u32,
) {
    let allowed: Vec<Lang> = langs
        .iter()
        .copied()
        .filter(|l| allow.is_none_or(|a| a.contains(l)))
        .collect();
    let Some((_, best, second)) = scored.best_two(|i| allowed.contains(&langs[i])) else {
        return;
    };
    if second.saturating_sub(best) >= margin || allowed.len() < 2 {
        return;
    }
    let answer = whatlang::Detector::with_allowlist(allowed).detect_lang(sample(text));
    if let Some(i) = answer.and_then(|l| langs.iter().position(|&x| x == l)) {
        scored.costs[i] = scored.costs[i].saturating_sub(bonus);
    }
}

/// The languages of a document's paragraphs and of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentLanguage {
    /// One guess per paragraph, in order.
    pub(crate) paragraphs: Vec<LangGuess>,
    /// The document's language: the most letters among reliable guesses (unreliable ones
    /// count 1/64, so that they decide only when nothing is reliable).
    pub(crate) lang: Option<Lang>,
    /// Share of the document's letters in paragraphs of that language.
    pub(crate) share: f32,
}

impl DocumentLanguage {
    /// One guess per paragraph, in order.
    pub fn paragraphs(&self) -> &[LangGuess] {
        &self.paragraphs
    }

    /// The guesses, one per paragraph.
    pub fn into_paragraphs(self) -> Vec<LangGuess> {
        self.paragraphs
    }

    /// The document's language: the most letters among reliable guesses (unreliable ones
    /// count 1/64, so that they decide only when nothing is reliable).
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// Share of the document's letters in paragraphs of that language.
    pub fn share(&self) -> f32 {
        self.share
    }
}

/// Detects the language of every paragraph of a document, then of the document, then decides
/// the unclear paragraphs again with the languages of the whole document as prior (unless `opts.prior`
/// is already set, which then serves for every paragraph).
pub fn detect_document<'t>(
    paragraphs: impl IntoIterator<Item = (&'t str, &'t ScriptHistogram)>,
    opts: &DetectOptions<'_>,
) -> DocumentLanguage {
    let mut guesses = Vec::new();
    // Only the unclear paragraphs' detections are kept, and compactly.
    let mut unclear = context::Unclear::default();
    let mut letters = Vec::new();
    let mut votes: Vec<(Lang, u64)> = Vec::new();
    for (text, hist) in paragraphs {
        let detection = score(text, hist, opts.allow);
        let guess = detection.decide(opts);
        let n = hist.total_letters();
        if let Some(l) = guess.lang {
            let weight = if guess.reliable {
                n as u64 * 64
            } else {
                n as u64
            };
            match votes.iter_mut().find(|(x, _)| *x == l) {
                Some((_, c)) => *c += weight,
                None => votes.push((l, weight)),
            }
        }
        if opts.prior.is_none() {
            unclear.keep_if_unclear(guesses.len(), &detection, &guess, opts.allow);
        }
        guesses.push(guess);
        letters.push(n);
    }
    let lang = votes
        .iter()
        .max_by_key(|(l, c)| (*c, l.code()))
        .map(|&(l, _)| l);
    // Paragraphs too short to tell are decided again with the shares of the document's
    // languages as prior (see the `context` module).
    if opts.prior.is_none() {
        context::decide_in_mixture(&unclear, &mut guesses, opts.allow);
    }
    let total: u64 = letters.iter().map(|&n| n as u64).sum();
    let in_lang: u64 = guesses
        .iter()
        .zip(&letters)
        .filter(|(g, _)| lang.is_some() && g.lang == lang)
        .map(|(_, &n)| n as u64)
        .sum();
    DocumentLanguage {
        paragraphs: guesses,
        lang,
        share: if total > 0 {
            in_lang as f32 / total as f32
        } else {
            0.0
        },
    }
}

fn detect_whatlang(text: &str, script: Option<ScriptClass>, allow: Option<&[Lang]>) -> LangGuess {
    let info = match allow {
        None => whatlang::detect(text),
        Some(a) => whatlang::Detector::with_allowlist(a.to_vec()).detect(text),
    };
    // whatlang answers a script's only candidates (Mandarin or Japanese for Han, Korean for
    // Hangul) without consulting its allowlist.
    match info.filter(|i| allow.is_none_or(|a| a.contains(&i.lang()))) {
        Some(info) => LangGuess {
            lang: Some(info.lang()),
            confidence: info.confidence() as f32,
            reliable: info.is_reliable(),
            script,
        },
        None => LangGuess::unknown(script),
    }
}

/// Individual languages that whatlang names by their ISO 639-3 code and whose two-letter code
/// belongs to their macrolanguage: Iranian Persian is `fa` (Persian), Mandarin is `zh`
/// (Chinese).
const MACROLANGUAGE_639_1: &[(Lang, &str)] = &[(Lang::Pes, "fa"), (Lang::Cmn, "zh")];

/// ISO 639-1 code for a whatlang language, where one exists (through its macrolanguage for an
/// individual language that has none of its own).
pub fn iso639_1(lang: Lang) -> Option<&'static str> {
    if let Some(&(_, code)) = MACROLANGUAGE_639_1.iter().find(|(l, _)| *l == lang) {
        return Some(code);
    }
    isolang::Language::from_639_3(lang.code()).and_then(|l| l.to_639_1())
}

/// The language of an ISO 639-3 code (`"eng"`, `"pes"`) or 639-1 code (`"en"`, `"fa"`), in
/// any case; `None` for a code no supported language has.
pub fn lang_from_code(code: &str) -> Option<Lang> {
    let code = code.trim().to_ascii_lowercase();
    if let Some(l) = Lang::from_code(&code) {
        return Some(l);
    }
    if code.len() != 2 {
        return None;
    }
    Lang::all()
        .iter()
        .copied()
        .find(|&l| iso639_1(l) == Some(code.as_str()))
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

    fn lang_of(t: &str) -> Option<&'static str> {
        detect(t, &ScriptHistogram::of(t)).code()
    }

    #[test]
    fn short_boilerplate_lines() {
        for (t, want) in [
            ("Read more", "eng"),
            ("Skip to main content", "eng"),
            ("All rights reserved.", "eng"),
            ("Читайте также", "rus"),
            ("Подробнее", "rus"),
            ("Mehr lesen", "deu"),
            ("Lire la suite", "fra"),
            ("Leer más", "spa"),
            ("Καιρός σήμερα", "ell"),
        ] {
            assert_eq!(lang_of(t), Some(want), "{t:?}");
        }
    }

    #[test]
    fn addresses_and_numbers_are_unknown() {
        for t in [
            "https://example.com/a/b",
            "www.example.org",
            "news@example.com",
            "103news.com",
            "2025-06-18 14:03",
            "+7 (495) 123-45-67",
        ] {
            assert_eq!(lang_of(t), None, "{t:?}");
        }
    }

    #[test]
    fn allowlist_and_prior() {
        let t = "Leer más";
        let h = ScriptHistogram::of(t);
        let only = [Lang::Eng, Lang::Rus];
        let g = detect_with(
            t,
            &h,
            &DetectOptions {
                allow: Some(&only),
                prior: None,
            },
        );
        assert_eq!(g.lang, Some(Lang::Eng));
        let none = [Lang::Rus];
        let g = detect_with(
            t,
            &h,
            &DetectOptions {
                allow: Some(&none),
                prior: None,
            },
        );
        assert_eq!(g.lang, None);
        // A prior decides an ambiguous line, not a clear one.
        let clear = "Das ist ein ganz normaler deutscher Satz über das Wetter.";
        let g = detect_with(
            clear,
            &ScriptHistogram::of(clear),
            &DetectOptions {
                allow: None,
                prior: Some(Lang::Eng),
            },
        );
        assert_eq!(g.lang, Some(Lang::Deu));
        assert!(g.reliable);
    }

    #[test]
    fn allowlist_holds_on_the_whatlang_path() {
        let t = "代表团预计将于星期一抵达首都，官员们说会谈将在下周恢复。";
        let h = ScriptHistogram::of(t);
        assert_eq!(detect(t, &h).lang, Some(Lang::Cmn));
        for only in [&[Lang::Eng][..], &[Lang::Jpn, Lang::Kor]] {
            let opts = DetectOptions {
                allow: Some(only),
                prior: None,
            };
            let g = detect_with(t, &h, &opts);
            assert!(g.lang.is_none_or(|l| only.contains(&l)), "{g:?}");
        }
    }

    #[test]
    fn text_in_no_table_language_is_unsure() {
        // Icelandic and Somali: the Latin tables fit them badly, whatever language leads
        // (a language close to one of the tables, as Swahili is to Zulu, can still fit well).
        for t in [
            "Ríkisstjórnin tilkynnti að skólarnir yrðu opnaðir aftur í næstu viku eftir langt frí.",
            "Dowladdu waxay ku dhawaaqday in dugsiyada dib loo furi doono toddobaadka soo socda.",
        ] {
            let g = detect(t, &ScriptHistogram::of(t));
            assert!(g.lang.is_none() || g.confidence < 0.9, "{g:?}");
            assert!(!g.reliable);
        }
    }

    #[test]
    fn embedded_tables_load() {
        let m = model();
        let names: Vec<&str> = m.groups.iter().map(|g| g.name).collect();
        assert_eq!(names, ["arabic", "cyrillic", "devanagari", "latin"]);
        assert_eq!(m.groups[3].langs.len(), 33);
    }

    #[test]
    fn char_kinds_match_std() {
        for c in ('\0'..='\u{3100}').chain(['\u{1F600}', '𝔸', '中']) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
            let (mut a, mut b) = (String::new(), String::new());
            push_lower(&mut a, c);
            b.extend(c.to_lowercase());
            assert_eq!(a, b);
            let k = char_kind(c);
            assert_eq!(
                k & UPPER != 0,
                c.is_alphabetic() && c.is_uppercase(),
                "{c:?}"
            );
            assert_eq!(k & NUMERIC != 0, c.is_numeric(), "{c:?}");
            if c.is_alphabetic() {
                assert_eq!(k >> SCRIPT_SHIFT, ScriptClass::of(c) as u8, "{c:?}");
            }
        }
    }

    #[test]
    fn iso_codes() {
        assert_eq!(iso639_1(Lang::Eng), Some("en"));
        assert_eq!(iso639_1(Lang::Rus), Some("ru"));
        assert_eq!(iso639_1(Lang::Pes), Some("fa"));
        assert_eq!(iso639_1(Lang::Cmn), Some("zh"));
        assert_eq!(iso639_1(Lang::Cym), Some("cy"));
        // Every language whatlang knows has a two-letter code, and both codes lead back to it.
        for &l in Lang::all() {
            let two = iso639_1(l).unwrap_or_else(|| panic!("{l:?} has no ISO 639-1 code"));
            assert_eq!(lang_from_code(two), Some(l), "{two}");
            assert_eq!(lang_from_code(l.code()), Some(l), "{}", l.code());
            assert_eq!(lang_from_code(&two.to_ascii_uppercase()), Some(l), "{two}");
        }
        for bad in ["", "xx", "zzz", "english", "e"] {
            assert_eq!(lang_from_code(bad), None, "{bad:?}");
        }
    }
}
