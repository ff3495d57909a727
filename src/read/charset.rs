//! Character encoding detection and decoding of HTML pages and plain text.
//!
//! HTML: a byte order mark wins, then a `<meta charset>` / `<meta http-equiv="content-type"
//! content="…; charset=…">` declaration found by the WHATWG prescan of the first 1024 bytes, then
//! UTF-8 if the bytes are valid UTF-8, else chardetng's guess. Plain text skips the prescan.
//! Malformed sequences always decode to U+FFFD; nothing here panics.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};

/// How many leading bytes the `<meta>` prescan looks at.
const PRESCAN_BYTES: usize = 1024;

/// Decodes an HTML page's bytes to text: BOM first, then a `<meta charset=…>` /
/// `http-equiv content-type charset=` prescan of the first 1024 bytes (case-insensitive, labels
/// resolved with `encoding_rs::Encoding::for_label`), then valid UTF-8 as is, else chardetng's
/// guess. Never panics; malformed sequences become U+FFFD.
///
/// A declared UTF-16 label means UTF-8 (per the HTML standard); a label of the "replacement"
/// encoding (e.g. `iso-2022-kr`) is ignored rather than turning the page into one U+FFFD.
/// Returns the text and the encoding used.
pub fn decode_html(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some(decoded) = decode_bom(bytes) {
        return decoded;
    }
    if let Some(encoding) = prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        // A page that is valid UTF-8 with non-ASCII bytes is UTF-8 whatever it declares: a
        // wrong declaration is far more common than legacy text that happens to be valid UTF-8.
        if encoding != UTF_8
            && !bytes.is_ascii()
            && let Ok(text) = simdutf8::basic::from_utf8(bytes)
        {
            return (text.to_owned(), UTF_8);
        }
        // Bytes that are not UTF-8 under a UTF-8 declaration are decoded by a guess instead
        // (a page saved in its legacy charset under a template's declaration).
        if encoding == UTF_8 && contradicts_utf8(bytes) {
            return sniff(bytes);
        }
        return (decode(encoding, bytes), encoding);
    }
    decode_undeclared(bytes)
}

/// Decodes plain text bytes: BOM, valid UTF-8, else chardetng's guess. Never panics; malformed
/// sequences become U+FFFD. Returns the text and the encoding used.
pub fn decode_text(bytes: &[u8]) -> (String, &'static Encoding) {
    decode_bom(bytes).unwrap_or_else(|| decode_undeclared(bytes))
}

/// Decodes by the byte order mark, if there is one (the BOM itself is dropped).
fn decode_bom(bytes: &[u8]) -> Option<(String, &'static Encoding)> {
    let (encoding, bom_len) = Encoding::for_bom(bytes)?;
    Some((
        decode(encoding, bytes.get(bom_len..).unwrap_or_default()),
        encoding,
    ))
}

/// UTF-16 without a byte order mark (by its NUL bytes: text that is mostly ASCII or Latin has
/// a zero in every other byte), else valid UTF-8 as is (one copy), else chardetng's guess.
fn decode_undeclared(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some(encoding) = utf16_without_bom(bytes) {
        return (decode(encoding, bytes), encoding);
    }
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return (text.to_owned(), UTF_8);
    }
    sniff(bytes)
}

/// chardetng's guess.
fn sniff(bytes: &[u8]) -> (String, &'static Encoding) {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, Utf8Detection::Allow);
    (decode(encoding, bytes), encoding)
}

/// UTF-16LE or BE when, over the first 4096 bytes, at least 40% of the odd (LE) or even (BE)
/// bytes are zero and almost none (under 2%) of the others.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= pairs * 4;
    let hardly = |n: usize| n * 50 < pairs;
    if mostly(odd) && hardly(even) {
        Some(UTF_16LE)
    } else if mostly(even) && hardly(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Whether bytes declared UTF-8 contradict it: at least one malformed sequence for every
/// fifty non-ASCII characters (a few stray bytes in a UTF-8 page do not).
fn contradicts_utf8(bytes: &[u8]) -> bool {
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return false;
    }
    let text = String::from_utf8_lossy(bytes);
    let (mut bad, mut non_ascii) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        bad += usize::from(c == '\u{FFFD}');
    }
    bad * 50 > non_ascii
}

