//! Builds the language detector's look-up tables from `models/lang.bin` once, at compile time,
//! so that the program reads them in place at every start instead of building them (see
//! `src/lang/layout.rs`). The file is read by the crate's own reader of it
//! (`src/lang/tables_file.rs`, in the crate's container), and the unit tests check that the
//! embedded tables are what the crate builds from the same file.

#[allow(dead_code)]
#[path = "src/container.rs"]
mod container;
#[allow(dead_code)]
#[path = "src/lang/layout.rs"]
mod layout;
#[allow(dead_code)]
#[path = "src/lang/tables_file.rs"]
mod tables_file;

use std::path::PathBuf;

fn main() {
    for f in [
        "models/lang.bin",
        "src/container.rs",
        "src/lang/layout.rs",
        "src/lang/tables_file.rs",
    ] {
        println!("cargo::rerun-if-changed={f}");
    }
    let input = "models/lang.bin";
    let bytes = std::fs::read(input).unwrap_or_else(|e| panic!("cannot read {input}: {e}"));
    let data = tables_file::TablesData::decode(&bytes).unwrap_or_else(|e| panic!("{input}: {e}"));
    // Every column: the tests check that this build knows every language.
    let groups: Vec<_> = data
        .groups
        .iter()
        .map(|g| (g.source(), (0..g.langs.len()).collect()))
        .collect();
    let built = layout::build(&groups).unwrap_or_else(|e| panic!("{input}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = out.join("lang.tables");
    std::fs::write(&path, built).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
}
