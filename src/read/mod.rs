//! Reading inputs: files, directories, standard input, JSONL records; gzip and zstd
//! transparently; charset decoding; format detection.

pub mod charset;
pub mod jsonl;
pub mod stream;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::segment::TextMode;

pub use jsonl::JsonlKeys;

/// The format an input is read as.
///
/// With the `cli` feature, also the values of `--format` (without help of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// Guess from the file name, then from the content.
    #[default]
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Auto,
    /// Plain text.
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Text,
    /// An HTML page.
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Html,
    /// One JSON record per line, each a document.
    #[cfg_attr(feature = "cli", value(help = None::<&str>))]
    Jsonl,
}

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The input format.
    pub format: InputFormat,
    /// How plain text is split.
    pub text_mode: TextMode,
    /// JSONL key names.
    pub keys: JsonlKeys,
    /// The most bytes (decompressed) one JSONL record or one text or HTML file may have; a
    /// longer one is rejected with its size, and the run goes on.
    pub max_record_bytes: usize,
}

/// The default of [`ReadOptions::max_record_bytes`]: far above any real page or article, low
/// enough that one document's analysis (some twenty times its size for a document of short
/// lines) fits in a few gigabytes.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: InputFormat::default(),
            text_mode: TextMode::default(),
            keys: JsonlKeys::default(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// Why a record or file of `size` bytes (or more, when `at_least`) is not read.
pub(crate) fn too_long(size: u64, at_least: bool, limit: usize) -> String {
    format!(
        "{}{size} bytes, over the limit of {limit} bytes per record (--max-record-bytes)",
        if at_least { "more than " } else { "" }
    )
}

/// Checks that `path` is a regular file (following symbolic links), so that a FIFO, socket or
/// device is reported instead of being opened (opening a FIFO with no writer blocks forever).
///
/// # Errors
/// [`Error::Input`] naming what it is instead, or [`Error::Io`] when it cannot be looked at.
pub fn check_regular_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_file() {
        return Ok(());
    }
    Err(Error::input(
        path.display().to_string(),
        format!("not a regular file ({}): not read", file_kind(&meta)),
    ))
}

/// What kind of file `meta` describes, in words.
pub(crate) fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

pub use crate::segment::{html_document, text_document};

/// The host of a URL without `www.`, lower-cased, if it has one.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (host.contains('.') && !host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Lists the files named by `paths`: files as given, directories recursively in name order;
/// `-` is standard input. A directory reached again through a symbolic link (a link back to a
/// directory above it, or a second name for one already listed) is not listed again: it comes
/// back as an error in its place.
pub fn expand_paths(paths: &[PathBuf]) -> Vec<Result<PathBuf>> {
    let mut out = Vec::new();
    let mut listed: std::collections::HashMap<PathBuf, PathBuf> = Default::default();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_dir() {
            out.push(Ok(p.clone()));
            continue;
        }
        let mut stack = vec![p.clone()];
        while let Some(dir) = stack.pop() {
            if let Ok(real) = dir.canonicalize() {
                if let Some(first) = listed.get(&real) {
                    out.push(Err(Error::input(
                        dir.display().to_string(),
                        format!(
                            "the directory {} again, through a symbolic link: not listed twice",
                            first.display()
                        ),
                    )));
                    continue;
                }
                listed.insert(real, dir.clone());
            }
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    out.push(Err(Error::io(&dir, e)));
                    continue;
                }
            };
            entries.sort();
            let mut subdirs = Vec::new();
            for e in entries {
                match std::fs::metadata(&e) {
                    Ok(m) if m.is_dir() => subdirs.push(e),
                    // A FIFO, socket or device found in a directory is named, not opened.
                    Ok(m) if !m.is_file() => out.push(Err(Error::input(
                        e.display().to_string(),
                        format!("not a regular file ({}): not read", file_kind(&m)),
                    ))),
                    _ => out.push(Ok(e)),
                }
            }
            stack.extend(subdirs.into_iter().rev());
        }
    }
    out
}

/// Reads a file (or `-`) to bytes, decompressing `.gz` / `.zst` (also recognized by their magic
/// bytes).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut raw)
            .map_err(|e| Error::io("-", e))?;
    } else {
        raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    }
    decompress(&raw).map_err(|e| Error::input(path.display().to_string(), e))
}

