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
//!   whole part.

use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use crate::document::{BlockTag, Hints, Paragraph};

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
    seg
}

/// Static properties of a known tag.
#[derive(Clone, Copy)]
struct Info {
    /// The block tag when the element is block-level (a paragraph boundary at start and end).
    block: Option<BlockTag>,
    /// `SKIP`, `LINK`, `BOLD`, `VOID`, `RAW`, `CLOSES_P`, `HEAD_OK`.
    flags: u16,
    /// Hint bits the element gives its subtree.
    hints: u16,
}

/// Text inside is not page body (script, style, head, svg, …).
const SKIP: u16 = 1 << 0;
/// Inside `<a>`.
const LINK: u16 = 1 << 1;
/// Inside `<b>`, `<strong>`, `<em>`, `<i>`.
const BOLD: u16 = 1 << 2;
/// Never pushed on the stack.
const VOID: u16 = 1 << 3;
/// The tokenizer switches to raw text after its start tag, so it is pushed even if self-closing.
const RAW: u16 = 1 << 4;
/// Its start closes an open `<p>`.
const CLOSES_P: u16 = 1 << 5;
/// May appear inside `<head>` without closing it.
const HEAD_OK: u16 = 1 << 6;
/// Stack entries only: the element itself is block-level (not inherited).
const OWN_BLOCK: u16 = 1 << 15;
/// Entry flags a subtree inherits.
const INHERITED: u16 = SKIP | LINK | BOLD;

const NAV: u16 = Hints::NAV;
const FOOTER: u16 = Hints::FOOTER;
const HEADER: u16 = Hints::HEADER;
const ASIDE: u16 = Hints::ASIDE;
const FORM: u16 = Hints::FORM;
const ARTICLE: u16 = Hints::ARTICLE;
const LIST: u16 = Hints::LIST;
const TABLE: u16 = Hints::TABLE;

const INLINE: Option<BlockTag> = None;
const P: Option<BlockTag> = Some(BlockTag::P);
const HEADING: Option<BlockTag> = Some(BlockTag::Heading);
const ITEM: Option<BlockTag> = Some(BlockTag::ListItem);
const CELL: Option<BlockTag> = Some(BlockTag::Cell);
const QUOTE: Option<BlockTag> = Some(BlockTag::Blockquote);
const PRE: Option<BlockTag> = Some(BlockTag::Pre);
const DIV: Option<BlockTag> = Some(BlockTag::Div);
const FORMTAG: Option<BlockTag> = Some(BlockTag::Form);
const OTHER: Option<BlockTag> = Some(BlockTag::Other);

/// Declares the known tags: `Variant: names => block, flags, hints;`.
macro_rules! tags {
    ($($variant:ident: $($name:literal)|+ => $block:expr, $flags:expr, $hints:expr;)*) => {
        /// A known tag (several names may share one, e.g. `h1`…`h6`), or `Unknown`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        enum Tag {
            Unknown,
            $($variant,)*
        }

        /// Properties of each tag, indexed by `Tag as usize`.
        const INFO: &[Info] = &[
            Info { block: INLINE, flags: 0, hints: 0 },
            $(Info { block: $block, flags: $flags, hints: $hints },)*
        ];

        impl Tag {
            /// The tag of a (lower-case, as the tokenizer gives it) tag name.
            fn from_name(name: &[u8]) -> Tag {
                match name {
                    $($($name)|+ => Tag::$variant,)*
                    _ => Tag::Unknown,
                }
            }
        }
    };
}

