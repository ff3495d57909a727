//! Language detection through the CLI: `detect` output, its options, and the language fields
//! of `classify`.

use crate::util::{json_lines, run_stdin, stderr};

const PAGE: &str = "\
Officials in the capital said on Tuesday that the talks would resume next week after a pause.
The delegation is expected to arrive on Monday, according to a statement released by the ministry.

Читайте также
103news.com — живые новости в прямом эфире!
2025-06-18 14:03
Read more
";

#[test]
fn detect_writes_one_object_per_line_in_order() {
    let out = run_stdin(&["detect", "--format", "text", "-"], PAGE);
    assert!(out.status.success());
    let rows = json_lines(&out.stdout);
    let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str().unwrap()).collect();
    let want: Vec<&str> = PAGE.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(texts, want);
    let langs: Vec<Option<&str>> = rows.iter().map(|r| r["lang"].as_str()).collect();
    assert_eq!(
        langs,
        [
            Some("eng"),
            Some("eng"),
            Some("rus"),
            Some("rus"),
            None,
            Some("eng")
        ]
    );
    assert_eq!(rows[2]["iso639_1"], "ru");
    assert_eq!(rows[2]["script"], "cyrillic");
    assert!(rows[0]["confidence"].as_f64().unwrap() > 0.9);
    assert_eq!(rows[4]["confidence"], 0.0);
    assert!(rows[4]["iso639_1"].is_null());
}

#[test]
fn detect_allowlist_and_independent_lines() {
    let text = "Leer más\nThe delegation is expected to arrive on Monday, officials said.\n";
    let out = run_stdin(&["detect", "--format", "text", "--independent", "-"], text);
    let rows = json_lines(&out.stdout);
    assert_eq!(rows[0]["lang"], "spa");
    let out = run_stdin(
        &["detect", "--format", "text", "--langs", "en,ru", "-"],
        text,
    );
    let rows = json_lines(&out.stdout);
    assert_eq!(rows[0]["lang"], "eng");
    let out = run_stdin(&["detect", "--langs", "eng,zz", "-"], text);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("\"zz\""), "{err}");
}

#[test]
fn classify_reports_paragraph_and_document_language() {
    let out = run_stdin(&["classify", "--format", "text", "-"], PAGE);
    assert!(out.status.success());
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d["lang"], "eng");
    assert_eq!(d["iso639_1"], "en");
    let share = d["lang_share"].as_f64().unwrap();
    assert!(share > 0.5 && share <= 1.0, "{share}");
    let paras = d["paragraphs"].as_array().unwrap();
    assert_eq!(paras[2]["lang"], "rus");
    assert_eq!(paras[2]["iso639_1"], "ru");
    assert_eq!(paras[2]["script"], "cyrillic");
    assert!(paras[2]["lang_confidence"].as_f64().unwrap() > 0.9);
    assert_ne!(paras[2]["lang"], d["lang"]);
}
