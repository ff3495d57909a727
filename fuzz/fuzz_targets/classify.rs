//! Any bytes read (format guessed) and classified by the embedded model, with language
//! detection: a label and a probability for every paragraph.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use parasift::{Model, ReadOptions};

static MODEL: OnceLock<Model> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let model = MODEL.get_or_init(|| Model::embedded_owned().unwrap());
    let opts = ReadOptions {
        max_record_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    for doc in parasift::read_bytes_as("fuzz", data, &opts).into_iter().flatten() {
        let verdict = model.classify(&doc);
        assert_eq!(verdict.paragraphs().len(), doc.paragraphs.len());
        for p in verdict.paragraphs() {
            assert!((0.0..=1.0).contains(&p.score()), "{}", p.score());
        }
    }
});
