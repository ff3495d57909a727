//! The byte layout of the language detector's look-up tables, and their builder.
//!
//! The build script builds the tables of `models/lang.bin` once, with [`build`], and the crate
//! embeds the result and reads it in place with [`parse`]: a start of the program costs no
//! building, and no memory of its own for the tables. Only the pages a run looks at are read,
//! from the program's file. The module needs nothing but `std`, so that the build script can
//! compile it as it is.
//!
//! The file: [`MAGIC`], [`VERSION`] (`u32`), the number of groups (`u32`), then each group at
//! an offset that is a multiple of 64: a header of [`HEADER_FIELDS`] little-endian `u64`
//! ([`Header`]), then its sections, each starting at a multiple of 64 (see [`GroupBytes`]).
//! Integers are little-endian throughout.

use std::collections::HashMap;

/// Highest n-gram order stored.
pub const MAX_ORDER: usize = 4;
/// The most languages a group may hold.
pub const MAX_GROUP: usize = 48;
/// Characters below this code point get their id from a flat array.
pub const DIRECT: usize = 0x3000;
/// Bigrams of the first `DIRECT_BI` letters of a group (the most frequent ones) are found in
/// a flat array rather than the hash table.
pub const DIRECT_BI: usize = 128;
/// No row.
pub const NONE: u32 = u32::MAX;
/// Magic bytes of built tables.
pub const MAGIC: &[u8; 8] = b"PSLANGTB";
/// Version of the layout.
pub const VERSION: u32 = 1;
/// Sections start at multiples of this many bytes (a cache line).
const ALIGN: usize = 64;
/// Fields of a group's header.
const HEADER_FIELDS: usize = 14;

/// A group's n-grams as `models/lang.bin` stores them (see `GroupData` in the `tables_file`
/// module).
#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
pub struct Source<'a> {
    pub name: &'a str,
    /// Codes of the languages, in column order.
    pub langs: Vec<&'a str>,
    /// The n-grams, most probable first.
    pub ngrams: Vec<&'a str>,
    /// `ngrams.len() × langs.len()` costs, n-gram major.
    pub rows: &'a [u8],
    pub floor: u8,
}

/// The key of an n-gram of letter ids in the table of longer n-grams.
#[inline]
pub fn pack(ids: &[u16]) -> u64 {
    // The high bit marks each position, so that an unknown letter (id 0) cannot make a
    // longer n-gram collide with a shorter one.
    ids.iter().fold(0u64, |k, &i| (k << 16) | 0x8000 | i as u64)
}

