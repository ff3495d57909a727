//! Fixed-memory counting of corpus repetition: what the [`CorpusIndex`](super::CorpusIndex)
//! becomes once its exact tables would outgrow their share of the memory budget.
//!
//! Three arrays, each probed at [`PROBES`] cells per key, all updated conservatively (a cell is
//! only raised to the key's new estimate, never incremented blindly):
//!
//! - **paragraph cells** (3/8 of the budget, 6 bytes each): documents containing the paragraph
//!   (`u16`, saturating) and a 32-bit site mask: bit `site_hash % 31` for each site seen, bit 31
//!   for documents without a site;
//! - **(paragraph, site) cells** (1/8, `u16` each): documents from that site containing the
//!   paragraph;
//! - **shingle cells** (1/2, 2 bits each): 0, 1 or "2 or more" documents.
//!
//! A paragraph's probes are anywhere in their array (one array shared by all probes, as in a
//! counting Bloom filter). A shingle's four are distinct cells of one 64-byte block (256 cells,
//! one cache line): a corpus has about one shingle per word, and at this size every probe
//! misses the caches, so a shingle costs one memory access instead of four, both where the
//! first pass counts it and where the second looks it up. The blocks are sixteen equal runs, one
//! per shard of `shingle_shard`, so that the first pass counts the shards on several threads
//! with the result of one.
//!
//! A key's estimate is the minimum of its cells (the bitwise AND for masks), so it is never
//! below the truth. It is above the truth only when every one of its probes was also raised by
//! other keys: with `n` distinct keys in an array of `m` cells that happens to a given key with
//! probability at most `(1 - e^(-PROBES·n/m))^PROBES` for the paragraph arrays, and for the
//! shingle blocks `Σₖ P(k) · (1 - (1 - 4/256)^k)^4` with `P` the Poisson distribution of mean
//! `256·n/m` (the other keys of the block). For the paragraph cells of the default 256 MiB
//! budget (16.7 M cells): 2.0 × 10⁻³ at 1 M distinct paragraphs, 0.14 at 4 M; for the shingle
//! cells (537 M cells): 6.4 × 10⁻⁵ at 10 M distinct shingles, 3.3 × 10⁻³ at 34 M (2.5 × 10⁻³
//! with probes anywhere), 2.8 × 10⁻² at 68 M. Distinct sites are estimated from the mask by
//! linear counting, `31·ln(31 / (31 − bits set))`, rounded; two of a handful of sites share a
//! bit with probability ≈ k²/62 (k sites), so a count can be one short for paragraphs on
//! several sites. Counts saturate at 65 535 documents.

use std::io::{Read, Write};

/// Positions probed per key in each array.
pub const PROBES: usize = 4;
/// How many keys ahead a run of shingles asks for its blocks.
const AHEAD: usize = 8;
/// How many paragraphs ahead a document's paragraphs ask for their cells (twelve apiece).
const PARAGRAPHS_AHEAD: usize = 4;
/// Shards of the shingle counts: see [`shingle_shard`].
pub(crate) const SHARDS: usize = 16;
/// Bit of the site mask for documents without a site.
const NO_SITE_BIT: u32 = 1 << 31;
/// Bits of the site mask that sites hash to.
const SITE_BITS: u32 = 31;

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The cells of `key` in an array of `m` cells (double hashing, stable across platforms).
fn probes(key: u64, m: usize) -> [usize; PROBES] {
    let h1 = splitmix(key);
    let h2 = splitmix(key ^ 0x5851_F42D_4C95_7F2D) | 1;
    std::array::from_fn(|i| {
        let x = h1.wrapping_add((i as u64).wrapping_mul(h2));
        ((u128::from(x) * m as u128) >> 64) as usize
    })
}

/// Bytes of a block of shingle cells: one cache line, so that a shingle's cells are one memory
/// access (and one prefetch) rather than four.
const LINE: usize = 64;
/// Shingle cells per block, 2 bits each.
const LINE_CELLS: usize = LINE * 4;

/// A block of 2-bit shingle cells, aligned to a cache line.
#[derive(Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C, align(64))]
struct Line([u8; LINE]);

