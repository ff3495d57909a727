//! The few tasks of one counting step (the paragraphs, each shard of the shingles), run on the
//! calling thread and helpers of its own, each taking the next task not taken yet.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A part of the work of counting many documents at once (`CorpusIndex::add_in_parallel`): the paragraphs, or one shard's shingles.
pub(super) enum Part<P, S> {
    Paragraphs(P),
    Shingles(usize, S),
}

/// Runs `f` on every task, on the calling thread and up to `threads - 1` others, each taking
/// the next task not taken yet; returns the results in the order of the tasks.
pub(super) fn run_tasks<T: Send, R: Send>(
    tasks: Vec<T>,
    threads: usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let helpers = threads.min(tasks.len()).saturating_sub(1);
    if helpers == 0 {
        return tasks.into_iter().map(f).collect();
    }
    let n = tasks.len();
    let slots: Vec<Mutex<(Option<T>, Option<R>)>> = tasks
        .into_iter()
        .map(|t| Mutex::new((Some(t), None)))
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            // Each task is taken once. A lock is poisoned only by a thread that panicked,
            // which the scope raises again.
            let task = slots[i].lock().ok().and_then(|mut s| s.0.take());
            if let Some(t) = task {
                let r = f(t);
                if let Ok(mut s) = slots[i].lock() {
                    s.1 = Some(r);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .filter_map(|s| s.into_inner().ok().and_then(|s| s.1))
        .collect()
}
