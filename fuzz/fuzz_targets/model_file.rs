//! Any bytes as a model file: refused with a reason, or a model that classifies without panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = parasift::Model::from_bytes(data) {
        let doc = parasift::text_document(
            "x",
            "x",
            "A line of text.\nAnother line.\n",
            parasift::TextMode::Lines,
        );
        for p in model.classify(&doc).paragraphs() {
            assert!((0.0..=1.0).contains(&p.score()), "{}", p.score());
        }
    }
});
