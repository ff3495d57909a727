//! Plain-text segmentation: a paragraph per non-empty line, or per blank-line block.

use crate::document::Paragraph;

/// How plain text is split into paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextMode {
    /// Each non-empty line is one paragraph, in order, none dropped or merged.
    #[default]
    Lines,
    /// Blocks of lines separated by blank lines are paragraphs; the lines of a block are joined
    /// by single spaces.
    Blocks,
}

/// Splits `text` into paragraphs.
///
/// A line is empty when it holds only whitespace. Paragraph texts are trimmed; offsets are the
/// characters (code points) of the trimmed span in `text`. `\r\n` line ends are handled.
///
/// ```
/// use parasift::{segment_text, TextMode};
/// let p = segment_text("Title\n\n  Body line.\r\n", TextMode::Lines);
/// assert_eq!(p.len(), 2);
/// assert_eq!((p[1].text.as_str(), p[1].start, p[1].end), ("Body line.", 9, 19));
/// ```
pub fn segment_text(text: &str, mode: TextMode) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut chars_before = 0usize; // characters before the current line
    let mut block: Option<Paragraph> = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if trimmed.is_empty() {
            if let Some(p) = block.take() {
                out.push(p);
            }
            chars_before += line.chars().count();
        } else {
            // Each character is counted once: the paragraph's, and the few around it.
            let lead = content.len() - content.trim_start().len();
            let start = chars_before + content[..lead].chars().count();
            let end = start + trimmed.chars().count();
            let after = &line[lead + trimmed.len()..];
            chars_before = end + after.chars().count();
            match mode {
                TextMode::Lines => out.push(Paragraph {
                    text: trimmed.to_string(),
                    start,
                    end,
                    ..Paragraph::default()
                }),
                TextMode::Blocks => match block.as_mut() {
                    Some(p) => {
                        p.text.push(' ');
                        p.text.push_str(trimmed);
                        p.end = end;
                    }
                    None => {
                        block = Some(Paragraph {
                            text: trimmed.to_string(),
                            start,
                            end,
                            ..Paragraph::default()
                        })
                    }
                },
            }
        }
    }
    if let Some(p) = block.take() {
        out.push(p);
    }
    super::shrink(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, mode: TextMode) -> Vec<(String, usize, usize)> {
        segment_text(text, mode)
            .into_iter()
            .map(|p| (p.text, p.start, p.end))
            .collect()
    }

    #[test]
    fn lines_table() {
        type Case<'a> = (&'a str, &'a [(&'a str, usize, usize)]);
        let cases: &[Case<'_>] = &[
            ("", &[]),
            ("\n\n  \n", &[]),
            ("one", &[("one", 0, 3)]),
            ("a\nb\n", &[("a", 0, 1), ("b", 2, 3)]),
            (" date 2025\n", &[("date 2025", 1, 10)]),
            ("a\r\n\r\nb", &[("a", 0, 1), ("b", 5, 6)]),
            // code points, not bytes
            ("Жук\nЁж", &[("Жук", 0, 3), ("Ёж", 4, 6)]),
            // repeated lines are kept, never merged
            ("x\nx\n", &[("x", 0, 1), ("x", 2, 3)]),
        ];
        for (input, want) in cases {
            let want: Vec<_> = want
                .iter()
                .map(|(t, s, e)| (t.to_string(), *s, *e))
                .collect();
            assert_eq!(spans(input, TextMode::Lines), want, "input {input:?}");
        }
    }

    #[test]
    fn blocks_join_lines() {
        assert_eq!(
            spans("a\nb\n\n c\n", TextMode::Blocks),
            vec![("a b".to_string(), 0, 3), ("c".to_string(), 6, 7)]
        );
    }
}
