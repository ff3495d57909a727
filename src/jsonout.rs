//! Writing JSON by hand for the per-document output, which is most of what `classify` writes:
//! the same bytes as `serde_json`'s compact output, with strings escaped eight bytes at a time.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `x` needs an escape in a JSON string: a control
/// character, `"` or `\`.
#[inline(always)]
fn needs_escape(x: u64) -> bool {
    let zero_in = |y: u64| y.wrapping_sub(ONES) & !y & HIGH;
    let control = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
    (control | zero_in(x ^ (b'"' as u64 * ONES)) | zero_in(x ^ (b'\\' as u64 * ONES))) != 0
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8)
            && !needs_escape(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])))
        {
            i += 8;
            continue;
        }
        let c = b[i];
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0C => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..0x20 => b'u',
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(&[b'\\', short]);
        if short == b'u' {
            out.extend_from_slice(&[b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Appends `s` as a JSON string, or `null`.
pub(crate) fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends a number as `serde_json` writes it (`null` for a float that is not finite).
pub(crate) fn number<T: serde::Serialize>(out: &mut Vec<u8>, n: T) {
    // Writing a number to memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..128).map(char::from).collect();
        for s in [
            "",
            "plain text of some length, without anything to escape",
            "quote \" and backslash \\ and\ttab\r\n",
            &all,
            "«ünïcödé» \u{7f}\u{1f}\u{0}end",
        ] {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "(?s).{0,70}") {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn ascii_with_escapes_is_escaped_as_serde_json_escapes_it(
            s in "[a-z \"\\\\\\x00-\\x1f\\x7f]{0,70}"
        ) {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
