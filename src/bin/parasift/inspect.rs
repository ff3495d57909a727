//! `parasift inspect`: each paragraph's features, score and label.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use serde::Serialize;

use parasift::Error;
use parasift::{FeatureSchema, analyse_corpus};

use crate::args::{InputArgs, ModelArgs};
use crate::messages::{Failures, Terminal};
use crate::{read_inputs, write_json};

/// One line of the output: a paragraph, its label and what the model saw.
#[derive(Serialize)]
struct InspectOut<'a> {
    source: &'a str,
    index: usize,
    text: &'a str,
    label: &'static str,
    score: f32,
    role: &'static str,
    reason: &'static str,
    features: serde_json::Map<String, serde_json::Value>,
}

/// Runs `inspect`: one JSON object per paragraph, with its features, score and label.
pub fn run(term: &Terminal, args: &InputArgs, model_args: &ModelArgs) -> Result<ExitCode, Error> {
    let model = model_args.load_model()?;
    let mut failures = Failures::new(term);
    let (docs, total) = read_inputs(args, &mut failures);
    let names = FeatureSchema::names();
    let (analyses, index) = analyse_corpus(&docs);
    let preds: Vec<_> = analyses
        .iter()
        .map(|a| model.classify_analysis(a, Some(&index)))
        .collect();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for ((doc, a), pred) in docs.iter().zip(&analyses).zip(&preds) {
        let rows = FeatureSchema::rows(a, Some(&index));
        let stack = model.stack_columns(a, Some(&index));
        for (i, (p, x)) in doc.paragraphs.iter().zip(pred.paragraphs()).enumerate() {
            let stacked = stack
                .as_ref()
                .map(|s| s.row(i).to_vec())
                .unwrap_or_default();
            let features = names
                .iter()
                .zip(rows.row(i))
                .chain(parasift::STACK_COLUMNS.iter().zip(&stacked))
                .map(|(n, v)| (n.to_string(), serde_json::json!(v)))
                .collect();
            let rec = InspectOut {
                source: &doc.source,
                index: i,
                text: &p.text,
                label: x.label().name(),
                score: x.score(),
                role: x.role().name(),
                reason: x.reason(),
                features,
            };
            write_json(&mut out, &rec).map_err(|e| Error::io("-", e))?;
        }
    }
    out.flush().map_err(|e| Error::io("-", e))?;
    Ok(failures.exit_code(total))
}
