//! Converts labeled data into parasift's fixture format.
//!
//! ```text
//! cargo run --release -p parasift-training --bin convert -- DATASETS_DIR SEEDS_DIR OUT_DIR
//! ```
//!
//! * `DATASETS_DIR/labeled-html/<dataset>/<split>/*.html`: pages whose text leaves are wrapped in
//!   `<span __boilernet_label="1|0">` (1 = main content). Each split becomes
//!   `OUT_DIR/<split>.jsonl.zst`, with the paragraphs parasift's HTML segmenter finds, each
//!   labeled by the majority of its characters, and the page's gold content.
//! * `DATASETS_DIR/<collection>/pages.jsonl.zst`: pages with their gold as text
//!   (`readability-test-pages`, `cleanportaleval`) or as snippets (`trafilatura-eval`); see
//!   [`pages`] for how paragraphs are labeled from them and how pages are split between train and
//!   dev (by site).
//! * `SEEDS_DIR/*.txt` with a sibling `*.labels` (one `content` or `boilerplate` per non-empty
//!   line of the text) become `OUT_DIR/seeds.jsonl`.
//! * The first 500 test sentences of each lingua language-model crate (fetched with
//!   `cargo fetch --manifest-path training/lingua-models/Cargo.toml`) replace the content of a
//!   few train pages, language by language ([`relanguaged`]); lines 501 and on stay for
//!   measuring language detection.

mod lingua;
mod pages;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use parasift::train::fixtures::{LabeledDoc, from_labeled_html, write_fixtures};
use parasift::{ScriptClass, ScriptHistogram, TextMode, decode_html, read_bytes, text_document};

const ATTR: &str = "__boilernet_label";

fn sorted_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

fn convert_split(root: &Path, split: &str) -> Result<Vec<LabeledDoc>, String> {
    let mut docs = Vec::new();
    for dataset in sorted_dir(root).map_err(|e| format!("{}: {e}", root.display()))? {
        let dir = dataset.join(split);
        if !dir.is_dir() {
            continue;
        }
        let name = dataset
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for page in sorted_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let bytes = read_bytes(&page).map_err(|e| e.to_string())?;
            let (html, _) = decode_html(&bytes);
            let file = page
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let doc = from_labeled_html(&format!("{name}/{split}/{file}"), &html, ATTR);
            if doc.labels.contains(&Some(true)) {
                docs.push(doc);
            } else {
                eprintln!("skipping {}: no paragraph labeled content", page.display());
            }
        }
    }
    Ok(docs)
}

fn convert_seeds(dir: &Path) -> Result<Vec<LabeledDoc>, String> {
    let mut docs = Vec::new();
    for path in sorted_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let labels_path = path.with_extension("labels");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let labels_text = std::fs::read_to_string(&labels_path)
            .map_err(|e| format!("{}: {e}", labels_path.display()))?;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc = text_document(
            &format!("seeds/{file}"),
            &format!("seeds/{file}"),
            &text,
            TextMode::Lines,
        );
        let mut labels = Vec::new();
        for (i, l) in labels_text.lines().enumerate() {
            labels.push(match l.trim() {
                "content" => true,
                "boilerplate" => false,
                other => {
                    return Err(format!(
                        "{}:{}: unknown label {other:?}",
                        labels_path.display(),
                        i + 1
                    ));
                }
            });
        }
        if labels.len() != doc.paragraphs.len() {
            return Err(format!(
                "{}: {} labels for {} non-empty lines",
                labels_path.display(),
                labels.len(),
                doc.paragraphs.len()
            ));
        }
        docs.push(LabeledDoc {
            doc,
            labels: labels.into_iter().map(Some).collect(),
            gold: None,
            snippets: None,
        });
    }
    Ok(docs)
}

