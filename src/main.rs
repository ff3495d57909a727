//! The `parasift` command-line tool.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use parasift::features::{CorpusIndex, FeatureSchema, analyse_corpus};
use parasift::lang::{self, ScriptHistogram};
use parasift::pipeline::{self, IndexSource, OutputKind, RunOptions};
use parasift::read::{InputFormat, JsonlKeys, ReadOptions, read_all};
use parasift::segment::TextMode;
use parasift::train::eval::{EvalReport, evaluate};
use parasift::train::fit::train;
use parasift::train::fixtures::{LabeledDoc, read_fixtures};
use parasift::train::params::{ModelKind, TrainParams};
use parasift::{Document, Error, Model};
use whatlang::Lang;

/// Documents come and go in short-lived buffers on several threads: mimalloc reuses their
/// memory per thread instead of mapping and unmapping it. Blocks of [`LARGE`] bytes or more
/// (the index's tables and sketch) come from the system allocator, which maps
/// each on its own and unmaps it when it is freed: mimalloc would keep a freed block's memory
/// for a while (10 ms in mimalloc 2, the version used; a second in mimalloc 3), and when the
/// exact index tables fold into the sketch that while holds both.
/// The same holds for the sixteen shingle tables as they grow: each growth frees the table's
/// old block, and with a threshold of 4 MiB the blocks mimalloc kept of them added 20 to 35 MB
/// to the peak of `parasift index` on a corpus of 245 MB.
#[global_allocator]
static GLOBAL: Alloc = Alloc;

/// Size from which a block bypasses mimalloc.
const LARGE: usize = 1 << 20;

/// mimalloc for blocks under [`LARGE`] bytes, the system allocator for the others.
struct Alloc;

/// How [`GlobalAlloc`](std::alloc::GlobalAlloc) makes a block (`alloc` or `alloc_zeroed`).
type Make<A> = unsafe fn(&A, std::alloc::Layout) -> *mut u8;

impl Alloc {
    /// A new block: with `system` (in huge pages) when it is large, else with `small`.
    ///
    /// # Safety
    /// The contract of [`GlobalAlloc::alloc`](std::alloc::GlobalAlloc::alloc).
    unsafe fn make(
        layout: std::alloc::Layout,
        system: Make<std::alloc::System>,
        small: Make<mimalloc::MiMalloc>,
    ) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if layout.size() >= LARGE {
                huge_pages(system(&std::alloc::System, layout), layout.size())
            } else {
                small(&mimalloc::MiMalloc, layout)
            }
        }
    }
}

// SAFETY: each block is freed, grown or shrunk by the allocator that made it: the choice
// depends only on the block's size, and a block that crosses `LARGE` is moved.
unsafe impl std::alloc::GlobalAlloc for Alloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { Self::make(layout, std::alloc::System::alloc, mimalloc::MiMalloc::alloc) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            Self::make(
                layout,
                std::alloc::System::alloc_zeroed,
                mimalloc::MiMalloc::alloc_zeroed,
            )
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from the allocator that `layout.size()` picks.
        unsafe {
            if layout.size() >= LARGE {
                std::alloc::System.dealloc(ptr, layout)
            } else {
                mimalloc::MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: the caller's contract; a block that changes sides is copied to a block of the
        // other allocator (the `Layout` is valid: same alignment, and `new` is a valid size by
        // the caller's contract).
        unsafe {
            match (layout.size() >= LARGE, new >= LARGE) {
                (true, true) => huge_pages(std::alloc::System.realloc(ptr, layout, new), new),
                (false, false) => mimalloc::MiMalloc.realloc(ptr, layout, new),
                _ => {
                    let to = std::alloc::Layout::from_size_align_unchecked(new, layout.align());
                    let moved = self.alloc(to);
                    if !moved.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new));
                        self.dealloc(ptr, layout);
                    }
                    moved
                }
            }
        }
    }
}

/// Asks for huge pages under the large block at `ptr` (see
/// [`parasift::hash::advise_huge_pages`]: the index's tables are probed at random), and
/// returns `ptr`.
fn huge_pages(ptr: *mut u8, size: usize) -> *mut u8 {
    if !ptr.is_null() {
        parasift::hash::advise_huge_pages(ptr, size);
    }
    ptr
}

