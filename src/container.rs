//! The one container of every file parasift writes — the model file, the language tables and
//! the corpus index:
//!
//! ```text
//! magic (8 bytes) · format version (u32) · payload · xxh3-64 of the payload (u64)
//! ```
//!
//! Integers are little-endian. The checksum comes last so that a large payload (a corpus index)
//! can be written and read as a stream; the payload's length is the file's length less 20.
//! Each file kind has its own magic bytes and its own versions; what the payload holds is the
//! business of the kind.
//!
//! The module needs nothing but `std` and `xxhash-rust`, so that the build script compiles it as
//! it is (`build.rs` reads the language tables through it).

use std::fmt;
use std::io::{Read, Write};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// Bytes before the payload: magic and version.
pub const HEAD: usize = 12;
/// Bytes around the payload: magic, version and checksum.
pub const OVERHEAD: usize = HEAD + 8;

/// What is wrong with a container, before its payload is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerError {
    /// The file does not start with the kind's magic bytes.
    BadMagic {
        /// The first bytes found (at most 8).
        found: Vec<u8>,
    },
    /// The file ends before its checksum.
    TooShort {
        /// The file's length.
        len: u64,
    },
    /// A version this build does not read.
    Version {
        /// The version in the file.
        found: u32,
        /// The oldest version this build reads.
        oldest: u32,
        /// The newest.
        newest: u32,
    },
    /// The payload does not match its checksum.
    Checksum {
        /// The payload's length.
        len: u64,
    },
    /// Reading the file failed.
    Io(std::io::ErrorKind, String),
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerError::BadMagic { found } => write!(f, "bad magic bytes {found:?}"),
            ContainerError::TooShort { len } => write!(
                f,
                "file is {len} bytes, shorter than the {OVERHEAD} bytes of magic, version and checksum"
            ),
            ContainerError::Version {
                found,
                oldest,
                newest,
            } if oldest == newest => write!(
                f,
                "format version {found} is not supported (this build reads version {newest})"
            ),
            ContainerError::Version {
                found,
                oldest,
                newest,
            } => write!(
                f,
                "format version {found} is not supported (this build reads versions {oldest} to {newest})"
            ),
            ContainerError::Checksum { len } => write!(
                f,
                "checksum mismatch over {len} bytes (truncated or modified file)"
            ),
            ContainerError::Io(_, message) => f.write_str(message),
        }
    }
}

/// A file kind: its magic bytes and the versions this build reads.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// First bytes of every file of the kind.
    pub magic: &'static [u8; 8],
    /// The oldest version read.
    pub oldest: u32,
    /// The version written (and the newest read).
    pub version: u32,
}

impl Kind {
    /// The magic bytes and version at the start of `bytes`, checked against the kind: the
    /// version, whatever layout it has (an older version may predate this container).
    ///
    /// # Errors
    /// [`ContainerError::BadMagic`], [`ContainerError::TooShort`] (shorter than magic and
    /// version) or [`ContainerError::Version`].
    pub fn version_of(&self, bytes: &[u8]) -> Result<u32, ContainerError> {
        let magic = &bytes[..bytes.len().min(8)];
        if magic != &self.magic[..magic.len()] || magic.len() < 8 {
            return Err(ContainerError::BadMagic {
                found: magic.to_vec(),
            });
        }
        let Some(v) = bytes.get(8..HEAD) else {
            return Err(ContainerError::TooShort {
                len: bytes.len() as u64,
            });
        };
        let version = u32::from_le_bytes([v[0], v[1], v[2], v[3]]);
        self.check_version(version)?;
        Ok(version)
    }

    fn check_version(&self, found: u32) -> Result<(), ContainerError> {
        if (self.oldest..=self.version).contains(&found) {
            Ok(())
        } else {
            Err(ContainerError::Version {
                found,
                oldest: self.oldest,
                newest: self.version,
            })
        }
    }

    /// The whole file: magic, this kind's version, `payload`, checksum.
    pub fn encode(&self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(payload.len() + OVERHEAD);
        out.extend_from_slice(self.magic);
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&xxh3_64(payload).to_le_bytes());
        out
    }

    /// The version and payload of a whole file, after checking magic, version and checksum.
    ///
    /// # Errors
    /// A [`ContainerError`] naming the first check that failed.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> Result<(u32, &'a [u8]), ContainerError> {
        let version = self.version_of(bytes)?;
        if bytes.len() < OVERHEAD {
            return Err(ContainerError::TooShort {
                len: bytes.len() as u64,
            });
        }
        let (payload, sum) = bytes[HEAD..].split_at(bytes.len() - OVERHEAD);
        let sum = u64::from_le_bytes(sum.try_into().unwrap_or_default());
        if xxh3_64(payload) != sum {
            return Err(ContainerError::Checksum {
                len: payload.len() as u64,
            });
        }
        Ok((version, payload))
    }

    /// Starts writing a file of this kind to `inner`: magic and version now, the payload through
    /// the returned writer, the checksum at [`StreamWriter::finish`].
    ///
    /// # Errors
    /// What writing to `inner` returns.
    pub fn writer<W: Write>(&self, mut inner: W) -> std::io::Result<StreamWriter<W>> {
        inner.write_all(self.magic)?;
        inner.write_all(&self.version.to_le_bytes())?;
        Ok(StreamWriter {
            inner,
            hasher: Xxh3::new(),
        })
    }

    /// Starts reading a file of this kind, `len` bytes long, from `inner`: checks magic and
    /// version, and returns the version and a reader of the payload that checks the checksum at
    /// [`StreamReader::finish`].
    ///
    /// # Errors
    /// A [`ContainerError`] about the magic, the version or the length.
    pub fn reader<R: Read>(
        &self,
        mut inner: R,
        len: u64,
    ) -> Result<(u32, StreamReader<R>), ContainerError> {
        let mut head = [0u8; HEAD];
        let got = read_up_to(&mut inner, &mut head)
            .map_err(|e| ContainerError::Io(e.kind(), e.to_string()))?;
        let version = self.version_of(&head[..got])?;
        if len < OVERHEAD as u64 {
            return Err(ContainerError::TooShort { len });
        }
        let payload_len = len - OVERHEAD as u64;
        Ok((
            version,
            StreamReader {
                inner: inner.take(payload_len),
                hasher: Xxh3::new(),
                payload_len,
            },
        ))
    }
}

