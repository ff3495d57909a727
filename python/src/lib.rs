//! The `parasift._parasift` extension module: the model, the corpus index and language
//! detection of the parasift crate, for the Python package around it (`python/parasift`). The
//! documents of a call are read, counted, classified and rendered by the crate's own code, with
//! the GIL released, so that the results are those of the command-line tool on the same records.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use parasift::pipeline::{OutputKind, Parsed, RenderKeys, render};
use parasift::{
    CorpusIndex as Index, DocAnalysis, DocKeys, Error, JsonlKeys, Model as RustModel, ReadOptions,
    ScriptHistogram, TextMode, html_document, text_document,
};
use pyo3::create_exception;
use pyo3::exceptions::PyTypeError;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString, PyType};
use rayon::prelude::*;

/// Documents come and go in short-lived buffers on several threads: mimalloc reuses their
/// memory per thread, as in the command-line tool (whose allocator this is), where the system
/// allocator maps and unmaps it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    _parasift,
    ParasiftError,
    PyException,
    "An input, model or index that parasift cannot use; the message says which and why."
);

fn py_err(e: Error) -> PyErr {
    ParasiftError::new_err(e.to_string())
}

/// Thread pools by size, built once: `threads=` asks for one.
fn pool(threads: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .map_err(|_| PyValueError::new_err("thread pool registry poisoned"))?;
    if let Some(p) = pools.get(&threads) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| PyValueError::new_err(format!("threads={threads}: {e}")))?,
    );
    pools.insert(threads, p.clone());
    Ok(p)
}

/// Runs `f` on a pool of `threads` workers (the global pool when `None`).
fn on_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    match threads {
        Some(0) => Err(PyValueError::new_err("threads must be at least 1")),
        Some(n) => Ok(pool(n)?.install(f)),
        None => Ok(f()),
    }
}

/// An item of a call as Python gave it: text, or bytes that are decoded as the command decodes
/// its inputs (a JSONL record must be UTF-8; text and HTML are sniffed).
enum Raw {
    Str(String),
    Bytes(Vec<u8>),
}

/// The items of a call: `str`, `bytes`, `bytearray` or `memoryview` objects.
fn raw_items(items: &Bound<'_, PyAny>) -> PyResult<Vec<Raw>> {
    if items.is_instance_of::<PyString>() || items.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "documents must be a sequence of str or bytes, not a single str or bytes",
        ));
    }
    let mut out = Vec::with_capacity(items.len().unwrap_or(0));
    for (i, x) in items.try_iter()?.enumerate() {
        let x = x?;
        out.push(if let Ok(b) = x.cast::<PyBytes>() {
            Raw::Bytes(b.as_bytes().to_vec())
        } else if x.is_instance_of::<PyString>() {
            Raw::Str(x.extract()?)
        } else if let Ok(b) = x.cast::<PyByteArray>() {
            Raw::Bytes(b.to_vec())
        } else if x.is_instance_of::<PyMemoryView>() {
            Raw::Bytes(
                x.call_method0("tobytes")?
                    .cast::<PyBytes>()?
                    .as_bytes()
                    .to_vec(),
            )
        } else {
            return Err(PyTypeError::new_err(format!(
                "documents must be str or bytes, not {} (item {i})",
                x.get_type().name()?
            )));
        });
    }
    Ok(out)
}

/// How the items of a call are read.
#[derive(Clone)]
struct Reading {
    format: Format,
    opts: ReadOptions,
    name: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Text,
    Html,
    Jsonl,
}

impl Reading {
    #[allow(clippy::too_many_arguments)]
    fn new(
        format: &str,
        blocks: bool,
        id_key: &str,
        text_key: &str,
        html_key: &str,
        url_key: &str,
        name: &str,
    ) -> PyResult<Reading> {
        let format = match format {
            "text" => Format::Text,
            "html" => Format::Html,
            "jsonl" => Format::Jsonl,
            other => {
                return Err(PyValueError::new_err(format!(
                    "format must be \"text\", \"html\" or \"jsonl\", not {other:?}"
                )));
            }
        };
        let opts = ReadOptions {
            text_mode: if blocks {
                TextMode::Blocks
            } else {
                TextMode::Lines
            },
            keys: JsonlKeys {
                id: id_key.into(),
                text: text_key.into(),
                html: html_key.into(),
                url: url_key.into(),
            },
            ..ReadOptions::default()
        };
        Ok(Reading {
            format,
            opts,
            name: name.into(),
        })
    }

