//! parasift splits web and news documents into paragraphs, tells each paragraph's language, and
//! labels it **content** or **boilerplate** with a trained model.
//!
//! The stages, one folder each under `src/`, and what of them is public:
//!
//! 1. **read**: files, directories, standard input and JSONL records (gzip and zstd
//!    transparently), decoded by their declared or sniffed charset ([`read_path`],
//!    [`read_bytes_as`], [`ReadOptions`], [`decode_html`]);
//! 2. **segment**: plain text into one paragraph per line, HTML into block-level paragraphs with
//!    link characters, tag, depth and ancestor hints ([`Document::from_text`],
//!    [`Document::from_html`], [`segment_text`], [`segment_html`]);
//! 3. **features**: one row of named, finite columns per paragraph, from the language, links,
//!    repetition (inside the document and across the corpus, [`CorpusIndex`]), text-shape,
//!    markup and context families ([`DocAnalysis`], [`FeatureSchema`]); languages come from
//!    [`detect`] and [`detect_document`];
//! 4. **model**: a trained classifier (embedded by default, plain weights: predicting needs no
//!    linfa) turns each row into P(content) and a label ([`Model`], [`DocPrediction`]);
//! 5. **output**: the per-document JSON, the content text, cleaned records or attribute spans.
//!
//! [`pipeline`] runs whole corpora as the command-line tool does, writing to the writer it is
//! given and telling a [`pipeline::Reporter`] of progress and rejected records: the library
//! never prints. [`train`] fits new models with linfa (cargo feature `train`, on by default)
//! and measures them.
//!
//! ```
//! use parasift::{Document, Label, Model};
//!
//! let model = Model::embedded()?;
//! let doc = Document::from_paragraphs("example", &[
//!     "Kremlin warns Washington against attacking Iran",
//!     "Washington would make a serious mistake by deciding to attack Iran, Kremlin spokesman \
//!      Dmitry Peskov told RT on Wednesday, warning that it would destabilize the whole region.",
//!     "He added that Russia remains ready and willing to assist in resolving the conflict \
//!      through political and diplomatic means, and that Moscow is in contact with all sides.",
//!     "Как добавить свои новости в наши трансляции? Очень просто.",
//!     "103news.com — живые новости в прямом эфире!",
//! ]);
//! let verdict = model.classify(&doc);
//! assert_eq!(verdict.paragraphs().len(), 5);
//! assert_eq!(verdict.paragraphs()[1].label(), Label::Content);
//! assert_eq!(verdict.paragraphs()[4].label(), Label::Boilerplate);
//! assert_eq!(verdict.lang().map(|l| l.code()), Some("eng"));
//! # Ok::<(), parasift::Error>(())
//! ```
#![deny(missing_docs)]

mod container;
mod corpus;
mod document;
mod error;
mod features;
mod hash;
mod lang;
mod model;
mod output;
pub mod pipeline;
mod read;
mod segment;
pub mod train;

pub use corpus::{CorpusCounts, CorpusIndex, DEFAULT_INDEX_MEMORY, DocKeys};
pub use document::{BlockTag, Document, Format, Hints, Paragraph};
pub use error::{Error, Result};
pub use features::{DocAnalysis, FeatureSchema, analyse_corpus};
pub use hash::advise_huge_pages;
pub use lang::{
    DetectOptions, DocumentLanguage, LangGuess, ScriptClass, ScriptHistogram, detect,
    detect_document, detect_with, iso639_1, lang_from_code, prepare as prepare_language_tables,
};
/// The columns a stacked model's second stage adds after the feature schema's
/// ([`Classifier::Stacked`], [`Model::stack_columns`]).
pub use model::stack::NAMES as STACK_COLUMNS;
pub use model::{
    Classifier, ContentRoles, DocPrediction, FlatTree, Header, Label, Model, Prediction, Role,
};

/// Loaders that have no public entry point of their own, for the fuzz targets in `fuzz/`.
#[doc(hidden)]
pub mod fuzzing {
    /// Reads `bytes` as a language tables file (`models/lang.bin`) and as built tables read
    /// in place; what they say is dropped.
    pub fn language_tables(bytes: &[u8]) {
        let _ = crate::lang::ngram::TablesData::from_bytes(bytes);
        let _ = crate::lang::ngram::NgramModel::from_built(bytes);
    }
}

/// The model file: its magic bytes, the format version this build writes and the oldest it
/// reads, and its encoding of a header and a classifier.
pub mod model_file {
    pub use crate::model::artifact::{
        FORMAT_VERSION, MAGIC, OLDEST_FORMAT_VERSION, decode, encode,
    };
}
pub use read::charset::{decode_html, decode_text};
pub use read::{
    DEFAULT_MAX_RECORD_BYTES, InputFormat, JsonlKeys, ReadOptions, check_regular_file, read_all,
    read_bytes, read_bytes_as, read_path, url_host,
};
pub use segment::{
    LabeledSegments, TextMode, html_document, segment_html, segment_html_labeled, segment_text,
    text_document,
};
/// The language type of every answer ([`LangGuess::lang`], [`Prediction::lang`]): whatlang's,
/// re-exported so that reading it needs no dependency of its own.
pub use whatlang::Lang;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
