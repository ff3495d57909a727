//! Training parameters, as linfa takes them: [`TrainParams`] are set freely, and
//! [`TrainParams::check`] turns them into [`TrainValidParams`], which is what fitting takes.
//! A refused value is an [`Error::InvalidParam`] that names the parameter.

use std::ops::Deref;

use crate::error::{Error, Result};

/// Which classifier to fit.
///
/// With the `cli` feature, also the values of `parasift train --kind` (in this order, without
/// help of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ModelKind {
    /// The forest and the logistic regression, fitted on the same rows, their P(content)
    /// averaged with weights `blend_forest_weight` and `1 - blend_forest_weight`.
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Blend,
    /// Bagged decision trees (linfa-trees) on random column subsets (a random forest).
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Forest,
    /// A logistic regression (linfa-logistic) on standardized columns.
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Logistic,
}

/// Training parameters. The defaults are the ones the shipped model was built with.
///
/// Their `Debug` form goes into the notes of the model's header (`parasift train`), so that
/// the fields, their order and their names are part of what a rebuilt model's bytes depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// The classifier.
    pub kind: ModelKind,
    /// Trees in the forest.
    pub trees: usize,
    /// Maximum tree depth.
    pub max_depth: usize,
    /// Minimum sample weight in a leaf (a boilerplate row weighs 64, a content row 67).
    pub min_weight_leaf: f32,
    /// Share of rows each tree is fitted on (drawn with replacement).
    pub bootstrap_proportion: f64,
    /// Share of columns each tree sees.
    pub feature_proportion: f64,
    /// L2 penalty of the logistic regression.
    pub alpha: f32,
    /// Weight of the forest in a blend (the logistic regression has the rest).
    pub blend_forest_weight: f32,
    /// Also train on each HTML document with its markup forgotten, so the model works on plain
    /// text as well.
    pub text_view: bool,
    /// Times each plain-text document is repeated in the training rows.
    pub text_weight: usize,
    /// Repeat the documents of smaller sources (the part of the id before the first `/`) so each
    /// source weighs about as much as the largest, at most 4 times.
    pub balance_sources: bool,
    /// Minimum sample weight for a node to be split.
    pub min_weight_split: f32,
    /// P(content) at or above which a paragraph is content.
    pub threshold: f32,
    /// Seed of every random choice: the same data and parameters give the same bytes.
    pub seed: u64,
    /// Trees of each of the two first stages of a stacked model (0: no second stage). The
    /// documents are split in two halves; a first stage is fitted on each, each scores the
    /// other half's paragraphs, and the second stage (the classifier of `kind`) is fitted on
    /// the feature rows followed by the stack columns of those scores. The model's first stage
    /// is the mean of the two.
    pub stack_trees: usize,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            kind: ModelKind::Blend,
            trees: 30,
            max_depth: 14,
            min_weight_leaf: 128.0,
            bootstrap_proportion: 0.4,
            feature_proportion: 0.5,
            alpha: 1.0,
            blend_forest_weight: 0.75,
            text_view: true,
            text_weight: 20,
            balance_sources: false,
            min_weight_split: 10.0,
            threshold: 0.5,
            seed: 17,
            stack_trees: 0,
        }
    }
}

/// [`TrainParams`] that [`TrainParams::check`] accepted: what fitting takes. It reads as the
/// parameters it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainValidParams(TrainParams);

impl Deref for TrainValidParams {
    type Target = TrainParams;

    fn deref(&self) -> &TrainParams {
        &self.0
    }
}

impl TrainValidParams {
    /// The parameters.
    pub fn params(&self) -> &TrainParams {
        &self.0
    }

    /// The same checked parameters for another kind of classifier (a blend fits its two parts
    /// with them): every check holds whatever the kind.
    pub fn with_kind(&self, kind: ModelKind) -> TrainValidParams {
        TrainValidParams(TrainParams {
            kind,
            ..self.0.clone()
        })
    }

    /// The checked parameters of a first stage of a stacked model: `stack_trees` trees, its
    /// own seed, no stage of its own.
    pub fn first_stage(&self, half: u64) -> TrainValidParams {
        TrainValidParams(TrainParams {
            trees: self.0.stack_trees.max(1),
            seed: self.0.seed.wrapping_add(1 + half),
            stack_trees: 0,
            ..self.0.clone()
        })
    }
}

impl TrainParams {
    /// Checks every parameter, whatever the kind of classifier (one that it does not use
    /// included), and returns the checked parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParam`] naming the first parameter refused: no trees, a depth of 0, a
    /// negative or non-finite sample weight, a row or column share outside (0, 1], a negative or
    /// non-finite penalty, a blend weight outside (0, 1), no repetition of plain-text
    /// documents, a threshold outside [0, 1].
    pub fn check(self) -> Result<TrainValidParams> {
        self.check_ref()?;
        Ok(TrainValidParams(self))
    }

