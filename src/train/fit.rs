//! Fitting models on labeled documents with linfa (cargo feature `train`): a forest of
//! linfa-trees decision trees, compiled into [`FlatTree`]s, and a linfa-logistic regression,
//! kept as its plain weights. The model that comes out needs no linfa to predict.

use std::borrow::Borrow;

use linfa::prelude::*;
use linfa_logistic::{FittedLogisticRegression, LogisticRegression};
use linfa_trees::DecisionTree;
use ndarray::{Array1, Array2, Axis, concatenate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use super::fixtures::LabeledDoc;
use super::params::{ModelKind, TrainParams, TrainValidParams};
use crate::error::{Error, Result};
use crate::features::{FeatureSchema, analyse_corpus};
use crate::model::classifier::{CONTENT, Classifier, standardize};
use crate::model::flat::{FlatTree, Stored};
use crate::model::{Header, Model};

/// Feature rows and labels (1 content, 0 boilerplate) of the labeled paragraphs of `docs`,
/// counting corpus repetition over `docs` as one corpus. Unlabeled paragraphs shape their
/// neighbours' rows but have no row of their own.
pub fn matrix<D: Borrow<LabeledDoc> + Sync>(docs: &[D]) -> (Array2<f32>, Array1<usize>) {
    let plain: Vec<&crate::Document> = docs.iter().map(|d| &d.borrow().doc).collect();
    let (analyses, index) = analyse_corpus(&plain);
    let blocks: Vec<Array2<f32>> = analyses
        .par_iter()
        .zip(docs.par_iter())
        .map(|(a, d)| {
            let rows = FeatureSchema::rows(a, Some(&index));
            let keep: Vec<usize> = (d.borrow().labels.iter().enumerate())
                .filter_map(|(i, l)| l.map(|_| i))
                .collect();
            if keep.len() == rows.nrows() {
                rows
            } else {
                rows.select(Axis(0), &keep)
            }
        })
        .collect();
    let views: Vec<_> = blocks.iter().map(|b| b.view()).collect();
    let x = if views.is_empty() {
        Array2::zeros((0, FeatureSchema::len()))
    } else {
        concatenate(Axis(0), &views).unwrap_or_else(|_| Array2::zeros((0, FeatureSchema::len())))
    };
    let y: Array1<usize> = docs
        .iter()
        .flat_map(|d| {
            d.borrow()
                .labels
                .iter()
                .filter_map(|&l| l.map(|l| if l { CONTENT } else { 0 }))
        })
        .collect();
    (x, y)
}

/// The training set for `params`: HTML documents (documents of smaller sources repeated when
/// `balance_sources`), their plain-text views, and plain-text documents repeated `text_weight`
/// times. Corpus repetition is counted over the distinct documents, before any repetition.
pub fn training_set(
    docs: &[LabeledDoc],
    params: &TrainValidParams,
) -> (Array2<f32>, Array1<usize>) {
    let (html, text, html_times) = html_and_text(docs, params);
    let mut parts = vec![repeat_docs(matrix(&html), &html, &html_times)];
    if params.text_view {
        let views: Vec<LabeledDoc> = html.iter().map(|d| d.text_view()).collect();
        parts.push(repeat_docs(matrix(&views), &views, &html_times));
    }
    let text_times = vec![params.text_weight; text.len()];
    parts.push(repeat_docs(matrix(&text), &text, &text_times));
    let xs: Vec<_> = parts.iter().map(|p| p.0.view()).collect();
    let ys: Vec<_> = parts.iter().map(|p| p.1.view()).collect();
    (
        concatenate(Axis(0), &xs).unwrap_or_else(|_| Array2::zeros((0, FeatureSchema::len()))),
        concatenate(Axis(0), &ys).unwrap_or_else(|_| Array1::zeros(0)),
    )
}

/// The HTML and the plain-text documents of `docs`, and how many times each HTML document's rows
/// are repeated (more than once for smaller sources when `balance_sources`).
fn html_and_text<'d>(
    docs: &'d [LabeledDoc],
    params: &TrainValidParams,
) -> (Vec<&'d LabeledDoc>, Vec<&'d LabeledDoc>, Vec<usize>) {
    let of = |format: crate::Format| -> Vec<&LabeledDoc> {
        docs.iter().filter(|d| d.doc.format == format).collect()
    };
    let (html, text) = (of(crate::Format::Html), of(crate::Format::Text));
    let html_times = if params.balance_sources {
        source_weights(&html)
    } else {
        vec![1; html.len()]
    };
    (html, text, html_times)
}

