//! Evaluation metrics: paragraph-level precision, recall and F1 of the content class, and the
//! main-content shingle F1 of the public article-extraction benchmark (word 4-gram shingles of the
//! extracted text against the gold text, precision and recall averaged per page).

use std::collections::HashMap;

/// Counts of a binary classification, content being the positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Confusion {
    /// Content predicted content.
    pub tp: f64,
    /// Boilerplate predicted content.
    pub fp: f64,
    /// Content predicted boilerplate.
    pub fn_: f64,
    /// Boilerplate predicted boilerplate.
    pub tn: f64,
}

impl Confusion {
    /// Adds one decision.
    pub fn add(&mut self, gold_content: bool, predicted_content: bool) {
        match (gold_content, predicted_content) {
            (true, true) => self.tp += 1.0,
            (false, true) => self.fp += 1.0,
            (true, false) => self.fn_ += 1.0,
            (false, false) => self.tn += 1.0,
        }
    }
    /// tp / (tp + fp), 0 when nothing was predicted content.
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp > 0.0 {
            self.tp / (self.tp + self.fp)
        } else {
            0.0
        }
    }
    /// tp / (tp + fn), 0 when nothing is content.
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ > 0.0 {
            self.tp / (self.tp + self.fn_)
        } else {
            0.0
        }
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    /// Share of correct decisions.
    pub fn accuracy(&self) -> f64 {
        let n = self.tp + self.fp + self.fn_ + self.tn;
        if n > 0.0 {
            (self.tp + self.tn) / n
        } else {
            0.0
        }
    }
}

/// Harmonic mean, 0 when both are 0.
pub fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles(text: &str, n: usize) -> HashMap<Vec<&str>, u32> {
    let t = tokens(text);
    let mut out: HashMap<Vec<&str>, u32> = HashMap::new();
    let count = t.len().saturating_sub(n) + 1;
    for i in 0..count.max(1) {
        let s = &t[i.min(t.len())..(i + n).min(t.len())];
        if !s.is_empty() {
            *out.entry(s.to_vec()).or_default() += 1;
        }
    }
    out
}

/// Shingle true positives, false positives and false negatives of one page, normalized to sum
/// to 1 (as in the benchmark, so that long pages do not weigh more).
pub fn shingle_match(gold: &str, predicted: &str) -> (f64, f64, f64) {
    let g = shingles(gold, 4);
    let p = shingles(predicted, 4);
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += gc.min(pc) as f64;
        fn_ += gc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        let gc = g.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(gc) as f64;
    }
    let s = tp + fp + fn_;
    if s > 0.0 {
        (tp / s, fp / s, fn_ / s)
    } else {
        (0.0, 0.0, 0.0)
    }
}

/// Page-averaged shingle precision, recall and F1 over many pages' `(tp, fp, fn)`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageScores {
    /// Mean precision over pages that predicted something.
    pub precision: f64,
    /// Mean recall over pages that have gold content.
    pub recall: f64,
    /// F1 of the two means.
    pub f1: f64,
    /// Pages.
    pub pages: usize,
}

/// Averages per-page shingle matches as the benchmark does.
pub fn page_scores(matches: &[(f64, f64, f64)]) -> PageScores {
    let score = |tp: f64, fp: f64, fn_: f64, p: bool| {
        if fp == 0.0 && fn_ == 0.0 {
            1.0
        } else if p {
            if tp + fp == 0.0 { 0.0 } else { tp / (tp + fp) }
        } else if tp + fn_ == 0.0 {
            0.0
        } else {
            tp / (tp + fn_)
        }
    };
    let ps: Vec<f64> = matches
        .iter()
        .filter(|m| m.0 + m.1 > 0.0)
        .map(|&(tp, fp, fn_)| score(tp, fp, fn_, true))
        .collect();
    let rs: Vec<f64> = matches
        .iter()
        .filter(|m| m.0 + m.2 > 0.0)
        .map(|&(tp, fp, fn_)| score(tp, fp, fn_, false))
        .collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (precision, recall) = (mean(&ps), mean(&rs));
    PageScores {
        precision,
        recall,
        f1: f1(precision, recall),
        pages: matches.len(),
    }
}

/// trafilatura's snippet metric: a `with` snippet found in the output is a true positive, one
/// not found a false negative; a `without` snippet found is a false positive, one not found a
/// true negative. Found means: a substring of the output, both with whitespace runs as one space
/// (case-sensitive). Summed over pages.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SnippetScores {
    /// Counts over all snippets.
    pub counts: Confusion,
    /// Pages scored.
    pub pages: usize,
}

impl SnippetScores {
    /// Scores one page's output.
    pub fn add(&mut self, s: &super::fixtures::Snippets, output: &str) {
        let out = squash(output);
        for w in &s.with {
            self.counts.add(true, out.contains(&squash(w)));
        }
        for w in &s.without {
            self.counts.add(false, out.contains(&squash(w)));
        }
        self.pages += 1;
    }
}

/// `text` with every run of whitespace as one space, trimmed.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_by_hand() {
        let mut s = SnippetScores::default();
        let sn = super::super::fixtures::Snippets {
            with: vec!["the  story".into(), "missing".into()],
            without: vec!["Home".into(), "Imprint".into()],
        };
        s.add(&sn, "Home\nThe\nthe story\tbegins");
        assert_eq!(
            (s.counts.tp, s.counts.fn_, s.counts.fp, s.counts.tn),
            (1.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(s.pages, 1);
    }

    #[test]
    fn confusion_by_hand() {
        let mut c = Confusion::default();
        for (g, p) in [
            (true, true),
            (true, true),
            (false, true),
            (true, false),
            (false, false),
        ] {
            c.add(g, p);
        }
        assert_eq!((c.precision(), c.recall()), (2.0 / 3.0, 2.0 / 3.0));
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(c.accuracy(), 0.6);
    }

    #[test]
    fn shingles_by_hand() {
        // gold: a b c d e -> shingles abcd, bcde; predicted: a b c d x -> abcd, bcdx.
        assert_eq!(
            shingle_match("a b c d e", "a b c d x"),
            (1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0)
        );
        assert_eq!(
            shingle_match("same text here now", "same, text here now!"),
            (1.0, 0.0, 0.0)
        );
        // fewer than four tokens make one short shingle
        assert_eq!(shingle_match("two words", "two words"), (1.0, 0.0, 0.0));
        assert_eq!(shingle_match("", "anything at all here"), (0.0, 1.0, 0.0));
        assert_eq!(shingle_match("", ""), (0.0, 0.0, 0.0));
    }

    #[test]
    fn page_averages() {
        let s = page_scores(&[(1.0, 0.0, 0.0), (0.5, 0.5, 0.0), (0.0, 0.0, 1.0)]);
        assert_eq!(s.precision, 0.75);
        assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.pages, 3);
    }
}
