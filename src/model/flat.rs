//! A decision tree as a flat array of nodes, for fast and panic-free prediction, with leaves
//! numbered in depth-first order (left before right). Training compiles linfa's fitted trees into
//! it (`crate::train::fit`); a model file stores it node by node in that order (see
//! [`FlatTree`]'s serde form).

use ndarray::ArrayView1;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `Node::column` of a leaf.
pub(crate) const LEAF: u32 = u32::MAX;

/// One node in 16 bytes: a split (rows with `row[column] < threshold` go to `left`, the others
/// to `right`), or a leaf (`column == LEAF`, `left` is its number in depth-first order, and
/// `right` is the leaf itself and `threshold` NaN, so that a step from a leaf stays there).
#[derive(Debug, Clone, Copy)]
struct Node {
    threshold: f32,
    column: u32,
    left: u32,
    right: u32,
}

impl PartialEq for Node {
    fn eq(&self, o: &Node) -> bool {
        // A leaf's threshold is NaN: compared bit for bit.
        (self.threshold.to_bits(), self.column, self.left, self.right)
            == (o.threshold.to_bits(), o.column, o.left, o.right)
    }
}

/// A decision tree as a flat node array over the full feature row.
///
/// Its serde form is the sequence of its nodes in depth-first order, left before right, each a
/// split (column, threshold) or a leaf: the links, the leaf numbers and the depth follow from
/// the order, so a tree read back is well formed by construction (a sequence that is not exactly
/// one tree is refused).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlatTree {
    nodes: Vec<Node>,
    leaves: u32,
    /// Steps from the root to the deepest leaf.
    depth: u32,
}

/// A node of a tree's serde form (see [`FlatTree`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum Stored {
    /// Rows with `row[column] < threshold` go to the subtree that follows, the others to the one
    /// after it.
    Split(u32, f32),
    Leaf,
}

impl Serialize for FlatTree {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The nodes are already in depth-first order.
        s.collect_seq(self.nodes.iter().map(|n| match n.column {
            LEAF => Stored::Leaf,
            c => Stored::Split(c, n.threshold),
        }))
    }
}

impl<'de> Deserialize<'de> for FlatTree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FlatTree, D::Error> {
        let stored = Vec::<Stored>::deserialize(d)?;
        FlatTree::from_stored(&stored).map_err(serde::de::Error::custom)
    }
}

impl FlatTree {
    /// The tree whose nodes in depth-first order are `stored`, or what is wrong with them: no
    /// node, a subtree cut short, nodes after the last leaf, a split on no column or at a NaN.
    pub(crate) fn from_stored(stored: &[Stored]) -> Result<FlatTree, String> {
        if stored.len() >= LEAF as usize {
            return Err(format!("a tree of {} nodes is too large", stored.len()));
        }
        let mut flat = FlatTree {
            nodes: Vec::with_capacity(stored.len()),
            leaves: 0,
            depth: 0,
        };
        // Where the next node goes: (its parent and whether it is the left child, its depth);
        // `None` once the tree is complete.
        let mut next: Option<(Option<(usize, bool)>, u32)> = Some((None, 0));
        // The splits whose right subtree is still to come, with their depth.
        let mut open: Vec<(usize, u32)> = Vec::new();
        for (at, node) in stored.iter().enumerate() {
            let Some((parent, depth)) = next else {
                return Err(format!(
                    "{} nodes after the last leaf of a tree of {at}",
                    stored.len() - at
                ));
            };
            if let Some((p, is_left)) = parent {
                let n = &mut flat.nodes[p];
                if is_left {
                    n.left = at as u32;
                } else {
                    n.right = at as u32;
                }
            }
            match *node {
                Stored::Split(column, threshold) => {
                    if column == LEAF || threshold.is_nan() {
                        return Err(format!(
                            "node {at} splits on column {column} at {threshold}"
                        ));
                    }
                    flat.nodes.push(Node {
                        threshold,
                        column,
                        left: 0,
                        right: 0,
                    });
                    open.push((at, depth));
                    next = Some((Some((at, true)), depth + 1));
                }
                Stored::Leaf => {
                    flat.nodes.push(Node {
                        threshold: f32::NAN,
                        column: LEAF,
                        left: flat.leaves,
                        right: at as u32,
                    });
                    flat.leaves += 1;
                    flat.depth = flat.depth.max(depth);
                    next = open.pop().map(|(p, d)| (Some((p, false)), d + 1));
                }
            }
        }
        if stored.is_empty() || next.is_some() {
            return Err(format!(
                "a tree of {} nodes ends before its last leaf",
                stored.len()
            ));
        }
        Ok(flat)
    }

    /// Number of leaves.
    pub fn leaves(&self) -> usize {
        self.leaves as usize
    }

    /// The leaf `row` falls into. `row` must have every column the tree splits on.
    pub fn leaf(&self, row: ArrayView1<'_, f32>) -> usize {
        match row.as_slice() {
            Some(r) => self.leaf_of(r),
            None => self.leaf_of(&row.to_vec()),
        }
    }

