//! The columns a stacked model's second stage adds to each feature row: the first stage's
//! P(content) of the paragraph, of its neighbours, of its container and of the whole document.
//!
//! A paragraph's own features cannot tell a short line inside an article (a one-line
//! paragraph, a dateline, a subheading, a table row) from the same line in a menu; its
//! neighbours' scores can. In plain text, where no markup groups the lines, they are the only
//! evidence that a run of short lines sits inside the content; in HTML they let a container
//! that the first stage mostly kept keep its weaker paragraphs, and drop the odd paragraph of
//! a menu. See [`super::Classifier::Stacked`].

use crate::features::DocAnalysis;

/// The second stage's extra column names, after the feature schema's.
pub const NAMES: &[&str] = &[
    "s_self",
    "s_prev",
    "s_next",
    "s_prev2",
    "s_next2",
    "s_win3",
    "s_win10",
    "s_before_max",
    "s_after_max",
    "s_sandwich",
    "s_dist_prev",
    "s_dist_next",
    "s_in_span",
    "s_group",
    "s_group_kept",
    "s_doc_mean",
    "s_doc_chars",
    "s_doc_kept",
    "s_rank",
    "s_delta",
];

/// A first-stage score at or above which a paragraph counts as kept, for the columns that count
/// kept paragraphs.
const KEPT: f32 = 0.5;
/// Distances to the nearest kept paragraph are counted up to this many paragraphs.
const MAX_DIST: usize = 64;

/// One document's first-stage scores and what the columns need of them as a whole.
#[derive(Debug)]
pub struct DocScores<'s> {
    scores: &'s [f32],
    /// Each paragraph's weight: its characters (at least 1).
    weights: Vec<f32>,
    /// The scores, sorted (for each paragraph's rank).
    sorted: Vec<f32>,
    /// Per container number (sorted): weighted score sum, weight, kept weight.
    groups: Vec<(u32, f32, f32, f32)>,
    first_kept: Option<usize>,
    last_kept: Option<usize>,
    mean: f32,
    chars_mean: f32,
    kept_share: f32,
}

