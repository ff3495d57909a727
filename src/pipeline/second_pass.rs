//! The second pass: each record parsed, analysed and classified against the corpus counts,
//! rendered, and written in input order — to the caller's writer, or to the output directory —
//! while rejected records go to the rejects.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;

use super::executor::{GROUP, Record, batches, beside, read, stream};
use super::inputs::file_name;
use super::output_dir::Shard;
use super::progress::Meter;
use super::rejects::Rejects;
use super::report::{Report, Reporter};
use super::{RunOptions, Summary};
use crate::corpus::CorpusIndex;
use crate::error::{Error, Result};
use crate::features::DocAnalysis;
use crate::model::{DocPrediction, Model};
use crate::output::{OutputKind, RenderKeys, render};
use crate::read::ReadOptions;
use crate::read::stream::{Event, InputFile, Parsed, RawItem};

/// A record after the second pass.
pub(super) enum Done {
    Written(Vec<u8>),
    /// A large document with its prediction, rendered straight into the output when it is
    /// written (see [`RENDER_WHOLE_BYTES`]).
    Render(Box<(Parsed, DocPrediction)>),
    Rejected(Error, Option<usize>, Vec<u8>),
    FileEnd(usize),
}

/// Input bytes from which a document is not rendered into a buffer of its own on the workers
/// but straight into the output, on the writing thread: its output (for `--output json`, five
/// times the bytes of a document of short lines) is never held whole, and its analysis is gone
/// by then. Smaller documents are rendered on the workers, in parallel.
pub(super) const RENDER_WHOLE_BYTES: usize = 1 << 20;

/// What classifying a record needs besides the record.
pub(super) struct Classify<'a> {
    pub(super) files: &'a [InputFile],
    pub(super) opts: &'a RunOptions,
    pub(super) model: &'a Model,
    pub(super) keys: RenderKeys<'a>,
    pub(super) kind: OutputKind,
}

/// A record, parsed (or not), before classification: its file, JSONL line, decompressed bytes
/// and document; or the end of a file.
pub(super) enum Slot {
    Item(usize, Option<usize>, usize, Result<Parsed>),
    End(usize),
}

impl Slot {
    /// Parses a record read from `files`.
    pub(super) fn parse(files: &[InputFile], opts: &ReadOptions, ev: Event) -> Slot {
        match ev {
            Event::Item(it) => {
                let (file, line, bytes) = (it.file, it.line, it.bytes);
                let parsed = RawItem::parse(it, &file_name(files, file), opts);
                Slot::Item(file, line, bytes, parsed)
            }
            Event::FileEnd(f) => Slot::End(f),
        }
    }

    pub(super) fn analyse(&self) -> Option<DocAnalysis<'_>> {
        match self {
            Slot::Item(_, _, _, Ok(p)) => Some(DocAnalysis::new(&p.doc)),
            _ => None,
        }
    }
}

/// Keeps of a record's JSONL line only what `kind` writes: nothing for the outputs made of the
/// document alone, the bytes around the text value for `--output clean` (the text itself is
/// replaced), the whole line for `--output documents` and HTML records.
pub(super) fn trim_line(kind: OutputKind, p: &mut Parsed) {
    match kind {
        OutputKind::Paragraphs
        | OutputKind::Extract
        | OutputKind::Plain
        | OutputKind::Attributes => p.line = None,
        OutputKind::Clean => {
            if let Some((line, Some(span))) = &mut p.line
                && let (Some(head), Some(tail)) = (line.get(..span.start), line.get(span.end..))
            {
                let mut kept = String::with_capacity(head.len() + tail.len());
                kept.push_str(head);
                kept.push_str(tail);
                *line = kept;
                *span = span.start..span.start;
            }
        }
        OutputKind::Documents => {}
    }
}