    /// Item `i`: a JSONL record (line `i + 1` of the batch), or a text or HTML document whose
    /// id is `ids[i]` (else its position) and whose site is the host of `urls[i]`.
    fn parse(
        &self,
        i: usize,
        item: Raw,
        id: Option<String>,
        url: Option<String>,
    ) -> Result<Parsed, Error> {
        let source = || format!("{}:{}", self.name, i + 1);
        let item = match (item, self.format) {
            (Raw::Str(s), _) => s,
            (Raw::Bytes(b), Format::Jsonl) => String::from_utf8(b).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                Error::input(source(), format!("invalid UTF-8 at byte {at}"))
            })?,
            (Raw::Bytes(b), Format::Html) => parasift::decode_html(&b).0,
            (Raw::Bytes(b), Format::Text) => parasift::decode_text(&b).0,
        };
        match self.format {
            Format::Jsonl => Parsed::from_jsonl(&self.name, i + 1, item, &self.opts),
            Format::Text | Format::Html => {
                let id = id.unwrap_or_else(|| i.to_string());
                let mut doc = if self.format == Format::Html {
                    html_document(&id, &source(), &item)
                } else {
                    text_document(&id, &source(), &item, self.opts.text_mode)
                };
                doc.site = url.as_deref().and_then(parasift::url_host);
                Ok(Parsed::from_document(doc))
            }
        }
    }

    fn parse_all(
        &self,
        items: Vec<Raw>,
        ids: Option<Vec<Option<String>>>,
        urls: Option<Vec<Option<String>>>,
    ) -> Vec<Result<Parsed, Error>> {
        let n = items.len();
        let ids = ids.unwrap_or_else(|| vec![None; n]);
        let urls = urls.unwrap_or_else(|| vec![None; n]);
        items
            .into_par_iter()
            .zip(ids)
            .zip(urls)
            .enumerate()
            .map(|(i, ((item, id), url))| self.parse(i, item, id, url))
            .collect()
    }
}

fn check_lengths(n: usize, what: &str, v: &Option<Vec<Option<String>>>) -> PyResult<()> {
    match v {
        Some(v) if v.len() != n => Err(PyValueError::new_err(format!(
            "{what} has {} items, the documents {n}",
            v.len()
        ))),
        _ => Ok(()),
    }
}

fn output_kind(output: &str) -> PyResult<OutputKind> {
    Ok(match output {
        "json" => OutputKind::Paragraphs,
        "clean" => OutputKind::Clean,
        "attributes" => OutputKind::Attributes,
        "documents" => OutputKind::Documents,
        "extract" => OutputKind::Extract,
        other => {
            return Err(PyValueError::new_err(format!(
                "output must be \"json\", \"clean\", \"attributes\", \"documents\" or \
                 \"extract\", not {other:?}"
            )));
        }
    })
}

/// The attribute row that stands in for a rejected record, as the command-line tool writes it.
fn reject_row(e: &Error, prefix: &str) -> Vec<u8> {
    // A record's id is JSON text as the record wrote it; otherwise the row names the record.
    let id = match e {
        Error::Record { id, .. } => id.clone(),
        Error::Input { source_name, .. } => {
            serde_json::Value::String(source_name.clone()).to_string()
        }
        _ => "null".into(),
    };
    let key = serde_json::Value::String(format!("{prefix}__content"));
    format!("{{\"id\":{id},\"attributes\":{{{key}:[]}}}}").into_bytes()
}

/// One classified item: its rendered line (without the newline), or why it was rejected (and,
/// for attribute output, the row that stands in its place).
type Outcome = Result<Vec<u8>, (String, Option<Vec<u8>>)>;