tags! {
    A: b"a" => INLINE, LINK, 0;
    B: b"b" => INLINE, BOLD, 0;
    Strong: b"strong" => INLINE, BOLD, 0;
    Em: b"em" => INLINE, BOLD, 0;
    I: b"i" => INLINE, BOLD, 0;
    Span: b"span" | b"font" | b"small" | b"big" | b"sub" | b"sup" | b"abbr" | b"acronym" | b"cite"
        | b"q" | b"time" | b"mark" | b"code" | b"u" | b"s" | b"strike" | b"del" | b"ins" | b"tt"
        | b"kbd" | b"samp" | b"var" | b"dfn" | b"bdi" | b"bdo" | b"nobr" | b"data"
        | b"picture" | b"map" => INLINE, 0, 0;
    Para: b"p" => P, CLOSES_P, 0;
    Div: b"div" => DIV, CLOSES_P, 0;
    Section: b"section" => DIV, CLOSES_P, 0;
    Article: b"article" => DIV, CLOSES_P, ARTICLE;
    Main: b"main" => DIV, CLOSES_P, ARTICLE;
    Header: b"header" => DIV, CLOSES_P, HEADER;
    Footer: b"footer" => DIV, CLOSES_P, FOOTER;
    Nav: b"nav" => DIV, CLOSES_P, NAV;
    Aside: b"aside" => DIV, CLOSES_P, ASIDE;
    H: b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => HEADING, CLOSES_P, 0;
    Ul: b"ul" => OTHER, CLOSES_P, LIST;
    Ol: b"ol" => OTHER, CLOSES_P, LIST;
    Dl: b"dl" => OTHER, CLOSES_P, LIST;
    Dir: b"dir" => OTHER, CLOSES_P, LIST;
    Menu: b"menu" => OTHER, CLOSES_P, NAV;
    Li: b"li" => ITEM, CLOSES_P, 0;
    Dt: b"dt" => ITEM, CLOSES_P, 0;
    Dd: b"dd" => ITEM, CLOSES_P, 0;
    Table: b"table" => OTHER, CLOSES_P, TABLE;
    Caption: b"caption" => CELL, 0, 0;
    Thead: b"thead" => OTHER, 0, 0;
    Tbody: b"tbody" => OTHER, 0, 0;
    Tfoot: b"tfoot" => OTHER, 0, 0;
    Tr: b"tr" => OTHER, 0, 0;
    Td: b"td" => CELL, 0, 0;
    Th: b"th" => CELL, 0, 0;
    Blockquote: b"blockquote" => QUOTE, CLOSES_P, 0;
    Pre: b"pre" | b"listing" => PRE, CLOSES_P, 0;
    Xmp: b"xmp" => PRE, CLOSES_P | RAW, 0;
    Plaintext: b"plaintext" => PRE, CLOSES_P | RAW, 0;
    Form: b"form" => FORMTAG, CLOSES_P, FORM;
    Fieldset: b"fieldset" => FORMTAG, CLOSES_P, 0;
    Legend: b"legend" => FORMTAG, 0, 0;
    Label: b"label" => FORMTAG, 0, 0;
    Button: b"button" => FORMTAG, 0, FORM;
    Option: b"option" => FORMTAG, 0, 0;
    Textarea: b"textarea" => FORMTAG, RAW, 0;
    Output: b"output" => OTHER, 0, 0;
    Figure: b"figure" => DIV, CLOSES_P, 0;
    Figcaption: b"figcaption" => OTHER, CLOSES_P, 0;
    Address: b"address" => OTHER, CLOSES_P, 0;
    Center: b"center" => DIV, CLOSES_P, 0;
    Details: b"details" => DIV, CLOSES_P, 0;
    Summary: b"summary" => DIV, CLOSES_P, 0;
    Dialog: b"dialog" => OTHER, CLOSES_P, 0;
    Hgroup: b"hgroup" => OTHER, CLOSES_P, 0;
    Hr: b"hr" => OTHER, VOID | CLOSES_P, 0;
    Br: b"br" => OTHER, VOID, 0;
    Body: b"body" => DIV, 0, 0;
    Html: b"html" => DIV, HEAD_OK, 0;
    Head: b"head" => INLINE, SKIP | HEAD_OK, 0;
    Title: b"title" => INLINE, SKIP | RAW | HEAD_OK, 0;
    Script: b"script" => INLINE, SKIP | RAW | HEAD_OK, 0;
    Style: b"style" => INLINE, SKIP | RAW | HEAD_OK, 0;
    Template: b"template" => INLINE, SKIP | HEAD_OK, 0;
    Noscript: b"noscript" => OTHER, SKIP | RAW | HEAD_OK, 0;
    Noembed: b"noembed" | b"noframe" | b"noframes" => INLINE, SKIP | RAW, 0;
    Iframe: b"iframe" => INLINE, SKIP | RAW, 0;
    Svg: b"svg" => INLINE, SKIP, 0;
    Math: b"math" => INLINE, SKIP, 0;
    Object: b"object" => INLINE, SKIP, 0;
    // Fallback content, not rendered by browsers that support the element.
    Media: b"video" | b"audio" | b"canvas" => INLINE, SKIP, 0;
    Select: b"select" => INLINE, SKIP, FORM;
    VoidHead: b"meta" | b"link" | b"base" | b"basefont" | b"bgsound" => INLINE, VOID | HEAD_OK, 0;
    Void: b"img" | b"input" | b"area" | b"col" | b"embed" | b"param" | b"source" | b"track"
        | b"wbr" | b"keygen" | b"image" => INLINE, VOID, 0;
}

/// Number of tags, `Unknown` included.
const N_TAGS: usize = INFO.len();

impl Tag {
    fn info(self) -> Info {
        INFO[self as usize]
    }
}

/// "No such open element" in the `open_*` fields of an [`Entry`].
const NONE: u32 = u32::MAX;