impl Classify<'_> {
    pub(super) fn parse(&self, ev: Event) -> Slot {
        let mut slot = Slot::parse(self.files, &self.opts.read, ev);
        if let Slot::Item(.., Ok(p)) = &mut slot {
            trim_line(self.kind, p);
        }
        slot
    }

    pub(super) fn reject_row(&self, e: &Error, file: usize, line: Option<usize>) -> Vec<u8> {
        // Attribute files mirror their input row for row: a rejected record keeps its row, with
        // its id when it has one.
        let mut b = Vec::new();
        if self.kind == OutputKind::Attributes {
            let (id, json) = match (e, line) {
                (Error::Record { id, .. }, _) => (id.clone(), true),
                (_, Some(l)) => (format!("{}:{l}", file_name(self.files, file)), false),
                (_, None) => (file_name(self.files, file), false),
            };
            // Writing to memory cannot fail.
            let _ = crate::output::reject_row(&id, json, self.keys.attribute_prefix, &mut b);
        }
        b
    }

    /// Classifies a group of analysed records together (`Model::classify_analyses`): a
    /// prediction for each analysed record. Their shingles are freed once they are scored.
    pub(super) fn predict(
        &self,
        analyses: &mut [Option<DocAnalysis<'_>>],
        index: Option<&CorpusIndex>,
    ) -> Vec<Option<DocPrediction>> {
        let scores = {
            let docs: Vec<&DocAnalysis<'_>> = analyses.iter().flatten().collect();
            self.model.scores(&docs, index)
        };
        for a in analyses.iter_mut().flatten() {
            a.release_shingles();
        }
        let docs: Vec<&DocAnalysis<'_>> = analyses.iter().flatten().collect();
        let mut preds = self.model.predictions(&docs, scores).into_iter();
        analyses
            .iter()
            .map(|a| a.as_ref().and_then(|_| preds.next()))
            .collect()
    }

    /// What is written for one record and its prediction: rendered (a large document later,
    /// into the output itself), or rejected.
    pub(super) fn done(&self, slot: Slot, pred: Option<DocPrediction>) -> (usize, Done) {
        match (slot, pred) {
            (Slot::End(f), _) => (f, Done::FileEnd(f)),
            (Slot::Item(file, line, _, Err(e)), _) => {
                let row = self.reject_row(&e, file, line);
                (file, Done::Rejected(e, line, row))
            }
            // An attribute row is joined to its document by the id: a record without one is
            // not given one.
            (Slot::Item(file, line, _, Ok(p)), Some(_))
                if self.kind == OutputKind::Attributes && p.id_json.as_deref() == Some("null") =>
            {
                let e = Error::Record {
                    source_name: p.doc.source.clone(),
                    id: "null".into(),
                    message: format!("record has no \"{}\"", self.opts.read.keys.id),
                };
                let row = self.reject_row(&e, file, line);
                (file, Done::Rejected(e, line, row))
            }
            (Slot::Item(file, _, bytes, Ok(p)), Some(pred)) if bytes >= RENDER_WHOLE_BYTES => {
                (file, Done::Render(Box::new((p, pred))))
            }
            (Slot::Item(file, _, _, Ok(p)), Some(pred)) => {
                let mut b = Vec::new();
                // Writing to memory cannot fail.
                let _ = render(self.kind, &p, &pred, self.keys, &mut b);
                (file, Done::Written(b))
            }
            // A parsed document always has its analysis and prediction.
            (Slot::Item(file, line, _, Ok(p)), None) => {
                let e = Error::Record {
                    source_name: p.doc.source.clone(),
                    id: p
                        .id_json
                        .clone()
                        .unwrap_or_else(|| serde_json::to_string(&p.doc.id).unwrap_or_default()),
                    message: "document was not analysed".into(),
                };
                let row = self.reject_row(&e, file, line);
                (file, Done::Rejected(e, line, row))
            }
        }
    }

    /// Parses, analyses, classifies and renders one group of records, in input order.
    pub(super) fn group(
        &self,
        events: Vec<Event>,
        index: Option<&CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let slots: Vec<Slot> = events.into_iter().map(|ev| self.parse(ev)).collect();
        self.parsed(slots, index)
    }

    /// Analyses, classifies and renders one group of parsed records, in input order. The
    /// analyses are dropped before anything is rendered.
    pub(super) fn parsed(
        &self,
        slots: Vec<Slot>,
        index: Option<&CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let preds = {
            let mut analyses: Vec<Option<DocAnalysis<'_>>> =
                slots.iter().map(Slot::analyse).collect();
            self.predict(&mut analyses, index)
        };
        slots
            .into_iter()
            .zip(preds)
            .map(|(slot, pred)| self.done(slot, pred))
            .collect()
    }

    /// Parses and analyses one batch in parallel, adds it to `index`, then classifies and
    /// renders it against the counts that include it; the result is in input order.
    pub(super) fn batch_counted(
        &self,
        batch: Vec<Event>,
        index: &mut Option<CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let slots: Vec<Slot> = batch.into_par_iter().map(|ev| self.parse(ev)).collect();
        let preds: Vec<Option<DocPrediction>> = {
            let mut analyses: Vec<Option<DocAnalysis<'_>>> =
                slots.par_iter().map(Slot::analyse).collect();
            if let Some(ix) = index.as_mut() {
                for a in analyses.iter().flatten() {
                    ix.add(a);
                }
            }
            let index = index.as_ref();
            analyses
                .par_chunks_mut(GROUP)
                .flat_map_iter(|a| self.predict(a, index))
                .collect()
        };
        slots
            .into_par_iter()
            .zip(preds)
            .map(|(slot, pred)| self.done(slot, pred))
            .collect()
    }
}

