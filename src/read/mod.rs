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
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The input format.
    pub format: InputFormat,
    /// How plain text is split.
    pub text_mode: TextMode,
    /// JSONL key names.
    pub keys: JsonlKeys,
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
                if e.is_dir() {
                    subdirs.push(e);
                } else {
                    out.push(Ok(e));
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

/// Rejects data that is not text: NUL bytes, or mostly control characters and undecodable bytes.
pub fn check_text(text: &str) -> std::result::Result<(), String> {
    let sample: String = text.chars().take(65_536).collect();
    let total = sample.chars().count();
    if total == 0 {
        return Ok(());
    }
    let nul = sample.chars().filter(|&c| c == '\0').count();
    if nul > 0 {
        return Err(format!(
            "binary data: {nul} NUL bytes in the first {total} characters"
        ));
    }
    let bad = sample
        .chars()
        .filter(|&c| c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()))
        .count();
    if bad * 10 > total {
        return Err(format!(
            "binary data: {bad} of the first {total} characters are control characters or invalid bytes"
        ));
    }
    Ok(())
}

/// Reads one input file (or `-`) into documents: one for a text or HTML file, one per record for
/// JSONL. Bad JSONL records come back as errors in their place; a file that cannot be read at all
/// gives one error.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Vec<Result<Document>> {
    let name = path.display().to_string();
    let bytes = match read_bytes(path) {
        Ok(b) => b,
        Err(e) => return vec![Err(e)],
    };
    read_bytes_as(&name, &bytes, opts)
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
        InputFormat::Html => {
            let (text, _) = charset::decode_html(bytes);
            if let Err(e) = check_text(&text) {
                return vec![Err(Error::input(name, e))];
            }
            vec![Ok(html_document(name, name, &text))]
        }
        InputFormat::Text | InputFormat::Auto => {
            let (text, _) = charset::decode_text(bytes);
            if let Err(e) = check_text(&text) {
                return vec![Err(Error::input(name, e))];
            }
            vec![Ok(text_document(name, name, &text, opts.text_mode))]
        }
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
