//! Page collections with their gold (`DATASETS_DIR/<collection>/pages.jsonl.zst`): segmented by
//! parasift's HTML segmenter, each paragraph labeled from the gold, each page assigned to the
//! train or dev split by its site.
//!
//! Labels from a gold text (`readability-test-pages`, `cleanportaleval`): a paragraph of four or
//! more words is content when at least 70% of its word trigrams occur in the gold, boilerplate
//! when at most 20% do, and unlabeled in between; a shorter paragraph is content when it is a whole
//! gold line, boilerplate when its words occur nowhere in the gold, and unlabeled otherwise. The
//! page's title (`title`) is content, as headlines are in the other sources, and its byline
//! (`byline`) boilerplate, as metadata lines are.
//!
//! Labels from snippets (`trafilatura-eval`): a paragraph is content when it contains a `with`
//! snippet or is a long enough part of one (20 characters or half the snippet), boilerplate when
//! the same holds for a `without` or a `comments` snippet (comments are not main text), and
//! unlabeled otherwise or when both hold. Most paragraphs of these pages stay unlabeled: their rows
//! shape their neighbours' but are not trained on. The page keeps its snippets for scoring.
//!
//! Split: a page is in dev when the FNV-1a hash of its site (URL host, else the page id) is 0
//! modulo 5, so that no site is in both splits; in `cleanportaleval`, whose 71 pages come from four
//! sites, `blogs.wsj.com` is dev.

use std::collections::HashSet;
use std::path::Path;

use parasift::train::LabeledDoc;
use parasift::train::fixtures::Snippets;
use parasift::train::metrics::squash;
use parasift::{html_document, read_bytes, url_host};
use serde_json::Value;

/// The collections, by folder name.
pub const COLLECTIONS: [&str; 3] = [
    "readability-test-pages",
    "trafilatura-eval",
    "cleanportaleval",
];

/// The id prefix (source name) of a collection's documents.
fn source_name(collection: &str) -> &str {
    match collection {
        "readability-test-pages" => "readability",
        "trafilatura-eval" => "trafilatura",
        other => other,
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn str_field<'a>(r: &'a Value, key: &str) -> Option<&'a str> {
    r.get(key).and_then(Value::as_str)
}

fn strings(r: &Value, key: &str) -> Vec<String> {
    r.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(squash)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Labels from a gold text.
struct GoldText {
    lines: HashSet<String>,
    words: HashSet<String>,
    trigrams: HashSet<(String, String, String)>,
}

impl GoldText {
    fn new(gold: &str) -> Self {
        let lines = gold.lines().map(squash).filter(|l| !l.is_empty()).collect();
        let w: Vec<String> = gold.split_whitespace().map(str::to_string).collect();
        let trigrams = w
            .windows(3)
            .map(|t| (t[0].clone(), t[1].clone(), t[2].clone()))
            .collect();
        GoldText {
            lines,
            words: w.into_iter().collect(),
            trigrams,
        }
    }

    fn label(&self, text: &str) -> Option<bool> {
        let w: Vec<&str> = text.split_whitespace().collect();
        if w.len() >= 4 {
            let found = w
                .windows(3)
                .filter(|t| {
                    self.trigrams
                        .contains(&(t[0].to_string(), t[1].to_string(), t[2].to_string()))
                })
                .count();
            let share = found as f64 / (w.len() - 2) as f64;
            if share >= 0.7 {
                Some(true)
            } else if share <= 0.2 {
                Some(false)
            } else {
                None
            }
        } else if self.lines.contains(&w.join(" ")) {
            Some(true)
        } else if w.iter().all(|x| !self.words.contains(*x)) {
            Some(false)
        } else {
            None
        }
    }
}

/// Whether paragraph text `t` holds snippet `s`, or is a long enough part of it.
fn matches_snippet(t: &str, s: &str) -> bool {
    t.contains(s) || (s.contains(t) && (t.chars().count() >= 20 || 2 * t.len() >= s.len()))
}

/// Converts one collection into `(split, document)` pairs, in file order.
pub fn convert(collection: &str, path: &Path) -> Result<Vec<(&'static str, LabeledDoc)>, String> {
    let bytes = read_bytes(path).map_err(|e| e.to_string())?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let source = source_name(collection);
    let mut out = Vec::new();
    let (mut labeled, mut paras, mut skipped) = (0usize, 0usize, 0usize);
    for (n, line) in text.lines().enumerate() {
        let r: Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let id =
            str_field(&r, "id").ok_or_else(|| format!("{}:{}: no id", path.display(), n + 1))?;
        let html = str_field(&r, "html")
            .ok_or_else(|| format!("{}:{}: no html", path.display(), n + 1))?;
        let site = str_field(&r, "url").and_then(url_host);
        let mut doc = html_document(&format!("{source}/{id}"), &format!("{source}/{id}"), html);
        doc.site = site.clone();
        let split = if collection == "cleanportaleval" {
            if str_field(&r, "site") == Some("blogs.wsj.com") {
                "dev"
            } else {
                "train"
            }
        } else if fnv(site.as_deref().unwrap_or(id)).is_multiple_of(5) {
            "dev"
        } else {
            "train"
        };
        let texts: Vec<String> = doc.paragraphs.iter().map(|p| squash(&p.text)).collect();
        let (labels, gold, snippets) = if collection == "trafilatura-eval" {
            let with = strings(&r, "with");
            let mut without = strings(&r, "without");
            let comments = strings(&r, "comments");
            let labels = texts
                .iter()
                .map(|t| {
                    let w = with.iter().any(|s| matches_snippet(t, s));
                    let b = without
                        .iter()
                        .chain(&comments)
                        .any(|s| matches_snippet(t, s));
                    match (w, b) {
                        (true, false) => Some(true),
                        (false, true) => Some(false),
                        _ => None,
                    }
                })
                .collect();
            without.extend(comments);
            (labels, None, Some(Snippets { with, without }))
        } else {
            let gold = str_field(&r, "gold_text").unwrap_or_default().to_string();
            let g = GoldText::new(&gold);
            let title = str_field(&r, "title").map(squash).filter(|t| !t.is_empty());
            let byline = str_field(&r, "byline")
                .map(squash)
                .filter(|t| !t.is_empty());
            let labels = texts
                .iter()
                .map(|t| {
                    if title.as_deref() == Some(t.as_str()) {
                        Some(true)
                    } else if byline.as_deref() == Some(t.as_str()) {
                        Some(false)
                    } else {
                        g.label(t)
                    }
                })
                .collect();
            (labels, Some(gold), None)
        };
        let d = LabeledDoc {
            doc,
            labels,
            gold,
            snippets,
        };
        if d.doc.paragraphs.is_empty() || d.labeled() == 0 {
            skipped += 1;
            continue;
        }
        paras += d.doc.paragraphs.len();
        labeled += d.labeled();
        out.push((split, d));
    }
    eprintln!(
        "{collection}: {} pages ({} dev), {paras} paragraphs, {labeled} labeled; {skipped} pages without a labeled paragraph left out",
        out.len(),
        out.iter().filter(|(s, _)| *s == "dev").count()
    );
    Ok(out)
}
