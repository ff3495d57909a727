//! Model files of format versions 1 and 2, read (never written) without linfa.
//!
//! Their layout predates the crate's container:
//!
//! ```text
//! PARASIFT · version (u32) · xxh3-64 of the body (u64) · body
//! ```
//!
//! The body is the bincode of the header and then of the classifier as it was then: an enum
//! whose logistic regression was linfa-logistic 0.8's `FittedLogisticRegression<f32, usize>`
//! and whose forests were, in version 1, linfa-trees' `DecisionTree`s. The structs here mirror
//! the serde forms of those types field for field (bincode writes a struct's fields in order,
//! without their names, and an enum's variant as its index), and convert into the plain
//! [`Classifier`](crate::model::Classifier). linfa's trees are read through linfa itself, so
//! only with the `train` feature.

use serde::Deserialize;
#[cfg(test)]
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::model::classifier::{CONTENT, Classifier as Plain};
use crate::model::flat::FlatTree;

/// Bytes before the body: magic, version and checksum.
const PREAMBLE: usize = 20;

/// The body of a file of version 1 or 2 (whose magic and version were checked), after checking
/// its checksum.
pub(super) fn body(bytes: &[u8]) -> Result<&[u8]> {
    if bytes.len() < PREAMBLE {
        return Err(Error::CorruptModel(format!(
            "file is {} bytes, shorter than the {PREAMBLE}-byte preamble",
            bytes.len()
        )));
    }
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&bytes[12..PREAMBLE]);
    let body = &bytes[PREAMBLE..];
    if u64::from_le_bytes(sum) != xxh3_64(body) {
        return Err(Error::CorruptModel(format!(
            "checksum mismatch over {} bytes (truncated or modified file)",
            body.len()
        )));
    }
    Ok(body)
}

/// The classifier of versions 1 and 2, variant for variant and field for field.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub(super) enum Classifier {
    /// A logistic regression on standardized columns.
    Logistic {
        mean: Vec<f32>,
        std: Vec<f32>,
        model: FittedLogisticRegression,
    },
    /// A forest of linfa's trees (version 1), each with the columns it was fitted on.
    Forest {
        trees: LinfaTrees,
        columns: Vec<Vec<usize>>,
        leaf_values: Vec<Vec<f32>>,
    },
    /// A weighted mean of several classifiers.
    Blend { parts: Vec<(f32, Classifier)> },
    /// A forest of compiled trees (version 2), stored as version 3 stores it.
    FlatForest {
        trees: Vec<FlatTree>,
        leaf_values: Vec<Vec<f32>>,
    },
}

/// The serde form of linfa-logistic 0.8's `FittedLogisticRegression<f32, usize>`.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub(super) struct FittedLogisticRegression {
    /// linfa's own threshold for `predict` (parasift's is in the header).
    #[allow(dead_code)]
    threshold: f32,
    intercept: f32,
    /// The weights.
    params: Array1,
    labels: BinaryClassLabels,
}

/// The serde form of ndarray 0.16's `Array1<f32>`: its format version, its length and its
/// elements.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct Array1 {
    v: u8,
    dim: [usize; 1],
    data: Vec<f32>,
}

/// ndarray's `ARRAY_FORMAT_VERSION`.
const ARRAY_FORMAT_VERSION: u8 = 1;

/// linfa-logistic's `BinaryClassLabels<f32, usize>`: which class the regression's probability is
/// of (`pos`, the larger class of the training rows), and the other.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct BinaryClassLabels {
    pos: ClassLabel,
    #[allow(dead_code)]
    neg: ClassLabel,
}

/// linfa-logistic's `ClassLabel<f32, usize>`.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct ClassLabel {
    class: usize,
    /// The class's target in fitting (1 or -1).
    #[allow(dead_code)]
    label: f32,
}

/// linfa-trees' fitted trees, read through linfa.
#[cfg(feature = "train")]
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
#[serde(transparent)]
pub(super) struct LinfaTrees(Vec<linfa_trees::DecisionTree<f32, usize>>);

/// linfa-trees' fitted trees, which a build without the `train` feature does not read.
#[cfg(not(feature = "train"))]
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub(super) struct LinfaTrees;

#[cfg(not(feature = "train"))]
impl<'de> Deserialize<'de> for LinfaTrees {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> std::result::Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "the file holds linfa's decision trees, which this build reads only with the `train` feature",
        ))
    }
}

impl Classifier {
    /// The plain classifier, or what is wrong with this one.
    pub(super) fn into_plain(self) -> std::result::Result<Plain, String> {
        Ok(match self {
            Classifier::Logistic { mean, std, model } => {
                let Array1 { v, dim, data } = model.params;
                if v != ARRAY_FORMAT_VERSION {
                    return Err(format!(
                        "logistic weights are an array of serde version {v}, not {ARRAY_FORMAT_VERSION}"
                    ));
                }
                if dim[0] != data.len() {
                    return Err(format!(
                        "logistic weights are {} values for an array of {}",
                        data.len(),
                        dim[0]
                    ));
                }
                Plain::Logistic {
                    mean,
                    std,
                    weights: data,
                    intercept: model.intercept,
                    // As version 2 scored: P(content) is linfa's probability when content was
                    // its positive class, and 1 minus it otherwise.
                    predicts_content: model.labels.pos.class == CONTENT,
                }
            }
            Classifier::Forest {
                trees,
                columns,
                leaf_values,
            } => trees.compile(&columns, leaf_values)?,
            Classifier::Blend { parts } => Plain::Blend {
                parts: parts
                    .into_iter()
                    .map(|(w, c)| Ok((w, c.into_plain()?)))
                    .collect::<std::result::Result<_, String>>()?,
            },
            Classifier::FlatForest { trees, leaf_values } => {
                Plain::FlatForest { trees, leaf_values }
            }
        })
    }

