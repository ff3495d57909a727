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

use super::ngram::MAX_GROUP;
use super::{Detection, Evidence, LangGuess, TEMPERATURE, behind_weights, model};

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

/// Whether the paragraph decided as `guess` from `detection` is unclear: unreliable and
/// scored on n-gram tables that hold its language, so that [`decide_in_mixture`] decides it
/// again. Only these keep their detection, which is large (a cost per language of the group).
pub(super) fn is_unclear(detection: &Detection, guess: &LangGuess) -> bool {
    let Some(lang) = guess.lang else { return false };
    match &detection.evidence {
        Evidence::Scored { group, .. } => {
            !guess.reliable && model().groups[*group].langs.contains(&lang)
        }
        _ => false,
    }
}

/// Decides again the unclear paragraphs (`(index, detection)`, see [`is_unclear`]) of a
/// document whose paragraphs were first decided alone as `guesses`, with the languages of the
/// document.
pub(super) fn decide_in_mixture(
    detections: &[(usize, Detection)],
    guesses: &mut [LangGuess],
    allow: Option<&[Lang]>,
) {
    if detections.is_empty() {
        return;
    }
    let all = Lang::all().len();
    let m = model();
    // Paragraphs per language (the clear ones), and the unclear paragraphs' own share in them.
    let mut count = vec![0f32; all];
    let mut next = detections.iter().map(|(i, _)| *i).peekable();
    for (i, g) in guesses.iter().enumerate() {
        if next.peek() == Some(&i) {
            next.next();
            continue;
        }
        if let Some(lang) = g.lang {
            count[lang as usize] += 1.0;
        }
    }
    let mut unclear: Vec<(usize, usize, [f32; MAX_GROUP])> = Vec::new();
    for (k, (_, d)) in detections.iter().enumerate() {
        if let Evidence::Scored { group, .. } = &d.evidence {
            unclear.push((k, *group, [0.0; MAX_GROUP]));
        }
    }
    let weights = behind_weights();
    let mut adjusted = [0u32; MAX_GROUP];
    for round in 0..=ROUNDS {
        for (k, group, share) in unclear.iter_mut() {
            let (i, detection) = &detections[*k];
            let Evidence::Scored { scored, .. } = &detection.evidence else {
                continue;
            };
            let langs = &m.groups[*group].langs;
            let w = langs.len();
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
                guesses[*i] = detection.decide_costs(&adjusted, allow);
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
