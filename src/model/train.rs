//! Fitting models on labeled documents (cargo feature `train`).

use linfa::prelude::*;
use linfa_ensemble::EnsembleLearnerParams;
use linfa_logistic::LogisticRegression;
use linfa_trees::DecisionTree;
use ndarray::{Array1, Array2, Axis, concatenate};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;

use super::Model;
use super::artifact::Header;
use super::classifier::{CONTENT, Classifier};
use crate::error::{Error, Result};
use crate::features::{CorpusIndex, DocAnalysis, FeatureSchema};
use crate::fixtures::LabeledDoc;

/// Which linfa classifier to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// linfa-logistic on standardized columns.
    Logistic,
    /// Bagged linfa-trees decision trees on random column subsets (linfa-ensemble).
    Forest,
}

/// Training parameters. The defaults are the ones the shipped model was built with.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// The classifier.
    pub kind: ModelKind,
    /// Trees in the forest.
    pub trees: usize,
    /// Maximum tree depth.
    pub max_depth: usize,
    /// Minimum sample weight in a leaf.
    pub min_weight_leaf: f32,
    /// Share of rows each tree is fitted on (drawn with replacement).
    pub bootstrap_proportion: f64,
    /// Share of columns each tree sees.
    pub feature_proportion: f64,
    /// L2 penalty of the logistic regression.
    pub alpha: f32,
    /// Also train on each HTML document with its markup forgotten, so the model works on plain
    /// text as well.
    pub text_view: bool,
    /// Times each plain-text document is repeated in the training rows.
    pub text_weight: usize,
    /// P(content) at or above which a paragraph is content.
    pub threshold: f32,
    /// Seed of every random choice: the same data and parameters give the same bytes.
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            kind: ModelKind::Forest,
            trees: 60,
            max_depth: 14,
            min_weight_leaf: 2.0,
            bootstrap_proportion: 0.5,
            feature_proportion: 0.5,
            alpha: 1.0,
            text_view: true,
            text_weight: 20,
            threshold: 0.5,
            seed: 17,
        }
    }
}

/// Feature rows and labels (1 content, 0 boilerplate) of labeled documents, counting corpus
/// repetition over `docs` as one corpus.
pub fn matrix(docs: &[LabeledDoc]) -> (Array2<f32>, Array1<usize>) {
    let analyses: Vec<DocAnalysis<'_>> =
        docs.par_iter().map(|d| DocAnalysis::new(&d.doc)).collect();
    let mut index = CorpusIndex::new();
    for a in &analyses {
        index.add(a);
    }
    let blocks: Vec<Array2<f32>> = analyses
        .par_iter()
        .map(|a| FeatureSchema::rows(a, Some(&index)))
        .collect();
    let views: Vec<_> = blocks.iter().map(|b| b.view()).collect();
    let x = if views.is_empty() {
        Array2::zeros((0, FeatureSchema::len()))
    } else {
        concatenate(Axis(0), &views).unwrap_or_else(|_| Array2::zeros((0, FeatureSchema::len())))
    };
    let y: Array1<usize> = docs
        .iter()
        .flat_map(|d| d.labels.iter().map(|&l| if l { CONTENT } else { 0 }))
        .collect();
    (x, y)
}

/// The training set for `params`: HTML documents, their plain-text views, plain-text documents
/// repeated `text_weight` times.
pub fn training_set(docs: &[LabeledDoc], params: &TrainParams) -> (Array2<f32>, Array1<usize>) {
    let html: Vec<LabeledDoc> = docs
        .iter()
        .filter(|d| d.doc.format == crate::Format::Html)
        .cloned()
        .collect();
    let text: Vec<LabeledDoc> = docs
        .iter()
        .filter(|d| d.doc.format == crate::Format::Text)
        .cloned()
        .collect();
    let mut parts = vec![matrix(&html)];
    if params.text_view {
        let views: Vec<LabeledDoc> = html.iter().map(LabeledDoc::text_view).collect();
        parts.push(matrix(&views));
    }
    if !text.is_empty() {
        let (x, y) = matrix(&text);
        for _ in 0..params.text_weight.max(1) {
            parts.push((x.clone(), y.clone()));
        }
    }
    let xs: Vec<_> = parts.iter().map(|p| p.0.view()).collect();
    let ys: Vec<_> = parts.iter().map(|p| p.1.view()).collect();
    (
        concatenate(Axis(0), &xs).unwrap_or_else(|_| Array2::zeros((0, FeatureSchema::len()))),
        concatenate(Axis(0), &ys).unwrap_or_else(|_| Array1::zeros(0)),
    )
}

