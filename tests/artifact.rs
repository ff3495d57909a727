//! The model file: round trips, deterministic bytes, and every way a file can be untrustworthy.

use parasift::model::artifact::{self, FORMAT_VERSION, MAGIC};
use parasift::{Error, Model};

fn bytes() -> Vec<u8> {
    Model::embedded()
        .expect("embedded model")
        .to_bytes()
        .unwrap()
}

#[test]
fn an_owned_copy_of_the_embedded_model_is_the_same_model() {
    let owned = Model::embedded_owned().unwrap();
    assert_eq!(owned.to_bytes().unwrap(), bytes());
}

#[test]
fn round_trip_gives_identical_bytes() {
    let b = bytes();
    let m = Model::from_bytes(&b).unwrap();
    assert_eq!(m.to_bytes().unwrap(), b);
    assert_eq!(
        m.header().schema.len(),
        parasift::features::FeatureSchema::len()
    );
    assert_eq!(m.header().labels, ["boilerplate", "content"]);
    let dir = tempfile::tempdir().unwrap();
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
    let mut b = bytes();
    b[0] = b'X';
    assert!(matches!(Model::from_bytes(&b), Err(Error::BadMagic { .. })));
    assert!(matches!(
        Model::from_bytes(b""),
        Err(Error::BadMagic { .. })
    ));
}

#[test]
fn newer_version() {
    let mut b = bytes();
    b[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    match Model::from_bytes(&b) {
        Err(Error::UnsupportedVersion { expected, found }) => {
            assert_eq!((expected, found), (FORMAT_VERSION, FORMAT_VERSION + 1))
        }
        other => panic!("expected a version error, got {other:?}"),
    }
}

#[test]
fn every_truncation_is_refused() {
    let b = bytes();
    for cut in [0, 4, 8, 12, 19, 20, 21, b.len() / 3, b.len() - 1] {
        assert!(Model::from_bytes(&b[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn flipped_byte_is_refused() {
    let b = bytes();
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
    let (mut header, classifier) = artifact::decode(&bytes()).unwrap();
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
    let (mut header, classifier) = artifact::decode(&bytes()).unwrap();
    header.threshold = 1.5;
    assert!(Model::from_bytes(&artifact::encode(&header, &classifier).unwrap()).is_err());
    header.threshold = 0.5;
    header.labels = vec!["content".into(), "boilerplate".into()];
    assert!(Model::from_bytes(&artifact::encode(&header, &classifier).unwrap()).is_err());
}
