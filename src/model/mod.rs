//! The trained model: a versioned file holding a classifier's plain weights and compiled trees,
//! and classification of documents with it. Fitting one is [`crate::train`]'s business.

pub mod artifact;
pub mod classifier;
pub mod flat;
#[cfg(feature = "train")]
pub(crate) mod linfa_trees;
pub mod roles;
pub mod stack;

use std::borrow::Borrow;
use std::path::Path;
use std::sync::LazyLock;

use rayon::prelude::*;
use serde::Serialize;
use whatlang::Lang;

use crate::lang::LangGuess;

pub use artifact::Header;
pub use classifier::Classifier;
pub use flat::FlatTree;
pub use roles::{ContentRoles, Role};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::features::{CorpusIndex, DocAnalysis, FeatureSchema, analyse_corpus};

/// Feature rows scored together by [`Model::classify_analyses`]: 768 rows of the schema's 273
/// columns are 839 KB, under the 1 MiB from which the command-line tool takes blocks from the
/// system allocator.
const SCORED_ROWS: usize = 768;

/// The class of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Main content: headlines, article text, quotes.
    Content,
    /// Navigation, footers, metadata, related links, promotional text, repeated copies.
    Boilerplate,
}

impl Label {
    /// `"content"` or `"boilerplate"`.
    pub fn name(self) -> &'static str {
        match self {
            Label::Content => "content",
            Label::Boilerplate => "boilerplate",
        }
    }
}

/// The model's verdict on one paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    label: Label,
    score: f32,
    guess: LangGuess,
    role: Role,
    reason: &'static str,
}

impl Prediction {
    /// The label.
    pub fn label(&self) -> Label {
        self.label
    }
    /// P(content), in [0, 1].
    pub fn score(&self) -> f32 {
        self.score
    }
    /// What the paragraph is on its page.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Why it was given its role (and its label, where the role decided it).
    pub fn reason(&self) -> &'static str {
        self.reason
    }
    /// The paragraph's language, if it could be told.
    pub fn lang(&self) -> Option<Lang> {
        self.guess.lang
    }
    /// The paragraph's language with its confidence and script.
    pub fn language(&self) -> LangGuess {
        self.guess
    }
}

/// The model's verdict on a document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocPrediction {
    /// One prediction per paragraph, in order.
    pub(crate) paragraphs: Vec<Prediction>,
    /// The document's language: that of its content paragraphs, weighted by letters (of all its
    /// paragraphs when no content paragraph has a known language).
    pub(crate) lang: Option<Lang>,
    /// Share of those letters in that language.
    pub(crate) lang_share: f32,
    /// The paragraph given the role `title`, `byline`, and the date found in a byline.
    pub(crate) title: Option<usize>,
    pub(crate) byline: Option<usize>,
    pub(crate) date: Option<String>,
    /// The threshold the labels were given with.
    pub(crate) threshold: f32,
}

impl DocPrediction {
    /// One prediction per paragraph, in order.
    pub fn paragraphs(&self) -> &[Prediction] {
        &self.paragraphs
    }

    /// The document's language: that of its content paragraphs, weighted by letters (of all its
    /// paragraphs when no content paragraph has a known language).
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// Share of those letters in that language.
    pub fn lang_share(&self) -> f32 {
        self.lang_share
    }

    /// The index of the paragraph that is the document's title, if one was found.
    pub fn title(&self) -> Option<usize> {
        self.title
    }

    /// The index of the document's (first) byline paragraph, if one was found.
    pub fn byline(&self) -> Option<usize> {
        self.byline
    }

    /// The date named in a byline or metadata line, as written there (`2025-06-18`,
    /// `18.06.2025`, `June 18, 2025`), if one was found.
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }
}

/// The language of a document's content paragraphs, weighted by their letters, and its share
/// of those letters; `None` when no content paragraph has a known language. A footer in another
/// language than the article can be longer than the article: it must not decide the document's
/// language.
fn content_language(a: &DocAnalysis<'_>, preds: &[Prediction]) -> Option<(Option<Lang>, f32)> {
    let mut by_lang: Vec<(Lang, u32)> = Vec::new();
    let mut total = 0u32;
    for (st, p) in a.paras.iter().zip(preds) {
        if p.label != Label::Content {
            continue;
        }
        let letters = st.hist.total_letters();
        total += letters;
        if let Some(l) = p.guess.lang {
            match by_lang.iter_mut().find(|(x, _)| *x == l) {
                Some((_, c)) => *c += letters,
                None => by_lang.push((l, letters)),
            }
        }
    }
    let &(lang, letters) = by_lang.iter().max_by_key(|(l, c)| (*c, l.code()))?;
    Some((
        Some(lang),
        if total > 0 {
            letters as f32 / total as f32
        } else {
            0.0
        },
    ))
}

