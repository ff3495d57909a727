//! The known tags and what each does to the paragraphs: block tag, skipping, links, hints.

use crate::document::{BlockTag, Hints};

/// Static properties of a known tag.
#[derive(Clone, Copy)]
pub(super) struct Info {
    /// The block tag when the element is block-level (a paragraph boundary at start and end).
    pub(super) block: Option<BlockTag>,
    /// `SKIP`, `LINK`, `BOLD`, `VOID`, `RAW`, `CLOSES_P`, `HEAD_OK`.
    pub(super) flags: u16,
    /// Hint bits the element gives its subtree.
    pub(super) hints: u32,
}

/// Text inside is not page body (script, style, head, svg, …).
pub(super) const SKIP: u16 = 1 << 0;
/// Inside `<a>`.
pub(super) const LINK: u16 = 1 << 1;
/// Inside `<b>`, `<strong>`, `<em>`, `<i>`.
pub(super) const BOLD: u16 = 1 << 2;
/// Never pushed on the stack.
pub(super) const VOID: u16 = 1 << 3;
/// The tokenizer switches to raw text after its start tag, so it is pushed even if self-closing.
pub(super) const RAW: u16 = 1 << 4;
/// Its start closes an open `<p>`.
pub(super) const CLOSES_P: u16 = 1 << 5;
/// May appear inside `<head>` without closing it.
pub(super) const HEAD_OK: u16 = 1 << 6;
/// Stack entries only: the element itself is block-level (not inherited).
pub(super) const OWN_BLOCK: u16 = 1 << 15;
/// Entry flags a subtree inherits.
pub(super) const INHERITED: u16 = SKIP | LINK | BOLD;

pub(super) const NAV: u32 = Hints::NAV;
pub(super) const FOOTER: u32 = Hints::FOOTER;
pub(super) const HEADER: u32 = Hints::HEADER;
pub(super) const ASIDE: u32 = Hints::ASIDE;
pub(super) const FORM: u32 = Hints::FORM;
pub(super) const ARTICLE: u32 = Hints::ARTICLE;
pub(super) const LIST: u32 = Hints::LIST;
pub(super) const TABLE: u32 = Hints::TABLE;
pub(super) const FIGURE: u32 = Hints::FIGURE;
pub(super) const CAPTION: u32 = Hints::CAPTION;
pub(super) const BYLINE: u32 = Hints::BYLINE;
pub(super) const CONSENT: u32 = Hints::CONSENT;

pub(super) const INLINE: Option<BlockTag> = None;
pub(super) const P: Option<BlockTag> = Some(BlockTag::P);
pub(super) const HEADING: Option<BlockTag> = Some(BlockTag::Heading);
pub(super) const ITEM: Option<BlockTag> = Some(BlockTag::ListItem);
pub(super) const CELL: Option<BlockTag> = Some(BlockTag::Cell);
pub(super) const QUOTE: Option<BlockTag> = Some(BlockTag::Blockquote);
pub(super) const PRE: Option<BlockTag> = Some(BlockTag::Pre);
pub(super) const DIV: Option<BlockTag> = Some(BlockTag::Div);
pub(super) const FORMTAG: Option<BlockTag> = Some(BlockTag::Form);
pub(super) const OTHER: Option<BlockTag> = Some(BlockTag::Other);

/// Declares the known tags: `Variant: names => block, flags, hints;`.
macro_rules! tags {
    ($($variant:ident: $($name:literal)|+ => $block:expr, $flags:expr, $hints:expr;)*) => {
        /// A known tag (several names may share one, e.g. `h1`…`h6`), or `Unknown`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub(super) enum Tag {
            Unknown,
            $($variant,)*
        }

        /// Properties of each tag, indexed by `Tag as usize`.
        pub(super) const INFO: &[Info] = &[
            Info { block: INLINE, flags: 0, hints: 0 },
            $(Info { block: $block, flags: $flags, hints: $hints },)*
        ];

        impl Tag {
            /// The tag of a (lower-case, as the tokenizer gives it) tag name.
            pub(super) fn from_name(name: &[u8]) -> Tag {
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
        | b"q" | b"mark" | b"code" | b"u" | b"s" | b"strike" | b"del" | b"ins" | b"tt"
        | b"kbd" | b"samp" | b"var" | b"dfn" | b"bdi" | b"bdo" | b"nobr" | b"data"
        | b"map" => INLINE, 0, 0;
    Time: b"time" => INLINE, 0, BYLINE;
    Picture: b"picture" => INLINE, 0, FIGURE;
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
    Button: b"button" => FORMTAG, 0, FORM | Hints::CONTROL;
    Option: b"option" => FORMTAG, 0, 0;
    Textarea: b"textarea" => FORMTAG, RAW, 0;
    Output: b"output" => OTHER, 0, 0;
    Figure: b"figure" => DIV, CLOSES_P, FIGURE;
    Figcaption: b"figcaption" => OTHER, CLOSES_P, CAPTION;
    Address: b"address" => OTHER, CLOSES_P, BYLINE;
    Center: b"center" => DIV, CLOSES_P, 0;
    Details: b"details" => DIV, CLOSES_P, 0;
    Summary: b"summary" => DIV, CLOSES_P, 0;
    Dialog: b"dialog" => OTHER, CLOSES_P, CONSENT;
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
pub(super) const N_TAGS: usize = INFO.len();

impl Tag {
    pub(super) fn info(self) -> Info {
        INFO[self as usize]
    }
}

/// "No such open element" in the `open_*` fields of an [`Entry`].
pub(super) const NONE: u32 = u32::MAX;

/// Label codes: no labeled ancestor, "0", "1", any other value.
pub(super) const LABEL_NONE: i8 = -1;
pub(super) const LABEL_BOILERPLATE: i8 = 0;
pub(super) const LABEL_CONTENT: i8 = 1;
pub(super) const LABEL_OTHER: i8 = 2;

/// FNV-1a hash of a tag name.
pub(super) fn name_hash(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