/// The lower-case form of a letter, as the tables store it.
#[inline]
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// The first slot of `key` in a table of `n` slots: a multiply-xorshift hash scaled to `n`.
#[inline]
pub fn first_slot(key: u64, n: usize) -> usize {
    let h = (key ^ (key >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let h = h ^ (h >> 32);
    ((h as u128 * n as u128) >> 64) as usize
}

/// Bytes of a slot of the table of longer n-grams, for `width` languages: the key (8 bytes)
/// and the sum (`width` `u16`), padded to 8 bytes.
pub fn stride(width: usize) -> usize {
    8 + (2 * width).div_ceil(8) * 8
}

/// Where `key` is in a table of `n` slots of `stride` bytes (see [`GroupBytes::table`]): `Ok`
/// with its slot, or `Err` with the empty slot where it would go. Linear probing from
/// [`first_slot`]; the table must have an empty slot.
#[inline]
pub fn probe(slots: &[u8], n: usize, stride: usize, key: u64) -> Result<usize, usize> {
    let mut i = first_slot(key, n);
    loop {
        let at = i * stride;
        let mut k = [0u8; 8];
        k.copy_from_slice(&slots[at..at + 8]);
        match u64::from_le_bytes(k) {
            k if k == key => return Ok(i),
            0 => return Err(i),
            _ => i = if i + 1 == n { 0 } else { i + 1 },
        }
    }
}

/// A group's header.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Header {
    /// Bytes of the group, header and sections.
    len: usize,
    width: usize,
    floor: u8,
    /// Slots of the table of longer n-grams, and how many hold one.
    slots: usize,
    long: usize,
    stride: usize,
    name: usize,
    /// Bytes of the language codes, joined by commas.
    langs: usize,
    /// Characters of [`DIRECT`] and above with an id.
    other: usize,
    /// Letters with an entry in `uni`.
    uni: usize,
    /// Rows (and sums) of the unigrams and of the bigrams of `bi`.
    rows: usize,
}

impl Header {
    #[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
    fn fields(&self) -> [u64; HEADER_FIELDS] {
        [
            self.len,
            self.width,
            self.floor as usize,
            self.slots,
            self.long,
            self.stride,
            self.name,
            self.langs,
            self.other,
            self.uni,
            self.rows,
            DIRECT,
            DIRECT_BI,
            MAX_ORDER,
        ]
        .map(|v| v as u64)
    }

    /// The sections' lengths in bytes, in file order: text (name, codes), direct ids, other
    /// ids, unigram entries, bigram entries, rows, sums, slots.
    fn sections(&self) -> [usize; 8] {
        // Saturating: a header read from a file may hold any sizes, and [`parse`] then finds
        // that they do not fit.
        let rows = self.rows.saturating_mul(self.width);
        [
            self.name.saturating_add(self.langs),
            2 * DIRECT,
            self.other.saturating_mul(8),
            self.uni.saturating_mul(4),
            4 * DIRECT_BI * DIRECT_BI,
            rows,
            rows.saturating_mul(2),
            self.slots.saturating_mul(self.stride),
        ]
    }
}

fn padded(n: usize) -> usize {
    n.next_multiple_of(ALIGN)
}

/// Bytes of the header of a group.
const HEADER_BYTES: usize = (8 * HEADER_FIELDS).next_multiple_of(ALIGN);

/// A group's tables, as [`parse`] finds them in the file.
#[derive(Debug, Clone)]
pub struct GroupBytes<'a> {
    pub name: &'a str,
    /// Codes of the languages, in column order.
    pub langs: Vec<&'a str>,
    pub width: usize,
    pub floor: u8,
    /// Letter ids of the characters below [`DIRECT`], `u16` each (0: not a letter of the
    /// tables).
    pub direct: &'a [u8],
    /// The characters above with an id.
    pub other: Vec<(char, u16)>,
    /// Entry (`u32`, [`NONE`] for none) of each letter's unigram, by id.
    pub uni: &'a [u8],
    /// Entry (`u32`) of each bigram of two ids below [`DIRECT_BI`].
    pub bi: &'a [u8],
    /// One row of `width` bytes per entry.
    pub rows: &'a [u8],
    /// One sum of `width` `u16` per entry.
    pub sums: &'a [u8],
    /// Number of slots of the table of longer n-grams.
    pub slots: usize,
    pub stride: usize,
    /// The slots: key (`u64`, 0 for an empty slot), then the sum.
    pub table: &'a [u8],
}

