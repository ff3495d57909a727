//! `parasift detect`: the language of each line or paragraph.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use parasift::Lang;
use serde::Serialize;

use parasift::Error;
use parasift::{
    DetectOptions, LangGuess, ScriptHistogram, detect_document, detect_with, iso639_1,
    lang_from_code,
};

use crate::args::InputArgs;
use crate::messages::{Failures, Terminal};
use crate::{read_inputs, write_json};

/// One line of the output: a line or paragraph and its language.
#[derive(Serialize)]
struct DetectOut<'a> {
    source: &'a str,
    text: &'a str,
    lang: Option<&'static str>,
    iso639_1: Option<&'static str>,
    confidence: f32,
    script: Option<&'static str>,
}

/// Parses `--langs` codes (ISO 639-3 or 639-1) into languages, naming the first unknown one.
fn parse_langs(codes: &[String]) -> Result<Vec<Lang>, Error> {
    codes
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .map(|c| {
            lang_from_code(&c).ok_or_else(|| {
                    Error::input(
                        "--langs",
                        format!(
                            "unknown or unsupported language code {c:?} (use ISO 639-3 like \"eng\" or 639-1 like \"en\")"
                        ),
                    )
                })
        })
        .collect()
}

/// Runs `detect`: one JSON object per line (text) or paragraph, with its language.
pub fn run(
    term: &Terminal,
    args: &InputArgs,
    langs: &[String],
    independent: bool,
) -> Result<ExitCode, Error> {
    let allow = parse_langs(langs)?;
    let opts = DetectOptions {
        allow: (!allow.is_empty()).then_some(allow.as_slice()),
        prior: None,
    };
    let mut failures = Failures::new(term);
    let (docs, total) = read_inputs(args, &mut failures);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for doc in &docs {
        let hists: Vec<ScriptHistogram> = doc
            .paragraphs
            .iter()
            .map(|p| ScriptHistogram::of(&p.text))
            .collect();
        let guesses: Vec<LangGuess> = if independent {
            doc.paragraphs
                .iter()
                .zip(&hists)
                .map(|(p, h)| detect_with(&p.text, h, &opts))
                .collect()
        } else {
            // The document's language is the prior for lines too short to tell on their own.
            detect_document(
                doc.paragraphs.iter().map(|p| p.text.as_str()).zip(&hists),
                &opts,
            )
            .into_paragraphs()
        };
        for (p, g) in doc.paragraphs.iter().zip(guesses) {
            let rec = DetectOut {
                source: &doc.source,
                text: &p.text,
                lang: g.code(),
                iso639_1: g.lang().and_then(iso639_1),
                confidence: g.confidence(),
                script: g.script().map(|s| s.name()),
            };
            write_json(&mut out, &rec).map_err(|e| Error::io("-", e))?;
        }
    }
    out.flush().map_err(|e| Error::io("-", e))?;
    Ok(failures.exit_code(total))
}