/// Has glibc map every block of [`LARGE`] bytes or more on its own (its threshold otherwise
/// rises with the blocks freed, up to 32 MiB, and smaller blocks stay in its heap once freed).
fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE as libc::c_int);
    }
}

#[derive(Parser)]
#[command(
    name = "parasift",
    version,
    about = "Split documents into paragraphs, tell their language, label them content or boilerplate."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        #[arg(long)]
        threads: Option<usize>,
        /// Do not show a progress line.
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
        #[arg(long)]
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
        #[arg(long)]
        threshold: Option<f32>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Auto,
    Text,
    Html,
    Jsonl,
}

#[derive(Args)]
struct InputArgs {
    /// Files or directories (read recursively); `-` or nothing for standard input.
    paths: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// Plain text: paragraphs are blank-line separated blocks instead of lines.
    #[arg(long)]
    blocks: bool,
    /// JSONL key of the record id.
    #[arg(long, default_value = "id")]
    id_key: String,
    /// JSONL key of the plain text.
    #[arg(long, default_value = "text")]
    text_key: String,
    /// JSONL key of the HTML (used when a record has no text).
    #[arg(long, default_value = "html")]
    html_key: String,
    /// JSONL key of the URL or source; its host tells repetition on one site from syndication.
    #[arg(long, default_value = "url")]
    url_key: String,
}

/// The model of the commands that classify.
#[derive(Args)]
struct ModelArgs {
    /// Model file (default: the embedded model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// P(content) at or above which a paragraph is content (default: the model's).
    #[arg(long)]
    threshold: Option<f32>,
}

impl ModelArgs {
    fn load_model(&self) -> Result<Model, Error> {
        load_model(self.model.as_ref()).map(|m| with_threshold(m, self.threshold))
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputArg {
    /// The command's JSON: paragraphs with labels (classify), content text (extract).
    Json,
    /// The input records with their text replaced by the content paragraphs, every other field
    /// untouched; `{"id", "text"}` for text and HTML inputs.
    Clean,
    /// Character spans with scores, one row per input record:
    /// `{"id", "attributes": {"parasift__content": [[start, end, score], …]}}`.
    Attributes,
}

/// Options of corpus runs (classify, extract).
#[derive(Args)]
struct CorpusArgs {
    /// What to write per document.
    #[arg(long, value_enum, default_value = "json")]
    output: OutputArg,
    /// Write one output file per input file under DIR, with the same relative name; a rerun
    /// skips the files already complete there.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Corpus counts from a saved index (`parasift index`) instead of a first pass.
    #[arg(long, value_name = "FILE")]
    index: Option<PathBuf>,
    /// Memory budget of the first pass's index: exact counts up to a quarter of it, a
    /// fixed-size sketch of all of it beyond (e.g. 256M, 4G).
    #[arg(long, default_value = "256M", value_parser = parse_size)]
    index_memory: usize,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Read only the input files `i` (in listing order) with `i % world-size == rank`.
    #[arg(long, default_value_t = 0)]
    rank: usize,
    /// Number of processes sharing the input files.
    #[arg(long, default_value_t = 1)]
    world_size: usize,
    /// Append each rejected record or file to FILE (JSON lines: source, line, reason).
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Documents per batch; at most twice this many are in flight, read and not yet written
    /// (default: 1024 per thread). Standard input without --index is counted batch by batch.
    #[arg(long, value_name = "N")]
    batch_docs: Option<usize>,
    /// Input bytes per batch (about; e.g. 512K, 8M); at most twice this many are in flight
    /// (default: 2 MiB per thread). Lower it to bound memory on many threads.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    batch_bytes: Option<usize>,
    /// Do not show a progress line.
    #[arg(long)]
    quiet: bool,
}

/// Parses a size such as `256M`, `4G`, `512K`, `1048576` (binary units; `MiB`, `GB` … accepted).
fn parse_size(s: &str) -> Result<usize, String> {
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

fn set_threads(threads: Option<usize>) -> Result<(), Error> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| Error::input("--threads", e.to_string()))?;
    }
    Ok(())
}