impl Record for Slot {
    fn bytes(&self) -> Option<usize> {
        match self {
            Slot::Item(_, _, bytes, _) => Some(*bytes),
            Slot::End(_) => None,
        }
    }
}

/// Where the second pass writes, in input order: the caller's writer, or one file per input
/// under the output directory; and where rejected records go.
pub(super) struct Writer<'a> {
    pub(super) files: &'a [InputFile],
    pub(super) dests: Option<&'a [PathBuf]>,
    pub(super) out: &'a mut dyn Write,
    pub(super) rejects: Rejects,
    pub(super) reporter: &'a mut dyn Reporter,
    /// What is written of each document, with what names.
    kind: OutputKind,
    keys: RenderKeys<'a>,
    /// The output file being written.
    pub(super) shard: Option<Shard>,
    /// The file being written could not be read to its end.
    unread: Option<usize>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(
        files: &'a [InputFile],
        dests: Option<&'a [PathBuf]>,
        out: &'a mut dyn Write,
        rejects: Rejects,
        reporter: &'a mut dyn Reporter,
        (kind, keys): (OutputKind, RenderKeys<'a>),
    ) -> Writer<'a> {
        Writer {
            files,
            dests,
            out,
            rejects,
            reporter,
            kind,
            keys,
            shard: None,
            unread: None,
        }
    }

    /// Writes a batch's results, counting them in `sum`.
    pub(super) fn write(&mut self, done: Vec<(usize, Done)>, sum: &mut Summary) -> Result<()> {
        let files = self.files;
        for (file, d) in done {
            let bytes = match d {
                Done::Written(b) => {
                    sum.docs_out += 1;
                    b
                }
                Done::Render(record) => {
                    sum.docs_out += 1;
                    let (p, pred) = &*record;
                    let (kind, keys) = (self.kind, self.keys);
                    match self.dests {
                        None => render(kind, p, pred, keys, &mut self.out)
                            .map_err(|e| Error::io("-", e))?,
                        Some(dests) => {
                            let s = self.shard_for(file, dests)?;
                            render(kind, p, pred, keys, &mut s.enc.writer())
                                .map_err(|e| Error::io(&s.tmp, e))?;
                        }
                    }
                    continue;
                }
                Done::Rejected(e, line, b) => {
                    sum.rejected += 1;
                    if matches!(e, Error::Unreadable { .. } | Error::Io { .. }) {
                        self.unread = Some(file);
                    }
                    self.rejects
                        .report(&e, file_name(files, file), line, &mut *self.reporter)?;
                    b
                }
                Done::FileEnd(f) => {
                    let complete = self.unread.take() != Some(f);
                    sum.unread_files += usize::from(!complete);
                    let Some(dests) = self.dests else { continue };
                    let s = match self.shard.take() {
                        Some(s) if s.file == f => Some(s),
                        _ if complete => Some(Shard::create(f, dests[f].clone())?),
                        _ => None,
                    };
                    match s {
                        Some(s) if complete => s.finish()?,
                        Some(s) => s.discard()?,
                        None => {}
                    }
                    if !complete {
                        self.reporter.report(Report::NotReadToEnd {
                            source: &file_name(files, f),
                        });
                    }
                    continue;
                }
            };
            match self.dests {
                None => self.out.write_all(&bytes).map_err(|e| Error::io("-", e))?,
                Some(dests) => {
                    let s = self.shard_for(file, dests)?;
                    s.enc
                        .writer()
                        .write_all(&bytes)
                        .map_err(|e| Error::io(&s.tmp, e))?;
                }
            }
        }
        self.rejects.flush()
    }

    /// The output file of input `file`, created when it is not the one being written.
    fn shard_for(&mut self, file: usize, dests: &[PathBuf]) -> Result<&mut Shard> {
        match &mut self.shard {
            Some(s) if s.file == file => {}
            shard => *shard = Some(Shard::create(file, dests[file].clone())?),
        }
        match self.shard.as_mut() {
            Some(s) => Ok(s),
            None => unreachable!("the shard was just made"),
        }
    }
}

