//! The model file, in the crate's one container (`crate::container`):
//!
//! ```text
//! PARASIFT · format version (u32) · payload · xxh3-64 of the payload (u64)
//! ```
//!
//! The payload (format versions 3 and 4) is the bincode of the [`Header`] (crate version,
//! feature schema, labels, threshold, notes) followed by that of the plain [`Classifier`];
//! version 4 adds the stacked classifier, so a build that reads only version 3 refuses a
//! version 4 file by its version rather than failing inside it. Bincode stays
//! inside this file: its errors become [`Error::CorruptModel`].
//!
//! Files of versions 1 and 2 predate the container (`magic · version · checksum · body`) and
//! held linfa's types; [`legacy`] reads them. Version 2 is read by any build; version 1, whose
//! forests are linfa's trees, only with the `train` feature.

mod legacy;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::classifier::Classifier;
use crate::container::{ContainerError, Kind};
use crate::error::{Error, Result};

/// First bytes of every model file.
pub const MAGIC: &[u8; 8] = b"PARASIFT";
/// The newest version of the file layout, which this build writes for a stacked classifier:
/// 3 is the crate's container around the header and the plain classifier (weights and compiled
/// trees, no linfa types), 4 the same with [`Classifier::Stacked`] among the classifiers. A
/// model of one stage is written as version 3.
pub const FORMAT_VERSION: u32 = 4;
/// The oldest version this build reads: 1 stored linfa's trees (read with the `train` feature
/// only, and compiled), 2 linfa's logistic regression and compiled trees.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// The model file's kind of container.
const KIND: Kind = Kind {
    magic: MAGIC,
    oldest: OLDEST_FORMAT_VERSION,
    version: FORMAT_VERSION,
};

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

/// The crate's error for what the container found wrong.
fn container_error(e: ContainerError) -> Error {
    match e {
        ContainerError::BadMagic { found } => Error::BadMagic { found },
        ContainerError::Version {
            found,
            oldest,
            newest,
        } => Error::UnsupportedVersion {
            expected: newest,
            oldest,
            found,
        },
        other => Error::CorruptModel(other.to_string()),
    }
}

/// The version a file holding `classifier` is written as: 4 when it is stacked, else 3, which
/// builds that know no stacked classifier read too.
fn version_for(classifier: &Classifier) -> u32 {
    if matches!(classifier, Classifier::Stacked { .. }) {
        FORMAT_VERSION
    } else {
        3
    }
}

/// Encodes header and classifier into a model file: of the current version when the classifier
/// is stacked, else of version 3 (the same payload, which older builds read).
pub fn encode(header: &Header, classifier: &Classifier) -> Result<Vec<u8>> {
    let mut payload = bincode::serde::encode_to_vec(header, config())
        .map_err(|e| Error::CorruptModel(format!("cannot encode header: {e}")))?;
    let body = bincode::serde::encode_to_vec(classifier, config())
        .map_err(|e| Error::CorruptModel(format!("cannot encode classifier: {e}")))?;
    payload.extend_from_slice(&body);
    let kind = Kind {
        version: version_for(classifier),
        ..KIND
    };
    Ok(kind.encode(&payload))
}

/// Decodes a model file of any version this build reads, checking magic, version and checksum
/// before anything else. The classifier is not checked against a schema ([`super::Model::new`]
/// does that).
pub fn decode(bytes: &[u8]) -> Result<(Header, Classifier)> {
    let version = KIND.version_of(bytes).map_err(container_error)?;
    if version < 3 {
        return decode_legacy(version, bytes);
    }
    let (_, payload) = KIND.decode(bytes).map_err(container_error)?;
    decode_parts(payload)
}

/// A file of format version 1 or 2.
fn decode_legacy(version: u32, bytes: &[u8]) -> Result<(Header, Classifier)> {
    #[cfg(not(feature = "train"))]
    if version == 1 {
        return Err(Error::ModelNeedsFeature {
            found: version,
            writes: FORMAT_VERSION,
            holds: "holds linfa's decision trees",
            feature: "train",
        });
    }
    let body = legacy::body(bytes)?;
    let (header, classifier): (Header, legacy::Classifier) = decode_parts(body)?;
    let classifier = classifier
        .into_plain()
        .map_err(|e| Error::CorruptModel(format!("format version {version}: {e}")))?;
    Ok((header, classifier))
}