/// The shingle blocks: [`Line`]s at a cache-line boundary inside an array of bytes.
///
/// An allocator zeroes a large array of bytes lazily (pages fresh from the kernel, neither
/// written nor resident until a cell is raised), where it zeroes an array of `Line`s, aligned
/// beyond what `malloc` gives, by writing every page at once. A sketch holds only the pages its
/// keys have reached, and a fold of exact counts (see `Exact::into_sketch`) frees each table
/// before the pages it fills are written.
struct Lines {
    bytes: Vec<u8>,
    /// Where the first block starts in `bytes`.
    start: usize,
    /// Blocks.
    len: usize,
}

impl Lines {
    /// `len` blocks of zeros, with huge pages asked for before any is first written.
    fn zeroed(len: usize) -> Lines {
        let bytes = vec![0u8; (len + 1) * LINE];
        crate::hash::advise_huge_pages_of(&bytes);
        let start = (LINE - bytes.as_ptr().addr() % LINE) % LINE;
        Lines { bytes, start, len }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn get(&self) -> &[Line] {
        bytemuck::cast_slice(&self.bytes[self.start..self.start + self.len * LINE])
    }

    fn get_mut(&mut self) -> &mut [Line] {
        bytemuck::cast_slice_mut(&mut self.bytes[self.start..self.start + self.len * LINE])
    }
}

impl Clone for Lines {
    /// A copy at its own cache-line boundary.
    fn clone(&self) -> Lines {
        let mut copy = Lines::zeroed(self.len);
        copy.get_mut().copy_from_slice(self.get());
        copy
    }
}

impl PartialEq for Lines {
    fn eq(&self, other: &Lines) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Lines {}

impl Line {
    fn cell(&self, c: usize) -> u8 {
        (self.0[c / 4] >> ((c % 4) * 2)) & 3
    }

    /// Raises `cells` to their least value plus `docs` (at most 2), conservatively.
    fn raise(&mut self, cells: [usize; PROBES], docs: u32) {
        let est = cells.iter().map(|&c| self.cell(c)).min().unwrap_or(0);
        let new = (u32::from(est) + docs).min(2) as u8;
        for c in cells {
            if self.cell(c) < new {
                let shift = (c % 4) * 2;
                let byte = &mut self.0[c / 4];
                *byte = (*byte & !(3 << shift)) | (new << shift);
            }
        }
    }
}

/// The block of shingle `key` among `blocks`, and its [`PROBES`] distinct cells in it (an odd
/// step through a power-of-two block never repeats a cell); stable across platforms.
fn shingle_cells(key: u64, blocks: usize) -> (usize, [usize; PROBES]) {
    let h2 = splitmix(key ^ 0x5851_F42D_4C95_7F2D);
    let block = shingle_block(key, blocks);
    let first = (h2 & 0xFF) as usize;
    let step = ((h2 >> 8) & 0xFF) as usize | 1;
    (
        block,
        std::array::from_fn(|i| (first + i * step) % LINE_CELLS),
    )
}

/// The shard of shingle `key`, below [`SHARDS`]: the top bits of the hash that places it among
/// the sketch's blocks. A sketch has a multiple of `SHARDS` blocks, so shard `s` is the `s`-th
/// of `SHARDS` equal runs of blocks, and shingles of different shards never share a block: they
/// can be counted on different threads, shard by shard, with the same result as one after the
/// other. The exact counts are split the same way.
pub(crate) fn shingle_shard(key: u64) -> usize {
    (splitmix(key) >> (64 - SHARDS.ilog2())) as usize
}

/// The block of shingle `key` among `blocks` (its first hash alone).
fn shingle_block(key: u64, blocks: usize) -> usize {
    ((u128::from(splitmix(key)) * blocks as u128) >> 64) as usize
}

/// Each of `hashes` with the one `ahead` places on, whose cells are asked for while this one
/// is counted or looked up, so that the cache misses of a run of keys overlap.
fn with_next(hashes: &[u64], ahead: usize) -> impl Iterator<Item = (u64, Option<u64>)> + '_ {
    hashes
        .iter()
        .enumerate()
        .map(move |(i, &h)| (h, hashes.get(i + ahead).copied()))
}

/// The key of a (paragraph, site) pair.
fn pair_key(paragraph: u64, site: u64) -> u64 {
    splitmix(paragraph ^ splitmix(site).rotate_left(17))
}

fn site_bit(site: Option<u64>) -> u32 {
    match site {
        Some(s) => 1 << (s % u64::from(SITE_BITS)),
        None => NO_SITE_BIT,
    }
}

/// The sketch: see the module documentation.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Sketch {
    docs: Vec<u16>,
    sites: Vec<u32>,
    pairs: Vec<u16>,
    /// 2-bit counters, four per byte, in blocks of a cache line.
    shingles: Lines,
}

