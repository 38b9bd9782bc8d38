//! Binary Merkle tree over blake3 with batched (multi-leaf) authentication paths.
//!
//! Leaves and inner nodes are domain-separated (`0x00 || data` vs `0x01 || left || right`).
//! The tree is stored as a heap: node 1 is the root, node `k` has children `2k, 2k + 1`, and
//! leaf `i` of `n` is node `n + i`. A multi-path for sorted distinct leaf indices lists, level
//! by level from the leaves up, each sibling the verifier cannot compute itself.

use crate::error::ProveError;
use rayon::prelude::*;

/// A 32-byte blake3 digest.
pub type Digest = [u8; 32];

/// Hash of a leaf's bytes.
pub fn hash_leaf(data: &[u8]) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(&[0]);
    h.update(data);
    *h.finalize().as_bytes()
}

/// Hash of two children.
pub fn hash_node(left: &Digest, right: &Digest) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(&[1]);
    h.update(left);
    h.update(right);
    *h.finalize().as_bytes()
}

/// A complete Merkle tree over a power-of-two number of leaf digests.
#[derive(Clone, Debug)]
pub struct MerkleTree {
    nodes: Vec<Digest>,
}

impl MerkleTree {
    /// Build the tree; `leaves.len()` must be a power of two (otherwise a shape error).
    pub fn new(leaves: Vec<Digest>) -> Result<Self, ProveError> {
        let n = leaves.len();
        if !n.is_power_of_two() {
            return Err(ProveError::Shape {
                what: "Merkle leaves (a power of two)",
                expected: n.max(1).next_power_of_two(),
                found: n,
            });
        }
        let mut nodes = vec![[0u8; 32]; 2 * n];
        nodes[n..].copy_from_slice(&leaves);
        let mut width = n / 2;
        while width >= 1 {
            let (upper, lower) = nodes.split_at_mut(2 * width);
            let parents = &mut upper[width..2 * width];
            let children = &lower[..2 * width];
            if width >= 1024 {
                parents
                    .par_iter_mut()
                    .zip(children.par_chunks(2))
                    .for_each(|(p, c)| *p = hash_node(&c[0], &c[1]));
            } else {
                parents
                    .iter_mut()
                    .zip(children.chunks(2))
                    .for_each(|(p, c)| *p = hash_node(&c[0], &c[1]));
            }
            width /= 2;
        }
        Ok(MerkleTree { nodes })
    }

    /// Number of leaves.
    pub fn num_leaves(&self) -> usize {
        self.nodes.len() / 2
    }

    /// The root (for a single leaf, the leaf digest itself).
    pub fn root(&self) -> Digest {
        self.nodes[1]
    }

    /// Multi-path for `indices`, which must be sorted, distinct and in range (otherwise a
    /// shape error).
    pub fn open(&self, indices: &[usize]) -> Result<Vec<Digest>, ProveError> {
        let n = self.num_leaves();
        if indices.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ProveError::Shape {
                what: "Merkle indices (sorted and distinct)",
                expected: indices.len(),
                found: indices.windows(2).filter(|w| w[0] < w[1]).count() + 1,
            });
        }
        if let Some(&last) = indices.last().filter(|&&i| i >= n) {
            return Err(ProveError::Shape {
                what: "Merkle index bound",
                expected: n,
                found: last + 1,
            });
        }
        let mut level: Vec<usize> = indices.iter().map(|i| n + i).collect();
        let mut proof = Vec::new();
        while level.first().is_some_and(|&k| k > 1) {
            let mut next = Vec::with_capacity(level.len());
            let mut i = 0;
            while i < level.len() {
                let k = level[i];
                if k % 2 == 0 && level.get(i + 1) == Some(&(k + 1)) {
                    i += 2;
                } else {
                    proof.push(self.nodes[k ^ 1]);
                    i += 1;
                }
                next.push(k / 2);
            }
            level = next;
        }
        Ok(proof)
    }
}

/// Check a multi-path: `indices` sorted and distinct (checked), `leaves[i]` the digest of leaf
/// `indices[i]`, `num_leaves` a power of two. Every proof digest must be used.
pub fn verify_multi(
    root: &Digest,
    num_leaves: usize,
    indices: &[usize],
    leaves: &[Digest],
    proof: &[Digest],
) -> bool {
    if indices.is_empty()
        || indices.len() != leaves.len()
        || !num_leaves.is_power_of_two()
        || indices.windows(2).any(|w| w[0] >= w[1])
        || indices.last().is_some_and(|&i| i >= num_leaves)
    {
        return false;
    }
    let mut level: Vec<(usize, Digest)> = indices
        .iter()
        .zip(leaves)
        .map(|(i, d)| (num_leaves + i, *d))
        .collect();
    let mut sib = proof.iter();
    while level[0].0 > 1 {
        let mut next = Vec::with_capacity(level.len());
        let mut i = 0;
        while i < level.len() {
            let (k, d) = level[i];
            let parent = if k % 2 == 0 && level.get(i + 1).is_some_and(|(k2, _)| *k2 == k + 1) {
                let right = level[i + 1].1;
                i += 2;
                hash_node(&d, &right)
            } else {
                let Some(s) = sib.next() else { return false };
                i += 1;
                if k % 2 == 0 {
                    hash_node(&d, s)
                } else {
                    hash_node(s, &d)
                }
            };
            next.push((k / 2, parent));
        }
        level = next;
    }
    sib.next().is_none() && level.len() == 1 && level[0].1 == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_paths_verify_and_reject_tampering() {
        for n in [1usize, 2, 8, 64] {
            let leaves: Vec<Digest> = (0..n)
                .map(|i| hash_leaf(&(i as u64).to_le_bytes()))
                .collect();
            let tree = MerkleTree::new(leaves.clone()).unwrap();
            let sets: Vec<Vec<usize>> = vec![
                vec![0],
                vec![n - 1],
                (0..n).step_by(3).collect(),
                (0..n).collect(),
            ];
            for idx in sets {
                let proof = tree.open(&idx).unwrap();
                let ls: Vec<Digest> = idx.iter().map(|&i| leaves[i]).collect();
                assert!(verify_multi(&tree.root(), n, &idx, &ls, &proof));
                for k in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[k][0] ^= 1;
                    assert!(!verify_multi(&tree.root(), n, &idx, &ls, &bad));
                }
                let mut bad = ls.clone();
                bad[0][5] ^= 1;
                assert!(!verify_multi(&tree.root(), n, &idx, &bad, &proof));
                let mut longer = proof.clone();
                longer.push([0; 32]);
                assert!(!verify_multi(&tree.root(), n, &idx, &ls, &longer));
            }
            assert!(tree.open(&[n]).is_err());
            if n > 1 {
                assert!(tree.open(&[1, 0]).is_err());
                assert!(tree.open(&[0, 0]).is_err());
            }
        }
        assert!(MerkleTree::new(vec![[0u8; 32]; 3]).is_err());
        assert!(MerkleTree::new(Vec::new()).is_err());
    }
}
