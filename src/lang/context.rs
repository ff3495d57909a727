//! Unclear paragraphs decided with the languages of their document.
//!
//! A short line tells its language badly on its own: two words of English are often Dutch,
//! Welsh or French. But a document is written in few languages, one mostly, perhaps another in
//! its menus and footers. The document is taken as a mixture of languages: each language's
//! share is the number of paragraphs in it (reliable ones count whole, unclear ones by their
//! probabilities), and every unclear paragraph is decided with the logarithm of its
//! languages' shares added to its own costs, its own part taken out of the shares. A few
//! rounds settle the shares (expectation–maximization).
//!
//! So a line that fits the document's language about as well as some other language gets the
//! document's language, while three English footer lines under a German page, which alone
//! lean to English, Dutch and Welsh, support each other as English; a clearly foreign line
//! keeps its language whatever the document's, since a share only weighs as much as its
//! logarithm.

use whatlang::Lang;

use super::ngram::{MAX_GROUP, Scored};
use super::{Detection, Evidence, LangGuess, ScriptClass, TEMPERATURE, behind_weights, model};

/// The paragraphs a language is taken to have before any are counted (Dirichlet smoothing of
/// the shares): how much a language no other paragraph of the document is in stays possible.
pub const SMOOTHING: f32 = 0.05;
/// How much the shares weigh against a paragraph's own costs: below one, so that the
/// document's main language, which has the most paragraphs, is favoured a little less than
/// its share says (a better balance of foreign lines kept and own lines won back, on lingua's
/// development lines).
pub const SHARE_WEIGHT: f32 = 0.8;
/// Rounds of re-estimating the shares.
const ROUNDS: usize = 4;
/// Added to every language's prior, which is negative for a share above one paragraph.
const OFFSET: f32 = 1000.0;

/// The unclear paragraphs of a document: unreliable and scored on n-gram tables that hold
/// their language, so that [`decide_in_mixture`] decides them again. A detection holds a cost
/// for every language a group may have; these keep only their group's, as distances from the
/// lowest cost of an allowed language, in 16 bits: a document of short lines has nearly as
/// many of them as lines.
#[derive(Debug, Default)]
pub(super) struct Unclear {
    items: Vec<Item>,
    /// Each item's `width` costs less its `base`, back to back. A distance that does not fit
    /// is stored as `u16::MAX`: more than 24 temperatures behind whatever the shares add, so
    /// it weighs nothing in any decision, as the true one would not.
    behind: Vec<u16>,
}

#[derive(Debug)]
struct Item {
    /// The paragraph.
    index: usize,
    group: usize,
    /// Languages scored (the group's).
    width: usize,
    script: Option<ScriptClass>,
    letters: u32,
    /// The lowest cost of an allowed language.
    base: u32,
    outside: Option<LangGuess>,
}

impl Unclear {
    /// Keeps paragraph `index`'s detection if its first decision `guess` is unclear.
    pub(super) fn keep_if_unclear(
        &mut self,
        index: usize,
        detection: &Detection,
        guess: &LangGuess,
        allow: Option<&[Lang]>,
    ) {
        let Some(lang) = guess.lang else { return };
        let Evidence::Scored {
            group,
            scored,
            outside,
        } = &detection.evidence
        else {
            return;
        };
        let langs = &model().groups[*group].langs;
        if guess.reliable || !langs.contains(&lang) {
            return;
        }
        let costs = &scored.costs[..scored.width];
        let base = costs
            .iter()
            .zip(langs)
            .filter(|(_, l)| allow.is_none_or(|a| a.contains(l)))
            .map(|(&c, _)| c)
            .min()
            .unwrap_or(0);
        // A language the allowlist excludes is never looked at: any distance will do.
        self.behind.extend(
            costs
                .iter()
                .map(|&c| u16::try_from(c.saturating_sub(base)).unwrap_or(u16::MAX)),
        );
        self.items.push(Item {
            index,
            group: *group,
            width: scored.width,
            script: detection.script,
            letters: scored.letters,
            base,
            outside: *outside,
        });
    }

