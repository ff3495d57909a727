//! The corpus index file: the crate's container around the counts, exact or sketched.

use std::io::{Read, Write};
use std::path::Path;

use super::exact::{Entry, Exact, Seen};
use super::sketch::{SHARDS, Sketch, shingle_shard};
use super::{CorpusIndex, MAX_SITES, Repr};
use crate::container::{ContainerError, Kind, temp_path};
use crate::error::{Error, Result};

/// First bytes of every index file.
pub const INDEX_MAGIC: &[u8; 8] = b"PSIFTIDX";
/// Version of the index file layout this build reads and writes.
pub const INDEX_FORMAT_VERSION: u32 = 2;

/// The index file's kind of container.
const INDEX_FILE: Kind = Kind {
    magic: INDEX_MAGIC,
    oldest: INDEX_FORMAT_VERSION,
    version: INDEX_FORMAT_VERSION,
};

impl CorpusIndex {
    /// Writes the index file: the crate's one file container (magic, version, payload, checksum) around the counts.
    ///
    /// # Errors
    /// [`Error::Io`] (named `-`) when writing fails.
    pub fn write_to(&self, w: &mut impl Write) -> Result<()> {
        let io = |e| Error::io("-", e);
        let mut body = INDEX_FILE.writer(&mut *w).map_err(io)?;
        self.write_body(&mut body).map_err(io)?;
        body.finish().map_err(io)?;
        Ok(())
    }

    fn write_body(&self, w: &mut impl Write) -> std::io::Result<()> {
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        w.write_all(&(version.len() as u32).to_le_bytes())?;
        w.write_all(version)?;
        w.write_all(&self.docs.to_le_bytes())?;
        w.write_all(&(self.budget as u64).to_le_bytes())?;
        match &self.repr {
            Repr::Exact(ex) => {
                w.write_all(&[0])?;
                let mut keys: Vec<u64> = ex.paragraphs.keys().copied().collect();
                keys.sort_unstable();
                w.write_all(&(keys.len() as u64).to_le_bytes())?;
                let mut buf = Vec::with_capacity(64 << 10);
                for h in keys {
                    let e = &ex.paragraphs[&h];
                    buf.extend_from_slice(&h.to_le_bytes());
                    buf.extend_from_slice(&e.docs.to_le_bytes());
                    buf.extend_from_slice(&e.overflow.to_le_bytes());
                    buf.push(e.sites.len() as u8);
                    for &(s, c) in &e.sites {
                        buf.extend_from_slice(&s.to_le_bytes());
                        buf.extend_from_slice(&c.to_le_bytes());
                    }
                    if buf.len() > 60 << 10 {
                        w.write_all(&buf)?;
                        buf.clear();
                    }
                }
                let mut sh: Vec<(u64, u32)> = ex
                    .shingles
                    .iter()
                    .flatten()
                    .map(|(&k, c)| (k, c.docs))
                    .collect();
                sh.sort_unstable();
                buf.extend_from_slice(&(sh.len() as u64).to_le_bytes());
                for (h, c) in sh {
                    buf.extend_from_slice(&h.to_le_bytes());
                    buf.extend_from_slice(&c.to_le_bytes());
                    if buf.len() > 60 << 10 {
                        w.write_all(&buf)?;
                        buf.clear();
                    }
                }
                w.write_all(&buf)
            }
            Repr::Sketch(sk) => {
                w.write_all(&[1])?;
                sk.write_to(w)
            }
        }
    }

    /// Reads an index file of `len` bytes. `name` names it in errors.
    ///
    /// # Errors
    /// [`Error::BadIndex`] when the bytes are not an index this build wrote (magic, version,
    /// checksum, layout), naming what is wrong.
    pub fn read_from(r: &mut impl Read, len: u64, name: &str) -> Result<CorpusIndex> {
        let bad = |m: String| Error::bad_index(name, m);
        let (_, mut body) = INDEX_FILE.reader(r, len).map_err(|e| match e {
            ContainerError::BadMagic { found } => bad(format!(
                "not a parasift corpus index (bad magic bytes {found:?})"
            )),
            ContainerError::Version { found, .. } => bad(format!(
                "index format version {found} is not supported (this build reads version {INDEX_FORMAT_VERSION})"
            )),
            ContainerError::TooShort { len } => bad(format!("file is {len} bytes, too short")),
            ContainerError::Io(kind, message) => {
                Error::io(name, std::io::Error::new(kind, message))
            }
            other => bad(other.to_string()),
        })?;
        let body_len = body.payload_len();
        // The counts are read in pieces of 8 to 17 bytes: through a buffer, so that the
        // checksum is taken over large blocks. What the buffer holds beyond the counts is left
        // over, as what the parser never read is.
        let mut buffered = std::io::BufReader::with_capacity(1 << 16, &mut body);
        let parsed = Self::read_body(&mut buffered, body_len);
        let unparsed = buffered.buffer().len() as u64;
        drop(buffered);
        let leftover = body.finish().map(|n| n + unparsed).map_err(|e| match e {
            ContainerError::Io(kind, message) => {
                Error::io(name, std::io::Error::new(kind, message))
            }
            other => bad(other.to_string()),
        })?;
        let index = parsed.map_err(bad)?;
        if leftover > 0 {
            return Err(bad(format!("{leftover} trailing bytes after the counts")));
        }
        Ok(index)
    }