/// Classifies `files[i]` for each `i` of `todo` (or the records `kept` by the first pass)
/// against `index`, and writes them through `writer`. With `incremental` (standard input
/// without a saved index), each batch is added to the index before it is classified.
#[allow(clippy::too_many_arguments)]
pub(super) fn classify(
    ctx: &Classify<'_>,
    todo: Vec<usize>,
    kept: Option<Vec<Slot>>,
    mut index: Option<CorpusIndex>,
    incremental: bool,
    progress: &mut Meter,
    writer: &mut Writer<'_>,
    sum: &mut Summary,
) -> Result<()> {
    let (files, opts) = (ctx.files, ctx.opts);
    let consumed = std::sync::Arc::clone(&progress.consumed);
    if incremental {
        // Each batch is counted before it is classified, so the batches take turns: a batch's
        // results are written on this thread while the workers process the next one.
        let mut pending: Vec<(usize, Done)> = Vec::new();
        batches(files, todo, opts, &consumed, |batch| {
            let items = batch.iter().filter(|e| matches!(e, Event::Item(_))).count() as u64;
            sum.docs_in += items;
            sum.bytes += batch
                .iter()
                .map(|e| match e {
                    Event::Item(it) => it.bytes as u64,
                    Event::FileEnd(_) => 0,
                })
                .sum::<u64>();
            let (written, next) = beside(
                || writer.write(std::mem::take(&mut pending), sum),
                || ctx.batch_counted(batch, &mut index),
            );
            written?;
            pending = next;
            progress.tick(sum.docs_in, sum.bytes, &mut *writer.reporter);
            Ok(())
        })
        .and_then(|()| writer.write(std::mem::take(&mut pending), sum))
    } else {
        // Groups are parsed, analysed, classified and rendered on the workers, and written on
        // this thread in input order.
        let index = index.as_ref();
        let sink = |done, docs: usize, bytes: usize| {
            sum.docs_in += docs as u64;
            sum.bytes += bytes as u64;
            writer.write(done, sum)?;
            progress.tick(sum.docs_in, sum.bytes, &mut *writer.reporter);
            Ok(())
        };
        match kept {
            Some(slots) => stream(slots.into_iter(), opts, |s| ctx.parsed(s, index), sink),
            None => stream(
                read(files, todo, opts, &consumed),
                opts,
                |events| ctx.group(events, index),
                sink,
            ),
        }
    }
}