/// Repeats each document's rows `times[i]` times.
fn repeat_docs<D: Borrow<LabeledDoc> + Sync>(
    (x, y): (Array2<f32>, Array1<usize>),
    docs: &[D],
    times: &[usize],
) -> (Array2<f32>, Array1<usize>) {
    if times.iter().all(|&t| t == 1) {
        return (x, y);
    }
    let mut rows = Vec::new();
    let mut at = 0;
    for (d, &t) in docs.iter().zip(times) {
        let n = d.borrow().labeled();
        for _ in 0..t {
            rows.extend(at..at + n);
        }
        at += n;
    }
    (x.select(Axis(0), &rows), y.select(Axis(0), &rows))
}

fn source_of(d: &LabeledDoc) -> &str {
    d.doc.id.split('/').next().unwrap_or("")
}

/// For each document, how many times to repeat it so each source (id prefix before the first
/// `/`) weighs about as much as the largest one, by paragraphs, at most 4 times.
fn source_weights(docs: &[&LabeledDoc]) -> Vec<usize> {
    let mut sizes: Vec<(&str, usize)> = Vec::new();
    for d in docs {
        match sizes.iter_mut().find(|(s, _)| *s == source_of(d)) {
            Some((_, n)) => *n += d.labeled(),
            None => sizes.push((source_of(d), d.labeled())),
        }
    }
    let largest = sizes.iter().map(|&(_, n)| n).max().unwrap_or(0) as f64;
    docs.iter()
        .map(|d| {
            let n = sizes
                .iter()
                .find(|(s, _)| *s == source_of(d))
                .map_or(1, |&(_, n)| n);
            (largest / n.max(1) as f64).round().clamp(1.0, 4.0) as usize
        })
        .collect()
}

/// A step of training, as [`train_with_progress`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainStep {
    /// The feature rows are made: this many, of this many columns.
    Rows {
        /// Rows (labeled paragraphs, repeats included).
        rows: usize,
        /// Columns.
        columns: usize,
    },
    /// Trees of the forest fitted so far (in any order: they are fitted in parallel).
    Tree {
        /// Fitted.
        done: usize,
        /// In all.
        of: usize,
    },
    /// The logistic regression is fitted.
    Logistic,
    /// A stage of a stacked model begins.
    Stage {
        /// What it fits.
        name: &'static str,
    },
}

/// Fits a classifier on rows `x` and labels `y`.
///
/// # Errors
/// [`Error::Training`] when there are no rows, only one class, or linfa fails.
pub fn fit(x: &Array2<f32>, y: &Array1<usize>, params: &TrainValidParams) -> Result<Classifier> {
    fit_with_progress(x, y, params, &|_| {})
}