    /// The detection of item `k` again, whose costs are its `start`th `width` distances.
    fn detection(&self, k: usize, start: usize) -> Detection {
        let item = &self.items[k];
        let width = item.width;
        let mut costs = [0u32; MAX_GROUP];
        for (c, &d) in costs.iter_mut().zip(&self.behind[start..start + width]) {
            *c = item.base + u32::from(d);
        }
        Detection {
            script: item.script,
            evidence: Evidence::Scored {
                group: item.group,
                scored: Scored {
                    costs,
                    width,
                    letters: item.letters,
                },
                outside: item.outside,
            },
        }
    }
}

/// Decides again the `unclear` paragraphs of a document whose paragraphs were first decided
/// alone as `guesses`, with the languages of the document.
pub(super) fn decide_in_mixture(
    unclear: &Unclear,
    guesses: &mut [LangGuess],
    allow: Option<&[Lang]>,
) {
    if unclear.items.is_empty() {
        return;
    }
    let all = Lang::all().len();
    let m = model();
    // Paragraphs per language (the clear ones).
    let mut count = vec![0f32; all];
    let mut next = unclear.items.iter().map(|it| it.index).peekable();
    for (i, g) in guesses.iter().enumerate() {
        if next.peek() == Some(&i) {
            next.next();
            continue;
        }
        if let Some(lang) = g.lang {
            count[lang as usize] += 1.0;
        }
    }
    // The unclear paragraphs' own shares in the counts, laid out as their distances.
    let mut shares = vec![0f32; unclear.behind.len()];
    let weights = behind_weights();
    let mut adjusted = [0u32; MAX_GROUP];
    for round in 0..=ROUNDS {
        let mut start = 0;
        for (k, item) in unclear.items.iter().enumerate() {
            let detection = unclear.detection(k, start);
            let Evidence::Scored { scored, .. } = &detection.evidence else {
                unreachable!("an unclear paragraph is scored")
            };
            let langs = &m.groups[item.group].langs;
            let w = item.width;
            let share = &mut shares[start..start + w];
            start += w;
            // The first round: the paragraph alone (no shares yet).
            if round > 0 {
                for (l, &lang) in langs.iter().enumerate() {
                    let others = (count[lang as usize] - share[l]).max(0.0);
                    // Offset so that it stays positive: only differences count.
                    let prior = OFFSET - SHARE_WEIGHT * TEMPERATURE * (others + SMOOTHING).ln();
                    adjusted[l] = scored.costs[l].saturating_add(prior.max(0.0) as u32);
                }
            } else {
                adjusted[..w].copy_from_slice(&scored.costs[..w]);
            }
            if round == ROUNDS {
                guesses[item.index] = detection.decide_costs(&adjusted, allow);
                continue;
            }
            let allowed = |l: usize| allow.is_none_or(|a| a.contains(&langs[l]));
            let best = (0..w)
                .filter(|&l| allowed(l))
                .map(|l| adjusted[l])
                .min()
                .unwrap_or(0);
            let mut total = 0.0;
            let mut new = [0f32; MAX_GROUP];
            for l in (0..w).filter(|&l| allowed(l)) {
                new[l] = weights
                    .get((adjusted[l] - best) as usize)
                    .copied()
                    .unwrap_or(0.0);
                total += new[l];
            }
            for l in 0..w {
                let p = if total > 0.0 { new[l] / total } else { 0.0 };
                count[langs[l] as usize] += p - share[l];
                share[l] = p;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DetectOptions, ScriptHistogram, detect, detect_document};
    use whatlang::Lang;

    const PAGE: &[&str] = &[
        "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen.",
        "Nach Angaben des Ministeriums sollen bis zum Jahr 2030 mindestens achtzig Prozent des Stroms aus Wind und Sonne kommen.",
        "Kritiker bemängeln, dass der Ausbau der Stromnetze nicht schnell genug vorankommt.",
    ];

    fn langs(lines: &[&str]) -> Vec<Option<Lang>> {
        let hists: Vec<ScriptHistogram> = lines.iter().map(|t| ScriptHistogram::of(t)).collect();
        detect_document(lines.iter().copied().zip(&hists), &DetectOptions::default())
            .paragraphs()
            .iter()
            .map(|g| g.lang())
            .collect()
    }

    #[test]
    fn unclear_detections_are_kept_as_they_were_scored() {
        use super::super::{Evidence, score};
        use super::Unclear;
        let allow = [Lang::Eng, Lang::Deu, Lang::Nld];
        for allow in [None, Some(&allow[..])] {
            let mut unclear = Unclear::default();
            let mut kept = Vec::new();
            for (i, text) in [
                "finance social",
                "water parks",
                "Kontakt",
                "Die Bundesregierung hat am Mittwoch ein Gesetz beschlossen.",
            ]
            .iter()
            .enumerate()
            {
                let hist = ScriptHistogram::of(text);
                let detection = score(text, &hist, allow);
                let guess = detection.decide(&DetectOptions { allow, prior: None });
                let before = unclear.items.len();
                unclear.keep_if_unclear(i, &detection, &guess, allow);
                if unclear.items.len() > before {
                    kept.push(detection);
                }
            }
            // The short lines are unclear, the sentence is not.
            assert!(kept.len() >= 2 && unclear.items.iter().all(|it| it.index < 3));
            let mut start = 0;
            for (k, original) in kept.iter().enumerate() {
                let again = unclear.detection(k, start);
                let (
                    Evidence::Scored {
                        scored: a,
                        group: ga,
                        ..
                    },
                    Evidence::Scored {
                        scored: b,
                        group: gb,
                        ..
                    },
                ) = (&original.evidence, &again.evidence)
                else {
                    panic!("unclear paragraphs are scored");
                };
                assert_eq!((ga, a.width, a.letters), (gb, b.width, b.letters));
                let base = unclear.items[k].base;
                for (l, (&x, &y)) in a.costs[..a.width]
                    .iter()
                    .zip(&b.costs[..b.width])
                    .enumerate()
                {
                    let lang = super::super::model().groups[*ga].langs[l];
                    if allow.is_some_and(|a| !a.contains(&lang)) {
                        continue;
                    }
                    // Exact, or saturated far behind.
                    assert!(x == y || (x - base > u16::MAX as u32 && y == base + u16::MAX as u32));
                }
                start += a.width;
            }
        }
    }

    #[test]
    fn foreign_lines_support_each_other() {
        let footer = ["finance social", "meeting among", "water parks"];
        // Alone, not all of them are English.
        assert!(
            footer
                .iter()
                .any(|t| detect(t, &ScriptHistogram::of(t)).lang() != Some(Lang::Eng))
        );
        let mut lines = PAGE.to_vec();
        lines.extend(footer);
        lines.push("Kontakt");
        let got = langs(&lines);
        assert_eq!(&got[..3], &[Some(Lang::Deu); 3]);
        assert_eq!(&got[3..6], &[Some(Lang::Eng); 3], "{got:?}");
        // The page's own short line keeps the page's language.
        assert_eq!(got[6], Some(Lang::Deu));
    }

    #[test]
    fn a_lone_unclear_line_takes_the_page_language() {
        let t = "Kontakt";
        assert_ne!(detect(t, &ScriptHistogram::of(t)).lang(), Some(Lang::Deu));
        let mut lines = PAGE.to_vec();
        lines.push(t);
        assert_eq!(langs(&lines)[3], Some(Lang::Deu));
    }

    #[test]
    fn a_clear_foreign_line_stays_foreign() {
        let mut lines = PAGE.to_vec();
        lines.push("Read more");
        lines.push("Читайте также");
        let got = langs(&lines);
        assert_eq!(got[3], Some(Lang::Eng), "{got:?}");
        assert_eq!(got[4], Some(Lang::Rus), "{got:?}");
    }
}