#[derive(Args)]
struct TrainArgs {
    /// Labeled fixture files to train on.
    #[arg(required = true)]
    fixtures: Vec<PathBuf>,
    /// Labeled fixture files to report scores on (never trained on).
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, short, default_value = "model.bin")]
    out: PathBuf,
    /// Classifier to fit.
    #[arg(long, value_enum, default_value = "blend")]
    kind: KindArg,
    /// Trees in the forest.
    #[arg(long, default_value_t = TrainParams::default().trees)]
    trees: usize,
    /// Maximum tree depth.
    #[arg(long, default_value_t = TrainParams::default().max_depth)]
    max_depth: usize,
    /// Share of columns each tree sees.
    #[arg(long, default_value_t = TrainParams::default().feature_proportion)]
    feature_proportion: f64,
    /// Share of rows each tree is fitted on.
    #[arg(long, default_value_t = TrainParams::default().bootstrap_proportion)]
    bootstrap_proportion: f64,
    /// L2 penalty of the logistic regression.
    #[arg(long, default_value_t = TrainParams::default().alpha)]
    alpha: f32,
    /// Weight of the forest in a blend (the logistic regression has the rest).
    #[arg(long, default_value_t = TrainParams::default().blend_forest_weight)]
    blend_forest_weight: f32,
    /// Times each plain-text fixture document is repeated in the training rows.
    #[arg(long, default_value_t = TrainParams::default().text_weight)]
    text_weight: usize,
    /// Do not add plain-text views of the HTML fixtures.
    #[arg(long)]
    no_text_view: bool,
    /// Repeat the documents of smaller sources (id prefix before the first `/`) so each source
    /// weighs about as much as the largest.
    #[arg(long)]
    balance: bool,
    /// Minimum sample weight for a tree node to be split.
    #[arg(long, default_value_t = TrainParams::default().min_weight_split)]
    min_weight_split: f32,
    /// P(content) threshold stored in the model.
    #[arg(long, default_value_t = TrainParams::default().threshold)]
    threshold: f32,
    /// Random seed.
    #[arg(long, default_value_t = TrainParams::default().seed)]
    seed: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Blend,
    Forest,
    Logistic,
}

impl InputArgs {
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: match self.format {
                FormatArg::Auto => InputFormat::Auto,
                FormatArg::Text => InputFormat::Text,
                FormatArg::Html => InputFormat::Html,
                FormatArg::Jsonl => InputFormat::Jsonl,
            },
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
        }
    }

    fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            self.paths.clone()
        }
    }
}

/// `model` with the threshold of `--threshold`, if given.
fn with_threshold(model: Model, threshold: Option<f32>) -> Model {
    match threshold {
        Some(t) => model.with_threshold(t),
        None => model,
    }
}

fn load_model(path: Option<&PathBuf>) -> Result<Model, Error> {
    match path {
        // Name the file in the message; the error itself says what is wrong with it.
        Some(p) => Model::from_file(p).map_err(|e| match e {
            Error::Io { .. } => e,
            other => Error::input(p.display().to_string(), other.to_string()),
        }),
        None => Model::embedded_owned(),
    }
}

/// Counts what went wrong, reports it on stderr and turns it into the exit code.
#[derive(Default)]
struct Failures(usize);

