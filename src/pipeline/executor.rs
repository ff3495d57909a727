//! The executor: records read on a thread of their own, in groups, each group worked on by
//! whichever rayon worker is free, the results handed back in input order, with a bounded
//! window of records in flight.

use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use super::RunOptions;
use crate::error::Result;
use crate::read::stream::{Event, InputFile, Reader};

/// Reads `files[i]` for each `i` of `which` on a thread of its own and hands the events over in
/// batches of at most `opts.batch_docs` documents or about `opts.batch_bytes` bytes, at most two
/// batches ahead of `each`.
pub(super) fn batches(
    files: &[InputFile],
    which: Vec<usize>,
    opts: &RunOptions,
    consumed: &Arc<AtomicU64>,
    mut each: impl FnMut(Vec<Event>) -> Result<()>,
) -> Result<()> {
    let (max_docs, max_bytes) = (opts.batch_docs.max(1), opts.batch_bytes.max(1));
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Event>>(1);
        let mut reader = Reader::new(files, which, &opts.read);
        reader.consumed = Arc::clone(consumed);
        s.spawn(move || {
            let (mut batch, mut docs, mut bytes) = (Vec::new(), 0, 0);
            for ev in reader {
                if let Event::Item(it) = &ev {
                    docs += 1;
                    bytes += it.bytes;
                }
                batch.push(ev);
                if docs >= max_docs || bytes >= max_bytes {
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                    (docs, bytes) = (0, 0);
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        // On an error, dropping the receiver stops the reader at its next batch.
        for batch in rx {
            each(batch)?;
        }
        Ok(())
    })
}

/// Records are classified in groups, so that the classifier scores the paragraphs of a group
/// together (`Model::classify_analyses`): up to 32 documents, fewer when they are large (a group
/// ends once it holds `GROUP_BYTES` of input), so that a few large pages still split into
/// several tasks for the workers to share.
pub(super) const GROUP: usize = 32;
pub(super) const GROUP_BYTES: usize = 256 << 10;

/// What is read but not handed on yet, and how much may be.
struct Window {
    used: Mutex<Used>,
    room: Condvar,
    max_docs: usize,
    max_bytes: usize,
}

#[derive(Default)]
struct Used {
    groups: usize,
    docs: usize,
    bytes: usize,
    closed: bool,
}

impl Window {
    fn new(max_docs: usize, max_bytes: usize) -> Window {
        Window {
            used: Mutex::default(),
            room: Condvar::new(),
            max_docs,
            max_bytes,
        }
    }

    /// Waits until a group of `docs` records and `bytes` bytes fits (in an empty window it
    /// always does) and counts it in; false once the window is closed.
    fn enter(&self, docs: usize, bytes: usize) -> bool {
        let mut u = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while !u.closed
            && u.groups > 0
            && (u.docs + docs > self.max_docs || u.bytes + bytes > self.max_bytes)
        {
            u = self.room.wait(u).unwrap_or_else(PoisonError::into_inner);
        }
        if u.closed {
            return false;
        }
        u.groups += 1;
        u.docs += docs;
        u.bytes += bytes;
        true
    }

    /// Counts a group out.
    fn leave(&self, docs: usize, bytes: usize) {
        let mut u = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        u.groups -= 1;
        u.docs -= docs;
        u.bytes -= bytes;
        // The reader is woken when the window is half empty, not for every group.
        if u.groups == 0 || (2 * u.docs <= self.max_docs && 2 * u.bytes <= self.max_bytes) {
            self.room.notify_all();
        }
    }

    /// Makes `enter` give up: nothing more is wanted.
    fn close(&self) {
        self.used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.room.notify_all();
    }
}

/// What the calling thread of [`stream`] hears: a group's result, or the end of the reading
/// with the number of groups read.
pub(super) enum Msg<R> {
    Done(u64, std::thread::Result<R>, usize, usize),
    Read(u64),
}

/// The next message. On a worker thread of a pool (when a run is started from inside one) it
/// runs the pool's tasks while it waits, so that a pool of one thread still gets on.
pub(super) fn next_message<T>(rx: &Receiver<T>) -> Option<T> {
    if rayon::current_thread_index().is_none() {
        return rx.recv().ok();
    }
    loop {
        match rx.try_recv() {
            Ok(m) => return Some(m),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                if rayon::yield_now() != Some(rayon::Yield::Executed)
                    && let Ok(m) = rx.recv_timeout(Duration::from_millis(1))
                {
                    return Some(m);
                }
            }
        }
    }
}

/// A record of a stream: its decompressed bytes, or `None` for the end of a file.
pub(super) trait Record {
    fn bytes(&self) -> Option<usize>;
}

impl Record for Event {
    fn bytes(&self) -> Option<usize> {
        match self {
            Event::Item(it) => Some(it.bytes),
            Event::FileEnd(_) => None,
        }
    }
}

/// The records of `files[i]` for each `i` of `which`, in order, read on the thread that takes
/// them; the compressed bytes read are added to `consumed`.
pub(super) fn read<'a>(
    files: &'a [InputFile],
    which: Vec<usize>,
    opts: &'a RunOptions,
    consumed: &Arc<AtomicU64>,
) -> Reader<'a> {
    let mut reader = Reader::new(files, which, &opts.read);
    reader.consumed = Arc::clone(consumed);
    reader
}

