//! The command line: every command, flag and argument, and their conversion into the library's
//! options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use parasift::Error;
use parasift::pipeline::OutputKind;
use parasift::train::{ModelKind, TrainParams};
use parasift::{InputFormat, JsonlKeys, ReadOptions, TextMode};

#[derive(Parser)]
#[command(
    name = "parasift",
    version,
    about = "Split documents into paragraphs, tell their language, label them content or boilerplate."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Label every paragraph: one JSON object per input document on stdout, in input order.
    Classify {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        corpus: CorpusArgs,
    },
    /// Keep the main content only: one JSON object per document with its content text.
    Extract {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        model: ModelArgs,
        /// Write plain text (documents separated by a blank line) instead of JSON lines.
        #[arg(long)]
        plain: bool,
        #[command(flatten)]
        corpus: CorpusArgs,
    },
    /// Count repetition over a corpus (the first pass of classify) and save it for
    /// `classify --index`.
    Index {
        #[command(flatten)]
        input: InputArgs,
        /// Where to write the index.
        #[arg(long, short)]
        out: PathBuf,
        /// Memory budget of the index: exact counts up to a quarter of it, a fixed-size sketch
        /// of all of it beyond (e.g. 256M, 4G).
        #[arg(long, default_value = "256M", value_parser = parse_size)]
        index_memory: usize,
        /// This process's share of the input files (0-based), as in classify; `merge-index`
        /// adds up the shares' indexes.
        #[arg(long, default_value_t = 0)]
        rank: usize,
        /// Number of processes sharing the input files.
        #[arg(long, default_value_t = 1)]
        world_size: usize,
        /// Worker threads (default: one per core).
        #[arg(long, value_parser = parse_threads)]
        threads: Option<usize>,
        /// Do not show a progress line or the summary (errors are still written).
        #[arg(long)]
        quiet: bool,
    },
    /// Add up the indexes of the shares of a corpus (`index --rank R --world-size N`) into
    /// the index of the whole corpus.
    MergeIndex {
        /// The index files.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Where to write the index.
        #[arg(long, short)]
        out: PathBuf,
        /// Threads for turning exact counts into a sketch (default: one per core).
        #[arg(long, value_parser = parse_threads)]
        threads: Option<usize>,
    },
    /// The language of each line (text) or paragraph (HTML, JSONL): one JSON object each.
    Detect {
        #[command(flatten)]
        input: InputArgs,
        /// Only these languages may be answered: comma-separated ISO 639-3 or 639-1 codes
        /// (`eng,rus` or `en,ru`).
        #[arg(long, value_delimiter = ',')]
        langs: Vec<String>,
        /// Each line on its own: no document language as prior for short lines.
        #[arg(long)]
        independent: bool,
    },
    /// Each paragraph's features, score and label, to see why it was labelled so.
    Inspect {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Fit a model on labeled fixtures and report its scores.
    Train(TrainArgs),
    /// Score a model on labeled fixtures: precision, recall, F1 per paragraph and per page.
    Eval {
        /// Labeled fixture files (JSON Lines, optionally .zst or .gz).
        #[arg(required = true)]
        fixtures: Vec<PathBuf>,
        /// Model file (default: the embedded model).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Also score the fixtures with their markup forgotten (plain-text paragraphs).
        #[arg(long)]
        text_view: bool,
        /// P(content) at or above which a paragraph is content (default: the model's).
        #[arg(long, value_parser = parse_threshold)]
        threshold: Option<f32>,
        /// Paragraph roles that count as content, comma-separated (see classify).
        #[arg(long, value_name = "ROLES", default_value = "body,title", value_parser = parse_roles)]
        content_roles: parasift::ContentRoles,
    },
}

