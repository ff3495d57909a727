//! Measures parasift's language detection, and whatlang's in the same run, on the labeled
//! test files of the lingua language-model crates (`testdata/{sentences,word-pairs,
//! single-words}.txt`, 1,000 lines per language).
//!
//! ```text
//! cargo fetch --manifest-path training/lingua-models/Cargo.toml
//! cargo run --release -p parasift-training --bin langid_eval -- --lines 0..500      # development half
//! cargo run --release -p parasift-training --bin langid_eval -- --lines 500..1000   # held-out half
//! ```
//!
//! Only languages that both lingua and whatlang know are counted. Sentences are split at 40
//! characters. Speed is the median of five passes over the 40+ character sentences, one
//! thread. The foreign-footer check builds documents of five sentences in one language and
//! three short lines (sentences under 40 characters, or word pairs) in another, runs the
//! document analysis of the classifier (with its document prior), and counts the footer lines
//! whose language differs from the document's.

#[path = "lingua.rs"]
mod lingua;

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use parasift::{DocAnalysis, Document, ScriptHistogram};
use whatlang::Lang;

struct Line {
    text: String,
    lang: Lang,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    right: u32,
    unknown: u32,
    all: u32,
}

impl Tally {
    fn add(&mut self, truth: Lang, got: Option<Lang>) {
        self.all += 1;
        match got {
            Some(l) if l == truth => self.right += 1,
            None => self.unknown += 1,
            Some(_) => {}
        }
    }
    fn show(&self) -> String {
        format!(
            "{:6.2}% ({}/{}), unknown {:5.2}%",
            100.0 * self.right as f64 / self.all.max(1) as f64,
            self.right,
            self.all,
            100.0 * self.unknown as f64 / self.all.max(1) as f64
        )
    }
}

fn parasift_lang(text: &str) -> Option<Lang> {
    parasift::detect(text, &ScriptHistogram::of(text)).lang()
}

fn whatlang_lang(text: &str) -> Option<Lang> {
    whatlang::detect_lang(text)
}

fn median_mb_s(lines: &[&Line], f: fn(&str) -> Option<Lang>) -> f64 {
    let bytes: usize = lines.iter().map(|l| l.text.len()).sum();
    let mut rates: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let mut n = 0usize;
            for l in lines {
                n += f(&l.text).is_some() as usize;
            }
            std::hint::black_box(n);
            bytes as f64 / t.elapsed().as_secs_f64() / 1e6
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[2]
}

fn run() -> Result<(), String> {
    let mut range = 0..500usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lines" => {
                let v = args.next().ok_or("--lines needs A..B")?;
                let (a, b) = v.split_once("..").ok_or("--lines needs A..B")?;
                range =
                    a.parse().map_err(|_| "bad --lines")?..b.parse().map_err(|_| "bad --lines")?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let dirs: HashMap<String, std::path::PathBuf> = lingua::crate_dirs()?.into_iter().collect();
    let mut files: HashMap<&str, Vec<Line>> = HashMap::new();
    for &(name, code, _) in lingua::LANGUAGES {
        let lang = Lang::from_code(code).ok_or_else(|| format!("whatlang lacks {code}"))?;
        let dir = dirs
            .get(name)
            .ok_or_else(|| format!("lingua {name} not fetched"))?;
        for file in ["sentences", "word-pairs", "single-words"] {
            let path = dir.join("testdata").join(format!("{file}.txt"));
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let lines = files.entry(file).or_default();
            for l in text.lines().skip(range.start).take(range.len()) {
                lines.push(Line {
                    text: l.to_string(),
                    lang,
                });
            }
        }
    }
    println!(
        "lines {}..{} of each file, {} languages",
        range.start,
        range.end,
        lingua::LANGUAGES.len()
    );
    let sentences = &files["sentences"];
    let long: Vec<&Line> = sentences
        .iter()
        .filter(|l| l.text.chars().count() >= 40)
        .collect();
    let short: Vec<&Line> = sentences
        .iter()
        .filter(|l| l.text.chars().count() < 40)
        .collect();
    let sets: [(&str, Vec<&Line>); 4] = [
        ("sentences 40+ chars", long.clone()),
        ("sentences < 40 chars", short.clone()),
        ("word pairs", files["word-pairs"].iter().collect()),
        ("single words", files["single-words"].iter().collect()),
    ];
    for (name, f) in [
        ("parasift", parasift_lang as fn(&str) -> Option<Lang>),
        ("whatlang", whatlang_lang),
    ] {
        println!("== {name}");
        for (set, lines) in &sets {
            let mut t = Tally::default();
            for l in lines {
                t.add(l.lang, f(&l.text));
            }
            println!("  {set:22} {}", t.show());
        }
        println!(
            "  speed on 40+ char sentences: {:.1} MB/s (median of 5, one thread)",
            median_mb_s(&long, f)
        );
    }

    // Foreign footers: documents in one language with short lines in another.
    let by_lang = |lang: Lang, want_long: bool| -> Vec<&Line> {
        let src: Vec<&Line> = if want_long {
            long.clone()
        } else {
            short.clone()
        };
        let mut v: Vec<&Line> = src.into_iter().filter(|l| l.lang == lang).collect();
        if !want_long {
            v.extend(files["word-pairs"].iter().filter(|l| l.lang == lang));
        }
        v
    };
    let pairs: &[(Lang, Lang)] = &[
        (Lang::Eng, Lang::Rus),
        (Lang::Rus, Lang::Eng),
        (Lang::Eng, Lang::Ukr),
        (Lang::Deu, Lang::Eng),
        (Lang::Fra, Lang::Eng),
        (Lang::Spa, Lang::Eng),
        (Lang::Eng, Lang::Deu),
        (Lang::Eng, Lang::Fra),
        (Lang::Eng, Lang::Spa),
        (Lang::Rus, Lang::Ukr),
        (Lang::Ukr, Lang::Rus),
    ];
    println!("== foreign footers (footer line's language differs from the document's)");
    for &(doc_lang, foot_lang) in pairs {
        let body = by_lang(doc_lang, true);
        let foot = by_lang(foot_lang, false);
        let own = by_lang(doc_lang, false);
        let (mut differs, mut footers, mut own_right, mut owns) = (0u32, 0u32, 0u32, 0u32);
        for (k, chunk) in foot.chunks(3).enumerate() {
            let mut texts: Vec<&str> = (0..5)
                .map(|j| body[(k * 5 + j) % body.len()].text.as_str())
                .collect();
            texts.extend(chunk.iter().map(|l| l.text.as_str()));
            // One short line of the document's own language, which the prior should keep.
            let own_line = own[k % own.len()];
            texts.push(&own_line.text);
            let doc = Document::from_paragraphs("d", &texts);
            let a = DocAnalysis::new(&doc);
            let doc_l = a.lang;
            for i in 5..5 + chunk.len() {
                footers += 1;
                let l = a.paras[i].guess.and_then(|g| g.lang());
                differs += (l.is_some() && l != doc_l) as u32;
            }
            owns += 1;
            own_right +=
                (a.paras[texts.len() - 1].guess.and_then(|g| g.lang()) == Some(doc_lang)) as u32;
        }
        println!(
            "  {} page, {} footer lines: {:6.2}% differ ({differs}/{footers}); the page's own short lines right {:6.2}% ({own_right}/{owns})",
            doc_lang.code(),
            foot_lang.code(),
            100.0 * differs as f64 / footers.max(1) as f64,
            100.0 * own_right as f64 / owns.max(1) as f64,
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("langid_eval: {e}");
            ExitCode::FAILURE
        }
    }
}
