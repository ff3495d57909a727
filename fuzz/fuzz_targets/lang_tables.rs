//! Any bytes as language tables, in their file form and read in place.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    parasift::fuzzing::language_tables(data);
});
