//! Language detection: its speed alone, and its share of text-mode classification.
//!
//! The input is the paragraph text of the 21 dev pages in `benches/data` (news and other web
//! pages), one paragraph per line, as `classify --format text` reads it. `language/share`
//! times the detection of every paragraph; `language/classify_text` times the whole text-mode
//! classification of the same documents (segmenting, analysis, features, prediction) on one
//! thread. Their ratio is the share of classification time spent on language.
//! `language/sentences` times detection alone on the paragraphs of 40 characters or more (the
//! running text of the pages), with their bytes as throughput, as `whatlang_sentences` times
//! whatlang on them.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use parasift::{Document, Model};
use parasift::{ScriptHistogram, TextMode};

fn page_texts() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/pages.jsonl.zst");
    let raw = parasift::read_bytes(&path).unwrap();
    String::from_utf8(raw)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let doc = parasift::html_document("p", "p", v["html"].as_str().unwrap());
            doc.paragraphs
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

fn language(c: &mut Criterion) {
    let model = Model::embedded().unwrap();
    let texts = page_texts();
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let docs: Vec<Document> = texts
        .iter()
        .map(|t| parasift::text_document("p", "p", t, TextMode::Lines))
        .collect();
    let paragraphs: Vec<(&str, ScriptHistogram)> = docs
        .iter()
        .flat_map(|d| d.paragraphs.iter())
        .map(|p| (p.text.as_str(), ScriptHistogram::of(&p.text)))
        .collect();

    let sentences: Vec<&(&str, ScriptHistogram)> = paragraphs
        .iter()
        .filter(|(t, _)| t.chars().count() >= 40)
        .collect();
    let sentence_bytes: u64 = sentences.iter().map(|(t, _)| t.len() as u64).sum();

    let mut g = c.benchmark_group("language");
    g.throughput(Throughput::Bytes(sentence_bytes));
    g.bench_function("sentences", |b| {
        b.iter(|| {
            sentences
                .iter()
                .filter(|(t, h)| parasift::detect(t, h).lang().is_some())
                .count()
        })
    });
    g.bench_function("whatlang_sentences", |b| {
        b.iter(|| {
            sentences
                .iter()
                .filter(|(t, _)| whatlang::detect_lang(t).is_some())
                .count()
        })
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("share", |b| {
        b.iter(|| {
            paragraphs
                .iter()
                .filter(|(t, h)| parasift::detect(t, h).lang().is_some())
                .count()
        })
    });
    g.bench_function("whatlang", |b| {
        b.iter(|| {
            paragraphs
                .iter()
                .filter(|(t, _)| whatlang::detect_lang(t).is_some())
                .count()
        })
    });
    g.bench_function("classify_text", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    let d = parasift::text_document("p", "p", t, TextMode::Lines);
                    model.classify(&d).paragraphs().len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = language
}
criterion_main!(benches);