/// Label codes: no labeled ancestor, "0", "1", any other value.
const LABEL_NONE: i8 = -1;
const LABEL_BOILERPLATE: i8 = 0;
const LABEL_CONTENT: i8 = 1;
const LABEL_OTHER: i8 = 2;

/// An open element, with what its subtree inherits.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: Tag,
    /// Nearest enclosing block tag (itself included).
    block: BlockTag,
    /// Label of the innermost ancestor carrying the annotation attribute.
    label: i8,
    /// `SKIP | LINK | BOLD` inherited, `OWN_BLOCK` of itself.
    flags: u16,
    /// Hint bits of all ancestors (itself included).
    hints: u16,
    /// Name of an `Unknown` element in `Segmenter::names`.
    name_start: usize,
    name_len: usize,
    /// Stack index of the innermost open `<p>` that a block start would close.
    open_p: u32,
    /// Stack index of the open `<li>` / `<dt>` / `<dd>` of the current list.
    open_item: u32,
    /// Stack index of the open cell of the current row.
    open_cell: u32,
    /// Stack index of the open row of the current table.
    open_row: u32,
    /// Stack index of the open `<a>` of the current block.
    open_a: u32,
}

/// The context of text outside any element.
const ROOT: Entry = Entry {
    tag: Tag::Unknown,
    block: BlockTag::Div,
    label: LABEL_NONE,
    flags: 0,
    hints: 0,
    name_start: 0,
    name_len: 0,
    open_p: NONE,
    open_item: NONE,
    open_cell: NONE,
    open_row: NONE,
    open_a: NONE,
};

/// Which attribute of the pending start tag the next value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Class,
    Id,
    Role,
    Label,
    Other,
}

/// `Segmenter::pending_seen` bits: the first of each attribute wins.
const SEEN_CLASS: u8 = 1;
const SEEN_ID: u8 = 2;
const SEEN_LABEL: u8 = 4;
const SEEN_ROLE: u8 = 8;

/// The segmentation state machine, fed with tokenizer events.
struct Segmenter<'a> {
    /// Lower-case annotation attribute; `None` when labels are not tracked.
    label_attr: Option<&'a [u8]>,
    track: bool,

    stack: Vec<Entry>,
    /// Names of the open `Unknown` elements, in stack order.
    names: Vec<u8>,
    /// Open elements per known tag.
    counts: [u32; N_TAGS],
    /// Open `Unknown` elements per name hash.
    unknown_counts: HashMap<u64, u32>,
    /// Whether body content (an element or text that cannot be in `<head>`) was seen.
    body_started: bool,

    /// Inside a start tag (between its `OpenStartTag` and `CloseStartTag` events).
    in_start: bool,
    pending: Tag,
    pending_name: Vec<u8>,
    /// The pending tag is dropped (a repeated `<html>`, `<body>`, `<head>`).
    pending_ignore: bool,
    /// Its class / id cannot matter (it is void or inside skipped content).
    pending_inert: bool,
    pending_hints: u16,
    pending_label: Option<i8>,
    pending_seen: u8,
    cur_attr: Attr,

    /// The current paragraph.
    buf: String,
    chars: usize,
    link_chars: usize,
    all_bold: bool,
    /// Whitespace was seen since the last word.
    pending_space: bool,
    last_link: bool,
    last_label: i8,
    para_tag: BlockTag,
    para_depth: u16,
    para_hints: u16,
    para_content: usize,
    para_boilerplate: usize,

    /// Offset of the next paragraph.
    offset: usize,
    paragraphs: Vec<Paragraph>,
    content_chars: Vec<usize>,
    boilerplate_chars: Vec<usize>,
    gold: String,
    /// The last character appended to the current paragraph is in `gold`.
    gold_run: bool,
}

impl<'a> Segmenter<'a> {
    fn new(label_attr: Option<&'a [u8]>) -> Self {
        Segmenter {
            label_attr,
            track: label_attr.is_some(),
            stack: Vec::with_capacity(64),
            names: Vec::new(),
            counts: [0; N_TAGS],
            unknown_counts: HashMap::new(),
            body_started: false,
            in_start: false,
            pending: Tag::Unknown,
            pending_name: Vec::new(),
            pending_ignore: false,
            pending_inert: false,
            pending_hints: 0,
            pending_label: None,
            pending_seen: 0,
            cur_attr: Attr::Other,
            buf: String::new(),
            chars: 0,
            link_chars: 0,
            all_bold: true,
            pending_space: false,
            last_link: false,
            last_label: LABEL_NONE,
            para_tag: BlockTag::Div,
            para_depth: 0,
            para_hints: 0,
            para_content: 0,
            para_boilerplate: 0,
            offset: 0,
            paragraphs: Vec::new(),
            content_chars: Vec::new(),
            boilerplate_chars: Vec::new(),
            gold: String::new(),
            gold_run: false,
        }
    }

