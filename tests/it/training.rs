//! Training from the repository's fixtures: both classifiers fit, the result is deterministic,
//! and it round-trips through the model file.

use parasift::train::{LabeledDoc, ModelKind, TrainParams, evaluate, read_fixtures, train};
use parasift::{Error, Model};

use crate::util::root;

fn fixtures(name: &str) -> Vec<LabeledDoc> {
    read_fixtures(&root().join("training/fixtures").join(name)).unwrap()
}

fn small_set() -> Vec<LabeledDoc> {
    let mut docs: Vec<LabeledDoc> = fixtures("train.jsonl.zst")
        .into_iter()
        .step_by(20)
        .collect();
    docs.extend(fixtures("seeds.jsonl"));
    docs
}

fn small_params(kind: ModelKind) -> TrainParams {
    TrainParams {
        kind,
        trees: 6,
        max_depth: 8,
        text_weight: 3,
        ..TrainParams::default()
    }
}

#[test]
fn fixtures_are_complete() {
    let train = fixtures("train.jsonl.zst");
    let dev = fixtures("dev.jsonl.zst");
    let seeds = fixtures("seeds.jsonl");
    assert!(
        train.len() > 1200 && dev.len() > 250,
        "{} train, {} dev pages",
        train.len(),
        dev.len()
    );
    assert_eq!(seeds.len(), 5);
    let sources = |docs: &[LabeledDoc]| {
        let mut s: Vec<String> = docs
            .iter()
            .map(|d| d.doc.id.split('/').next().unwrap_or("").to_string())
            .collect();
        s.sort();
        s.dedup();
        s
    };
    // Every source has pages in both splits, but for the plain-text documents spliced from
    // train pages (a page's content under another script's footer) and the train pages whose
    // content was given another language.
    let mut spliced = sources(&train);
    spliced.retain(|s| s != "spliced" && s != "relanguaged");
    assert_eq!(spliced, sources(&dev));
    assert_eq!(spliced.len(), 6, "{spliced:?}");
    for d in train.iter().chain(&dev) {
        assert_eq!(d.labels.len(), d.doc.paragraphs.len());
        assert!(d.labeled() > 0, "{} has labeled paragraphs", d.doc.id);
        // A gold text, or (partial gold) snippets to find; the content paragraphs of a
        // plain-text document, or of a page given another language, are its gold.
        let own_gold =
            d.doc.format == parasift::Format::Text || d.doc.id.starts_with("relanguaged/");
        assert!(
            d.gold.is_some()
                || d.snippets.as_ref().is_some_and(|s| !s.with.is_empty())
                || (own_gold && d.labels.iter().all(Option::is_some)),
            "{} has gold content",
            d.doc.id
        );
    }
}

#[test]
fn forest_trains_deterministically_and_round_trips() {
    let docs = small_set();
    let params = small_params(ModelKind::Forest);
    let a = train(&docs, &params, "test".into()).unwrap();
    let b = train(&docs, &params, "test".into()).unwrap();
    let bytes = a.to_bytes().unwrap();
    assert_eq!(
        bytes,
        b.to_bytes().unwrap(),
        "same data and seed give the same bytes"
    );
    let back = Model::from_bytes(&bytes).unwrap();
    assert_eq!(back.classifier().kind(), "forest");
    let seeds = fixtures("seeds.jsonl");
    let r = evaluate(&back, &seeds);
    assert!(
        r.paragraphs.f1() > 0.8,
        "seed paragraph F1 {}",
        r.paragraphs.f1()
    );
    let dev: Vec<LabeledDoc> = fixtures("dev.jsonl.zst").into_iter().step_by(5).collect();
    let r = evaluate(&back, &dev);
    assert!(r.pages.f1 > 0.7, "dev page F1 {}", r.pages.f1);
}

#[test]
fn logistic_trains() {
    let docs = small_set();
    let m = train(&docs, &small_params(ModelKind::Logistic), "test".into()).unwrap();
    assert_eq!(m.classifier().kind(), "logistic");
    let r = evaluate(&m, &docs);
    assert!(
        r.paragraphs.f1() > 0.6,
        "training-set paragraph F1 {}",
        r.paragraphs.f1()
    );
}

