//! Builds the language detector's look-up tables from `models/lang.bin` once, at compile time,
//! so that the program reads them in place at every start instead of building them (see
//! `src/lang/layout.rs`). The unit tests check that the embedded tables are what the crate's
//! own decoding of `models/lang.bin` builds.

#[allow(dead_code)]
#[path = "src/lang/layout.rs"]
mod layout;

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=models/lang.bin");
    println!("cargo::rerun-if-changed=src/lang/layout.rs");
    let input = "models/lang.bin";
    let bytes = std::fs::read(input).unwrap_or_else(|e| panic!("cannot read {input}: {e}"));
    let groups = decode(&bytes).unwrap_or_else(|e| panic!("{input}: {e}"));
    let groups: Vec<_> = groups
        .into_iter()
        .map(|g| {
            // Every column: the tests check that this build knows every language.
            let keep = (0..g.langs.len()).collect();
            (g, keep)
        })
        .collect();
    let built = layout::build(&groups).unwrap_or_else(|e| panic!("{input}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = out.join("lang.tables");
    std::fs::write(&path, built).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
}

/// The groups of a `models/lang.bin`: its header (magic, version 2, checksum, length), then
/// the `TablesData` of `src/lang/ngram.rs` in bincode's standard encoding (variable-length
/// integers). The checksum is checked by the crate's tests.
fn decode(bytes: &[u8]) -> Result<Vec<layout::Source<'_>>, String> {
    if bytes.len() < 28 || &bytes[..8] != b"PSLANGID" || bytes[8..12] != 2u32.to_le_bytes() {
        return Err("not a version 2 language-table file".into());
    }
    let mut r = Reader {
        bytes: &bytes[28..],
        at: 0,
    };
    let _source = r.str()?;
    let n = r.len()?;
    let mut groups = Vec::new();
    for _ in 0..n {
        let name = r.str()?;
        let langs = (0..r.len()?).map(|_| r.str()).collect::<Result<_, _>>()?;
        let ngrams = (0..r.len()?).map(|_| r.str()).collect::<Result<_, _>>()?;
        let rows = r.bytes()?;
        let floor = r.take(1)?[0];
        groups.push(layout::Source {
            name,
            langs,
            ngrams,
            rows,
            floor,
        });
    }
    if r.at != r.bytes.len() {
        return Err("bytes after the tables".into());
    }
    Ok(groups)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let s = self
            .bytes
            .get(self.at..self.at.saturating_add(n))
            .ok_or("cut short")?;
        self.at += n;
        Ok(s)
    }

    /// A variable-length integer: one byte below 251, else a marker and 2, 4 or 8 bytes.
    fn len(&mut self) -> Result<usize, String> {
        let v = match self.take(1)?[0] {
            b @ 0..=250 => b as u64,
            251 => u16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes")) as u64,
            252 => u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")) as u64,
            253 => u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")),
            b => return Err(format!("bad length marker {b}")),
        };
        usize::try_from(v).map_err(|_| "length out of range".into())
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.len()?;
        self.take(n)
    }

    fn str(&mut self) -> Result<&'a str, String> {
        std::str::from_utf8(self.bytes()?).map_err(|_| "a string is not UTF-8".into())
    }
}