    fn event(&mut self, event: CallbackEvent<'_>) {
        match event {
            CallbackEvent::OpenStartTag { name } => self.open_start_tag(name),
            CallbackEvent::AttributeName { name } => self.attribute_name(name),
            CallbackEvent::AttributeValue { value } => self.attribute_value(value),
            CallbackEvent::CloseStartTag { self_closing } => self.close_start_tag(self_closing),
            CallbackEvent::EndTag { name } => {
                self.in_start = false;
                self.end_tag(name);
            }
            CallbackEvent::String { value } => {
                self.in_start = false;
                self.text(value);
            }
            CallbackEvent::Comment { .. } | CallbackEvent::Doctype { .. } => self.in_start = false,
            CallbackEvent::Error(_) => {}
        }
    }

    fn top(&self) -> Entry {
        self.stack.last().copied().unwrap_or(ROOT)
    }

    /// The element at stack index `i` (`NONE` or out of range: none).
    fn at(&self, i: u32) -> Option<&Entry> {
        self.stack.get(i as usize)
    }

    fn open_start_tag(&mut self, name: &[u8]) {
        let tag = Tag::from_name(name);
        let info = tag.info();
        self.in_start = true;
        self.pending = tag;
        self.pending_ignore = false;
        self.pending_hints = 0;
        self.pending_label = None;
        self.pending_seen = 0;
        self.cur_attr = Attr::Other;
        if tag == Tag::Unknown {
            self.pending_name.clear();
            self.pending_name.extend_from_slice(name);
        }

        // Body content directly inside <head> closes it, and so does <body> anywhere in it.
        if info.flags & HEAD_OK == 0 && self.stack.last().is_some_and(|e| e.tag == Tag::Head) {
            self.pop_to(self.stack.len() - 1);
        } else if tag == Tag::Body
            && let Some(i) = self.find_open(Tag::Head, name)
        {
            self.pop_to(i);
        }
        match tag {
            Tag::Head if self.body_started || self.counts[Tag::Head as usize] > 0 => {
                self.pending_ignore = true;
            }
            Tag::Html | Tag::Body if self.counts[tag as usize] > 0 => self.pending_ignore = true,
            _ => {}
        }
        if self.pending_ignore {
            self.pending_inert = true;
            return;
        }
        if info.flags & HEAD_OK == 0 {
            self.body_started = true;
        }
        self.pending_inert = info.flags & VOID != 0 || self.top().flags & SKIP != 0;

        if info.block.is_some() {
            self.flush();
        }
        if info.flags & CLOSES_P != 0 {
            let open_p = self.top().open_p;
            if self.at(open_p).is_some() {
                self.pop_to(open_p as usize);
            }
        }
        let top = self.top();
        let close = match tag {
            Tag::Li => self
                .at(top.open_item)
                .filter(|e| e.tag == Tag::Li)
                .map(|_| top.open_item),
            Tag::Dt | Tag::Dd => self
                .at(top.open_item)
                .filter(|e| matches!(e.tag, Tag::Dt | Tag::Dd))
                .map(|_| top.open_item),
            Tag::Td | Tag::Th => Some(top.open_cell),
            Tag::Tr | Tag::Thead | Tag::Tbody | Tag::Tfoot => Some(top.open_row),
            Tag::H if top.tag == Tag::H => u32::try_from(self.stack.len() - 1).ok(),
            // A link does not nest in a link: an `<a>` left open in the same block ends here.
            Tag::A => Some(top.open_a),
            _ => None,
        };
        if let Some(i) = close.filter(|&i| self.at(i).is_some()) {
            self.pop_to(i as usize);
        }
    }

    fn attribute_name(&mut self, name: &[u8]) {
        if !self.in_start {
            return;
        }
        self.cur_attr = Attr::Other;
        if name == b"class" {
            if self.pending_seen & SEEN_CLASS == 0 {
                self.pending_seen |= SEEN_CLASS;
                self.cur_attr = Attr::Class;
            }
        } else if name == b"id" {
            if self.pending_seen & SEEN_ID == 0 {
                self.pending_seen |= SEEN_ID;
                self.cur_attr = Attr::Id;
            }
        } else if name == b"role" {
            if self.pending_seen & SEEN_ROLE == 0 {
                self.pending_seen |= SEEN_ROLE;
                self.cur_attr = Attr::Role;
            }
        } else if self.label_attr == Some(name) && self.pending_seen & SEEN_LABEL == 0 {
            self.pending_seen |= SEEN_LABEL;
            self.cur_attr = Attr::Label;
            // Carrying the attribute with an empty value is a label of its own.
            self.pending_label = Some(LABEL_OTHER);
        }
    }