/// Reads, counts (unless `index` is given), classifies and renders a batch.
fn classify_batch(
    model: &RustModel,
    parsed: &[Result<Parsed, Error>],
    index: Option<&Index>,
    kind: OutputKind,
    keys: RenderKeys<'_>,
    id_key: &str,
) -> Vec<Outcome> {
    let docs: Vec<&Parsed> = parsed.iter().flatten().collect();
    let analyses: Vec<DocAnalysis<'_>> =
        docs.par_iter().map(|p| DocAnalysis::new(&p.doc)).collect();
    let own;
    let index = match index {
        Some(i) => i,
        None => {
            // Counted as the command's first pass counts, on the threads of the call.
            let mut i = Index::new();
            let keys = analyses
                .par_iter()
                .map(|a| (DocKeys::from_analysis(a), a.doc.site.as_deref()))
                .collect();
            i.add_keys_all(keys, rayon::current_num_threads());
            own = i;
            &own
        }
    };
    let refs: Vec<&DocAnalysis<'_>> = analyses.iter().collect();
    let preds: Vec<_> = refs
        .par_chunks(64)
        .flat_map_iter(|chunk| model.classify_analyses(chunk, Some(index)))
        .collect();
    // Each document with its prediction, rendered in parallel.
    let mut preds = preds.into_iter();
    let paired: Vec<_> = parsed
        .iter()
        .map(|p| (p, if p.is_ok() { preds.next() } else { None }))
        .collect();
    paired
        .into_par_iter()
        .map(|(p, pred)| match p {
            Err(e) => Err((
                e.to_string(),
                (kind == OutputKind::Attributes).then(|| reject_row(e, keys.attribute_prefix)),
            )),
            Ok(p) => {
                let pred = pred.expect("one prediction per document");
                if kind == OutputKind::Attributes && p.id_json.as_deref() == Some("null") {
                    let e = Error::Record {
                        source_name: p.doc.source.clone(),
                        id: "null".into(),
                        message: format!("record has no \"{id_key}\""),
                    };
                    return Err((e.to_string(), Some(reject_row(&e, keys.attribute_prefix))));
                }
                let mut b = Vec::new();
                // Writing to memory cannot fail.
                let _ = render(kind, p, &pred, keys, &mut b);
                if b.last() == Some(&b'\n') {
                    b.pop();
                }
                Ok(b)
            }
        })
        .collect()
}

/// A trained classifier: the embedded default model, or one read from a file.
#[pyclass(module = "parasift._parasift", frozen)]
struct Model {
    inner: Arc<RustModel>,
}

#[pymethods]
impl Model {
    #[new]
    #[pyo3(signature = (path=None, threshold=None))]
    fn new(path: Option<PathBuf>, threshold: Option<f32>) -> PyResult<Model> {
        let model = match path {
            Some(p) => RustModel::from_file(&p).map_err(py_err)?,
            None => RustModel::embedded_owned().map_err(py_err)?,
        };
        let model = match threshold {
            Some(t) => model.with_threshold(t),
            None => model,
        };
        Ok(Model {
            inner: Arc::new(model),
        })
    }

    /// The model from the bytes of a model file.
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, py: Python<'_>, data: &[u8]) -> PyResult<Model> {
        let model = py.detach(|| RustModel::from_bytes(data)).map_err(py_err)?;
        Ok(Model {
            inner: Arc::new(model),
        })
    }

    /// The bytes of the model file.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let b = py.detach(|| self.inner.to_bytes()).map_err(py_err)?;
        Ok(PyBytes::new(py, &b))
    }

    /// P(content) at or above which a paragraph is content.
    #[getter]
    fn threshold(&self) -> f32 {
        self.inner.threshold()
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let py = slf.py();
        let ctor = slf.get_type().getattr("from_bytes")?;
        Ok((ctor, (slf.get().to_bytes(py)?,)))
    }

    /// Classifies a batch; returns, per item, the rendered JSON line (bytes) or `None`, and the
    /// rejected items as `(position, reason, stand-in row or None)`.
    #[pyo3(signature = (items, format, output, ids=None, urls=None, index=None, threads=None,
                        blocks=false, id_key="id", text_key="text", html_key="html",
                        url_key="url", attribute_prefix="parasift", name="<batch>"))]
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn _classify<'py>(
        &self,
        py: Python<'py>,
        items: &Bound<'py, PyAny>,
        format: &str,
        output: &str,
        ids: Option<Vec<Option<String>>>,
        urls: Option<Vec<Option<String>>>,
        index: Option<PyRef<'py, CorpusIndex>>,
        threads: Option<usize>,
        blocks: bool,
        id_key: &str,
        text_key: &str,
        html_key: &str,
        url_key: &str,
        attribute_prefix: &str,
        name: &str,
    ) -> PyResult<(
        Vec<Option<Bound<'py, PyBytes>>>,
        Vec<(usize, String, Option<Bound<'py, PyBytes>>)>,
    )> {
        let kind = output_kind(output)?;
        let items = raw_items(items)?;
        check_lengths(items.len(), "ids", &ids)?;
        check_lengths(items.len(), "urls", &urls)?;
        let reading = Reading::new(format, blocks, id_key, text_key, html_key, url_key, name)?;
        let model = self.inner.clone();
        let index = index.as_ref().map(|i| i.inner.clone());
        let keys = RenderKeys {
            text: text_key,
            attribute_prefix,
        };
        let outcomes = py.detach(|| {
            on_threads(threads, || {
                let parsed = reading.parse_all(items, ids, urls);
                let index = index.as_ref().map(|i| i.lock().expect("index lock"));
                classify_batch(&model, &parsed, index.as_deref(), kind, keys, id_key)
            })
        })?;
        let mut lines = Vec::with_capacity(outcomes.len());
        let mut rejects = Vec::new();
        for (i, o) in outcomes.into_iter().enumerate() {
            match o {
                Ok(b) => lines.push(Some(PyBytes::new(py, &b))),
                Err((reason, row)) => {
                    lines.push(None);
                    rejects.push((i, reason, row.map(|r| PyBytes::new(py, &r))));
                }
            }
        }
        Ok((lines, rejects))
    }
}