/// A header and then a classifier of type `C`, which must end where `bytes` do.
fn decode_parts<C: DeserializeOwned>(bytes: &[u8]) -> Result<(Header, C)> {
    let (header, used): (Header, usize) = bincode::serde::decode_from_slice(bytes, config())
        .map_err(|e| Error::CorruptModel(format!("cannot decode header: {e}")))?;
    let (classifier, used2): (C, usize) =
        bincode::serde::decode_from_slice(&bytes[used..], config())
            .map_err(|e| Error::CorruptModel(format!("cannot decode classifier: {e}")))?;
    if used + used2 != bytes.len() {
        return Err(Error::CorruptModel(format!(
            "{} trailing bytes after the classifier",
            bytes.len() - used - used2
        )));
    }
    Ok((header, classifier))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Model;

    fn embedded() -> (Header, Classifier) {
        let m = Model::embedded().unwrap();
        (m.header().clone(), m.classifier().clone())
    }

    /// A file in the layout of versions 1 and 2, as those versions' `encode` wrote it:
    /// magic · version · xxh3 of the body · body (bincode of the header, then of `classifier`).
    fn old_file(version: u32, header: &Header, classifier: &impl Serialize) -> Vec<u8> {
        let mut body = bincode::serde::encode_to_vec(header, config()).unwrap();
        body.extend(bincode::serde::encode_to_vec(classifier, config()).unwrap());
        let mut out = MAGIC.to_vec();
        out.extend(version.to_le_bytes());
        out.extend(xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
        out.extend(body);
        out
    }

    #[test]
    fn version_3_round_trips_to_the_same_bytes() {
        let (header, classifier) = embedded();
        let bytes = encode(&header, &classifier).unwrap();
        assert_eq!(&bytes[..8], MAGIC);
        assert_eq!(bytes[8..12], 3u32.to_le_bytes());
        // The container's layout: the checksum of the payload last.
        let (version, payload) = KIND.decode(&bytes).unwrap();
        assert_eq!((version, payload.len()), (3, bytes.len() - 20));
        let (h, c) = decode(&bytes).unwrap();
        assert_eq!((&h, &c), (&header, &classifier));
        assert_eq!(encode(&h, &c).unwrap(), bytes);
        // The embedded file is of the current version.
        assert_eq!(super::super::EMBEDDED_BYTES, &bytes[..]);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let (header, classifier) = embedded();
        let bytes = encode(&header, &classifier).unwrap();
        let message = |b: &[u8]| decode(b).unwrap_err().to_string();

        let mut b = bytes.clone();
        b[0] = b'X';
        assert!(matches!(decode(&b), Err(Error::BadMagic { .. })));
        assert!(message(&b).contains("bad magic bytes"), "{}", message(&b));
        assert!(matches!(decode(b"PARA"), Err(Error::BadMagic { .. })));

        let mut b = bytes.clone();
        b[8..12].copy_from_slice(&5u32.to_le_bytes());
        assert!(matches!(
            decode(&b),
            Err(Error::UnsupportedVersion {
                expected: 4,
                oldest: 1,
                found: 5
            })
        ));
        assert_eq!(
            message(&b),
            "model format version 5 is not supported (this build reads versions 1 to 4)"
        );

        let mut b = bytes.clone();
        let at = b.len() / 2;
        b[at] ^= 1;
        assert!(matches!(decode(&b), Err(Error::CorruptModel(_))));
        assert_eq!(
            message(&b),
            format!(
                "corrupt model file: checksum mismatch over {} bytes (truncated or modified file)",
                bytes.len() - 20
            )
        );
        assert!(message(&bytes[..10]).contains("shorter than the 20 bytes"));
        assert!(message(&bytes[..bytes.len() - 1]).contains("checksum mismatch"));

        // A payload that checks but is not a model.
        let b = KIND.encode(b"not bincode of a header");
        assert!(message(&b).contains("cannot decode"), "{}", message(&b));
        let mut payload = bincode::serde::encode_to_vec(&header, config()).unwrap();
        payload.extend(bincode::serde::encode_to_vec(&classifier, config()).unwrap());
        payload.push(0);
        let e = message(&KIND.encode(&payload));
        assert!(e.contains("1 trailing bytes"), "{e}");
    }

    /// The default model as a file of format version 2 (mirrored with the legacy structs) reads
    /// as the same model, and writes as the current version's bytes.
    #[test]
    fn the_default_model_of_version_2_is_read() {
        let (header, classifier) = embedded();
        let old = old_file(2, &header, &legacy::Classifier::of_plain(&classifier));
        let (h, c) = decode(&old).unwrap();
        assert_eq!((&h, &c), (&header, &classifier));
        assert_eq!(encode(&h, &c).unwrap(), super::super::EMBEDDED_BYTES);
        let m = Model::from_bytes(&old).unwrap();
        assert_eq!(m.to_bytes().unwrap(), super::super::EMBEDDED_BYTES);

        // The old layout's own refusals.
        assert!(
            decode(&old[..19])
                .unwrap_err()
                .to_string()
                .contains("shorter than the 20-byte preamble")
        );
        let mut b = old.clone();
        let n = b.len();
        b[n - 1] ^= 1;
        assert!(
            decode(&b)
                .unwrap_err()
                .to_string()
                .contains("checksum mismatch")
        );
    }

    #[cfg(not(feature = "train"))]
    #[test]
    fn version_1_needs_the_train_feature() {
        let (header, classifier) = embedded();
        let old = old_file(1, &header, &legacy::Classifier::of_plain(&classifier));
        let e = decode(&old).unwrap_err();
        assert!(
            matches!(
                e,
                Error::ModelNeedsFeature {
                    found: 1,
                    feature: "train",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "model format version 1 holds linfa's decision trees, which this build reads only with the `train` feature (such a build writes it again as version 3)"
        );
    }

    /// Files written by versions 1 and 2 with linfa's own types (what their `Classifier` held):
    /// read, and scored as linfa scores them.
    #[cfg(feature = "train")]
    mod linfa_files {
        use super::*;
        use crate::features::FeatureSchema;
        use crate::model::classifier::standardize;
        use linfa::prelude::*;
        use linfa_logistic::{FittedLogisticRegression, LogisticRegression};
        use linfa_trees::DecisionTree;
        use ndarray::{Array1, Array2};

        /// The classifier of versions 1 and 2, with linfa's types.
        #[derive(Serialize)]
        #[allow(dead_code)]
        enum OldClassifier {
            Logistic {
                mean: Vec<f32>,
                std: Vec<f32>,
                model: FittedLogisticRegression<f32, usize>,
            },
            Forest {
                trees: Vec<DecisionTree<f32, usize>>,
                columns: Vec<Vec<usize>>,
                leaf_values: Vec<Vec<f32>>,
            },
            Blend {
                parts: Vec<(f32, OldClassifier)>,
            },
            FlatForest {
                trees: Vec<crate::model::flat::FlatTree>,
                leaf_values: Vec<Vec<f32>>,
            },
        }

        fn rows(n: usize) -> Array2<f32> {
            Array2::from_shape_fn((n, FeatureSchema::len()), |(i, j)| {
                ((i * 31 + j * 17) % 23) as f32 / 7.0 - 1.0
            })
        }

        /// One split on the tree's only column, at about 0.5: two leaves, left then right.
        fn tree() -> DecisionTree<f32, usize> {
            let x = Array2::from_shape_vec((6, 1), vec![0.0f32, 0.1, 0.2, 0.8, 0.9, 1.0]).unwrap();
            let y = Array1::from(vec![0usize, 0, 0, 1, 1, 1]);
            let tree = DecisionTree::params().fit(&Dataset::new(x, y)).unwrap();
            assert_eq!(tree.num_leaves(), 2);
            tree
        }

        #[test]
        fn a_linfa_logistic_regression_of_version_2_scores_as_linfa() {
            let n = FeatureSchema::len();
            let x = rows(200);
            // Boilerplate is the larger class: linfa takes it as the positive one.
            let y: Array1<usize> = (0..200).map(|i| usize::from(i % 3 == 1)).collect();
            let mean: Vec<f32> = (0..n).map(|j| j as f32 / n as f32).collect();
            let std: Vec<f32> = (0..n).map(|j| 1.0 + (j % 5) as f32).collect();
            let z = standardize(x.view(), &mean, &std);
            let model = LogisticRegression::default()
                .max_iterations(30)
                .fit(&Dataset::new(z.clone(), y))
                .unwrap();
            assert_eq!(model.labels().pos.class, 0);
            let linfa: Vec<u32> = model
                .predict_probabilities(&z)
                .iter()
                .map(|p| (1.0 - p).to_bits())
                .collect();
            let header = embedded().0;
            let old = OldClassifier::Blend {
                parts: vec![(
                    1.0,
                    OldClassifier::Logistic {
                        mean: mean.clone(),
                        std: std.clone(),
                        model,
                    },
                )],
            };
            for version in [1, 2] {
                let m = Model::from_bytes(&old_file(version, &header, &old)).unwrap();
                let got: Vec<u32> = m
                    .classifier()
                    .predict_proba(x.view())
                    .iter()
                    .map(|p| p.to_bits())
                    .collect();
                assert_eq!(got, linfa);
                let again = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
                assert_eq!(again.classifier(), m.classifier());
            }
        }

        #[test]
        fn linfa_trees_of_version_1_are_compiled() {
            let n = FeatureSchema::len();
            let header = embedded().0;
            // The tree's column is column 3 of the full row.
            let forest = |columns: Vec<usize>, leaf_values: Vec<f32>| OldClassifier::Forest {
                trees: vec![tree()],
                columns: vec![columns],
                leaf_values: vec![leaf_values],
            };
            let m = Model::from_bytes(&old_file(1, &header, &forest(vec![3], vec![0.25, 0.75])))
                .unwrap();
            assert!(matches!(m.classifier(), Classifier::FlatForest { .. }));
            let mut rows = Array2::<f32>::zeros((3, n));
            rows[[0, 3]] = 0.05;
            rows[[1, 3]] = 0.95;
            rows[[2, 3]] = 0.45;
            // Other columns do not matter.
            rows[[2, 0]] = 7.0;
            assert_eq!(
                m.classifier().predict_proba(rows.view()),
                [0.25, 0.75, 0.25]
            );
            let again = m.to_bytes().unwrap();
            assert_eq!(again[8..12], 3u32.to_le_bytes());
            let back = Model::from_bytes(&again).unwrap();
            assert_eq!(back.to_bytes().unwrap(), again);
            assert_eq!(back.classifier(), m.classifier());

            // Refused: a tree on a column past the schema, leaf tables that do not fit, column
            // sets that do not match the trees.
            let e = Model::from_bytes(&old_file(1, &header, &forest(vec![n], vec![0.25, 0.75])))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("tree 0 reads column {n} of {n}")),
                "{e}"
            );
            let e = Model::from_bytes(&old_file(1, &header, &forest(vec![3], vec![0.2, 0.7, 0.5])))
                .unwrap_err()
                .to_string();
            assert!(e.contains("tree 0 has 2 leaves and 3 leaf values"), "{e}");
            let e = Model::from_bytes(&old_file(1, &header, &forest(vec![], vec![0.25, 0.75])))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("format version 1: tree 0: a tree splits on its column 0 of 0"),
                "{e}"
            );
            let mismatched = OldClassifier::Forest {
                trees: vec![tree()],
                columns: vec![],
                leaf_values: vec![vec![0.25, 0.75]],
            };
            let e = Model::from_bytes(&old_file(1, &header, &mismatched))
                .unwrap_err()
                .to_string();
            assert!(e.contains("forest has 1 trees and 0 column sets"), "{e}");
        }
    }
}