/// A loaded, checked model. `Send + Sync`: share one across threads.
#[derive(Debug, Clone)]
pub struct Model {
    header: Header,
    classifier: Classifier,
    content_roles: ContentRoles,
}

static EMBEDDED_BYTES: &[u8] = include_bytes!("../../models/default.bin");
static EMBEDDED: LazyLock<Result<Model>> = LazyLock::new(|| Model::from_bytes(EMBEDDED_BYTES));

impl Model {
    /// The default model embedded in the crate, loaded once per process.
    ///
    /// # Errors
    /// Fails only if the crate was built with a missing or broken `models/default.bin`.
    pub fn embedded() -> Result<&'static Model> {
        EMBEDDED
            .as_ref()
            .map_err(|e| Error::CorruptModel(format!("embedded default model: {e}")))
    }

    /// A copy of the embedded default model of one's own (to change its threshold, say),
    /// decoded afresh (a millisecond or two).
    ///
    /// # Errors
    /// As [`Model::embedded`].
    pub fn embedded_owned() -> Result<Model> {
        Model::from_bytes(EMBEDDED_BYTES)
            .map_err(|e| Error::CorruptModel(format!("embedded default model: {e}")))
    }

    /// Builds a model from its parts, checking that the classifier fits this build's schema.
    pub fn new(header: Header, classifier: Classifier) -> Result<Model> {
        let expected = FeatureSchema::names();
        if header.schema.len() != expected.len()
            || header.schema.iter().zip(&expected).any(|(a, b)| a != b)
        {
            let detail = header
                .schema
                .iter()
                .zip(&expected)
                .position(|(a, b)| a != b)
                .map(|i| {
                    format!(
                        ", first difference at column {i}: model has {:?}, this build computes {:?}",
                        header.schema[i], expected[i]
                    )
                })
                .unwrap_or_default();
            return Err(Error::FeatureMismatch {
                expected: expected.len(),
                found: header.schema.len(),
                detail,
            });
        }
        if header.labels != ["boilerplate", "content"] {
            return Err(Error::CorruptModel(format!(
                "labels are {:?}, expected [\"boilerplate\", \"content\"]",
                header.labels
            )));
        }
        if !(0.0..=1.0).contains(&header.threshold) {
            return Err(Error::CorruptModel(format!(
                "threshold {} is outside [0, 1]",
                header.threshold
            )));
        }
        classifier
            .check(expected.len())
            .map_err(Error::CorruptModel)?;
        Ok(Model {
            header,
            classifier,
            content_roles: ContentRoles::default(),
        })
    }

    /// Loads a model file's bytes.
    ///
    /// # Errors
    /// [`Error::BadMagic`], [`Error::UnsupportedVersion`], [`Error::CorruptModel`] or
    /// [`Error::FeatureMismatch`] when the bytes cannot be trusted.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        let (header, classifier) = artifact::decode(bytes)?;
        Model::new(header, classifier)
    }

    /// Loads a model file.
    ///
    /// # Errors
    /// As [`Model::from_bytes`], or [`Error::Io`] when the file cannot be read.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        crate::read::check_regular_file(path)?;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Model::from_bytes(&bytes)
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        artifact::encode(&self.header, &self.classifier)
    }

    /// The model's header: schema, labels, threshold, notes.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The fitted classifier.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// P(content) at or above which a paragraph is labelled content.
    pub fn threshold(&self) -> f32 {
        self.header.threshold
    }

    /// Returns the same model with another threshold (clamped to [0, 1]).
    pub fn with_threshold(mut self, threshold: f32) -> Model {
        self.header.threshold = if threshold.is_finite() {
            threshold.clamp(0.0, 1.0)
        } else {
            0.5
        };
        self
    }

    /// Returns the same model counting the roles `roles` as content (by default `body` and
    /// `title`).
    pub fn with_content_roles(mut self, roles: ContentRoles) -> Model {
        self.content_roles = roles;
        self
    }

    /// The roles counted as content.
    pub fn content_roles(&self) -> ContentRoles {
        self.content_roles
    }

    /// Classifies an analysed document; `corpus` gives the corpus counts (the document must
    /// have been added to it), as in [`Model::classify_batch`].
    pub fn classify_analysis(
        &self,
        a: &DocAnalysis<'_>,
        corpus: Option<&CorpusIndex>,
    ) -> DocPrediction {
        let scores = self.scores(&[a], corpus);
        self.prediction(a, scores)
    }

    /// [`Model::classify_analysis`] for several documents at once: their paragraphs are scored
    /// together, 768 rows at a time (a long document's over several rounds), which
    /// keeps each tree's nodes in cache over more rows while the feature rows stay small
    /// (under 1 MiB, reused). The result is in the order of `analyses`, and the same as one
    /// document at a time.
    pub fn classify_analyses(
        &self,
        analyses: &[&DocAnalysis<'_>],
        corpus: Option<&CorpusIndex>,
    ) -> Vec<DocPrediction> {
        let scores = self.scores(analyses, corpus);
        self.predictions(analyses, scores)
    }

    /// The predictions of `analyses` from the scores of all their paragraphs, document after
    /// document (as [`Model::scores`] gives them).
    pub(crate) fn predictions(
        &self,
        analyses: &[&DocAnalysis<'_>],
        scores: Vec<f32>,
    ) -> Vec<DocPrediction> {
        let mut scores = scores.into_iter();
        analyses
            .iter()
            .map(|a| self.prediction(a, scores.by_ref().take(a.paras.len()).collect()))
            .collect()
    }

    /// For a stacked model, the stack columns of each paragraph of `a` (named
    /// [`stack::NAMES`]) that its second stage sees: its first stage's scores of the paragraph,
    /// its neighbours, its container and its document. `None` for a model of one stage.
    pub fn stack_columns(
        &self,
        a: &DocAnalysis<'_>,
        corpus: Option<&CorpusIndex>,
    ) -> Option<ndarray::Array2<f32>> {
        let Classifier::Stacked { first, .. } = &self.classifier else {
            return None;
        };
        let scores = score_rounds(first, &[a], corpus, None);
        let d = stack::DocScores::new(a, &scores);
        let n = stack::NAMES.len();
        let mut cols = ndarray::Array2::zeros((a.paras.len(), n));
        for (i, mut row) in cols.outer_iter_mut().enumerate() {
            if let Some(row) = row.as_slice_mut() {
                d.fill(a, i, row);
            }
        }
        Some(cols)
    }

    /// P(content) of every paragraph of `analyses`, document after document. A stacked
    /// classifier's second stage sees the whole document's first-stage scores; the feature rows
    /// are made again for it rather than kept, so that a long document costs its scores, not
    /// its rows.
    pub(crate) fn scores(
        &self,
        analyses: &[&DocAnalysis<'_>],
        corpus: Option<&CorpusIndex>,
    ) -> Vec<f32> {
        match &self.classifier {
            Classifier::Stacked { first, second } => {
                let first = score_rounds(first, analyses, corpus, None);
                let mut at = 0;
                let docs: Vec<stack::DocScores<'_>> = analyses
                    .iter()
                    .map(|a| {
                        let end = (at + a.paras.len()).min(first.len());
                        let d = stack::DocScores::new(a, &first[at..end]);
                        at = end;
                        d
                    })
                    .collect();
                score_rounds(second, analyses, corpus, Some(&docs))
            }
            c => score_rounds(c, analyses, corpus, None),
        }
    }

    /// The prediction for document `a` from its paragraphs' scores: each paragraph's role from
    /// whether it is content-like (its score at or above the threshold), its label from whether
    /// its role counts as content; on a page that would keep nothing although it has long prose,
    /// its best block ([`roles::best_block`]).
    fn prediction(&self, a: &DocAnalysis<'_>, scores: Vec<f32>) -> DocPrediction {
        let scores: Vec<f32> = scores
            .into_iter()
            .map(|s| {
                if s.is_finite() {
                    s.clamp(0.0, 1.0)
                } else {
                    0.0
                }
            })
            .collect();
        let content_like: Vec<bool> = scores.iter().map(|&s| s >= self.header.threshold).collect();
        // The predictions are made whole with each role as it is assigned, rather than from a
        // vector of roles beside them: a long document of short lines holds 24 bytes a paragraph
        // less at its peak.
        let mut paragraphs: Vec<Prediction> = Vec::with_capacity(scores.len());
        let mut at = 0;
        roles::assign_each(a, &content_like, |(role, reason)| {
            let st = &a.paras[at];
            paragraphs.push(Prediction {
                label: if self.content_roles.contains(role) {
                    Label::Content
                } else {
                    Label::Boilerplate
                },
                score: scores[at],
                guess: st.guess.unwrap_or(LangGuess {
                    lang: None,
                    confidence: 0.0,
                    reliable: false,
                    script: st.hist.dominant(),
                }),
                role,
                reason,
            });
            at += 1;
        });
        drop(content_like);
        let kept: Vec<bool> = paragraphs
            .iter()
            .map(|p| p.label == Label::Content)
            .collect();
        let (block, reason) = roles::best_block(a, &scores, &kept);
        for i in block {
            let p = &mut paragraphs[i];
            p.role = Role::Body;
            p.reason = reason;
            p.label = if self.content_roles.contains(Role::Body) {
                Label::Content
            } else {
                Label::Boilerplate
            };
        }
        let (lang, lang_share) = content_language(a, &paragraphs).unwrap_or((a.lang, a.lang_share));
        let first = |r: Role| paragraphs.iter().position(|p| p.role == r);
        // A date in a byline first, else in a short metadata line.
        let date_in = |byline: bool| {
            paragraphs
                .iter()
                .zip(&a.doc.paragraphs)
                .zip(&a.paras)
                .filter(|((p, _), st)| {
                    if byline {
                        p.role == Role::Byline
                    } else {
                        p.label == Label::Boilerplate && st.words <= 16
                    }
                })
                .find_map(|((_, para), _)| roles::find_date(&para.text))
        };
        let date = date_in(true).or_else(|| date_in(false));
        DocPrediction {
            threshold: self.header.threshold,
            title: first(Role::Title),
            byline: first(Role::Byline),
            date,
            paragraphs,
            lang,
            lang_share,
        }
    }

    /// Classifies the paragraphs of one document on its own (no corpus repetition).
    pub fn classify(&self, doc: &Document) -> DocPrediction {
        self.classify_analysis(&DocAnalysis::new(doc), None)
    }

    /// Classifies a batch of documents as one corpus, in parallel: repetition across the batch
    /// (how many documents, from how many sites, share a paragraph) is counted first.
    /// The result is in input order.
    /// `docs` may be documents or references to them.
    pub fn classify_batch<D: Borrow<Document> + Sync>(&self, docs: &[D]) -> Vec<DocPrediction> {
        let (analyses, index) = analyse_corpus(docs);
        analyses
            .par_iter()
            .map(|a| self.classify_analysis(a, Some(&index)))
            .collect()
    }

    /// Classifies plain text, one paragraph per non-empty line. Never fails.
    pub fn classify_text(&self, text: &str) -> (Document, DocPrediction) {
        let doc = crate::read::text_document("-", "-", text, crate::segment::TextMode::Lines);
        let pred = self.classify(&doc);
        (doc, pred)
    }
}

/// P(content) by `classifier` of every paragraph of `analyses`, [`SCORED_ROWS`] rows at a
/// time; with `stacked`, each row is followed by its document's stack columns.
fn score_rounds(
    classifier: &Classifier,
    analyses: &[&DocAnalysis<'_>],
    corpus: Option<&CorpusIndex>,
    stacked: Option<&[stack::DocScores<'_>]>,
) -> Vec<f32> {
    let base = FeatureSchema::len();
    let width = base + stacked.map_or(0, |_| stack::NAMES.len());
    let total: usize = analyses.iter().map(|a| a.paras.len()).sum();
    let mut scores = Vec::with_capacity(total);
    let mut data = Vec::with_capacity(SCORED_ROWS.min(total) * width);
    // The next paragraph to score: document `doc`, paragraph `para`.
    let (mut doc, mut para) = (0, 0);
    while doc < analyses.len() {
        data.clear();
        let mut rows = 0;
        while rows < SCORED_ROWS && doc < analyses.len() {
            let a = analyses[doc];
            let take = (a.paras.len() - para).min(SCORED_ROWS - rows);
            match stacked.and_then(|s| s.get(doc)) {
                None => FeatureSchema::append_rows_of(a, corpus, para..para + take, &mut data),
                Some(d) => {
                    let start = data.len();
                    data.resize(start + take * width, 0.0);
                    for (i, row) in (para..para + take).zip(data[start..].chunks_exact_mut(width)) {
                        let counts = corpus.map(|c| c.counts(a, i)).unwrap_or_default();
                        let (row, extra) = row.split_at_mut(base);
                        FeatureSchema::fill_row(a, i, &counts, row);
                        d.fill(a, i, extra);
                    }
                }
            }
            (rows, para) = (rows + take, para + take);
            if para == a.paras.len() {
                (doc, para) = (doc + 1, 0);
            }
        }
        match ndarray::ArrayViewMut2::from_shape((rows, width), &mut data) {
            Ok(matrix) => scores.extend(classifier.predict_proba_mut(matrix)),
            Err(_) => scores.extend(std::iter::repeat_n(0.0, rows)),
        }
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn model_is_send_and_sync() {
        assert_send_sync::<Model>();
        assert_send_sync::<&'static Model>();
    }

    fn logistic(columns: usize, weight_at: Option<(usize, f32)>) -> Classifier {
        let mut weights = vec![0.0; columns];
        if let Some((i, w)) = weight_at {
            weights[i] = w;
        }
        Classifier::Logistic {
            mean: vec![0.0; columns],
            std: vec![1.0; columns],
            weights,
            intercept: 0.0,
            predicts_content: true,
        }
    }

    /// A second stage that reads only the previous paragraph's first-stage score: a short line
    /// after a long one scores high, the same line first in the document low.
    #[test]
    fn a_stacked_second_stage_sees_the_neighbours_first_scores() {
        let base = FeatureSchema::len();
        let chars = FeatureSchema::names()
            .iter()
            .position(|n| *n == "log_chars")
            .unwrap();
        let prev = stack::NAMES.iter().position(|n| *n == "s_prev").unwrap();
        let stacked = Classifier::Stacked {
            first: Box::new(logistic(base, Some((chars, 1.0)))),
            second: Box::new(logistic(
                base + stack::NAMES.len(),
                Some((base + prev, 20.0)),
            )),
        };
        let header = Model::embedded().unwrap().header().clone();
        let m = Model::new(header.clone(), stacked.clone()).unwrap();
        let doc = Document::from_paragraphs(
            "d",
            &[
                "Hi",
                "A much longer paragraph of an article, long enough.",
                "Hi",
            ],
        );
        let scores: Vec<f32> = m
            .classify(&doc)
            .paragraphs()
            .iter()
            .map(|p| p.score())
            .collect();
        // s_prev is 0 for the first paragraph: sigmoid(0).
        assert_eq!(scores[0], 0.5);
        assert!(scores[2] > 0.99, "{scores:?}");
        let back = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(back.classifier(), &stacked);

        // Refused: a second stage of the wrong width, a stacked stage, a stacked blend part.
        let wrong = Classifier::Stacked {
            first: Box::new(logistic(base, None)),
            second: Box::new(logistic(base, None)),
        };
        let e = Model::new(header.clone(), wrong).unwrap_err().to_string();
        assert!(e.contains("second stage"), "{e}");
        let nested = Classifier::Stacked {
            first: Box::new(stacked.clone()),
            second: Box::new(logistic(base + stack::NAMES.len(), None)),
        };
        let e = Model::new(header.clone(), nested).unwrap_err().to_string();
        assert!(e.contains("itself stacked"), "{e}");
        let blend = Classifier::Blend {
            parts: vec![(1.0, stacked)],
        };
        let e = Model::new(header, blend).unwrap_err().to_string();
        assert!(e.contains("stacked"), "{e}");
    }

    #[test]
    fn a_round_of_rows_stays_under_a_mebibyte() {
        let bytes = SCORED_ROWS * FeatureSchema::len() * std::mem::size_of::<f32>();
        assert!(bytes < 1 << 20, "{bytes} bytes");
    }

    /// Documents scored together in rounds of `SCORED_ROWS` rows, several of them split
    /// between two rounds and one longer than a round, get what each gets alone.
    #[test]
    fn documents_scored_in_rounds_as_alone() {
        let model = Model::embedded().unwrap();
        let line = |i: usize| match i % 4 {
            0 => format!("Share this story on Facebook and Twitter {}", i % 7),
            1 => format!("The council voted on the new budget for schools, number {i}."),
            2 => "Home | News | Sport | Contact".to_string(),
            _ => format!("Residents said the road had been closed for {i} days after the flood."),
        };
        let docs: Vec<Document> = [3, 700, 400, SCORED_ROWS + 300, 1, 900, 200]
            .iter()
            .enumerate()
            .map(|(d, &n)| {
                let text: Vec<String> = (0..n).map(|i| line(i + d)).collect();
                crate::read::text_document(
                    &format!("d{d}"),
                    "s",
                    &text.join("\n"),
                    crate::segment::TextMode::Lines,
                )
            })
            .collect();
        let (analyses, index) = analyse_corpus(&docs);
        let refs: Vec<&DocAnalysis<'_>> = analyses.iter().collect();
        let together = model.classify_analyses(&refs, Some(&index));
        let rows: usize = analyses.iter().map(|a| a.paras.len()).sum();
        assert!(rows > 3 * SCORED_ROWS, "{rows} rows");
        assert_eq!(together.len(), docs.len());
        for (a, t) in analyses.iter().zip(&together) {
            assert_eq!(t.paragraphs.len(), a.paras.len());
            assert_eq!(*t, model.classify_analysis(a, Some(&index)));
        }
    }
}