/// Writes a container's payload, hashing it (see [`Kind::writer`]).
pub struct StreamWriter<W: Write> {
    inner: W,
    hasher: Xxh3,
}

impl<W: Write> Write for StreamWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> StreamWriter<W> {
    /// Writes the checksum and returns the inner writer.
    ///
    /// # Errors
    /// What writing to it returns.
    pub fn finish(mut self) -> std::io::Result<W> {
        let sum = self.hasher.digest();
        self.inner.write_all(&sum.to_le_bytes())?;
        Ok(self.inner)
    }
}

/// Reads a container's payload, hashing it (see [`Kind::reader`]).
pub struct StreamReader<R: Read> {
    inner: std::io::Take<R>,
    hasher: Xxh3,
    payload_len: u64,
}

impl<R: Read> Read for StreamReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

impl<R: Read> StreamReader<R> {
    /// The payload's length.
    pub fn payload_len(&self) -> u64 {
        self.payload_len
    }

    /// Reads what is left of the payload (the bytes a parser did not take), then the checksum,
    /// and checks it. Returns how many payload bytes were left.
    ///
    /// # Errors
    /// [`ContainerError::Checksum`] when the file was cut short or changed,
    /// [`ContainerError::Io`] when reading failed.
    pub fn finish(mut self) -> Result<u64, ContainerError> {
        let io = |e: std::io::Error| ContainerError::Io(e.kind(), e.to_string());
        let mut hashing = HashingSink {
            hasher: &mut self.hasher,
        };
        let left = std::io::copy(&mut self.inner, &mut hashing).map_err(io)?;
        let mut inner = self.inner.into_inner();
        let mut sum = [0u8; 8];
        let ok =
            inner.read_exact(&mut sum).is_ok() && u64::from_le_bytes(sum) == self.hasher.digest();
        if !ok {
            return Err(ContainerError::Checksum {
                len: self.payload_len,
            });
        }
        Ok(left)
    }
}

struct HashingSink<'a> {
    hasher: &'a mut Xxh3,
}

impl Write for HashingSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads into `buf` until it is full or the input ends; returns how many bytes were read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        magic: b"TESTKIND",
        oldest: 2,
        version: 3,
    };

    #[test]
    fn round_trip_whole_and_streamed() {
        let file = KIND.encode(b"payload");
        assert_eq!(file.len(), 7 + OVERHEAD);
        assert_eq!(KIND.decode(&file), Ok((3, &b"payload"[..])));
        let mut w = KIND.writer(Vec::new()).unwrap();
        w.write_all(b"pay").unwrap();
        w.write_all(b"load").unwrap();
        assert_eq!(w.finish().unwrap(), file);
        let (v, mut r) = KIND.reader(&file[..], file.len() as u64).unwrap();
        assert_eq!((v, r.payload_len()), (3, 7));
        let mut first = [0u8; 3];
        r.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"pay");
        assert_eq!(r.finish(), Ok(4));
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        let file = KIND.encode(b"payload");
        let mut other = file.clone();
        other[0] = b'X';
        assert!(matches!(
            KIND.decode(&other),
            Err(ContainerError::BadMagic { .. })
        ));
        assert!(matches!(
            KIND.decode(&file[..5]),
            Err(ContainerError::BadMagic { .. })
        ));
        assert_eq!(
            KIND.decode(&file[..10]),
            Err(ContainerError::TooShort { len: 10 })
        );
        let mut newer = file.clone();
        newer[8] = 4;
        let e = KIND.decode(&newer).unwrap_err();
        assert_eq!(
            e.to_string(),
            "format version 4 is not supported (this build reads versions 2 to 3)"
        );
        let mut flipped = file.clone();
        flipped[14] ^= 1;
        assert_eq!(
            KIND.decode(&flipped),
            Err(ContainerError::Checksum { len: 7 })
        );
        assert_eq!(
            KIND.decode(&file[..file.len() - 1]),
            Err(ContainerError::Checksum { len: 6 })
        );
        let (_, r) = KIND
            .reader(&file[..file.len() - 1], file.len() as u64)
            .unwrap();
        assert_eq!(r.finish(), Err(ContainerError::Checksum { len: 7 }));
    }
}