impl std::fmt::Debug for Sketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sketch")
            .field("paragraph_cells", &self.docs.len())
            .field("pair_cells", &self.pairs.len())
            .field("shingle_cells", &(self.shingles.len() * LINE_CELLS))
            .finish()
    }
}

/// What the sketch says of one paragraph (including the document asking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParagraphEstimate {
    /// Documents containing it.
    pub docs: u32,
    /// Documents from the asking document's site containing it (0 when no site is given).
    pub same_site: u32,
    /// Distinct sites seen with it, by linear counting.
    pub sites: u32,
    /// Whether documents without a site contain it.
    pub no_site: bool,
}

impl Sketch {
    /// A sketch taking about `budget` bytes (at least a few kilobytes).
    pub fn with_budget(budget: usize) -> Sketch {
        let budget = budget.max(64 << 10);
        let para_cells = budget * 3 / 8 / 6;
        let pair_cells = budget / 8 / 2;
        // A whole number of runs of blocks, one per shard.
        let shingle_lines = budget / 2 / LINE / SHARDS * SHARDS;
        Sketch {
            docs: zeroed(para_cells),
            sites: zeroed(para_cells),
            pairs: zeroed(pair_cells),
            shingles: Lines::zeroed(shingle_lines),
        }
    }

    /// Whether its shingle blocks are in runs by shard (see [`shingle_shard`]), as the
    /// sketches this version makes are.
    pub(crate) fn sharded(&self) -> bool {
        !self.shingles.is_empty() && self.shingles.len().is_multiple_of(SHARDS)
    }

    /// The lengths of its arrays: sketches of one shape can be added.
    pub(crate) fn shape(&self) -> [usize; 4] {
        [
            self.docs.len(),
            self.sites.len(),
            self.pairs.len(),
            self.shingles.len(),
        ]
    }

