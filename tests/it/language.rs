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

/// One line per script path: the Latin, Cyrillic and Arabic tables, Welsh (in the Latin
/// tables), Greek by script, and whatlang for Han, kana, Hangul, Hebrew and Devanagari's
/// neighbours.
const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "eng",
        "en",
        "The delegation is expected to arrive on Monday, officials said.",
    ),
    (
        "cym",
        "cy",
        "Mae'r llywodraeth wedi cyhoeddi y bydd yr ysgolion yn ailagor yr wythnos nesaf.",
    ),
    (
        "rus",
        "ru",
        "Делегация должна прибыть в понедельник, сообщили в министерстве.",
    ),
    (
        "pes",
        "fa",
        "هیئت نمایندگی قرار است روز دوشنبه به پایتخت برسد، مقامات گفتند.",
    ),
    (
        "ell",
        "el",
        "Η αντιπροσωπεία αναμένεται να φτάσει τη Δευτέρα, δήλωσαν αξιωματούχοι.",
    ),
    (
        "cmn",
        "zh",
        "代表团预计将于星期一抵达首都，官员们说会谈将在下周恢复。",
    ),
    (
        "jpn",
        "ja",
        "代表団は月曜日に到着する予定だと当局者は述べました。",
    ),
    (
        "kor",
        "ko",
        "대표단은 월요일에 도착할 예정이라고 관리들이 말했습니다.",
    ),
    (
        "heb",
        "he",
        "המשלחת צפויה להגיע ביום שני לבירה, כך אמרו גורמים רשמיים.",
    ),
];

fn detect_line(line: &str, langs: Option<&str>) -> serde_json::Value {
    let mut args = vec!["detect", "--format", "text", "--independent"];
    if let Some(l) = langs {
        args.extend(["--langs", l]);
    }
    args.push("-");
    let out = run_stdin(&args, format!("{line}\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    json_lines(&out.stdout).remove(0)
}

#[test]
fn codes_round_trip_through_langs() {
    for &(code, two, line) in SAMPLES {
        let row = detect_line(line, None);
        assert_eq!(row["lang"], code, "{line}");
        assert_eq!(row["iso639_1"], two, "{line}");
        // The two-letter code the output names selects the same language.
        let row = detect_line(line, Some(two));
        assert_eq!(row["lang"], code, "--langs {two}");
        let row = detect_line(line, Some(&code.to_uppercase()));
        assert_eq!(row["lang"], code, "--langs {code}");
    }
    // Every supported language's two- and three-letter codes are accepted.
    let all: Vec<&'static str> = parasift::Lang::all().iter().map(|l| l.code()).collect();
    let two: Vec<&'static str> = parasift::Lang::all()
        .iter()
        .map(|&l| parasift::iso639_1(l).unwrap_or_else(|| panic!("{l:?}")))
        .collect();
    for list in [all.join(","), two.join(",")] {
        let out = run_stdin(&["detect", "--langs", &list, "-"], "Read more\n");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = run_stdin(&["detect", "--langs", "en,klingon", "-"], "Read more\n");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("\"klingon\""), "{}", stderr(&out));
}

#[test]
fn langs_restricts_cjk_and_hebrew_lines() {
    for &(code, _, line) in &SAMPLES[5..] {
        let row = detect_line(line, Some("en,ru"));
        assert!(row["lang"].is_null(), "{code}: {row}");
        assert_eq!(row["confidence"], 0.0);
    }
    let row = detect_line(SAMPLES[5].2, Some("ja,ko"));
    assert!(row["lang"] != "cmn", "{row}");
}

#[test]
fn unsupported_language_is_unsure_or_unknown() {
    // Icelandic and Somali: languages the detector does not know.
    for line in [
        "Ríkisstjórnin tilkynnti að skólarnir yrðu opnaðir aftur í næstu viku eftir langt frí.",
        "Dowladdu waxay ku dhawaaqday in dugsiyada dib loo furi doono toddobaadka soo socda.",
    ] {
        let row = detect_line(line, None);
        let conf = row["confidence"].as_f64().unwrap();
        assert!(row["lang"].is_null() || conf < 0.9, "{line}: {row}");
    }
}
