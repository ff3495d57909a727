//! Corpus runs: streaming equals in-memory classification, the corpus index (exact, sketch,
//! saved and loaded), output modes, sharding, resuming, rejects and atomic outputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use parasift::{CorpusIndex, DocAnalysis, DocKeys, ReadOptions, read_path};
use parasift::{Document, Model};
use serde_json::Value;

use crate::util::{arg, json_lines, read_json_lines, root, run, run_stdin, stderr, tempdir, walk};

fn pages() -> PathBuf {
    root().join("benches/data/pages.jsonl.zst")
}

/// Every document's labels and scores, as the library classifies the whole set in memory.
fn in_memory(docs: &[Document]) -> Vec<Vec<(String, f32)>> {
    Model::embedded()
        .unwrap()
        .classify_batch(docs)
        .iter()
        .map(|p| {
            p.paragraphs()
                .iter()
                .map(|x| (x.label().name().to_string(), x.score()))
                .collect()
        })
        .collect()
}

fn from_cli(docs: &[Value]) -> Vec<Vec<(String, f32)>> {
    docs.iter()
        .map(|d| {
            d["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["label"].as_str().unwrap().to_string(),
                        p["score"].as_f64().unwrap() as f32,
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn first_pass_keys_are_the_analysis_hashes() {
    let mut docs: Vec<Document> =
        parasift::train::fixtures::read_fixtures(&root().join("training/fixtures/dev.jsonl.zst"))
            .unwrap()
            .into_iter()
            .flat_map(|l| [l.text_view().doc, l.doc])
            .collect();
    docs.extend(
        read_path(&pages(), &ReadOptions::default())
            .into_iter()
            .map(Result::unwrap),
    );
    for d in &docs {
        assert_eq!(
            DocKeys::of(d),
            DocKeys::from_analysis(&DocAnalysis::new(d)),
            "{}",
            d.id
        );
    }
}

#[test]
fn streaming_equals_in_memory() {
    let docs: Vec<Document> = read_path(&pages(), &ReadOptions::default())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let want = in_memory(&docs);
    // Small batches: the first pass must make them see the whole corpus anyway.
    for batch in ["1", "4", "1000"] {
        let out = run(&["classify", "--batch-docs", batch, &arg(&pages())]);
        assert!(out.status.success(), "{}", stderr(&out));
        let got = json_lines(&out.stdout);
        assert_eq!(got.len(), docs.len());
        for (g, d) in got.iter().zip(&docs) {
            assert_eq!(g["id"], d.id.as_str(), "input order");
        }
        assert_eq!(from_cli(&got), want, "batch size {batch}");
    }
    // Standard input in one batch: the same counts, built as it goes.
    let raw = parasift::read_bytes(&pages()).unwrap();
    let out = run_stdin(&["classify", "--format", "jsonl", "-"], &raw);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(from_cli(&json_lines(&out.stdout)), want);
}

#[test]
fn sketch_agrees_with_exact_counts_on_dev_pages() {
    let docs: Vec<Document> =
        parasift::train::fixtures::read_fixtures(&root().join("training/fixtures/dev.jsonl.zst"))
            .unwrap()
            .into_iter()
            // Without their sites: distinct-site counts are approximate in a sketch by design
            // (docs/corpus-index.md); this is about the paragraph and shingle counts.
            .map(|l| Document {
                site: None,
                ..l.doc
            })
            .collect();
    let analyses: Vec<DocAnalysis<'_>> = docs.iter().map(DocAnalysis::new).collect();
    let mut exact = CorpusIndex::new();
    // A budget whose exact tables overflow early: a 4 MiB sketch; and a 64 MiB one.
    let mut small = CorpusIndex::with_memory(4 << 20);
    let mut big = CorpusIndex::sketched(64 << 20);
    for a in &analyses {
        exact.add(a);
        small.add(a);
        big.add(a);
    }
    assert!(exact.is_exact());
    assert!(!small.is_exact() && !big.is_exact());
    assert!(small.bytes() <= 4 << 20);
    let (mut total, mut same_small, mut same_big) = (0, 0, 0);
    for a in &analyses {
        for i in 0..a.paras.len() {
            let want = exact.counts(a, i);
            total += 1;
            same_small += (small.counts(a, i) == want) as usize;
            same_big += (big.counts(a, i) == want) as usize;
        }
    }
    assert!(total > 20_000);
    // A 64 MiB sketch of these 51 365 paragraphs is nearly exact (51 357 here); a 4 MiB one,
    // loaded twelve times as much, less so (50 923): a shingle's cells share one cache line,
    // which makes a shingle's false "repeated" a few times likelier than with cells anywhere.
    assert!(
        same_big * 10_000 >= total * 9_995,
        "a 64 MiB sketch: {same_big} of {total} exact"
    );
    assert!(
        same_small * 1000 >= total * 990,
        "a 4 MiB sketch: {same_small} of {total} exact"
    );
}

#[test]
fn index_file_round_trip_and_refusals() {
    let dir = tempdir();
    let idx = dir.path().join("pages.idx");
    let out = run(&["index", &arg(&pages()), "--out", &arg(&idx)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = run(&["classify", &arg(&pages())]);
    let with = run(&["classify", "--index", &arg(&idx), &arg(&pages())]);
    assert!(with.status.success(), "{}", stderr(&with));
    assert_eq!(
        plain.stdout, with.stdout,
        "a saved index gives the same output"
    );

    // A sketch round trip through a file keeps every count.
    let docs: Vec<Document> = read_path(&pages(), &ReadOptions::default())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for budget in [256 << 20, 1 << 20] {
        let mut index = CorpusIndex::with_memory(budget);
        let analyses: Vec<DocAnalysis<'_>> = docs.iter().map(DocAnalysis::new).collect();
        analyses.iter().for_each(|a| index.add(a));
        let path = dir.path().join("x.idx");
        index.save(&path).unwrap();
        let back = CorpusIndex::load(&path).unwrap();
        assert_eq!(
            (back.docs(), back.is_exact()),
            (index.docs(), index.is_exact())
        );
        for a in &analyses {
            for i in 0..a.paras.len() {
                assert_eq!(back.counts(a, i), index.counts(a, i));
            }
        }
    }

    let bytes = std::fs::read(&idx).unwrap();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let truncated = &bytes[..bytes.len() - 9];
    let mut v9 = bytes.clone();
    v9[8] = 9;
    for (name, data, what) in [
        ("flipped.idx", &flipped[..], "checksum mismatch"),
        ("truncated.idx", truncated, "checksum mismatch"),
        ("model.idx", b"PARASIFT and more bytes", "bad magic"),
        ("v9.idx", &v9, "format version 9"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        let out = run(&["classify", "--index", &arg(&p), &arg(&pages())]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{name}: nothing is classified");
        let err = stderr(&out);
        assert!(err.contains(name) && err.contains(what), "{name}: {err}");
    }
}

/// A directory of JSONL shards: `n` files of 3 records each.
fn shards(dir: &Path, n: usize) -> Vec<String> {
    let src = dir.join("in");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    let mut names = Vec::new();
    for i in 0..n {
        let name = if i % 2 == 0 {
            format!("s{i:02}.jsonl")
        } else {
            format!("sub/s{i:02}.jsonl.zst")
        };
        let mut body = String::new();
        for j in 0..3 {
            body += &format!(
                "{{\"id\": \"{i}-{j}\", \"text\": \"Story {i}.{j} begins here with a long sentence about the weather on the coast.\\nAll rights reserved.\", \"url\": \"https://site{}.com/{j}\"}}\n",
                i % 3
            );
        }
        let bytes = if name.ends_with(".zst") {
            zstd::stream::encode_all(body.as_bytes(), 3).unwrap()
        } else {
            body.into_bytes()
        };
        std::fs::write(src.join(&name), bytes).unwrap();
        names.push(name);
    }
    names
}

#[test]
fn sharding_is_disjoint_and_complete() {
    let dir = tempdir();
    let names = shards(dir.path(), 7);
    let src = arg(&dir.path().join("in"));
    let out = dir.path().join("out");
    let mut ids = Vec::new();
    for rank in 0..3 {
        let o = run(&[
            "classify",
            &src,
            "--output-dir",
            &arg(&out),
            "--rank",
            &rank.to_string(),
            "--world-size",
            "3",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("0 rejected"), "{}", stderr(&o));
    }
    for name in &names {
        let docs = read_json_lines(&out.join(name));
        assert_eq!(docs.len(), 3, "{name}");
        ids.extend(docs.iter().map(|d| d["id"].as_str().unwrap().to_string()));
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 21, "every record once");
    assert_eq!(ids.len(), 21);
    let bad = run(&["classify", &src, "--rank", "3", "--world-size", "3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("rank 3 is not below world size 3"));
    let bad = run(&["classify", &src, "--world-size", "0"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--world-size: the world size is the number of shares"));
}

#[test]
fn the_indexes_of_the_shares_add_up_to_the_index_of_the_whole() {
    let dir = tempdir();
    shards(dir.path(), 7);
    let src = arg(&dir.path().join("in"));
    let idx = |name: &str| arg(&dir.path().join(name));
    let whole = run(&["index", &src, "--quiet", "--out", &idx("whole.idx")]);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let mut parts = Vec::new();
    for r in 0..3 {
        let part = idx(&format!("part{r}.idx"));
        let rank = r.to_string();
        let o = run(&[
            "index",
            &src,
            "--quiet",
            "--rank",
            &rank,
            "--world-size",
            "3",
            "--out",
            &part,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        parts.push(part);
    }
    let merged = idx("merged.idx");
    let mut args = vec!["merge-index", "--out", &merged];
    args.extend(parts.iter().map(String::as_str));
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("added up 3 indexes of 21 documents"),
        "{}",
        stderr(&o)
    );
    // Exact counts: the same file, and so the same output.
    assert_eq!(
        std::fs::read(idx("merged.idx")).unwrap(),
        std::fs::read(idx("whole.idx")).unwrap()
    );
    let classify = |index: &str| run(&["classify", &src, "--quiet", "--index", index]).stdout;
    assert_eq!(classify(&idx("merged.idx")), classify(&idx("whole.idx")));

    // Sketches of different budgets cannot be added: the file is named.
    for (name, memory) in [("a.idx", "64K"), ("b.idx", "128K")] {
        let o = run(&[
            "index",
            &arg(&pages()),
            "--index-memory",
            memory,
            "--out",
            &idx(name),
        ]);
        assert!(stderr(&o).contains("(sketch,"), "{}", stderr(&o));
    }
    let o = run(&[
        "merge-index",
        "--out",
        &idx("ab.idx"),
        &idx("a.idx"),
        &idx("b.idx"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("b.idx: not a usable corpus index: sketches of different sizes"),
        "{err}"
    );
    assert!(!dir.path().join("ab.idx").exists());
    let bad = run(&[
        "index",
        &src,
        "--rank",
        "3",
        "--world-size",
        "3",
        "--out",
        &idx("x.idx"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    // An index file among the inputs would be read as one by the next run.
    let inside = format!("{src}/x.idx");
    let bad = run(&["index", &src, "--quiet", "--out", &inside]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--out: "), "{}", stderr(&bad));
    assert!(!Path::new(&inside).exists());
}

#[test]
fn resume_skips_finished_shards() {
    let dir = tempdir();
    let names = shards(dir.path(), 4);
    let src = arg(&dir.path().join("in"));
    let out = dir.path().join("out");
    let args = ["classify", src.as_str(), "--output-dir", &arg(&out)];
    let first = run(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    let full: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(out.join(n)).unwrap())
        .collect();
    // One shard lost (as by a crash before its rename), one marked to show it is not redone.
    std::fs::remove_file(out.join(&names[1])).unwrap();
    std::fs::write(out.join(&names[2]), b"kept\n").unwrap();
    // What the crash left: the lost shard's temporary file, and one of a shard that is done.
    // No process has an id this large; process 1 always runs, and its file stays.
    let temp = |name: &str, pid: u32| {
        let p = out.join(name);
        p.with_file_name(format!(
            ".{}.tmp-{pid}",
            p.file_name().unwrap().to_string_lossy()
        ))
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let stale = [temp(&names[1], 999_999_999), temp(&names[3], 999_999_998)];
    let live = temp(&names[1], 1);
    let other = out.join(".unrelated.tmp-999999999");
    for p in stale.iter().chain([&live, &other]) {
        let f = std::fs::File::create(p).unwrap();
        f.set_modified(hour_ago).unwrap();
    }
    let second = run(&args);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("removed 2 temporary files that an earlier run left"),
        "{}",
        stderr(&second)
    );
    assert!(stale.iter().all(|p| !p.exists()));
    assert!(live.exists() && other.exists());
    std::fs::remove_file(&live).unwrap();
    std::fs::remove_file(&other).unwrap();
    assert!(
        stderr(&second).contains("3 documents in, 3 out, 0 rejected; 1 files (3 already done)"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        std::fs::read(out.join(&names[1])).unwrap(),
        full[1],
        "redone the same"
    );
    assert_eq!(std::fs::read(out.join(&names[2])).unwrap(), b"kept\n");
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `DIR/in` with two good records and four bad ones: `a.jsonl` (lines 2 and 4 bad), an empty
/// `b.txt` and a `c.jsonl.zst` cut short.
fn bad_inputs(dir: &Path) -> PathBuf {
    let src = dir.join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.jsonl"),
        "{\"id\": \"a1\", \"text\": \"Fine.\"}\n{\"id\": \"a2\", \"text\": \n\n{\"id\": \"a4\"}\n{\"id\": \"a5\", \"text\": \"Also fine.\"}\n",
    )
    .unwrap();
    std::fs::write(src.join("b.txt"), b"").unwrap();
    let mut corrupt =
        zstd::stream::encode_all(&b"{\"id\": \"c1\", \"text\": \"x\"}\n"[..], 3).unwrap();
    let n = corrupt.len();
    corrupt.truncate(n - 3);
    std::fs::write(src.join("c.jsonl.zst"), corrupt).unwrap();
    src
}

#[test]
fn rejects_are_reported_written_and_counted() {
    let dir = tempdir();
    let src = bad_inputs(dir.path());
    // By default the first pass's parsed records are kept for the second; with one-record
    // batches they do not fit and are read again. Both report and write the same.
    let mut outputs = Vec::new();
    for (n, extra) in [&[][..], &["--batch-docs", "1"][..]]
        .into_iter()
        .enumerate()
    {
        let rejects = dir.path().join(format!("rejects{n}.jsonl"));
        let out_dir = dir.path().join(format!("out{n}"));
        let mut args = vec![
            "classify".to_string(),
            arg(&src),
            "--output-dir".to_string(),
            arg(&out_dir),
            "--rejects".to_string(),
            arg(&rejects),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("a.jsonl:2: malformed JSON"), "{err}");
        assert!(err.contains("a.jsonl:4: record has neither"), "{err}");
        assert!(err.contains("b.txt: empty input"), "{err}");
        assert!(err.contains("c.jsonl.zst:1"), "{err}");
        let rej = read_json_lines(&rejects);
        let got: Vec<(String, Option<u64>)> = rej
            .iter()
            .map(|r| {
                (
                    Path::new(r["source"].as_str().unwrap())
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    r["line"].as_u64(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a.jsonl".to_string(), Some(2)),
                ("a.jsonl".to_string(), Some(4)),
                ("b.txt".to_string(), None),
                ("c.jsonl.zst".to_string(), Some(1)),
            ]
        );
        assert!(
            rej.iter()
                .all(|r| !r["reason"].as_str().unwrap().is_empty())
        );
        assert!(err.contains("6 documents in, 2 out, 4 rejected"), "{err}");
        assert!(err.contains("; 1 files not read to their end"), "{err}");
        assert_eq!(read_json_lines(&out_dir.join("a.jsonl")).len(), 2);
        // The file that could not be read to its end has no output, so a rerun reads it again.
        assert!(!out_dir.join("c.jsonl.zst").exists());
        let mut files: Vec<(PathBuf, Vec<u8>)> = walk(&out_dir)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(&out_dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        outputs.push((files, std::fs::read(&rejects).unwrap()));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn an_input_cut_short_keeps_no_output_and_is_read_again() {
    let dir = tempdir();
    let src = dir.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    // 400 records of distinct words (so that they do not compress to nothing), gzipped and cut
    // in the middle: the records before the cut are read, then reading fails.
    let mut body = String::new();
    let mut x = 12345u64;
    for i in 0..400 {
        let words: Vec<String> = (0..40)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("w{}", x >> 40)
            })
            .collect();
        body += &format!("{{\"id\": \"r{i}\", \"text\": \"{}.\"}}\n", words.join(" "));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, body.as_bytes()).unwrap();
    let full = gz.finish().unwrap();
    std::fs::write(src.join("cut.jsonl.gz"), &full[..full.len() / 2]).unwrap();
    std::fs::write(
        src.join("fine.jsonl"),
        "{\"id\": \"f1\", \"text\": \"A whole record.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let rejects = dir.path().join("rejects.jsonl");
    let args = [
        "classify",
        &arg(&src),
        "--output-dir",
        &arg(&out),
        "--rejects",
        &arg(&rejects),
        "--output",
        "attributes",
    ];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("cut.jsonl.gz: not read to its end"), "{err}");
    assert!(err.contains("; 1 files not read to their end"), "{err}");
    let rej = read_json_lines(&rejects);
    assert_eq!(rej.len(), 1, "{rej:?}");
    // Some records were read before the cut, and the error names the line where it stopped.
    let line = rej[0]["line"].as_u64().unwrap();
    assert!(line > 1 && line < 400, "{rej:?}");
    assert!(
        rej[0]["reason"]
            .as_str()
            .unwrap()
            .contains("compressed data"),
        "{rej:?}"
    );
    assert!(
        err.contains(&format!(
            "{} documents in, {} out, 1 rejected",
            line + 1,
            line
        )),
        "{err}"
    );
    // Nothing under the cut file's name, not even a temporary file; the other file is complete.
    assert_eq!(walk(&out), [out.join("fine.jsonl")]);

    // Once the file is whole again, a rerun reads it (and only it).
    std::fs::write(src.join("cut.jsonl.gz"), &full).unwrap();
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("400 documents in, 400 out, 0 rejected; 1 files (1 already done)"),
        "{}",
        stderr(&o)
    );
    let rows = read_json_lines(&out.join("cut.jsonl.gz"));
    assert_eq!(rows.len(), 400);
    assert_eq!(rows[399]["id"], "r399");
}

#[test]
fn a_byte_order_mark_before_the_first_record_is_skipped() {
    let dir = tempdir();
    let f = dir.path().join("bom.jsonl");
    std::fs::write(
        &f,
        b"\xEF\xBB\xBF{\"id\": \"x1\", \"text\": \"A first record.\"}\r\n{\"id\": \"x2\", \"text\": \"A second.\"}\r\n\xEF\xBB\xBF{\"id\": \"x3\", \"text\": \"x\"}\n",
    )
    .unwrap();
    let o = run(&["classify", &arg(&f), "--output", "clean"]);
    let err = stderr(&o);
    // Only at the start of the file: elsewhere it is not JSON.
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("bom.jsonl:3: malformed JSON"), "{err}");
    assert!(err.contains("3 documents in, 2 out, 1 rejected"), "{err}");
    let out = json_lines(&o.stdout);
    assert_eq!(out.len(), 2);
    assert_eq!(
        (out[0]["id"].as_str(), out[1]["id"].as_str()),
        (Some("x1"), Some("x2"))
    );
}

#[test]
fn an_empty_jsonl_shard_is_a_shard_of_no_records() {
    let dir = tempdir();
    let src = dir.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.jsonl"),
        "{\"id\": \"a1\", \"text\": \"A record.\"}\n",
    )
    .unwrap();
    std::fs::write(src.join("b.jsonl"), b"").unwrap();
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::fs::write(src.join("c.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let out_dir = dir.path().join("out");
    for output in ["json", "attributes"] {
        let o = run(&[
            "classify",
            &arg(&src),
            "--output",
            output,
            "--output-dir",
            &arg(&out_dir),
        ]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(
            err.contains("1 documents in, 1 out, 0 rejected; 3 files"),
            "{err}"
        );
        for (name, rows) in [("a.jsonl", 1), ("b.jsonl", 0)] {
            assert_eq!(read_json_lines(&out_dir.join(name)).len(), rows, "{name}");
        }
        // Compressed as its input was, and empty.
        let gz = std::fs::read(out_dir.join("c.jsonl.gz")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut text)
            .unwrap();
        assert_eq!(text, "");
        std::fs::remove_dir_all(&out_dir).unwrap();
    }
    // An empty file of any other format is still a document with nothing in it.
    std::fs::write(src.join("d.txt"), b"").unwrap();
    let o = run(&["classify", &arg(&src)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("d.txt: empty input (0 bytes)"), "{err}");
    assert!(err.contains("2 documents in, 1 out, 1 rejected"), "{err}");
    // Standard input read as JSONL: no records, no error.
    let o = run_stdin(&["classify", "-", "--format", "jsonl"], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn outputs_never_replace_or_join_their_inputs() {
    let dir = tempdir();
    let src = dir.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    let record = "{\"id\": \"a1\", \"text\": \"A record.\"}\n";
    std::fs::write(src.join("a.jsonl"), record).unwrap();
    let (input, file) = (arg(&src), arg(&src.join("a.jsonl")));
    let inside = arg(&src.join("out"));
    // Through another name for the same directory.
    let other = format!("{}/../in/out", src.display());
    let rejects = arg(&src.join("rejects.jsonl"));
    let says = "or inside it: a rerun would read the outputs as inputs";
    // `classify INPUT --quiet OPTION PATH`: refused, and the input left as it was.
    for (input, option, path, says) in [
        // Before, the input was taken for its own finished output and skipped ("1 already done").
        (&input, "--output-dir", &input, says),
        (&input, "--output-dir", &inside, says),
        (&input, "--output-dir", &other, says),
        (&file, "--output-dir", &input, "the output file of"),
        // A rejects file among the inputs would be read, and appended to, by a rerun.
        (&input, "--rejects", &rejects, says),
        (&file, "--rejects", &file, says),
    ] {
        let args = ["classify", input, "--quiet", option, path];
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_to_string(src.join("a.jsonl")).unwrap(),
            record,
            "{args:?}"
        );
        assert_eq!(walk(&src), [src.join("a.jsonl")], "{args:?}");
    }
    // Beside the inputs is fine.
    let out = dir.path().join("out");
    let rejects = arg(&dir.path().join("rejects.jsonl"));
    let o = run(&[
        "classify",
        &arg(&src),
        "--quiet",
        "--output-dir",
        &arg(&out),
        "--rejects",
        &rejects,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json_lines(&out.join("a.jsonl")).len(), 1);
}

#[test]
fn index_names_what_it_leaves_out() {
    let dir = tempdir();
    let src = bad_inputs(dir.path());
    let o = run(&[
        "index",
        &arg(&src),
        "--out",
        &arg(&dir.path().join("idx.bin")),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    // Each named, in input order.
    let at: Vec<usize> = [
        "a.jsonl:2: malformed JSON",
        "a.jsonl:4: record has neither",
        "b.txt: empty input",
        "c.jsonl.zst:1: ",
    ]
    .iter()
    .map(|m| err.find(m).unwrap_or_else(|| panic!("{m}: {err}")))
    .collect();
    assert!(at.is_sorted(), "{err}");
    assert!(
        err.contains("counted 2 documents (4 unreadable, left out)"),
        "{err}"
    );
}

#[test]
fn a_failed_run_leaves_no_output_that_looks_complete() {
    let dir = tempdir();
    let names = shards(dir.path(), 4);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // `out/sub` is a file: the shards under `sub/` cannot be written.
    std::fs::write(out.join("sub"), b"in the way").unwrap();
    let o = run(&[
        "classify",
        &arg(&dir.path().join("in")),
        "--output-dir",
        &arg(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("sub"), "{}", stderr(&o));
    let mut files: Vec<PathBuf> = walk(&out);
    files.sort();
    // Input order: s00 and s02 (complete), then sub/s01 fails; no temporary file is left.
    assert_eq!(
        files,
        [out.join(&names[0]), out.join(&names[2]), out.join("sub")]
    );
    assert_eq!(read_json_lines(&out.join(&names[0])).len(), 3);
}

#[test]
fn clean_records_keep_every_other_field() {
    let dir = tempdir();
    let input = dir.path().join("docs.jsonl");
    let seed = root().join("training/seeds/001_0fa951b9e6b96d55.txt");
    let text = std::fs::read_to_string(&seed).unwrap();
    let rec1 = format!(
        r#"{{"meta":{{"n":[1.50,2e3,18446744073709551616]}},"text":{},"id":"x","extra":"é"}}"#,
        serde_json::to_string(&text).unwrap()
    );
    let rec2 = r#"{"id": 7, "html": "<nav><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li></ul></nav><article><h1>Storm hits the coast</h1><p>A strong storm hit the coast on Monday, cutting power to thousands of homes and closing roads, officials said. Crews worked through the night to restore electricity and clear fallen trees from the main highway.</p></article>", "keep": true}"#;
    std::fs::write(&input, format!("{rec1}\n{rec2}\n")).unwrap();
    let out = run(&["classify", "--output", "clean", &arg(&input)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = String::from_utf8(out.stdout).unwrap();
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got.len(), 2);
    // The content text is what `extract` gives for the same document.
    let ext = run(&["extract", "--format", "text", &arg(&seed)]);
    let want = json_lines(&ext.stdout)[0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(want.starts_with("Israel refuses Putin"));
    assert_eq!(
        got[0],
        format!(
            r#"{{"meta":{{"n":[1.50,2e3,18446744073709551616]}},"text":{},"id":"x","extra":"é"}}"#,
            serde_json::to_string(&want).unwrap()
        )
    );
    let v: Value = serde_json::from_str(got[1]).unwrap();
    assert_eq!(v["keep"], true);
    assert!(v["html"].as_str().unwrap().starts_with("<nav>"));
    assert!(
        v["text"].as_str().unwrap().contains("A strong storm hit"),
        "{v}"
    );
    assert!(!v["text"].as_str().unwrap().contains("Home"), "{v}");
    assert!(got[1].starts_with(&rec2[..rec2.len() - 1]));

    // Attribute rows mirror the input rows, bad records included: with the record's id when it
    // has one (toolkits that join attributes to documents check that the ids agree; before, the
    // row had the file and line), else the file and line.
    let no_text = r#"{"id": "y", "text": null}"#;
    let bad_text = r#"{"id": 8, "text": 5}"#;
    std::fs::write(
        &input,
        format!("{rec1}\n{{broken\n{no_text}\n{bad_text}\n{rec2}\n"),
    )
    .unwrap();
    let out = run(&["classify", "--output", "attributes", &arg(&input)]);
    assert_eq!(out.status.code(), Some(1));
    let rows = json_lines(&out.stdout);
    assert_eq!(rows.len(), 5);
    // Ids are written as the records write them: numbers stay numbers.
    let ids: Vec<Value> = rows.iter().map(|r| r["id"].clone()).collect();
    let at = |line: usize| format!("{}:{line}", input.display());
    assert_eq!(
        ids,
        [
            Value::from("x"),
            Value::from(at(2)),
            Value::from("y"),
            Value::from(8),
            Value::from(7)
        ]
    );
    for row in &rows[1..4] {
        assert_eq!(
            row["attributes"]["parasift__content"],
            serde_json::json!([])
        );
    }
    let spans = rows[0]["attributes"]["parasift__content"]
        .as_array()
        .unwrap();
    let seed_out = run(&["classify", "--format", "text", &arg(&seed)]);
    let paras = json_lines(&seed_out.stdout)[0]["paragraphs"].clone();
    let paras = paras.as_array().unwrap();
    assert_eq!(spans.len(), paras.len());
    for (sp, p) in spans.iter().zip(paras) {
        assert_eq!(sp[0], p["start"]);
        assert_eq!(sp[1], p["end"]);
        assert_eq!(sp[2], p["score"]);
    }
}

#[test]
fn ids_are_written_byte_for_byte_and_records_without_one_get_no_row_id() {
    let dir = tempdir();
    let input = dir.path().join("ids.jsonl");
    let text = "A strong storm hit the coast on Monday, cutting power to thousands of homes.";
    let lines = [
        format!(r#"{{"id":1e2,"text":"{text}"}}"#),
        format!(r#"{{"id":18446744073709551616123,"text":"{text}"}}"#),
        format!(r#"{{"id":"caf\u00e9","text":"{text}"}}"#),
        format!(r#"{{"text":"{text}","meta":{{"url":"https://www.a.com/x"}}}}"#),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = run(&[
        "classify",
        "--output",
        "attributes",
        "--attribute-prefix",
        "exp",
        &arg(&input),
    ]);
    // The record without an id is rejected: an attribute row joins its document by the id.
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("record has no \"id\""),
        "{}",
        stderr(&out)
    );
    let got = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = got
        .lines()
        .map(|l| &l[l.find(":").unwrap() + 1..l.find(",\"attributes\"").unwrap()])
        .collect();
    assert_eq!(
        ids,
        ["1e2", "18446744073709551616123", r#""caf\u00e9""#, "null"]
    );
    assert!(got.contains(r#""attributes":{"exp__content":[["#), "{got}");
    let out = run(&["classify", &arg(&input)]);
    let got = String::from_utf8(out.stdout).unwrap();
    assert!(got.starts_with(r#"{"id":1e2,"#), "{got}");
    assert!(
        got.lines().nth(3).unwrap().starts_with(r#"{"id":null,"#),
        "{got}"
    );
    // A dotted key reaches into an object.
    let with_url = |key: &str| {
        let out = run(&["classify", "--url-key", key, &arg(&input)]);
        json_lines(&out.stdout)
    };
    assert_eq!(with_url("meta.url").len(), 4);
    let one = dir.path().join("one.jsonl");
    std::fs::write(
        &one,
        format!(r#"{{"meta":{{"id":5}},"doc":{{"body":"{text}"}}}}"#),
    )
    .unwrap();
    let out = run(&[
        "classify",
        "--output",
        "attributes",
        "--id-key",
        "meta.id",
        "--text-key",
        "doc.body",
        &arg(&one),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with(r#"{"id":5,"#)
    );
}

#[test]
fn documents_output_gives_html_records_the_text_their_spans_point_into() {
    let dir = tempdir();
    let input = dir.path().join("h.jsonl");
    let rec = r#"{"id":"h","html":"<h1>Storm hits the coast</h1><p>A strong storm hit the coast on Monday, cutting power to thousands of homes.</p>"}"#;
    std::fs::write(&input, format!("{rec}\n")).unwrap();
    let docs = run(&["classify", "--output", "documents", &arg(&input)]);
    let attrs = run(&["classify", "--output", "attributes", &arg(&input)]);
    let doc = &json_lines(&docs.stdout)[0];
    let row = &json_lines(&attrs.stdout)[0];
    let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
    let spans = row["attributes"]["parasift__content"].as_array().unwrap();
    let first: String = text
        [spans[0][0].as_u64().unwrap() as usize..spans[0][1].as_u64().unwrap() as usize]
        .iter()
        .collect();
    assert_eq!(first, "Storm hits the coast");
    assert_eq!(
        doc["html"],
        serde_json::from_str::<Value>(rec).unwrap()["html"]
    );
}

#[test]
fn runs_inside_a_pool_write_every_group_in_input_order() {
    use parasift::pipeline::{OutputKind, RunOptions, Silent, run};
    // Enough small records for many groups, with a bad line among them: the workers finish
    // groups out of order; the output must not.
    let dir = tempdir();
    let input = dir.path().join("in.jsonl");
    let mut f = std::fs::File::create(&input).unwrap();
    for i in 0..1500 {
        if i == 700 {
            writeln!(f, "{{not json").unwrap();
        }
        writeln!(
            f,
            r#"{{"id":"d{i}","text":"Record {i}: a short paragraph about the weather in town.\n\nShare this page"}}"#
        )
        .unwrap();
    }
    drop(f);
    let model = Model::embedded().unwrap();
    // A one-thread pool: the run starts on its only worker, which must also run the groups.
    for threads in [1, 2] {
        let out = dir.path().join(format!("out{threads}"));
        let opts = RunOptions {
            output: OutputKind::Extract,
            output_dir: Some(out.clone()),
            batch_docs: 40,
            ..RunOptions::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let sum = pool
            .install(|| {
                run(
                    model,
                    std::slice::from_ref(&input),
                    &opts,
                    &mut std::io::sink(),
                    &mut Silent,
                )
            })
            .unwrap();
        assert_eq!(
            (sum.docs_in(), sum.docs_out(), sum.rejected()),
            (1501, 1500, 1)
        );
        let ids: Vec<String> = read_json_lines(&out.join("in.jsonl"))
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        let want: Vec<String> = (0..1500).map(|i| format!("d{i}")).collect();
        assert_eq!(ids, want, "{threads} threads");
    }
}
