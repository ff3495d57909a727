//! Raw cost of three HTML parsing options on the same real pages, measured in the same run.
//!
//! Each option does the same minimal segmenter-like work: visit every token / node, cut a
//! paragraph at the start and end of every block-level element, collect text with whitespace
//! collapsed (nothing inside script, style, …), and count the characters inside `<a>`.
//! One thread; one warm-up pass, then 7 timed passes with the options interleaved; medians.

use std::cell::RefCell;
use std::convert::Infallible;
use std::hint::black_box;
use std::io::BufRead;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Block-level elements (a paragraph break at their start and end) and elements whose text is
/// dropped; `kind` must agree with these lists, which also make lol_html's selectors.
#[rustfmt::skip]
const BLOCK: &[&str] = &[
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
];
const SKIP: &[&str] = &[
    "iframe", "math", "noscript", "script", "select", "style", "svg", "template", "title",
];
const PASSES: usize = 7;
type Parse<'a> = dyn Fn(&str) -> Output + 'a;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Block,
    Link,
    Skip,
    Other,
}

fn kind(name: &[u8]) -> Kind {
    match name {
        b"a" => Kind::Link,
        b"address" | b"article" | b"aside" | b"blockquote" | b"body" | b"br" | b"caption"
        | b"dd" | b"div" | b"dl" | b"dt" | b"figcaption" | b"figure" | b"footer" | b"form"
        | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"header" | b"hr" | b"li" | b"main"
        | b"nav" | b"ol" | b"p" | b"pre" | b"section" | b"table" | b"td" | b"th" | b"tr"
        | b"ul" => Kind::Block,
        b"iframe" | b"math" | b"noscript" | b"script" | b"select" | b"style" | b"svg"
        | b"template" | b"title" => Kind::Skip,
        _ => Kind::Other,
    }
}

/// What each option produces: paragraphs and the count of link characters.
#[derive(Default)]
struct Collector {
    paras: Vec<String>,
    cur: String,
    space: bool,
    link_chars: usize,
    skip: u32,
    link: u32,
}

impl Collector {
    fn text(&mut self, s: &str) {
        if self.skip > 0 {
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = !self.cur.is_empty();
            } else {
                if self.space {
                    self.cur.push(' ');
                    self.space = false;
                }
                self.cur.push(c);
                self.link_chars += usize::from(self.link > 0);
            }
        }
    }

    fn brk(&mut self) {
        self.space = false;
        if !self.cur.is_empty() {
            self.paras.push(std::mem::take(&mut self.cur));
        }
    }

    /// Start (`+1`) or end (`-1`) of an element, for the options that track nesting themselves.
    fn tag(&mut self, k: Kind, delta: i32) {
        match k {
            Kind::Block => self.brk(),
            Kind::Link => self.link = self.link.saturating_add_signed(delta),
            Kind::Skip => self.skip = self.skip.saturating_add_signed(delta),
            Kind::Other => {}
        }
    }

    fn finish(mut self) -> Output {
        self.brk();
        (self.paras, self.link_chars)
    }
}

/// The paragraphs of a page and the number of their characters inside `<a>`.
type Output = (Vec<String>, usize);

/// (1) html5gum tokenizer with the borrowing callback emitter, as parasift uses it.
fn gum(html: &str) -> Output {
    use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
    let mut c = Collector::default();
    let mut emitter = CallbackEmitter::new(|ev: CallbackEvent<'_>, _: html5gum::Span<()>| {
        match ev {
            CallbackEvent::OpenStartTag { name } => c.tag(kind(name), 1),
            CallbackEvent::EndTag { name } => c.tag(kind(name), -1),
            CallbackEvent::String { value } => c.text(std::str::from_utf8(value).unwrap_or("")),
            _ => {}
        }
        None::<Infallible>
    });
    emitter.naively_switch_states(true);
    let Ok(()) = html5gum::Tokenizer::new_with_emitter(html, emitter).finish();
    c.finish()
}

/// (2) Full HTML5 tree construction with html5ever via `scraper`, then a walk of the tree.
fn tree(html: &str) -> Output {
    use ego_tree::iter::Edge;
    use scraper::Node;
    let doc = scraper::Html::parse_document(html);
    let mut c = Collector::default();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) => c.tag(kind(e.name().as_bytes()), 1),
                Node::Text(t) => c.text(t),
                _ => {}
            },
            Edge::Close(n) => {
                if let Node::Element(e) = n.value() {
                    c.tag(kind(e.name().as_bytes()), -1);
                }
            }
        }
    }
    c.finish()
}