    /// The leaf `row` falls into. `row` must have every column the tree splits on
    /// ([`FlatTree::columns_needed`]); a missing column routes right, as a NaN does.
    #[inline]
    pub fn leaf_of(&self, row: &[f32]) -> usize {
        let mut i = 0usize;
        loop {
            let n = self.nodes[i];
            if n.column == LEAF {
                return n.left as usize;
            }
            // As linfa-trees: strictly less goes left (a NaN goes right).
            let goes_left = row.get(n.column as usize).is_some_and(|&v| v < n.threshold);
            i = if goes_left { n.left } else { n.right } as usize;
        }
    }

    /// The leaves that `K` rows fall into, as [`FlatTree::leaf_of`] gives them one at a time.
    /// The rows walk the tree side by side, each for as many steps as the deepest leaf is
    /// deep (a step from a leaf stays at the leaf): the walks have no branch to mispredict,
    /// and the memory reads of one row overlap those of the others.
    #[inline]
    pub fn leaves_of<const K: usize>(&self, rows: [&[f32]; K]) -> [usize; K] {
        let mut at = [0usize; K];
        for _ in 0..self.depth {
            for (i, row) in at.iter_mut().zip(rows) {
                let Some(&n) = self.nodes.get(*i) else {
                    continue;
                };
                // A leaf's column is out of every row and its threshold NaN: it goes right.
                let last = row.len().saturating_sub(1);
                let v = row.get((n.column as usize).min(last)).copied();
                let goes_left = v.unwrap_or(f32::NAN) < n.threshold;
                // The child picked by arithmetic rather than a branch.
                *i = if goes_left { n.left } else { n.right } as usize;
            }
        }
        at.map(|i| self.nodes.get(i).map_or(0, |n| n.left as usize))
    }

    /// The largest column a split reads, plus one.
    pub fn columns_needed(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| n.column != LEAF)
            .map(|n| n.column as usize + 1)
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(t: &impl Serialize) -> Vec<u8> {
        bincode::serde::encode_to_vec(t, bincode::config::standard()).unwrap()
    }

    fn decode(b: &[u8]) -> Result<FlatTree, String> {
        bincode::serde::decode_from_slice(b, bincode::config::standard())
            .map(|(t, _)| t)
            .map_err(|e| e.to_string())
    }

    /// A tree of depth 3 with five leaves, by hand: column 2 < 0.5, then column 0 < 1 on the left
    /// and column 1 < -1 on the right, whose right is split again on column 5 < 3.
    fn stored() -> Vec<Stored> {
        use Stored::{Leaf, Split};
        vec![
            Split(2, 0.5),
            Split(0, 1.0),
            Leaf,
            Leaf,
            Split(1, -1.0),
            Leaf,
            Split(5, 3.0),
            Leaf,
            Leaf,
        ]
    }

    #[test]
    fn a_tree_is_read_back_as_written() {
        let t = FlatTree::from_stored(&stored()).unwrap();
        assert_eq!((t.leaves(), t.depth, t.columns_needed()), (5, 3, 6));
        let rows: [[f32; 6]; 5] = [
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [2.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, -2.0, 1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0, 0.0, 2.0],
            [0.0, 0.0, 1.0, 0.0, 0.0, 4.0],
        ];
        let one_by_one: Vec<usize> = rows.iter().map(|r| t.leaf_of(r)).collect();
        assert_eq!(one_by_one, [0, 1, 2, 3, 4]);
        assert_eq!(
            t.leaves_of(rows.each_ref().map(|r| &r[..])),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(decode(&encode(&t)).unwrap(), t);
        assert_eq!(encode(&t), encode(&stored()));
    }

    #[test]
    fn a_sequence_that_is_not_one_tree_is_refused() {
        let mut bad: Vec<(Vec<Stored>, &str)> = vec![
            (vec![], "ends before its last leaf"),
            (stored()[..8].to_vec(), "ends before its last leaf"),
            (vec![Stored::Split(0, 1.0), Stored::Leaf], "ends before"),
            (
                vec![Stored::Leaf, Stored::Leaf],
                "1 nodes after the last leaf",
            ),
            (
                vec![Stored::Split(LEAF, 1.0), Stored::Leaf, Stored::Leaf],
                "splits on column",
            ),
            (
                vec![Stored::Split(0, f32::NAN), Stored::Leaf, Stored::Leaf],
                "at NaN",
            ),
        ];
        let mut long = stored();
        long.extend([Stored::Leaf; 3]);
        bad.push((long, "3 nodes after the last leaf of a tree of 9"));
        for (nodes, why) in bad {
            let e = FlatTree::from_stored(&nodes).unwrap_err();
            assert!(e.contains(why), "{nodes:?}: {e}");
            // Through serde as well, as a model file is read.
            let e = decode(&encode(&nodes)).unwrap_err();
            assert!(e.contains(why), "{nodes:?}: {e}");
        }
        assert_eq!(FlatTree::from_stored(&[Stored::Leaf]).unwrap().leaves(), 1);
    }
}
