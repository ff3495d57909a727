//! linfa's decision trees compiled into [`FlatTree`]s, which is how a model holds and writes a
//! forest: by training (`crate::train::fit`) and when reading a model file of format version 1,
//! which stored linfa's trees. Built with the `train` feature only, the one that has linfa.

use linfa_trees::{DecisionTree, TreeNode};

use super::classifier::Classifier;
use super::flat::{FlatTree, LEAF, Stored};

/// Compiles `tree`, whose column `i` is column `columns[i]` of the full row. A split on a
/// column outside `columns` is an error, as is a split missing a child (which becomes a leaf).
pub(crate) fn compile_tree(
    tree: &DecisionTree<f32, usize>,
    columns: &[usize],
) -> std::result::Result<FlatTree, String> {
    // The nodes in depth-first order, left before right, as a model file stores them.
    let mut stored = Vec::new();
    let mut stack: Vec<Option<&TreeNode<f32, usize>>> = vec![Some(tree.root_node())];
    while let Some(node) = stack.pop() {
        match node {
            Some(n) if !n.is_leaf() => {
                let (feature, threshold, _) = n.split();
                let column = *columns.get(feature).ok_or_else(|| {
                    format!("a tree splits on its column {feature} of {}", columns.len())
                })?;
                let column = u32::try_from(column)
                    .ok()
                    .filter(|&c| c != LEAF)
                    .ok_or_else(|| format!("column {column} is out of range"))?;
                stored.push(Stored::Split(column, threshold));
                let children = n.children();
                // Right first on the stack, so the left subtree comes first.
                stack.push(children[1].as_deref());
                stack.push(children[0].as_deref());
            }
            _ => stored.push(Stored::Leaf),
        }
    }
    FlatTree::from_stored(&stored)
}

/// A forest of linfa's trees, as model files of format version 1 stored it (each tree with the
/// columns it was fitted on, in the order it expects them, and the content share of each of its
/// leaves), compiled into a [`Classifier::FlatForest`].
pub(crate) fn compile_forest(
    trees: &[DecisionTree<f32, usize>],
    columns: &[Vec<usize>],
    leaf_values: Vec<Vec<f32>>,
) -> std::result::Result<Classifier, String> {
    if trees.len() != columns.len() {
        return Err(format!(
            "forest has {} trees and {} column sets",
            trees.len(),
            columns.len()
        ));
    }
    let trees = trees
        .iter()
        .zip(columns)
        .enumerate()
        .map(|(t, (tree, cols))| compile_tree(tree, cols).map_err(|e| format!("tree {t}: {e}")))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Classifier::FlatForest { trees, leaf_values })
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::*;
    use ndarray::{Array1, Array2, array};

    #[test]
    fn compiled_tree_routes_like_linfa() {
        // Label is 1 when x0 >= 0.5 and x1 >= 0.5.
        let x: Array2<f32> = array![
            [0.0, 0.0],
            [0.0, 1.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [0.9, 0.8],
            [0.1, 0.9],
            [0.8, 0.2],
            [0.7, 0.9]
        ];
        let y: Array1<usize> = array![0, 0, 0, 1, 1, 0, 0, 1];
        let tree = DecisionTree::params()
            .fit(&Dataset::new(x.clone(), y.clone()))
            .unwrap();
        let flat = compile_tree(&tree, &[3, 7]).unwrap();
        assert_eq!(flat.columns_needed(), 8);
        assert_eq!(flat.leaves(), tree.num_leaves());
        let full = |r: ndarray::ArrayView1<'_, f32>| {
            let mut f = [0f32; 8];
            f[3] = r[0];
            f[7] = r[1];
            f
        };
        // Leaf class fractions from the training rows; the data is separable, so every leaf is
        // pure and its fraction gives linfa's own prediction.
        let mut counts = vec![(0u32, 0u32); flat.leaves()];
        for (r, &l) in x.rows().into_iter().zip(&y) {
            let leaf = flat.leaf(ndarray::ArrayView1::from(&full(r)));
            counts[leaf].0 += (l == 1) as u32;
            counts[leaf].1 += 1;
        }
        let rows: Vec<[f32; 8]> = x.rows().into_iter().map(full).collect();
        let side_by_side: Vec<usize> = rows
            .chunks_exact(4)
            .flat_map(|r| flat.leaves_of([&r[0][..], &r[1], &r[2], &r[3]]))
            .collect();
        let one_by_one: Vec<usize> = rows.iter().map(|r| flat.leaf_of(r)).collect();
        assert_eq!(side_by_side, one_by_one);
        let predicted = tree.predict(&x);
        for (r, &p) in x.rows().into_iter().zip(&predicted) {
            let (c, n) = counts[flat.leaf(ndarray::ArrayView1::from(&full(r)))];
            assert!(c == 0 || c == n, "pure leaf");
            assert_eq!((c == n) as usize, p);
        }
        assert!(compile_tree(&tree, &[3]).is_err() || tree.features().iter().all(|&f| f == 0));
    }

    #[test]
    fn a_compiled_tree_is_read_back_as_written() {
        let x: Array2<f32> = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.2, 0.6]];
        let y: Array1<usize> = array![0, 1, 1, 0, 1];
        let tree = DecisionTree::params().fit(&Dataset::new(x, y)).unwrap();
        let flat = compile_tree(&tree, &[4, 1]).unwrap();
        assert!(flat.leaves() > 2);
        let config = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(&flat, config).unwrap();
        let (back, _): (FlatTree, usize) =
            bincode::serde::decode_from_slice(&bytes, config).unwrap();
        assert_eq!(back, flat);
    }
}