    /// [`TrainParams::check`] without giving the parameters away.
    ///
    /// # Errors
    /// As [`TrainParams::check`].
    pub fn check_ref(&self) -> Result<()> {
        fn refuse(name: &'static str, value: impl ToString, reason: &'static str) -> Result<()> {
            Err(Error::InvalidParam {
                name,
                value: value.to_string(),
                reason,
            })
        }
        let share = |v: f64| v.is_finite() && v > 0.0 && v <= 1.0;
        let weight = |v: f32| v.is_finite() && v >= 0.0;
        if self.trees == 0 {
            return refuse("trees", self.trees, "a forest needs at least one tree");
        }
        if self.max_depth == 0 {
            return refuse(
                "max_depth",
                self.max_depth,
                "a tree needs a depth of at least 1",
            );
        }
        if !weight(self.min_weight_leaf) {
            return refuse(
                "min_weight_leaf",
                self.min_weight_leaf,
                "must be a finite weight of 0 or more",
            );
        }
        if !weight(self.min_weight_split) {
            return refuse(
                "min_weight_split",
                self.min_weight_split,
                "must be a finite weight of 0 or more",
            );
        }
        if !share(self.bootstrap_proportion) {
            return refuse(
                "bootstrap_proportion",
                self.bootstrap_proportion,
                "the share of rows each tree is fitted on must be in (0, 1]",
            );
        }
        if !share(self.feature_proportion) {
            return refuse(
                "feature_proportion",
                self.feature_proportion,
                "the share of columns each tree sees must be in (0, 1]",
            );
        }
        if !weight(self.alpha) {
            return refuse(
                "alpha",
                self.alpha,
                "the L2 penalty must be finite and 0 or more",
            );
        }
        let w = self.blend_forest_weight;
        if !(w > 0.0 && w < 1.0) {
            return refuse(
                "blend_forest_weight",
                w,
                "the forest's weight in a blend must be strictly between 0 and 1",
            );
        }
        if self.text_weight == 0 {
            return refuse(
                "text_weight",
                self.text_weight,
                "each plain-text document is used at least once",
            );
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return refuse(
                "threshold",
                self.threshold,
                "a P(content) must be in [0, 1]",
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name, value and reason of the refusal of `params`.
    fn refusal(params: TrainParams) -> (&'static str, String, &'static str) {
        match params.check() {
            Err(Error::InvalidParam {
                name,
                value,
                reason,
            }) => (name, value, reason),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_defaults_pass_and_read_through() {
        let checked = TrainParams::default().check().unwrap();
        assert_eq!(checked.params(), &TrainParams::default());
        assert_eq!(checked.trees, 30);
        let logistic = checked.with_kind(ModelKind::Logistic);
        assert_eq!(logistic.kind, ModelKind::Logistic);
        assert_eq!(logistic.seed, checked.seed);
        // Edges that are allowed.
        let edges = TrainParams {
            trees: 1,
            max_depth: 1,
            min_weight_leaf: 0.0,
            min_weight_split: 0.0,
            bootstrap_proportion: 1.0,
            feature_proportion: 1.0,
            alpha: 0.0,
            text_weight: 1,
            threshold: 1.0,
            ..TrainParams::default()
        };
        assert!(edges.check_ref().is_ok());
    }

    #[test]
    fn each_bad_value_is_refused_by_name() {
        let d = TrainParams::default;
        let cases: Vec<(TrainParams, &str, &str)> = vec![
            (TrainParams { trees: 0, ..d() }, "trees", "0"),
            (
                TrainParams {
                    max_depth: 0,
                    ..d()
                },
                "max_depth",
                "0",
            ),
            (
                TrainParams {
                    min_weight_leaf: -1.0,
                    ..d()
                },
                "min_weight_leaf",
                "-1",
            ),
            (
                TrainParams {
                    min_weight_leaf: f32::NAN,
                    ..d()
                },
                "min_weight_leaf",
                "NaN",
            ),
            (
                TrainParams {
                    min_weight_split: f32::INFINITY,
                    ..d()
                },
                "min_weight_split",
                "inf",
            ),
            (
                TrainParams {
                    bootstrap_proportion: 0.0,
                    ..d()
                },
                "bootstrap_proportion",
                "0",
            ),
            (
                TrainParams {
                    bootstrap_proportion: -0.5,
                    ..d()
                },
                "bootstrap_proportion",
                "-0.5",
            ),
            (
                TrainParams {
                    bootstrap_proportion: 1.5,
                    ..d()
                },
                "bootstrap_proportion",
                "1.5",
            ),
            (
                TrainParams {
                    feature_proportion: 0.0,
                    ..d()
                },
                "feature_proportion",
                "0",
            ),
            (
                TrainParams {
                    feature_proportion: f64::NAN,
                    ..d()
                },
                "feature_proportion",
                "NaN",
            ),
            (TrainParams { alpha: -0.1, ..d() }, "alpha", "-0.1"),
            (
                TrainParams {
                    blend_forest_weight: 0.0,
                    ..d()
                },
                "blend_forest_weight",
                "0",
            ),
            (
                TrainParams {
                    blend_forest_weight: 1.0,
                    ..d()
                },
                "blend_forest_weight",
                "1",
            ),
            (
                TrainParams {
                    text_weight: 0,
                    ..d()
                },
                "text_weight",
                "0",
            ),
            (
                TrainParams {
                    threshold: 1.5,
                    ..d()
                },
                "threshold",
                "1.5",
            ),
            (
                TrainParams {
                    threshold: f32::NAN,
                    ..d()
                },
                "threshold",
                "NaN",
            ),
        ];
        for (params, name, value) in cases {
            let (n, v, reason) = refusal(params.clone());
            assert_eq!((n, v.as_str()), (name, value), "{params:?}");
            assert!(!reason.is_empty());
            let message = params.check_ref().unwrap_err().to_string();
            assert!(
                message.contains(&format!("{name} = {value}: {reason}")),
                "{message}"
            );
            // Refused whatever the kind of classifier, one that does not use it too.
            for kind in [ModelKind::Logistic, ModelKind::Forest, ModelKind::Blend] {
                let e = TrainParams {
                    kind,
                    ..params.clone()
                }
                .check_ref()
                .unwrap_err();
                assert!(matches!(e, Error::InvalidParam { name: n, .. } if n == name));
            }
        }
        let e = TrainParams { trees: 0, ..d() }.check().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid training parameter trees = 0: a forest needs at least one tree"
        );
    }
}
