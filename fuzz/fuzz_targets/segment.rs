//! Any text segmented as HTML and as plain text (lines and blocks): paragraphs within the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parasift::TextMode;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let chars = text.chars().count();
    for mode in [TextMode::Lines, TextMode::Blocks] {
        for p in parasift::segment_text(&text, mode) {
            assert!(p.start <= p.end && p.end <= chars, "{p:?} of {chars}");
        }
    }
    let _ = parasift::segment_html(&text);
});