#[derive(Args)]
pub struct InputArgs {
    /// Files or directories (read recursively); `-` or nothing for standard input.
    pub paths: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: InputFormat,
    /// Plain text: paragraphs are blank-line separated blocks instead of lines.
    #[arg(long)]
    pub blocks: bool,
    /// JSONL key of the record id (a dotted path such as `meta.id` reaches into objects, as it
    /// does for every key).
    #[arg(long, default_value = "id")]
    pub id_key: String,
    /// JSONL key of the plain text.
    #[arg(long, default_value = "text")]
    pub text_key: String,
    /// JSONL key of the HTML (used when a record has no text).
    #[arg(long, default_value = "html")]
    pub html_key: String,
    /// JSONL key of the URL or source; its host tells repetition on one site from syndication.
    #[arg(long, default_value = "url")]
    pub url_key: String,
    /// The most bytes (decompressed) of one JSONL record or one text or HTML file (e.g. 64M);
    /// a longer one is rejected, and the run goes on.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_record_bytes: usize,
}

/// The model of the commands that classify.
#[derive(Args)]
pub struct ModelArgs {
    /// Model file (default: the embedded model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// P(content) at or above which a paragraph is content (default: the model's).
    #[arg(long, value_parser = parse_threshold)]
    pub threshold: Option<f32>,
    /// Paragraph roles that count as content, comma-separated, from: title, byline, caption,
    /// body, navigation, related, comment, legal, promo, other.
    #[arg(long, value_name = "ROLES", default_value = "body,title", value_parser = parse_roles)]
    pub content_roles: parasift::ContentRoles,
}

fn parse_roles(s: &str) -> Result<parasift::ContentRoles, String> {
    parasift::ContentRoles::parse(s).map_err(|e| e.to_string())
}

/// Options of corpus runs (classify, extract).
#[derive(Args)]
pub struct CorpusArgs {
    /// What to write per document.
    // `json`, `clean` or `attributes`: `json` is `Paragraphs` here, and `classify::run` makes it
    // `Extract` (or `Plain`) for extract.
    #[arg(long, value_enum, default_value = "json")]
    pub output: OutputKind,
    /// Write one output file per input file under DIR, with the same relative name; a rerun
    /// skips the files already complete there.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Corpus counts from a saved index (`parasift index`) instead of a first pass.
    #[arg(long, value_name = "FILE")]
    pub index: Option<PathBuf>,
    /// Memory budget of the first pass's index: exact counts up to a quarter of it, a
    /// fixed-size sketch of all of it beyond (e.g. 256M, 4G).
    #[arg(long, default_value = "256M", value_parser = parse_size)]
    pub index_memory: usize,
    /// Worker threads (default: one per core).
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Read only the input files `i` (in listing order) with `i % world-size == rank`.
    #[arg(long, default_value_t = 0)]
    pub rank: usize,
    /// Number of processes sharing the input files.
    #[arg(long, default_value_t = 1)]
    pub world_size: usize,
    /// Append each rejected record or file to FILE (JSON lines: source, line, reason).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Documents per batch; at most twice this many are in flight, read and not yet written
    /// (default: 1024 per thread). Standard input without --index is counted batch by batch.
    #[arg(long, value_name = "N")]
    pub batch_docs: Option<usize>,
    /// Input bytes per batch (about; e.g. 512K, 8M); at most twice this many are in flight
    /// (default: 2 MiB per thread). Lower it to bound memory on many threads.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub batch_bytes: Option<usize>,
    /// Attribute rows (`--output attributes`) name their spans PREFIX__content.
    #[arg(long, value_name = "PREFIX", default_value = "parasift")]
    pub attribute_prefix: String,
    /// Do not show a progress line or the summary (errors are still written).
    #[arg(long)]
    pub quiet: bool,
    /// Write the run's counts to FILE as one JSON object: documents in, out, rejected (in all
    /// and per reason), files, bytes, seconds.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
}

/// Most worker threads `--threads` takes: each has a stack and a share of the batch in flight,
/// so a number far beyond the cores only costs memory (and a huge one cannot be allocated).
pub const MAX_THREADS: usize = 1024;

/// Parses `--threads`: 1 to [`MAX_THREADS`].
pub fn parse_threads(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of threads"))?;
    if (1..=MAX_THREADS).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} threads: give 1 to {MAX_THREADS}"))
    }
}