    /// Adds the counts of `other`, a sketch of the same [`shape`](Sketch::shape) made from
    /// other documents, cell by cell: counts add (and saturate), site masks join, and shingle
    /// cells add up to their cap of 2. Every estimate stays at or above the true count of the
    /// documents of both.
    ///
    /// Cells past the shorter of two arrays of different shapes are left out: callers check
    /// the shapes first.
    pub(crate) fn add(&mut self, other: &Sketch) {
        for (a, b) in self.docs.iter_mut().zip(&other.docs) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.sites.iter_mut().zip(&other.sites) {
            *a |= *b;
        }
        for (a, b) in self.pairs.iter_mut().zip(&other.pairs) {
            *a = a.saturating_add(*b);
        }
        let theirs: &[u8] = bytemuck::cast_slice(other.shingles.get());
        let ours: &mut [u8] = bytemuck::cast_slice_mut(self.shingles.get_mut());
        for (a, &b) in ours.iter_mut().zip(theirs) {
            if b != 0 {
                *a = (0..4).fold(0, |byte, lane| {
                    let cell = ((*a >> (2 * lane)) & 3) + ((b >> (2 * lane)) & 3);
                    byte | (cell.min(2) << (2 * lane))
                });
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.docs.len() * 6 + self.pairs.len() * 2 + self.shingles.len() * LINE
    }

    fn raise(cells: &mut [u16], key: u64, by: u32) {
        let ps = probes(key, cells.len());
        let est = ps.iter().map(|&p| cells[p]).min().unwrap_or(0);
        let new = (u32::from(est) + by).min(u32::from(u16::MAX)) as u16;
        for p in ps {
            cells[p] = cells[p].max(new);
        }
    }

    fn min(cells: &[u16], key: u64) -> u32 {
        probes(key, cells.len())
            .iter()
            .map(|&p| u32::from(cells[p]))
            .min()
            .unwrap_or(0)
    }

    /// Adds one document from `site` containing each of the distinct paragraphs `hashes`,
    /// asking for the cells of the next few ahead so that their cache misses overlap.
    pub fn add_paragraphs(&mut self, hashes: &[u64], site: Option<u64>) {
        self.paragraph_cells().add_paragraphs(hashes, site);
    }

    /// Adds `docs` documents containing paragraph `hash`, from `site` (`None`: no site).
    #[cfg(test)]
    pub fn add_paragraph(&mut self, hash: u64, site: Option<u64>, docs: u32) {
        self.paragraph_cells().add_paragraph(hash, site, docs);
    }

    fn paragraph_cells(&mut self) -> ParagraphCells<'_> {
        ParagraphCells {
            docs: &mut self.docs,
            sites: &mut self.sites,
            pairs: &mut self.pairs,
        }
    }

    /// The paragraph arrays, and the shingle blocks in the runs of [`shingle_shard`]'s shards
    /// (`None` when the blocks are not a multiple of [`SHARDS`]: a sketch read from a file
    /// that another layout wrote), to be written on different threads.
    pub(crate) fn split_mut(&mut self) -> (ParagraphCells<'_>, Option<Vec<ShingleRun<'_>>>) {
        let blocks = self.shingles.len();
        let runs = self.sharded().then(|| {
            self.shingles
                .get_mut()
                .chunks_mut(blocks / SHARDS)
                .enumerate()
                .map(|(s, lines)| ShingleRun {
                    first: s * (blocks / SHARDS),
                    blocks,
                    lines,
                })
                .collect()
        });
        (
            ParagraphCells {
                docs: &mut self.docs,
                sites: &mut self.sites,
                pairs: &mut self.pairs,
            },
            runs,
        )
    }

    /// Asks for the block of shingle `hash`, if any, ahead of its use.
    fn prefetch_shingle(&self, hash: Option<u64>) {
        if let Some(h) = hash {
            crate::hash::prefetch(&self.shingles.get()[shingle_block(h, self.shingles.len())]);
        }
    }

    /// Adds `docs` documents containing shingle `hash` (counts stop at 2).
    pub fn add_shingle(&mut self, hash: u64, docs: u32) {
        let (b, cells) = shingle_cells(hash, self.shingles.len());
        self.shingles.get_mut()[b].raise(cells, docs);
    }

    /// Adds one document containing each of the distinct shingles `hashes`, asking for the
    /// blocks of the next few ahead so that their cache misses overlap.
    pub fn add_shingles(&mut self, hashes: &[u64]) {
        for (h, next) in with_next(hashes, AHEAD) {
            self.prefetch_shingle(next);
            self.add_shingle(h, 1);
        }
    }

    /// Whether shingle `hash` occurs in two or more documents.
    pub fn shingle_repeated(&self, hash: u64) -> bool {
        let (b, cells) = shingle_cells(hash, self.shingles.len());
        let line = &self.shingles.get()[b];
        cells.iter().all(|&c| line.cell(c) >= 2)
    }

    /// How many of `hashes` occur in two or more documents ([`Sketch::shingle_repeated`] of
    /// each, the blocks of the next few asked for ahead).
    pub fn repeated_shingles(&self, hashes: &[u64]) -> usize {
        let mut n = 0;
        for (h, next) in with_next(hashes, AHEAD) {
            self.prefetch_shingle(next);
            n += usize::from(self.shingle_repeated(h));
        }
        n
    }

    /// What the sketch says of paragraph `hash`, asked from a document of `site`.
    pub fn paragraph(&self, hash: u64, site: Option<u64>) -> ParagraphEstimate {
        let docs = Self::min(&self.docs, hash);
        let mask = probes(hash, self.sites.len())
            .iter()
            .fold(u32::MAX, |m, &p| m & self.sites[p]);
        let set = (mask & !NO_SITE_BIT).count_ones();
        let sites = if set >= SITE_BITS {
            SITE_BITS * 4
        } else {
            let n = f64::from(SITE_BITS);
            (n * (n / (n - f64::from(set))).ln()).round() as u32
        };
        let same_site = site.map_or(0, |s| Self::min(&self.pairs, pair_key(hash, s)).min(docs));
        ParagraphEstimate {
            docs,
            same_site,
            sites: sites.max(u32::from(set > 0)),
            no_site: mask & NO_SITE_BIT != 0,
        }
    }

    /// Writes the arrays (little-endian, each preceded by its length).
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        fn put<const N: usize, T: Copy>(
            w: &mut impl Write,
            v: &[T],
            le: impl Fn(T) -> [u8; N],
        ) -> std::io::Result<()> {
            w.write_all(&(v.len() as u64).to_le_bytes())?;
            let mut buf = Vec::with_capacity(64 << 10);
            for chunk in v.chunks(16 << 10) {
                buf.clear();
                for &x in chunk {
                    buf.extend_from_slice(&le(x));
                }
                w.write_all(&buf)?;
            }
            Ok(())
        }
        put(w, &self.docs, u16::to_le_bytes)?;
        put(w, &self.sites, u32::to_le_bytes)?;
        put(w, &self.pairs, u16::to_le_bytes)?;
        w.write_all(&((self.shingles.len() * LINE) as u64).to_le_bytes())?;
        w.write_all(bytemuck::cast_slice(self.shingles.get()))
    }