/// [`fit`], calling `progress` after each step (from the worker threads, for trees).
///
/// # Errors
/// As [`fit`].
pub fn fit_with_progress(
    x: &Array2<f32>,
    y: &Array1<usize>,
    params: &TrainValidParams,
    progress: &(dyn Fn(TrainStep) + Sync),
) -> Result<Classifier> {
    let content = y.iter().filter(|&&v| v == CONTENT).count();
    if x.nrows() == 0 || content == 0 || content == y.len() {
        return Err(Error::Training(format!(
            "need paragraphs of both classes, have {} content and {} boilerplate",
            content,
            y.len() - content
        )));
    }
    match params.kind {
        ModelKind::Blend => {
            // In (0, 1), as checked.
            let w = params.blend_forest_weight;
            let forest = fit_with_progress(x, y, &params.with_kind(ModelKind::Forest), progress)?;
            let logistic =
                fit_with_progress(x, y, &params.with_kind(ModelKind::Logistic), progress)?;
            Ok(Classifier::Blend {
                parts: vec![(w, forest), (1.0 - w, logistic)],
            })
        }
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
            let z = standardize(x.view(), &mean, &std);
            let data = Dataset::new(z, y.clone());
            let model = LogisticRegression::default()
                .alpha(params.alpha)
                .max_iterations(300)
                .fit(&data)
                .map_err(|e| Error::Training(format!("logistic regression: {e}")))?;
            progress(TrainStep::Logistic);
            Ok(plain_logistic(mean, std, &model))
        }
        ModelKind::Forest => {
            let n_rows = ((x.nrows() as f64) * params.bootstrap_proportion)
                .ceil()
                .max(1.0) as usize;
            let n_cols = ((x.ncols() as f64) * params.feature_proportion)
                .ceil()
                .max(1.0) as usize;
            // Each tree: its own seeded bootstrap of rows and subset of columns, fitted in
            // parallel. A leaf's value is the content share of the tree's rows that reach it
            // (linfa's own leaf label is a majority vote, not a probability).
            type Fitted = (FlatTree, Vec<f32>);
            let done = std::sync::atomic::AtomicUsize::new(0);
            let fitted: Vec<Fitted> = (0..params.trees)
                .into_par_iter()
                .map(|t| {
                    let mut rng = StdRng::seed_from_u64(
                        params.seed.wrapping_mul(1_000_003).wrapping_add(t as u64),
                    );
                    let rows: Vec<usize> =
                        (0..n_rows).map(|_| rng.gen_range(0..x.nrows())).collect();
                    let mut cols =
                        rand::seq::index::sample(&mut rng, x.ncols(), n_cols.min(x.ncols()))
                            .into_vec();
                    cols.sort_unstable();
                    let full = x.select(Axis(0), &rows);
                    let labels = y.select(Axis(0), &rows);
                    // Integer weights (exact in f32 for any row count here) that differ by class:
                    // linfa breaks a tied majority by hash-map order and then prunes sibling leaves
                    // of equal majority, so a tie would make the tree depend on the process. With
                    // 64 and 67 a tie needs a node of exactly 64k content and 67k boilerplate rows.
                    let weights = labels.mapv(|l| if l == CONTENT { 67.0 } else { 64.0 });
                    let sub = full.select(Axis(1), &cols);
                    let all: Vec<usize> = (0..sub.nrows()).collect();
                    let stored = grow_tree(
                        &sub,
                        &labels,
                        &weights,
                        &cols,
                        all,
                        params.max_depth,
                        params,
                    )
                    .map_err(|e| Error::Training(format!("tree {t}: {e}")))?;
                    let flat = FlatTree::from_stored(&stored).map_err(Error::Training)?;
                    let mut counts = vec![(0u32, 0u32); flat.leaves()];
                    for (row, &label) in full.outer_iter().zip(&labels) {
                        let leaf = flat.leaf(row);
                        counts[leaf].0 += (label == CONTENT) as u32;
                        counts[leaf].1 += 1;
                    }
                    let base = labels.iter().filter(|&&l| l == CONTENT).count() as f32
                        / labels.len().max(1) as f32;
                    let values = counts
                        .iter()
                        .map(|&(c, n)| if n == 0 { base } else { c as f32 / n as f32 })
                        .collect();
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress(TrainStep::Tree {
                        done: n,
                        of: params.trees,
                    });
                    Ok((flat, values))
                })
                .collect::<Result<Vec<_>>>()?;
            let (trees, leaf_values) = fitted.into_iter().unzip();
            Ok(Classifier::FlatForest { trees, leaf_values })
        }
    }
}