/// Parses `--threshold`: a probability, 0 to 1.
pub fn parse_threshold(s: &str) -> Result<f32, String> {
    let t: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!("{t} is not a probability: give 0 to 1"))
    }
}

/// Parses a size such as `256M`, `4G`, `512K`, `1048576` (binary units; `MiB`, `GB` … accepted).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let digits = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let num: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 256M, 4G)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("{s:?}: unknown unit (use K, M, G or T)")),
    };
    Ok((num * mult) as usize)
}

#[derive(Args)]
pub struct TrainArgs {
    /// Labeled fixture files to train on.
    #[arg(required = true)]
    pub fixtures: Vec<PathBuf>,
    /// Labeled fixture files to report scores on (never trained on).
    #[arg(long)]
    pub dev: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, short, default_value = "model.bin")]
    pub out: PathBuf,
    /// Classifier to fit.
    #[arg(long, value_enum, default_value = "blend")]
    pub kind: ModelKind,
    /// Trees in the forest.
    #[arg(long, default_value_t = TrainParams::default().trees)]
    pub trees: usize,
    /// Maximum tree depth.
    #[arg(long, default_value_t = TrainParams::default().max_depth)]
    pub max_depth: usize,
    /// Share of columns each tree sees.
    #[arg(long, default_value_t = TrainParams::default().feature_proportion)]
    pub feature_proportion: f64,
    /// Share of rows each tree is fitted on.
    #[arg(long, default_value_t = TrainParams::default().bootstrap_proportion)]
    pub bootstrap_proportion: f64,
    /// L2 penalty of the logistic regression.
    #[arg(long, default_value_t = TrainParams::default().alpha)]
    pub alpha: f32,
    /// Weight of the forest in a blend (the logistic regression has the rest).
    #[arg(long, default_value_t = TrainParams::default().blend_forest_weight)]
    pub blend_forest_weight: f32,
    /// Times each plain-text fixture document is repeated in the training rows.
    #[arg(long, default_value_t = TrainParams::default().text_weight)]
    pub text_weight: usize,
    /// Do not add plain-text views of the HTML fixtures.
    #[arg(long)]
    pub no_text_view: bool,
    /// Repeat the documents of smaller sources (id prefix before the first `/`) so each source
    /// weighs about as much as the largest.
    #[arg(long)]
    pub balance: bool,
    /// Minimum sample weight for a tree node to be split.
    #[arg(long, default_value_t = TrainParams::default().min_weight_split)]
    pub min_weight_split: f32,
    /// P(content) threshold stored in the model.
    #[arg(long, default_value_t = TrainParams::default().threshold)]
    pub threshold: f32,
    /// Random seed.
    #[arg(long, default_value_t = TrainParams::default().seed)]
    pub seed: u64,
    /// Trees of each of the two first stages of a stacked model, whose second stage also sees
    /// the first stage's scores of each paragraph's neighbours (0: one stage).
    #[arg(long, default_value_t = TrainParams::default().stack_trees)]
    pub stack_trees: usize,
}

impl InputArgs {
    /// How the library is to read the inputs.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.format,
            text_mode: if self.blocks {
                TextMode::Blocks
            } else {
                TextMode::Lines
            },
            keys: JsonlKeys {
                id: self.id_key.clone(),
                text: self.text_key.clone(),
                html: self.html_key.clone(),
                url: self.url_key.clone(),
            },
            max_record_bytes: self.max_record_bytes,
        }
    }

    /// The input paths: standard input (`-`) when none are given.
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            self.paths.clone()
        }
    }
}

/// Checks `--rank` and `--world-size`.
pub fn check_share(rank: usize, world_size: usize) -> Result<(), Error> {
    if world_size == 0 {
        return Err(Error::input(
            "--world-size",
            "the world size is the number of shares: at least 1",
        ));
    }
    if rank >= world_size {
        return Err(Error::input(
            "--rank",
            format!("rank {rank} is not below world size {world_size}"),
        ));
    }
    Ok(())
}
