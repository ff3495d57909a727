//! The command-line contract: seeds labelled by the rules, output order, and bad input that is
//! reported without stopping the batch.

use std::process::Output;

use serde_json::Value;

use crate::util::{arg, json_lines, model_bytes, run, run_stdin, seeds, stderr, tempdir};

#[test]
fn seeds_are_labelled_by_the_rules() {
    let paths = seeds();
    assert_eq!(paths.len(), 5);
    let mut args = vec!["classify", "--format", "text"];
    let strs: Vec<String> = paths.iter().map(|p| arg(p)).collect();
    args.extend(strs.iter().map(String::as_str));
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), 5, "one object per document, in input order");
    for (doc, path) in docs.iter().zip(&paths) {
        assert_eq!(doc["source"], arg(path));
        assert_eq!(doc["lang"], "eng");
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let want: Vec<String> = std::fs::read_to_string(path.with_extension("labels"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let paras = doc["paragraphs"].as_array().unwrap();
        assert_eq!(
            paras.len(),
            lines.len(),
            "{}: every non-empty line is a paragraph",
            path.display()
        );
        let chars: Vec<char> = text.chars().collect();
        for (i, ((p, line), label)) in paras.iter().zip(&lines).zip(&want).enumerate() {
            assert_eq!(p["text"], line.trim(), "{}:{i}", path.display());
            let (s, e) = (
                p["start"].as_u64().unwrap() as usize,
                p["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                chars[s..e].iter().collect::<String>(),
                line.trim(),
                "offsets are characters"
            );
            assert_eq!(
                p["label"],
                label.as_str(),
                "{}: line {}: {:?}",
                path.display(),
                i + 1,
                line
            );
            let score = p["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&score));
        }
    }
    // The Russian footer lines of an English page carry their own language.
    let first = &docs[0]["paragraphs"];
    assert_eq!(first[0]["lang"], "eng");
    assert_eq!(first[10]["lang"], "rus");
}

/// Runs `command --format text` on seed `i`, which must succeed, and returns its JSON lines.
fn run_on_seed(command: &str, i: usize) -> Vec<Value> {
    let out = run(&[command, "--format", "text", &arg(&seeds()[i])]);
    assert!(out.status.success(), "{}", stderr(&out));
    json_lines(&out.stdout)
}

#[test]
fn extract_keeps_content_only() {
    let docs = run_on_seed("extract", 1);
    let text = docs[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Israel refuses Putin as mediator"));
    assert!(!text.contains("date 2025-06-18"));
    assert_eq!(
        text.matches("Following the exchange of attacks").count(),
        1,
        "the second copy is boilerplate"
    );
}

#[test]
fn stdin_html_and_jsonl() {
    let html = b"<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li></ul></nav>\
        <article><h1>Storm hits the coast</h1><p>A strong storm hit the coast on Monday, cutting power to \
        thousands of homes and closing roads, officials said. Crews worked through the night to restore \
        electricity and clear fallen trees from the main highway.</p></article></body></html>";
    let out = run_stdin(&["classify", "--format", "html", "-"], html);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    let paras = docs[0]["paragraphs"].as_array().unwrap();
    let texts: Vec<&str> = paras.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(texts[..3], ["Home", "News", "Storm hits the coast"]);
    assert_eq!(paras[3]["label"], "content");
    assert_eq!(paras[0]["label"], "boilerplate");

    let jsonl = b"{\"id\": \"a\", \"text\": \"First line.\\nSecond line.\"}\n{\"id\": \"b\", \"html\": \"<p>Hi there.</p>\"}\n";
    let out = run_stdin(&["classify", "--format", "jsonl"], jsonl);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    assert_eq!(
        (docs[0]["id"].as_str(), docs[1]["id"].as_str()),
        (Some("a"), Some("b"))
    );
    assert_eq!(docs[0]["source"], "-:1");
}

#[test]
fn detect_reports_each_line() {
    let out = run_stdin(
        &["detect", "--format", "text"],
        "The weather is fine today in London.\nСегодня в Москве хорошая погода.\n42\n".as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_lines(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[0]["lang"].as_str(), rows[0]["iso639_1"].as_str()),
        (Some("eng"), Some("en"))
    );
    assert_eq!(
        (rows[1]["lang"].as_str(), rows[1]["script"].as_str()),
        (Some("rus"), Some("cyrillic"))
    );
    assert!(rows[2]["lang"].is_null());
}

#[test]
fn inspect_shows_named_features() {
    let rows = run_on_seed("inspect", 4);
    assert_eq!(rows.len(), 10);
    let f = rows[0]["features"].as_object().unwrap();
    assert_eq!(f.len(), parasift::FeatureSchema::len());
    assert_eq!(f["tag_none"], 1.0);
    assert!(f.values().all(|v| v.as_f64().is_some_and(f64::is_finite)));
}

/// A directory with one good document, one bad input of the given kind and another good one,
/// classified.
fn batch_with(bad_name: &str, bad: &[u8]) -> (tempfile::TempDir, Output) {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("a_good.txt"),
        "A good line of text.\nAnother one here.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(bad_name), bad).unwrap();
    std::fs::write(dir.path().join("z_good.txt"), "The last document.\n").unwrap();
    let out = run(&["classify", &arg(dir.path())]);
    (dir, out)
}

fn assert_reported(out: &Output, name: &str, what: &str, docs_out: usize) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code says something failed; stderr: {err}"
    );
    assert!(
        err.contains(name) && err.contains(what),
        "stderr names {name} and {what:?}: {err}"
    );
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), docs_out, "the rest of the batch goes on");
    assert!(docs[0]["source"].as_str().unwrap().ends_with("a_good.txt"));
    assert!(
        docs.last().unwrap()["source"]
            .as_str()
            .unwrap()
            .ends_with("z_good.txt")
    );
}