    fn attribute_value(&mut self, value: &[u8]) {
        if !self.in_start {
            return;
        }
        match self.cur_attr {
            Attr::Class | Attr::Id if !self.pending_inert => {
                self.pending_hints |= class_hints(value);
            }
            Attr::Role if !self.pending_inert => {
                self.pending_hints |= role_hints(value);
            }
            Attr::Label => {
                self.pending_label = Some(match value.trim_ascii() {
                    b"1" => LABEL_CONTENT,
                    b"0" => LABEL_BOILERPLATE,
                    _ => LABEL_OTHER,
                });
            }
            _ => {}
        }
        self.cur_attr = Attr::Other;
    }

    fn close_start_tag(&mut self, self_closing: bool) {
        if !self.in_start {
            return;
        }
        self.in_start = false;
        let info = self.pending.info();
        if self.pending_ignore || info.flags & VOID != 0 || (self_closing && info.flags & RAW == 0)
        {
            return;
        }
        self.push(self.pending, info);
    }

    fn push(&mut self, tag: Tag, info: Info) {
        let top = self.top();
        let idx = u32::try_from(self.stack.len()).unwrap_or(NONE);
        let mut e = Entry {
            tag,
            block: info.block.unwrap_or(top.block),
            label: self.pending_label.unwrap_or(top.label),
            flags: (top.flags | info.flags) & INHERITED
                | if info.block.is_some() { OWN_BLOCK } else { 0 },
            hints: (top.hints | info.hints | self.pending_hints) & !NEAREST
                | nearest_hints(self.pending_hints, top.hints),
            name_start: self.names.len(),
            name_len: 0,
            ..top
        };
        match tag {
            Tag::Unknown => {
                self.names.extend_from_slice(&self.pending_name);
                e.name_len = self.pending_name.len();
                *self
                    .unknown_counts
                    .entry(name_hash(&self.pending_name))
                    .or_insert(0) += 1;
            }
            _ => self.counts[tag as usize] += 1,
        }
        if info.block.is_some() {
            e.open_a = NONE;
        }
        match tag {
            Tag::A => e.open_a = idx,
            Tag::Para => e.open_p = idx,
            Tag::Li | Tag::Dt | Tag::Dd => e.open_item = idx,
            Tag::Ul | Tag::Ol | Tag::Dl | Tag::Dir | Tag::Menu => e.open_item = NONE,
            Tag::Td | Tag::Th => {
                e.open_cell = idx;
                e.open_p = NONE;
                e.open_item = NONE;
            }
            Tag::Caption | Tag::Button => e.open_p = NONE,
            Tag::Tr => {
                e.open_row = idx;
                e.open_cell = NONE;
            }
            Tag::Thead | Tag::Tbody | Tag::Tfoot => {
                e.open_row = NONE;
                e.open_cell = NONE;
            }
            Tag::Table => {
                e.open_p = NONE;
                e.open_item = NONE;
                e.open_cell = NONE;
                e.open_row = NONE;
            }
            _ => {}
        }
        self.stack.push(e);
    }

    /// Pops the elements at stack index `i` and above; returns whether one was block-level.
    fn pop_to(&mut self, i: usize) -> bool {
        let mut block = false;
        while self.stack.len() > i {
            let Some(e) = self.stack.pop() else { break };
            block |= e.flags & OWN_BLOCK != 0;
            if e.tag == Tag::Unknown {
                let hash = name_hash(self.names.get(e.name_start..).unwrap_or_default());
                if let Some(n) = self.unknown_counts.get_mut(&hash) {
                    *n = n.saturating_sub(1);
                }
                self.names.truncate(e.name_start);
            } else {
                let n = &mut self.counts[e.tag as usize];
                *n = n.saturating_sub(1);
            }
        }
        block
    }

    /// Stack index of the innermost open element named `name`.
    fn find_open(&self, tag: Tag, name: &[u8]) -> Option<usize> {
        if tag == Tag::Unknown {
            let open = self.unknown_counts.get(&name_hash(name)).copied();
            if open.unwrap_or(0) == 0 {
                return None;
            }
            self.stack.iter().rposition(|e| {
                e.tag == Tag::Unknown
                    && self.names.get(e.name_start..e.name_start + e.name_len) == Some(name)
            })
        } else if self.counts[tag as usize] == 0 {
            None
        } else {
            self.stack.iter().rposition(|e| e.tag == tag)
        }
    }