/// A decision tree of depth at most `depth` on rows `rows` of `x` (whose columns are columns
/// `cols` of the full row), as stored nodes, grown one split at a time: each node's split is the
/// one linfa's decision tree chooses at its root (Gini, the same weight limits), on the rows that
/// reach the node. Grown this way a node costs its own rows, not the whole data set (linfa's tree
/// scans every row at every node), and no subtree is pruned away because its leaves share a
/// majority class: their content shares, which the forest averages, still differ.
fn grow_tree(
    x: &Array2<f32>,
    y: &Array1<usize>,
    w: &Array1<f32>,
    cols: &[usize],
    rows: Vec<usize>,
    depth: usize,
    params: &TrainValidParams,
) -> std::result::Result<Vec<Stored>, String> {
    let content = rows.iter().filter(|&&r| y[r] == CONTENT).count();
    if depth == 0
        || (rows.len() as f32) < params.min_weight_split
        || content == 0
        || content == rows.len()
    {
        return Ok(vec![Stored::Leaf]);
    }
    let xs = x.select(Axis(0), &rows);
    let stump = DecisionTree::params()
        .max_depth(Some(1))
        .min_weight_split(params.min_weight_split)
        .min_weight_leaf(params.min_weight_leaf)
        .fit(&Dataset::new(xs, y.select(Axis(0), &rows)).with_weights(w.select(Axis(0), &rows)))
        .map_err(|e| e.to_string())?;
    // A root that found no split is an empty leaf, with no impurity decrease.
    let (feature, threshold, decrease) = stump.root_node().split();
    if decrease <= 0.0 || feature >= cols.len() {
        return Ok(vec![Stored::Leaf]);
    }
    let (left, right): (Vec<usize>, Vec<usize>) =
        rows.iter().partition(|&&r| x[(r, feature)] <= threshold);
    if left.is_empty() || right.is_empty() {
        return Ok(vec![Stored::Leaf]);
    }
    let column = u32::try_from(cols[feature]).map_err(|e| e.to_string())?;
    let mut out = vec![Stored::Split(column, threshold)];
    out.extend(grow_tree(x, y, w, cols, left, depth - 1, params)?);
    out.extend(grow_tree(x, y, w, cols, right, depth - 1, params)?);
    Ok(out)
}

/// Trains a model on labeled documents.
///
/// # Errors
/// [`Error::InvalidParam`] when `params` do not pass [`TrainParams::check`], before anything
/// is computed; otherwise as [`fit`].
pub fn train(docs: &[LabeledDoc], params: &TrainParams, notes: String) -> Result<Model> {
    train_with_progress(docs, params, notes, &|_| {})
}

/// [`train`], calling `progress` after each step.
///
/// # Errors
/// As [`train`].
pub fn train_with_progress(
    docs: &[LabeledDoc],
    params: &TrainParams,
    notes: String,
    progress: &(dyn Fn(TrainStep) + Sync),
) -> Result<Model> {
    let params = params.clone().check()?;
    let classifier = if params.stack_trees > 0 {
        fit_stacked(docs, &params, progress)?
    } else {
        let (x, y) = training_set(docs, &params);
        progress(TrainStep::Rows {
            rows: x.nrows(),
            columns: x.ncols(),
        });
        fit_with_progress(&x, &y, &params, progress)?
    };
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

/// Which half of the documents a stacked model's first stages put a document in: by its id, so
/// that an HTML page and its plain-text view fall in the same half.
fn half_of(d: &LabeledDoc) -> usize {
    (xxhash_rust::xxh3::xxh3_64(d.doc.id.as_bytes()) & 1) as usize
}

/// One training document of a stacked fit: every paragraph's feature row, the labeled
/// paragraphs, and how many times its rows are repeated.
struct StackDoc<'a> {
    analysis: &'a crate::features::DocAnalysis<'a>,
    rows: Array2<f32>,
    labeled: Vec<usize>,
    labels: Vec<usize>,
    times: usize,
    half: usize,
}

