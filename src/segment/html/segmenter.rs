//! The segmenter: a light stack of open elements fed by the tokenizer's events, cutting text into
//! paragraphs at block boundaries.

use std::borrow::Cow;
use std::collections::HashMap;

use html5gum::emitters::callback::CallbackEvent;

use super::keywords::*;
use super::tags::*;
use crate::document::{BlockTag, Hints, Paragraph};

/// An open element, with what its subtree inherits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) tag: Tag,
    /// Nearest enclosing block tag (itself included).
    pub(super) block: BlockTag,
    /// Label of the innermost ancestor carrying the annotation attribute.
    pub(super) label: i8,
    /// `SKIP | LINK | BOLD` inherited, `OWN_BLOCK` of itself.
    pub(super) flags: u16,
    /// Hint bits of all ancestors (itself included).
    pub(super) hints: u32,
    /// Name of an `Unknown` element in `Segmenter::names`.
    pub(super) name_start: usize,
    pub(super) name_len: usize,
    /// Stack index of the innermost open `<p>` that a block start would close.
    pub(super) open_p: u32,
    /// Stack index of the open `<li>` / `<dt>` / `<dd>` of the current list.
    pub(super) open_item: u32,
    /// Stack index of the open cell of the current row.
    pub(super) open_cell: u32,
    /// Stack index of the open row of the current table.
    pub(super) open_row: u32,
    /// Stack index of the open `<a>` of the current block.
    pub(super) open_a: u32,
    /// Number of the innermost container element, itself included (0: none).
    pub(super) container: u32,
    /// Number of the container holding the nearest enclosing block element.
    pub(super) block_group: u32,
}

/// The context of text outside any element.
pub(super) const ROOT: Entry = Entry {
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
    container: 0,
    block_group: 0,
};

/// Which attribute of the pending start tag the next value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Attr {
    Class,
    Id,
    Role,
    Label,
    ItemProp,
    AriaHidden,
    AriaModal,
    Style,
    Rel,
    Other,
}

/// `Segmenter::pending_seen` bits: the first of each attribute wins.
pub(super) const SEEN_CLASS: u8 = 1;
pub(super) const SEEN_ID: u8 = 2;
pub(super) const SEEN_LABEL: u8 = 4;
pub(super) const SEEN_ROLE: u8 = 8;

/// The segmentation state machine, fed with tokenizer events.
pub(super) struct Segmenter<'a> {
    /// Lower-case annotation attribute; `None` when labels are not tracked.
    pub(super) label_attr: Option<&'a [u8]>,
    pub(super) track: bool,

    pub(super) stack: Vec<Entry>,
    /// Names of the open `Unknown` elements, in stack order.
    pub(super) names: Vec<u8>,
    /// Open elements per known tag.
    pub(super) counts: [u32; N_TAGS],
    /// Open `Unknown` elements per name hash.
    pub(super) unknown_counts: HashMap<u64, u32>,
    /// Whether body content (an element or text that cannot be in `<head>`) was seen.
    pub(super) body_started: bool,

    /// Inside a start tag (between its `OpenStartTag` and `CloseStartTag` events).
    pub(super) in_start: bool,
    pub(super) pending: Tag,
    pub(super) pending_name: Vec<u8>,
    /// The pending tag is dropped (a repeated `<html>`, `<body>`, `<head>`).
    pub(super) pending_ignore: bool,
    /// Its class / id cannot matter (it is void or inside skipped content).
    pub(super) pending_inert: bool,
    pub(super) pending_hints: u32,
    pub(super) pending_label: Option<i8>,
    pub(super) pending_seen: u8,
    pub(super) cur_attr: Attr,

    /// The current paragraph.
    pub(super) buf: String,
    pub(super) chars: usize,
    pub(super) link_chars: usize,
    pub(super) all_bold: bool,
    /// Whitespace was seen since the last word.
    pub(super) pending_space: bool,
    pub(super) last_link: bool,
    pub(super) last_label: i8,
    pub(super) para_tag: BlockTag,
    pub(super) para_depth: u16,
    pub(super) para_hints: u32,
    pub(super) para_content: usize,
    pub(super) para_boilerplate: usize,

    pub(super) para_group: u32,
    /// Number of the last element pushed.
    pub(super) serial: u32,

    /// Offset of the next paragraph.
    pub(super) offset: usize,
    pub(super) paragraphs: Vec<Paragraph>,
    pub(super) content_chars: Vec<usize>,
    pub(super) boilerplate_chars: Vec<usize>,
    pub(super) gold: String,
    /// The last character appended to the current paragraph is in `gold`.
    pub(super) gold_run: bool,
}