    fn end_tag(&mut self, name: &[u8]) {
        let tag = Tag::from_name(name);
        match tag {
            // `</br>` is a `<br>`; `</body>` and `</html>` close nothing (content often follows).
            Tag::Br | Tag::Body | Tag::Html => return self.flush(),
            _ if tag.info().flags & VOID != 0 => return,
            _ => {}
        }
        let ends_block = match self.find_open(tag, name) {
            Some(i) => self.pop_to(i),
            // A stray block end tag still ends the paragraph (as `</p>` does in browsers): the
            // element may have been closed early by the simplified tree building.
            None => tag.info().block.is_some(),
        };
        if ends_block {
            self.flush();
        }
    }

    fn text(&mut self, value: &[u8]) {
        let mut ctx = self.top();
        if ctx.flags & SKIP != 0 {
            // Text directly inside <head> starts the body.
            if ctx.tag != Tag::Head || value.iter().all(u8::is_ascii_whitespace) {
                return;
            }
            self.pop_to(self.stack.len() - 1);
            ctx = self.top();
            if ctx.flags & SKIP != 0 {
                return;
            }
        }
        // Browsers drop U+0000 from body text.
        let filtered: Vec<u8>;
        let value = if value.contains(&0) {
            filtered = value.iter().copied().filter(|&b| b != 0).collect();
            &filtered
        } else {
            value
        };
        let text = match simdutf8::basic::from_utf8(value) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(value),
        };
        let text = text.as_ref();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let space_start = i;
            while let Some(len) = space_at(text, i) {
                i += len;
            }
            if i > space_start {
                self.pending_space = true;
            }
            let word_start = i;
            let mut chars = 0;
            while let Some(&b) = bytes.get(i) {
                if b < 0x80 {
                    // ASCII fast path.
                    if is_ascii_space(b) {
                        break;
                    }
                    i += 1;
                } else if space_at(text, i).is_some() {
                    break;
                } else {
                    i += utf8_len(b);
                }
                chars += 1;
            }
            if chars > 0 {
                self.push_word(&text[word_start..i], chars, &ctx);
            }
        }
    }

    /// Appends a non-empty run of `n` non-whitespace characters in context `ctx`.
    fn push_word(&mut self, word: &str, n: usize, ctx: &Entry) {
        let link = ctx.flags & LINK != 0;
        let label = ctx.label;
        if self.chars == 0 {
            self.para_tag = ctx.block;
            self.para_depth = u16::try_from(self.stack.len()).unwrap_or(u16::MAX);
            self.para_hints = ctx.hints;
            self.all_bold = true;
            self.body_started = true;
        } else if self.pending_space {
            self.buf.push(' ');
            self.chars += 1;
            if self.last_link && link {
                self.link_chars += 1;
            }
            if self.track && self.last_label == label {
                self.count_label(label, 1);
                if self.gold_run {
                    self.gold.push(' ');
                }
            }
        }
        self.pending_space = false;
        self.buf.push_str(word);
        self.chars += n;
        if link {
            self.link_chars += n;
        }
        self.all_bold &= ctx.flags & BOLD != 0;
        self.last_link = link;
        if self.track {
            self.count_label(label, n);
            if label == LABEL_CONTENT {
                if !self.gold_run {
                    if !self.gold.is_empty() {
                        self.gold.push('\n');
                    }
                    self.gold_run = true;
                }
                self.gold.push_str(word);
            } else {
                self.gold_run = false;
            }
            self.last_label = label;
        }
    }

    fn count_label(&mut self, label: i8, n: usize) {
        match label {
            LABEL_CONTENT => self.para_content += n,
            LABEL_BOILERPLATE => self.para_boilerplate += n,
            _ => {}
        }
    }

    /// Ends the current paragraph, if it has any text.
    fn flush(&mut self) {
        self.pending_space = false;
        self.gold_run = false;
        if self.chars == 0 {
            return;
        }
        let start = self.offset;
        let end = start + self.chars;
        self.offset = end + 1;
        let mut hints = self.para_hints;
        if self.all_bold {
            hints |= Hints::ALL_BOLD;
        }
        self.paragraphs.push(Paragraph {
            text: self.buf.as_str().to_owned(),
            start,
            end,
            link_chars: self.link_chars,
            tag: self.para_tag,
            depth: self.para_depth,
            hints: Hints(hints),
        });
        if self.track {
            self.content_chars.push(self.para_content);
            self.boilerplate_chars.push(self.para_boilerplate);
        }
        self.buf.clear();
        self.chars = 0;
        self.link_chars = 0;
        self.last_link = false;
        self.last_label = LABEL_NONE;
        self.para_content = 0;
        self.para_boilerplate = 0;
    }
}

/// The length in bytes of the whitespace character at byte `i` of `text` (`None`: not
/// whitespace or the end). `i` must be a character boundary.
fn space_at(text: &str, i: usize) -> Option<usize> {
    match *text.as_bytes().get(i)? {
        b if b < 0x80 => is_ascii_space(b).then_some(1),
        _ => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .filter(|c| c.is_whitespace())
            .map(char::len_utf8),
    }
}

