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
//! Every language that both lingua and whatlang know is counted. Sentences are split at 40
//! characters. A per-language table of the 40+ character sentences follows (parasift beside
//! whatlang), then the languages lingua has and whatlang does not: there, the share of `null`
//! answers and the median confidence of the others show how an unsupported language is
//! reported. Speed is the median of five passes over the 40+ character sentences, one
//! thread. The foreign-footer check builds documents of five sentences in one language and
//! three short lines (sentences under 40 characters, or word pairs) in another, runs the
//! document analysis of the classifier (with its document prior), and counts the footer lines
//! whose language differs from the document's and those given the right language (and, for
//! comparison, how many each line gets right alone).
//!
//! `--no-speed` skips the speed passes; `--errors N` prints the N commonest confusions on
//! sentences under 40 characters and up to N wrong footer lines per page language.

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
    fn pct(&self) -> f64 {
        100.0 * self.right as f64 / self.all.max(1) as f64
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

/// lingua's languages that whatlang does not know (so neither does parasift).
const UNSUPPORTED: &[&str] = &[
    "albanian",
    "basque",
    "bosnian",
    "ganda",
    "icelandic",
    "irish",
    "kazakh",
    "malay",
    "maori",
    "mongolian",
    "nynorsk",
    "somali",
    "sotho",
    "swahili",
    "tsonga",
    "tswana",
    "xhosa",
    "yoruba",
];

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn whatlang_lang(text: &str) -> Option<Lang> {
    whatlang::detect_lang(text)
}

fn median_mb_s(lines: &[&Line], f: fn(&str) -> Option<Lang>) -> f64 {
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    median_mb_s_of(&texts, f)
}

fn median_mb_s_of(lines: &[&str], f: fn(&str) -> Option<Lang>) -> f64 {
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    let mut rates: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let mut n = 0usize;
            for l in lines {
                n += f(l).is_some() as usize;
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
    let mut show_errors = 0usize;
    let mut speed = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lines" => {
                let v = args.next().ok_or("--lines needs A..B")?;
                let (a, b) = v.split_once("..").ok_or("--lines needs A..B")?;
                range =
                    a.parse().map_err(|_| "bad --lines")?..b.parse().map_err(|_| "bad --lines")?;
            }
            "--errors" => {
                let v = args.next().ok_or("--errors needs a number")?;
                show_errors = v.parse().map_err(|_| "bad --errors")?;
            }
            "--no-speed" => speed = false,
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
        if speed {
            println!(
                "  speed on 40+ char sentences: {:.1} MB/s (median of 5, one thread)",
                median_mb_s(&long, f)
            );
        }
    }

    if show_errors > 0 {
        // The commonest confusions on sentences under 40 characters.
        let mut confusions: HashMap<(Lang, Option<Lang>), u32> = HashMap::new();
        for l in &short {
            let got = parasift_lang(&l.text);
            if got != Some(l.lang) {
                *confusions.entry((l.lang, got)).or_default() += 1;
            }
        }
        let mut confusions: Vec<_> = confusions.into_iter().collect();
        confusions
            .sort_by_key(|&((t, g), n)| (std::cmp::Reverse(n), t.code(), g.map(|g| g.code())));
        println!("== commonest confusions, sentences < 40 chars (truth -> answer: lines)");
        for ((t, g), n) in confusions.iter().take(show_errors) {
            println!("  {} -> {}: {n}", t.code(), g.map_or("null", |g| g.code()));
        }
    }
    println!("== per language, sentences 40+ chars (parasift | whatlang)");
    let mut worst_gap = (f64::MAX, "");
    let mut worst = (f64::MAX, "");
    for &(name, code, _) in lingua::LANGUAGES {
        let lang = Lang::from_code(code).ok_or_else(|| format!("whatlang lacks {code}"))?;
        let (mut p, mut w) = (Tally::default(), Tally::default());
        for l in long.iter().filter(|l| l.lang == lang) {
            p.add(lang, parasift_lang(&l.text));
            w.add(lang, whatlang_lang(&l.text));
        }
        if p.all == 0 {
            // lingua ships fewer than 500 Japanese sentences: none are held out.
            println!("  | {name} | {code} | no lines | no lines |");
            continue;
        }
        let (pp, wp) = (p.pct(), w.pct());
        if pp - wp < worst_gap.0 {
            worst_gap = (pp - wp, name);
        }
        if pp < worst.0 {
            worst = (pp, name);
        }
        println!("  | {name} | {code} | {pp:.1} % | {wp:.1} % | {} |", p.all);
    }
    println!(
        "  lowest: {} {:.1} %; largest shortfall against whatlang: {} {:+.1} points",
        worst.1, worst.0, worst_gap.1, worst_gap.0
    );

    println!("== languages neither detector knows (lingua's test lines, same line range)");
    for file in ["sentences", "word-pairs", "single-words"] {
        let (mut nulls, mut all) = (0u32, 0u32);
        let mut conf = Vec::new();
        let mut reliable = 0u32;
        for name in UNSUPPORTED {
            let Some(dir) = dirs.get(*name) else {
                return Err(format!("lingua {name} not fetched"));
            };
            let path = dir.join("testdata").join(format!("{file}.txt"));
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            for l in text.lines().skip(range.start).take(range.len()) {
                let g = parasift::detect(l, &ScriptHistogram::of(l));
                all += 1;
                match g.lang() {
                    None => nulls += 1,
                    Some(_) => {
                        conf.push(g.confidence() as f64);
                        reliable += g.is_reliable() as u32;
                    }
                }
            }
        }
        println!(
            "  {file:13} {} languages, {all} lines: null {:5.2}%, reliable {:5.2}%, median confidence of the others {:.2}",
            UNSUPPORTED.len(),
            100.0 * nulls as f64 / all.max(1) as f64,
            100.0 * reliable as f64 / all.max(1) as f64,
            median(&mut conf),
        );
    }

    // Mixed right-to-left lines: a Hebrew or Arabic sentence with an English word pair in its
    // middle, against the Latin-script sentences, in one run.
    let latin: Vec<&str> = long
        .iter()
        .filter(|l| parasift::ScriptClass::of_lang(l.lang) == Some(parasift::ScriptClass::Latin))
        .map(|l| l.text.as_str())
        .collect();
    let english: Vec<&str> = files["word-pairs"]
        .iter()
        .filter(|l| l.lang == Lang::Eng)
        .map(|l| l.text.as_str())
        .collect();
    let mixed: Vec<String> = long
        .iter()
        .filter(|l| matches!(l.lang, Lang::Heb | Lang::Ara | Lang::Pes | Lang::Urd))
        .enumerate()
        .map(|(i, l)| {
            let words: Vec<&str> = l.text.split(' ').collect();
            let (a, b) = words.split_at(words.len() / 2);
            format!(
                "{} {} {}",
                a.join(" "),
                english[i % english.len()],
                b.join(" ")
            )
        })
        .collect();
    let mixed: Vec<&str> = mixed.iter().map(String::as_str).collect();
    let mut ratios = Vec::new();
    let mut rates = (Vec::new(), Vec::new());
    for _ in 0..if speed { 3 } else { 0 } {
        let l = median_mb_s_of(&latin, parasift_lang);
        let m = median_mb_s_of(&mixed, parasift_lang);
        rates.0.push(l);
        rates.1.push(m);
        ratios.push(l / m);
    }
    if speed {
        println!(
            "== mixed right-to-left lines: {:.1} MB/s ({} lines), Latin-script sentences {:.1} MB/s: Latin / mixed = {:.2} (median of 3 runs of 5 passes)",
            median(&mut rates.1),
            mixed.len(),
            median(&mut rates.0),
            median(&mut ratios),
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
    let mut totals = (0u32, 0u32, 0u32, 0u32, 0u32);
    for &(doc_lang, foot_lang) in pairs {
        let body = by_lang(doc_lang, true);
        let foot = by_lang(foot_lang, false);
        let own = by_lang(doc_lang, false);
        let (mut differs, mut right, mut footers, mut own_right, mut owns) =
            (0u32, 0u32, 0u32, 0u32, 0u32);
        let (mut alone_right, mut shown) = (0u32, 0usize);
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
            for (para, &text) in a.paras[5..].iter().zip(&texts[5..5 + chunk.len()]) {
                footers += 1;
                let l = para.guess.and_then(|g| g.lang());
                differs += (l.is_some() && l != doc_l) as u32;
                right += (l == Some(foot_lang)) as u32;
                let alone = parasift_lang(text);
                alone_right += (alone == Some(foot_lang)) as u32;
                if l != Some(foot_lang) && shown < show_errors {
                    shown += 1;
                    let code = |l: Option<Lang>| l.map_or("null", |l| l.code());
                    println!(
                        "    footer {:?}: {} in the document, {} alone",
                        text,
                        code(l),
                        code(alone)
                    );
                }
            }
            owns += 1;
            let own_got = a.paras[texts.len() - 1].guess.and_then(|g| g.lang());
            own_right += (own_got == Some(doc_lang)) as u32;
            if own_got != Some(doc_lang) && shown < show_errors {
                shown += 1;
                println!(
                    "    own line {:?}: {}",
                    own_line.text,
                    own_got.map_or("null", |l| l.code())
                );
            }
        }
        println!(
            "  {} page, {} footer lines: {:6.2}% differ ({differs}/{footers}), {:6.2}% right ({right}/{footers}), alone {:6.2}%; the page's own short lines right {:6.2}% ({own_right}/{owns})",
            doc_lang.code(),
            foot_lang.code(),
            100.0 * differs as f64 / footers.max(1) as f64,
            100.0 * right as f64 / footers.max(1) as f64,
            100.0 * alone_right as f64 / footers.max(1) as f64,
            100.0 * own_right as f64 / owns.max(1) as f64,
        );
        totals.0 += differs;
        totals.1 += right;
        totals.2 += footers;
        totals.3 += own_right;
        totals.4 += owns;
    }
    println!(
        "  all pairs: {:6.2}% differ ({}/{}), {:6.2}% right; own short lines right {:6.2}% ({}/{})",
        100.0 * totals.0 as f64 / totals.2.max(1) as f64,
        totals.0,
        totals.2,
        100.0 * totals.1 as f64 / totals.2.max(1) as f64,
        100.0 * totals.3 as f64 / totals.4.max(1) as f64,
        totals.3,
        totals.4,
    );
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
