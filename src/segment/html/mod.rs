//! Block-level HTML segmentation on the html5gum tokenizer.
//!
//! No DOM is built: the page is tokenized and a light stack of open elements is kept, each entry
//! carrying what its subtree inherits (nearest block element, link / emphasis / skipped state,
//! structural hint bits, gold label), so that every piece of text finds its context in O(1).
//! Text is cut into a new paragraph at the start and end of every block-level element and at
//! `<br>` / `<hr>`; whitespace is collapsed to single spaces and empty paragraphs are dropped.
//!
//! Choices worth knowing:
//! - A paragraph's `tag`, `depth` and `hints` are those of the context of its *first* character
//!   (hints are not OR-ed over the rest of the paragraph); only `ALL_BOLD` looks at every
//!   character.
//! - Only a small, linear-time subset of the HTML tree-building rules is applied: void and
//!   self-closing tags are never pushed (except raw-text elements such as `<script/>`, which the
//!   tokenizer opens anyway); an end tag pops down to the nearest open element of that name or is
//!   ignored (but a block end tag always ends the paragraph); `</body>` and `</html>` never pop; a block start closes an open `<p>`; `<li>` closes
//!   the open `<li>` of the same list (`<dt>`/`<dd>` likewise), `<td>`/`<th>` the open cell of the
//!   row, `<tr>` the open row of the table, `<a>` an `<a>` left open in the same block; a heading
//!   start closes a heading that is the current node; anything but head content directly in
//!   `<head>` (and `<body>` anywhere in it) leaves `<head>`; a repeated `<html>`, `<body>` or a
//!   late `<head>` is ignored.
//! - Text is skipped inside `script`, `style`, `noscript`, `template`, `head`, `title`, `svg`,
//!   `math`, `iframe`, `object`, `select` and also `noembed`, `noframes`, `video`, `audio`,
//!   `canvas` (fallback content); U+0000 is dropped, as browsers do.
//! - The tokenizer runs with html5gum's callback emitter (with `naively_switch_states`, so
//!   raw-text elements are raw text), which hands out borrowed names, attributes and text: no
//!   allocation per token, about twice as fast as the default emitter.
//! - `class` / `id` keywords are matched against word parts (split at non-alphanumerics,
//!   lower-to-upper camel case and letter/digit changes), as a prefix or suffix of a part
//!   (`navbar`, `topnav`, `sidebar-widget`, `mainContent`); the content words `text`, `main` and
//!   `story` only as a prefix (to spare `context`, `domain`, `history`), `ad` / `ads` only as a
//!   whole part. A class `hidden` or `*-hidden` marks the element hidden (not `hidden-xs`, nor
//!   next to responsive variants such as `md:block`).

use std::convert::Infallible;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use crate::document::Paragraph;

mod keywords;
mod segmenter;
mod tags;

use segmenter::Segmenter;

/// Segments an HTML page into paragraphs (in document order).
///
/// Offsets are those of the paragraph texts joined by `"\n"`.
pub fn segment_html(html: &str) -> Vec<Paragraph> {
    run(html, None).paragraphs
}

/// Per-paragraph gold labels from an annotation attribute such as `__boilernet_label`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabeledSegments {
    /// The paragraphs, exactly as [`segment_html`] gives them.
    pub paragraphs: Vec<Paragraph>,
    /// For each paragraph, characters whose innermost ancestor carrying the attribute has value "1".
    pub content_chars: Vec<usize>,
    /// Likewise for value "0" (characters with no labeled ancestor count in neither).
    pub boilerplate_chars: Vec<usize>,
    /// The gold main content: the text of all characters labeled "1", whitespace-normalized, with a
    /// "\n" wherever a block boundary or a label change separates two runs of such characters.
    pub gold_content: String,
}

/// Segments an HTML page like [`segment_html`] and reads the gold label of every character from
/// the attribute `attr` (matched case-insensitively) of its innermost ancestor carrying it.
///
/// A collapsed space between two words counts toward a label (and toward `gold_content`) when
/// both words carry that label. Whitespace never separates runs: only a block boundary or a word
/// with another label (or none) does.
pub fn segment_html_labeled(html: &str, attr: &str) -> LabeledSegments {
    let attr = attr.to_ascii_lowercase();
    let seg = run(html, Some(attr.as_bytes()));
    LabeledSegments {
        paragraphs: seg.paragraphs,
        content_chars: seg.content_chars,
        boilerplate_chars: seg.boilerplate_chars,
        gold_content: seg.gold,
    }
}

