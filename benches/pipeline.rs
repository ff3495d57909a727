//! Throughput of each stage and end to end, on the sample documents in the repository:
//! the five seed documents (plain text) and 21 labeled dev pages (HTML, `benches/data`).

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use parasift::pipeline::{OutputKind, Parsed, RenderKeys, render};
use parasift::{
    DocAnalysis, FeatureSchema, ReadOptions, TextMode, analyse_corpus, read_path, segment_html,
    segment_text,
};
use parasift::{Document, Model};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn seed_texts() -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(root().join("training/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn html_pages() -> Vec<String> {
    let raw = parasift::read_bytes(&root().join("benches/data/pages.jsonl.zst")).unwrap();
    String::from_utf8(raw)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["html"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Builds documents from raw inputs.
type Build = fn(&[String]) -> Vec<Document>;

fn text_docs(texts: &[String]) -> Vec<Document> {
    texts
        .iter()
        .map(|t| parasift::text_document("s", "s", t, TextMode::Lines))
        .collect()
}

fn html_docs(pages: &[String]) -> Vec<Document> {
    pages
        .iter()
        .map(|h| parasift::html_document("p", "p", h))
        .collect()
}

fn stages(c: &mut Criterion) {
    let model = Model::embedded().unwrap();
    let texts = seed_texts();
    let pages = html_pages();
    let text_bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let html_bytes: u64 = pages.iter().map(|t| t.len() as u64).sum();
    let text_set = text_docs(&texts);
    let html_set = html_docs(&pages);

    let mut g = c.benchmark_group("segment");
    g.throughput(Throughput::Bytes(text_bytes));
    g.bench_function("text", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| segment_text(t, TextMode::Lines).len())
                .sum::<usize>()
        })
    });
    g.throughput(Throughput::Bytes(html_bytes));
    g.bench_function("html", |b| {
        b.iter(|| pages.iter().map(|h| segment_html(h).len()).sum::<usize>())
    });
    g.finish();

    for (name, docs, bytes) in [
        ("text", &text_set, text_bytes),
        ("html", &html_set, html_bytes),
    ] {
        let mut g = c.benchmark_group("features");
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(BenchmarkId::new("analysis", name), |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| DocAnalysis::new(d).paras.len())
                    .sum::<usize>()
            })
        });
        let (analyses, index) = analyse_corpus(docs);
        g.bench_function(BenchmarkId::new("rows", name), |b| {
            b.iter(|| {
                analyses
                    .iter()
                    .map(|a| FeatureSchema::rows(a, Some(&index)).nrows())
                    .sum::<usize>()
            })
        });
        g.finish();

        let rows: Vec<_> = analyses
            .iter()
            .map(|a| FeatureSchema::rows(a, Some(&index)))
            .collect();
        let mut g = c.benchmark_group("predict");
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(name, |b| {
            b.iter(|| {
                rows.iter()
                    .map(|r| model.classifier().predict_proba(r.view()).len())
                    .sum::<usize>()
            })
        });
        g.finish();
    }

    // Rendering the per-document JSON (the `write` stage), as classify does before writing.
    let mut g = c.benchmark_group("write");
    for (name, docs, bytes) in [
        ("text", &text_set, text_bytes),
        ("html", &html_set, html_bytes),
    ] {
        let preds = model.classify_batch(docs);
        let parsed: Vec<Parsed> = docs
            .iter()
            .map(|d| Parsed::from_document(d.clone()))
            .collect();
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(name, |b| {
            let mut out = Vec::with_capacity(1 << 20);
            b.iter(|| {
                out.clear();
                for (p, x) in parsed.iter().zip(&preds) {
                    render(
                        OutputKind::Paragraphs,
                        p,
                        x,
                        RenderKeys::default(),
                        &mut out,
                    )
                    .unwrap();
                }
                out.len()
            })
        });
    }
    g.finish();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("end_to_end_1_thread");
    g.sample_size(20);
    let inputs: [(&str, u64, &[String], Build); 2] = [
        ("text", text_bytes, &texts, text_docs),
        ("html", html_bytes, &pages, html_docs),
    ];
    for (name, bytes, raw, build) in inputs {
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(name, |b| {
            b.iter(|| pool.install(|| model.classify_batch(&build(raw)).len()))
        });
    }
    g.finish();

    // Loading the embedded model, as every `classify` does once at its start.
    let mut g = c.benchmark_group("load");
    g.bench_function("embedded_model", |b| {
        b.iter(|| Model::embedded_owned().map(|m| m.threshold()))
    });
    g.finish();

    // Reading from disk, with charset detection and decompression.
    let mut g = c.benchmark_group("read");
    let path = root().join("benches/data/pages.jsonl.zst");
    g.throughput(Throughput::Bytes(html_bytes));
    g.bench_function("jsonl_zst_html", |b| {
        b.iter(|| read_path(&path, &ReadOptions::default()).len())
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