impl Failures {
    fn report(&mut self, e: &Error) {
        self.0 += 1;
        eprintln!("parasift: error: {e}");
    }
    fn exit_code(&self, total: usize) -> ExitCode {
        if self.0 > 0 {
            eprintln!("parasift: {} of {total} inputs failed", self.0);
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

#[derive(Serialize)]
struct DetectOut<'a> {
    source: &'a str,
    text: &'a str,
    lang: Option<&'static str>,
    iso639_1: Option<&'static str>,
    confidence: f32,
    script: Option<&'static str>,
}

#[derive(Serialize)]
struct InspectOut<'a> {
    source: &'a str,
    index: usize,
    text: &'a str,
    label: &'static str,
    score: f32,
    features: serde_json::Map<String, serde_json::Value>,
}

fn write_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// Reads the inputs; failed ones are reported, the rest come back in order.
fn read_inputs(args: &InputArgs, failures: &mut Failures) -> (Vec<Document>, usize) {
    let items = read_all(&args.paths(), &args.read_options());
    let total = items.len();
    let mut docs = Vec::with_capacity(total);
    for item in items {
        match item {
            Ok(d) => docs.push(d),
            Err(e) => failures.report(&e),
        }
    }
    (docs, total)
}

fn run_classify(
    args: &InputArgs,
    model_args: &ModelArgs,
    corpus: &CorpusArgs,
    extract: Option<bool>,
) -> Result<ExitCode, Error> {
    // A model file is read first, so that a bad one stops the run before any input is read.
    // The embedded model cannot be bad (the tests load it): it is decoded on a thread of its
    // own while the first pass counts the corpus, and waited for when the second pass starts.
    let model: Box<dyn FnOnce() -> Result<Model, Error>> = match &model_args.model {
        Some(_) => {
            let model = model_args.load_model()?;
            Box::new(move || Ok(model))
        }
        None => {
            let threshold = model_args.threshold;
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            std::thread::spawn(move || {
                let model = Model::embedded_owned().map(|m| with_threshold(m, threshold));
                let _ = tx.send(model);
            });
            Box::new(move || {
                rx.recv().unwrap_or_else(|_| {
                    Err(Error::CorruptModel(
                        "embedded default model: its loading thread stopped".into(),
                    ))
                })
            })
        }
    };
    check_share(corpus.rank, corpus.world_size)?;
    set_threads(corpus.threads)?;
    let output = match (corpus.output, extract) {
        (_, Some(true)) => OutputKind::Plain,
        (OutputArg::Json, Some(false)) => OutputKind::Extract,
        (OutputArg::Json, None) => OutputKind::Paragraphs,
        (OutputArg::Clean, _) => OutputKind::Clean,
        (OutputArg::Attributes, _) => OutputKind::Attributes,
    };
    let mut opts = RunOptions {
        read: args.read_options(),
        output,
        output_dir: corpus.output_dir.clone(),
        index: match &corpus.index {
            Some(p) => IndexSource::File(p.clone()),
            None => IndexSource::Build(corpus.index_memory),
        },
        rank: corpus.rank,
        world_size: corpus.world_size,
        rejects: corpus.rejects.clone(),
        progress: !corpus.quiet,
        ..RunOptions::default()
    };
    if let Some(n) = corpus.batch_docs {
        opts.batch_docs = n.max(1);
    }
    if let Some(n) = corpus.batch_bytes {
        opts.batch_bytes = n.max(1);
    }
    let (sum, _model) = pipeline::run_with(model, &args.paths(), &opts)?;
    eprintln!("parasift: {sum}");
    if sum.rejected > 0 {
        eprintln!(
            "parasift: {} of {} inputs failed",
            sum.rejected, sum.docs_in
        );
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Checks `--rank` and `--world-size`.
fn check_share(rank: usize, world_size: usize) -> Result<(), Error> {
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

fn run_index(
    args: &InputArgs,
    out: &Path,
    memory: usize,
    (rank, world_size): (usize, usize),
    threads: Option<usize>,
    quiet: bool,
) -> Result<ExitCode, Error> {
    check_share(rank, world_size)?;
    pipeline::check_outside_inputs(&args.paths(), "--out", out)?;
    set_threads(threads)?;
    let opts = RunOptions {
        read: args.read_options(),
        progress: !quiet,
        ..RunOptions::default()
    };
    let (files, listing_errors) = pipeline::select_inputs(&args.paths(), rank, world_size);
    for e in &listing_errors {
        eprintln!("parasift: error: {e}");
    }
    let all: Vec<usize> = (0..files.len()).collect();
    let (index, sum) =
        pipeline::build_index_reporting(&files, &all, &opts, memory, &mut |e, _, _| {
            eprintln!("parasift: error: {e}")
        })?;
    let wrote = save_index(&index, out)?;
    eprintln!(
        "parasift: counted {} documents ({} unreadable, left out) from {} files, {:.1} MB in {:.1} s; {wrote}",
        sum.docs_out,
        sum.rejected,
        sum.files,
        sum.bytes as f64 / 1e6,
        sum.seconds,
    );
    Ok(if listing_errors.is_empty() && sum.rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_merge_index(
    parts: &[PathBuf],
    out: &Path,
    threads: Option<usize>,
) -> Result<ExitCode, Error> {
    set_threads(threads)?;
    let threads = rayon::current_num_threads();
    let mut index: Option<CorpusIndex> = None;
    for p in parts {
        let part = CorpusIndex::load(p)?;
        match index.as_mut() {
            None => index = Some(part),
            Some(ix) => ix
                .merge(part, threads)
                .map_err(|e| Error::bad_index(p.display().to_string(), e.reason()))?,
        }
    }
    let Some(index) = index else {
        return Err(Error::input("merge-index", "no index files given"));
    };
    let wrote = save_index(&index, out)?;
    eprintln!(
        "parasift: added up {} indexes of {} documents; {wrote}",
        parts.len(),
        index.docs(),
    );
    Ok(ExitCode::SUCCESS)
}

/// Saves `index` to `out`, and says so: "wrote OUT (exact counts|sketch, N MB)".
fn save_index(index: &CorpusIndex, out: &Path) -> Result<String, Error> {
    index.save(out)?;
    Ok(format!(
        "wrote {} ({}, {:.1} MB)",
        out.display(),
        if index.is_exact() {
            "exact counts"
        } else {
            "sketch"
        },
        std::fs::metadata(out).map_or(0, |m| m.len()) as f64 / 1e6,
    ))
}

/// Parses `--langs` codes (ISO 639-3 or 639-1) into languages, naming the first unknown one.
fn parse_langs(codes: &[String]) -> Result<Vec<Lang>, Error> {
    codes
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .map(|c| {
            Lang::from_code(&c)
                .or_else(|| {
                    isolang::Language::from_639_1(&c).and_then(|l| Lang::from_code(l.to_639_3()))
                })
                .ok_or_else(|| {
                    Error::input(
                        "--langs",
                        format!(
                            "unknown or unsupported language code {c:?} (use ISO 639-3 like \"eng\" or 639-1 like \"en\")"
                        ),
                    )
                })
        })
        .collect()
}

fn run_detect(args: &InputArgs, langs: &[String], independent: bool) -> Result<ExitCode, Error> {
    let allow = parse_langs(langs)?;
    let opts = lang::DetectOptions {
        allow: (!allow.is_empty()).then_some(allow.as_slice()),
        prior: None,
    };
    let mut failures = Failures::default();
    let (docs, total) = read_inputs(args, &mut failures);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for doc in &docs {
        let hists: Vec<ScriptHistogram> = doc
            .paragraphs
            .iter()
            .map(|p| ScriptHistogram::of(&p.text))
            .collect();
        let guesses: Vec<lang::LangGuess> = if independent {
            doc.paragraphs
                .iter()
                .zip(&hists)
                .map(|(p, h)| lang::detect_with(&p.text, h, &opts))
                .collect()
        } else {
            // The document's language is the prior for lines too short to tell on their own.
            lang::detect_document(
                doc.paragraphs.iter().map(|p| p.text.as_str()).zip(&hists),
                &opts,
            )
            .paragraphs
        };
        for (p, g) in doc.paragraphs.iter().zip(guesses) {
            let rec = DetectOut {
                source: &doc.source,
                text: &p.text,
                lang: g.code(),
                iso639_1: g.lang.and_then(lang::iso639_1),
                confidence: g.confidence,
                script: g.script.map(|s| s.name()),
            };
            write_json(&mut out, &rec).map_err(|e| Error::io("-", e))?;
        }
    }
    out.flush().map_err(|e| Error::io("-", e))?;
    Ok(failures.exit_code(total))
}

fn run_inspect(args: &InputArgs, model_args: &ModelArgs) -> Result<ExitCode, Error> {
    let model = model_args.load_model()?;
    let mut failures = Failures::default();
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
        for (i, (p, x)) in doc.paragraphs.iter().zip(&pred.paragraphs).enumerate() {
            let features = names
                .iter()
                .zip(rows.row(i))
                .map(|(n, v)| (n.to_string(), serde_json::json!(v)))
                .collect();
            let rec = InspectOut {
                source: &doc.source,
                index: i,
                text: &p.text,
                label: x.label().name(),
                score: x.score(),
                features,
            };
            write_json(&mut out, &rec).map_err(|e| Error::io("-", e))?;
        }
    }
    out.flush().map_err(|e| Error::io("-", e))?;
    Ok(failures.exit_code(total))
}

fn print_report(name: &str, docs: &[LabeledDoc], r: &EvalReport) {
    let paras: usize = docs.iter().map(|d| d.labels.len()).sum();
    println!(
        "{name:<24} paragraphs={paras:<7} P={:.4} R={:.4} F1={:.4} acc={:.4} | pages={:<4} shingle P={:.4} R={:.4} F1={:.4}",
        r.paragraphs.precision(),
        r.paragraphs.recall(),
        r.paragraphs.f1(),
        r.paragraphs.accuracy(),
        r.pages.pages,
        r.pages.precision,
        r.pages.recall,
        r.pages.f1,
    );
}

fn report_sets(model: &Model, sets: &[(String, &[LabeledDoc])], text_view: bool) {
    for (name, docs) in sets {
        print_report(name, docs, &evaluate(model, docs));
        if text_view && docs.iter().any(|d| d.doc.format == parasift::Format::Html) {
            let views: Vec<LabeledDoc> = docs.iter().map(LabeledDoc::text_view).collect();
            print_report(
                &format!("{name} (as text)"),
                &views,
                &evaluate(model, &views),
            );
        }
    }
}

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

fn run_train(a: &TrainArgs) -> Result<ExitCode, Error> {
    // Each fixture file is read once: trained on as one set, reported on file by file.
    let mut docs = Vec::new();
    let mut spans = Vec::new();
    for (name, set) in named_sets(&a.fixtures)? {
        let start = docs.len();
        docs.extend(set);
        spans.push((name, start..docs.len()));
    }
    let params = TrainParams {
        kind: match a.kind {
            KindArg::Blend => ModelKind::Blend,
            KindArg::Forest => ModelKind::Forest,
            KindArg::Logistic => ModelKind::Logistic,
        },
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
        ..TrainParams::default()
    };
    let names: Vec<&str> = spans.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!(
        "parasift: training a {} on {} documents from {}",
        match params.kind {
            ModelKind::Blend => "forest + logistic regression blend",
            ModelKind::Forest => "forest",
            ModelKind::Logistic => "logistic regression",
        },
        docs.len(),
        names.join(", ")
    );
    let notes = format!("trained on {} with {:?}", names.join(", "), params);
    let model = train(&docs, &params, notes)?;
    let bytes = model.to_bytes()?;
    std::fs::write(&a.out, &bytes).map_err(|e| Error::io(&a.out, e))?;
    eprintln!(
        "parasift: wrote {} ({} bytes)",
        a.out.display(),
        bytes.len()
    );
    let dev = named_sets(&a.dev)?;
    let sets: Vec<(String, &[LabeledDoc])> = spans
        .iter()
        .map(|(n, r)| (n.clone(), &docs[r.clone()]))
        .chain(dev.iter().map(|(n, d)| (n.clone(), d.as_slice())))
        .collect();
    report_sets(&model, &sets, true);
    Ok(ExitCode::SUCCESS)
}

fn run() -> Result<ExitCode, Error> {
    let cli = Cli::parse();
    match &cli.command {
        Command::Classify {
            input,
            model,
            corpus,
        } => run_classify(input, model, corpus, None),
        Command::Extract {
            input,
            model,
            plain,
            corpus,
        } => run_classify(input, model, corpus, Some(*plain)),
        Command::Index {
            input,
            out,
            index_memory,
            rank,
            world_size,
            threads,
            quiet,
        } => run_index(
            input,
            out,
            *index_memory,
            (*rank, *world_size),
            *threads,
            *quiet,
        ),
        Command::MergeIndex {
            parts,
            out,
            threads,
        } => run_merge_index(parts, out, *threads),
        Command::Detect {
            input,
            langs,
            independent,
        } => run_detect(input, langs, *independent),
        Command::Inspect { input, model } => run_inspect(input, model),
        Command::Train(args) => run_train(args),
        Command::Eval {
            fixtures,
            model,
            text_view,
            threshold,
        } => {
            let mut model = load_model(model.as_ref())?;
            if let Some(t) = threshold {
                model = model.with_threshold(*t);
            }
            let sets = named_sets(fixtures)?;
            let sets: Vec<(String, &[LabeledDoc])> = sets
                .iter()
                .map(|(n, d)| (n.clone(), d.as_slice()))
                .collect();
            report_sets(&model, &sets, *text_view);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    map_large_blocks();
    match run() {
        Ok(code) => code,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parasift: error: {e}");
            ExitCode::from(2)
        }
    }
}
