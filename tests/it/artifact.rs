//! The model file: round trips, deterministic bytes, and every way a file can be untrustworthy.

use parasift::model_file::{self as artifact, FORMAT_VERSION, MAGIC};
use parasift::{Error, Model};

use crate::util::{model_bytes, tempdir};

#[test]
fn an_owned_copy_of_the_embedded_model_is_the_same_model() {
    let owned = Model::embedded_owned().unwrap();
    assert_eq!(owned.to_bytes().unwrap(), model_bytes());
}

#[test]
fn round_trip_gives_identical_bytes() {
    let b = model_bytes();
    let m = Model::from_bytes(&b).unwrap();
    assert_eq!(m.to_bytes().unwrap(), b);
    assert_eq!(m.header().schema.len(), parasift::FeatureSchema::len());
    assert_eq!(m.header().labels, ["boilerplate", "content"]);
    let dir = tempdir();
    let path = dir.path().join("m.bin");
    std::fs::write(&path, &b).unwrap();
    assert_eq!(Model::from_file(&path).unwrap().to_bytes().unwrap(), b);
    // From a file too, the error keeps its kind.
    std::fs::write(&path, &b[..b.len() - 1]).unwrap();
    assert!(matches!(
        Model::from_file(&path),
        Err(Error::CorruptModel(_))
    ));
    assert!(matches!(
        Model::from_file(dir.path().join("missing.bin")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn bad_magic() {
    let mut b = model_bytes();
    b[0] = b'X';
    for (case, bytes) in [("first byte changed", &b[..]), ("empty", &[][..])] {
        let e = Model::from_bytes(bytes).err();
        assert!(matches!(e, Some(Error::BadMagic { .. })), "{case}: {e:?}");
    }
}

#[test]
fn newer_version() {
    let mut b = model_bytes();
    b[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    match Model::from_bytes(&b) {
        Err(Error::UnsupportedVersion {
            expected, found, ..
        }) => {
            assert_eq!((expected, found), (FORMAT_VERSION, FORMAT_VERSION + 1))
        }
        other => panic!("expected a version error, got {other:?}"),
    }
}

#[test]
fn older_unknown_version() {
    let mut b = model_bytes();
    b[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&0u32.to_le_bytes());
    let e = Model::from_bytes(&b).unwrap_err();
    assert!(
        matches!(e, Error::UnsupportedVersion { found: 0, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains(&format!("reads versions 1 to {FORMAT_VERSION}")),
        "{e}"
    );
}

// Files of format versions 1 and 2 (linfa's types, read through plain mirrors of their serde
// forms) are tested where they are read, in `src/model/artifact.rs`.

#[test]
fn a_forest_that_does_not_fit_its_leaf_values_is_refused() {
    use parasift::Classifier;
    let m = Model::embedded().unwrap();
    let Classifier::Blend { parts } = m.classifier() else {
        panic!("the default model is a blend")
    };
    let Some((i, Classifier::FlatForest { trees, leaf_values })) = parts
        .iter()
        .enumerate()
        .find_map(|(i, (_, c))| matches!(c, Classifier::FlatForest { .. }).then_some((i, c)))
    else {
        panic!("the default model's blend has a forest")
    };
    for (change, why) in [
        ((0, 0.5), "leaf values"),
        ((1, f32::NAN), "outside [0, 1]"),
        ((1, 1.5), "outside [0, 1]"),
    ] {
        let mut values = leaf_values.clone();
        match change {
            (0, v) => values[2].push(v),
            (_, v) => values[2][0] = v,
        }
        let mut p = parts.clone();
        p[i].1 = Classifier::FlatForest {
            trees: trees.clone(),
            leaf_values: values,
        };
        let e = Model::new(m.header().clone(), Classifier::Blend { parts: p })
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("blend part {i}: tree 2")) && e.contains(why),
            "{e}"
        );
    }
    let mut p = parts.clone();
    p[i].1 = Classifier::FlatForest {
        trees: trees[1..].to_vec(),
        leaf_values: leaf_values.clone(),
    };
    let e = Model::new(m.header().clone(), Classifier::Blend { parts: p })
        .unwrap_err()
        .to_string();
    assert!(e.contains("trees and"), "{e}");
}

#[test]
fn every_truncation_is_refused() {
    let b = model_bytes();
    for cut in [0, 4, 8, 12, 19, 20, 21, b.len() / 3, b.len() - 1] {
        assert!(Model::from_bytes(&b[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn flipped_byte_is_refused() {
    let b = model_bytes();
    for at in [20, b.len() / 2, b.len() - 1] {
        let mut c = b.clone();
        c[at] ^= 1;
        assert!(
            matches!(Model::from_bytes(&c), Err(Error::CorruptModel(_))),
            "flip at {at}"
        );
    }
}

#[test]
fn feature_drift_names_the_difference() {
    let (mut header, classifier) = artifact::decode(&model_bytes()).unwrap();
    header.schema.swap(0, 1);
    let err = Model::from_bytes(&artifact::encode(&header, &classifier).unwrap()).unwrap_err();
    match &err {
        Error::FeatureMismatch {
            expected,
            found,
            detail,
        } => {
            assert_eq!(expected, found);
            assert!(detail.contains("column 0"), "{detail}");
        }
        other => panic!("expected a feature mismatch, got {other:?}"),
    }
    header.schema.swap(0, 1);
    header.schema.push("extra".into());
    let err = Model::from_bytes(&artifact::encode(&header, &classifier).unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("model has {}", header.schema.len())),
        "{err}"
    );
}

#[test]
fn bad_threshold_and_labels_are_refused() {
    let (mut header, classifier) = artifact::decode(&model_bytes()).unwrap();
    header.threshold = 1.5;
    assert!(Model::from_bytes(&artifact::encode(&header, &classifier).unwrap()).is_err());
    header.threshold = 0.5;
    header.labels = vec!["content".into(), "boilerplate".into()];
    assert!(Model::from_bytes(&artifact::encode(&header, &classifier).unwrap()).is_err());
}