/// Forwards everything to the inner emitter but declines parse errors: the segmenter ignores
/// them, and without them the tokenizer skips its per-byte character validation (a tenth of
/// segmentation time).
struct Quiet<E>(E);

impl<E: html5gum::Emitter> html5gum::ForwardingEmitter for Quiet<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl html5gum::Emitter<Token = Self::Token> {
        &mut self.0
    }

    #[inline]
    fn should_emit_errors(&mut self) -> bool {
        false
    }

    #[inline]
    fn emit_error(&mut self, _error: html5gum::Error) {}
}

/// Tokenizes `html` and feeds every event to one [`Segmenter`], which tracks labels when
/// `label_attr` (lower case) is given.
fn run<'a>(html: &str, label_attr: Option<&'a [u8]>) -> Segmenter<'a> {
    let mut seg = Segmenter::new(label_attr);
    let mut emitter = CallbackEmitter::new(
        |event: CallbackEvent<'_>, _span: Span<()>| -> Option<Infallible> {
            seg.event(event);
            None
        },
    );
    // Treat the content of script, style, textarea, title, … as raw text, as browsers do.
    emitter.naively_switch_states(true);
    // Reading a `&str` cannot fail and the callback yields no tokens.
    let Ok(()) = Tokenizer::new_with_emitter(html, Quiet(emitter)).finish();
    seg.flush();
    super::shrink(&mut seg.paragraphs);
    seg
}

#[cfg(test)]
mod tests {
    use super::keywords::*;
    use super::*;
    use crate::document::{BlockTag, Hints};

