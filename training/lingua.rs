//! Shared by `langmodel` and `langid_eval`: where the lingua language-model crates are, and
//! which of their languages parasift reports.

use std::path::PathBuf;
use std::process::Command;

/// lingua's name for a language, its ISO 639-3 code as whatlang spells it, and the n-gram
/// group it is scored in (`None`: its script alone, or whatlang, decides).
pub const LANGUAGES: &[(&str, &str, Option<&str>)] = &[
    ("afrikaans", "afr", Some("latin")),
    ("arabic", "ara", Some("arabic")),
    ("armenian", "hye", None),
    ("azerbaijani", "aze", Some("latin")),
    ("belarusian", "bel", Some("cyrillic")),
    ("bengali", "ben", None),
    ("bokmal", "nob", Some("latin")),
    ("bulgarian", "bul", Some("cyrillic")),
    ("catalan", "cat", Some("latin")),
    ("chinese", "cmn", None),
    ("croatian", "hrv", Some("latin")),
    ("czech", "ces", Some("latin")),
    ("danish", "dan", Some("latin")),
    ("dutch", "nld", Some("latin")),
    ("english", "eng", Some("latin")),
    ("esperanto", "epo", Some("latin")),
    ("estonian", "est", Some("latin")),
    ("finnish", "fin", Some("latin")),
    ("french", "fra", Some("latin")),
    ("georgian", "kat", None),
    ("german", "deu", Some("latin")),
    ("greek", "ell", None),
    ("gujarati", "guj", None),
    ("hebrew", "heb", None),
    ("hindi", "hin", Some("devanagari")),
    ("hungarian", "hun", Some("latin")),
    ("indonesian", "ind", Some("latin")),
    ("italian", "ita", Some("latin")),
    ("japanese", "jpn", None),
    ("korean", "kor", None),
    ("latin", "lat", Some("latin")),
    ("latvian", "lav", Some("latin")),
    ("lithuanian", "lit", Some("latin")),
    ("macedonian", "mkd", Some("cyrillic")),
    ("marathi", "mar", Some("devanagari")),
    ("persian", "pes", Some("arabic")),
    ("polish", "pol", Some("latin")),
    ("portuguese", "por", Some("latin")),
    ("punjabi", "pan", None),
    ("romanian", "ron", Some("latin")),
    ("russian", "rus", Some("cyrillic")),
    ("serbian", "srp", Some("cyrillic")),
    ("shona", "sna", Some("latin")),
    ("slovak", "slk", Some("latin")),
    ("slovene", "slv", Some("latin")),
    ("spanish", "spa", Some("latin")),
    ("swedish", "swe", Some("latin")),
    ("tagalog", "tgl", Some("latin")),
    ("tamil", "tam", None),
    ("telugu", "tel", None),
    ("thai", "tha", None),
    ("turkish", "tur", Some("latin")),
    ("ukrainian", "ukr", Some("cyrillic")),
    ("urdu", "urd", Some("arabic")),
    ("vietnamese", "vie", Some("latin")),
    ("welsh", "cym", Some("latin")),
    ("zulu", "zul", Some("latin")),
];

/// The directory of each lingua language-model crate, by lingua's language name: fetched with
/// `cargo fetch --manifest-path training/lingua-models/Cargo.toml`, located with
/// `cargo metadata`.
pub fn crate_dirs() -> Result<Vec<(String, PathBuf)>, String> {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/lingua-models/Cargo.toml");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--manifest-path",
            manifest,
        ])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut dirs = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        if let Some(lang) = name
            .strip_prefix("lingua-")
            .and_then(|n| n.strip_suffix("-language-model"))
        {
            let path = PathBuf::from(p["manifest_path"].as_str().unwrap_or_default());
            if let Some(dir) = path.parent() {
                dirs.push((lang.to_string(), dir.to_path_buf()));
            }
        }
    }
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!(
            "no lingua language-model crates found through {manifest}"
        ));
    }
    Ok(dirs)
}
