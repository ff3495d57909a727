//! The fitted linfa classifiers a model file can hold, and how they score feature rows.

use linfa::prelude::Predict;
use linfa_logistic::FittedLogisticRegression;
use linfa_trees::DecisionTree;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Class label of content in the fitted models (boilerplate is 0).
pub const CONTENT: usize = 1;

/// A fitted classifier: P(content) for each feature row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Classifier {
    /// linfa-logistic logistic regression on standardized columns.
    Logistic {
        /// Column means subtracted before predicting.
        mean: Vec<f32>,
        /// Column standard deviations divided by (1 for constant columns).
        std: Vec<f32>,
        /// The fitted model.
        model: FittedLogisticRegression<f32, usize>,
    },
    /// Bagged linfa decision trees on random column subsets (a random forest): P(content) is the
    /// share of trees voting content.
    Forest {
        /// The trees.
        trees: Vec<DecisionTree<f32, usize>>,
        /// The columns each tree was fitted on, in the order it expects them.
        columns: Vec<Vec<usize>>,
    },
}

impl Classifier {
    /// Short name: `logistic` or `forest`.
    pub fn kind(&self) -> &'static str {
        match self {
            Classifier::Logistic { .. } => "logistic",
            Classifier::Forest { .. } => "forest",
        }
    }

    /// The largest column index the classifier reads, plus one (0 when it reads none).
    pub fn columns_needed(&self) -> usize {
        match self {
            Classifier::Logistic { mean, .. } => mean.len(),
            Classifier::Forest { columns, .. } => columns
                .iter()
                .flat_map(|c| c.iter().map(|&i| i + 1))
                .max()
                .unwrap_or(0),
        }
    }

    /// Checks the internal shapes, so that predicting cannot panic.
    pub fn validate(&self, n_columns: usize) -> Result<(), String> {
        match self {
            Classifier::Logistic { mean, std, model } => {
                if mean.len() != n_columns
                    || std.len() != n_columns
                    || model.params().len() != n_columns
                {
                    return Err(format!(
                        "logistic model has {} weights, {} means and {} deviations for {n_columns} columns",
                        model.params().len(),
                        mean.len(),
                        std.len()
                    ));
                }
            }
            Classifier::Forest { trees, columns } => {
                if trees.is_empty() || trees.len() != columns.len() {
                    return Err(format!(
                        "forest has {} trees and {} column sets",
                        trees.len(),
                        columns.len()
                    ));
                }
                if self.columns_needed() > n_columns {
                    return Err(format!(
                        "forest reads column {} of {n_columns}",
                        self.columns_needed() - 1
                    ));
                }
                for (t, c) in trees.iter().zip(columns) {
                    let max = t.features().into_iter().max().map_or(0, |m| m + 1);
                    if max > c.len() {
                        return Err(format!(
                            "a tree splits on column {} of its {} columns",
                            max - 1,
                            c.len()
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// P(content) for each row of `x` (which must have the schema's column count).
    pub fn predict_proba(&self, x: ArrayView2<'_, f32>) -> Vec<f32> {
        if x.nrows() == 0 {
            return Vec::new();
        }
        match self {
            Classifier::Logistic { mean, std, model } => {
                let mut z = x.to_owned();
                for (mut col, (m, s)) in z.axis_iter_mut(Axis(1)).zip(mean.iter().zip(std)) {
                    col.mapv_inplace(|v| (v - m) / s);
                }
                let p = model.predict_probabilities(&z);
                let flip = model.labels().pos.class != CONTENT;
                p.iter().map(|&v| if flip { 1.0 - v } else { v }).collect()
            }
            Classifier::Forest { trees, columns } => {
                let mut votes = Array1::<f32>::zeros(x.nrows());
                for (tree, cols) in trees.iter().zip(columns) {
                    let sub: Array2<f32> = x.select(Axis(1), cols);
                    let pred: Array1<usize> = tree.predict(&sub);
                    votes.zip_mut_with(&pred, |v, &p| *v += (p == CONTENT) as u8 as f32);
                }
                let n = trees.len() as f32;
                votes.iter().map(|v| v / n).collect()
            }
        }
    }
}
