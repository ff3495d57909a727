//! The model file: `magic · format version · checksum · header (crate version, feature schema,
//! labels, threshold) · bincode payload`. Bincode stays inside this file.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::classifier::Classifier;
use crate::error::{Error, Result};

/// First bytes of every model file.
pub const MAGIC: &[u8; 8] = b"PARASIFT";
/// Version of the file layout this build writes: 2 stores a forest's trees compiled
/// ([`Classifier::FlatForest`]).
pub const FORMAT_VERSION: u32 = 2;
/// The oldest version this build reads: 1 stored linfa's trees ([`Classifier::Forest`]), which
/// loading compiles.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// What a model file says about itself, checked before the classifier is trusted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The crate version that wrote the file.
    pub crate_version: String,
    /// Feature column names, in order.
    pub schema: Vec<String>,
    /// Class names: index 0 boilerplate, 1 content.
    pub labels: Vec<String>,
    /// P(content) at or above which a paragraph is content.
    pub threshold: f32,
    /// Free-form description of the training run (data, parameters, metrics).
    pub notes: String,
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Encodes header and classifier into the file layout.
pub fn encode(header: &Header, classifier: &Classifier) -> Result<Vec<u8>> {
    let mut body = bincode::serde::encode_to_vec(header, config())
        .map_err(|e| Error::CorruptModel(format!("cannot encode header: {e}")))?;
    let payload = bincode::serde::encode_to_vec(classifier, config())
        .map_err(|e| Error::CorruptModel(format!("cannot encode classifier: {e}")))?;
    body.extend_from_slice(&payload);
    let mut out = Vec::with_capacity(20 + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&xxh3_64(&body).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a model file, checking magic, version and checksum before anything else.
pub fn decode(bytes: &[u8]) -> Result<(Header, Classifier)> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Error::BadMagic {
            found: bytes[..bytes.len().min(MAGIC.len())].to_vec(),
        });
    }
    if bytes.len() < 20 {
        return Err(Error::CorruptModel(format!(
            "file is {} bytes, shorter than the 20-byte preamble",
            bytes.len()
        )));
    }
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        return Err(Error::UnsupportedVersion {
            expected: FORMAT_VERSION,
            found: version,
        });
    }
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&bytes[12..20]);
    let body = &bytes[20..];
    let actual = xxh3_64(body);
    if u64::from_le_bytes(sum) != actual {
        return Err(Error::CorruptModel(format!(
            "checksum mismatch over {} bytes (truncated or modified file)",
            body.len()
        )));
    }
    let (header, used): (Header, usize) = bincode::serde::decode_from_slice(body, config())
        .map_err(|e| Error::CorruptModel(format!("cannot decode header: {e}")))?;
    let (classifier, used2): (Classifier, usize) =
        bincode::serde::decode_from_slice(&body[used..], config())
            .map_err(|e| Error::CorruptModel(format!("cannot decode classifier: {e}")))?;
    if used + used2 != body.len() {
        return Err(Error::CorruptModel(format!(
            "{} trailing bytes after the classifier",
            body.len() - used - used2
        )));
    }
    Ok((header, classifier))
}
