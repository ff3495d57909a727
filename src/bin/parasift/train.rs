//! `parasift train` and `parasift eval`: fitting a model on labeled fixtures, and scoring one.

use std::path::PathBuf;
use std::process::ExitCode;

use parasift::train::{
    EvalReport, LabeledDoc, ModelKind, TrainParams, TrainStep, evaluate, read_fixtures,
    train_with_progress,
};
use parasift::{Error, Model};

use crate::args::TrainArgs;
use crate::load_model;
use crate::messages::Terminal;

/// Prints the scores of `r` on `docs` as a line named `name` on standard output.
fn print_report(name: &str, docs: &[LabeledDoc], r: &EvalReport) {
    let paras: usize = docs.iter().map(LabeledDoc::labeled).sum();
    let mut line = format!(
        "{name:<32} paragraphs={paras:<7} P={:.4} R={:.4} F1={:.4} acc={:.4}",
        r.paragraphs.precision(),
        r.paragraphs.recall(),
        r.paragraphs.f1(),
        r.paragraphs.accuracy(),
    );
    if r.pages.pages > 0 {
        line += &format!(
            " | pages={:<4} shingle P={:.4} R={:.4} F1={:.4}",
            r.pages.pages, r.pages.precision, r.pages.recall, r.pages.f1,
        );
    }
    if r.snippets.pages > 0 {
        let c = &r.snippets.counts;
        line += &format!(
            " | snippet pages={:<4} P={:.4} R={:.4} F1={:.4}",
            r.snippets.pages,
            c.precision(),
            c.recall(),
            c.f1(),
        );
    }
    println!("{line}");
}

/// The source of a fixture document: its id up to the first `/`.
fn source_of(d: &LabeledDoc) -> &str {
    d.doc.id.split('/').next().unwrap_or("")
}

/// Scores `model` on each named set, on each source of a set that has several, and on their
/// plain-text views too with `text_view`.
fn report_sets(model: &Model, sets: &[(String, &[LabeledDoc])], text_view: bool) {
    for (name, docs) in sets {
        let mut sources: Vec<&str> = docs.iter().map(source_of).collect();
        sources.sort_unstable();
        sources.dedup();
        let mut parts: Vec<(String, Vec<LabeledDoc>)> = Vec::new();
        if sources.len() > 1 {
            for s in sources {
                let part = docs.iter().filter(|d| source_of(d) == s).cloned().collect();
                parts.push((format!("{name} {s}"), part));
            }
        }
        for (n, docs) in std::iter::once((name.clone(), docs.to_vec())).chain(parts) {
            print_report(&n, &docs, &evaluate(model, &docs));
            if text_view && docs.iter().any(|d| d.doc.format == parasift::Format::Html) {
                let views: Vec<LabeledDoc> = docs.iter().map(LabeledDoc::text_view).collect();
                print_report(&format!("{n} (as text)"), &views, &evaluate(model, &views));
            }
        }
    }
}

/// Reads each fixture file, named by its file name.
fn named_sets(paths: &[PathBuf]) -> Result<Vec<(String, Vec<LabeledDoc>)>, Error> {
    paths
        .iter()
        .map(|p| {
            Ok((
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                read_fixtures(p)?,
            ))
        })
        .collect()
}

/// Runs `train`: fits a model, writes it to `--out`, and scores it on its fixtures and `--dev`.
pub fn run(term: &Terminal, a: &TrainArgs) -> Result<ExitCode, Error> {
    // Each fixture file is read once: trained on as one set, reported on file by file.
    let mut docs = Vec::new();
    let mut spans = Vec::new();
    for (name, set) in named_sets(&a.fixtures)? {
        let start = docs.len();
        docs.extend(set);
        spans.push((name, start..docs.len()));
    }
    let params = TrainParams {
        kind: a.kind,
        trees: a.trees,
        max_depth: a.max_depth,
        feature_proportion: a.feature_proportion,
        bootstrap_proportion: a.bootstrap_proportion,
        alpha: a.alpha,
        blend_forest_weight: a.blend_forest_weight,
        text_weight: a.text_weight,
        text_view: !a.no_text_view,
        balance_sources: a.balance,
        min_weight_split: a.min_weight_split,
        threshold: a.threshold,
        seed: a.seed,
        stack_trees: a.stack_trees,
        ..TrainParams::default()
    };
    let names: Vec<&str> = spans.iter().map(|(n, _)| n.as_str()).collect();
    term.note(&format!(
        "training a {} on {} documents from {}",
        match params.kind {
            ModelKind::Blend => "forest + logistic regression blend",
            ModelKind::Forest => "forest",
            ModelKind::Logistic => "logistic regression",
        },
        docs.len(),
        names.join(", ")
    ));
    let notes = format!("trained on {} with {:?}", names.join(", "), params);
    let start = std::time::Instant::now();
    let progress = |step: TrainStep| {
        let secs = start.elapsed().as_secs_f64();
        let what = match step {
            TrainStep::Rows { rows, columns } => format!("{rows} rows of {columns} features"),
            TrainStep::Tree { done, of } => format!("tree {done} of {of} fitted"),
            TrainStep::Logistic => "logistic regression fitted".to_string(),
            TrainStep::Stage { name } => name.to_string(),
        };
        term.note(&format!("training: {what} ({secs:.0} s)"));
    };
    let model = train_with_progress(&docs, &params, notes, &progress)?;
    let bytes = model.to_bytes()?;
    std::fs::write(&a.out, &bytes).map_err(|e| Error::io(&a.out, e))?;
    term.note(&format!(
        "wrote {} ({} bytes)",
        a.out.display(),
        bytes.len()
    ));
    let dev = named_sets(&a.dev)?;
    let sets: Vec<(String, &[LabeledDoc])> = spans
        .iter()
        .map(|(n, r)| (n.clone(), &docs[r.clone()]))
        .chain(dev.iter().map(|(n, d)| (n.clone(), d.as_slice())))
        .collect();
    report_sets(&model, &sets, true);
    Ok(ExitCode::SUCCESS)
}

/// Runs `eval`: scores the model (`--model`, else the embedded one) on each fixture file.
pub fn eval(
    fixtures: &[PathBuf],
    model: Option<&PathBuf>,
    text_view: bool,
    threshold: Option<f32>,
    content_roles: parasift::ContentRoles,
) -> Result<ExitCode, Error> {
    let mut model = load_model(model)?.with_content_roles(content_roles);
    if let Some(t) = threshold {
        model = model.with_threshold(t);
    }
    let sets = named_sets(fixtures)?;
    let sets: Vec<(String, &[LabeledDoc])> = sets
        .iter()
        .map(|(n, d)| (n.clone(), d.as_slice()))
        .collect();
    report_sets(&model, &sets, text_view);
    Ok(ExitCode::SUCCESS)
}
