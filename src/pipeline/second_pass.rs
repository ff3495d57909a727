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
use crate::model::Model;
use crate::output::{OutputKind, RenderKeys, render};
use crate::read::ReadOptions;
use crate::read::stream::{Event, InputFile, Parsed, RawItem};

/// A record after the second pass.
pub(super) enum Done {
    Written(Vec<u8>),
    Rejected(Error, Option<usize>, Vec<u8>),
    FileEnd(usize),
}

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

impl Classify<'_> {
    pub(super) fn parse(&self, ev: Event) -> Slot {
        Slot::parse(self.files, &self.opts.read, ev)
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

    /// Classifies a group of analysed records together (`Model::classify_analyses`) and
    /// renders them.
    pub(super) fn finish(
        &self,
        slots: &[Slot],
        analyses: &[Option<DocAnalysis<'_>>],
        index: Option<&CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let docs: Vec<&DocAnalysis<'_>> = analyses.iter().flatten().collect();
        let mut preds = self.model.classify_analyses(&docs, index).into_iter();
        slots
            .iter()
            .zip(analyses)
            .map(
                |(slot, a)| match (slot, a, a.as_ref().and_then(|_| preds.next())) {
                    (Slot::End(f), ..) => (*f, Done::FileEnd(*f)),
                    (Slot::Item(file, line, _, Err(e)), ..) => (
                        *file,
                        Done::Rejected(e.clone(), *line, self.reject_row(e, *file, *line)),
                    ),
                    // An attribute row is joined to its document by the id: a record without
                    // one is not given one.
                    (Slot::Item(file, line, _, Ok(p)), _, Some(_))
                        if self.kind == OutputKind::Attributes
                            && p.id_json.as_deref() == Some("null") =>
                    {
                        let e = Error::Record {
                            source_name: p.doc.source.clone(),
                            id: "null".into(),
                            message: format!("record has no \"{}\"", self.opts.read.keys.id),
                        };
                        let row = self.reject_row(&e, *file, *line);
                        (*file, Done::Rejected(e, *line, row))
                    }
                    (Slot::Item(file, _, _, Ok(p)), _, Some(pred)) => {
                        let mut b = Vec::new();
                        // Writing to memory cannot fail.
                        let _ = render(self.kind, p, &pred, self.keys, &mut b);
                        (*file, Done::Written(b))
                    }
                    // A parsed document always has its analysis and prediction.
                    (Slot::Item(file, line, _, Ok(p)), ..) => {
                        let e = Error::Record {
                            source_name: p.doc.source.clone(),
                            id: p.id_json.clone().unwrap_or_else(|| {
                                serde_json::to_string(&p.doc.id).unwrap_or_default()
                            }),
                            message: "document was not analysed".into(),
                        };
                        let row = self.reject_row(&e, *file, *line);
                        (*file, Done::Rejected(e, *line, row))
                    }
                },
            )
            .collect()
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

    /// Analyses, classifies and renders one group of parsed records, in input order.
    pub(super) fn parsed(
        &self,
        slots: Vec<Slot>,
        index: Option<&CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let analyses: Vec<Option<DocAnalysis<'_>>> = slots.iter().map(Slot::analyse).collect();
        self.finish(&slots, &analyses, index)
    }

    /// Parses and analyses one batch in parallel, adds it to `index`, then classifies and
    /// renders it against the counts that include it; the result is in input order.
    pub(super) fn batch_counted(
        &self,
        batch: Vec<Event>,
        index: &mut Option<CorpusIndex>,
    ) -> Vec<(usize, Done)> {
        let slots: Vec<Slot> = batch.into_par_iter().map(|ev| self.parse(ev)).collect();
        let analyses: Vec<Option<DocAnalysis<'_>>> = slots.par_iter().map(Slot::analyse).collect();
        if let Some(ix) = index.as_mut() {
            for a in analyses.iter().flatten() {
                ix.add(a);
            }
        }
        let index = index.as_ref();
        slots
            .par_chunks(GROUP)
            .zip(analyses.par_chunks(GROUP))
            .flat_map_iter(|(s, a)| self.finish(s, a, index))
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
    ) -> Writer<'a> {
        Writer {
            files,
            dests,
            out,
            rejects,
            reporter,
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
                    if self.shard.as_ref().is_none_or(|s| s.file != file) {
                        self.shard = Some(Shard::create(file, dests[file].clone())?);
                    }
                    if let Some(s) = self.shard.as_mut() {
                        s.enc
                            .writer()
                            .write_all(&bytes)
                            .map_err(|e| Error::io(&s.tmp, e))?;
                    }
                }
            }
        }
        self.rejects.flush()
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
