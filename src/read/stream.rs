//! Streaming reads: input files listed once, then read record by record (JSONL, line by line
//! through the decompressor) or file by file (text and HTML), so that memory does not grow with
//! the size of a shard or of the corpus.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::jsonl;
use super::{InputFormat, ReadOptions, detect_format};
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
                let doc = super::whole_document(name, &bytes, format, opts)
                    .map_err(|e| Error::input(name, e))?;
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

/// gzip members one after another (as `MultiGzDecoder` reads them), keeping where, in
/// decompressed bytes, the member being read started: a member found corrupt (its checksum is
/// checked at its end) may have given garbage records since then.
struct Members<R: BufRead> {
    dec: Option<flate2::bufread::GzDecoder<R>>,
    /// Decompressed bytes so far.
    out: u64,
    /// Where the current member started.
    start: Arc<AtomicU64>,
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some(dec) = self.dec.as_mut() else {
                return Ok(0);
            };
            let n = dec.read(buf)?;
            if n > 0 || buf.is_empty() {
                self.out += n as u64;
                return Ok(n);
            }
            // The member ended: another follows when bytes are left.
            if dec.get_mut().fill_buf()?.is_empty() {
                return Ok(0);
            }
            let inner = self.dec.take().map(flate2::bufread::GzDecoder::into_inner);
            self.dec = inner.map(flate2::bufread::GzDecoder::new);
            self.start.store(self.out, Ordering::Relaxed);
        }
    }
}

/// Opens a file (or standard input), decompressing gzip and zstd recognized by magic bytes.
/// For gzip, also where the member being read started (see [`Members`]).
fn open(
    path: &Path,
    counter: &Arc<AtomicU64>,
) -> std::io::Result<(Source, Option<Arc<AtomicU64>>)> {
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
        let start = Arc::new(AtomicU64::new(0));
        let members = Members {
            dec: Some(flate2::bufread::GzDecoder::new(buffered)),
            out: 0,
            start: Arc::clone(&start),
        };
        (
            Box::new(BufReader::with_capacity(256 << 10, members)),
            Some(start),
        )
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        (
            Box::new(BufReader::with_capacity(
                256 << 10,
                zstd::stream::read::Decoder::with_buffer(buffered)?,
            )),
            None,
        )
    } else {
        (Box::new(buffered), None)
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
    /// Decompressed bytes of the lines read so far.
    offset: u64,
    /// Of a gzip input: where its current member started (see [`Members`]).
    member: Option<Arc<AtomicU64>>,
    /// The start of the latest member that a line read so far reaches into, and that line.
    member_line: (u64, usize),
}

/// A line as [`read_line`] read it.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// Its bytes, without the line break.
    Bytes(Vec<u8>),
    /// It was longer than the limit: its length, its bytes skipped.
    TooLong(u64),
}

