//! Character n-gram tables (orders 1 to 4) per script group, and the scorer that ranks a
//! group's languages on a text.
//!
//! The tables live in `models/lang.bin`, built by `training/langmodel.rs` from the n-gram
//! probabilities that the `lingua` language-model crates publish (Apache-2.0). Each stored
//! n-gram has one byte per language of its group: the language's conditional log-probability
//! of the n-gram's last character given the ones before it, in steps of 1/20 nat, with the
//! language's own back-off (shorter prefix, then a floor) already folded in. The build script
//! turns them into look-up tables (the `layout` module), where every n-gram also has its sum:
//! its row plus its prefixes' rows; the program reads those in place. Scoring a text is then,
//! for every position of every word, a look-up of the longest stored n-gram starting there
//! (from order 4 down) and the addition of its sum, plus its row once per longer order that
//! backs off to it: no per-language loop over a profile, whatever the number of languages.

use std::collections::HashMap;

use whatlang::Lang;

use crate::error::Error;
use crate::hash::prefetch;

pub(crate) use super::layout::fold;
use super::layout::{self, DIRECT_BI, GroupBytes, NONE, pack};
pub use super::tables_file::{GroupData, TablesData};

/// Highest n-gram order stored.
pub const MAX_ORDER: usize = layout::MAX_ORDER;
/// Quantization: table bytes are `-ln p × SCALE`, clamped to 255.
pub const SCALE: f32 = 20.0;
/// The most languages a group may hold.
pub const MAX_GROUP: usize = layout::MAX_GROUP;

impl TablesData {
    /// The file `models/lang.bin` holds: the crate's container around the bincode of the tables.
    ///
    /// # Errors
    /// [`Error::CorruptModel`] when the tables cannot be encoded.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        self.encode().map_err(|e| corrupt(&e.to_string()))
    }

    /// Parses and checks bytes written by [`TablesData::to_bytes`].
    ///
    /// # Errors
    /// [`Error::CorruptModel`] naming what is wrong with them.
    pub fn from_bytes(bytes: &[u8]) -> Result<TablesData, Error> {
        TablesData::decode(bytes).map_err(|e| corrupt(&e.to_string()))
    }
}

fn corrupt(why: &str) -> Error {
    Error::CorruptModel(format!("language tables: {why}"))
}

/// Marks a letter the tables do not know (stored as id 0).
const UNKNOWN: u16 = 0x8000;

/// Reads the little-endian `u32` at index `i` of `b`.
#[inline]
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(4 * i..4 * i + 4)?.try_into().ok()?,
    ))
}

/// Dense ids for the letters a group's tables know, most frequent first; 0 is "unknown
/// letter".
struct CharIds<'a> {
    /// `u16` per character below [`layout::DIRECT`].
    direct: &'a [u8],
    other: HashMap<char, u16>,
}

impl CharIds<'_> {
    #[inline]
    fn get(&self, c: char) -> u16 {
        let i = c as usize;
        match self.direct.get(2 * i..2 * i + 2) {
            Some(b) => u16::from_le_bytes([b[0], b[1]]),
            None => self.other.get(&c).copied().unwrap_or(0),
        }
    }
}

/// One group's languages, and its look-up tables.
pub(crate) struct Group<'a> {
    pub name: &'a str,
    pub langs: Vec<Lang>,
    tables: Tables<'a>,
}

/// A group's look-up structures (see the `layout` module), read in place. Every n-gram has its
/// row (the languages' costs of its last letter) and its sum: its row plus the rows of its
/// shorter prefixes, which is what the n-grams of orders 1 to its length starting at one
/// position cost together.
struct Tables<'a> {
    /// Unique to these tables in the process: the key of their per-thread word cache.
    id: u64,
    ids: CharIds<'a>,
    /// Entry (`u32`) of each letter's unigram, by id.
    uni: &'a [u8],
    /// Entry (`u32`) of each bigram of two letters with ids below [`DIRECT_BI`].
    bi: &'a [u8],
    /// The other n-grams, with their sums.
    table: LongTable<'a>,
    /// One row of `width` bytes per unigram and per bigram of `bi`, back to back.
    rows: &'a [u8],
    /// Their sums, `width` little-endian `u16` each.
    sums: &'a [u8],
    width: usize,
    floor_row: Vec<u8>,
}