    fn read_body(r: &mut impl Read, limit: u64) -> std::result::Result<CorpusIndex, String> {
        let trunc = |e: std::io::Error| format!("truncated: {e}");
        let mut b4 = [0u8; 4];
        let mut b8 = [0u8; 8];
        r.read_exact(&mut b4).map_err(trunc)?;
        let vlen = u32::from_le_bytes(b4) as u64;
        if vlen > 256 {
            return Err(format!("bad crate version length {vlen}"));
        }
        let mut v = vec![0u8; vlen as usize];
        r.read_exact(&mut v).map_err(trunc)?;
        r.read_exact(&mut b4).map_err(trunc)?;
        let docs = u32::from_le_bytes(b4);
        r.read_exact(&mut b8).map_err(trunc)?;
        let budget = u64::from_le_bytes(b8) as usize;
        let mut kind = [0u8];
        r.read_exact(&mut kind).map_err(trunc)?;
        let repr = match kind[0] {
            0 => {
                let mut ex = Exact::default();
                r.read_exact(&mut b8).map_err(trunc)?;
                let n = u64::from_le_bytes(b8);
                if n.saturating_mul(17) > limit {
                    return Err(format!("{n} paragraphs claimed, more than the file holds"));
                }
                ex.paragraphs.reserve(n as usize);
                for _ in 0..n {
                    let mut head = [0u8; 17];
                    r.read_exact(&mut head).map_err(trunc)?;
                    let h = u64::from_le_bytes(head[..8].try_into().unwrap_or_default());
                    let docs = u32::from_le_bytes(head[8..12].try_into().unwrap_or_default());
                    let overflow = u32::from_le_bytes(head[12..16].try_into().unwrap_or_default());
                    let ns = head[16] as usize;
                    if ns > MAX_SITES {
                        return Err(format!("{ns} sites for one paragraph, at most {MAX_SITES}"));
                    }
                    let mut sites = Vec::with_capacity(ns);
                    for _ in 0..ns {
                        let mut s = [0u8; 12];
                        r.read_exact(&mut s).map_err(trunc)?;
                        sites.push((
                            u64::from_le_bytes(s[..8].try_into().unwrap_or_default()),
                            u32::from_le_bytes(s[8..].try_into().unwrap_or_default()),
                        ));
                    }
                    if ns > 0 {
                        ex.site_bytes += 16 * ns.max(4);
                    }
                    ex.paragraphs.insert(
                        h,
                        Entry {
                            docs,
                            sites,
                            overflow,
                        },
                    );
                }
                r.read_exact(&mut b8).map_err(trunc)?;
                let n = u64::from_le_bytes(b8);
                if n.saturating_mul(12) > limit {
                    return Err(format!("{n} shingles claimed, more than the file holds"));
                }
                // (About as many in each shard: their keys are hashes.)
                for t in &mut ex.shingles {
                    t.reserve(n as usize / SHARDS);
                }
                for _ in 0..n {
                    let mut s = [0u8; 12];
                    r.read_exact(&mut s).map_err(trunc)?;
                    let key = u64::from_le_bytes(s[..8].try_into().unwrap_or_default());
                    ex.shingles[shingle_shard(key)].insert(
                        key,
                        Seen {
                            docs: u32::from_le_bytes(s[8..].try_into().unwrap_or_default()),
                            last: 0,
                        },
                    );
                }
                Repr::Exact(ex)
            }
            1 => Repr::Sketch(Box::new(Sketch::read_from(r, limit)?)),
            k => return Err(format!("unknown index kind {k}")),
        };
        Ok(CorpusIndex { docs, budget, repr })
    }

    /// Saves the index to `path`: written to a temporary file beside it, then renamed, so a
    /// crash never leaves a truncated index under that name.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = temp_path(path);
        let write = || -> Result<()> {
            let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            self.write_to(&mut w).map_err(|e| match e {
                Error::Io { kind, message, .. } => Error::Io {
                    path: tmp.clone(),
                    kind,
                    message,
                },
                other => other,
            })?;
            let f = w
                .into_inner()
                .map_err(|e| Error::io(&tmp, e.into_error()))?;
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        };
        let r = write();
        if r.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        r
    }

    /// Loads an index file written by [`CorpusIndex::save`].
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read, [`Error::BadIndex`] when it cannot be trusted.
    pub fn load(path: &Path) -> Result<CorpusIndex> {
        crate::read::check_regular_file(path)?;
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
        let mut r = std::io::BufReader::with_capacity(1 << 20, f);
        CorpusIndex::read_from(&mut r, len, &path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::DocKeys;
    use crate::document::Document;

    fn index() -> CorpusIndex {
        let mut ix = CorpusIndex::with_memory(1 << 20);
        for (i, site) in [Some("a.com"), Some("b.com"), None].into_iter().enumerate() {
            let d = Document::from_paragraphs(
                &i.to_string(),
                &[
                    "A paragraph that the documents share, word for word.",
                    "Their own.",
                ],
            );
            ix.add_keys(&DocKeys::of(&d), site);
        }
        ix
    }

    /// Bytes after the counts, inside the checksummed payload, are an error naming how many,
    /// whether the reader's buffer holds them or not.
    #[test]
    fn trailing_bytes_are_counted_and_refused() {
        let ix = index();
        let mut good = Vec::new();
        ix.write_to(&mut good).unwrap();
        let back = CorpusIndex::read_from(&mut good.as_slice(), good.len() as u64, "i").unwrap();
        let mut again = Vec::new();
        back.write_to(&mut again).unwrap();
        assert_eq!(good, again);
        for extra in [3usize, 200_000] {
            let mut b = Vec::new();
            let mut body = INDEX_FILE.writer(&mut b).unwrap();
            ix.write_body(&mut body).unwrap();
            body.write_all(&vec![7u8; extra]).unwrap();
            body.finish().unwrap();
            let e = CorpusIndex::read_from(&mut b.as_slice(), b.len() as u64, "i").unwrap_err();
            assert!(
                e.to_string().contains(&format!("{extra} trailing bytes")),
                "{extra}: {e}"
            );
        }
    }
}