/// Whether an ASCII byte is whitespace for `char::is_whitespace` (tab, LF, VT, FF, CR, space).
fn is_ascii_space(b: u8) -> bool {
    const MASK: u64 = 1 << b'\t' | 1 << b'\n' | 1 << 0x0b | 1 << 0x0c | 1 << b'\r' | 1 << b' ';
    b <= b' ' && MASK & (1 << b) != 0
}

/// The length of the UTF-8 sequence starting with `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..0xe0 => 1 + usize::from(lead >= 0xc0),
        0xe0..0xf0 => 3,
        _ => 4,
    }
}

/// FNV-1a hash of a tag name.
fn name_hash(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A `class` / `id` keyword.
struct Keyword {
    /// Lower case.
    word: &'static [u8],
    bits: u16,
    /// Also matches as the end of a word part.
    suffix: bool,
}

const fn kw(word: &'static [u8], bits: u16, suffix: bool) -> Keyword {
    Keyword { word, bits, suffix }
}

const BP: u16 = Hints::CLASS_BOILERPLATE;
const CM: u16 = Hints::CLASS_COMMENT;
const CT: u16 = Hints::CLASS_CONTENT;

const KEYWORDS: &[Keyword] = &[
    kw(b"nav", BP, true),
    kw(b"menu", BP, true),
    kw(b"footer", BP, true),
    kw(b"sidebar", BP, true),
    kw(b"widget", BP, true),
    kw(b"share", BP, true),
    kw(b"social", BP, true),
    kw(b"related", BP, true),
    kw(b"breadcrumb", BP, true),
    kw(b"banner", BP, true),
    kw(b"promo", BP, true),
    kw(b"sponsor", BP, true),
    kw(b"advert", BP, true),
    kw(b"cookie", BP, true),
    kw(b"subscribe", BP, true),
    kw(b"newsletter", BP, true),
    kw(b"login", BP, true),
    kw(b"signup", BP, true),
    kw(b"copyright", BP, true),
    kw(b"masthead", BP, true),
    kw(b"toolbar", BP, true),
    kw(b"pagination", BP, true),
    kw(b"tags", BP, true),
    kw(b"popular", BP, true),
    kw(b"trending", BP, true),
    kw(b"recommend", BP, true),
    kw(b"teaser", BP, true),
    kw(b"comment", CM, true),
    kw(b"disqus", CM, true),
    kw(b"reply", CM, true),
    kw(b"article", CT, true),
    kw(b"content", CT, true),
    kw(b"post", CT, true),
    kw(b"entry", CT, true),
    kw(b"body", CT, true),
    kw(b"blog", CT, true),
    kw(b"story", CT, false),
    kw(b"text", CT, false),
    kw(b"main", CT, false),
];

/// The `NEAREST_*` bits of an element: from its own `class` / `id` keywords when it has any,
/// else inherited from its parent.
fn nearest_hints(own: u16, parent: u16) -> u16 {
    let mut near = 0;
    if own & BP != 0 {
        near |= Hints::NEAREST_BOILERPLATE;
    }
    if own & CT != 0 {
        near |= Hints::NEAREST_CONTENT;
    }
    if own & CM != 0 {
        near |= Hints::NEAREST_COMMENT;
    }
    if near == 0 { parent & NEAREST } else { near }
}

/// The `NEAREST_*` hint bits.
const NEAREST: u16 = Hints::NEAREST_BOILERPLATE | Hints::NEAREST_CONTENT | Hints::NEAREST_COMMENT;

/// Hint bits of an ARIA landmark `role` value.
fn role_hints(value: &[u8]) -> u16 {
    let mut bits = 0;
    for role in value.split(|b| b.is_ascii_whitespace()) {
        bits |= match role.to_ascii_lowercase().as_slice() {
            b"navigation" | b"menu" | b"menubar" => Hints::NAV,
            b"banner" => Hints::HEADER,
            b"contentinfo" => Hints::FOOTER,
            b"complementary" => Hints::ASIDE,
            b"main" | b"article" => Hints::ARTICLE,
            b"search" | b"form" => Hints::FORM,
            _ => 0,
        };
    }
    bits
}

/// Hint bits named by a `class` or `id` value (see the module docs for the matching rules).
fn class_hints(value: &[u8]) -> u16 {
    let mut bits = 0;
    let mut prev: &[u8] = &[];
    let mut i = 0;
    while i < value.len() {
        if !value[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < value.len() && continues_part(value[i - 1], value[i]) {
            i += 1;
        }
        let part = &value[start..i];
        bits |= part_hints(part, prev);
        prev = part;
    }
    bits
}

/// Whether `cur` continues the word part that `prev` is in.
fn continues_part(prev: u8, cur: u8) -> bool {
    cur.is_ascii_alphanumeric()
        && prev.is_ascii_digit() == cur.is_ascii_digit()
        && !(prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
}

/// For each letter, the keywords starting with it (bit `k` for `KEYWORDS[k]`).
const BY_FIRST: [u64; 26] = keyword_index(false);
/// For each letter, the suffix-matching keywords ending with it.
const BY_LAST: [u64; 26] = keyword_index(true);

const fn keyword_index(last: bool) -> [u64; 26] {
    assert!(KEYWORDS.len() <= 64);
    let mut index = [0u64; 26];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let word = KEYWORDS[k].word;
        if !last {
            index[(word[0] - b'a') as usize] |= 1 << k;
        } else if KEYWORDS[k].suffix {
            index[(word[word.len() - 1] - b'a') as usize] |= 1 << k;
        }
        k += 1;
    }
    index
}

/// The keywords indexed for `letter`, if it is one.
fn keywords_for(index: &[u64; 26], letter: u8) -> u64 {
    let i = letter.to_ascii_lowercase().wrapping_sub(b'a');
    index.get(usize::from(i)).copied().unwrap_or(0)
}

/// Hint bits of one word part; `prev` is the part before it (for `side-bar`).
fn part_hints(part: &[u8], prev: &[u8]) -> u16 {
    let (Some(&first), Some(&last)) = (part.first(), part.last()) else {
        return 0;
    };
    if part.eq_ignore_ascii_case(b"ad") || part.eq_ignore_ascii_case(b"ads") {
        return BP;
    }
    let mut bits = 0;
    if prev.eq_ignore_ascii_case(b"side")
        && part
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"bar"))
    {
        bits |= BP;
    }
    let mut candidates = keywords_for(&BY_FIRST, first) | keywords_for(&BY_LAST, last);
    while candidates != 0 {
        let k = &KEYWORDS[candidates.trailing_zeros() as usize];
        candidates &= candidates - 1;
        let n = k.word.len();
        if n > part.len() || bits & k.bits != 0 {
            continue;
        }
        if part[..n].eq_ignore_ascii_case(k.word)
            || (k.suffix && part[part.len() - n..].eq_ignore_ascii_case(k.word))
        {
            bits |= k.bits;
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

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
        const NB: u16 = Hints::NEAREST_BOILERPLATE;
        const NC: u16 = Hints::NEAREST_CONTENT;
        const NM: u16 = Hints::NEAREST_COMMENT;
        let cases: &[(&str, u16)] = &[
            (
                "<nav><ul><li><a>Home</a></li></ul></nav>",
                Hints::NAV | Hints::LIST,
            ),
            ("<footer><p>(c) 2024</p></footer>", Hints::FOOTER),
            ("<header>Top</header>", Hints::HEADER),
            ("<aside>Side</aside>", Hints::ASIDE),
            ("<form><button>Send</button></form>", Hints::FORM),
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
                Hints::CLASS_CONTENT | NC,
            ),
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
                Hints::CLASS_BOILERPLATE | NB,
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
                Hints::CLASS_CONTENT | Hints::CLASS_BOILERPLATE | NB,
            ),
            // The nearest classified ancestor decides the NEAREST_* bits.
            (
                "<div class=\"content\"><div class=\"comments\"><p>x</p></div></div>",
                Hints::CLASS_CONTENT | Hints::CLASS_COMMENT | NM,
            ),
            (
                "<div class=\"comments\"><div class=\"post-body\"><div>x</div></div></div>",
                Hints::CLASS_COMMENT | Hints::CLASS_CONTENT | NC,
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
        let got: Vec<(&str, u16)> = ps.iter().map(|p| (p.text.as_str(), p.hints.0)).collect();
        assert_eq!(
            got,
            vec![("start", 0), ("in nav", Hints::NAV), ("after", 0)]
        );
    }

    #[test]
    fn class_keywords() {
        let cases: &[(&str, u16)] = &[
            ("navbar", BP),
            ("navigation", BP),
            ("canvas", 0),
            ("mainmenu", BP | CT),
            ("load-ads", BP),
            ("adBox", BP),
            ("ad300x250", BP),
            ("loadMore heading", 0),
            ("shadow", 0),
            ("entry-content", CT),
            ("post_body", CT),
            ("story", CT),
            ("history", 0),
            ("text-center", CT),
            ("context", 0),
            ("socialShare", BP),
            ("replies", 0),
            ("reply-to", CM),
            ("", 0),
            ("--__  ", 0),
            ("\u{e9}nav", BP),
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