impl<'s> DocScores<'s> {
    /// The scores `scores` of the paragraphs of `a`, in order (one per paragraph).
    pub fn new(a: &DocAnalysis<'_>, scores: &'s [f32]) -> DocScores<'s> {
        let n = scores.len().min(a.paras.len());
        let scores = &scores[..n];
        let weights: Vec<f32> = a.paras[..n]
            .iter()
            .map(|p| p.chars().max(1) as f32)
            .collect();
        let mut sorted = scores.to_vec();
        sorted.sort_unstable_by(f32::total_cmp);
        let mut groups: Vec<(u32, f32, f32, f32)> = Vec::new();
        let mut ids: Vec<(u32, usize)> = a.doc.paragraphs[..n]
            .iter()
            .enumerate()
            .filter(|(_, p)| p.group != 0)
            .map(|(i, p)| (p.group, i))
            .collect();
        ids.sort_unstable();
        for (g, i) in ids {
            let (w, s) = (weights[i], scores[i]);
            let kept = if s >= KEPT { w } else { 0.0 };
            match groups.last_mut() {
                Some(last) if last.0 == g => {
                    last.1 += w * s;
                    last.2 += w;
                    last.3 += kept;
                }
                _ => groups.push((g, w * s, w, kept)),
            }
        }
        let total_w: f32 = weights.iter().sum();
        let kept_w: f32 = scores
            .iter()
            .zip(&weights)
            .filter(|(s, _)| **s >= KEPT)
            .map(|(_, w)| w)
            .sum();
        DocScores {
            first_kept: scores.iter().position(|&s| s >= KEPT),
            last_kept: scores.iter().rposition(|&s| s >= KEPT),
            mean: if n > 0 {
                scores.iter().sum::<f32>() / n as f32
            } else {
                0.0
            },
            chars_mean: if total_w > 0.0 {
                scores.iter().zip(&weights).map(|(s, w)| s * w).sum::<f32>() / total_w
            } else {
                0.0
            },
            kept_share: if total_w > 0.0 { kept_w / total_w } else { 0.0 },
            scores,
            weights,
            sorted,
            groups,
        }
    }

    /// The character-weighted mean score of the paragraphs within `radius` of `i`, `i` itself
    /// left out; the paragraph's own score when it has no neighbour.
    fn window(&self, i: usize, radius: usize) -> f32 {
        let lo = i.saturating_sub(radius);
        let hi = (i + radius + 1).min(self.scores.len());
        let (mut sum, mut w) = (0f32, 0f32);
        for j in (lo..hi).filter(|&j| j != i) {
            sum += self.scores[j] * self.weights[j];
            w += self.weights[j];
        }
        if w > 0.0 { sum / w } else { self.scores[i] }
    }

    /// Writes paragraph `i`'s columns ([`NAMES`]) into `row`.
    pub fn fill(&self, a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
        let n = self.scores.len();
        if i >= n || row.len() < NAMES.len() {
            row.iter_mut().for_each(|v| *v = 0.0);
            return;
        }
        let s = self.scores[i];
        let at = |j: Option<usize>| j.and_then(|j| self.scores.get(j)).copied().unwrap_or(0.0);
        let max_of = |r: std::ops::Range<usize>| {
            self.scores[r.start.min(n)..r.end.min(n)]
                .iter()
                .copied()
                .fold(0f32, f32::max)
        };
        let before = max_of(i.saturating_sub(3)..i);
        let after = max_of(i + 1..i + 4);
        let dist = |mut it: Box<dyn Iterator<Item = usize> + '_>| {
            let d = it
                .by_ref()
                .take(MAX_DIST)
                .position(|j| self.scores[j] >= KEPT)
                .map_or(MAX_DIST + 1, |d| d + 1);
            (d as f32).ln_1p()
        };
        let win3 = self.window(i, 3);
        let group = a.doc.paragraphs.get(i).map_or(0, |p| p.group);
        let (g_mean, g_kept) = match self.groups.binary_search_by_key(&group, |g| g.0) {
            Ok(k) if group != 0 => {
                let (_, sum, w, kept) = self.groups[k];
                (sum / w.max(1.0), kept / w.max(1.0))
            }
            _ => (win3, if win3 >= KEPT { 1.0 } else { 0.0 }),
        };
        let below = self.sorted.partition_point(|&x| x < s);
        let in_span = match (self.first_kept, self.last_kept) {
            (Some(f), Some(l)) => (f <= i && i <= l) as u8 as f32,
            _ => 0.0,
        };
        let values = [
            s,
            at(i.checked_sub(1)),
            at(Some(i + 1)),
            at(i.checked_sub(2)),
            at(Some(i + 2)),
            win3,
            self.window(i, 10),
            before,
            after,
            before.min(after),
            dist(Box::new((0..i).rev())),
            dist(Box::new(i + 1..n)),
            in_span,
            g_mean,
            g_kept,
            self.mean,
            self.chars_mean,
            self.kept_share,
            below as f32 / n as f32,
            s - win3,
        ];
        for (v, x) in row.iter_mut().zip(values) {
            *v = if x.is_finite() { x } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn a_short_line_between_kept_paragraphs_sees_them() {
        let doc = Document::from_paragraphs(
            "d",
            &[
                "Menu",
                "A long paragraph of the article that the first stage kept.",
                "Short line.",
                "Another long paragraph of the article that the first stage kept.",
                "Footer",
            ],
        );
        let a = DocAnalysis::new(&doc);
        let scores = [0.1, 0.9, 0.3, 0.8, 0.05];
        let d = DocScores::new(&a, &scores);
        let mut row = vec![0f32; NAMES.len()];
        d.fill(&a, 2, &mut row);
        let col = |name: &str| row[NAMES.iter().position(|n| *n == name).unwrap()];
        assert_eq!(col("s_self"), 0.3);
        assert_eq!(col("s_prev"), 0.9);
        assert_eq!(col("s_next"), 0.8);
        assert_eq!(col("s_sandwich"), 0.9f32.min(0.8));
        assert_eq!(col("s_in_span"), 1.0);
        assert_eq!(col("s_dist_prev"), 1f32.ln_1p());
        assert!(col("s_win3") > 0.5, "{}", col("s_win3"));
        assert_eq!(col("s_rank"), 2.0 / 5.0);
        d.fill(&a, 4, &mut row);
        let col = |name: &str| row[NAMES.iter().position(|n| *n == name).unwrap()];
        assert_eq!(col("s_in_span"), 0.0);
        assert_eq!(col("s_next"), 0.0);
        assert_eq!(col("s_dist_next"), ((MAX_DIST + 1) as f32).ln_1p());
    }

    #[test]
    fn empty_and_mismatched_inputs_do_not_panic() {
        let doc = Document::from_paragraphs("d", &["one", "two"]);
        let a = DocAnalysis::new(&doc);
        let d = DocScores::new(&a, &[0.5]);
        let mut row = vec![1f32; NAMES.len()];
        d.fill(&a, 1, &mut row);
        assert!(row.iter().all(|&v| v == 0.0));
        d.fill(&a, 0, &mut row);
        assert!(row.iter().all(|v| v.is_finite()));
        let none = DocScores::new(&a, &[]);
        none.fill(&a, 0, &mut row);
    }
}
