//! Hostile inputs and outputs: paths that are not regular files, records without end, broken
//! encodings and line ends, bad model files and flags, a reader that goes away.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::{arg, bin, json_lines, model_bytes, run, run_stdin, stderr, tempdir};

/// Runs `parasift ARGS`, killing it (and failing) if it has not ended within a minute.
fn run_bounded(args: &[&str]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("parasift {args:?} did not end within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::write(path, bytes).unwrap();
}

fn make_fifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn index_of(dir: &Path, name: &str) -> std::path::PathBuf {
    let input = dir.join(format!("{name}.txt"));
    write(&input, format!("A line about {name}.\nAnother line.\n"));
    let out = dir.join(format!("{name}.idx"));
    let r = run(&["index", &arg(&input), "--out", &arg(&out), "--quiet"]);
    assert!(r.status.success(), "{}", stderr(&r));
    out
}

#[cfg(unix)]
#[test]
fn index_out_replaces_only_a_regular_file() {
    let dir = tempdir();
    let input = dir.path().join("in.txt");
    write(&input, "One line.\n");
    let target = dir.path().join("target.txt");
    write(&target, "keep me");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = run(&["index", &arg(&input), "--out", &arg(&link)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("a symbolic link"), "{}", stderr(&r));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    // A regular file is replaced, as before.
    let plain = dir.path().join("plain.idx");
    write(&plain, "old");
    let r = run(&["index", &arg(&input), "--out", &arg(&plain)]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_ne!(std::fs::read(&plain).unwrap(), b"old");
}

#[test]
fn merge_index_never_overwrites_an_input_nor_counts_one_twice() {
    let dir = tempdir();
    let a = index_of(dir.path(), "a");
    let b = index_of(dir.path(), "b");
    let before = std::fs::read(&a).unwrap();
    let r = run(&["merge-index", &arg(&a), &arg(&b), "--out", &arg(&a)]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("one of the indexes"), "{}", stderr(&r));
    assert_eq!(std::fs::read(&a).unwrap(), before);
    let sum = dir.path().join("sum.idx");
    let again = dir.path().join(".").join("a.idx");
    let r = run(&[
        "merge-index",
        &arg(&a),
        &arg(&b),
        &arg(&again),
        "--out",
        &arg(&sum),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("added once"), "{}", stderr(&r));
    assert!(!sum.exists());
    let r = run(&["merge-index", &arg(&a), &arg(&b), "--out", &arg(&sum)]);
    assert!(r.status.success(), "{}", stderr(&r));
}

#[test]
fn over_long_records_and_files_are_rejected_and_the_run_goes_on() {
    let dir = tempdir();
    let long = "x".repeat(5000);
    write(
        &dir.path().join("a.jsonl"),
        format!(
            "{{\"id\":1,\"text\":\"Short one.\"}}\n{{\"id\":2,\"text\":\"{long}\"}}\n{{\"id\":3,\"text\":\"After it.\"}}\n"
        ),
    );
    write(&dir.path().join("b.txt"), format!("{long}\n"));
    write(&dir.path().join("c.txt"), "The good file after them.\n");
    let r = run(&[
        "classify",
        &arg(dir.path()),
        "--max-record-bytes",
        "4K",
        "--quiet",
    ]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a.jsonl:2: 5") && err.contains("over the limit"),
        "{err}"
    );
    assert!(err.contains("b.txt: more than 4096 bytes"), "{err}");
    let ids: Vec<String> = json_lines(&r.stdout)
        .iter()
        .map(|d| d["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    // The id as the record writes it: a number.
    assert_eq!(ids[0], "1");
    assert!(ids[2].contains("c.txt"), "{ids:?}");
}

#[test]
fn a_decompression_bomb_is_cut_at_the_limit() {
    let dir = tempdir();
    // 64 MB of zeros in a few kilobytes; one line with no end.
    let zeros = vec![0u8; 64 << 20];
    let bomb = zstd::stream::encode_all(&zeros[..], 19).unwrap();
    assert!(bomb.len() < 100_000);
    write(&dir.path().join("a_bomb.jsonl.zst"), &bomb);
    write(&dir.path().join("b_bomb.txt.zst"), &bomb);
    write(&dir.path().join("c_good.txt"), "Written all the same.\n");
    let out = dir.path().join("out");
    let r = run(&[
        "classify",
        &arg(&dir.path().join("a_bomb.jsonl.zst")),
        &arg(&dir.path().join("b_bomb.txt.zst")),
        &arg(&dir.path().join("c_good.txt")),
        "--max-record-bytes",
        "1M",
        "--output-dir",
        &arg(&out),
        "--quiet",
    ]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a_bomb.jsonl.zst:1: 67108864 bytes, over the limit"),
        "{err}"
    );
    assert!(
        err.contains("b_bomb.txt.zst: more than 1048576 bytes"),
        "{err}"
    );
    assert!(out.join("c_good.txt.jsonl").exists());
}

#[cfg(unix)]
#[test]
fn fifos_are_reported_not_opened() {
    let dir = tempdir();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write(&input.join("a.txt"), "A line of text.\n");
    make_fifo(&input.join("b.fifo"));
    write(&input.join("c.txt"), "Another line of text.\n");
    let r = run_bounded(&["classify", &arg(&input), "--quiet"]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("b.fifo: not a regular file (a FIFO)"), "{err}");
    assert_eq!(json_lines(&r.stdout).len(), 2);
    let fifo = dir.path().join("model.fifo");
    make_fifo(&fifo);
    for flag in ["--model", "--index"] {
        let r = run_bounded(&["classify", &arg(&input.join("a.txt")), flag, &arg(&fifo)]);
        assert_eq!(r.status.code(), Some(2), "{flag}: {}", stderr(&r));
        assert!(
            stderr(&r).contains("not a regular file (a FIFO)"),
            "{}",
            stderr(&r)
        );
    }
}

#[test]
fn a_page_whose_bytes_contradict_its_utf8_declaration_is_decoded() {
    let body = "Москва — столица России, крупнейший город страны и её политический, экономический и культурный центр.";
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(body);
    let mut page = b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
    page.extend_from_slice(&cp1251);
    page.extend_from_slice(b"</p></body></html>");
    let dir = tempdir();
    let file = dir.path().join("page.html");
    write(&file, &page);
    let r = run(&["classify", &arg(&file), "--quiet"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let doc = &json_lines(&r.stdout)[0];
    assert!(doc.to_string().contains("Москва — столица"), "{doc}");
}

#[test]
fn a_model_with_non_finite_weights_and_bad_thresholds_are_refused() {
    let model = parasift::Model::from_bytes(&model_bytes()).unwrap();
    let n = model.header().schema.len();
    let classifier = parasift::Classifier::Logistic {
        mean: vec![f32::NAN; n],
        std: vec![1.0; n],
        weights: vec![0.5; n],
        intercept: 0.0,
        predicts_content: true,
    };
    let bytes = parasift::model_file::encode(model.header(), &classifier).unwrap();
    let dir = tempdir();
    let file = dir.path().join("nan.bin");
    write(&file, &bytes);
    let r = run_stdin(&["classify", "--model", &arg(&file)], "A line.\n");
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("column mean of NaN"), "{}", stderr(&r));
    for t in ["5", "inf", "NaN", "-0.1"] {
        let r = run_stdin(&["classify", &format!("--threshold={t}")], "A line.\n");
        assert_eq!(r.status.code(), Some(2), "--threshold {t}: {}", stderr(&r));
        assert!(stderr(&r).contains("--threshold"), "{}", stderr(&r));
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn carriage_returns_utf16_and_stray_nuls() {
    let dir = tempdir();
    let p = dir.path();
    write(
        &p.join("cr.txt"),
        "First line.\rSecond line.\rThird line.\r",
    );
    write(
        &p.join("cr.jsonl"),
        "{\"id\":\"x\",\"text\":\"One.\"}\r{\"id\":\"y\",\"text\":\"Two.\"}\r",
    );
    let utf16: Vec<u8> = "A line in UTF-16.\nAnother one.\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    write(&p.join("utf16.txt"), utf16);
    // A real page may hold a few NUL bytes.
    let words = "A paragraph of an article, with the words an article has in it. ".repeat(10);
    let mut page = format!("<html><body><p>{words}</p>");
    page.push_str(&"\0".repeat(22));
    page.push_str(&format!("<p>{words}</p></body></html>"));
    write(&p.join("nul.html"), page);
    // Binary data after a long text is binary all the same.
    let mut tail = "word ".repeat(20_000).into_bytes();
    tail.extend(std::iter::repeat_n(0u8, 200_000));
    write(&p.join("tail.txt"), tail);
    let r = run(&["classify", &arg(p), "--quiet"]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("tail.txt: binary data"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    let docs = json_lines(&r.stdout);
    let by_source = |s: &str| {
        docs.iter()
            .find(|d| d["source"].as_str().unwrap().contains(s))
            .unwrap_or_else(|| panic!("no document from {s}"))
            .clone()
    };
    assert_eq!(
        by_source("cr.txt")["paragraphs"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        docs.iter()
            .filter(|d| d["source"].as_str().unwrap().contains("cr.jsonl"))
            .count(),
        2
    );
    let u = by_source("utf16.txt");
    assert_eq!(u["paragraphs"][0]["text"], "A line in UTF-16.");
    assert_eq!(
        by_source("nul.html")["paragraphs"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn too_many_threads_is_a_usage_error() {
    let r = run_stdin(&["classify", "--threads", "100000"], "A line.\n");
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("--threads"), "{}", stderr(&r));
}

#[test]
fn a_broken_pipe_after_rejects_exits_1() {
    let dir = tempdir();
    write(&dir.path().join("a.bin"), [0u8, 1, 2, 3, 4, 5, 0, 0]);
    write(&dir.path().join("b.txt"), "A good line.\n".repeat(1000));
    let mut child = bin()
        .args(["classify", &arg(dir.path()), "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before anything is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn quiet_hides_the_summary_and_stats_are_written() {
    let dir = tempdir();
    write(&dir.path().join("a.txt"), "A good line.\nAnother.\n");
    write(&dir.path().join("b.txt"), "");
    write(&dir.path().join("c.jsonl"), "{\"id\":1}\n{not json\n");
    let stats = tempdir();
    let file = stats.path().join("stats.json");
    let r = run(&[
        "classify",
        &arg(dir.path()),
        "--quiet",
        "--stats",
        &arg(&file),
    ]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(!err.contains("documents in"), "{err}");
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(s["documents_in"], 4, "{s}");
    assert_eq!(s["documents_out"], 1, "{s}");
    assert_eq!(s["rejected"], 3, "{s}");
    assert_eq!(s["rejected_by_reason"]["empty input (N bytes)"], 1, "{s}");
    assert_eq!(s["rejected_by_reason"]["malformed JSON"], 1, "{s}");
    assert!(
        s["bytes"].as_u64().unwrap() > 0 && s["seconds"].is_number(),
        "{s}"
    );
    let r = run(&["classify", &arg(&dir.path().join("a.txt"))]);
    assert!(stderr(&r).contains("documents in"), "{}", stderr(&r));
}

/// The fuzz targets' seeds and the inputs that once crashed them (`fuzz/regressions/TARGET/`),
/// through what each target calls: no panic.
#[test]
fn fuzz_seeds_and_regressions_replay() {
    use parasift::{InputFormat, ReadOptions};
    let model = parasift::Model::embedded_owned().unwrap();
    let tmp = tempdir();
    let opts = |format| ReadOptions {
        format,
        max_record_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    let mut replayed = 0;
    for kind in ["seeds", "regressions"] {
        let Ok(targets) = std::fs::read_dir(crate::util::root().join("fuzz").join(kind)) else {
            continue;
        };
        for t in targets {
            let t = t.unwrap().path();
            let target = t.file_name().unwrap().to_string_lossy().into_owned();
            for f in std::fs::read_dir(&t).unwrap() {
                let f = f.unwrap().path();
                let data = std::fs::read(&f).unwrap();
                replayed += 1;
                match target.as_str() {
                    "read_text" => drop(parasift::read_bytes_as(
                        "f",
                        &data,
                        &opts(InputFormat::Text),
                    )),
                    "read_html" => drop(parasift::read_bytes_as(
                        "f",
                        &data,
                        &opts(InputFormat::Html),
                    )),
                    "read_jsonl" => drop(parasift::read_bytes_as(
                        "f",
                        &data,
                        &opts(InputFormat::Jsonl),
                    )),
                    "read_compressed" => {
                        let p = tmp.path().join("input.jsonl");
                        write(&p, &data);
                        drop(parasift::read_path(&p, &opts(InputFormat::Auto)));
                    }
                    "segment" => {
                        let text = String::from_utf8_lossy(&data);
                        drop(parasift::segment_text(&text, parasift::TextMode::Lines));
                        drop(parasift::segment_html(&text));
                    }
                    "model_file" => drop(parasift::Model::from_bytes(&data)),
                    "index_file" => drop(parasift::CorpusIndex::read_from(
                        &mut &data[..],
                        data.len() as u64,
                        "f",
                    )),
                    "lang_tables" => parasift::fuzzing::language_tables(&data),
                    "classify" => {
                        // The HTML readers and the segmenters start from these documents too
                        // (fuzz/run.sh): replayed through them as well.
                        drop(parasift::read_bytes_as(
                            "f",
                            &data,
                            &opts(InputFormat::Html),
                        ));
                        let text = String::from_utf8_lossy(&data);
                        drop(parasift::segment_text(&text, parasift::TextMode::Lines));
                        drop(parasift::segment_html(&text));
                        for doc in parasift::read_bytes_as("f", &data, &opts(InputFormat::Auto))
                            .into_iter()
                            .flatten()
                        {
                            assert_eq!(
                                model.classify(&doc).paragraphs().len(),
                                doc.paragraphs.len()
                            );
                        }
                    }
                    other => panic!("{}: no fuzz target {other}", f.display()),
                }
            }
        }
    }
    assert!(replayed > 20, "{replayed} inputs replayed");
}

#[test]
fn a_damaged_gzip_member_names_the_records_it_gave() {
    use std::io::Write as _;
    let member = |from: usize| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in from..from + 200 {
            writeln!(gz, "{{\"id\":{i},\"text\":\"Record number {i}.\"}}").unwrap();
        }
        gz.finish().unwrap()
    };
    let mut second = member(201);
    // A wrong checksum: every record of the member decompresses, and then it is found damaged.
    let at = second.len() - 8;
    second[at] ^= 0xff;
    let mut bytes = member(1);
    bytes.extend(second);
    bytes.extend(member(401));
    let dir = tempdir();
    let file = dir.path().join("damaged.jsonl.gz");
    write(&file, bytes);
    let r = run(&["classify", &arg(&file), "--quiet"]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(
        err.contains("damaged.jsonl.gz:401: corrupt compressed data")
            && err.contains("lines 201 to 400 came from this damaged gzip member"),
        "{err}"
    );
}
