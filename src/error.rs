//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in parasift, with the numbers and names involved.
///
/// Every variant holds plain values (an I/O error keeps its kind and message, not the
/// `std::io::Error`), so that errors can be cloned, compared, and sent across threads and
/// unwinding.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file or stream failed.
    #[error("{path}: {message}")]
    Io {
        /// The file, or `-` for standard input.
        path: PathBuf,
        /// The kind of failure.
        kind: std::io::ErrorKind,
        /// What the operating system said.
        message: String,
    },
    /// An input could not be understood.
    #[error("{source_name}: {message}")]
    Input {
        /// The file, or `file:line` for a JSONL record.
        source_name: String,
        /// What was wrong with it.
        message: String,
    },
    /// An input could not be read to its end: its compressed data is corrupt or cut short, or
    /// reading it failed. Unlike [`Error::Input`], what is lost is the rest of the file, not
    /// one record.
    #[error("{source_name}: {message}")]
    Unreadable {
        /// The file, or `file:line` for the line of a JSONL input where reading stopped.
        source_name: String,
        /// What went wrong.
        message: String,
    },
    /// The model file does not start with parasift's magic bytes.
    #[error("not a parasift model: bad magic bytes (found {found:?})")]
    BadMagic {
        /// The first bytes found.
        found: Vec<u8>,
    },
    /// The model file was written by a newer or older, incompatible format version.
    #[error(
        "model format version {found} is not supported (this build reads versions {oldest} to {expected})"
    )]
    UnsupportedVersion {
        /// The newest version this build reads (and the one it writes).
        expected: u32,
        /// The oldest version this build reads.
        oldest: u32,
        /// The version in the file.
        found: u32,
    },
    /// The model file is of a format version that this build reads only with a cargo feature it
    /// was built without.
    #[error(
        "model format version {found} {holds}, which this build reads only with the `{feature}` feature (such a build writes it again as version {writes})"
    )]
    ModelNeedsFeature {
        /// The version in the file.
        found: u32,
        /// The version this build writes.
        writes: u32,
        /// What files of that version hold.
        holds: &'static str,
        /// The cargo feature that reads them.
        feature: &'static str,
    },
    /// The model was trained on other feature columns than this build computes.
    #[error("model feature schema differs: expected {expected} columns, model has {found}{detail}")]
    FeatureMismatch {
        /// Columns this build computes.
        expected: usize,
        /// Columns the model was trained on.
        found: usize,
        /// The first differing column, if any (", first difference at column …").
        detail: String,
    },
    /// The model file is truncated or corrupt.
    #[error("corrupt model file: {0}")]
    CorruptModel(String),
    /// A corpus index file that cannot be trusted (magic, version, checksum or layout).
    #[error("{path}: not a usable corpus index: {message}")]
    BadIndex {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// Training could not run (too little data, one class only, a linfa error).
    #[error("training failed: {0}")]
    Training(String),
    /// A training parameter that cannot be used (`parasift::train::TrainParams::check`).
    #[error("invalid training parameter {name} = {value}: {reason}")]
    InvalidParam {
        /// The parameter, as its field is named.
        name: &'static str,
        /// Its value.
        value: String,
        /// What a value must be.
        reason: &'static str,
    },
    /// A JSONL record with an id that is not a document (its text is not a string, say): an
    /// [`Error::Input`] that keeps the record's id, for the row that stands in its place.
    #[error("{source_name}: {message}")]
    Record {
        /// The file and line (`NAME:LINE`).
        source_name: String,
        /// The record's id as the record writes it (JSON text: a string with its quotes, a
        /// number's digits), `null` for a record without one.
        id: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    /// What is wrong, without the name of the file or record it is about (which the message
    /// of an input, unreadable-input, record or I/O error starts with).
    pub fn reason(&self) -> String {
        match self {
            Error::Input { message, .. }
            | Error::Unreadable { message, .. }
            | Error::Record { message, .. } => message.clone(),
            Error::Io { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// An input error for `source_name`.
    pub fn input(source_name: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input {
            source_name: source_name.into(),
            message: message.into(),
        }
    }

    /// An input that could not be read to its end.
    pub fn unreadable(source_name: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Unreadable {
            source_name: source_name.into(),
            message: message.into(),
        }
    }

    /// A bad corpus index file.
    pub fn bad_index(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::BadIndex {
            path: path.into(),
            message: message.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            kind: source.kind(),
            message: source.to_string(),
        }
    }
}

/// `Result` with parasift's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
