//! Paragraph roles: what a paragraph is on the page, from its score, its markup and its text.
//!
//! The classifier says how content-like a paragraph is. A content-like paragraph is then a
//! `title`, a `byline`, a `caption` or `body`; the others are `navigation`, `related`, `comment`,
//! `legal`, `promo` or `other`. Which roles count as content is the caller's choice
//! ([`ContentRoles`]); by default `body` and `title`, so captions, photo credits and bylines,
//! which the score alone often keeps, are boilerplate. Each role comes with the reason it was
//! given (`parasift inspect` shows it).

use crate::document::{BlockTag, Document, Hints};
use crate::error::{Error, Result};
use crate::features::DocAnalysis;

/// What a paragraph is on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The headline.
    Title,
    /// Author, date and other lines about the article.
    Byline,
    /// A figure's caption or a photo credit.
    Caption,
    /// Article text, subheadings, quotes, tables and lists that are the content.
    Body,
    /// Menus, breadcrumbs, link lists.
    Navigation,
    /// Teasers of other articles, "more stories".
    Related,
    /// Readers' comments.
    Comment,
    /// Cookie and consent notices, copyright and legal lines.
    Legal,
    /// Share, newsletter, subscription, donation and advertising prompts.
    Promo,
    /// Any other boilerplate.
    Other,
}

impl Role {
    /// Every role, content-like ones first.
    pub const ALL: [Role; 10] = [
        Role::Title,
        Role::Byline,
        Role::Caption,
        Role::Body,
        Role::Navigation,
        Role::Related,
        Role::Comment,
        Role::Legal,
        Role::Promo,
        Role::Other,
    ];

    /// The role's name in output and options (`"body"`, `"title"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Byline => "byline",
            Role::Caption => "caption",
            Role::Body => "body",
            Role::Navigation => "navigation",
            Role::Related => "related",
            Role::Comment => "comment",
            Role::Legal => "legal",
            Role::Promo => "promo",
            Role::Other => "other",
        }
    }

    /// The role named `name`.
    ///
    /// # Errors
    /// [`Error::InvalidParam`] naming the roles there are.
    pub fn parse(name: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.name() == name.trim())
            .ok_or_else(|| Error::InvalidParam {
                name: "content role",
                value: name.to_string(),
                reason: "one of title, byline, caption, body, navigation, related, comment, \
                         legal, promo, other",
            })
    }
}

/// The set of roles that count as content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentRoles(u16);

impl Default for ContentRoles {
    /// `body` and `title`.
    fn default() -> Self {
        ContentRoles::of(&[Role::Body, Role::Title])
    }
}

impl ContentRoles {
    /// The set of `roles`.
    pub fn of(roles: &[Role]) -> ContentRoles {
        ContentRoles(roles.iter().fold(0, |m, &r| m | 1 << r as u16))
    }

    /// Parses a comma-separated list of role names (`"body,title,caption"`).
    ///
    /// # Errors
    /// [`Error::InvalidParam`] for an unknown name.
    pub fn parse(list: &str) -> Result<ContentRoles> {
        let roles = list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Role::parse)
            .collect::<Result<Vec<_>>>()?;
        Ok(ContentRoles::of(&roles))
    }

    /// Whether `role` counts as content.
    pub fn contains(self, role: Role) -> bool {
        self.0 & (1 << role as u16) != 0
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|&r| self.contains(r))
            .collect()
    }
}

/// Most words a caption or a byline has.
const SHORT_WORDS: u32 = 40;
const BYLINE_WORDS: u32 = 16;
/// Words at most in a control's label that is taken for a label (`Play`, `Current Time 0:00`):
/// a longer text inside a control (an accordion's question, say) is judged by its score.
const CONTROL_WORDS: u32 = 4;

fn starts_with_any(text: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        text.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    })
}