fn decode(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Whether `bytes` starts with the ASCII string `prefix`, ignoring ASCII case.
fn starts_with_ci(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The WHATWG "prescan a byte stream to determine its encoding" over `bytes`.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if rest.starts_with(b"<!--") {
            // To the end of the first "-->" after "<!" ("<!-->" is a whole comment).
            let end = find(&bytes[pos + 2..], b"-->")?;
            pos += 2 + end + 3;
        } else if starts_with_ci(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            pos += 5;
            if let Some(encoding) = meta_encoding(bytes, &mut pos)? {
                return Some(encoding);
            }
        } else if rest.len() > 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic() || (rest[1] == b'/' && rest[2].is_ascii_alphabetic()))
        {
            // Any other tag: skip its name and attributes.
            pos += rest
                .iter()
                .position(|&b| is_space(b) || b == b'>')
                .unwrap_or(rest.len());
            while get_attribute(bytes, &mut pos)?.is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            pos += rest.iter().position(|&b| b == b'>')?;
        }
        pos += 1;
    }
    None
}

/// Reads the attributes of a `<meta>` tag from `pos`; `None`: the bytes ended, `Some(None)`: the
/// tag declares no (usable) encoding.
fn meta_encoding(bytes: &[u8], pos: &mut usize) -> Option<Option<&'static Encoding>> {
    let mut seen = [false; 3];
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset = None;
    while let Some((name, value)) = get_attribute(bytes, pos)? {
        let which = if name.eq_ignore_ascii_case(b"http-equiv") {
            0
        } else if name.eq_ignore_ascii_case(b"content") {
            1
        } else if name.eq_ignore_ascii_case(b"charset") {
            2
        } else {
            continue;
        };
        if std::mem::replace(&mut seen[which], true) {
            continue;
        }
        match which {
            0 => got_pragma |= value.eq_ignore_ascii_case(b"content-type"),
            1 => {
                if charset.is_none()
                    && let Some(label) = charset_from_content(value)
                {
                    charset = Encoding::for_label(label);
                    need_pragma = Some(true);
                }
            }
            _ => {
                charset = Encoding::for_label(value);
                need_pragma = Some(false);
            }
        }
    }
    let usable = match need_pragma {
        None => false,
        Some(need) => got_pragma || !need,
    };
    Some(match charset {
        Some(encoding) if usable => {
            if encoding == UTF_16BE || encoding == UTF_16LE {
                Some(UTF_8)
            } else if encoding == REPLACEMENT {
                None
            } else {
                Some(encoding)
            }
        }
        _ => None,
    })
}

/// The WHATWG "get an attribute" from `pos`: `Some(None)` at the end of the tag, `None` when the
/// bytes end first.
fn get_attribute<'b>(bytes: &'b [u8], pos: &mut usize) -> Option<Option<(&'b [u8], &'b [u8])>> {
    let at = |i: usize| bytes.get(i).copied();
    while is_space(at(*pos)?) || at(*pos)? == b'/' {
        *pos += 1;
    }
    if at(*pos)? == b'>' {
        return Some(None);
    }
    let name_start = *pos;
    // The name: up to '=', whitespace, '/' or '>' (a leading '=' belongs to it).
    loop {
        let b = at(*pos)?;
        if b == b'=' && *pos > name_start {
            break;
        }
        if is_space(b) {
            break;
        }
        if b == b'/' || b == b'>' {
            return Some(Some((&bytes[name_start..*pos], &[])));
        }
        *pos += 1;
    }
    let name = &bytes[name_start..*pos];
    while is_space(at(*pos)?) {
        *pos += 1;
    }
    if at(*pos)? != b'=' {
        return Some(Some((name, &[])));
    }
    *pos += 1;
    while is_space(at(*pos)?) {
        *pos += 1;
    }
    let first = at(*pos)?;
    if first == b'"' || first == b'\'' {
        let start = *pos + 1;
        let len = bytes.get(start..)?.iter().position(|&b| b == first)?;
        *pos = start + len + 1;
        return Some(Some((name, &bytes[start..start + len])));
    }
    if first == b'>' {
        return Some(Some((name, &[])));
    }
    let start = *pos;
    while !is_space(at(*pos)?) && at(*pos)? != b'>' {
        *pos += 1;
    }
    Some(Some((name, &bytes[start..*pos])))
}

