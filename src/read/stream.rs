//! Streaming reads: input files listed once, then read record by record (JSONL, line by line
//! through the decompressor) or file by file (text and HTML), so that memory does not grow with
//! the size of a shard or of the corpus.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{InputFormat, ReadOptions, charset, check_text, detect_format, html_document};
use super::{jsonl, text_document};
use crate::document::Document;
use crate::error::{Error, Result};

/// One input file (or `-`) of a run, with the name its outputs take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The file as given or found, `-` for standard input.
    pub path: PathBuf,
    /// Its name relative to the argument it was found under (its file name for a file argument,
    /// `stdin` for `-`).
    pub relative: PathBuf,
}

impl InputFile {
    /// Whether this is standard input.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Its size on disk (compressed), if known.
    pub fn size(&self) -> Option<u64> {
        if self.is_stdin() {
            None
        } else {
            std::fs::metadata(&self.path).ok().map(|m| m.len())
        }
    }
}

/// Lists the files named by `paths` in order: files as given, directories recursively in name
/// order, `-` for standard input. Directories that cannot be listed come back as errors in place.
pub fn list_inputs(paths: &[PathBuf]) -> Vec<Result<InputFile>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Ok(InputFile {
                path: p.clone(),
                relative: PathBuf::from("stdin"),
            }));
            continue;
        }
        if !p.is_dir() {
            let relative = p.file_name().map_or_else(|| p.clone(), PathBuf::from);
            out.push(Ok(InputFile {
                path: p.clone(),
                relative,
            }));
            continue;
        }
        for f in super::expand_paths(std::slice::from_ref(p)) {
            out.push(f.map(|path| {
                InputFile {
                    relative: path
                        .strip_prefix(p)
                        .map_or_else(|_| path.clone(), Path::to_path_buf),
                    path,
                }
            }));
        }
    }
    out
}

/// The body of one raw record, not parsed yet.
#[derive(Debug)]
pub enum RawBody {
    /// A JSONL line (without its line break).
    Line(String),
    /// A whole text or HTML input, decompressed.
    Whole(Vec<u8>, InputFormat),
}

/// One record of an input, as read: parsed later, in parallel.
#[derive(Debug)]
pub struct RawItem {
    /// Index of its file in the run's list.
    pub file: usize,
    /// 1-based line of a JSONL record.
    pub line: Option<usize>,
    /// The record, or why it could not be read.
    pub body: Result<RawBody>,
    /// Decompressed bytes.
    pub bytes: usize,
}

/// What a reader yields: records, and the end of each file (also of files that had none).
#[derive(Debug)]
pub enum Event {
    /// A record.
    Item(RawItem),
    /// Every record of file `.0` has been yielded.
    FileEnd(usize),
}

/// A parsed record.
#[derive(Debug)]
pub struct Parsed {
    /// The document.
    pub doc: Document,
    /// The JSONL line it came from, and where in it the text value is (when it came from the
    /// text key).
    pub line: Option<(String, Option<std::ops::Range<usize>>)>,
    /// The record's id as the record writes it (JSON text: a string with its quotes, or a
    /// number; `null` for a record without one), when it came from a JSONL record.
    pub id_json: Option<String>,
}

impl Parsed {
    /// Parses one JSONL record (line `line_no` of `name`, 1-based) as the reading commands do.
    ///
    /// # Errors
    /// Why the record is not a document.
    pub fn from_jsonl(
        name: &str,
        line_no: usize,
        line: String,
        opts: &ReadOptions,
    ) -> Result<Parsed> {
        let (doc, span, id_json) = jsonl::parse_record_spans(name, line_no, &line, opts)?;
        Ok(Parsed {
            doc,
            line: Some((line, span)),
            id_json: Some(id_json.unwrap_or_else(|| "null".into())),
        })
    }

    /// A document that did not come from a JSONL record.
    pub fn from_document(doc: Document) -> Parsed {
        Parsed {
            doc,
            line: None,
            id_json: None,
        }
    }
}