impl<'a> Segmenter<'a> {
    pub(super) fn new(label_attr: Option<&'a [u8]>) -> Self {
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
            para_group: 0,
            serial: 0,
            offset: 0,
            paragraphs: Vec::new(),
            content_chars: Vec::new(),
            boilerplate_chars: Vec::new(),
            gold: String::new(),
            gold_run: false,
        }
    }

    pub(super) fn event(&mut self, event: CallbackEvent<'_>) {
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

    pub(super) fn top(&self) -> Entry {
        self.stack.last().copied().unwrap_or(ROOT)
    }

    /// The element at stack index `i` (`NONE` or out of range: none).
    pub(super) fn at(&self, i: u32) -> Option<&Entry> {
        self.stack.get(i as usize)
    }

    pub(super) fn open_start_tag(&mut self, name: &[u8]) {
        let tag = Tag::from_name(name);
        let info = tag.info();
        self.in_start = true;
        self.pending = tag;
        self.pending_ignore = false;
        self.pending_hints = 0;
        self.pending_label = None;
        self.pending_seen = 0;
        self.cur_attr = Attr::Other;
        if name == b"h1" {
            self.pending_hints = Hints::H1;
        }
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

    pub(super) fn attribute_name(&mut self, name: &[u8]) {
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
        } else if name == b"itemprop" {
            self.cur_attr = Attr::ItemProp;
        } else if name == b"aria-hidden" {
            self.cur_attr = Attr::AriaHidden;
        } else if name == b"aria-modal" {
            self.cur_attr = Attr::AriaModal;
        } else if name == b"style" {
            self.cur_attr = Attr::Style;
        } else if name == b"rel" {
            self.cur_attr = Attr::Rel;
        } else if name == b"hidden" {
            if !self.pending_inert {
                self.pending_hints |= Hints::HIDDEN;
            }
        } else if self.label_attr == Some(name) && self.pending_seen & SEEN_LABEL == 0 {
            self.pending_seen |= SEEN_LABEL;
            self.cur_attr = Attr::Label;
            // Carrying the attribute with an empty value is a label of its own.
            self.pending_label = Some(LABEL_OTHER);
        }
    }

    pub(super) fn attribute_value(&mut self, value: &[u8]) {
        if !self.in_start {
            return;
        }
        match self.cur_attr {
            // The classes of `<html>` and `<body>` name the page's state and features
            // (`modal-open`, `apple_music_player--enabled`, `molads_banner_top_off`), not a
            // region of it: as hints they would mark every paragraph of the page.
            Attr::Class | Attr::Id
                if !self.pending_inert && !matches!(self.pending, Tag::Html | Tag::Body) =>
            {
                self.pending_hints |= class_hints(value);
            }
            Attr::Role if !self.pending_inert => {
                self.pending_hints |= role_hints(value);
            }
            Attr::ItemProp if !self.pending_inert => {
                self.pending_hints |= itemprop_hints(value);
            }
            Attr::AriaHidden if !self.pending_inert && value.trim_ascii() == b"true" => {
                self.pending_hints |= Hints::HIDDEN;
            }
            Attr::AriaModal if !self.pending_inert && value.trim_ascii() == b"true" => {
                self.pending_hints |= Hints::CONSENT;
            }
            Attr::Style if !self.pending_inert && style_hides(value) => {
                self.pending_hints |= Hints::HIDDEN;
            }
            Attr::Rel
                if !self.pending_inert
                    && value
                        .split(u8::is_ascii_whitespace)
                        .any(|v| v.eq_ignore_ascii_case(b"author")) =>
            {
                self.pending_hints |= Hints::BYLINE;
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

    pub(super) fn close_start_tag(&mut self, self_closing: bool) {
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

    pub(super) fn push(&mut self, tag: Tag, info: Info) {
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
            e.block_group = top.container;
        }
        self.serial = self.serial.saturating_add(1);
        if is_container(tag) {
            e.container = self.serial;
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
    pub(super) fn pop_to(&mut self, i: usize) -> bool {
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
    pub(super) fn find_open(&self, tag: Tag, name: &[u8]) -> Option<usize> {
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

    pub(super) fn end_tag(&mut self, name: &[u8]) {
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

    pub(super) fn text(&mut self, value: &[u8]) {
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
    pub(super) fn push_word(&mut self, word: &str, n: usize, ctx: &Entry) {
        let link = ctx.flags & LINK != 0;
        let label = ctx.label;
        if self.chars == 0 {
            self.para_tag = ctx.block;
            self.para_depth = u16::try_from(self.stack.len()).unwrap_or(u16::MAX);
            self.para_hints = ctx.hints;
            self.para_group = ctx.block_group;
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

    pub(super) fn count_label(&mut self, label: i8, n: usize) {
        match label {
            LABEL_CONTENT => self.para_content += n,
            LABEL_BOILERPLATE => self.para_boilerplate += n,
            _ => {}
        }
    }

    /// Ends the current paragraph, if it has any text.
    pub(super) fn flush(&mut self) {
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
            group: self.para_group,
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

/// Whether `tag` contains blocks as a group of siblings: the paragraphs whose block elements it
/// holds share its number.
pub(super) fn is_container(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Div
            | Tag::Section
            | Tag::Article
            | Tag::Main
            | Tag::Header
            | Tag::Footer
            | Tag::Nav
            | Tag::Aside
            | Tag::Body
            | Tag::Html
            | Tag::Ul
            | Tag::Ol
            | Tag::Dl
            | Tag::Dir
            | Tag::Menu
            | Tag::Table
            | Tag::Td
            | Tag::Th
            | Tag::Blockquote
            | Tag::Form
            | Tag::Fieldset
            | Tag::Figure
            | Tag::Details
            | Tag::Dialog
            | Tag::Center
    )
}

/// The length in bytes of the whitespace character at byte `i` of `text` (`None`: not
/// whitespace or the end). `i` must be a character boundary.
pub(super) fn space_at(text: &str, i: usize) -> Option<usize> {
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
pub(super) fn is_ascii_space(b: u8) -> bool {
    const MASK: u64 = 1 << b'\t' | 1 << b'\n' | 1 << 0x0b | 1 << 0x0c | 1 << b'\r' | 1 << b' ';
    b <= b' ' && MASK & (1 << b) != 0
}

/// The length of the UTF-8 sequence starting with `lead`.
pub(super) fn utf8_len(lead: u8) -> usize {
    match lead {
        0..0xe0 => 1 + usize::from(lead >= 0xc0),
        0xe0..0xf0 => 3,
        _ => 4,
    }
}