/// Fits a classifier on rows `x` and labels `y`.
///
/// # Errors
/// [`Error::Training`] when there are no rows, only one class, or linfa fails.
pub fn fit(x: &Array2<f32>, y: &Array1<usize>, params: &TrainParams) -> Result<Classifier> {
    let content = y.iter().filter(|&&v| v == CONTENT).count();
    if x.nrows() == 0 || content == 0 || content == y.len() {
        return Err(Error::Training(format!(
            "need paragraphs of both classes, have {} content and {} boilerplate",
            content,
            y.len() - content
        )));
    }
    match params.kind {
        ModelKind::Logistic => {
            let n = x.nrows() as f32;
            let mean: Vec<f32> = x.axis_iter(Axis(1)).map(|c| c.sum() / n).collect();
            let std: Vec<f32> = x
                .axis_iter(Axis(1))
                .zip(&mean)
                .map(|(c, m)| {
                    let v = c.iter().map(|x| (x - m) * (x - m)).sum::<f32>() / n;
                    if v > 1e-12 { v.sqrt() } else { 1.0 }
                })
                .collect();
            let mut z = x.clone();
            for (mut col, (m, s)) in z.axis_iter_mut(Axis(1)).zip(mean.iter().zip(&std)) {
                col.mapv_inplace(|v| (v - m) / s);
            }
            let data = Dataset::new(z, y.clone());
            let model = LogisticRegression::default()
                .alpha(params.alpha)
                .max_iterations(300)
                .fit(&data)
                .map_err(|e| Error::Training(format!("logistic regression: {e}")))?;
            Ok(Classifier::Logistic { mean, std, model })
        }
        ModelKind::Forest => {
            let data = Dataset::new(x.clone(), y.clone());
            let tree_params = DecisionTree::params()
                .max_depth(Some(params.max_depth))
                .min_weight_leaf(params.min_weight_leaf);
            // One linfa-ensemble learner per tree, each with its own seed, fitted in parallel.
            let fitted: Vec<_> = (0..params.trees)
                .into_par_iter()
                .map(|t| {
                    let rng = StdRng::seed_from_u64(
                        params.seed.wrapping_mul(1_000_003).wrapping_add(t as u64),
                    );
                    EnsembleLearnerParams::new_fixed_rng(tree_params.clone(), rng)
                        .ensemble_size(1)
                        .bootstrap_proportion(params.bootstrap_proportion)
                        .feature_proportion(params.feature_proportion)
                        .fit(&data)
                        .map_err(|e| Error::Training(format!("tree {t}: {e}")))
                })
                .collect::<Result<Vec<_>>>()?;
            let mut trees = Vec::with_capacity(params.trees);
            let mut columns = Vec::with_capacity(params.trees);
            for mut e in fitted {
                if let (Some(m), Some(c)) = (e.models.pop(), e.model_features.pop()) {
                    trees.push(m);
                    columns.push(c);
                }
            }
            Ok(Classifier::Forest { trees, columns })
        }
    }
}

/// Trains a model on labeled documents.
///
/// # Errors
/// As [`fit`].
pub fn train(docs: &[LabeledDoc], params: &TrainParams, notes: String) -> Result<Model> {
    let (x, y) = training_set(docs, params);
    let classifier = fit(&x, &y, params)?;
    let header = Header {
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        schema: FeatureSchema::names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        labels: vec!["boilerplate".into(), "content".into()],
        threshold: params.threshold,
        notes,
    };
    Model::new(header, classifier)
}
