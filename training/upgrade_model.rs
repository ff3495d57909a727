//! Writes a model file of any format version this build reads as the current version, without
//! retraining: the same header and classifier, the same predictions.
//!
//! ```text
//! cargo run --release -p parasift-training --bin upgrade_model -- IN.bin OUT.bin
//! ```
//!
//! `models/default.bin` was converted from format version 2 to 3 so. A file of version 1
//! (linfa's trees) needs parasift's `train` feature, which this crate enables.

use std::process::ExitCode;

use parasift::Model;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: upgrade_model IN.bin OUT.bin");
        return ExitCode::from(2);
    };
    let run = || -> Result<(u32, usize), String> {
        let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
        let version = bytes
            .get(8..12)
            .map_or(0, |v| u32::from_le_bytes([v[0], v[1], v[2], v[3]]));
        let model = Model::from_bytes(&bytes).map_err(|e| format!("{input}: {e}"))?;
        let out = model.to_bytes().map_err(|e| e.to_string())?;
        // Read back before anything is replaced.
        let back = Model::from_bytes(&out).map_err(|e| format!("the upgraded model: {e}"))?;
        if back.classifier() != model.classifier() || back.header() != model.header() {
            return Err("the upgraded model does not read back as the same model".into());
        }
        std::fs::write(output, &out).map_err(|e| format!("{output}: {e}"))?;
        Ok((version, out.len()))
    };
    match run() {
        Ok((version, len)) => {
            eprintln!(
                "upgrade_model: {input} (format version {version}) -> {output} (format version {}, {len} bytes)",
                parasift::model_file::FORMAT_VERSION
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("upgrade_model: {e}");
            ExitCode::FAILURE
        }
    }
}