#[test]
fn blend_averages_its_parts() {
    let docs = small_set();
    let m = train(&docs, &small_params(ModelKind::Blend), "test".into()).unwrap();
    assert_eq!(m.classifier().kind(), "blend");
    let back = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
    let parasift::Classifier::Blend { parts } = back.classifier() else {
        panic!("a blend")
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(
        (parts[0].1.kind(), parts[1].1.kind()),
        ("forest", "logistic")
    );
    // P(content) of the blend is the weighted mean of its parts', row by row.
    let doc = &docs[0].doc;
    let a = parasift::DocAnalysis::new(doc);
    let rows = parasift::FeatureSchema::rows(&a, None);
    let blend = back.classifier().predict_proba(rows.view());
    let f = parts[0].1.predict_proba(rows.view());
    let l = parts[1].1.predict_proba(rows.view());
    for ((b, f), l) in blend.iter().zip(&f).zip(&l) {
        assert!((b - (parts[0].0 * f + parts[1].0 * l)).abs() < 1e-6);
    }
}

#[test]
fn a_stacked_model_trains_round_trips_and_sees_its_neighbours() {
    let docs = small_set();
    let params = TrainParams {
        stack_trees: 3,
        ..small_params(ModelKind::Blend)
    };
    let m = train(&docs, &params, "test".into()).unwrap();
    assert_eq!(m.classifier().kind(), "stacked");
    let bytes = m.to_bytes().unwrap();
    assert_eq!(
        bytes[8..12],
        parasift::model_file::FORMAT_VERSION.to_le_bytes()
    );
    let back = Model::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes().unwrap(), bytes);
    assert_eq!(
        bytes,
        train(&docs, &params, "test".into())
            .unwrap()
            .to_bytes()
            .unwrap(),
        "same data and seed give the same bytes"
    );
    let parasift::Classifier::Stacked { first, second } = back.classifier() else {
        panic!("stacked")
    };
    assert_eq!((first.kind(), second.kind()), ("blend", "blend"));
    // The second stage decides: its scores are not the first stage's.
    let doc = &docs[0].doc;
    let a = parasift::DocAnalysis::new(doc);
    let rows = parasift::FeatureSchema::rows(&a, None);
    let firsts = first.predict_proba(rows.view());
    let finals: Vec<f32> = back
        .classify(doc)
        .paragraphs()
        .iter()
        .map(|p| p.score())
        .collect();
    assert_eq!(firsts.len(), finals.len());
    assert!(
        firsts
            .iter()
            .zip(&finals)
            .any(|(f, s)| (f - s).abs() > 1e-4)
    );
    // The stack columns hold the first stage's score of each paragraph and its neighbours.
    let cols = back.stack_columns(&a, None).unwrap();
    assert_eq!(cols.ncols(), parasift::STACK_COLUMNS.len());
    for (i, f) in firsts.iter().enumerate() {
        assert!((cols[[i, 0]] - f).abs() < 1e-6);
        if i > 0 {
            assert!((cols[[i, 1]] - firsts[i - 1]).abs() < 1e-6);
        }
    }
    // Scored as a batch, each document gets what it gets alone.
    let some: Vec<&parasift::Document> = docs.iter().step_by(7).map(|d| &d.doc).collect();
    let batch = back.classify_batch(&some);
    let (analyses, index) = parasift::analyse_corpus(&some);
    for (a, p) in analyses.iter().zip(&batch) {
        assert_eq!(*p, back.classify_analysis(a, Some(&index)));
    }
    let r = evaluate(&back, &fixtures("seeds.jsonl"));
    assert!(
        r.paragraphs.f1() > 0.8,
        "seed paragraph F1 {}",
        r.paragraphs.f1()
    );
}

#[test]
fn one_class_is_a_training_error() {
    let mut docs = fixtures("seeds.jsonl");
    for d in &mut docs {
        d.labels.iter_mut().for_each(|l| *l = Some(true));
    }
    let err = train(&docs, &small_params(ModelKind::Forest), String::new()).unwrap_err();
    assert!(matches!(err, Error::Training(_)), "{err}");
    assert!(err.to_string().contains("both classes"));
}
