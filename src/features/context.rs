//! Context columns: position in the document and the features of the neighbours.

use super::analysis::DocAnalysis;
use super::ratio;

/// Neighbour offsets whose features are copied.
const NEIGHBOURS: [isize; 2] = [-1, 1];
/// Half-width of the window averaged in `win_*`.
const WINDOW: usize = 3;
/// Half-width of the wide window averaged in `wide_*`.
const WIDE: usize = 10;

/// Column names.
pub const NAMES: &[&str] = &[
    "rel_position",
    "rel_char_position",
    "log_paragraphs",
    "in_prose_span",
    "dist_to_prose",
    "prev_exists",
    "prev_log_chars",
    "prev_link_share",
    "prev_stopword_share",
    "prev_terminal",
    "prev_lang_agrees",
    "prev_heading",
    "next_exists",
    "next_log_chars",
    "next_link_share",
    "next_stopword_share",
    "next_terminal",
    "next_lang_agrees",
    "next_heading",
    "win_log_chars",
    "win_link_share",
    "win_stopword_share",
    "win_terminal",
    "share_of_doc_chars",
    "wide_link_share",
    "wide_stopword_share",
    "wide_prose",
    "depth_diff_prose",
    "depth_is_prose",
    "short_run",
    "doc_terminal_share",
    "rel_log_chars",
];

/// Writes paragraph `i`'s context columns.
pub fn fill(a: &DocAnalysis<'_>, i: usize, row: &mut [f32]) {
    let n = a.paras.len();
    row[0] = if n > 1 {
        i as f32 / (n - 1) as f32
    } else {
        0.0
    };
    row[1] = ratio(a.chars_before[i] as f32, a.total_chars as f32);
    row[2] = super::ln_1p_count(u32::try_from(n).unwrap_or(u32::MAX));
    match a.prose_span {
        Some((first, last)) => {
            row[3] = (first <= i && i <= last) as u8 as f32;
            let nearest = a.distance_to_prose(i).unwrap_or(10);
            row[4] = nearest.min(10) as f32 / 10.0;
        }
        None => {
            row[3] = 0.0;
            row[4] = 1.0;
        }
    }
    let mut at = 5;
    for d in NEIGHBOURS {
        let j = i as isize + d;
        if j >= 0 && (j as usize) < n {
            let j = j as usize;
            row[at] = 1.0;
            row[at + 1] = a.log_chars(j);
            row[at + 2] = a.link_share(j);
            row[at + 3] = a.stop_share(j);
            row[at + 4] = a.paras[j].terminal as u8 as f32;
            row[at + 5] = a.lang_agrees(j);
            row[at + 6] = a.is_heading(j) as u8 as f32;
        } else {
            row[at..at + 7].fill(0.0);
            row[at + 5] = 0.5;
        }
        at += 7;
    }
    let lo = i.saturating_sub(WINDOW);
    let hi = (i + WINDOW + 1).min(n);
    let k = (hi - lo) as f32;
    row[at] = (lo..hi).map(|j| a.log_chars(j)).sum::<f32>() / k;
    row[at + 1] = (lo..hi).map(|j| a.link_share(j)).sum::<f32>() / k;
    row[at + 2] = (lo..hi).map(|j| a.stop_share(j)).sum::<f32>() / k;
    row[at + 3] = (lo..hi).filter(|&j| a.paras[j].terminal).count() as f32 / k;
    row[at + 4] = ratio(a.paras[i].chars() as f32, a.total_chars as f32);
    let lo = i.saturating_sub(WIDE);
    let hi = (i + WIDE + 1).min(n);
    let k = (hi - lo) as f32;
    row[at + 5] = (lo..hi).map(|j| a.link_share(j)).sum::<f32>() / k;
    row[at + 6] = (lo..hi).map(|j| a.stop_share(j)).sum::<f32>() / k;
    row[at + 7] = (lo..hi).filter(|&j| a.paras[j].is_prose()).count() as f32 / k;
    match a.prose_depth {
        Some(d) => {
            let depth = a.doc.paragraphs[i].depth;
            row[at + 8] = depth.abs_diff(d).min(8) as f32 / 8.0;
            row[at + 9] = (depth == d) as u8 as f32;
        }
        None => {
            row[at + 8] = 1.0;
            row[at + 9] = 0.0;
        }
    }
    // Runs of short lines (a table or a list that may be the content), and the document as a
    // whole: how much of it is sentences, how long this paragraph is for it.
    row[at + 10] = super::ln_1p_count(a.short_runs[i]);
    row[at + 11] = a.terminal_share;
    row[at + 12] = a.log_chars(i) - a.median_log_chars;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn positions_and_neighbours() {
        let long = "This is a long paragraph of prose that goes on and on, telling the reader about \
                    the events of the day in some detail, as news articles usually do here.";
        let doc = Document::from_paragraphs("d", &["Home", long, "Share"]);
        let a = DocAnalysis::new(&doc);
        let mut row = [0f32; 32];
        fill(&a, 0, &mut row);
        assert_eq!(&row[..2], &[0.0, 0.0]);
        assert_eq!(row[2], 3f32.ln_1p());
        assert_eq!((row[3], row[4]), (0.0, 0.1));
        assert_eq!(row[5], 0.0, "no previous paragraph");
        assert_eq!(row[12], 1.0, "a next paragraph");
        assert_eq!(row[13], a.log_chars(1));
        assert_eq!(row[16], 1.0, "the next one ends a sentence");
        fill(&a, 1, &mut row);
        assert_eq!((row[0], row[3], row[4]), (0.5, 1.0, 0.0));
        fill(&a, 2, &mut row);
        assert_eq!(row[0], 1.0);
        assert_eq!(row[22], 1.0 / 3.0);
        assert_eq!(row[23], 5.0 / a.total_chars as f32);
        // one prose paragraph of three in the wide window; all at depth 0, the prose depth
        assert_eq!(row[26], 1.0 / 3.0);
        assert_eq!((row[27], row[28]), (0.0, 1.0));
        // "Share" is a run of one short line; one paragraph in three ends a sentence.
        assert_eq!(row[29], 1f32.ln_1p());
        assert_eq!(row[30], 1.0 / 3.0);
        assert_eq!(row[31], 0.0, "\"Share\" is the median length");
    }
}