/// Reads one line of `src` into a vector of its own, without its line break (`\n`, `\r\n` or a
/// lone `\r`), with the number of bytes it took (line break included); `None` at the end. A line
/// that lies whole in the source's buffer is copied once, into a vector of its exact length; a
/// longer one is gathered in `spill`, up to `limit` bytes: the rest of a longer one is read and
/// dropped, so that one line never holds more memory than the limit.
fn read_line(
    src: &mut Source,
    spill: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<(Line, usize)>> {
    // Bytes of this line read past the limit (none kept), once it is over.
    let mut over: Option<u64> = None;
    let done = |spill: &mut Vec<u8>, over: Option<u64>| -> (Line, usize) {
        match over {
            Some(n) => {
                spill.clear();
                (Line::TooLong(n), n as usize)
            }
            None => {
                let n = spill.len();
                (Line::Bytes(std::mem::take(spill)), n)
            }
        }
    };
    loop {
        let avail = match src.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                spill.clear();
                return Err(e);
            }
        };
        if avail.is_empty() {
            if spill.is_empty() && over.is_none() {
                return Ok(None);
            }
            return Ok(Some(done(spill, over)));
        }
        match memchr::memchr2(b'\n', b'\r', avail) {
            Some(i) => {
                let cr = avail[i] == b'\r';
                let crlf_here = cr && avail.get(i + 1) == Some(&b'\n');
                let cr_at_end = cr && i + 1 == avail.len();
                let (line, mut n) = match over.as_mut() {
                    Some(skipped) => {
                        *skipped += i as u64;
                        done(spill, over)
                    }
                    None if spill.len() + i > limit => done(spill, Some((spill.len() + i) as u64)),
                    None if spill.is_empty() => (Line::Bytes(avail[..i].to_vec()), i),
                    None => {
                        spill.extend_from_slice(&avail[..i]);
                        done(spill, None)
                    }
                };
                let taken = i + 1 + usize::from(crlf_here);
                src.consume(taken);
                n += 1 + usize::from(crlf_here);
                if cr_at_end {
                    // The `\n` of a `\r\n` may start the next buffer. An error here comes
                    // back with the next line.
                    if let Ok(next) = src.fill_buf()
                        && next.first() == Some(&b'\n')
                    {
                        src.consume(1);
                        n += 1;
                    }
                }
                return Ok(Some((line, n)));
            }
            None => {
                let n = avail.len();
                match over.as_mut() {
                    Some(skipped) => *skipped += n as u64,
                    None if spill.len() + n > limit => {
                        over = Some((spill.len() + n) as u64);
                        spill.clear();
                        spill.shrink_to_fit();
                    }
                    None => spill.extend_from_slice(avail),
                }
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
        let (mut src, member) = match open(&self.files[i].path, &self.consumed) {
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
                offset: 0,
                member,
                member_line: (0, 1),
            });
            return None;
        }
        // One byte more than the limit tells a file over it; the rest is not read.
        let limit = self.opts.max_record_bytes;
        let mut bytes = Vec::new();
        match (&mut src).take(limit as u64 + 1).read_to_end(&mut bytes) {
            Ok(n) if n > limit => item(
                Err(Error::input(
                    &name,
                    super::too_long(limit as u64, true, limit),
                )),
                n,
            ),
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
            let read = read_line(&mut cur.src, &mut cur.buf, self.opts.max_record_bytes);
            cur.next_line += 1;
            let source = || format!("{}:{line_no}", self.files[file].path.display());
            if let (Ok(Some((_, n))), Some(member)) = (&read, &cur.member) {
                let start = member.load(Ordering::Relaxed);
                if start != cur.member_line.0 && cur.offset + *n as u64 > start {
                    cur.member_line = (start, line_no);
                }
            }
            if let Ok(Some((_, n))) = &read {
                cur.offset += *n as u64;
            }
            match read {
                Ok(None) => {
                    self.current = None;
                    return Event::FileEnd(file);
                }
                Ok(Some((Line::TooLong(len), n))) => {
                    return Event::Item(RawItem {
                        file,
                        line: Some(line_no),
                        body: Err(Error::input(
                            source(),
                            super::too_long(len, false, self.opts.max_record_bytes),
                        )),
                        bytes: n,
                    });
                }
                Ok(Some((Line::Bytes(mut raw), n))) => {
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
                    let mut why = describe_read_error(&e);
                    if let Some(member) = &cur.member {
                        let start = member.load(Ordering::Relaxed);
                        let first = if cur.member_line.0 == start {
                            cur.member_line.1
                        } else {
                            line_no
                        };
                        if first < line_no {
                            why.push_str(&format!(
                                "; lines {first} to {} came from this damaged gzip member and \
                                 may be garbage",
                                line_no - 1
                            ));
                        }
                    }
                    let err = Error::unreadable(source(), why);
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

    /// The lines of `bytes` as the reader should see them: split at `\n`, `\r\n` and lone `\r`,
    /// with no empty last piece.
    fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut cur = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => out.push(std::mem::take(&mut cur)),
                b'\r' => {
                    out.push(std::mem::take(&mut cur));
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                }
                b => cur.push(b),
            }
            i += 1;
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    fn lines_of(bytes: &[u8], capacity: usize, limit: usize) -> (Vec<Line>, usize) {
        let mut src: Source = Box::new(BufReader::with_capacity(
            capacity,
            std::io::Cursor::new(bytes.to_vec()),
        ));
        let mut spill = Vec::new();
        let mut lines = Vec::new();
        let mut total = 0;
        while let Some((line, n)) = read_line(&mut src, &mut spill, limit).unwrap() {
            total += n;
            lines.push(line);
        }
        (lines, total)
    }

    proptest! {
        /// Lines come out split at every line break (`\n`, `\r\n`, a lone `\r`), whatever the
        /// buffer's size; those over the limit as their length; and their byte counts add up to
        /// the input's length.
        #[test]
        fn lines_are_the_split_of_the_input(
            bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), any::<u8>()], 0..300),
            capacity in 1usize..40,
            limit in 0usize..60,
        ) {
            let (lines, total) = lines_of(&bytes, capacity, limit);
            let want: Vec<Line> = split_lines(&bytes)
                .into_iter()
                .map(|l| if l.len() > limit { Line::TooLong(l.len() as u64) } else { Line::Bytes(l) })
                .collect();
            prop_assert_eq!(lines, want);
            prop_assert_eq!(total, bytes.len());
        }
    }

    #[test]
    fn carriage_returns_alone_end_lines() {
        let (lines, _) = lines_of(b"{\"a\":1}\r{\"b\":2}\r\n\r\nc", 4, 100);
        let want = [&b"{\"a\":1}"[..], b"{\"b\":2}", b"", b"c"];
        assert_eq!(
            lines,
            want.iter()
                .map(|l| Line::Bytes(l.to_vec()))
                .collect::<Vec<_>>()
        );
    }
}
