//! Builds `models/lang.bin`, the n-gram tables of parasift's language detector, from the
//! probabilities published in the lingua language-model crates (Apache-2.0).
//!
//! ```text
//! cargo fetch --manifest-path training/lingua-models/Cargo.toml
//! cargo run --release -p parasift-training --bin langmodel -- models/lang.bin
//! ```
//!
//! For every language of a group, the n-grams of orders 1 and 2 are all kept; of orders 3 and
//! 4, the `--top` most probable ones (by joint probability, the product of the conditional
//! probabilities of the n-gram's prefixes), and the prefixes of every kept n-gram. Each kept
//! n-gram stores, per language, that language's conditional log-probability of the n-gram or,
//! if the language lacks it, of its longest prefix it has (the floor if none).

#[path = "lingua.rs"]
mod lingua;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::ExitCode;

use fst::{Map, Streamer};
use parasift::train::lang_tables::{GroupData, MAX_ORDER, SCALE, TablesData};

const FLOOR: f32 = -12.0;

type Probs = HashMap<Vec<char>, f32>;

fn load(dir: &std::path::Path) -> Result<Probs, String> {
    let path = dir.join("models/ngrams.fst");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let map = Map::new(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut probs = HashMap::new();
    let mut stream = map.stream();
    while let Some((k, v)) = stream.next() {
        let Ok(s) = std::str::from_utf8(k) else {
            continue;
        };
        let chars: Vec<char> = s.chars().collect();
        if chars.len() <= MAX_ORDER && chars.iter().all(|c| c.is_alphabetic()) {
            probs.insert(chars, f64::from_bits(v) as f32);
        }
    }
    Ok(probs)
}

fn backoff(p: &Probs, g: &[char]) -> f32 {
    (1..=g.len())
        .rev()
        .find_map(|k| p.get(&g[..k]).copied())
        .unwrap_or(FLOOR)
}

fn joint(p: &Probs, g: &[char]) -> f32 {
    (1..=g.len())
        .map(|k| p.get(&g[..k]).copied().unwrap_or(FLOOR))
        .sum()
}

fn quantize(v: f32) -> u8 {
    (-v * SCALE).round().clamp(0.0, 255.0) as u8
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let mut top = 5000usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--top" => {
                top = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--top needs a number")?
            }
            _ => out = Some(a),
        }
    }
    let out = out.ok_or("usage: langmodel [--top N] OUT")?;
    let dirs: HashMap<String, std::path::PathBuf> = lingua::crate_dirs()?.into_iter().collect();
    let mut groups: BTreeMap<&str, Vec<(&str, Probs)>> = BTreeMap::new();
    for &(name, code, group) in lingua::LANGUAGES {
        let Some(group) = group else { continue };
        let dir = dirs
            .get(name)
            .ok_or_else(|| format!("lingua model for {name} not fetched"))?;
        eprintln!("reading {name} ({code})");
        groups.entry(group).or_default().push((code, load(dir)?));
    }
    let mut data = TablesData {
        source: "n-gram probabilities of the lingua language-model crates 1.3.0 (Apache-2.0)"
            .into(),
        groups: Vec::new(),
    };
    for (name, langs) in groups {
        let mut keep: BTreeSet<Vec<char>> = BTreeSet::new();
        for (_, p) in &langs {
            for n in 1..=MAX_ORDER {
                let mut grams: Vec<(&Vec<char>, f32)> = p
                    .keys()
                    .filter(|g| g.len() == n)
                    .map(|g| (g, joint(p, g)))
                    .collect();
                grams.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                let limit = if n <= 2 { usize::MAX } else { top };
                for (g, _) in grams.into_iter().take(limit) {
                    for k in 1..=g.len() {
                        keep.insert(g[..k].to_vec());
                    }
                }
            }
        }
        // Most probable first (by the best joint probability over the group's languages), so
        // that the rows scoring touches most sit together.
        let mut order: Vec<(f32, &Vec<char>)> = keep
            .iter()
            .map(|g| {
                let best = langs
                    .iter()
                    .map(|(_, p)| joint(p, g))
                    .fold(f32::NEG_INFINITY, f32::max);
                (best, g)
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let keep: Vec<&Vec<char>> = order.into_iter().map(|(_, g)| g).collect();
        let mut rows = Vec::with_capacity(keep.len() * langs.len());
        for g in &keep {
            rows.extend(langs.iter().map(|(_, p)| quantize(backoff(p, g))));
        }
        eprintln!(
            "group {name}: {} languages, {} n-grams",
            langs.len(),
            keep.len()
        );
        data.groups.push(GroupData {
            name: name.to_string(),
            langs: langs.iter().map(|(c, _)| c.to_string()).collect(),
            ngrams: keep.iter().map(|g| g.iter().collect()).collect(),
            rows,
            floor: quantize(FLOOR),
        });
    }
    let bytes = data.to_bytes().map_err(|e| e.to_string())?;
    std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    eprintln!("wrote {out}: {} bytes", bytes.len());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("langmodel: {e}");
            ExitCode::FAILURE
        }
    }
}