    /// Reads what [`Sketch::write_to`] wrote; `limit` bounds the bytes an array may claim.
    pub fn read_from(r: &mut impl Read, limit: u64) -> Result<Sketch, String> {
        fn get<const N: usize, T>(
            r: &mut impl Read,
            limit: u64,
            what: &str,
            from: impl Fn([u8; N]) -> T,
        ) -> Result<Vec<T>, String> {
            let mut len = [0u8; 8];
            r.read_exact(&mut len)
                .map_err(|e| format!("cannot read the length of the {what}: {e}"))?;
            let len = u64::from_le_bytes(len);
            if len.saturating_mul(N as u64) > limit {
                return Err(format!(
                    "{what}: {len} cells claimed, more than the file holds"
                ));
            }
            let mut out = Vec::with_capacity(len as usize);
            crate::hash::advise_huge_pages_of(&out);
            let mut buf = vec![0u8; 64 << 10];
            let mut left = len as usize * N;
            while left > 0 {
                let n = left.min(buf.len());
                r.read_exact(&mut buf[..n])
                    .map_err(|e| format!("{what} truncated: {e}"))?;
                out.extend(buf[..n].chunks_exact(N).map(|c| {
                    let mut a = [0u8; N];
                    a.copy_from_slice(c);
                    from(a)
                }));
                left -= n;
            }
            Ok(out)
        }
        let docs = get(r, limit, "paragraph counts", u16::from_le_bytes)?;
        let sites = get(r, limit, "site masks", u32::from_le_bytes)?;
        let pairs = get(r, limit, "site counts", u16::from_le_bytes)?;
        let shingles = read_lines(r, limit)?;
        if docs.len() != sites.len() || docs.is_empty() || pairs.is_empty() || shingles.is_empty() {
            return Err(format!(
                "inconsistent sketch: {} paragraph counts, {} site masks, {} site counts, {} shingle bytes",
                docs.len(),
                sites.len(),
                pairs.len(),
                shingles.len() * LINE
            ));
        }
        Ok(Sketch {
            docs,
            sites,
            pairs,
            shingles,
        })
    }
}

/// `n` zeros, from memory the allocator zeroes lazily (see [`Lines`]), with huge pages asked for
/// before any is first written.
fn zeroed<T: Clone + Default>(n: usize) -> Vec<T> {
    let v = vec![T::default(); n];
    crate::hash::advise_huge_pages_of(&v);
    v
}

/// The paragraph arrays of a [`Sketch`], borrowed apart from its shingle blocks.
pub(crate) struct ParagraphCells<'a> {
    docs: &'a mut [u16],
    sites: &'a mut [u32],
    pairs: &'a mut [u16],
}