/// Builds the tables of `groups`, each with the columns `keep` of its languages, in order.
#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
pub fn build(groups: &[(Source<'_>, Vec<usize>)]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    let n = u32::try_from(groups.len()).map_err(|_| "too many groups".to_string())?;
    out.extend_from_slice(&n.to_le_bytes());
    out.resize(padded(out.len()), 0);
    for (src, keep) in groups {
        build_group(src, keep, &mut out).map_err(|e| format!("group {}: {e}", src.name))?;
    }
    Ok(out)
}

/// Dense ids for a group's letters, most frequent first; 0 is "unknown letter".
#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
struct CharIds {
    direct: Vec<u16>,
    other: HashMap<char, u16>,
    next: u32,
}

#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
impl CharIds {
    fn get(&self, c: char) -> u16 {
        match self.direct.get(c as usize) {
            Some(&id) => id,
            None => self.other.get(&c).copied().unwrap_or(0),
        }
    }

    fn intern(&mut self, c: char) -> Result<u16, String> {
        let known = self.get(c);
        if known != 0 {
            return Ok(known);
        }
        let id = u16::try_from(self.next)
            .ok()
            .filter(|&id| id < 0x8000)
            .ok_or("too many letters")?;
        self.next += 1;
        self.set(c, id);
        Ok(id)
    }

    fn set(&mut self, c: char, id: u16) {
        match self.direct.get_mut(c as usize) {
            Some(slot) => *slot = id,
            None => {
                self.other.insert(c, id);
            }
        }
    }
}

/// The table of longer n-grams while it is built: open addressing, at most two thirds full.
#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
struct LongTable {
    n: usize,
    len: usize,
    slots: Vec<u8>,
    width: usize,
    stride: usize,
}

#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
impl LongTable {
    fn with_capacity(n: usize, width: usize) -> LongTable {
        let n = n * 3 / 2 + 1;
        let stride = stride(width);
        LongTable {
            n,
            len: 0,
            slots: vec![0; n * stride],
            width,
            stride,
        }
    }

    fn key_at(&self, i: usize) -> u64 {
        let at = i * self.stride;
        u64::from_le_bytes(self.slots[at..at + 8].try_into().expect("8 bytes"))
    }

    fn sum_at(&self, i: usize) -> &[u8] {
        let at = i * self.stride + 8;
        &self.slots[at..at + 2 * self.width]
    }

    fn find(&self, key: u64) -> Result<usize, usize> {
        probe(&self.slots, self.n, self.stride, key)
    }

    fn get(&self, key: u64) -> Option<&[u8]> {
        self.find(key).ok().map(|i| self.sum_at(i))
    }

    /// Stores the sum of `key`, unless `key` is there already (the first stays).
    fn insert(&mut self, key: u64, sum: &[u8]) {
        if (self.len + 1) * 3 > self.n * 2 {
            let mut bigger = LongTable::with_capacity(self.n * 4 / 3, self.width);
            for i in 0..self.n {
                let k = self.key_at(i);
                if k != 0 {
                    bigger.insert(k, self.sum_at(i));
                }
            }
            *self = bigger;
        }
        if let Err(i) = self.find(key) {
            self.len += 1;
            let at = i * self.stride;
            self.slots[at..at + 8].copy_from_slice(&key.to_le_bytes());
            self.slots[at + 8..at + 8 + sum.len()].copy_from_slice(sum);
        }
    }
}

/// Whether the n-gram `ids` has an entry of its own (unigrams, and bigrams of frequent
/// letters) rather than a slot of the table of longer n-grams.
#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
fn short(ids: &[u16]) -> bool {
    match *ids {
        [_] => true,
        [a, b] => (a as usize) < DIRECT_BI && (b as usize) < DIRECT_BI,
        _ => false,
    }
}

/// Builds one group and appends it to `out` (whose length is a multiple of [`ALIGN`]).
///
/// Every n-gram gets its row (the languages' costs of its last letter) and its sum: its row
/// plus the rows of its shorter prefixes. Letters get ids in the order the n-grams list them
/// (most frequent first), so that frequent letters have small ids and frequent rows sit
/// together.
#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
fn build_group(src: &Source<'_>, keep: &[usize], out: &mut Vec<u8>) -> Result<(), String> {
    let all = src.langs.len();
    let w = keep.len();
    if all == 0 || src.rows.len() != src.ngrams.len() * all {
        return Err("inconsistent sizes".into());
    }
    if w == 0 || w > MAX_GROUP || keep.iter().any(|&k| k >= all) {
        return Err(format!("{w} columns kept of {all}"));
    }
    let mut ids = CharIds {
        direct: vec![0; DIRECT],
        other: HashMap::new(),
        next: 1,
    };
    // Letter ids first, so that the table of longer n-grams is made at its final size.
    let mut grams: Vec<([u16; MAX_ORDER], usize)> = Vec::with_capacity(src.ngrams.len());
    for ngram in &src.ngrams {
        let mut buf = [0u16; MAX_ORDER];
        let mut n = 0;
        for c in ngram.chars() {
            if n == MAX_ORDER {
                return Err(format!("n-gram {ngram:?} is too long"));
            }
            buf[n] = ids.intern(c)?;
            n += 1;
        }
        if n == 0 {
            return Err("empty n-gram".into());
        }
        grams.push((buf, n));
    }
    let long = grams.iter().filter(|(b, n)| !short(&b[..*n])).count();
    let mut table = LongTable::with_capacity(long, w);
    let mut uni: Vec<u32> = Vec::new();
    let mut bi = vec![NONE; DIRECT_BI * DIRECT_BI];
    let mut rows: Vec<u8> = Vec::with_capacity((grams.len() - long) * w);
    let mut sums: Vec<u8> = Vec::with_capacity((grams.len() - long) * w * 2);
    // The sum of a stored n-gram.
    let sum_of = |ids: &[u16], uni: &[u32], bi: &[u32], sums: &[u8], table: &LongTable| {
        let entry = match *ids {
            [a] => uni.get(a as usize).copied().unwrap_or(NONE),
            [a, b] if short(ids) => bi[a as usize * DIRECT_BI + b as usize],
            _ => return table.get(pack(ids)).map(<[u8]>::to_vec),
        };
        (entry != NONE).then(|| {
            let r = entry as usize;
            sums[2 * r * w..2 * (r + 1) * w].to_vec()
        })
    };
    let mut row = vec![0u8; w];
    // The sum as stored: `u16` values, little-endian.
    let mut sum = vec![0u8; 2 * w];
    // Shortest first, so that every n-gram's prefix is in place when its sum is made. An
    // n-gram whose prefix is missing is left out: scoring backs off at the prefix and never
    // reaches it.
    for order in 1..=MAX_ORDER {
        for (k, (buf, n)) in grams.iter().enumerate() {
            if *n != order {
                continue;
            }
            let ids = &buf[..order];
            let from = &src.rows[k * all..(k + 1) * all];
            for (r, &i) in row.iter_mut().zip(keep) {
                *r = from[i];
            }
            if order > 1 {
                let Some(prefix) = sum_of(&ids[..order - 1], &uni, &bi, &sums, &table) else {
                    continue;
                };
                for ((s, p), &r) in sum
                    .chunks_exact_mut(2)
                    .zip(prefix.chunks_exact(2))
                    .zip(&row)
                {
                    let v = u16::from_le_bytes([p[0], p[1]]) + r as u16;
                    s.copy_from_slice(&v.to_le_bytes());
                }
            } else {
                for (s, &r) in sum.chunks_exact_mut(2).zip(&row) {
                    s.copy_from_slice(&(r as u16).to_le_bytes());
                }
            }
            let entry = (rows.len() / w) as u32;
            match *ids {
                [a] => {
                    if uni.len() <= a as usize {
                        uni.resize(a as usize + 1, NONE);
                    }
                    uni[a as usize] = entry;
                }
                [a, b] if short(ids) => bi[a as usize * DIRECT_BI + b as usize] = entry,
                _ => {
                    table.insert(pack(ids), &sum);
                    continue;
                }
            }
            rows.extend_from_slice(&row);
            sums.extend_from_slice(&sum);
        }
    }
    // Upper-case forms share their letter's id, so that scoring folds case for free.
    let lower: Vec<(char, u16)> = (0..DIRECT as u32)
        .filter_map(char::from_u32)
        .map(|c| (c, ids.get(c)))
        .filter(|&(_, id)| id != 0)
        .chain(ids.other.iter().map(|(&c, &id)| (c, id)))
        .collect();
    for (c, id) in lower {
        let mut upper = c.to_uppercase();
        if let (Some(u), None) = (upper.next(), upper.next())
            && u != c
            && ids.get(u) == 0
            && fold(u) == c
        {
            ids.set(u, id);
        }
    }
    let mut other: Vec<(char, u16)> = ids.other.into_iter().collect();
    other.sort_unstable();

    let langs = keep
        .iter()
        .map(|&k| src.langs[k])
        .collect::<Vec<_>>()
        .join(",");
    let mut header = Header {
        len: 0,
        width: w,
        floor: src.floor,
        slots: table.n,
        long: table.len,
        stride: table.stride,
        name: src.name.len(),
        langs: langs.len(),
        other: other.len(),
        uni: uni.len(),
        rows: rows.len() / w,
    };
    header.len = HEADER_BYTES + header.sections().iter().map(|&s| padded(s)).sum::<usize>();
    let start = out.len();
    for v in header.fields() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let section = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.resize(padded(out.len()), 0);
        out.extend_from_slice(bytes);
    };
    section(out, format!("{}{langs}", src.name).as_bytes());
    section(out, &to_bytes(&ids.direct, u16::to_le_bytes));
    let other: Vec<[u8; 8]> = other
        .iter()
        .map(|&(c, id)| {
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&(c as u32).to_le_bytes());
            b[4..].copy_from_slice(&(id as u32).to_le_bytes());
            b
        })
        .collect();
    section(out, other.as_flattened());
    section(out, &to_bytes(&uni, u32::to_le_bytes));
    section(out, &to_bytes(&bi, u32::to_le_bytes));
    section(out, &rows);
    section(out, &sums);
    section(out, &table.slots);
    out.resize(padded(out.len()), 0);
    debug_assert_eq!(out.len() - start, header.len);
    Ok(())
}