    fn texts(html: &str) -> Vec<String> {
        segment_html(html).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn paragraphs_of_a_small_page() {
        let html = "<!DOCTYPE html><html><head><title>T</title><meta charset=utf-8></head>\
                    <body><h1>Title here</h1><p>First  para\n graph.</p>\
                    <div>Div <span>text</span></div><ul><li>one</li><li>two</li></ul></body></html>";
        let ps = segment_html(html);
        let got: Vec<(&str, BlockTag)> = ps.iter().map(|p| (p.text.as_str(), p.tag)).collect();
        assert_eq!(
            got,
            vec![
                ("Title here", BlockTag::Heading),
                ("First para graph.", BlockTag::P),
                ("Div text", BlockTag::Div),
                ("one", BlockTag::ListItem),
                ("two", BlockTag::ListItem),
            ]
        );
        // html > body > h1 / p / div are open when their text starts; li is under ul.
        let depths: Vec<u16> = ps.iter().map(|p| p.depth).collect();
        assert_eq!(depths, vec![3, 3, 3, 4, 4]);
    }

    #[test]
    fn block_tags_and_boundaries() {
        let cases: &[(&str, &[(&str, BlockTag)])] = &[
            (
                "<table><tr><td>a</td><th>b</th></tr><caption>c</caption></table>",
                &[
                    ("a", BlockTag::Cell),
                    ("b", BlockTag::Cell),
                    ("c", BlockTag::Cell),
                ],
            ),
            (
                "<blockquote>q</blockquote><pre>x  y</pre>",
                &[("q", BlockTag::Blockquote), ("x y", BlockTag::Pre)],
            ),
            (
                "<form><label>Name</label><button>Go</button></form>",
                &[("Name", BlockTag::Form), ("Go", BlockTag::Form)],
            ),
            (
                "<figure>img<figcaption>cap</figcaption></figure>",
                &[("img", BlockTag::Div), ("cap", BlockTag::Other)],
            ),
            (
                "<dl><dt>term<dd>def</dl>",
                &[("term", BlockTag::ListItem), ("def", BlockTag::ListItem)],
            ),
            ("bare text", &[("bare text", BlockTag::Div)]),
            (
                "<section>s<h3>h</h3>t</section>",
                &[
                    ("s", BlockTag::Div),
                    ("h", BlockTag::Heading),
                    ("t", BlockTag::Div),
                ],
            ),
        ];
        for (html, want) in cases {
            let got: Vec<(String, BlockTag)> = segment_html(html)
                .into_iter()
                .map(|p| (p.text, p.tag))
                .collect();
            let want: Vec<(String, BlockTag)> =
                want.iter().map(|(t, b)| (t.to_string(), *b)).collect();
            assert_eq!(got, want, "{html}");
        }
    }

    #[test]
    fn inline_elements_and_whitespace() {
        let cases: &[(&str, &[&str])] = &[
            ("<p><b>Hel</b>lo</p>", &["Hello"]),
            ("<p>a <b>b</b> c</p>", &["a b c"]),
            ("<p>a<span> b </span>c</p>", &["a b c"]),
            ("<p>  lead and trail  </p>", &["lead and trail"]),
            ("<p>x\u{a0}\u{a0}y\u{2003}z</p>", &["x y z"]),
            (
                "<p>a&nbsp;b &amp; c &lt;d&gt; &#233;&eacute;</p>",
                &["a b & c <d> éé"],
            ),
            ("<p> </p><div>\n\t</div><p>&nbsp;</p>", &[]),
            ("one<br>two<br/>three", &["one", "two", "three"]),
            ("a<hr>b", &["a", "b"]),
            ("a<!-- comment -->b", &["ab"]),
            ("<p>x<img src=a.png>y</p>", &["xy"]),
        ];
        for (html, want) in cases {
            assert_eq!(texts(html), *want, "{html}");
        }
    }

    #[test]
    fn skipped_content() {
        let cases: &[(&str, &[&str])] = &[
            ("<script>var a = '<p>no</p>';</script><p>yes</p>", &["yes"]),
            ("<style>p { color: red }</style>yes", &["yes"]),
            ("<noscript><p>enable js</p></noscript>yes", &["yes"]),
            (
                "<head><title>Title</title></head><body>yes</body>",
                &["yes"],
            ),
            ("<template><p>t</p></template>yes", &["yes"]),
            ("<p>a<svg><text>s</text></svg>b</p>", &["ab"]),
            ("<select><option>o1<option>o2</select>yes", &["yes"]),
            ("<iframe><p>f</p></iframe>yes", &["yes"]),
            ("<script/>alert(1)</script>yes", &["yes"]),
            (
                "<head><meta charset=utf-8><div>no head close</div>",
                &["no head close"],
            ),
            ("<head><title>x</title>body text", &["body text"]),
            ("<p>a</p><head><p>late head</p>", &["a", "late head"]),
            ("<head><template><div>t</div><body>b", &["b"]),
        ];
        for (html, want) in cases {
            assert_eq!(texts(html), *want, "{html}");
        }
    }

    #[test]
    fn link_chars() {
        let cases: &[(&str, &str, usize)] = &[
            (
                "<p>See <a href=x>the docs</a> now</p>",
                "See the docs now",
                8,
            ),
            ("<p><a href=x>all link</a></p>", "all link", 8),
            ("<p><a>A</a> <a>B</a></p>", "A B", 3),
            ("<p>no links</p>", "no links", 0),
            ("<p>x<a> y </a>z</p>", "x y z", 1),
            ("<p><a>\u{e9}t\u{e9}</a> ok</p>", "\u{e9}t\u{e9} ok", 3),
        ];
        for (html, text, links) in cases {
            let ps = segment_html(html);
            assert_eq!(ps.len(), 1, "{html}");
            assert_eq!(ps[0].text, *text, "{html}");
            assert_eq!(ps[0].link_chars, *links, "{html}");
            assert!(ps[0].link_chars <= ps[0].text.chars().count());
        }
    }

    #[test]
    fn hint_bits() {
        const NB: u32 = Hints::NEAREST_BOILERPLATE;
        const NC: u32 = Hints::NEAREST_CONTENT;
        const NM: u32 = Hints::NEAREST_COMMENT;
        let cases: &[(&str, u32)] = &[
            (
                "<nav><ul><li><a>Home</a></li></ul></nav>",
                Hints::NAV | Hints::LIST,
            ),
            ("<footer><p>(c) 2024</p></footer>", Hints::FOOTER),
            ("<header>Top</header>", Hints::HEADER),
            ("<aside>Side</aside>", Hints::ASIDE),
            (
                "<form><button>Send</button></form>",
                Hints::FORM | Hints::CONTROL,
            ),
            ("<article><main>Body</main></article>", Hints::ARTICLE),
            ("<table><tr><td>cell</td></tr></table>", Hints::TABLE),
            ("<menu><li>m</li></menu>", Hints::NAV),
            (
                "<div class=\"sidebar-widget\">w</div>",
                Hints::CLASS_BOILERPLATE | NB,
            ),
            (
                "<div id=\"main-content\">c</div>",
                Hints::CLASS_CONTENT | NC,
            ),
            (
                "<div class=\"article-body\">c</div>",
                Hints::CLASS_CONTENT | Hints::BODY | NC,
            ),
            // Figures, captions, bylines, dialogs, hidden elements, schema.org properties.
            (
                "<figure><img src=x><figcaption>A cat</figcaption></figure>",
                Hints::FIGURE | Hints::CAPTION,
            ),
            ("<div class=\"photo-credit\">AP</div>", Hints::CAPTION),
            ("<p><time>June 18, 2025</time></p>", Hints::BYLINE),
            ("<address>By Jane Doe</address>", Hints::BYLINE),
            ("<a rel=\"author\" href=/j>Jane Doe</a>", Hints::BYLINE),
            ("<dialog>We use cookies</dialog>", Hints::CONSENT),
            ("<div role=\"dialog\">Accept</div>", Hints::CONSENT),
            ("<div aria-modal=\"true\">Accept</div>", Hints::CONSENT),
            (
                "<div class=\"cookie-consent\">Accept</div>",
                Hints::CONSENT | Hints::CLASS_BOILERPLATE | NB,
            ),
            (
                "<div class=\"related-stories\">More</div>",
                Hints::RELATED | Hints::CLASS_BOILERPLATE | NB,
            ),
            (
                "<div class=\"newsletter\">Sign up</div>",
                Hints::PROMO | Hints::CLASS_BOILERPLATE | NB,
            ),
            ("<div hidden>x</div>", Hints::HIDDEN),
            (
                "<html class=\"has-overlay\"><body class=\"nav-open\">x</body></html>",
                0,
            ),
            (
                "<body class=\"post\"><div class=\"modal\">x</div></body>",
                Hints::CONSENT | Hints::CLASS_BOILERPLATE | NB,
            ),
            ("<div role=\"button\">Play</div>", Hints::CONTROL),
            ("<div role=\"slider\">0:00</div>", Hints::CONTROL),
            ("<button>Play</button>", Hints::FORM | Hints::CONTROL),
            ("<div aria-hidden=\"true\">x</div>", Hints::HIDDEN),
            ("<div aria-hidden=\"false\">x</div>", 0),
            (
                "<div style=\"color: red; display : none\">x</div>",
                Hints::HIDDEN,
            ),
            ("<div itemprop=\"articleBody\">x</div>", Hints::BODY),
            (
                "<span itemprop=\"datePublished\">2025</span>",
                Hints::BYLINE,
            ),
            ("<h1>Title</h1>", Hints::H1),
            ("<h2>Sub</h2>", 0),
            (
                "<div class=\"topNav\">c</div>",
                Hints::CLASS_BOILERPLATE | NB,
            ),
            (
                "<div class=\"side-bar\">c</div>",
                Hints::CLASS_BOILERPLATE | NB,
            ),
            (
                "<div class=\"ad-slot\">c</div>",
                Hints::CLASS_BOILERPLATE | Hints::PROMO | NB,
            ),
            ("<div class=\"header download\">c</div>", 0),
            (
                "<div class=\"comments-area\">c</div>",
                Hints::CLASS_COMMENT | NM,
            ),
            (
                "<div id=\"disqus_thread\">c</div>",
                Hints::CLASS_COMMENT | NM,
            ),
            ("<div class=\"history context domain\">c</div>", 0),
            (
                "<div class=\"Content\"><span class=\"share\">s</span></div>",
                Hints::CLASS_CONTENT | Hints::CLASS_BOILERPLATE | Hints::PROMO | NB,
            ),
            // The nearest classified ancestor decides the NEAREST_* bits.
            (
                "<div class=\"content\"><div class=\"comments\"><p>x</p></div></div>",
                Hints::CLASS_CONTENT | Hints::CLASS_COMMENT | NM,
            ),
            (
                "<div class=\"comments\"><div class=\"post-body\"><div>x</div></div></div>",
                Hints::CLASS_COMMENT | Hints::CLASS_CONTENT | Hints::BODY | NC,
            ),
            (
                "<div class=\"story\"><div id=\"x1\"><p>x</p></div></div>",
                Hints::CLASS_CONTENT | NC,
            ),
            // ARIA landmark roles.
            ("<div role=\"navigation\"><a>Home</a></div>", Hints::NAV),
            ("<div role=\"contentinfo\">(c)</div>", Hints::FOOTER),
            ("<div role=\"Main\">body</div>", Hints::ARTICLE),
            (
                "<div role=\"complementary banner\">x</div>",
                Hints::ASIDE | Hints::HEADER,
            ),
            ("<p><b>all</b> <strong>bold</strong></p>", Hints::ALL_BOLD),
            ("<p><b>not all</b> bold</p>", 0),
            ("<p><em><a>emph link</a></em></p>", Hints::ALL_BOLD),
        ];
        for (html, want) in cases {
            let ps = segment_html(html);
            assert_eq!(ps.len(), 1, "{html}");
            assert_eq!(ps[0].hints, Hints(*want), "{html}");
        }
        // Hints come from the first character's context, and do not leak out of the element.
        let ps = segment_html("<div>start <nav>in nav</nav></div><p>after</p>");
        let got: Vec<(&str, u32)> = ps.iter().map(|p| (p.text.as_str(), p.hints.0)).collect();
        assert_eq!(
            got,
            vec![("start", 0), ("in nav", Hints::NAV), ("after", 0)]
        );
    }

    #[test]
    fn class_keywords() {
        let cases: &[(&str, u32)] = &[
            ("navbar", BP),
            ("navigation", BP),
            ("canvas", 0),
            ("mainmenu", BP | CT),
            ("load-ads", PR),
            ("adBox", PR),
            ("ad300x250", PR),
            ("loadMore heading", 0),
            ("shadow", 0),
            ("entry-content", BD),
            ("post_body", BD),
            ("story", CT),
            ("history", 0),
            ("text-center", CT),
            ("context", 0),
            ("socialShare", PR),
            ("replies", 0),
            ("reply-to", CM),
            ("comment-list", CM),
            ("live-match-comment", 0),
            ("liveblog-commentary", CT),
            ("match-commentary", 0),
            ("", 0),
            ("--__  ", 0),
            ("\u{e9}nav", BP),
            ("vjs-control-bar", Hints::CONTROL),
            ("jw-controls", Hints::CONTROL),
            ("video-player", FG),
            ("hidden", Hints::HIDDEN),
            ("vjs-menu vjs-hidden", BP | Hints::HIDDEN),
            ("vjs-control-text", Hints::CONTROL | CT),
            ("visually_hidden", Hints::HIDDEN),
            ("hidden-xs", 0),
            ("hidden md:block", 0),
            ("unhidden", 0),
        ];
        for (value, want) in cases {
            assert_eq!(class_hints(value.as_bytes()), *want, "{value}");
        }
    }

    #[test]
    fn malformed_input() {
        let cases: &[(&str, &[&str])] = &[
            ("<p>a<p>b", &["a", "b"]),
            ("<div><p>unclosed <b>bold", &["unclosed bold"]),
            ("</div></p>text</span></a>", &["text"]),
            ("a</p>b", &["a", "b"]),
            ("<a><div>x</a>y</div>z", &["x", "y", "z"]),
            (
                "<ul><li>one<li>two<li>three</ul>after",
                &["one", "two", "three", "after"],
            ),
            (
                "<table><tr><td>a<td>b<tr><td>c</table>d",
                &["a", "b", "c", "d"],
            ),
            ("<p>x</b></i>y</p>", &["xy"]),
            ("<div/>a<p/>b", &["a", "b"]),
            ("<<<>>> < p >", &["<<<>>> < p >"]),
            ("<p class='a\" id=b>unterminated", &[]),
            ("<div", &[]),
            ("<a href=\"x", &[]),
            ("text &bogus; &#xZZ; &", &["text &bogus; &#xZZ; &"]),
            ("<my-el>custom <x:y>tags</x:y></my-el>", &["custom tags"]),
            ("<body>a</body>b</html>c", &["a", "b", "c"]),
            ("<p><a href=1>one <a href=2>two</p>", &["one two"]),
            ("<p>\u{0}n\u{0}ul</p>", &["nul"]),
        ];
        for (html, want) in cases {
            assert_eq!(texts(html), *want, "{html}");
        }
        // Implicit closes keep the stack flat.
        let ps = segment_html("<ul><li>1<li>2<li>3</ul>");
        assert!(ps.iter().all(|p| p.depth == 2), "{ps:?}");
        let ps = segment_html("<table><tr><td>1<td>2<tr><td>3</table>");
        assert!(ps.iter().all(|p| p.depth == 3), "{ps:?}");
        // A stray end tag pops only when the element is open.
        let ps = segment_html("<div><span>a</div></span>b");
        assert_eq!(ps.iter().map(|p| p.depth).collect::<Vec<_>>(), vec![2, 0]);
        // An unclosed link ends at the next link of the same block only.
        let html = "<div><a>x <a>y</a> z</div><section><a>u<div>v<a>w</a></div>x</section>";
        let ps = segment_html(html);
        let got: Vec<(&str, usize, u16)> = ps
            .iter()
            .map(|p| (p.text.as_str(), p.link_chars, p.depth))
            .collect();
        assert_eq!(
            got,
            vec![("x y z", 3, 2), ("u", 1, 2), ("vw", 2, 3), ("x", 1, 2)]
        );
        // Nested lists: the inner <li> does not close the outer one.
        let ps = segment_html("<ul><li>a<ul><li>b<li>c</ul>d</ul>");
        let got: Vec<(&str, u16)> = ps.iter().map(|p| (p.text.as_str(), p.depth)).collect();
        assert_eq!(got, vec![("a", 2), ("b", 4), ("c", 4), ("d", 2)]);
    }

    #[test]
    fn deep_nesting_is_iterative_and_linear() {
        let n = 100_000;
        let mut html = "<div>".repeat(n);
        html.push_str("deep");
        html.push_str(&"</span>".repeat(n));
        html.push_str(&"<li>x".repeat(1000));
        html.push_str(&"</div>".repeat(n));
        html.push_str("out");
        let ps = segment_html(&html);
        assert_eq!(ps.len(), 1002);
        assert_eq!(ps[0].text, "deep");
        assert_eq!(ps[0].depth, u16::MAX);
        assert_eq!(ps[1001].text, "out");
        assert_eq!(ps[1001].depth, 0);
    }

    #[test]
    fn offsets_join_with_newlines() {
        let ps = segment_html("<p>ab</p><p>\u{e9}t\u{e9}</p><p>c d</p>");
        let spans: Vec<(usize, usize)> = ps.iter().map(|p| (p.start, p.end)).collect();
        assert_eq!(spans, vec![(0, 2), (3, 6), (7, 10)]);
        let joined = ps
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let chars: Vec<char> = joined.chars().collect();
        for p in &ps {
            assert_eq!(chars[p.start..p.end].iter().collect::<String>(), p.text);
        }
    }

    #[test]
    fn labeled_mode() {
        let html = r#"<html><body>
            <div><span __boilernet_label="0">Home</span> | <a><span __boilernet_label="0">News</span></a></div>
            <div __boilernet_label="1"><h1>Big <span>story</span></h1>
              <p>First <span __boilernet_label="0">ad</span> line</p>
              <p><span __BOILERNET_LABEL="1">Second</span> <span __boilernet_label="1">line</span></p>
            </div>
            <p>unlabeled</p></body></html>"#;
        let seg = segment_html_labeled(html, "__boilernet_label");
        let texts: Vec<&str> = seg.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Home | News",
                "Big story",
                "First ad line",
                "Second line",
                "unlabeled"
            ]
        );
        assert_eq!(seg.content_chars, vec![0, 9, 9, 11, 0]);
        assert_eq!(seg.boilerplate_chars, vec![8, 0, 2, 0, 0]);
        assert_eq!(seg.gold_content, "Big story\nFirst\nline\nSecond line");
        // Unlabeled segmentation is the same.
        assert_eq!(seg.paragraphs, segment_html(html));
        assert_eq!(seg.paragraphs[0].link_chars, 4);
    }

    #[test]
    fn labeled_mode_other_values_and_nesting() {
        let html = r#"<div l="1">a <span l="2">b</span> <span l>c</span> <b l="0">d <i l="1">e</i></b></div>"#;
        let seg = segment_html_labeled(html, "L");
        assert_eq!(seg.paragraphs[0].text, "a b c d e");
        assert_eq!(seg.content_chars, vec![2]);
        assert_eq!(seg.boilerplate_chars, vec![1]);
        assert_eq!(seg.gold_content, "a\ne");
    }
}