/// Paragraph and shingle counts over a corpus.
#[pyclass(module = "parasift._parasift", frozen)]
struct CorpusIndex {
    inner: Arc<Mutex<Index>>,
}

impl CorpusIndex {
    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, Index>> {
        self.inner
            .lock()
            .map_err(|_| PyValueError::new_err("index lock poisoned"))
    }

    fn wrap(index: Index) -> CorpusIndex {
        CorpusIndex {
            inner: Arc::new(Mutex::new(index)),
        }
    }
}

#[pymethods]
impl CorpusIndex {
    #[new]
    #[pyo3(signature = (memory=None))]
    fn new(memory: Option<usize>) -> CorpusIndex {
        CorpusIndex::wrap(Index::with_memory(
            memory.unwrap_or(parasift::DEFAULT_INDEX_MEMORY),
        ))
    }

    /// Counts a batch into the index; returns the rejected items as `(position, reason)`.
    #[pyo3(signature = (items, format, ids=None, urls=None, threads=None, blocks=false,
                        id_key="id", text_key="text", html_key="html", url_key="url",
                        name="<batch>"))]
    #[allow(clippy::too_many_arguments)]
    fn _count(
        &self,
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        format: &str,
        ids: Option<Vec<Option<String>>>,
        urls: Option<Vec<Option<String>>>,
        threads: Option<usize>,
        blocks: bool,
        id_key: &str,
        text_key: &str,
        html_key: &str,
        url_key: &str,
        name: &str,
    ) -> PyResult<Vec<(usize, String)>> {
        let items = raw_items(items)?;
        check_lengths(items.len(), "ids", &ids)?;
        check_lengths(items.len(), "urls", &urls)?;
        let reading = Reading::new(format, blocks, id_key, text_key, html_key, url_key, name)?;
        let inner = self.inner.clone();
        py.detach(|| {
            on_threads(threads, || {
                let parsed = reading.parse_all(items, ids, urls);
                let keys: Vec<Result<(DocKeys, Option<String>), String>> = parsed
                    .into_par_iter()
                    .map(|p| match p {
                        Ok(p) => Ok((DocKeys::of(&p.doc), p.doc.site)),
                        Err(e) => Err(e.to_string()),
                    })
                    .collect();
                let mut rejects = Vec::new();
                let mut docs = Vec::with_capacity(keys.len());
                let mut sites = Vec::with_capacity(keys.len());
                for (i, k) in keys.into_iter().enumerate() {
                    match k {
                        Ok((keys, site)) => {
                            docs.push(keys);
                            sites.push(site);
                        }
                        Err(reason) => rejects.push((i, reason)),
                    }
                }
                let docs = docs
                    .into_iter()
                    .zip(sites.iter().map(Option::as_deref))
                    .collect();
                let threads = rayon::current_num_threads();
                inner
                    .lock()
                    .expect("index lock")
                    .add_keys_all(docs, threads);
                rejects
            })
        })
    }

    /// Adds the counts of `other` (an index of other documents) to this one.
    #[pyo3(signature = (other, threads=None))]
    fn merge(
        &self,
        py: Python<'_>,
        other: PyRef<'_, CorpusIndex>,
        threads: Option<usize>,
    ) -> PyResult<()> {
        if Arc::ptr_eq(&self.inner, &other.inner) {
            return Err(PyValueError::new_err(
                "an index cannot be merged into itself",
            ));
        }
        let theirs = other.lock()?.clone();
        let inner = self.inner.clone();
        let n = threads.unwrap_or_else(rayon::current_num_threads);
        py.detach(|| {
            on_threads(threads, || {
                inner.lock().expect("index lock").merge(theirs, n.max(1))
            })
        })?
        .map_err(py_err)
    }

    /// Adds the counts of an index file's bytes (an index of other documents) to this one:
    /// read and merged without the GIL and without a copy of the counts.
    #[pyo3(signature = (data, threads=None))]
    fn _merge_bytes(&self, py: Python<'_>, data: &[u8], threads: Option<usize>) -> PyResult<()> {
        let inner = self.inner.clone();
        let n = threads.unwrap_or_else(rayon::current_num_threads);
        py.detach(|| {
            on_threads(threads, || {
                let theirs = Index::read_from(&mut &data[..], data.len() as u64, "<bytes>")?;
                inner.lock().expect("index lock").merge(theirs, n.max(1))
            })
        })?
        .map_err(py_err)
    }

    /// Documents counted.
    #[getter]
    fn docs(&self) -> PyResult<u32> {
        Ok(self.lock()?.docs())
    }

    /// Memory the counts hold, in bytes.
    #[getter]
    fn bytes(&self) -> PyResult<usize> {
        Ok(self.lock()?.bytes())
    }

    /// Whether the counts are exact (not yet folded into the sketch).
    #[getter]
    fn is_exact(&self) -> PyResult<bool> {
        Ok(self.lock()?.is_exact())
    }

    /// Writes the index file `path` (as `parasift index --out` does).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let inner = self.inner.clone();
        py.detach(|| inner.lock().expect("index lock").save(&path))
            .map_err(py_err)
    }

    /// Reads an index file written by `save` or `parasift index`.
    #[classmethod]
    fn load(_cls: &Bound<'_, PyType>, py: Python<'_>, path: PathBuf) -> PyResult<CorpusIndex> {
        py.detach(|| Index::load(&path))
            .map(CorpusIndex::wrap)
            .map_err(py_err)
    }

    /// The bytes of the index file.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let inner = self.inner.clone();
        let b = py
            .detach(|| {
                let mut b = Vec::new();
                inner
                    .lock()
                    .expect("index lock")
                    .write_to(&mut b)
                    .map(|()| b)
            })
            .map_err(py_err)?;
        Ok(PyBytes::new(py, &b))
    }

    /// The index from the bytes of an index file.
    #[classmethod]
    fn from_bytes(_cls: &Bound<'_, PyType>, py: Python<'_>, data: &[u8]) -> PyResult<CorpusIndex> {
        py.detach(|| Index::read_from(&mut &data[..], data.len() as u64, "<bytes>"))
            .map(CorpusIndex::wrap)
            .map_err(py_err)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let py = slf.py();
        let ctor = slf.get_type().getattr("from_bytes")?;
        Ok((ctor, (slf.get().to_bytes(py)?,)))
    }
}

/// The language of `text`: `{"lang", "iso639_1", "confidence", "script"}`.
#[pyfunction]
fn detect<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let g = py.detach(|| parasift::detect(text, &ScriptHistogram::of(text)));
    let d = PyDict::new(py);
    d.set_item("lang", g.code())?;
    d.set_item("iso639_1", g.lang().and_then(parasift::iso639_1))?;
    d.set_item("confidence", g.confidence())?;
    d.set_item("script", g.script().map(|s| s.name()))?;
    Ok(d)
}

#[pymodule]
fn _parasift(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_class::<CorpusIndex>()?;
    m.add_function(wrap_pyfunction!(detect, m)?)?;
    m.add("ParasiftError", m.py().get_type::<ParasiftError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