    /// The classifier of version 2 that converts into `plain`: how version 2 stored it.
    #[cfg(test)]
    pub(super) fn of_plain(plain: &Plain) -> Classifier {
        match plain {
            Plain::Logistic {
                mean,
                std,
                weights,
                intercept,
                predicts_content,
            } => {
                let (pos, neg) = if *predicts_content {
                    (CONTENT, 0)
                } else {
                    (0, CONTENT)
                };
                Classifier::Logistic {
                    mean: mean.clone(),
                    std: std.clone(),
                    model: FittedLogisticRegression {
                        threshold: 0.5,
                        intercept: *intercept,
                        params: Array1 {
                            v: ARRAY_FORMAT_VERSION,
                            dim: [weights.len()],
                            data: weights.clone(),
                        },
                        labels: BinaryClassLabels {
                            pos: ClassLabel {
                                class: pos,
                                label: 1.0,
                            },
                            neg: ClassLabel {
                                class: neg,
                                label: -1.0,
                            },
                        },
                    },
                }
            }
            Plain::FlatForest { trees, leaf_values } => Classifier::FlatForest {
                trees: trees.clone(),
                leaf_values: leaf_values.clone(),
            },
            Plain::Blend { parts } => Classifier::Blend {
                parts: parts
                    .iter()
                    .map(|(w, c)| (*w, Classifier::of_plain(c)))
                    .collect(),
            },
            Plain::Stacked { .. } => panic!("version 2 had no stacked classifier"),
        }
    }
}

impl LinfaTrees {
    /// The forest compiled into flat trees.
    #[cfg(feature = "train")]
    fn compile(
        self,
        columns: &[Vec<usize>],
        leaf_values: Vec<Vec<f32>>,
    ) -> std::result::Result<Plain, String> {
        crate::model::linfa_trees::compile_forest(&self.0, columns, leaf_values)
    }

    /// Never called: reading the trees fails first.
    #[cfg(not(feature = "train"))]
    fn compile(self, _: &[Vec<usize>], _: Vec<Vec<f32>>) -> std::result::Result<Plain, String> {
        Err("linfa's decision trees are read only with the `train` feature".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mirror has the byte layout of linfa's and ndarray's serde forms.
    #[cfg(feature = "train")]
    #[test]
    fn the_mirror_is_laid_out_as_linfa() {
        use linfa::prelude::*;
        let x = ndarray::Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f32);
        let y: ndarray::Array1<usize> = (0..40).map(|i| usize::from(i % 4 == 1)).collect();
        let model = linfa_logistic::LogisticRegression::default()
            .max_iterations(20)
            .fit(&Dataset::new(x, y))
            .unwrap();
        let config = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(&model, config).unwrap();
        let (mirror, used): (FittedLogisticRegression, usize) =
            bincode::serde::decode_from_slice(&bytes, config).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(mirror.intercept.to_bits(), model.intercept().to_bits());
        assert_eq!(mirror.params.data, model.params().to_vec());
        assert_eq!(mirror.params.dim, [3]);
        assert_eq!(mirror.labels.pos.class, model.labels().pos.class);
        assert_eq!(mirror.labels.neg.class, model.labels().neg.class);
        assert_eq!(
            bincode::serde::encode_to_vec(&mirror, config).unwrap(),
            bytes
        );
    }

    #[test]
    fn a_bad_weight_array_is_refused() {
        let model = |v, dim, data: Vec<f32>| Classifier::Logistic {
            mean: vec![0.0; 2],
            std: vec![1.0; 2],
            model: FittedLogisticRegression {
                threshold: 0.5,
                intercept: 0.0,
                params: Array1 {
                    v,
                    dim: [dim],
                    data,
                },
                labels: BinaryClassLabels {
                    pos: ClassLabel {
                        class: 1,
                        label: 1.0,
                    },
                    neg: ClassLabel {
                        class: 0,
                        label: -1.0,
                    },
                },
            },
        };
        let e = model(2, 2, vec![1.0, 2.0]).into_plain().unwrap_err();
        assert!(e.contains("serde version 2"), "{e}");
        let e = model(1, 3, vec![1.0, 2.0]).into_plain().unwrap_err();
        assert!(e.contains("2 values for an array of 3"), "{e}");
        let plain = model(1, 2, vec![1.0, 2.0]).into_plain().unwrap();
        assert!(matches!(
            plain,
            Plain::Logistic {
                predicts_content: true,
                ..
            }
        ));
    }
}
