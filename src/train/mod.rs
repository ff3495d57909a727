//! Training, apart from serving: labeled fixtures, training parameters, fitting with linfa, and
//! measuring a model on labeled documents.
//!
//! - [`fixtures`]: the project's labeled training format, and the conversion from labeled HTML;
//! - [`params`]: [`TrainParams`], checked into [`TrainValidParams`];
//! - [`fit`] (cargo feature `train`, on by default): fitting a [`Model`](crate::Model) with
//!   linfa, linfa-trees and linfa-logistic;
//! - [`eval`] and [`metrics`]: paragraph-level and page-level (shingle) scores.
//!
//! Serving needs none of it: a model predicts with plain weights ([`crate::Model`]). Only
//! [`fit`] needs linfa and rand; the rest builds without the `train` feature.

pub mod eval;
#[cfg(feature = "train")]
pub mod fit;
pub mod fixtures;
pub mod metrics;
pub mod params;

pub use eval::{EvalReport, evaluate};
#[cfg(feature = "train")]
pub use fit::{TrainStep, train, train_with_progress};
pub use fixtures::{LabeledDoc, read_fixtures};
pub use params::{ModelKind, TrainParams, TrainValidParams};

/// The language-table file (`models/lang.bin`) as the `langmodel` training program writes it.
pub mod lang_tables {
    pub use crate::lang::ngram::{GroupData, MAX_ORDER, SCALE, TablesData};
}