/// (3) lol_html streaming rewriter (output discarded). Nesting is tracked by lol_html's selector
/// matching: element-content text handlers run before document ones for the same chunk, so the
/// `skip` / `a` handlers flag the chunk that the document handler then collects. Character
/// references are decoded with `html-escape`.
fn lol(html: &str, [block_sel, skip_sel, link_sel]: &[lol_html::Selector; 3]) -> Output {
    use lol_html::html_content::{Element, TextChunk};
    use lol_html::{ElementContentHandlers, HtmlRewriter, Settings, doc_text, end_tag};
    use std::borrow::Cow::Borrowed;
    let c = Rc::new(RefCell::new(Collector::default()));
    let (c1, c2, c3, c4) = (c.clone(), c.clone(), c.clone(), c.clone());
    let block = ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
        c1.borrow_mut().brk();
        if el.can_have_content() {
            let c = c1.clone();
            el.on_end_tag(end_tag!(move |_| {
                c.borrow_mut().brk();
                Ok(())
            }))?;
        }
        Ok(())
    });
    let flag = |c: Rc<RefCell<Collector>>, set: fn(&mut Collector)| {
        ElementContentHandlers::default().text(move |_: &mut TextChunk<'_>| {
            set(&mut c.borrow_mut());
            Ok(())
        })
    };
    let skip = flag(c2, |c| c.skip = 1);
    let link = flag(c3, |c| c.link = 1);
    let settings = Settings::new()
        .append_element_content_handler((Borrowed(block_sel), block))
        .append_element_content_handler((Borrowed(skip_sel), skip))
        .append_element_content_handler((Borrowed(link_sel), link))
        .append_document_content_handler(doc_text!(move |t| {
            let mut c = c4.borrow_mut();
            // lol_html passes text through undecoded; the other two decode character references.
            if c.skip == 0 {
                c.text(&html_escape::decode_html_entities(t.as_str()));
            }
            (c.skip, c.link) = (0, 0);
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).expect("lol_html write");
    rewriter.end().expect("lol_html end");
    let c = Rc::try_unwrap(c).ok().expect("handlers dropped");
    c.into_inner().finish()
}

fn load_pages(path: &str) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let reader = std::io::BufReader::new(zstd::Decoder::new(file).expect("zstd"));
    reader
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(&line.expect("read")).expect("json");
            v["html"].as_str().expect("html field").to_owned()
        })
        .collect()
}

fn main() {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/pages.jsonl.zst");
    let pages = load_pages(&std::env::args().nth(1).unwrap_or(default.into()));
    let bytes: usize = pages.iter().map(String::len).sum();
    for (list, k) in [(BLOCK, Kind::Block), (SKIP, Kind::Skip)] {
        assert!(list.iter().all(|t| kind(t.as_bytes()) == k));
    }
    let sel = [BLOCK.join(", "), SKIP.join(", "), "a".into()].map(|s| s.parse().expect("selector"));
    let options: [(&str, &Parse); 3] = [
        ("html5gum 0.9.0 tokenizer, callback emitter", &gum),
        ("scraper 0.29.0 (html5ever 0.40.1) tree + walk", &tree),
        ("lol_html 3.0.3 rewriter + html-escape 0.3.0", &|h| {
            lol(h, &sel)
        }),
    ];
    // Warm-up pass, which also gives the sanity check: counts, and the same paragraphs as (1).
    let outputs: Vec<Vec<Output>> = options
        .iter()
        .map(|(_, f)| pages.iter().map(|p| f(p)).collect())
        .collect();
    let mut times = vec![Vec::new(); options.len()];
    for _ in 0..PASSES {
        for (i, (_, f)) in options.iter().enumerate() {
            let start = Instant::now();
            for p in &pages {
                black_box(f(black_box(p)));
            }
            times[i].push(start.elapsed());
        }
    }
    let medians: Vec<Duration> = times
        .iter_mut()
        .map(|v| *v.select_nth_unstable(PASSES / 2).1)
        .collect();
    let mb = bytes as f64 / 1e6;
    println!(
        "{} pages, {mb:.2} MB of HTML; median of {PASSES} passes after 1 warm-up, one thread\n",
        pages.len()
    );
    println!(
        "| Option | ms / pass | MB/s | time vs (1) | paragraphs | text chars | link chars | same paragraphs as (1) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for (i, (name, _)) in options.iter().enumerate() {
        let t = medians[i].as_secs_f64();
        let paras = outputs[i].iter().map(|o| o.0.len()).sum::<usize>();
        let chars: usize = outputs[i]
            .iter()
            .flat_map(|o| &o.0)
            .map(|p| p.chars().count())
            .sum();
        let links: usize = outputs[i].iter().map(|o| o.1).sum();
        let same = outputs[i] == outputs[0];
        println!(
            "| ({}) {name} | {:.1} | {:.1} | {:.2}× | {paras} | {chars} | {links} | {same} |",
            i + 1,
            t * 1e3,
            mb / t,
            t / medians[0].as_secs_f64(),
        );
    }
}