impl ParagraphCells<'_> {
    /// [`Sketch::add_paragraphs`].
    pub(crate) fn add_paragraphs(&mut self, hashes: &[u64], site: Option<u64>) {
        for (h, next) in with_next(hashes, PARAGRAPHS_AHEAD) {
            if let Some(next) = next {
                self.prefetch(next, site);
            }
            self.add_paragraph(h, site, 1);
        }
    }

    /// Asks for the cells of paragraph `hash` (from `site`) ahead of their use.
    fn prefetch(&self, hash: u64, site: Option<u64>) {
        for p in probes(hash, self.docs.len()) {
            crate::hash::prefetch(&self.docs[p]);
        }
        for p in probes(hash, self.sites.len()) {
            crate::hash::prefetch(&self.sites[p]);
        }
        if let Some(s) = site {
            for p in probes(pair_key(hash, s), self.pairs.len()) {
                crate::hash::prefetch(&self.pairs[p]);
            }
        }
    }

    /// Adds `docs` documents containing paragraph `hash`, from `site` (`None`: no site).
    pub(crate) fn add_paragraph(&mut self, hash: u64, site: Option<u64>, docs: u32) {
        Sketch::raise(self.docs, hash, docs);
        let bit = site_bit(site);
        for p in probes(hash, self.sites.len()) {
            self.sites[p] |= bit;
        }
        if let Some(s) = site {
            Sketch::raise(self.pairs, pair_key(hash, s), docs);
        }
    }
}

/// The blocks of one shard's shingles (see [`shingle_shard`]), borrowed apart from the others.
pub(crate) struct ShingleRun<'a> {
    /// Index of the first of them among all the blocks.
    first: usize,
    /// All the blocks.
    blocks: usize,
    lines: &'a mut [Line],
}

impl ShingleRun<'_> {
    /// [`Sketch::add_shingles`] for distinct shingles of this shard.
    pub(crate) fn add_shingles(&mut self, hashes: &[u64]) {
        self.add_each(hashes.len(), |i| hashes[i], |_| 1);
    }

    /// [`Sketch::add_shingle`] of each `(shingle, documents)` of this shard.
    pub(crate) fn add_counted(&mut self, counted: &[(u64, u32)]) {
        self.add_each(counted.len(), |i| counted[i].0, |i| counted[i].1);
    }

    /// Adds `docs(i)` documents containing shingle `key(i)` for each `i` below `n`, asking for
    /// the block [`AHEAD`] places on while one is counted.
    fn add_each(&mut self, n: usize, key: impl Fn(usize) -> u64, docs: impl Fn(usize) -> u32) {
        for i in 0..n {
            if i + AHEAD < n {
                let b = shingle_block(key(i + AHEAD), self.blocks) - self.first;
                crate::hash::prefetch(&self.lines[b]);
            }
            let (b, cells) = shingle_cells(key(i), self.blocks);
            self.lines[b - self.first].raise(cells, docs(i));
        }
    }
}