/// The sum of a stored n-gram, and its row when the tables keep it (see [`LongTable`]).
#[derive(Clone, Copy)]
struct Found<'t> {
    row: Option<&'t [u8]>,
    /// `width` little-endian `u16`.
    sum: &'t [u8],
}

/// Adds a stored sum to `acc`.
#[inline]
fn add_sum(acc: &mut [u16], sum: &[u8]) {
    for (c, v) in acc.iter_mut().zip(sum.chunks_exact(2)) {
        *c += u16::from_le_bytes([v[0], v[1]]);
    }
}

impl<'a> Tables<'a> {
    fn new(g: &GroupBytes<'a>) -> Tables<'a> {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Tables {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ids: CharIds {
                direct: g.direct,
                other: g.other.iter().copied().collect(),
            },
            uni: g.uni,
            bi: g.bi,
            table: LongTable {
                n: g.slots,
                slots: g.table,
                width: g.width,
                stride: g.stride,
            },
            rows: g.rows,
            sums: g.sums,
            width: g.width,
            floor_row: vec![g.floor; g.width],
        }
    }

    /// The n-gram `ids`, if the tables hold it (and all its prefixes).
    #[inline]
    fn lookup(&self, ids: &[u16]) -> Option<Found<'_>> {
        let r = match *ids {
            [a] => u32_at(self.uni, a as usize),
            [a, b] if (a as usize) < DIRECT_BI && (b as usize) < DIRECT_BI => {
                u32_at(self.bi, a as usize * DIRECT_BI + b as usize)
            }
            _ => {
                return self
                    .table
                    .get(pack(ids))
                    .map(|sum| Found { row: None, sum });
            }
        };
        let r = r.filter(|&r| r != NONE)? as usize;
        let w = self.width;
        Some(Found {
            row: Some(self.rows.get(r * w..(r + 1) * w)?),
            sum: self.sums.get(2 * r * w..2 * (r + 1) * w)?,
        })
    }

    /// Starts loading the slot of the n-gram `ids` if it lives in the [`LongTable`].
    #[inline]
    fn prefetch(&self, ids: &[u16]) {
        if ids.len() > 2 {
            self.table.prefetch(pack(ids));
        }
    }

    /// The row of the stored n-gram `ids`, found as `f`: its own, or its sum minus its
    /// prefix's sum (in `buf`) for an n-gram of the [`LongTable`].
    #[inline]
    fn row_of<'t>(&'t self, ids: &[u16], f: Found<'t>, buf: &'t mut [u8; MAX_GROUP]) -> &'t [u8] {
        if let Some(row) = f.row {
            return row;
        }
        // Every stored n-gram's prefix is stored (the build leaves out the others).
        let Some(prefix) = self.lookup(&ids[..ids.len() - 1]) else {
            return &self.floor_row;
        };
        let w = self.width;
        for ((r, s), p) in buf[..w]
            .iter_mut()
            .zip(f.sum.chunks_exact(2))
            .zip(prefix.sum.chunks_exact(2))
        {
            let d = u16::from_le_bytes([s[0], s[1]]).wrapping_sub(u16::from_le_bytes([p[0], p[1]]));
            *r = d as u8;
        }
        &buf[..w]
    }
}

/// The open-addressing table of the longer n-grams, each slot a key followed by the n-gram's
/// sum: the look-up that finds the key has loaded the sum with it. Rows are not stored: an
/// n-gram's row is its sum minus its prefix's sum, and scoring needs it only at the few
/// positions where a longer n-gram is missing, so the slots stay a third smaller than with
/// rows, and more of the table stays in the caches.
struct LongTable<'a> {
    /// Number of slots; at least one is empty.
    n: usize,
    /// Per slot: the packed n-gram (8 bytes, little-endian; 0 for an empty slot, which
    /// [`pack`] never gives) and the sum (`width` little-endian `u16`), padded to 8 bytes.
    slots: &'a [u8],
    width: usize,
    stride: usize,
}