/// Bad inputs, a test each: `test: FILE, BYTES => NAMED, SAYS, DOCS_OUT;` puts FILE (holding
/// BYTES) between two good documents; the run exits 1, its stderr names NAMED (the file, and
/// the line if it is a JSONL record) and says SAYS, and DOCS_OUT documents come out, the good
/// ones first and last.
macro_rules! bad_input_is_reported {
    ($($test:ident: $file:literal, $bytes:expr
        => $named:literal, $says:literal, $docs_out:literal;)*) => {$(
        #[test]
        fn $test() {
            let (_d, out) = batch_with($file, $bytes);
            assert_reported(&out, $named, $says, $docs_out);
        }
    )*};
}

bad_input_is_reported! {
    empty_file_is_reported: "m_empty.txt", b"" => "m_empty.txt", "empty input", 2;
    binary_garbage_is_reported: "m_garbage.bin", &garbage() => "m_garbage.bin", "binary data", 2;
    invalid_utf8_in_jsonl_names_the_line: "m_bad.jsonl",
        b"{\"id\": \"ok\", \"text\": \"Fine.\"}\n{\"id\": \"x\", \"text\": \"\xff\xfe\"}\n"
        => "m_bad.jsonl:2", "invalid UTF-8", 3;
}

/// 4 KiB of bytes that are no text.
fn garbage() -> Vec<u8> {
    (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

#[test]
fn malformed_jsonl_line_names_file_and_line() {
    let (_d, out) = batch_with("m_records.jsonl", b"{\"id\": \"r1\", \"text\": \"One.\"}\n{\"id\": \"r2\", \"text\": \n{\"id\": \"r3\", \"text\": \"Three.\"}\n");
    assert_reported(&out, "m_records.jsonl:2", "malformed JSON", 4);
    let docs = json_lines(&out.stdout);
    assert_eq!(
        (docs[1]["id"].as_str(), docs[2]["id"].as_str()),
        (Some("r1"), Some("r3"))
    );
}

#[test]
fn invalid_utf8_is_decoded_not_fatal() {
    // Latin-1 bytes in a text file are sniffed and decoded; nothing is lost.
    let (_d, out) = batch_with("m_latin1.txt", b"Caf\xe9 au lait est tr\xe8s bon.\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), 3);
    assert_eq!(
        docs[1]["paragraphs"][0]["text"],
        "Café au lait est très bon."
    );
}

#[test]
fn malformed_html_is_segmented() {
    let (_d, out) = batch_with(
        "m_broken.html",
        b"<html><body><div><p>Unclosed <b>bold <p>Next</div></span></i><li>item<table><td>cell",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    let texts: Vec<&str> = docs[1]["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Unclosed bold", "Next", "item", "cell"]);
}

#[test]
fn fifty_megabyte_line() {
    let mut big = Vec::with_capacity(50 << 20);
    while big.len() < 50 << 20 {
        big.extend_from_slice(b"word ");
    }
    big.extend_from_slice(b"\nShort line.\n");
    let (_d, out) = batch_with("m_big.txt", &big);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1]["paragraphs"].as_array().unwrap().len(), 2);
}

#[test]
fn missing_file_is_reported() {
    let out = run(&[
        "classify",
        "/nonexistent/parasift-input.txt",
        &arg(&seeds()[2]),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/nonexistent/parasift-input.txt"));
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

/// Classifies a seed with the model file `bytes` (`case` says what is wrong with it): refused
/// before anything is classified, exit code 2, and stderr names the file and says each of `says`.
fn assert_model_refused(case: &str, bytes: &[u8], says: &[&str]) {
    let dir = tempdir();
    let model = dir.path().join("m.bin");
    std::fs::write(&model, bytes).unwrap();
    let out = run(&["classify", "--model", &arg(&model), &arg(&seeds()[0])]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{case}: {err}");
    assert!(out.stdout.is_empty(), "{case}: nothing is classified");
    assert!(err.contains("m.bin"), "{case}: {err}");
    for s in says {
        assert!(err.contains(s), "{case}: says {s:?}: {err}");
    }
}

#[test]
fn truncated_model_is_refused() {
    let bytes = model_bytes();
    assert_model_refused(
        "cut in half",
        &bytes[..bytes.len() / 2],
        &["corrupt model file"],
    );
}

#[test]
fn corrupted_model_is_refused() {
    let mut flipped = model_bytes();
    let n = flipped.len();
    flipped[n - 10] ^= 0x55;
    let gif = b"GIF89a not a model at all";
    for (case, bytes, says) in [
        ("a flipped byte", &flipped[..], "checksum mismatch"),
        ("a GIF", &gif[..], "bad magic bytes"),
    ] {
        assert_model_refused(case, bytes, &[says]);
    }
}

#[test]
fn model_with_another_schema_is_refused() {
    use parasift::model_file as artifact;
    let (mut header, classifier) = artifact::decode(&model_bytes()).unwrap();
    header.schema[3] = "some_other_feature".into();
    let renamed = artifact::encode(&header, &classifier).unwrap();
    header.schema.pop();
    let shorter = artifact::encode(&header, &classifier).unwrap();
    let fewer = format!("model has {}", parasift::FeatureSchema::len() - 1);
    let renamed_says = ["feature schema differs", "some_other_feature"];
    for (case, bytes, says) in [
        ("column 3 renamed", renamed, &renamed_says[..]),
        ("and the last column gone", shorter, &[fewer.as_str()]),
    ] {
        assert_model_refused(case, &bytes, says);
    }
}