/// The WHATWG "extract a character encoding from a meta element": the label after `charset=` in
/// a `content` value.
fn charset_from_content(content: &[u8]) -> Option<&[u8]> {
    let mut pos = 0;
    loop {
        pos += find_ci(content.get(pos..)?, b"charset")? + b"charset".len();
        while content.get(pos).is_some_and(|&b| is_space(b)) {
            pos += 1;
        }
        if content.get(pos) == Some(&b'=') {
            pos += 1;
            break;
        }
    }
    while content.get(pos).is_some_and(|&b| is_space(b)) {
        pos += 1;
    }
    let rest = content.get(pos..)?;
    match *rest.first()? {
        quote @ (b'"' | b'\'') => {
            let len = rest[1..].iter().position(|&b| b == quote)?;
            Some(&rest[1..1 + len])
        }
        _ => {
            let len = rest
                .iter()
                .position(|&b| is_space(b) || b == b';')
                .unwrap_or(rest.len());
            Some(&rest[..len])
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{KOI8_R, UTF_16LE, WINDOWS_1251, WINDOWS_1252, X_USER_DEFINED};

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_passthrough() {
        let html = "<html><head><title>t</title></head><body><p>héllo € 😀</p></body></html>";
        assert_eq!(decode_html(html.as_bytes()), (html.to_string(), UTF_8));
        assert_eq!(
            decode_text("plain ü".as_bytes()),
            ("plain ü".to_string(), UTF_8)
        );
    }

    #[test]
    fn empty_input() {
        assert_eq!(decode_html(b""), (String::new(), UTF_8));
        assert_eq!(decode_text(b""), (String::new(), UTF_8));
    }

    #[test]
    fn byte_order_marks() {
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend_from_slice("<meta charset=windows-1251><p>ü</p>".as_bytes());
        assert_eq!(
            decode_html(&utf8),
            ("<meta charset=windows-1251><p>ü</p>".to_string(), UTF_8)
        );
        assert_eq!(decode_text(&utf8).1, UTF_8);

        let mut utf16 = b"\xFF\xFE".to_vec();
        for unit in "<p>hé</p>".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_html(&utf16), ("<p>hé</p>".to_string(), UTF_16LE));
        assert_eq!(decode_text(&utf16), ("<p>hé</p>".to_string(), UTF_16LE));
    }

    #[test]
    fn declared_in_meta() {
        let body = "<body><p>Привет, мир! Съешь же ещё этих мягких французских булок.</p></body>";
        let heads = [
            "<meta charset=\"windows-1251\">",
            "<META CHARSET=Windows-1251 >",
            "<meta charset='cp1251'/>",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">",
            "<meta content='text/html;charset = \"windows-1251\"' http-equiv=content-type>",
            "<!-- <meta charset=utf-8> --><meta charset=windows-1251>",
            "<script src=\"a.js\" data-x=\"<meta charset=utf-8>\"></script><meta charset=1251>",
        ];
        for head in heads {
            let page = format!("<!DOCTYPE html><html><head>{head}</head>{body}</html>");
            let bytes = encode(WINDOWS_1251, &page);
            assert_eq!(decode_html(&bytes), (page, WINDOWS_1251), "{head}");
        }
        let page = "<meta charset=koi8-r><p>Привет</p>";
        assert_eq!(
            decode_html(&encode(KOI8_R, page)),
            (page.to_string(), KOI8_R)
        );
    }

    #[test]
    fn unusable_or_special_declarations() {
        // UTF-16 labels mean UTF-8; x-user-defined is kept; replacement and unknown labels,
        // content without http-equiv, and declarations past 1024 bytes are ignored.
        let cases: &[(&str, &'static Encoding)] = &[
            ("<meta charset=utf-16le><p>é</p>", UTF_8),
            ("<meta charset=UTF-16><p>é</p>", UTF_8),
            ("<meta charset=x-user-defined><p>a</p>", X_USER_DEFINED),
            ("<meta charset=iso-2022-kr><p>é</p>", UTF_8),
            ("<meta charset=no-such-charset><p>é</p>", UTF_8),
            (
                "<meta content=\"text/html; charset=windows-1251\"><p>é</p>",
                UTF_8,
            ),
            ("<meta name=charset content=koi8-r><p>é</p>", UTF_8),
            ("<meta charset=\"windows-1251", UTF_8),
        ];
        for (page, want) in cases {
            assert_eq!(decode_html(page.as_bytes()).1, *want, "{page}");
        }
        let late = format!(
            "<!-- {} --><meta charset=windows-1251><p>é</p>",
            "x".repeat(1024)
        );
        assert_eq!(decode_html(late.as_bytes()), (late.clone(), UTF_8));
    }

    #[test]
    fn undeclared_legacy_is_sniffed() {
        let page = "<html><body><p>Un café au lait et une crème brûlée, s'il vous plaît. \
                    Déjà vu à la française.</p></body></html>";
        let bytes = encode(WINDOWS_1252, page);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(decode_html(&bytes), (page.to_string(), WINDOWS_1252));
        assert_eq!(decode_text(&bytes), (page.to_string(), WINDOWS_1252));
        let (text, _) = decode_html(b"<p>caf\xe9</p>");
        assert_eq!(text, "<p>café</p>");
    }

    #[test]
    fn malformed_sequences_become_replacement_characters() {
        // Two malformed sequences among many good ones keep the declared UTF-8.
        let good = "é".repeat(120);
        let mut page = format!("<meta charset=utf-8><p>{good}a").into_bytes();
        page.extend_from_slice(b"\xffb\xe2\x82</p>");
        let (text, encoding) = decode_html(&page);
        assert_eq!(encoding, UTF_8);
        assert_eq!(
            text,
            format!("<meta charset=utf-8><p>{good}a\u{fffd}b\u{fffd}</p>")
        );
        let (text, encoding) = decode_text(b"\xEF\xBB\xBFa\xc3b");
        assert_eq!((text.as_str(), encoding), ("a\u{fffd}b", UTF_8));
        // Odd UTF-16 input and truncated tags never panic.
        for bytes in [
            &b"\xFF\xFE\x41"[..],
            b"<",
            b"<meta",
            b"<meta ",
            b"<meta charset",
            b"<!--",
            b"<a b='",
        ] {
            let _ = decode_html(bytes);
            let _ = decode_text(bytes);
        }
    }

    #[test]
    fn prescan_attribute_parsing() {
        assert_eq!(
            charset_from_content(b"text/html; charset=utf-8"),
            Some(&b"utf-8"[..])
        );
        assert_eq!(
            charset_from_content(b"charset = 'koi8-r' x"),
            Some(&b"koi8-r"[..])
        );
        assert_eq!(
            charset_from_content(b"charsetcharset=big5;x"),
            Some(&b"big5"[..])
        );
        assert_eq!(charset_from_content(b"charset=\"unterminated"), None);
        assert_eq!(charset_from_content(b"text/html"), None);
        let mut pos = 0;
        let bytes = b" a=1 b = \"2\" c/d>";
        let mut attrs = Vec::new();
        while let Some(Some(attr)) = get_attribute(bytes, &mut pos) {
            attrs.push(attr);
        }
        let want: Vec<(&[u8], &[u8])> = vec![(b"a", b"1"), (b"b", b"2"), (b"c", b""), (b"d", b"")];
        assert_eq!(attrs, want);
    }

    #[test]
    fn bytes_that_contradict_a_utf8_declaration_are_sniffed() {
        let body = "<p>Москва — столица России, крупнейший город страны и её политический, \
                    экономический и культурный центр.</p>";
        let mut page = b"<html><head><meta charset=utf-8></head><body>".to_vec();
        page.extend(encode(WINDOWS_1251, body));
        let (text, enc) = decode_html(&page);
        assert_eq!(enc, WINDOWS_1251);
        assert!(text.contains("Москва — столица"), "{text}");
        // A stray byte in a UTF-8 page keeps the declaration.
        let mut page = format!("<meta charset=utf-8>{body}").into_bytes();
        page.push(0xff);
        let (text, enc) = decode_html(&page);
        assert_eq!(enc, UTF_8);
        assert!(text.contains("Москва — столица"), "{text}");
    }

    #[test]
    fn valid_utf8_wins_when_nothing_is_declared() {
        let page = "<p>Café — «ok», naïve façade</p>".as_bytes();
        assert_eq!(decode_html(page).1, UTF_8);
        assert_eq!(decode_text(page).1, UTF_8);
    }

    #[test]
    fn utf16_without_a_byte_order_mark() {
        let text = "A plain line of text.\nAnd another, with é.";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_text(&le), (text.to_string(), UTF_16LE));
        assert_eq!(decode_text(&be), (text.to_string(), encoding_rs::UTF_16BE));
        // A few NULs in an ASCII text are not UTF-16.
        assert_eq!(decode_text(b"abc\0def\0ghi jkl mno").1, UTF_8);
    }

    #[test]
    fn valid_utf8_wins_over_a_wrong_declaration() {
        let page = "<meta charset=\"windows-1252\"><p>Café — «ok»</p>".as_bytes();
        let (text, enc) = decode_html(page);
        assert_eq!(enc, encoding_rs::UTF_8);
        assert!(text.contains("Café — «ok»"));
    }
}
