//! The fitted classifiers a model file can hold, as plain weights, and how they score feature
//! rows. Nothing here needs linfa, which fits them (`crate::train`).

use ndarray::{Array2, ArrayBase, ArrayView1, ArrayView2, ArrayViewMut2, Axis, Data, Ix2};
use serde::{Deserialize, Serialize};

use super::flat::FlatTree;

/// `(x - mean) / std`, column by column: what the logistic regression is fitted on and fed.
pub(crate) fn standardize(x: ArrayView2<'_, f32>, mean: &[f32], std: &[f32]) -> Array2<f32> {
    let mut z = x.as_standard_layout().into_owned();
    standardize_in_place(z.view_mut(), mean, std);
    z
}

/// [`standardize`] in place.
fn standardize_in_place(mut x: ArrayViewMut2<'_, f32>, mean: &[f32], std: &[f32]) {
    // Row by row, along the memory.
    for mut row in x.axis_iter_mut(Axis(0)) {
        for (v, (m, s)) in row.iter_mut().zip(mean.iter().zip(std)) {
            *v = (*v - m) / s;
        }
    }
}

/// P(content) of each standardized row of `z` by a logistic regression.
///
/// The same floating-point operations in the same order as linfa-logistic 0.8's
/// `FittedLogisticRegression::predict_probabilities`, which fitted it, so that the scores are
/// the same to the bit: ndarray's matrix-vector `dot` of the rows with the weights, plus the
/// intercept, through `1 / (1 + exp(-x))`; then `1 - p` when the regression's positive class
/// was boilerplate.
fn logistic_proba<S: Data<Elem = f32>>(
    weights: &[f32],
    intercept: f32,
    predicts_content: bool,
    z: &ArrayBase<S, Ix2>,
) -> Vec<f32> {
    let mut p = z.dot(&ArrayView1::from(weights)) + intercept;
    p.mapv_inplace(|x| 1.0 / (1.0 + (-x).exp()));
    p.iter()
        .map(|&v| if predicts_content { v } else { 1.0 - v })
        .collect()
}

/// Class label of content in the fitted models (boilerplate is 0).
pub const CONTENT: usize = 1;

/// A fitted classifier: P(content) for each feature row.
///
/// In a model file the variants are numbered in this order (bincode): a new one goes last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Classifier {
    /// A logistic regression on standardized columns: P = 1 / (1 + exp(-(z · weights +
    /// intercept))) with `z = (x - mean) / std`.
    Logistic {
        /// Column means subtracted before predicting.
        mean: Vec<f32>,
        /// Column standard deviations divided by (1 for constant columns).
        std: Vec<f32>,
        /// One weight per column.
        weights: Vec<f32>,
        /// The intercept.
        intercept: f32,
        /// Whether P is P(content); otherwise it is P(boilerplate), and P(content) is `1 - P`
        /// (linfa takes the larger class of its training rows as the positive one).
        predicts_content: bool,
    },
    /// Bagged decision trees on random column subsets (a random forest), compiled into flat
    /// node arrays over the full feature row: P(content) is the mean over trees of the content
    /// share of the training rows in the leaf a row falls into.
    FlatForest {
        /// The trees.
        trees: Vec<FlatTree>,
        /// For each tree, the content share of each leaf (leaves in depth-first order).
        leaf_values: Vec<Vec<f32>>,
    },
    /// A weighted mean of the P(content) of several classifiers.
    Blend {
        /// (weight, classifier) pairs; the weights are positive and sum to 1.
        parts: Vec<(f32, Classifier)>,
    },
    /// Two stages: `first` scores each paragraph from its feature row; `second` scores it
    /// again from the same row followed by the columns of [`super::stack::NAMES`], which
    /// summarize the first stage's scores of its neighbours, its container and its document.
    ///
    /// The second stage needs the document, so [`super::Model`] runs it; on rows alone
    /// ([`Classifier::predict_proba`]) a stacked classifier gives its first stage's scores.
    Stacked {
        /// The first stage, on the feature schema's columns.
        first: Box<Classifier>,
        /// The second stage, on the schema's columns and then the stack columns.
        second: Box<Classifier>,
    },
}

