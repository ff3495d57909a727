//! The language-table file, `models/lang.bin`: the n-gram tables of each script group, in the
//! crate's container ([`crate::container`]) around their bincode encoding.
//!
//! Written by the `langmodel` training program; read by the build script, which builds the
//! look-up tables the crate embeds (`build.rs` compiles this file as it is, with the
//! container and the `layout` module beside it), and by the crate's tests, which check that
//! the embedded tables are those this file gives.

use serde::{Deserialize, Serialize};

use super::layout;
use crate::container::{ContainerError, Kind};

/// Magic bytes of a language-table file.
pub const MAGIC: &[u8; 8] = b"PSLANGID";
/// Version of the language-table format: 3 is the crate's container around the bincode of
/// [`TablesData`] (2 had a header of its own, 1 compressed the payload).
pub const FORMAT_VERSION: u32 = 3;

const FILE: Kind = Kind {
    magic: MAGIC,
    oldest: FORMAT_VERSION,
    version: FORMAT_VERSION,
};

/// The serialized tables of one script group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupData {
    /// Group name (`latin`, `cyrillic`, `arabic`, …).
    pub name: String,
    /// ISO 639-3 codes of the group's languages, in row order.
    pub langs: Vec<String>,
    /// The n-grams, most probable first; each is 1 to `MAX_ORDER` lower-case letters.
    pub ngrams: Vec<String>,
    /// `ngrams.len() × langs.len()` quantized costs, n-gram major.
    pub rows: Vec<u8>,
    /// Cost of a character no table knows (the floor).
    pub floor: u8,
}

/// The serialized tables of all groups.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TablesData {
    /// Where the probabilities come from, for the model card.
    pub source: String,
    /// The groups.
    pub groups: Vec<GroupData>,
}

/// Why a language-table file cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum TablesFileError {
    /// The container (magic, version, checksum).
    Container(ContainerError),
    /// The payload does not decode, or its sizes disagree.
    Payload(String),
}

impl std::fmt::Display for TablesFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TablesFileError::Container(e) => write!(f, "{e}"),
            TablesFileError::Payload(m) => f.write_str(m),
        }
    }
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

impl TablesData {
    /// The whole file. The payload is stored as is (not compressed), so that it is read in
    /// place rather than decompressed at every start.
    ///
    /// # Errors
    /// [`TablesFileError::Payload`] when bincode cannot encode the tables.
    pub(crate) fn encode(&self) -> Result<Vec<u8>, TablesFileError> {
        let payload = bincode::serde::encode_to_vec(self, config())
            .map_err(|e| TablesFileError::Payload(format!("cannot encode: {e}")))?;
        Ok(FILE.encode(&payload))
    }

    /// Parses and checks a whole file.
    ///
    /// # Errors
    /// [`TablesFileError`] naming the first check that failed.
    pub(crate) fn decode(bytes: &[u8]) -> Result<TablesData, TablesFileError> {
        let (_, payload) = FILE.decode(bytes).map_err(TablesFileError::Container)?;
        let (data, used): (TablesData, usize) =
            bincode::serde::decode_from_slice(payload, config())
                .map_err(|e| TablesFileError::Payload(format!("cannot decode: {e}")))?;
        if used != payload.len() {
            return Err(TablesFileError::Payload(format!(
                "{} bytes after the tables",
                payload.len() - used
            )));
        }
        for g in &data.groups {
            if g.langs.is_empty()
                || g.langs.len() > layout::MAX_GROUP
                || g.rows.len() != g.ngrams.len() * g.langs.len()
            {
                return Err(TablesFileError::Payload(format!(
                    "group {} has inconsistent sizes",
                    g.name
                )));
            }
        }
        Ok(data)
    }
}

impl GroupData {
    /// The group as the `layout` module's builder takes it (in the build script, and in the
    /// tests that build the tables again).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn source(&self) -> layout::Source<'_> {
        layout::Source {
            name: &self.name,
            langs: self.langs.iter().map(String::as_str).collect(),
            ngrams: self.ngrams.iter().map(String::as_str).collect(),
            rows: &self.rows,
            floor: self.floor,
        }
    }
}