/// Rows and labels of the labeled paragraphs of `docs` (each repeated its `times`), with `extra`
/// columns made per document appended when given.
fn stacked_rows(
    docs: &[StackDoc<'_>],
    pick: impl Fn(&StackDoc<'_>) -> bool,
    extra: Option<&[Vec<f32>]>,
) -> (Array2<f32>, Array1<usize>) {
    let base = FeatureSchema::len();
    let width = base + extra.map_or(0, |_| crate::model::stack::NAMES.len());
    let mut data = Vec::new();
    let mut y = Vec::new();
    for (k, d) in docs.iter().enumerate().filter(|(_, d)| pick(d)) {
        for _ in 0..d.times {
            for (&i, &l) in d.labeled.iter().zip(&d.labels) {
                data.extend(d.rows.row(i).iter());
                if let Some(e) = extra {
                    let n = crate::model::stack::NAMES.len();
                    data.extend_from_slice(&e[k][i * n..(i + 1) * n]);
                }
                y.push(l);
            }
        }
    }
    let n = y.len();
    (
        Array2::from_shape_vec((n, width), data).unwrap_or_else(|_| Array2::zeros((0, width))),
        Array1::from(y),
    )
}

/// Fits a stacked classifier ([`Classifier::Stacked`]): two first stages, each on one half of
/// the documents; the stack columns of every document from the first stage that did not see
/// it; the second stage on the feature rows and those columns. Falls back to one stage when a
/// half lacks a class.
fn fit_stacked(
    docs: &[LabeledDoc],
    params: &TrainValidParams,
    progress: &(dyn Fn(TrainStep) + Sync),
) -> Result<Classifier> {
    let (html, text, html_times) = html_and_text(docs, params);
    let views: Vec<LabeledDoc> = if params.text_view {
        html.iter().map(|d| d.text_view()).collect()
    } else {
        Vec::new()
    };
    // The same sets, counted as corpora of their own, as [`training_set`] makes them.
    let mut sets: Vec<(Vec<&LabeledDoc>, Vec<usize>)> = vec![(html.clone(), html_times.clone())];
    if params.text_view {
        sets.push((views.iter().collect(), html_times));
    }
    sets.push((text.clone(), vec![params.text_weight; text.len()]));
    let plains: Vec<Vec<&crate::Document>> = sets
        .iter()
        .map(|(d, _)| d.iter().map(|d| &d.doc).collect())
        .collect();
    let analysed: Vec<_> = plains.iter().map(|p| analyse_corpus(p)).collect();
    let mut all: Vec<StackDoc<'_>> = Vec::new();
    for ((set, times), (analyses, index)) in sets.iter().zip(&analysed) {
        let made: Vec<StackDoc<'_>> = analyses
            .par_iter()
            .zip(set.par_iter())
            .zip(times.par_iter())
            .map(|((a, d), &times)| {
                let (labeled, labels) = d
                    .labels
                    .iter()
                    .enumerate()
                    .filter_map(|(i, l)| l.map(|l| (i, if l { CONTENT } else { 0 })))
                    .unzip();
                StackDoc {
                    analysis: a,
                    rows: FeatureSchema::rows(a, Some(index)),
                    labeled,
                    labels,
                    times,
                    half: half_of(d),
                }
            })
            .collect();
        all.extend(made);
    }
    let halves: Vec<(Array2<f32>, Array1<usize>)> = (0..2)
        .map(|h| stacked_rows(&all, |d| d.half == h, None))
        .collect();
    let both_classes =
        |y: &Array1<usize>| y.iter().any(|&l| l == CONTENT) && y.iter().any(|&l| l != CONTENT);
    if !halves.iter().all(|(_, y)| both_classes(y)) {
        progress(TrainStep::Stage {
            name: "one stage: a half of the documents lacks a class",
        });
        let (x, y) = stacked_rows(&all, |_| true, None);
        progress(TrainStep::Rows {
            rows: x.nrows(),
            columns: x.ncols(),
        });
        return fit_with_progress(&x, &y, params, progress);
    }
    let mut firsts = Vec::new();
    for (h, (x, y)) in halves.iter().enumerate() {
        progress(TrainStep::Stage {
            name: if h == 0 {
                "first stage on the first half of the documents"
            } else {
                "first stage on the second half of the documents"
            },
        });
        progress(TrainStep::Rows {
            rows: x.nrows(),
            columns: x.ncols(),
        });
        firsts.push(fit_with_progress(
            x,
            y,
            &params.first_stage(h as u64),
            progress,
        )?);
    }
    drop(halves);
    // Each document's stack columns from the first stage that was not fitted on it.
    let n = crate::model::stack::NAMES.len();
    let extra: Vec<Vec<f32>> = all
        .par_iter()
        .map(|d| {
            let scores = firsts[1 - d.half].predict_proba(d.rows.view());
            let s = crate::model::stack::DocScores::new(d.analysis, &scores);
            let mut cols = vec![0f32; d.rows.nrows() * n];
            for (i, row) in cols.chunks_exact_mut(n).enumerate() {
                s.fill(d.analysis, i, row);
            }
            cols
        })
        .collect();
    progress(TrainStep::Stage {
        name: "second stage on every document, with the stack columns",
    });
    let (x, y) = stacked_rows(&all, |_| true, Some(&extra));
    progress(TrainStep::Rows {
        rows: x.nrows(),
        columns: x.ncols(),
    });
    let second = fit_with_progress(&x, &y, params, progress)?;
    let mut firsts = firsts.into_iter();
    let (a, b) = (firsts.next(), firsts.next());
    let (Some(a), Some(b)) = (a, b) else {
        return Err(Error::Training("a first stage is missing".into()));
    };
    Ok(Classifier::Stacked {
        first: Box::new(Classifier::Blend {
            parts: vec![(0.5, a), (0.5, b)],
        }),
        second: Box::new(second),
    })
}

/// The plain form of a fitted logistic regression on columns standardized with `mean` and
/// `std`: its weights and intercept, and which class it took as positive. It predicts what
/// linfa's `predict_probabilities` does, to the bit.
pub(crate) fn plain_logistic(
    mean: Vec<f32>,
    std: Vec<f32>,
    model: &FittedLogisticRegression<f32, usize>,
) -> Classifier {
    Classifier::Logistic {
        mean,
        std,
        weights: model.params().to_vec(),
        intercept: model.intercept(),
        predicts_content: model.labels().pos.class == CONTENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2};

    /// Rows of `n` columns, some of them large, and labels: content for a third of the rows, or
    /// for two thirds of them.
    fn rows(n: usize, cols: usize, content_is_larger: bool) -> (Array2<f32>, Array1<usize>) {
        let x = Array2::from_shape_fn((n, cols), |(i, j)| {
            let v = ((i * 7919 + j * 104_729) % 1000) as f32 / 37.0;
            if j % 3 == 0 { v * 1e3 } else { v - 13.0 }
        });
        let y = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, r)| usize::from((i % 3 == 0 || r[1] > 20.0) != content_is_larger))
            .collect();
        (x, y)
    }

    /// The plain logistic regression scores rows exactly as linfa's fitted one, whichever class
    /// linfa took as positive (the larger one), and in place as in a copy.
    #[test]
    fn the_plain_logistic_regression_predicts_as_linfa_to_the_bit() {
        for content_is_larger in [false, true] {
            let (x, y) = rows(301, 19, content_is_larger);
            let mean: Vec<f32> = (0..19).map(|j| j as f32 * 0.5).collect();
            let std: Vec<f32> = (0..19).map(|j| 1.0 + j as f32).collect();
            let z = standardize(x.view(), &mean, &std);
            let model = LogisticRegression::default()
                .max_iterations(50)
                .fit(&Dataset::new(z.clone(), y.clone()))
                .unwrap();
            assert_eq!(model.labels().pos.class == CONTENT, content_is_larger);
            let plain = plain_logistic(mean, std, &model);
            let linfa: Vec<f32> = model
                .predict_probabilities(&z)
                .iter()
                .map(|&p| if content_is_larger { p } else { 1.0 - p })
                .collect();
            let bits = |v: &[f32]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&plain.predict_proba(x.view())), bits(&linfa));
            let mut copy = x.clone();
            assert_eq!(
                bits(&plain.predict_proba_mut(copy.view_mut())),
                bits(&linfa)
            );
            // Not standard layout: the same.
            let t = x.t().to_owned();
            assert_eq!(bits(&plain.predict_proba(t.t())), bits(&linfa));
        }
    }
}