impl Classifier {
    /// Short name: `logistic` or `forest`.
    pub fn kind(&self) -> &'static str {
        match self {
            Classifier::Logistic { .. } => "logistic",
            Classifier::FlatForest { .. } => "forest",
            Classifier::Blend { .. } => "blend",
            Classifier::Stacked { .. } => "stacked",
        }
    }

    /// Checks the internal shapes against `n_columns` feature columns, so that predicting cannot
    /// panic.
    pub(crate) fn check(&self, n_columns: usize) -> Result<(), String> {
        match self {
            Classifier::Logistic {
                mean,
                std,
                weights,
                intercept,
                ..
            } => {
                if mean.len() != n_columns || std.len() != n_columns || weights.len() != n_columns {
                    return Err(format!(
                        "logistic model has {} weights, {} means and {} deviations for {n_columns} columns",
                        weights.len(),
                        mean.len(),
                        std.len()
                    ));
                }
                if let Some(v) = mean.iter().find(|m| !m.is_finite()) {
                    return Err(format!("logistic model has a column mean of {v}"));
                }
                if let Some(v) = weights.iter().find(|w| !w.is_finite()) {
                    return Err(format!("logistic model has a weight of {v}"));
                }
                if std.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
                    return Err("logistic model has a non-positive deviation".into());
                }
                if !intercept.is_finite() {
                    return Err(format!("logistic model has an intercept of {intercept}"));
                }
            }
            Classifier::FlatForest { trees, leaf_values } => {
                if trees.is_empty() || trees.len() != leaf_values.len() {
                    return Err(format!(
                        "forest has {} trees and {} leaf tables",
                        trees.len(),
                        leaf_values.len()
                    ));
                }
                for (t, (flat, values)) in trees.iter().zip(leaf_values.iter()).enumerate() {
                    if flat.columns_needed() > n_columns {
                        return Err(format!(
                            "tree {t} reads column {} of {n_columns}",
                            flat.columns_needed() - 1
                        ));
                    }
                    if flat.leaves() != values.len() {
                        return Err(format!(
                            "tree {t} has {} leaves and {} leaf values",
                            flat.leaves(),
                            values.len()
                        ));
                    }
                    if let Some(v) = values.iter().find(|v| !(0.0..=1.0).contains(*v)) {
                        return Err(format!("tree {t} has a leaf value of {v}, outside [0, 1]"));
                    }
                }
            }
            Classifier::Blend { parts } => {
                if parts.is_empty() {
                    return Err("blend has no parts".into());
                }
                let sum: f32 = parts.iter().map(|(w, _)| *w).sum();
                if parts.iter().any(|(w, _)| !(w.is_finite() && *w > 0.0))
                    || (sum - 1.0).abs() > 1e-4
                {
                    return Err(format!(
                        "blend weights {:?} are not positive numbers summing to 1",
                        parts.iter().map(|(w, _)| *w).collect::<Vec<_>>()
                    ));
                }
                if parts
                    .iter()
                    .any(|(_, c)| matches!(c, Classifier::Stacked { .. }))
                {
                    return Err("a part of a blend is a stacked model".into());
                }
                for (i, (_, c)) in parts.iter().enumerate() {
                    c.check(n_columns)
                        .map_err(|e| format!("blend part {i}: {e}"))?;
                }
            }
            Classifier::Stacked { first, second } => {
                if matches!(**first, Classifier::Stacked { .. })
                    || matches!(**second, Classifier::Stacked { .. })
                {
                    return Err("a stage of a stacked model is itself stacked".into());
                }
                first
                    .check(n_columns)
                    .map_err(|e| format!("first stage: {e}"))?;
                second
                    .check(n_columns + super::stack::NAMES.len())
                    .map_err(|e| format!("second stage: {e}"))?;
            }
        }
        Ok(())
    }

    /// [`Classifier::predict_proba`] of rows that it may change: a logistic regression
    /// standardizes them in place rather than in a copy (in a blend, the last one does, after
    /// the other parts have seen the rows as given). The result is the same.
    pub fn predict_proba_mut(&self, mut x: ArrayViewMut2<'_, f32>) -> Vec<f32> {
        match self {
            Classifier::Logistic {
                mean,
                std,
                weights,
                intercept,
                predicts_content,
            } if x.nrows() > 0 => {
                standardize_in_place(x.view_mut(), mean, std);
                logistic_proba(weights, *intercept, *predicts_content, &x)
            }
            Classifier::Blend { parts } => {
                let last = parts
                    .iter()
                    .rposition(|(_, c)| matches!(c, Classifier::Logistic { .. }));
                let mut probs: Vec<Option<Vec<f32>>> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, (_, c))| (Some(i) != last).then(|| c.predict_proba(x.view())))
                    .collect();
                if let Some(i) = last {
                    probs[i] = Some(parts[i].1.predict_proba_mut(x.view_mut()));
                }
                // Summed in the parts' order, as `predict_proba` does.
                let mut out = vec![0f32; x.nrows()];
                for ((w, _), p) in parts.iter().zip(probs.into_iter().flatten()) {
                    for (o, p) in out.iter_mut().zip(p) {
                        *o += w * p;
                    }
                }
                out
            }
            Classifier::Stacked { first, .. } => first.predict_proba_mut(x),
            _ => self.predict_proba(x.view()),
        }
    }

    /// P(content) for each row of `x` (which must have the schema's column count).
    pub fn predict_proba(&self, x: ArrayView2<'_, f32>) -> Vec<f32> {
        if x.nrows() == 0 {
            return Vec::new();
        }
        match self {
            Classifier::Logistic {
                mean,
                std,
                weights,
                intercept,
                predicts_content,
            } => logistic_proba(
                weights,
                *intercept,
                *predicts_content,
                &standardize(x, mean, std),
            ),
            Classifier::FlatForest {
                trees: compiled,
                leaf_values,
            } => {
                let n = compiled.len().max(1) as f32;
                // Tree by tree over a block of rows: the block's rows stay in the first-level
                // cache while every tree walks them, and one tree's nodes while it does.
                const BLOCK: usize = 32;
                let x = x.as_standard_layout();
                let cols = x.ncols().max(1);
                let data = x.as_slice().unwrap_or_default();
                let mut out = vec![0f32; x.nrows()];
                // Within a block, rows walk a tree eight at a time (`FlatTree::leaves_of`).
                const SIDE: usize = 8;
                for (out, rows) in out.chunks_mut(BLOCK).zip(data.chunks(BLOCK * cols)) {
                    for (t, v) in compiled.iter().zip(leaf_values) {
                        let mut outs = out.chunks_exact_mut(SIDE);
                        let mut groups = rows.chunks_exact(SIDE * cols);
                        for (o, g) in (&mut outs).zip(&mut groups) {
                            let mut r = g.chunks_exact(cols);
                            let side: [&[f32]; SIDE] =
                                std::array::from_fn(|_| r.next().unwrap_or_default());
                            for (o, leaf) in o.iter_mut().zip(t.leaves_of(side)) {
                                *o += v[leaf];
                            }
                        }
                        let rest = groups.remainder().chunks_exact(cols);
                        for (o, row) in outs.into_remainder().iter_mut().zip(rest) {
                            *o += v[t.leaf_of(row)];
                        }
                    }
                }
                for o in &mut out {
                    *o /= n;
                }
                out
            }
            Classifier::Blend { parts } => {
                let mut out = vec![0f32; x.nrows()];
                for (w, c) in parts {
                    for (o, p) in out.iter_mut().zip(c.predict_proba(x)) {
                        *o += w * p;
                    }
                }
                out
            }
            Classifier::Stacked { first, .. } => first.predict_proba(x),
        }
    }
}
