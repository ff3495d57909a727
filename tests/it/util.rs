//! What the tests share: running the `parasift` binary, reading what it wrote, and the
//! repository's files (seeds, fixtures, the embedded model).

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The repository's root (where `Cargo.toml` is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `parasift` binary this test run built.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parasift"))
}

/// Runs `parasift ARGS` with nothing on standard input.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run parasift")
}

/// Runs `parasift ARGS` with `input` on standard input. A run that fails on its arguments exits
/// without reading: a broken pipe is left to the test's checks of the output; any other error
/// writing the input fails the test.
pub fn run_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn parasift");
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_ref()) {
        assert_eq!(
            e.kind(),
            ErrorKind::BrokenPipe,
            "writing parasift's input: {e}"
        );
    }
    child.wait_with_output().unwrap()
}

/// A run's standard error, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One JSON value per line of `bytes` (a run's standard output, or a file it wrote).
pub fn json_lines(bytes: &[u8]) -> Vec<Value> {
    std::str::from_utf8(bytes)
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The JSON lines of a file a run wrote, decompressed as its name says.
pub fn read_json_lines(path: &Path) -> Vec<Value> {
    json_lines(&parasift::read_bytes(path).unwrap())
}

/// A path as a command-line argument.
pub fn arg(p: &Path) -> String {
    p.display().to_string()
}

/// A temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Every file under `dir`, at any depth.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The seed pages, `training/seeds/*.txt`, in name order (each has its `.labels` beside it).
pub fn seeds() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("training/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

/// The embedded model's file.
pub fn model_bytes() -> Vec<u8> {
    parasift::Model::embedded()
        .expect("embedded model")
        .to_bytes()
        .unwrap()
}
