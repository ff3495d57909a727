//! Fixed-memory counting of corpus repetition: what the [`CorpusIndex`](super::CorpusIndex)
//! becomes once its exact tables would outgrow their share of the memory budget.
//!
//! Three arrays, each probed at [`PROBES`] positions per key (one array shared by all probes, as
//! in a counting Bloom filter), all updated conservatively (a cell is only raised to the key's
//! new estimate, never incremented blindly):
//!
//! - **paragraph cells** (3/8 of the budget, 6 bytes each): documents containing the paragraph
//!   (`u16`, saturating) and a 32-bit site mask: bit `site_hash % 31` for each site seen, bit 31
//!   for documents without a site;
//! - **(paragraph, site) cells** (1/8, `u16` each): documents from that site containing the
//!   paragraph;
//! - **shingle cells** (1/2, 2 bits each): 0, 1 or "2 or more" documents.
//!
//! A key's estimate is the minimum of its cells (the bitwise AND for masks), so it is never
//! below the truth. It is above the truth only when every one of its probes was also raised by
//! other keys: with `n` distinct keys in an array of `m` cells that happens to a given key with
//! probability at most `(1 - e^(-PROBES·n/m))^PROBES`. For the paragraph cells of the default
//! 256 MiB budget (16.7 M cells): 2.4 × 10⁻³ at 1 M distinct paragraphs, 0.16 at 4 M; for the
//! shingle cells (537 M cells): 2.4 × 10⁻³ at 34 M distinct shingles. Distinct sites are
//! estimated from the mask by linear counting, `31·ln(31 / (31 − bits set))`, rounded; two of
//! a handful of sites share a bit with probability ≈ k²/62 (k sites), so a count can be one
//! short for paragraphs on several sites. Counts saturate at 65 535 documents.

use std::io::{Read, Write};

/// Positions probed per key in each array.
pub const PROBES: usize = 4;
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
    /// 2-bit counters, four per byte.
    shingles: Vec<u8>,
}

impl std::fmt::Debug for Sketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sketch")
            .field("paragraph_cells", &self.docs.len())
            .field("pair_cells", &self.pairs.len())
            .field("shingle_cells", &(self.shingles.len() * 4))
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
        let shingle_bytes = budget / 2;
        Sketch {
            docs: vec![0; para_cells],
            sites: vec![0; para_cells],
            pairs: vec![0; pair_cells],
            shingles: vec![0; shingle_bytes],
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.docs.len() * 6 + self.pairs.len() * 2 + self.shingles.len()
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

    /// Adds `docs` documents containing paragraph `hash`, from `site` (`None`: no site).
    pub fn add_paragraph(&mut self, hash: u64, site: Option<u64>, docs: u32) {
        Self::raise(&mut self.docs, hash, docs);
        let bit = site_bit(site);
        for p in probes(hash, self.sites.len()) {
            self.sites[p] |= bit;
        }
        if let Some(s) = site {
            Self::raise(&mut self.pairs, pair_key(hash, s), docs);
        }
    }

    fn shingle_cell(&self, i: usize) -> u8 {
        (self.shingles[i / 4] >> ((i % 4) * 2)) & 3
    }

    /// Adds `docs` documents containing shingle `hash` (counts stop at 2).
    pub fn add_shingle(&mut self, hash: u64, docs: u32) {
        let ps = probes(hash, self.shingles.len() * 4);
        let est = ps.iter().map(|&p| self.shingle_cell(p)).min().unwrap_or(0);
        let new = (u32::from(est) + docs).min(2) as u8;
        for p in ps {
            if self.shingle_cell(p) < new {
                let shift = (p % 4) * 2;
                let byte = &mut self.shingles[p / 4];
                *byte = (*byte & !(3 << shift)) | (new << shift);
            }
        }
    }

    /// Whether shingle `hash` occurs in two or more documents.
    pub fn shingle_repeated(&self, hash: u64) -> bool {
        probes(hash, self.shingles.len() * 4)
            .iter()
            .all(|&p| self.shingle_cell(p) >= 2)
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
        put(w, &self.shingles, |b: u8| [b])
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
        let shingles = get(r, limit, "shingle counts", |b: [u8; 1]| b[0])?;
        if docs.len() != sites.len() || docs.is_empty() || pairs.is_empty() || shingles.is_empty() {
            return Err(format!(
                "inconsistent sketch: {} paragraph counts, {} site masks, {} site counts, {} shingle bytes",
                docs.len(),
                sites.len(),
                pairs.len(),
                shingles.len()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_are_stable() {
        // On-disk sketches depend on these positions: they must never change silently.
        assert_eq!(probes(0, 1000), [883, 611, 340, 69]);
        assert_eq!(probes(42, 1 << 20).len(), PROBES);
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