/// Decompresses gzip or zstd data recognized by magic bytes; other data is returned as is.
pub fn decompress(raw: &[u8]) -> std::result::Result<Vec<u8>, String> {
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .map_err(|e| format!("corrupt gzip data: {e}"))?;
        Ok(out)
    } else if raw.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        zstd::stream::decode_all(raw).map_err(|e| format!("corrupt zstd data: {e}"))
    } else {
        Ok(raw.to_vec())
    }
}

fn strip_compression_ext(name: &str) -> &str {
    name.strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(name)
}

/// The format of an input, from its name and then its content.
pub fn detect_format(name: &str, bytes: &[u8]) -> InputFormat {
    let lower = name.to_ascii_lowercase();
    let base = strip_compression_ext(&lower);
    if base.ends_with(".html") || base.ends_with(".htm") || base.ends_with(".xhtml") {
        return InputFormat::Html;
    }
    if base.ends_with(".jsonl") || base.ends_with(".ndjson") || base.ends_with(".json") {
        return InputFormat::Jsonl;
    }
    if base.ends_with(".txt") {
        return InputFormat::Text;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"{") {
        return InputFormat::Jsonl;
    }
    if head.starts_with(b"<") {
        let lower: Vec<u8> = head.iter().take(1024).map(u8::to_ascii_lowercase).collect();
        let has = |n: &[u8]| lower.windows(n.len()).any(|w| w == n);
        if has(b"<!doctype html")
            || has(b"<html")
            || has(b"<body")
            || has(b"<head")
            || has(b"<div")
            || has(b"<p")
        {
            return InputFormat::Html;
        }
    }
    InputFormat::Text
}

/// Rejects data that is not text: a large share of control characters (NUL included) and
/// undecodable bytes, over the whole text or over any stretch of [`BINARY_WINDOW`] characters
/// of it. A few stray NUL or control bytes in a real page do not make it binary.
pub fn check_text(text: &str) -> std::result::Result<(), String> {
    let is_bad = |c: char| c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace());
    let (mut total, mut bad) = (0usize, 0usize);
    let (mut window, mut window_bad) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        window += 1;
        if is_bad(c) {
            bad += 1;
            window_bad += 1;
        }
        if window == BINARY_WINDOW {
            if window_bad * 10 > window * 3 {
                return Err(format!(
                    "binary data: {window_bad} of the {window} characters ending at character \
                     {total} are control characters or invalid bytes"
                ));
            }
            window = 0;
            window_bad = 0;
        }
    }
    if bad * 10 > total || (window > 0 && window_bad * 10 > window * 3) {
        return Err(format!(
            "binary data: {bad} of its {total} characters are control characters or invalid bytes"
        ));
    }
    Ok(())
}

/// The lines of `bytes`, split at `\n`, `\r\n` and lone `\r` (line breaks dropped).
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match memchr::memchr2(b'\n', b'\r', rest) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[i + skip..];
                Some(line)
            }
            None => {
                done = true;
                Some(rest)
            }
        }
    })
}

/// The stretch of characters over which [`check_text`] also judges a share: binary data after
/// a long text is found even when the text is most of the file.
pub const BINARY_WINDOW: usize = 65_536;

