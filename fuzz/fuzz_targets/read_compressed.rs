//! Any bytes read as an input file through the streaming reader (gzip and zstd recognized by
//! their magic bytes), with a small record limit so that a decompression bomb is cut short.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parasift::ReadOptions;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("parasift-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let opts = ReadOptions {
        max_record_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    for name in ["input.jsonl", "input.txt"] {
        let path = dir.join(name);
        std::fs::write(&path, data).unwrap();
        let _ = parasift::read_path(&path, &opts);
    }
});