/// Takes the records of `source` on a thread of its own, in groups (see [`GROUP`]).
/// Each group goes to `work` on the worker threads as soon as it is read, and each result to
/// `sink` on the calling thread, in input order, with the group's records and bytes. Nothing
/// waits for a whole batch: a worker that finishes a group takes the next one. At most
/// `2 × opts.batch_docs` records and about `2 × opts.batch_bytes` bytes are between the reader
/// and `sink` at any time.
pub(super) fn stream<T: Record + Send, R: Send>(
    source: impl Iterator<Item = T> + Send,
    opts: &RunOptions,
    work: impl Fn(Vec<T>) -> R + Sync,
    mut sink: impl FnMut(R, usize, usize) -> Result<()>,
) -> Result<()> {
    let (max_docs, max_bytes) = opts.in_flight();
    let window = Window::new(max_docs, max_bytes);
    let (tx, rx) = std::sync::mpsc::channel::<Msg<R>>();
    let work = &work;
    rayon::in_place_scope(|scope| {
        std::thread::scope(|threads| {
            let window = &window;
            // The reader hands each group to the workers itself.
            threads.spawn(move || {
                // Tells the calling thread how many groups there were, however the reading
                // ends.
                struct Over<R>(Sender<Msg<R>>, u64);
                impl<R> Drop for Over<R> {
                    fn drop(&mut self) {
                        let _ = self.0.send(Msg::Read(self.1));
                    }
                }
                let mut over = Over(tx, 0);
                let mut handover = |events: Vec<T>, docs: usize, bytes: usize| {
                    if !window.enter(docs, bytes) {
                        return false;
                    }
                    let (tx, seq) = (over.0.clone(), over.1);
                    over.1 += 1;
                    scope.spawn(move |_| {
                        let r =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(events)));
                        let _ = tx.send(Msg::Done(seq, r, docs, bytes));
                    });
                    true
                };
                let (mut group, mut docs, mut bytes) = (Vec::new(), 0, 0);
                for ev in source {
                    if let Some(b) = ev.bytes() {
                        docs += 1;
                        bytes += b;
                    }
                    group.push(ev);
                    if docs >= GROUP || bytes >= GROUP_BYTES {
                        if !handover(std::mem::take(&mut group), docs, bytes) {
                            return;
                        }
                        (docs, bytes) = (0, 0);
                    }
                }
                if !group.is_empty() {
                    handover(group, docs, bytes);
                }
            });
            let mut sunk = 0u64;
            let mut groups = None;
            let mut ready = std::collections::BTreeMap::new();
            while groups.is_none_or(|n| sunk < n) {
                match next_message(&rx) {
                    Some(Msg::Done(seq, r, docs, bytes)) => {
                        ready.insert(seq, (r, docs, bytes));
                        while let Some((r, docs, bytes)) = ready.remove(&sunk) {
                            sunk += 1;
                            window.leave(docs, bytes);
                            let r = match r {
                                Ok(r) => r,
                                Err(panic) => {
                                    window.close();
                                    std::panic::resume_unwind(panic);
                                }
                            };
                            if let Err(e) = sink(r, docs, bytes) {
                                // The reader stops; the groups under way finish unheard.
                                window.close();
                                return Err(e);
                            }
                        }
                    }
                    Some(Msg::Read(n)) => groups = Some(n),
                    // The reader and every group hold a sender until they are done.
                    None => break,
                }
            }
            Ok(())
        })
    })
}

/// Runs `work` on the worker threads while `here` runs on the calling thread, and returns
/// both results: how a batch's results are written or counted while the next batch is made.
pub(super) fn beside<H, W: Send>(
    here: impl FnOnce() -> H,
    work: impl FnOnce() -> W + Send,
) -> (H, W) {
    let mut done = None;
    let h = rayon::in_place_scope(|scope| {
        scope.spawn(|_| done = Some(work()));
        here()
    });
    // The scope has waited for `work`, so it has run (a panic in it would have propagated).
    match done {
        Some(w) => (h, w),
        None => unreachable!("rayon scopes wait for their spawned work"),
    }
}