impl RawItem {
    /// Parses and segments the record. `name` is its file's display name.
    ///
    /// # Errors
    /// The read error of the item, or why the record is not a document.
    pub fn parse(self, name: &str, opts: &ReadOptions) -> Result<Parsed> {
        match self.body? {
            RawBody::Line(line) => Parsed::from_jsonl(name, self.line.unwrap_or(0), line, opts),
            RawBody::Whole(bytes, format) => {
                let doc = if format == InputFormat::Html {
                    let (text, _) = charset::decode_html(&bytes);
                    check_text(&text).map_err(|e| Error::input(name, e))?;
                    html_document(name, name, &text)
                } else {
                    let (text, _) = charset::decode_text(&bytes);
                    check_text(&text).map_err(|e| Error::input(name, e))?;
                    text_document(name, name, &text, opts.text_mode)
                };
                Ok(Parsed::from_document(doc))
            }
        }
    }
}

/// Counts the bytes read from a file, for progress reports.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

type Source = Box<dyn BufRead + Send>;

/// Opens a file (or standard input), decompressing gzip and zstd recognized by magic bytes.
fn open(path: &Path, counter: &Arc<AtomicU64>) -> std::io::Result<Source> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path)?)
    };
    let mut buffered = BufReader::with_capacity(
        256 << 10,
        Counting {
            inner: raw,
            count: Arc::clone(counter),
        },
    );
    let head = buffered.fill_buf()?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            256 << 10,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(BufReader::with_capacity(
            256 << 10,
            zstd::stream::read::Decoder::with_buffer(buffered)?,
        ))
    } else {
        Box::new(buffered)
    })
}

fn describe_read_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
            format!("corrupt compressed data: {e}")
        }
        std::io::ErrorKind::UnexpectedEof => format!("truncated compressed data: {e}"),
        _ => e.to_string(),
    }
}

/// Yields the records of a list of files, in order.
pub struct Reader<'a> {
    files: &'a [InputFile],
    /// Indices of the files to read, in order.
    todo: std::vec::IntoIter<usize>,
    opts: &'a ReadOptions,
    current: Option<Current>,
    /// A whole file was yielded: its end comes next.
    pending_end: Option<usize>,
    /// Compressed bytes read so far, over all files.
    pub consumed: Arc<AtomicU64>,
}

struct Current {
    file: usize,
    src: Source,
    next_line: usize,
    /// The start of a line that runs past the end of the source's buffer.
    buf: Vec<u8>,
}

/// Reads one line of `src` into a vector of its own, without the `\n`, with the number of bytes
/// it took (line break included); `None` at the end. A line that lies whole in the source's
/// buffer is copied once, into a vector of its exact length; a longer one is gathered in `spill`.
fn read_line(src: &mut Source, spill: &mut Vec<u8>) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    loop {
        let avail = match src.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            if spill.is_empty() {
                return Ok(None);
            }
            let n = spill.len();
            return Ok(Some((std::mem::take(spill), n)));
        }
        match memchr::memchr(b'\n', avail) {
            Some(i) => {
                let line = if spill.is_empty() {
                    avail[..i].to_vec()
                } else {
                    spill.extend_from_slice(&avail[..i]);
                    std::mem::take(spill)
                };
                src.consume(i + 1);
                let n = line.len() + 1;
                return Ok(Some((line, n)));
            }
            None => {
                let n = avail.len();
                spill.extend_from_slice(avail);
                src.consume(n);
            }
        }
    }
}

