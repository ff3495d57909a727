//! Adding up two corpus indexes (the shares of one corpus).

use super::exact::Exact;
use super::{CorpusIndex, Repr};
use crate::error::{Error, Result};

impl CorpusIndex {
    /// Adds the counts of `other`, an index of other documents (another share of the corpus,
    /// say), on up to `threads` threads: every count becomes the sum of the two, and the
    /// documents too. Exact counts stay exact while they fit in a quarter of this index's
    /// budget, and turn into a sketch beyond it, as when documents are added. Exact counts go
    /// into a sketch on the other side as documents' counts do (whatever its budget, which the
    /// result keeps). Two sketches add cell by cell (site masks are joined): the estimates stay
    /// at or above the truth, by at most the sum of the two sketches' errors, which can be more
    /// than the error of one index of all the documents.
    ///
    /// # Errors
    /// [`Error::Input`] when both are sketches of different sizes (made with different
    /// budgets); `self` is then unchanged.
    pub fn merge(&mut self, other: CorpusIndex, threads: usize) -> Result<()> {
        if let (Repr::Sketch(a), Repr::Sketch(b)) = (&self.repr, &other.repr)
            && a.shape() != b.shape()
        {
            return Err(Error::input(
                "corpus index",
                format!(
                    "sketches of different sizes (--index-memory {} and {} bytes) cannot be \
                     added",
                    self.budget, other.budget
                ),
            ));
        }
        self.docs = self.docs.saturating_add(other.docs);
        let exact = std::mem::replace(&mut self.repr, Repr::Exact(Exact::default()));
        self.repr = match (exact, other.repr) {
            (Repr::Exact(mut a), Repr::Exact(b)) => {
                a.add(b, threads);
                if a.bytes() > self.budget / 4 {
                    Repr::Sketch(Box::new(a.into_sketch(self.budget, threads)))
                } else {
                    Repr::Exact(a)
                }
            }
            (Repr::Sketch(mut a), Repr::Sketch(b)) => {
                a.add(&b);
                Repr::Sketch(a)
            }
            (Repr::Sketch(mut a), Repr::Exact(b)) => {
                b.fold_into(&mut a, threads);
                Repr::Sketch(a)
            }
            (Repr::Exact(a), Repr::Sketch(mut b)) => {
                a.fold_into(&mut b, threads);
                self.budget = other.budget;
                Repr::Sketch(b)
            }
        };
        Ok(())
    }
}