#[cfg_attr(not(test), allow(dead_code))] // the crate builds tables in its tests only
fn to_bytes<T: Copy, const N: usize>(values: &[T], f: fn(T) -> [u8; N]) -> Vec<u8> {
    values.iter().flat_map(|&v| f(v)).collect()
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Reads tables written by [`build`], in place. Checks every size and every row entry, so that
/// no look-up in them can reach outside the file; the slots' keys and sums are taken as they
/// are (the file is the build's own).
pub fn parse(bytes: &[u8]) -> Result<Vec<GroupBytes<'_>>, String> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err("bad magic bytes".into());
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(format!(
            "layout version {version}, this build reads {VERSION}"
        ));
    }
    let n = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
    let mut at = padded(16);
    let mut groups = Vec::with_capacity(n.min(64));
    for g in 0..n {
        let group = parse_group(bytes, at).map_err(|e| format!("group {g}: {e}"))?;
        at += group.1;
        groups.push(group.0);
    }
    if at != bytes.len() {
        return Err(format!(
            "{} bytes after the last group",
            bytes.len() as i64 - at as i64
        ));
    }
    Ok(groups)
}

/// The group at `at`, and its length.
fn parse_group(bytes: &[u8], at: usize) -> Result<(GroupBytes<'_>, usize), String> {
    let mut f = [0usize; HEADER_FIELDS];
    for (i, v) in f.iter_mut().enumerate() {
        let x = u64_at(bytes, at + 8 * i).ok_or("cut short")?;
        *v = usize::try_from(x).map_err(|_| "a size out of range")?;
    }
    let h = Header {
        len: f[0],
        width: f[1],
        floor: u8::try_from(f[2]).map_err(|_| "floor out of range")?,
        slots: f[3],
        long: f[4],
        stride: f[5],
        name: f[6],
        langs: f[7],
        other: f[8],
        uni: f[9],
        rows: f[10],
    };
    if [f[11], f[12], f[13]] != [DIRECT, DIRECT_BI, MAX_ORDER] {
        return Err("built with other constants".into());
    }
    if h.width == 0 || h.width > MAX_GROUP || h.stride != stride(h.width) {
        return Err(format!(
            "{} languages, slots of {} bytes",
            h.width, h.stride
        ));
    }
    // A look-up of a missing key stops at an empty slot.
    if h.long >= h.slots {
        return Err(format!("{} n-grams in {} slots", h.long, h.slots));
    }
    let lens = h.sections();
    let total = lens
        .iter()
        .try_fold(HEADER_BYTES, |t, &s| {
            s.checked_next_multiple_of(ALIGN)?.checked_add(t)
        })
        .ok_or("a size out of range")?;
    if total != h.len || at.checked_add(total).is_none_or(|end| end > bytes.len()) {
        return Err(format!("{} bytes announced, {total} needed", h.len));
    }
    let mut next = at + HEADER_BYTES;
    let mut section = |len: usize| {
        let s = &bytes[next..next + len];
        next += padded(len);
        s
    };
    let [text, direct, other, uni, bi, rows, sums, table] = lens.map(&mut section);
    let text = std::str::from_utf8(text).map_err(|_| "names are not UTF-8")?;
    let (name, langs) = text
        .split_at_checked(h.name)
        .ok_or("names cut inside a character")?;
    let langs: Vec<&str> = langs.split(',').collect();
    if langs.len() != h.width {
        return Err(format!(
            "{} languages named, {} columns",
            langs.len(),
            h.width
        ));
    }
    let other = other
        .chunks_exact(8)
        .map(|b| {
            let c = u32::from_le_bytes(b[..4].try_into().expect("4 bytes"));
            let id = u32::from_le_bytes(b[4..].try_into().expect("4 bytes"));
            match (char::from_u32(c), u16::try_from(id)) {
                (Some(c), Ok(id)) => Ok((c, id)),
                _ => Err(format!("bad letter {c:#x} with id {id}")),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let entries = uni.chunks_exact(4).chain(bi.chunks_exact(4));
    if let Some(bad) = entries
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
        .find(|&e| e != NONE && e as usize >= h.rows)
    {
        return Err(format!("entry {bad} of {} rows", h.rows));
    }
    let group = GroupBytes {
        name,
        langs,
        width: h.width,
        floor: h.floor,
        direct,
        other,
        uni,
        bi,
        rows,
        sums,
        slots: h.slots,
        stride: h.stride,
        table,
    };
    Ok((group, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vec<u8> {
        let src = Source {
            name: "latin",
            langs: vec!["eng", "deu", "fra"],
            ngrams: vec!["a", "ab", "b", "abc", "é"],
            rows: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            floor: 200,
        };
        build(&[(src, vec![0, 2])]).unwrap()
    }

    #[test]
    fn built_tables_read_back() {
        let bytes = tiny();
        assert_eq!(bytes.len() % ALIGN, 0);
        let groups = parse(&bytes).unwrap();
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!((g.name, g.width, g.floor), ("latin", 2, 200));
        assert_eq!(g.langs, ["eng", "fra"]);
        // a, b, é and ab have rows of their own; abc has a slot.
        assert_eq!(g.rows.len(), 4 * 2);
        assert_eq!(g.sums.len(), 4 * 2 * 2);
        assert_eq!(g.table.len(), g.slots * g.stride);
        let occupied = g.table.chunks_exact(g.stride).filter(|s| s[..8] != [0; 8]);
        assert_eq!(occupied.count(), 1);
        // Upper-case forms share their letter's id.
        let id = |c: char| {
            let i = 2 * c as usize;
            u16::from_le_bytes([g.direct[i], g.direct[i + 1]])
        };
        assert_ne!(id('a'), 0);
        assert_eq!(id('A'), id('a'));
        assert_eq!(id('É'), id('é'));
        assert_eq!(id('z'), 0);
    }

    #[test]
    fn damaged_tables_are_refused() {
        let bytes = tiny();
        let refused = |b: &[u8]| parse(b).unwrap_err();
        let mut bad = bytes.clone();
        bad[0] ^= 1;
        assert!(refused(&bad).contains("magic"));
        let mut bad = bytes.clone();
        bad[8] = 9;
        assert!(refused(&bad).contains("version 9"));
        assert!(refused(&bytes[..bytes.len() - 64]).contains("announced"));
        assert!(refused(&bytes[..70]).contains("cut short"));
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 64]);
        assert!(refused(&longer).contains("after the last group"));
        // Header fields, from the group's first byte (64): sizes that do not fit, a full
        // table, an entry past the rows.
        let field = |i: usize, v: u64| {
            let mut b = bytes.clone();
            b[64 + 8 * i..64 + 8 * i + 8].copy_from_slice(&v.to_le_bytes());
            b
        };
        assert!(refused(&field(1, 49)).contains("49 languages"));
        assert!(refused(&field(3, 1)).contains("in 1 slots"));
        assert!(refused(&field(10, u64::MAX)).contains("out of range"));
        assert!(refused(&field(10, 3)).contains("entry 3 of 3 rows"));
        // No header field, whatever its value, makes reading panic.
        for i in 0..HEADER_FIELDS {
            for v in [0, 1, 7, 64, 1 << 20, u64::MAX / 2, u64::MAX] {
                let _ = parse(&field(i, v));
            }
        }
    }
}
