//! Any bytes as a saved corpus index: refused with a reason, or an index.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parasift::CorpusIndex::read_from(&mut &data[..], data.len() as u64, "fuzz");
});