/// Plain-text documents made of a page's content in a non-Latin script followed by an English
/// page's short boilerplate lines, and of an English page's content followed by the short
/// boilerplate lines of a page in a non-Latin script: the seeds' foreign footer, both ways, so
/// that neither a script nor a language means boilerplate but a difference from the document's.
/// Each non-Latin page (by the dominant script of its content) is paired with the next English
/// news page (L3S-GN1, in file order): deterministic.
fn foreign_footers(docs: &[LabeledDoc]) -> Vec<LabeledDoc> {
    let script = |d: &LabeledDoc| {
        let text: String = d
            .doc
            .paragraphs
            .iter()
            .zip(&d.labels)
            .filter(|(_, l)| **l == Some(true))
            .map(|(p, _)| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        ScriptHistogram::of(&text).dominant()
    };
    let foreign: Vec<&LabeledDoc> = docs
        .iter()
        .filter(|d| script(d).is_some_and(|s| s != ScriptClass::Latin))
        .collect();
    let english: Vec<&LabeledDoc> = docs
        .iter()
        .filter(|d| d.doc.id.starts_with("l3s-gn1/"))
        .collect();
    let part = |d: &LabeledDoc, content: bool| -> Vec<(String, bool)> {
        d.doc
            .paragraphs
            .iter()
            .zip(&d.labels)
            .filter(|(p, l)| {
                **l == Some(content) && (content || p.text.split_whitespace().count() <= 12)
            })
            .map(|(p, _)| (p.text.clone(), content))
            .take(if content { usize::MAX } else { 12 })
            .collect()
    };
    let mut out = Vec::new();
    for (k, f) in foreign.iter().enumerate() {
        let Some(e) = english.get(k * 7 % english.len().max(1)) else {
            break;
        };
        for (name, body, foot) in [("foreign-content", f, e), ("foreign-footer", e, f)] {
            let mut lines = part(body, true);
            lines.extend(part(foot, false));
            if lines.iter().all(|(_, c)| *c) || !lines.iter().any(|(_, c)| *c) {
                continue;
            }
            let texts: Vec<&str> = lines.iter().map(|(t, _)| t.as_str()).collect();
            let id = format!("spliced/{name}/{}", f.doc.id);
            let doc = parasift::Document::from_paragraphs(&id, &texts);
            out.push(LabeledDoc {
                doc,
                labels: lines.iter().map(|(_, c)| Some(*c)).collect(),
                gold: None,
                snippets: None,
            });
        }
    }
    out
}

/// Sentences of the lingua test files used for training: their first lines (the language
/// detection is measured on the lines after them).
const LINGUA_LINES: usize = 500;
/// Train pages given each language's content.
const PAGES_PER_LANGUAGE: usize = 4;

/// Train pages whose content paragraphs speak another language: for each lingua language not
/// written in the Latin script, [`PAGES_PER_LANGUAGE`] fully labeled HTML train pages
/// (deterministically spread over the train set) whose content paragraphs are replaced by that
/// language's first [`LINGUA_LINES`] test sentences, about as long as the text they replace,
/// while the boilerplate keeps its own language and all the markup stays. No training page would
/// otherwise have content in most of these languages and scripts; with them, neither a script
/// nor a language marks boilerplate, only a difference from the document's (the article and
/// its footer in two languages, both ways round with the seeds).
fn relanguaged(docs: &[LabeledDoc]) -> Result<Vec<LabeledDoc>, String> {
    let dirs = lingua::crate_dirs()?;
    let pages: Vec<&LabeledDoc> = docs
        .iter()
        .filter(|d| {
            d.doc.format == parasift::Format::Html
                && d.labels.iter().all(Option::is_some)
                && d.labels.contains(&Some(true))
                && d.labels.contains(&Some(false))
                && (20..=400).contains(&d.doc.paragraphs.len())
        })
        .collect();
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut k = 0usize;
    for &(name, code, group) in lingua::LANGUAGES {
        // Latin-script languages have content in the train pages already (English, German,
        // French, Spanish and others); giving pages their sentences cost precision on them.
        if group == Some("latin") {
            continue;
        }
        let Some((_, dir)) = dirs.iter().find(|(n, _)| n == name) else {
            return Err(format!("no lingua language-model crate for {name}"));
        };
        let path = dir.join("testdata/sentences.txt");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let sentences: Vec<&str> = text
            .lines()
            .take(LINGUA_LINES)
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if sentences.is_empty() {
            return Err(format!("{}: no sentences", path.display()));
        }
        let mut next = 0usize;
        for _ in 0..PAGES_PER_LANGUAGE {
            // Spread over the train pages: 37 is prime to any page count here.
            let page = pages[k * 37 % pages.len()];
            k += 1;
            let mut d = page.clone();
            d.doc.id = format!("relanguaged/{code}/{}", page.doc.id);
            d.gold = None;
            d.snippets = None;
            for (p, l) in d.doc.paragraphs.iter_mut().zip(&page.labels) {
                if *l != Some(true) {
                    continue;
                }
                let want = p.text.chars().count();
                let mut t = String::new();
                // At least one sentence; sentences until about the replaced length.
                while t.is_empty() || t.chars().count() + 20 < want {
                    if !t.is_empty() {
                        t.push(' ');
                    }
                    t.push_str(sentences[next % sentences.len()]);
                    next += 1;
                }
                p.link_chars = 0;
                p.text = t;
            }
            out.push(d);
        }
    }
    Ok(out)
}

fn run(args: &[String]) -> Result<(), String> {
    let [data, seeds, out] = args else {
        return Err("usage: convert DATASETS_DIR SEEDS_DIR OUT_DIR".into());
    };
    let out = Path::new(out);
    let data = Path::new(data);
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut collections = Vec::new();
    for name in pages::COLLECTIONS {
        let path = data.join(name).join("pages.jsonl.zst");
        collections.push(pages::convert(name, &path)?);
    }
    for split in ["train", "dev"] {
        let mut docs = convert_split(&data.join("labeled-html"), split)?;
        for c in &collections {
            docs.extend(
                c.iter()
                    .filter(|(s, _)| *s == split)
                    .map(|(_, d)| d.clone()),
            );
        }
        if split == "train" {
            let spliced = foreign_footers(&docs);
            eprintln!("train: {} spliced plain-text documents", spliced.len());
            let relang = relanguaged(&docs)?;
            eprintln!(
                "train: {} pages with content in another language",
                relang.len()
            );
            docs.extend(spliced);
            docs.extend(relang);
        }
        let paras: usize = docs.iter().map(|d| d.labels.len()).sum();
        let content: usize = docs
            .iter()
            .map(|d| d.labels.iter().filter(|&&l| l == Some(true)).count())
            .sum();
        let labeled: usize = docs.iter().map(LabeledDoc::labeled).sum();
        let path = out.join(format!("{split}.jsonl.zst"));
        write_fixtures(&path, &docs).map_err(|e| e.to_string())?;
        eprintln!(
            "{split}: {} pages, {paras} paragraphs ({labeled} labeled, {content} content) -> {}",
            docs.len(),
            path.display()
        );
    }
    let docs = convert_seeds(Path::new(seeds))?;
    let path = out.join("seeds.jsonl");
    write_fixtures(&path, &docs).map_err(|e| e.to_string())?;
    eprintln!("seeds: {} documents -> {}", docs.len(), path.display());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convert: {e}");
            ExitCode::FAILURE
        }
    }
}