impl LongTable<'_> {
    /// Asks the processor to start loading `key`'s first slot, so that the look-ups of a
    /// word's positions wait for memory together rather than one after another.
    #[inline]
    fn prefetch(&self, key: u64) {
        if let Some(p) = self
            .slots
            .get(layout::first_slot(key, self.n) * self.stride)
        {
            prefetch(p);
        }
    }

    #[inline]
    fn get(&self, key: u64) -> Option<&[u8]> {
        let i = layout::probe(self.slots, self.n, self.stride, key).ok()?;
        let at = i * self.stride + 8;
        Some(&self.slots[at..at + 2 * self.width])
    }
}

/// All groups, ready to score.
pub(crate) struct NgramModel<'a> {
    pub groups: Vec<Group<'a>>,
}

/// Builds the look-up tables of `data` in the layout that [`NgramModel::from_built`] reads
/// (the build script does the same for the embedded tables). Languages this build does not
/// know are left out of their group (their rows are dropped).
#[cfg(test)]
pub(crate) fn build(data: &TablesData) -> Result<Vec<u8>, Error> {
    let groups: Vec<(layout::Source<'_>, Vec<usize>)> = data
        .groups
        .iter()
        .map(|g| {
            let keep = g
                .langs
                .iter()
                .enumerate()
                .filter(|(_, code)| Lang::from_code(code.as_str()).is_some())
                .map(|(i, _)| i)
                .collect();
            (g.source(), keep)
        })
        .collect();
    layout::build(&groups).map_err(|e| corrupt(&e))
}

/// Costs of one group's languages on a text: the sum, over every n-gram of every word, of
/// each language's quantized negative log-probability.
#[derive(Debug, Clone)]
pub struct Scored {
    /// Cost per language of the group (the first `width` entries).
    pub costs: [u32; MAX_GROUP],
    /// Languages in the group.
    pub width: usize,
    /// Letters scored.
    pub letters: u32,
}

impl Scored {
    /// (best index, best cost, second-best cost) over the languages `allowed` accepts.
    pub fn best_two(&self, allowed: impl Fn(usize) -> bool) -> Option<(usize, u32, u32)> {
        let mut best: Option<(usize, u32)> = None;
        let mut second = u32::MAX;
        for i in 0..self.width {
            if !allowed(i) {
                continue;
            }
            let c = self.costs[i];
            match best {
                Some((_, b)) if c >= b => second = second.min(c),
                Some((_, b)) => {
                    second = b;
                    best = Some((i, c));
                }
                None => best = Some((i, c)),
            }
        }
        best.map(|(i, c)| (i, c, second))
    }
}

/// Words of at most this many letters have their costs remembered, per thread and group
/// tables.
const CACHED_LETTERS: usize = 12;
/// Remembered words per thread and group (direct-mapped; a power of two).
const CACHE_SLOTS: usize = 8192;

/// A remembered word: its letter ids and its costs.
#[derive(Clone)]
struct CachedWord {
    /// 0 for an empty slot (no word is empty).
    len: u8,
    word: [u16; CACHED_LETTERS],
    acc: [u16; MAX_GROUP],
}

impl Default for CachedWord {
    fn default() -> Self {
        CachedWord {
            len: 0,
            word: [0; CACHED_LETTERS],
            acc: [0; MAX_GROUP],
        }
    }
}

/// Word caches kept per thread (one per group's tables in use).
const MAX_CACHES: usize = 8;

thread_local! {
    /// Per group's tables (by [`Tables::id`]): the costs of recently scored short words.
    static WORD_COSTS: std::cell::RefCell<Vec<(u64, Vec<CachedWord>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl<'a> NgramModel<'a> {
    /// The groups of tables built in the `layout` module's layout (by the build script, or
    /// `build` in the tests), read in place.
    pub fn from_built(bytes: &'a [u8]) -> Result<NgramModel<'a>, Error> {
        let groups = layout::parse(bytes)
            .map_err(|e| corrupt(&e))?
            .iter()
            .map(|g| {
                let langs = g
                    .langs
                    .iter()
                    .map(|code| {
                        Lang::from_code(*code)
                            .ok_or_else(|| corrupt(&format!("unknown language {code:?}")))
                    })
                    .collect::<Result<Vec<Lang>, Error>>()?;
                Ok(Group {
                    name: g.name,
                    langs,
                    tables: Tables::new(g),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(NgramModel { groups })
    }

    /// No groups: every script goes to whatlang.
    pub fn empty() -> NgramModel<'static> {
        NgramModel { groups: Vec::new() }
    }

    /// Scores `text` against group `g`: at most `max_letters` letters, stopping early after
    /// `early_letters` letters once the leader is `early_margin` units ahead.
    pub fn score(
        &self,
        g: usize,
        text: &str,
        max_letters: u32,
        early_letters: u32,
        early_margin: u32,
    ) -> Scored {
        let group = &self.groups[g];
        let width = group.langs.len();
        let group = &group.tables;
        WORD_COSTS.with_borrow_mut(|caches| {
            let at = match caches.iter().position(|(id, _)| *id == group.id) {
                Some(at) => at,
                None => {
                    if caches.len() == MAX_CACHES {
                        caches.remove(0);
                    }
                    caches.push((group.id, vec![CachedWord::default(); CACHE_SLOTS]));
                    caches.len() - 1
                }
            };
            let cache = &mut caches[at].1;
            Self::score_with(
                group,
                width,
                cache,
                text,
                max_letters,
                early_letters,
                early_margin,
            )
        })
    }

    fn score_with(
        group: &Tables,
        width: usize,
        cache: &mut [CachedWord],
        text: &str,
        max_letters: u32,
        early_letters: u32,
        early_margin: u32,
    ) -> Scored {
        let mut costs = [0u32; MAX_GROUP];
        let mut word = [0u16; 64];
        let mut len = 0usize;
        let mut letters = 0u32;
        let mut flush = |word: &[u16], costs: &mut [u32; MAX_GROUP]| {
            // A word's costs depend on its letters alone: short words, the most frequent ones,
            // are remembered.
            let slot = (word.len() <= CACHED_LETTERS).then(|| {
                let h = word.iter().fold(word.len() as u64, |h, &id| {
                    (h ^ id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                });
                (h >> (64 - CACHE_SLOTS.ilog2())) as usize
            });
            if let Some(slot) = slot {
                let c = &cache[slot];
                if c.len as usize == word.len() && c.word[..word.len()] == *word {
                    for (c, &a) in costs[..width].iter_mut().zip(&c.acc[..width]) {
                        *c += a as u32;
                    }
                    return;
                }
            }
            // A word has at most 64 letters, 4 orders each, of at most 255: its sum fits u16,
            // and adding bytes to u16 lanes is half the work of u32 lanes.
            let mut acc = [0u16; MAX_GROUP];
            let acc_w = &mut acc[..width];
            // The longest n-gram at each position is the one found nearly always: its slot
            // is requested for every position first.
            for i in 0..word.len().saturating_sub(2) {
                group.prefetch(&word[i..i + MAX_ORDER.min(word.len() - i)]);
            }
            for i in 0..word.len() {
                // The n-grams of orders 1 to `m` starting here cost the sum of the longest one
                // stored, plus its row once for each longer order (which backs off to it).
                // Every stored n-gram's prefixes are stored, so the longest one found from
                // the top is where a walk up the orders would stop.
                let m = MAX_ORDER.min(word.len() - i);
                let mut k = m;
                let found = loop {
                    if k == 0 {
                        break None;
                    }
                    if let Some(f) = group.lookup(&word[i..i + k]) {
                        break Some(f);
                    }
                    k -= 1;
                };
                let mut buf = [0u8; MAX_GROUP];
                let (row, times) = match found {
                    Some(f) => {
                        add_sum(acc_w, f.sum);
                        if k == m {
                            continue;
                        }
                        (group.row_of(&word[i..i + k], f, &mut buf), m - k)
                    }
                    None => (&group.floor_row[..], m),
                };
                for _ in 0..times {
                    for (c, &v) in acc_w.iter_mut().zip(row) {
                        *c += v as u16;
                    }
                }
            }
            for (c, &a) in costs[..width].iter_mut().zip(&acc[..width]) {
                *c += a as u32;
            }
            if let Some(slot) = slot {
                let c = &mut cache[slot];
                c.len = word.len() as u8;
                c.word[..word.len()].copy_from_slice(word);
                c.acc = acc;
            }
        };
        for c in text.chars() {
            // Letters of the tables (either case) have an id; other letters get 0.
            let mut id = group.ids.get(c);
            if id == 0 && super::is_letter(c) {
                id = group.ids.get(fold(c));
                if id == 0 {
                    id = UNKNOWN;
                }
            }
            if id != 0 {
                letters += 1;
                if len < word.len() {
                    word[len] = id & !UNKNOWN;
                    len += 1;
                }
            } else if len > 0 {
                flush(&word[..len], &mut costs);
                len = 0;
                if letters >= max_letters {
                    break;
                }
                if letters >= early_letters && width > 1 {
                    let s = Scored {
                        costs,
                        width,
                        letters,
                    };
                    if let Some((_, b, second)) = s.best_two(|_| true)
                        && second - b >= early_margin
                    {
                        return s;
                    }
                }
            }
        }
        if len > 0 {
            flush(&word[..len], &mut costs);
        }
        Scored {
            costs,
            width,
            letters,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> TablesData {
        // Two languages: "x" likes "ab", "y" likes "ba".
        TablesData {
            source: "test".into(),
            groups: vec![GroupData {
                name: "latin".into(),
                langs: vec!["eng".into(), "deu".into()],
                ngrams: vec!["a".into(), "ab".into(), "b".into(), "ba".into()],
                rows: vec![20, 20, 10, 60, 20, 20, 60, 10],
                floor: 240,
            }],
        }
    }

    #[test]
    fn round_trip_and_checks() {
        let t = tiny();
        let bytes = t.to_bytes().unwrap();
        assert_eq!(TablesData::from_bytes(&bytes).unwrap(), t);
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(
            TablesData::from_bytes(&bad),
            Err(Error::CorruptModel(_))
        ));
        assert!(TablesData::from_bytes(&bytes[..10]).is_err());
        // A file cut short fails its checksum.
        let cut = TablesData::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err();
        assert!(cut.to_string().contains("checksum mismatch"), "{cut}");
    }

    /// The shipped file is exactly what `to_bytes` writes for the tables it holds.
    #[test]
    fn shipped_tables_are_what_to_bytes_writes() {
        let shipped: &[u8] = include_bytes!("../../models/lang.bin");
        let data = TablesData::from_bytes(shipped).unwrap();
        assert_eq!(data.to_bytes().unwrap(), shipped);
    }

    /// The tables the build script embeds are those the crate builds from the shipped file.
    #[test]
    fn embedded_tables_are_built_from_the_shipped_file() {
        let shipped: &[u8] = include_bytes!("../../models/lang.bin");
        let data = TablesData::from_bytes(shipped).unwrap();
        let embedded: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lang.tables"));
        assert!(build(&data).unwrap() == embedded);
        let m = NgramModel::from_built(embedded).unwrap();
        let widths: Vec<usize> = m.groups.iter().map(|g| g.langs.len()).collect();
        let columns: Vec<usize> = data.groups.iter().map(|g| g.langs.len()).collect();
        assert_eq!(widths, columns, "every language is known to this build");
    }

    #[test]
    fn scores_follow_the_tables() {
        let t = tiny();
        let built = build(&t).unwrap();
        let m = NgramModel::from_built(&built).unwrap();
        let s = m.score(0, "ab ab", 100, 100, 0);
        // Per word: a (20) + ab (10|60) + b (20): eng 50, deu 100.
        assert_eq!(&s.costs[..2], &[100, 200]);
        let s = m.score(0, "ba, BA!", 100, 100, 0);
        assert!(s.costs[1] < s.costs[0]);
        // Unknown letters cost the floor in every language.
        let s = m.score(0, "zz", 100, 100, 0);
        // "z", "zz" (backing off to the floor) and "z" again.
        assert_eq!(&s.costs[..2], &[720, 720]);
        assert_eq!(s.letters, 2);
    }

    #[test]
    fn unknown_languages_are_left_out_of_the_tables() {
        // A column for a code this build does not know is dropped: the scores are those of
        // the same tables without it.
        let t = tiny();
        let mut wide = tiny();
        let g = &mut wide.groups[0];
        g.langs.insert(1, "qqq".into());
        g.rows = g.rows.chunks(2).flat_map(|r| [r[0], 99, r[1]]).collect();
        let (x, y) = (build(&t).unwrap(), build(&wide).unwrap());
        let (a, b) = (
            NgramModel::from_built(&x).unwrap(),
            NgramModel::from_built(&y).unwrap(),
        );
        assert_eq!(b.groups[0].langs.len(), 2);
        for text in ["ab ab", "ba, BA!", "zz", "abba"] {
            let (x, y) = (a.score(0, text, 100, 100, 0), b.score(0, text, 100, 100, 0));
            assert_eq!(x.costs[..2], y.costs[..2], "{text}");
            assert_eq!(x.letters, y.letters);
        }
    }

    #[test]
    fn long_ngrams_back_off_to_their_prefix_rows() {
        // "abc" lives in the long table, which keeps sums only: where "abca" is missing, the
        // 4th order costs the row of "abc", recovered as its sum minus the sum of "ab".
        let t = TablesData {
            source: "test".into(),
            groups: vec![GroupData {
                name: "latin".into(),
                langs: vec!["eng".into(), "deu".into()],
                ngrams: vec![
                    "a".into(),
                    "b".into(),
                    "c".into(),
                    "ab".into(),
                    "abc".into(),
                ],
                rows: vec![20, 20, 20, 20, 30, 40, 10, 60, 5, 50],
                floor: 240,
            }],
        };
        let built = build(&t).unwrap();
        let m = NgramModel::from_built(&built).unwrap();
        // a|b|c|a at positions 0..4 of "abca":
        //   0: abc's sum (5+10+20 | 50+60+20) + abc's row (5 | 50)   = 40 | 180
        //   1: b's sum + twice b's row ("bc", "bca" missing)          = 60 | 60
        //   2: c's sum + c's row ("ca" missing)                        = 60 | 80
        //   3: a                                                       = 20 | 20
        let s = m.score(0, "abca", 100, 100, 0);
        assert_eq!(&s.costs[..2], &[180, 340]);
        // Once more from the word cache.
        let s = m.score(0, "abca abca", 100, 100, 0);
        assert_eq!(&s.costs[..2], &[360, 680]);
    }

    #[test]
    fn remembered_words_cost_the_same() {
        let t = tiny();
        let built = build(&t).unwrap();
        let m = NgramModel::from_built(&built).unwrap();
        let text = "ab ba abba ab ba baab abababababab";
        let first = m.score(0, text, 1000, 1000, 0);
        // The second time the short words come from this thread's cache.
        let again = m.score(0, text, 1000, 1000, 0);
        let fresh = std::thread::scope(|s| s.spawn(|| m.score(0, text, 1000, 1000, 0)).join());
        let fresh = fresh.unwrap();
        assert_eq!(first.costs, again.costs);
        assert_eq!(first.costs, fresh.costs);
        // Other tables on the same thread have caches of their own.
        let mut other = tiny();
        other.groups[0].rows = vec![30, 30, 30, 30, 30, 30, 30, 30];
        let other = build(&other).unwrap();
        let o = NgramModel::from_built(&other)
            .unwrap()
            .score(0, "ab", 1000, 1000, 0);
        assert_eq!(&o.costs[..2], &[90, 90]);
        // Per word: "ab" 50 | 100; "ba" 100 | 50 (see above).
        let s = m.score(0, "ab ab ab", 1000, 1000, 0);
        assert_eq!(&s.costs[..2], &[150, 300]);
    }
}