/// Text that reads like a photo credit or a slideshow counter.
fn caption_text(text: &str, words: u32) -> bool {
    if words > SHORT_WORDS {
        return false;
    }
    const MARKS: &[&str] = &[
        "Getty Images",
        "AP Photo",
        "Reuters/",
        "/Reuters",
        "/AFP",
        "AFP/",
        "Shutterstock",
        "dpa/",
        "/dpa",
        "Photo credit",
        "Image credit",
        "Bildquelle",
        "Bildnachweis",
        "Foto:",
        "© AFP",
        "© dpa",
        "© Reuters",
        "© Getty",
        "Crédits photos",
        "Crédit photo",
    ];
    if starts_with_any(
        text,
        &[
            "Photo:",
            "Photograph:",
            "Image:",
            "Picture:",
            "Photo by ",
            "Foto:",
            "Bild:",
            "Beitragsbild",
        ],
    ) || MARKS.iter().any(|m| text.contains(m))
    {
        return true;
    }
    // "3 of 12", "Image 3 of 12".
    let w: Vec<&str> = text.split_whitespace().collect();
    let n = w.len();
    (3..=4).contains(&n)
        && w[n - 2].eq_ignore_ascii_case("of")
        && w[n - 3].bytes().all(|b| b.is_ascii_digit())
        && w[n - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Text that reads like a byline or a dateline.
fn byline_text(text: &str, words: u32) -> bool {
    words <= BYLINE_WORDS
        && starts_with_any(
            text,
            &[
                "By ",
                "Written by",
                "Posted by",
                "Posted on",
                "Published",
                "Updated",
                "Last updated",
                "Von ",
                "Par ",
                "Por ",
                "Autor:",
                "Author:",
            ],
        )
}

fn legal_text(text: &str) -> bool {
    const MARKS: &[&str] = &[
        "©",
        "All rights reserved",
        "all rights reserved",
        "Copyright",
        "cookies",
        "Cookies",
        "Privacy Policy",
        "privacy policy",
        "Terms of Use",
        "Terms of Service",
        "Datenschutz",
        "Impressum",
    ];
    MARKS.iter().any(|m| text.contains(m))
}

fn promo_text(text: &str, words: u32) -> bool {
    words <= 20
        && starts_with_any(
            text,
            &[
                "Share",
                "Subscribe",
                "Sign up",
                "Follow us",
                "Advertisement",
                "Donate",
                "Support our",
                "Newsletter",
                "Click here",
                "Read more",
            ],
        )
}

/// Most words of a content-like paragraph that [`prompt_text`] may take for a prompt.
pub const PROMPT_WORDS: u32 = 40;

/// Text that reads like one of the prompts and notices pages put inside or under an article,
/// in the languages of the dev pages and their neighbours, whatever its markup: a "read also"
/// link, a plea for donations or subscriptions, a follow-us or newsletter prompt, the heading of
/// the comments, the consent placeholder of an embedded post or video, a list of tags, an
/// advertising or medical disclaimer, a post's publication line. Its role, and why; `None` for anything else. Only
/// phrases that article text does not open with (or, for the longer notices, does not contain)
/// are listed, and only paragraphs of at most [`PROMPT_WORDS`] words are looked at.
fn prompt_text(text: &str, words: u32) -> Option<(Role, &'static str)> {
    if words > PROMPT_WORDS {
        return None;
    }
    const READ_ALSO: &[&str] = &[
        "Read also",
        "Read more:",
        "Also read",
        "See also:",
        "Lea también",
        "Lea más:",
        "Lea:",
        "Lee también",
        "Leia também",
        "Leia mais:",
        "Lesen Sie auch",
        "Lesen Sie mehr",
        "Mehr zum Thema:",
        "Auch interessant:",
        "Lire aussi",
        "À lire aussi",
        "A lire aussi",
        "Leggi anche",
        "Czytaj też",
        "Czytaj także",
        "Читайте также",
        "Le puede interesar",
        "Te puede interesar",
        "Puedes ver:",
        "Explore further",
        "Mehr zum Thema auf",
        "Weitere Beiträge zu",
        "Vorschau auf den nächsten Artikel",
    ];
    const FOLLOW: &[&str] = &[
        "Follow us",
        "Síguenos",
        "Siga-nos",
        "Nos siga",
        "Suivez-nous",
        "Folgen Sie uns",
        "Folge uns",
        "Seguici",
        "Únete a nuestro canal",
        "Join our Telegram",
        "Join us on",
        "Siguenos en",
    ];
    const TAGS: &[&str] = &[
        "Tags:",
        "Etiquetas:",
        "Schlagwörter:",
        "Stichwörter:",
        "Schlagworte:",
        "Mots-clés:",
        "Mots-clés :",
        "Tag:",
        "Tagged:",
        "Tagged with:",
    ];
    const POSTED: &[&str] = &[
        "Der Beitrag wurde am",
        "Dieser Beitrag wurde am",
        "This entry was posted",
        "This post was published",
        "Publicado el",
        "Veröffentlicht am",
        "Dieser Eintrag wurde veröffentlicht",
        "Letzte Aktualisierung am",
        "opublikowano:",
    ];
    // Longer notices: found anywhere in a short paragraph.
    const APPEALS: &[&str] = &[
        "Jetzt spenden",
        "Jede Spende hilft",
        "Jede kleine Spende",
        "Spenden Sie jetzt",
        "consider supporting",
        "support our work",
        "Support our journalism",
        "Become a member",
        "Unterstützen Sie unsere",
        "Unterstütze uns",
        "Apoya nuestro periodismo",
        "Soutenez-nous",
        "Gefällt dir unser",
        "Gefällt Ihnen unser",
        "Double-Opt-In",
        "für unseren Newsletter",
        "Newsletter abonnieren",
        "sign up for our newsletter",
        "Sign up for our newsletter",
        "subscribe to our newsletter",
        "Subscribe to our newsletter",
        "Suscríbete a nuestro",
        "Abonnez-vous à notre",
        "Subscribe now",
        "Join our newsletter",
        "up to our newsletter",
        "by email and never miss",
        "Submit your letter to the editor",
        "Submit a letter to the editor",
        "We want to hear what you think about this article",
        "do subskrypcji",
        "Cancela cuando quieras",
        "Instant access to the full article",
    ];
    const CONSENT: &[&str] = &[
        "Externer Inhalt",
        "externe Inhalte",
        "Inhalte von Drittanbietern",
        "Wir respektieren deine Privatsphäre",
        "Wir respektieren Ihre Privatsphäre",
        "persönlichen Daten zu schützen",
        "freischalten",
        "External content",
        "third-party content",
        "Third-party content",
        "to load this content",
        "Contenido externo",
        "Contenu externe",
        // Cookie banners, in the first person.
        "We use cookies",
        "we use cookies",
        "This site uses cookies",
        "This website uses cookies",
        "Wir verwenden Cookies",
        "wir verwenden Cookies",
        "Diese Website verwendet Cookies",
        "Wir nutzen Cookies",
        "Utilizamos cookies",
        "Usamos cookies",
        "Nous utilisons des cookies",
        "Utilizziamo i cookie",
        "accept our privacy terms",
        "korzystamy z cookies",
        "Klicken Sie auf den unteren Button",
        // Copyright notices.
        "All rights reserved",
        "all rights reserved",
        "Alle Rechte vorbehalten",
        "Todos los derechos reservados",
        "Tous droits réservés",
        "wszelkie prawa zastrzeżone",
        "chroniony prawem autorskim",
        "ACCEPT AND CONTINUE",
        "Accept and continue",
    ];
    const DISCLAIMERS: &[&str] = &[
        "contains references to products from",
        "contains affiliate links",
        "may earn a commission",
        "We may receive a commission",
        "does not offer medical advice",
        "does not provide medical advice",
        "not intended as medical advice",
        "Affiliate-Links",
        "Provisions-Links",
        "Bei den Verlinkungen handelt es sich um",
        "through an independent review process",
    ];
    if starts_with_any(text, READ_ALSO) {
        return Some((Role::Related, "reads like a \"read also\" link"));
    }
    if figure_label(text) {
        return Some((Role::Caption, "reads like a numbered figure caption"));
    }
    if starts_with_any(text, TAGS) {
        return Some((Role::Navigation, "a list of tags"));
    }
    if starts_with_any(text, POSTED) {
        return Some((Role::Byline, "reads like a post's publication line"));
    }
    if comments_heading(text) {
        return Some((Role::Comment, "reads like the heading of the comments"));
    }
    // Account prompts: "Sign in", "Register for a free account", "Log in with your … account".
    let account = (words <= 3 && starts_with_any(text, &["Sign in", "Log in", "Register"]))
        || starts_with_any(
            text,
            &[
                "Register for a free",
                "Sign up for a free",
                "Log in with your",
            ],
        );
    if account || starts_with_any(text, FOLLOW) || APPEALS.iter().any(|m| text.contains(m)) {
        return Some((
            Role::Promo,
            "reads like a donation, subscription, newsletter or follow-us prompt",
        ));
    }
    if CONSENT.iter().any(|m| text.contains(m)) || DISCLAIMERS.iter().any(|m| text.contains(m)) {
        return Some((
            Role::Legal,
            "reads like the consent placeholder of embedded content or a disclaimer",
        ));
    }
    None
}

/// A numbered figure caption: "Abbildung 4: …", "Figure 2. …", "Abb. 3: …" (but not "Figure 2
/// shows …").
fn figure_label(text: &str) -> bool {
    ["Abbildung ", "Abb. ", "Figure ", "Fig. "].iter().any(|p| {
        starts_with_any(text, &[p]) && {
            let rest = &text[p.len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            (1..=3).contains(&digits) && matches!(rest.as_bytes().get(digits), Some(b':' | b'.'))
        }
    })
}

/// The heading or the prompt of a comment section: "Comments (35)", "12 Comments", "Leave a
/// Reply", "Kommentare (3)", "Comment by Daniel", "200 Comments. Click to view comments".
fn comments_heading(text: &str) -> bool {
    const OPENINGS: &[&str] = &[
        "Comments (",
        "Comment by ",
        "Leave a comment",
        "Leave a Reply",
        "Post a comment",
        "Add a comment",
        "Kommentare (",
        "Kommentar schreiben",
        "Kommentar verfassen",
        "Schreibe einen Kommentar",
        "Deja un comentario",
        "Comentarios (",
        "Commentaires (",
        "Laisser un commentaire",
        "Lascia un commento",
        "Commenti (",
    ];
    if starts_with_any(text, OPENINGS) {
        return true;
    }
    // "12 Comments", "200Comments. Click to view comments", "3 Kommentare".
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.len() < text.len()
        && starts_with_any(
            rest.trim_start(),
            &[
                "Comments",
                "Comment",
                "Kommentare",
                "Kommentar",
                "Comentarios",
                "Commentaires",
            ],
        )
        && text.split_whitespace().count() <= 6
}

/// Hands `f` the role and its reason of every paragraph of an analysed document, in order,
/// from whether each is content-like (`content_like[i]`).
pub(crate) fn assign_each(
    a: &DocAnalysis<'_>,
    content_like: &[bool],
    mut f: impl FnMut((Role, &'static str)),
) {
    let doc: &Document = a.doc;
    let first_body = (0..doc.paragraphs.len()).find(|&i| content_like[i] && a.paras[i].is_prose());
    let mut title_given = false;
    for (i, p) in doc.paragraphs.iter().enumerate() {
        let st = &a.paras[i];
        let h = p.hints;
        let words = st.words;
        let later_copy = a.earlier_copies[i] > 0 && words >= 5 && {
            // A copy of the article comes as a run of copies; one repeated paragraph alone is
            // more often the text repeating itself.
            let copy = |j: usize| a.earlier_copies[j] > 0 && a.paras[j].words >= 5;
            (i > 0 && copy(i - 1)) || (i + 1 < doc.paragraphs.len() && copy(i + 1))
        };
        let role = if later_copy {
            (
                Role::Other,
                "a copy of an earlier paragraph of the document",
            )
        } else if content_like[i] {
            if h.has(Hints::CONTROL) && words <= CONTROL_WORDS && !st.terminal {
                (
                    Role::Other,
                    "the label of a button, a player control or another widget",
                )
            } else if let Some(role) = prompt_text(&p.text, words) {
                role
            } else if h.has(Hints::CAPTION) && words <= SHORT_WORDS {
                (
                    Role::Caption,
                    "inside a figure caption or a caption/credit class",
                )
            } else if caption_text(&p.text, words) {
                (
                    Role::Caption,
                    "reads like a photo credit or a slideshow counter",
                )
            } else if h.has(Hints::BYLINE) && words <= BYLINE_WORDS && !st.terminal {
                (
                    Role::Byline,
                    "inside <time>, <address> or a byline/author/date class",
                )
            } else if byline_text(&p.text, words) {
                (Role::Byline, "reads like a byline or a dateline")
            } else if !title_given && h.has(Hints::H1) {
                title_given = true;
                (Role::Title, "the first <h1> kept")
            } else if !title_given
                && first_body.is_none_or(|b| i < b)
                && (p.tag == BlockTag::Heading
                    || (p.tag == BlockTag::None && words <= 20 && !st.terminal && words >= 2))
            {
                title_given = true;
                (
                    Role::Title,
                    "the first heading kept, before the article text",
                )
            } else {
                (Role::Body, "content-like")
            }
        } else if h.has(Hints::CONSENT) || legal_text(&p.text) {
            (Role::Legal, "a consent, cookie, copyright or legal notice")
        } else if h.has(Hints::CLASS_COMMENT) || h.has(Hints::NEAREST_COMMENT) {
            (Role::Comment, "inside a comment class")
        } else if h.has(Hints::PROMO) || promo_text(&p.text, words) {
            (
                Role::Promo,
                "a share, newsletter, subscription or advertising prompt",
            )
        } else if h.has(Hints::RELATED) {
            (
                Role::Related,
                "inside a related/teaser/recommendation class",
            )
        } else if h.has(Hints::NAV) || a.link_share(i) >= 0.5 {
            (Role::Navigation, "navigation markup or mostly links")
        } else {
            (Role::Other, "boilerplate-like")
        };
        f(role);
    }
}

/// Share of an HTML page's characters, at least, that the container of a page without prose
/// holds for [`best_block`] to keep it.
pub const LISTING_SHARE: f32 = 0.4;

/// Paragraphs, at least, of that container.
pub const LISTING_PARAS: u32 = 8;

/// For a page whose paragraphs all fell below the threshold: the paragraphs to keep anyway.
/// With long prose, the best-scoring prose paragraph and the other prose paragraphs of its
/// container. Without (a listing, a table, a discography), the container holding most of the
/// page's text ([`LISTING_SHARE`], [`LISTING_PARAS`]) and what lies between its paragraphs
/// (the headings of its sections), but no menu, footer, hidden, consent or promotion text. The
/// paragraphs and the reason they are kept; none when something is kept already or nothing looks
/// like either.
pub fn best_block(
    a: &DocAnalysis<'_>,
    scores: &[f32],
    kept: &[bool],
) -> (Vec<usize>, &'static str) {
    if kept.iter().any(|&k| k) {
        return (Vec::new(), "");
    }
    let Some(best) = a
        .prose
        .iter()
        .copied()
        .filter(|&i| a.earlier_copies[i] == 0)
        .max_by(|&x, &y| scores[x].total_cmp(&scores[y]))
    else {
        let body = body_sentences(a);
        if !body.is_empty() {
            return (
                body,
                "the article body's sentences of a page without long prose that would keep nothing",
            );
        }
        return (
            listing(a),
            "the container of most of the text of a page without prose that would keep nothing",
        );
    };
    let group = a.doc.paragraphs[best].group;
    let block = a
        .prose
        .iter()
        .copied()
        .filter(|&i| {
            a.earlier_copies[i] == 0
                && (i == best || (group != 0 && a.doc.paragraphs[i].group == group))
        })
        .collect();
    (block, "the best block of a page that would keep nothing")
}

/// Hints of text beside the content, which [`best_block`] never keeps: menus, footers, hidden
/// text, consent panels and promotions.
const ASIDE: u32 = Hints::NAV | Hints::FOOTER | Hints::HIDDEN | Hints::CONSENT | Hints::PROMO;

/// Words, at least, of a sentence in the article body that [`best_block`] keeps on a page
/// without long prose.
pub const BODY_SENTENCE_WORDS: u32 = 8;

/// The sentences marked as the article body (`itemprop="articleBody"`, `article-body`, …) of a
/// page without long prose: a paywalled or very short article says only a sentence or two.
fn body_sentences(a: &DocAnalysis<'_>) -> Vec<usize> {
    (0..a.paras.len())
        .filter(|&i| {
            let (p, st) = (&a.doc.paragraphs[i], &a.paras[i]);
            p.hints.has(Hints::BODY)
                && p.hints.0 & ASIDE == 0
                && st.terminal
                && st.words >= BODY_SENTENCE_WORDS
                && a.earlier_copies[i] == 0
        })
        .collect()
}

/// The container of a page without prose that holds most of its text, and what lies between
/// its paragraphs that is not a menu, footer, hidden, consent or promotion text: see
/// [`best_block`].
fn listing(a: &DocAnalysis<'_>) -> Vec<usize> {
    // Plain text has no markup to tell the menus and footers apart from a listing.
    if a.doc.format != crate::document::Format::Html {
        return Vec::new();
    }
    let Some((first, last)) = a.groups.dominant(LISTING_SHARE, LISTING_PARAS) else {
        return Vec::new();
    };
    (first..=last)
        .filter(|&i| {
            a.groups.same(i, first)
                || (a.doc.paragraphs[i].hints.0 & ASIDE == 0 && a.earlier_copies[i] == 0)
        })
        .collect()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The first date written in `text`: `2025-06-18`, `18.06.2025` or `18/06/2025`,
/// `June 18, 2025` (or `Jun 18, 2025`), as written.
pub fn find_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |at: usize, n: usize| {
        b.get(at..at + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && !b.get(at + n).is_some_and(u8::is_ascii_digit)
            && (at == 0 || !b[at - 1].is_ascii_digit())
    };
    for i in 0..b.len() {
        // 2025-06-18
        if b.get(i..i + 10).is_some_and(|w| {
            w[..4].iter().all(u8::is_ascii_digit)
                && w[4] == b'-'
                && w[5..7].iter().all(u8::is_ascii_digit)
                && w[7] == b'-'
                && w[8..].iter().all(u8::is_ascii_digit)
        }) && (i == 0 || !b[i - 1].is_ascii_digit())
            && !b.get(i + 10).is_some_and(u8::is_ascii_digit)
        {
            return text.get(i..i + 10).map(str::to_string);
        }
        // 18.06.2025, 8/6/2025
        for d in [1, 2] {
            for m in [1, 2] {
                let (s1, s2) = (i + d, i + d + 1 + m);
                if digits(i, d)
                    && matches!(b.get(s1), Some(b'.' | b'/'))
                    && b.get(s2) == b.get(s1)
                    && digits(s1 + 1, m)
                    && digits(s2 + 1, 4)
                {
                    return text.get(i..s2 + 5).map(str::to_string);
                }
            }
        }
    }
    // June 18, 2025
    let words: Vec<&str> = text.split_whitespace().collect();
    for w in words.windows(3) {
        let month = MONTHS
            .iter()
            .any(|m| *m == w[0] || (w[0].len() >= 3 && m.starts_with(w[0].trim_end_matches('.'))));
        let day = w[1].trim_end_matches(',');
        let year = w[2].trim_end_matches(|c: char| !c.is_ascii_digit());
        if month
            && (1..=2).contains(&day.len())
            && day.bytes().all(|c| c.is_ascii_digit())
            && year.len() == 4
            && year.bytes().all(|c| c.is_ascii_digit())
        {
            return Some(format!("{} {} {}", w[0], w[1], year));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_as_written() {
        assert_eq!(
            find_date(" date 2025-06-18 403").as_deref(),
            Some("2025-06-18")
        );
        assert_eq!(
            find_date("Stand: 18.06.2025, 10:12").as_deref(),
            Some("18.06.2025")
        );
        assert_eq!(
            find_date("Updated June 18, 2025 at 9am").as_deref(),
            Some("June 18, 2025")
        );
        assert_eq!(find_date("Jun. 8, 2025").as_deref(), Some("Jun. 8, 2025"));
        assert_eq!(find_date("In 2025 we sold 12.5 million."), None);
        assert_eq!(find_date("Phone 12345-67-890"), None);
    }

    use super::*;

    #[test]
    fn role_names_parse_back() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.name()).unwrap(), r);
        }
        let e = Role::parse("headline").unwrap_err().to_string();
        assert!(e.contains("headline") && e.contains("caption"), "{e}");
        let set = ContentRoles::parse("body, caption").unwrap();
        assert_eq!(set.roles(), [Role::Caption, Role::Body]);
        assert_eq!(ContentRoles::default().roles(), [Role::Title, Role::Body]);
    }

    #[test]
    fn control_labels_are_not_body() {
        let mut doc = Document::from_paragraphs(
            "d",
            &[
                "Play",
                "Current Time 0:00",
                "What does the council's new budget mean for the parks of the city?",
                "The council voted on Tuesday to approve the budget for the parks.",
            ],
        );
        doc.format = crate::document::Format::Html;
        for p in &mut doc.paragraphs[..3] {
            p.hints = Hints(Hints::CONTROL);
        }
        let a = DocAnalysis::new(&doc);
        let mut roles: Vec<Role> = Vec::new();
        assign_each(&a, &[true; 4], |r| roles.push(r.0));
        assert_eq!(roles, [Role::Other, Role::Other, Role::Body, Role::Body]);
    }

    #[test]
    fn credits_bylines_and_counters() {
        assert!(caption_text("Photo: Jane Doe/Getty Images", 4));
        assert!(caption_text("3 of 12", 3));
        assert!(caption_text("Image 3 of 12", 4));
        assert!(!caption_text("He had 3 of 12 votes", 6));
        assert!(byline_text("By Jane Doe and John Roe", 6));
        assert!(!byline_text("Bystanders said the fire began at night.", 7));
        assert!(legal_text("© 2024 Example News. All rights reserved."));
    }

    /// A discography: a menu, then one container of linked song titles with the album
    /// headings between its parts, then a footer. Nothing is long prose.
    fn discography() -> Document {
        let mut html = String::from(
            "<html><body><nav><ul><li><a href=/>Home</a></li><li><a href=/a>Artists</a></li>\
             <li><a href=/s>Submit Lyrics</a></li></ul></nav><div id=listing>",
        );
        for album in 0..3 {
            html.push_str(&format!(
                "<div class=album>album: <b>\"Record {album}\"</b> (200{album})</div>"
            ));
            for song in 0..6 {
                html.push_str(&format!(
                    "<a href=/s{album}{song}>Song {album}{song} Title</a><br>"
                ));
            }
        }
        html.push_str(
            "</div><footer><p>Privacy Policy</p><p>Contact Us</p></footer></body></html>",
        );
        Document::from_html("page", &html)
    }

    #[test]
    fn a_page_without_prose_that_keeps_nothing_keeps_its_listing() {
        let doc = discography();
        let a = DocAnalysis::new(&doc);
        let n = doc.paragraphs.len();
        let kept: Vec<&str> = best_block(&a, &vec![0.0; n], &vec![false; n])
            .0
            .into_iter()
            .map(|i| doc.paragraphs[i].text.as_str())
            .collect();
        assert!(
            kept.contains(&"Song 00 Title") && kept.contains(&"Song 25 Title"),
            "{kept:?}"
        );
        // The headings between the container's parts, but not the heading before it.
        assert!(kept.contains(&"album: \"Record 1\" (2001)"), "{kept:?}");
        for menu in ["Home", "Submit Lyrics", "Privacy Policy", "Contact Us"] {
            assert!(!kept.contains(&menu), "{menu} kept: {kept:?}");
        }
        // Nothing is added to a page that keeps something.
        let mut some = vec![false; n];
        some[0] = true;
        assert!(best_block(&a, &vec![0.0; n], &some).0.is_empty());
    }

    #[test]
    fn a_short_article_that_keeps_nothing_keeps_its_body_sentences() {
        let html = "<html><body><nav><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></nav>\
            <article><h1>Prison official: anyone could escape</h1>\
            <div class=\"article-body\"><p>A senior prison official has said in a sworn affidavit that anyone \
            with enough determination could escape.</p><p>Subscribe now</p></div>\
            <p>You have 4 free articles left this month, so read them while you can.</p></article>\
            <footer><p>Copyright 2022 The Compass. All rights reserved by the publisher.</p></footer></body></html>";
        let doc = Document::from_html("page", html);
        let a = DocAnalysis::new(&doc);
        let n = doc.paragraphs.len();
        assert!(a.prose.is_empty());
        let (kept, _) = best_block(&a, &vec![0.0; n], &vec![false; n]);
        let kept: Vec<&str> = kept
            .into_iter()
            .map(|i| doc.paragraphs[i].text.as_str())
            .collect();
        assert_eq!(
            kept,
            [
                "A senior prison official has said in a sworn affidavit that anyone with enough determination could escape."
            ]
        );
    }

    #[test]
    fn a_page_whose_text_is_spread_over_small_containers_keeps_nothing() {
        let mut html = String::from("<html><body>");
        for k in 0..10 {
            html.push_str(&format!(
                "<div><p><a href=/{k}>Link {k}</a></p><p>Item {k}</p></div>"
            ));
        }
        html.push_str("</body></html>");
        let doc = Document::from_html("page", &html);
        let a = DocAnalysis::new(&doc);
        let n = doc.paragraphs.len();
        assert!(best_block(&a, &vec![0.0; n], &vec![false; n]).0.is_empty());
    }

    fn role(text: &str) -> Option<Role> {
        let words = text.split_whitespace().count() as u32;
        prompt_text(text, words).map(|r| r.0)
    }

    #[test]
    fn prompts_and_notices_inside_an_article_are_not_body() {
        for (text, want) in [
            (
                "Lea también: Impiden ingreso a Nicaragua a reportero",
                Role::Related,
            ),
            ("Lesen Sie auch: Die Wahl in Berlin", Role::Related),
            ("Читайте также: Новости дня", Role::Related),
            ("Tags: Politics, top news, World", Role::Navigation),
            (
                "Le puede interesar: JEP abrirá tres nuevos macrocasos",
                Role::Related,
            ),
            (
                "Abbildung 4: klassische Schwachschicht. Der Unterschied liegt in der Dicke.",
                Role::Caption,
            ),
            ("Fig. 2. The station in 1910", Role::Caption),
            (
                "Copyright 2008 The Associated Press. All rights reserved. This material may not be published.",
                Role::Legal,
            ),
            (
                "Subscribe now to our eNATION edition for the full story.",
                Role::Promo,
            ),
            ("opublikowano: 7 kwietnia 2021", Role::Byline),
            ("Etiquetas: Bebé, Karanday", Role::Navigation),
            (
                "Der Beitrag wurde am Mittwoch, den 27. November 2019 veröffentlicht.",
                Role::Byline,
            ),
            (
                "Helfen Sie mit! Jede kleine Spende hilft! Jetzt spenden!",
                Role::Promo,
            ),
            (
                "If you enjoyed reading this post – would you consider supporting our work?",
                Role::Promo,
            ),
            (
                "Nach Anmeldung geht mir eine E-Mail zur Zustimmung nach Double-Opt-In zu.",
                Role::Promo,
            ),
            ("Síguenos en Telegram", Role::Promo),
            ("Comments (35)", Role::Comment),
            ("200Comments. Click to view comments", Role::Comment),
            ("3 Kommentare", Role::Comment),
            ("Leave a Reply", Role::Comment),
            ("Sign in", Role::Promo),
            ("Register for a free account", Role::Promo),
            (
                "We use cookies and similar technologies to improve your browsing experience.",
                Role::Legal,
            ),
            (
                "Twitter freischalten. Wir respektieren deine Privatsphäre.",
                Role::Legal,
            ),
            (
                "This post contains references to products from one or more of our advertisers.",
                Role::Legal,
            ),
        ] {
            assert_eq!(role(text), Some(want), "{text}");
        }
    }

    #[test]
    fn article_sentences_are_left_alone() {
        for text in [
            "Read the full report before the vote, the minister said on Tuesday.",
            "The tags on the luggage showed that it had been checked in at Frankfurt.",
            "Donations to the charity rose by a third last year, its director said.",
            "Die Stadt hat die Spenden für das neue Dach gesammelt.",
            "Lea Müller wurde in Köln geboren.",
            "Sign in sheets were posted at the entrance of the hall.",
            "12 comments were sent to the committee before the deadline, it said.",
            "Comments from the minister drew criticism on Tuesday.",
            "Many sites that use cookies must now ask their readers first.",
            "Figure 3 shows how prices rose after the war.",
            "Figures released on Monday showed a fall in sales.",
        ] {
            assert_eq!(role(text), None, "{text}");
        }
        // A long paragraph is never taken for a prompt, whatever it contains.
        let long = format!(
            "{} Jetzt spenden.",
            "Ein Satz über die Lage in der Stadt. ".repeat(8)
        );
        assert_eq!(role(&long), None);
    }

    fn roles_of(texts: &[&str]) -> Vec<Role> {
        let doc = Document::from_paragraphs("d", texts);
        let a = DocAnalysis::new(&doc);
        let mut roles = Vec::new();
        assign_each(&a, &vec![true; texts.len()], |r| roles.push(r.0));
        roles
    }

    const A: &str = "The storm reached the coast on Monday night, cutting power to many homes.";
    const B: &str = "Crews worked through the night to clear the roads and restore electricity.";
    const C: &str = "Officials said the schools would stay closed until the end of the week.";

    #[test]
    fn a_run_of_copies_is_not_body_but_one_repeated_paragraph_is() {
        // A second copy of the article (print or AMP versions): a run of copies.
        let roles = roles_of(&["Storm hits the coast", A, B, C, A, B, C]);
        assert_eq!(
            roles[4..],
            [Role::Other, Role::Other, Role::Other],
            "{roles:?}"
        );
        assert!(roles[1..4].iter().all(|&r| r == Role::Body), "{roles:?}");
        // The text repeating one of its paragraphs further down.
        let roles = roles_of(&["Storm hits the coast", A, B, C, A]);
        assert_eq!(roles[4], Role::Body, "{roles:?}");
    }
}