/// Reads the shingle blocks: their length in bytes (a whole number of blocks), then the bytes.
fn read_lines(r: &mut impl Read, limit: u64) -> Result<Lines, String> {
    let what = "shingle counts";
    let mut len = [0u8; 8];
    r.read_exact(&mut len)
        .map_err(|e| format!("cannot read the length of the {what}: {e}"))?;
    let len = u64::from_le_bytes(len);
    if len > limit {
        return Err(format!(
            "{what}: {len} bytes claimed, more than the file holds"
        ));
    }
    if len % LINE as u64 != 0 {
        return Err(format!(
            "{what}: {len} bytes, not a whole number of {LINE}-byte blocks"
        ));
    }
    let mut lines = Lines::zeroed((len / LINE as u64) as usize);
    r.read_exact(bytemuck::cast_slice_mut(lines.get_mut()))
        .map_err(|e| format!("{what} truncated: {e}"))?;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_start_at_a_cache_line_and_copies_too() {
        for len in [0, 1, 3, 1000] {
            let mut lines = Lines::zeroed(len);
            assert_eq!(lines.get().len(), len);
            assert!(lines.get().iter().all(|l| l.0 == [0; LINE]));
            if len > 0 {
                lines.get_mut()[len - 1].0[5] = 7;
            }
            let copy = lines.clone();
            for l in [&lines, &copy] {
                assert_eq!(l.get().as_ptr().addr() % LINE, 0);
                assert_eq!(l.get().len(), len);
            }
            assert!(copy == lines);
            assert_eq!(
                copy.get().last().map(|l| l.0[5]),
                len.checked_sub(1).map(|_| 7)
            );
        }
    }

    #[test]
    fn probes_are_stable() {
        // On-disk sketches depend on these positions: they must never change silently.
        assert_eq!(probes(0, 1000), [883, 611, 340, 69]);
        assert_eq!(probes(42, 1 << 20).len(), PROBES);
        assert_eq!(shingle_cells(0, 1000), (883, [71, 222, 117, 12]));
        for key in 0..10_000u64 {
            let (b, mut cells) = shingle_cells(key.wrapping_mul(0x9E37_79B9), 77);
            cells.sort_unstable();
            assert!(b < 77 && cells.windows(2).all(|w| w[0] < w[1]) && cells[3] < LINE_CELLS);
        }
    }

    #[test]
    fn counts_never_below_truth() {
        let mut s = Sketch::with_budget(64 << 10);
        for k in 0..20_000u64 {
            for _ in 0..(k % 3) + 1 {
                s.add_paragraph(k, Some(k % 5), 1);
            }
            s.add_shingle(k, (k % 3) as u32 + 1);
        }
        for k in 0..20_000u64 {
            let e = s.paragraph(k, Some(k % 5));
            let want = (k % 3) as u32;
            assert!(e.docs > want && e.same_site > want, "{k}: {e:?}");
            assert!(k % 3 == 0 || s.shingle_repeated(k));
        }
    }

    #[test]
    fn shingle_errors_stay_under_the_documented_bound() {
        // Keys added once each: every one the sketch calls repeated is a false positive.
        let mut s = Sketch::with_budget(64 << 10);
        let cells = s.shingles.len() * LINE_CELLS;
        let n = 20_000u64;
        let keys: Vec<u64> = (0..n).map(|k| splitmix(k ^ 0xABCD)).collect();
        s.add_shingles(&keys);
        let wrong = keys.iter().filter(|&&k| s.shingle_repeated(k)).count();
        // The module documentation's bound: Σₖ P(k) · (1 - (1 - 4/256)^k)^4, P Poisson.
        let mean = LINE_CELLS as f64 * n as f64 / cells as f64;
        let (mut bound, mut p) = (0.0, (-mean).exp());
        for k in 0..1000 {
            bound += p * (1.0 - (1.0 - 4.0 / LINE_CELLS as f64).powi(k)).powi(4);
            p *= mean / f64::from(k + 1);
        }
        let expected = bound * n as f64;
        assert!(
            expected > 100.0,
            "the test needs a measurable rate: {expected}"
        );
        assert!(
            (wrong as f64) <= expected * 1.15,
            "{wrong} of {n} keys added once called repeated; the bound says {expected:.0}"
        );
        assert!(s.repeated_shingles(&keys) == wrong);
    }

    #[test]
    fn sites_and_round_trip() {
        let mut s = Sketch::with_budget(1 << 20);
        for site in 0..4u64 {
            s.add_paragraph(7, Some(site * 1_000_003), 1);
        }
        s.add_paragraph(7, None, 1);
        let e = s.paragraph(7, Some(0));
        assert_eq!((e.docs, e.same_site, e.no_site), (5, 1, true));
        assert!((3..=4).contains(&e.sites), "{e:?}");
        assert_eq!(s.paragraph(8, None).docs, 0);
        let mut bytes = Vec::new();
        s.write_to(&mut bytes).unwrap();
        let back = Sketch::read_from(&mut bytes.as_slice(), bytes.len() as u64).unwrap();
        assert!(back == s);
        assert!(Sketch::read_from(&mut &bytes[..bytes.len() - 1], bytes.len() as u64).is_err());
    }
}
