//! Properties over arbitrary input: nothing panics, every feature is finite, and the parallel
//! batch equals classifying the same corpus one thread at a time.

use parasift::{
    DocAnalysis, FeatureSchema, ReadOptions, TextMode, read_bytes_as, segment_html, segment_text,
};
use parasift::{Document, Model};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::util::seeds;

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Zа-яА-Я0-9 .,!?\n\t<>/&;\"'=-]{0,400}",
        prop::collection::vec("(<p>|</p>|<div class=\"nav\">|</div>|<a href=x>|</a>|<br>|<li>|<script>|</script>|word|Слово|&amp;|&nbsp;| |\n)", 0..80)
            .prop_map(|v| v.concat()),
    ]
}

proptest! {
    // Failing cases are kept beside this file, in properties.proptest-regressions. (The default
    // would put them in tests/proptest-regressions/properties.txt, as main.rs is beside it.)
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions"
        ))),
        ..ProptestConfig::with_cases(64)
    })]

    #[test]
    fn segmenters_never_panic_and_offsets_hold(s in text_strategy()) {
        for mode in [TextMode::Lines, TextMode::Blocks] {
            let ps = segment_text(&s, mode);
            let chars: Vec<char> = s.chars().collect();
            for p in &ps {
                prop_assert!(p.start <= p.end && p.end <= chars.len());
                let span: String = chars[p.start..p.end].iter().collect();
                if mode == TextMode::Lines {
                    prop_assert_eq!(span, p.text.clone());
                } else {
                    // A block's span runs from its first line's text to its last's.
                    let lines: Vec<&str> = span.split('\n').map(str::trim).collect();
                    prop_assert_eq!(lines.join(" "), p.text.clone());
                }
            }
        }
        for p in segment_html(&s) {
            prop_assert!(!p.text.is_empty());
            prop_assert!(p.link_chars <= p.text.chars().count());
            prop_assert_eq!(p.end - p.start, p.text.chars().count());
        }
    }

    #[test]
    fn reading_arbitrary_bytes_never_panics(b in prop::collection::vec(any::<u8>(), 0..600)) {
        for name in ["x.txt", "x.html", "x.jsonl", "x"] {
            let _ = read_bytes_as(name, &b, &ReadOptions::default());
        }
    }

    #[test]
    fn features_are_finite_and_classification_total(s in text_strategy()) {
        let model = Model::embedded().unwrap();
        let (doc, pred) = model.classify_text(&s);
        prop_assert_eq!(pred.paragraphs().len(), doc.paragraphs.len());
        let rows = FeatureSchema::rows(&DocAnalysis::new(&doc), None);
        prop_assert!(rows.iter().all(|v| v.is_finite()));
        for p in pred.paragraphs() {
            prop_assert!((0.0..=1.0).contains(&p.score()));
        }
        let html = parasift::html_document("h", "h", &s);
        let rows = FeatureSchema::rows(&DocAnalysis::new(&html), None);
        prop_assert!(rows.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn batch_equals_one_thread() {
    let mut docs: Vec<Document> = Vec::new();
    for p in seeds() {
        let text = std::fs::read_to_string(&p).unwrap();
        docs.push(parasift::text_document("d", "d", &text, TextMode::Lines));
    }
    let model = Model::embedded().unwrap();
    let parallel = model.classify_batch(&docs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let sequential = pool.install(|| model.classify_batch(&docs));
    assert_eq!(parallel, sequential);
    // A batch of one is the document on its own.
    assert_eq!(
        model.classify_batch(&docs[..1])[0],
        model.classify(&docs[0])
    );
}