impl<'a> Reader<'a> {
    /// A reader of `files[i]` for each `i` of `which`, in that order.
    pub fn new(files: &'a [InputFile], which: Vec<usize>, opts: &'a ReadOptions) -> Reader<'a> {
        Reader {
            files,
            todo: which.into_iter(),
            opts,
            current: None,
            pending_end: None,
            consumed: Arc::new(AtomicU64::new(0)),
        }
    }

    fn name(&self, file: usize) -> String {
        self.files[file].path.display().to_string()
    }

    /// Starts file `i`: a whole text or HTML input is read at once; a JSONL input becomes the
    /// current file, read line by line.
    fn start(&mut self, i: usize) -> Option<Event> {
        let name = self.name(i);
        let item = |body: Result<RawBody>, bytes| {
            Some(Event::Item(RawItem {
                file: i,
                line: None,
                body,
                bytes,
            }))
        };
        let mut src = match open(&self.files[i].path, &self.consumed) {
            Ok(s) => s,
            Err(e) => return item(Err(Error::io(&self.files[i].path, e)), 0),
        };
        let head = match src.fill_buf() {
            Ok(h) => h,
            Err(e) => return item(Err(Error::unreadable(&name, describe_read_error(&e))), 0),
        };
        let format = match self.opts.format {
            InputFormat::Auto => detect_format(&name, head),
            f => f,
        };
        // An empty JSONL file is a shard of no records; any other empty file is a document
        // with nothing in it.
        if head.is_empty() && format != InputFormat::Jsonl {
            return item(Err(Error::input(&name, "empty input (0 bytes)")), 0);
        }
        if format == InputFormat::Jsonl {
            self.current = Some(Current {
                file: i,
                src,
                next_line: 1,
                buf: Vec::new(),
            });
            return None;
        }
        let mut bytes = Vec::new();
        match src.read_to_end(&mut bytes) {
            Ok(n) => item(Ok(RawBody::Whole(bytes, format)), n),
            Err(e) => item(Err(Error::unreadable(&name, describe_read_error(&e))), 0),
        }
    }

    /// The next JSONL record of the current file, or its end.
    fn next_line(&mut self) -> Event {
        let Some(cur) = self.current.as_mut() else {
            unreachable!("next_line without a current file")
        };
        let file = cur.file;
        loop {
            let line_no = cur.next_line;
            let read = read_line(&mut cur.src, &mut cur.buf);
            cur.next_line += 1;
            let source = || format!("{}:{line_no}", self.files[file].path.display());
            match read {
                Ok(None) => {
                    self.current = None;
                    return Event::FileEnd(file);
                }
                Ok(Some((mut raw, n))) => {
                    if raw.last() == Some(&b'\r') {
                        raw.pop();
                    }
                    // A byte order mark before the first record (as some editors write).
                    if line_no == 1 && raw.starts_with(b"\xEF\xBB\xBF") {
                        raw.drain(..3);
                    }
                    if raw.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let body = match simdutf8::compat::from_utf8(&raw) {
                        // SAFETY: `raw` was just checked to be UTF-8.
                        Ok(_) => Ok(RawBody::Line(unsafe { String::from_utf8_unchecked(raw) })),
                        Err(e) => Err(Error::input(
                            source(),
                            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                        )),
                    };
                    return Event::Item(RawItem {
                        file,
                        line: Some(line_no),
                        body,
                        bytes: n,
                    });
                }
                Err(e) => {
                    // The rest of the file cannot be read: one error for it, then its end.
                    let err = Error::unreadable(source(), describe_read_error(&e));
                    cur.src = Box::new(std::io::empty());
                    cur.buf.clear();
                    return Event::Item(RawItem {
                        file,
                        line: Some(line_no),
                        body: Err(err),
                        bytes: 0,
                    });
                }
            }
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if let Some(i) = self.pending_end.take() {
            return Some(Event::FileEnd(i));
        }
        if self.current.is_some() {
            return Some(self.next_line());
        }
        let i = self.todo.next()?;
        match self.start(i) {
            Some(ev) => {
                // A whole file (or one that cannot be read): its item, then its end.
                self.pending_end = Some(i);
                Some(ev)
            }
            None => Some(self.next_line()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Lines come out as `split(b'\n')` gives them (with no empty last piece), whatever
        /// the buffer's size, and their byte counts add up to the input's length.
        #[test]
        fn lines_are_the_split_of_the_input(
            bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), any::<u8>()], 0..300),
            capacity in 1usize..40,
        ) {
            let mut src: Source = Box::new(BufReader::with_capacity(capacity, std::io::Cursor::new(bytes.clone())));
            let mut spill = Vec::new();
            let mut lines = Vec::new();
            let mut total = 0;
            while let Some((line, n)) = read_line(&mut src, &mut spill).unwrap() {
                total += n;
                lines.push(line);
            }
            let mut want: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            if bytes.last().is_none_or(|&b| b == b'\n') {
                want.pop();
            }
            prop_assert_eq!(lines, want);
            prop_assert_eq!(total, bytes.len());
        }
    }
}