/// Lone carriage returns (old Mac line ends) as line feeds, so that text with them has its
/// lines; `\r\n` is left as it is. Borrowed when there are none.
pub(crate) fn normalize_cr(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let lone = memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'));
    if !lone {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Decodes the bytes of a whole text or HTML input and makes it a document.
///
/// # Errors
/// Why it is not text (see [`check_text`]).
pub(crate) fn whole_document(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    opts: &ReadOptions,
) -> std::result::Result<Document, String> {
    if format == InputFormat::Html {
        let (text, _) = charset::decode_html(bytes);
        check_text(&text)?;
        Ok(html_document(name, name, &text))
    } else {
        let (text, _) = charset::decode_text(bytes);
        check_text(&text)?;
        Ok(text_document(
            name,
            name,
            &normalize_cr(&text),
            opts.text_mode,
        ))
    }
}

/// Reads one input file (or `-`) into documents: one for a text or HTML file, one per record for
/// JSONL. Bad JSONL records come back as errors in their place; a file that cannot be read at all
/// gives one error. Records and files over [`ReadOptions::max_record_bytes`] are errors too.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Vec<Result<Document>> {
    let name = path.display().to_string();
    let files = [stream::InputFile {
        path: path.to_path_buf(),
        relative: PathBuf::from(&name),
    }];
    stream::Reader::new(&files, vec![0], opts)
        .filter_map(|ev| match ev {
            stream::Event::Item(item) => Some(item.parse(&name, opts).map(|p| p.doc)),
            stream::Event::FileEnd(_) => None,
        })
        .collect()
}

/// Reads in-memory bytes named `name` into documents (see [`read_path`]).
pub fn read_bytes_as(name: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<Result<Document>> {
    let format = match opts.format {
        InputFormat::Auto => detect_format(name, bytes),
        f => f,
    };
    // An empty JSONL file is a shard of no records; any other empty file is a document with
    // nothing in it.
    if bytes.is_empty() && format != InputFormat::Jsonl {
        return vec![Err(Error::input(name, "empty input (0 bytes)"))];
    }
    match format {
        InputFormat::Jsonl => jsonl::read_records(name, bytes, opts),
        _ if bytes.len() > opts.max_record_bytes => vec![Err(Error::input(
            name,
            too_long(bytes.len() as u64, false, opts.max_record_bytes),
        ))],
        f => vec![whole_document(name, bytes, f, opts).map_err(|e| Error::input(name, e))],
    }
}

/// Reads every input (files, directories recursively, `-`) in order.
pub fn read_all(paths: &[PathBuf], opts: &ReadOptions) -> Vec<Result<Document>> {
    let files = expand_paths(paths);
    let per_file: Vec<Vec<Result<Document>>> = {
        use rayon::prelude::*;
        files
            .into_par_iter()
            .map(|f| match f {
                Ok(p) => read_path(&p, opts),
                Err(e) => vec![Err(e)],
            })
            .collect()
    };
    per_file.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_directory_reached_again_through_a_link_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("in");
        std::fs::create_dir_all(top.join("sub")).unwrap();
        std::fs::write(top.join("sub/a.txt"), "A paragraph.").unwrap();
        // A loop (before, its files were listed once per level, about forty times), and a
        // second name for a directory.
        std::os::unix::fs::symlink("..", top.join("sub/up")).unwrap();
        std::os::unix::fs::symlink("sub", top.join("twin")).unwrap();
        let listed = expand_paths(std::slice::from_ref(&top));
        let files: Vec<&PathBuf> = listed.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(files, [&top.join("sub/a.txt")]);
        let errors: Vec<String> = listed
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("sub/up: the directory"), "{errors:?}");
        assert!(errors[1].contains("twin: the directory"), "{errors:?}");
        assert!(errors.iter().all(|e| e.contains("through a symbolic link")));
    }

    #[test]
    fn hosts() {
        for (url, want) in [
            ("https://www.rt.com/news/1", Some("rt.com")),
            ("http://user@Example.ORG:8080/x?y", Some("example.org")),
            ("103news.com", Some("103news.com")),
            ("not a url", None),
            ("", None),
        ] {
            assert_eq!(url_host(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(detect_format("a.HTML.gz", b""), InputFormat::Html);
        assert_eq!(detect_format("a.jsonl.zst", b""), InputFormat::Jsonl);
        assert_eq!(detect_format("a", b"  {\"id\":1}"), InputFormat::Jsonl);
        assert_eq!(
            detect_format("a", b"<!DOCTYPE html><p>x"),
            InputFormat::Html
        );
        assert_eq!(detect_format("a", b"plain words"), InputFormat::Text);
        assert_eq!(detect_format("a", b"<3 love"), InputFormat::Text);
    }

    #[test]
    fn compression_round_trips() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"hello").unwrap();
        assert_eq!(decompress(&gz.finish().unwrap()).unwrap(), b"hello");
        let z = zstd::stream::encode_all(&b"hello"[..], 1).unwrap();
        assert_eq!(decompress(&z).unwrap(), b"hello");
        assert!(
            decompress(&[0x1f, 0x8b, 0, 1, 2])
                .unwrap_err()
                .contains("gzip")
        );
    }

    #[test]
    fn binary_and_empty_inputs_are_errors() {
        let opts = ReadOptions::default();
        let e = read_bytes_as("x.bin", &[0u8, 1, 2, 3, 0, 0], &opts);
        assert!(
            e[0].as_ref()
                .unwrap_err()
                .to_string()
                .contains("x.bin: binary data")
        );
        let e = read_bytes_as("e.txt", b"", &opts);
        assert!(
            e[0].as_ref()
                .unwrap_err()
                .to_string()
                .contains("e.txt: empty input")
        );
        // A JSONL file of no records is not an error.
        assert!(read_bytes_as("e.jsonl", b"", &opts).is_empty());
    }
}
