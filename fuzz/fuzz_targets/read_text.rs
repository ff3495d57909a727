//! Any bytes read as a text input: documents or errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parasift::{InputFormat, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions {
        format: InputFormat::Text,
        max_record_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    for doc in parasift::read_bytes_as("fuzz", data, &opts).into_iter().flatten() {
        for p in &doc.paragraphs {
            assert!(p.start <= p.end);
        }
    }
});
