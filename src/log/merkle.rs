//! RFC 6962 / RFC 9162 Merkle tree maths: hashing, roots, inclusion and consistency proofs and their
//! verification, generic over where the hashes of perfect subtrees are stored.
//!
//! The tree over `n` leaves is the left-balanced tree of RFC 9162 §2.1.1: its left subtree covers the
//! largest power of two of leaves smaller than `n`. A *perfect node* `(level, index)` is the hash of the
//! complete subtree over leaves `[index * 2^level, (index + 1) * 2^level)`; level 0 holds the leaf
//! hashes. A store keeps every perfect node that exists for its current size (see
//! [`nodes_completed_by_append`]); everything else (roots, proofs) is computed from those with
//! O(log n) or O(log² n) reads, never by rebuilding the tree.

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, a node hash or a root.
pub type Hash = [u8; 32];

/// Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27,
    0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Domain-separation prefix of leaf hashes.
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of interior node hashes.
const NODE_PREFIX: u8 = 0x01;

/// Hash of one leaf: SHA-256(0x00 || leaf).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([LEAF_PREFIX])
        .chain_update(leaf)
        .finalize()
        .into()
}

/// Hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([NODE_PREFIX])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// Where perfect-subtree hashes come from (sled in production, memory in tests).
pub trait NodeSource {
    /// Why a node could not be read (missing, storage failure, corrupt value...).
    type Error;

    /// The perfect node at `level` and `index`: the hash of the complete subtree over leaves
    /// `[index * 2^level, (index + 1) * 2^level)`. Level 0, index `i` is leaf `i`'s leaf hash.
    fn node(&self, level: u8, index: u64) -> Result<Hash, Self::Error>;
}

/// A perfect node as `(level, index, hash)`.
pub type PerfectNode = (u8, u64, Hash);

/// Why a root or a proof could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum TreeError<E> {
    /// The node source failed to provide a node the computation needs.
    #[error("reading a tree node failed: {0}")]
    Source(E),
    /// The requested leaf or tree sizes make no sense (leaf past the end, shrinking tree...).
    #[error("{0}")]
    OutOfRange(String),
}

/// The perfect nodes that appending leaf number `size` (0-based, i.e. the tree grows from `size` to
/// `size + 1` leaves) completes, including level 0 (the leaf hash itself), in increasing level: what the
/// store must write in the same atomic batch as the leaf.
///
/// Reads the left siblings of the new nodes from `source`: one per trailing one bit of `size`, so
/// O(log n). Fails with [`TreeError::OutOfRange`] when the tree already has `u64::MAX` leaves.
pub fn nodes_completed_by_append<S: NodeSource>(
    source: &S,
    size: u64,
    leaf_hash: Hash,
) -> Result<Vec<PerfectNode>, TreeError<S::Error>> {
    if size == u64::MAX {
        return Err(TreeError::OutOfRange(format!(
            "the tree is full: it cannot grow beyond {size} leaves"
        )));
    }
    let (mut level, mut index, mut hash) = (0_u8, size, leaf_hash);
    let mut completed = vec![(level, index, hash)];
    // A node with an odd index is a right child: together with its left sibling it completes its
    // parent. `size < u64::MAX` has at most 63 trailing ones, so `level` stays below 64.
    while index & 1 == 1 {
        let left_sibling = read(source, level, index - 1)?;
        hash = node_hash(&left_sibling, &hash);
        level += 1;
        index >>= 1;
        completed.push((level, index, hash));
    }
    Ok(completed)
}

/// Root of the tree of the first `size` leaves ([`EMPTY_ROOT`] for 0): folds, right to left, the perfect
/// subtrees of the binary decomposition of `size`, so one node read per one bit of `size`.
pub fn root<S: NodeSource>(source: &S, size: u64) -> Result<Hash, TreeError<S::Error>> {
    let mut subtree_hashes = perfect_subtrees_of_prefix(size)
        .map(|(level, index)| read(source, level, index))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(mut folded) = subtree_hashes.pop() else {
        return Ok(EMPTY_ROOT);
    };
    while let Some(left) = subtree_hashes.pop() {
        folded = node_hash(&left, &folded);
    }
    Ok(folded)
}

/// RFC 9162 §2.1.3 inclusion proof (audit path, leaf to root) of leaf `index` in the tree of `size`
/// leaves. Fails with [`TreeError::OutOfRange`] when `index >= size`; with [`TreeError::Source`] when the
/// source lacks a node, e.g. because `size` exceeds the stored tree. O(log² n) reads at worst.
pub fn inclusion_proof<S: NodeSource>(
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, TreeError<S::Error>> {
    if index >= size {
        return Err(TreeError::OutOfRange(format!(
            "leaf {index} is not in a tree of {size} leaves"
        )));
    }
    // Walk down RFC 9162's PATH recursion from the root, collecting the sibling of each subtree that
    // contains the leaf; the proof lists them from the leaf up.
    let (mut start, mut end) = (0, size);
    let mut siblings_from_root = Vec::new();
    while end - start > 1 {
        let split = start + largest_power_of_two_below(end - start);
        if index < split {
            siblings_from_root.push(range_hash(source, split, end)?);
            end = split;
        } else {
            siblings_from_root.push(range_hash(source, start, split)?);
            start = split;
        }
    }
    siblings_from_root.reverse();
    Ok(siblings_from_root)
}

/// RFC 9162 §2.1.4 consistency proof from the tree of `from` leaves to the tree of `to` leaves.
///
/// The proof is empty when `from == to`. There is no proof from the empty tree (every tree extends it,
/// and RFC 9162 defines none), so `from == 0` fails with [`TreeError::OutOfRange`], as does
/// `from > to`. Fails with [`TreeError::Source`] when the source lacks a node, e.g. because `to` exceeds
/// the stored tree. O(log² n) reads at worst.
pub fn consistency_proof<S: NodeSource>(
    source: &S,
    from: u64,
    to: u64,
) -> Result<Vec<Hash>, TreeError<S::Error>> {
    if from == 0 {
        return Err(TreeError::OutOfRange(
            "there is no consistency proof from the empty tree (size 0): every tree extends it".to_owned(),
        ));
    }
    if from > to {
        return Err(TreeError::OutOfRange(format!(
            "cannot prove consistency from {from} leaves to fewer leaves ({to})"
        )));
    }
    // Walk down RFC 9162's SUBPROOF recursion from the root. `within_old_tree_root` is its flag `b`:
    // true while the current subtree is still the old tree's root path, whose hash the verifier has.
    // Invariant: start < from <= end.
    let (mut start, mut end) = (0, to);
    let mut within_old_tree_root = true;
    let mut siblings_from_root = Vec::new();
    while from != end {
        let split = start + largest_power_of_two_below(end - start);
        if from <= split {
            siblings_from_root.push(range_hash(source, split, end)?);
            end = split;
        } else {
            siblings_from_root.push(range_hash(source, start, split)?);
            start = split;
            within_old_tree_root = false;
        }
    }
    let mut proof = Vec::with_capacity(siblings_from_root.len() + 1);
    if !within_old_tree_root {
        proof.push(range_hash(source, start, end)?);
    }
    proof.extend(siblings_from_root.into_iter().rev());
    Ok(proof)
}

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The leaf index is not inside the tree.
    #[error("leaf {index} is not in a tree of {size} leaves")]
    IndexOutOfRange {
        /// The claimed leaf index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// A consistency proof from the empty tree was given; there is no such proof.
    #[error("there is no consistency proof from the empty tree (size 0)")]
    EmptyOldTree,
    /// The newer tree is smaller than the older one.
    #[error("a tree cannot shrink from {from} to {to} leaves")]
    TreeShrinks {
        /// The older tree size.
        from: u64,
        /// The newer tree size.
        to: u64,
    },
    /// The proof does not have the number of hashes these sizes require.
    #[error("the proof has {actual} hashes, these sizes require {expected}")]
    WrongProofSize {
        /// How many hashes a proof for these sizes has.
        expected: usize,
        /// How many hashes the proof has.
        actual: usize,
    },
    /// The inclusion proof does not lead from the leaf to the given root.
    #[error("the inclusion proof does not lead to the given root")]
    RootMismatch,
    /// The consistency proof does not lead to the given root of the older tree.
    #[error("the consistency proof does not lead to the given root of the older tree")]
    OldRootMismatch,
    /// The consistency proof does not lead to the given root of the newer tree.
    #[error("the consistency proof does not lead to the given root of the newer tree")]
    NewRootMismatch,
    /// Two trees of the same size must have the same root.
    #[error("two trees of {size} leaves have different roots")]
    DifferentRootsAtSameSize {
        /// The common tree size.
        size: u64,
    },
}

/// RFC 9162 §2.1.3.2 verification: does `proof` show that `leaf_hash` is leaf `index` of the tree of
/// `size` leaves whose root is `root`?
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_proof_len(index, size);
    let wrong_size = VerifyError::WrongProofSize {
        expected,
        actual: proof.len(),
    };
    if proof.len() != expected {
        return Err(wrong_size);
    }
    // Names follow the RFC: `fn` (here `node`) walks up from the leaf, `sn` (here `last`) from the
    // tree's last leaf; `r` (here `computed`) is the running hash.
    let (mut node, mut last, mut computed) = (index, size - 1, *leaf_hash);
    for sibling in proof {
        if last == 0 {
            return Err(wrong_size);
        }
        if node & 1 == 1 || node == last {
            computed = node_hash(sibling, &computed);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            computed = node_hash(&computed, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(wrong_size);
    }
    if computed == *root {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch)
    }
}

/// RFC 9162 §2.1.4.2 verification: does `proof` show that the tree of `to` leaves with root `to_root`
/// extends the tree of `from` leaves with root `from_root`?
///
/// Equal sizes need an empty proof and equal roots. `from == 0` is always rejected
/// ([`VerifyError::EmptyOldTree`]), matching [`consistency_proof`].
pub fn verify_consistency(
    from: u64,
    to: u64,
    proof: &[Hash],
    from_root: &Hash,
    to_root: &Hash,
) -> Result<(), VerifyError> {
    if from > to {
        return Err(VerifyError::TreeShrinks { from, to });
    }
    if from == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    if from == to {
        if !proof.is_empty() {
            return Err(VerifyError::WrongProofSize {
                expected: 0,
                actual: proof.len(),
            });
        }
        if from_root != to_root {
            return Err(VerifyError::DifferentRootsAtSameSize { size: from });
        }
        return Ok(());
    }
    let expected = consistency_proof_len(from, to);
    let wrong_size = VerifyError::WrongProofSize {
        expected,
        actual: proof.len(),
    };
    if proof.len() != expected {
        return Err(wrong_size);
    }
    let mut hashes = proof.iter();
    // When `from` is a power of two the old root is itself a node of the new tree and is not sent.
    let start = if from.is_power_of_two() {
        *from_root
    } else {
        let Some(first) = hashes.next() else {
            return Err(wrong_size);
        };
        *first
    };
    // Skip the levels where the old tree's last leaf is a right child: `from - 1` shifted right by the
    // number of trailing zeros of `from` (below 64 since `from > 0`).
    let shift = from.trailing_zeros();
    let (mut node, mut last) = ((from - 1) >> shift, (to - 1) >> shift);
    let (mut old_root, mut new_root) = (start, start);
    for sibling in hashes {
        if last == 0 {
            return Err(wrong_size);
        }
        if node & 1 == 1 || node == last {
            old_root = node_hash(sibling, &old_root);
            new_root = node_hash(sibling, &new_root);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            new_root = node_hash(&new_root, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(wrong_size);
    }
    if old_root != *from_root {
        return Err(VerifyError::OldRootMismatch);
    }
    if new_root != *to_root {
        return Err(VerifyError::NewRootMismatch);
    }
    Ok(())
}

/// The error of a [`MemoryTree`] asked for a perfect node it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the tree has no perfect node at level {level}, index {index}")]
pub struct MissingNode {
    /// The requested level.
    pub level: u8,
    /// The requested index.
    pub index: u64,
}

/// A simple in-memory tree: the leaf hashes, with every subtree hash computed on demand straight from
/// RFC 9162's definition of MTH. The reference the sled-backed tree is checked against; slow (a node at
/// level `l` costs 2^l hashes), so for tests only.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    leaf_hashes: Vec<Hash>,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf given by its leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) {
        self.leaf_hashes.push(leaf_hash);
    }

    /// Appends a leaf given by its bytes (hashed with [`leaf_hash`]).
    pub fn append(&mut self, leaf: &[u8]) {
        self.push(leaf_hash(leaf));
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        // usize is at most 64 bits wide on every supported platform, so this never truncates.
        self.leaf_hashes.len() as u64
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.leaf_hashes.is_empty()
    }

    /// Root of the tree of the first `size` leaves computed straight from the RFC recursion (independent
    /// of [`root`]); `None` when the tree has fewer than `size` leaves.
    pub fn root_by_definition(&self, size: u64) -> Option<Hash> {
        let size = usize::try_from(size).ok()?;
        self.leaf_hashes.get(..size).map(subtree_hash_by_definition)
    }
}

impl NodeSource for MemoryTree {
    type Error = MissingNode;

    fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
        let missing = MissingNode { level, index };
        let width = 1_u64.checked_shl(u32::from(level)).ok_or(missing)?;
        let start = index.checked_mul(width).ok_or(missing)?;
        let end = start.checked_add(width).ok_or(missing)?;
        let start = usize::try_from(start).map_err(|_| missing)?;
        let end = usize::try_from(end).map_err(|_| missing)?;
        self.leaf_hashes
            .get(start..end)
            .map(subtree_hash_by_definition)
            .ok_or(missing)
    }
}

/// MTH of RFC 9162 §2.1.1 over a list of leaf hashes.
fn subtree_hash_by_definition(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => EMPTY_ROOT,
        [only] => *only,
        _ => {
            // The largest power of two below the length; a Vec of hashes is far too short for
            // `next_power_of_two` to overflow.
            let (left, right) = leaf_hashes.split_at(leaf_hashes.len().next_power_of_two() / 2);
            node_hash(
                &subtree_hash_by_definition(left),
                &subtree_hash_by_definition(right),
            )
        }
    }
}

/// Reads one perfect node, wrapping the source's error.
fn read<S: NodeSource>(source: &S, level: u8, index: u64) -> Result<Hash, TreeError<S::Error>> {
    source.node(level, index).map_err(TreeError::Source)
}

/// The perfect subtrees `(level, index)` that make up the first `size` leaves, left to right: one per
/// one bit of `size`, from the highest.
fn perfect_subtrees_of_prefix(size: u64) -> impl Iterator<Item = (u8, u64)> {
    // With bit `level` of `size` set, the subtree at that level starts where the larger ones end, at
    // `size` with its low `level + 1` bits cleared: its index is `(size >> level) - 1`.
    (0..64_u8)
        .rev()
        .filter(move |&level| (size >> level) & 1 == 1)
        .map(move |level| (level, (size >> level) - 1))
}

/// Hash of the subtree over leaves `[start, end)` as RFC 9162's MTH defines it, from perfect nodes. For
/// the ranges proofs use (right edges of subtrees starting at a multiple of their largest power of two)
/// this reads O(log n) nodes.
fn range_hash<S: NodeSource>(source: &S, start: u64, end: u64) -> Result<Hash, TreeError<S::Error>> {
    let width = end.saturating_sub(start);
    if width == 0 {
        return Ok(EMPTY_ROOT);
    }
    if width.is_power_of_two() && start % width == 0 {
        return read(source, level_of_width(width), start / width);
    }
    let split = start + largest_power_of_two_below(width);
    let left = range_hash(source, start, split)?;
    let right = range_hash(source, split, end)?;
    Ok(node_hash(&left, &right))
}

/// The largest power of two strictly smaller than `n`, for `n >= 2` (1 otherwise).
fn largest_power_of_two_below(n: u64) -> u64 {
    match n {
        0..=1 => 1,
        _ => 1 << (u64::BITS - 1 - (n - 1).leading_zeros()),
    }
}

/// The level of a perfect subtree `width` leaves wide (`width` a power of two).
fn level_of_width(width: u64) -> u8 {
    // `trailing_zeros` of a u64 is at most 64, which always fits in a u8.
    width.trailing_zeros() as u8
}

/// Number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves (`index < size`):
/// one per level below the point where the paths to the leaf and to the last leaf part, plus one per
/// left sibling above it.
fn inclusion_proof_len(index: u64, size: u64) -> usize {
    path_len(index, size.saturating_sub(1))
}

/// Number of hashes in the consistency proof from `from` to `to` leaves (`0 < from < to`): the inclusion
/// proof of the old tree's last perfect node in the new tree, plus that node itself unless it is the
/// old root (when `from` is a power of two).
fn consistency_proof_len(from: u64, to: u64) -> usize {
    let shift = from.trailing_zeros();
    let path = path_len((from - 1) >> shift, (to - 1) >> shift);
    if from.is_power_of_two() {
        path
    } else {
        path + 1
    }
}

/// Length of the audit path of node `node` in a row whose last node is `last` (`node <= last`).
fn path_len(node: u64, last: u64) -> usize {
    let below_split = u64::BITS - (node ^ last).leading_zeros();
    let left_siblings_above = node.checked_shr(below_split).unwrap_or(0).count_ones();
    // At most 64 + 64: fits any usize.
    (below_split + left_siblings_above) as usize
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    /// A map-backed node source, as the store will be: only what `nodes_completed_by_append` wrote.
    impl NodeSource for HashMap<(u8, u64), Hash> {
        type Error = MissingNode;

        fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
            self.get(&(level, index))
                .copied()
                .ok_or(MissingNode { level, index })
        }
    }

    /// A tree of `size` distinct leaves, varied by `seed`.
    fn tree_of(size: u64, seed: u64) -> MemoryTree {
        let mut tree = MemoryTree::new();
        for leaf in 0..size {
            tree.append(&[seed.to_le_bytes(), leaf.to_le_bytes()].concat());
        }
        tree
    }

    fn flip_bit(hash: &Hash, bit: usize) -> Hash {
        let mut flipped = *hash;
        flipped[bit / 8 % 32] ^= 1 << (bit % 8);
        flipped
    }

    /// Reference from RFC 9162's PATH recursion: for each hash of the inclusion proof of `index` in a
    /// tree of `size` leaves, leaf to root, whether it is a left sibling. A verifier must accept a proof
    /// for other sizes exactly when this shape is the same (the hash chain is then identical).
    fn inclusion_shape(index: u64, size: u64) -> Vec<bool> {
        if size <= 1 {
            return Vec::new();
        }
        let split = largest_power_of_two_below(size);
        let mut shape = if index < split {
            inclusion_shape(index, split)
        } else {
            inclusion_shape(index - split, size - split)
        };
        shape.push(index >= split);
        shape
    }

    /// Reference from RFC 9162's SUBPROOF recursion: whether the verifier starts from the old root
    /// (`from` a power of two), then for each hash of the consistency proof, whether it is a left
    /// sibling (part of the old tree).
    fn consistency_shape(from: u64, to: u64) -> (bool, Vec<bool>) {
        fn subproof(from: u64, to: u64, whole_old_tree: bool, shape: &mut Vec<bool>) {
            if from == to {
                if !whole_old_tree {
                    shape.push(true);
                }
                return;
            }
            let split = largest_power_of_two_below(to);
            if from <= split {
                subproof(from, split, whole_old_tree, shape);
                shape.push(false);
            } else {
                subproof(from - split, to - split, false, shape);
                shape.push(true);
            }
        }
        let mut shape = Vec::new();
        subproof(from, to, true, &mut shape);
        (from.is_power_of_two(), shape)
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
        assert_eq!(root(&MemoryTree::new(), 0).ok(), Some(EMPTY_ROOT));
        assert_eq!(MemoryTree::new().root_by_definition(0), Some(EMPTY_ROOT));
    }

    #[test]
    fn hashes_are_domain_separated() {
        assert_eq!(
            leaf_hash(b"ab"),
            <[u8; 32]>::from(Sha256::digest([0, b'a', b'b']))
        );
        let (left, right) = ([1; 32], [2; 32]);
        assert_eq!(
            node_hash(&left, &right),
            <[u8; 32]>::from(Sha256::digest([[1].as_slice(), &left, &right].concat()))
        );
    }

    #[test]
    fn root_of_the_rfc_6962_test_leaves_is_known() {
        let mut tree = MemoryTree::new();
        for leaf in [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ] {
            tree.append(&hex::decode(leaf).expect("test leaf is hex"));
        }
        let expected = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
        assert_eq!(hex::encode(root(&tree, 8).expect("root")), expected);
        assert_eq!(
            tree.root_by_definition(8).map(hex::encode).as_deref(),
            Some(expected)
        );
    }

    #[test]
    fn root_matches_the_definition_for_every_size_up_to_300() {
        let tree = tree_of(300, 7);
        for size in 0..=300 {
            assert_eq!(
                root(&tree, size).ok(),
                tree.root_by_definition(size),
                "size {size}"
            );
        }
        assert_eq!(tree.root_by_definition(301), None);
    }

    #[test]
    fn impossible_requests_are_out_of_range() {
        let tree = tree_of(5, 0);
        assert!(matches!(
            inclusion_proof(&tree, 5, 5),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            inclusion_proof(&tree, 0, 0),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            consistency_proof(&tree, 0, 5),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            consistency_proof(&tree, 0, 0),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            consistency_proof(&tree, 4, 3),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            nodes_completed_by_append(&tree, u64::MAX, [0; 32]),
            Err(TreeError::OutOfRange(_))
        ));
        assert_eq!(consistency_proof(&tree, 5, 5).ok(), Some(Vec::new()));
    }

    #[test]
    fn sizes_beyond_the_stored_tree_surface_the_source_error() {
        let tree = tree_of(5, 0);
        assert!(matches!(
            inclusion_proof(&tree, 0, 6),
            Err(TreeError::Source(MissingNode { .. }))
        ));
        assert!(matches!(
            consistency_proof(&tree, 3, 9),
            Err(TreeError::Source(MissingNode { .. }))
        ));
        assert!(matches!(
            root(&tree, 6),
            Err(TreeError::Source(MissingNode { .. }))
        ));
        assert_eq!(tree.node(0, 5), Err(MissingNode { level: 0, index: 5 }));
        assert_eq!(tree.node(64, 0), Err(MissingNode { level: 64, index: 0 }));
        assert_eq!(
            tree.node(3, u64::MAX),
            Err(MissingNode {
                level: 3,
                index: u64::MAX
            })
        );
    }

    #[test]
    fn verification_rejects_impossible_sizes() {
        let hash = [0; 32];
        assert_eq!(
            verify_inclusion(&hash, 0, 0, &[], &hash),
            Err(VerifyError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            verify_consistency(0, 0, &[], &EMPTY_ROOT, &EMPTY_ROOT),
            Err(VerifyError::EmptyOldTree)
        );
        assert_eq!(
            verify_consistency(0, 3, &[], &EMPTY_ROOT, &hash),
            Err(VerifyError::EmptyOldTree)
        );
        assert_eq!(
            verify_consistency(2, 1, &[], &hash, &hash),
            Err(VerifyError::TreeShrinks { from: 2, to: 1 })
        );
        assert_eq!(verify_consistency(1, 1, &[], &hash, &hash), Ok(()));
        assert_eq!(
            verify_consistency(1, 1, &[hash], &hash, &hash),
            Err(VerifyError::WrongProofSize {
                expected: 0,
                actual: 1
            })
        );
        assert_eq!(
            verify_consistency(1, 1, &[], &hash, &EMPTY_ROOT),
            Err(VerifyError::DifferentRootsAtSameSize { size: 1 })
        );
    }

    #[test]
    fn proofs_work_at_the_top_of_the_u64_range() {
        // A tree whose leaves are all the same: consistent at any size, with one hash per level, so
        // huge sizes can be checked for overflows and for agreement of generation and verification.
        struct UniformTree {
            hash_by_level: Vec<Hash>,
        }
        impl NodeSource for UniformTree {
            type Error = MissingNode;
            fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
                self.hash_by_level
                    .get(usize::from(level))
                    .copied()
                    .ok_or(MissingNode { level, index })
            }
        }
        let mut hash_by_level = vec![leaf_hash(b"same")];
        for level in 1..64 {
            let below = hash_by_level[level - 1];
            hash_by_level.push(node_hash(&below, &below));
        }
        let uniform = UniformTree { hash_by_level };
        for (index, size) in [(u64::MAX - 1, u64::MAX), (0, u64::MAX), (1 << 63, (1 << 63) + 1)] {
            let proof = inclusion_proof(&uniform, index, size).expect("proof");
            let leaf = uniform.node(0, index).expect("leaf");
            let tree_root = root(&uniform, size).expect("root");
            assert_eq!(verify_inclusion(&leaf, index, size, &proof, &tree_root), Ok(()));
        }
        for (from, to) in [(u64::MAX - 1, u64::MAX), (1, u64::MAX), (1 << 63, u64::MAX)] {
            let proof = consistency_proof(&uniform, from, to).expect("proof");
            let (from_root, to_root) = (
                root(&uniform, from).expect("root"),
                root(&uniform, to).expect("root"),
            );
            assert_eq!(verify_consistency(from, to, &proof, &from_root, &to_root), Ok(()));
        }
        let completed = nodes_completed_by_append(&uniform, (1 << 63) - 1, [0; 32]).expect("append");
        assert_eq!(
            completed.last().map(|&(level, index, _)| (level, index)),
            Some((63, 0))
        );
    }

    #[test]
    fn every_proof_of_every_tree_up_to_70_leaves_verifies() {
        let tree = tree_of(70, 3);
        let roots: Vec<Hash> = (0..=70).map(|size| root(&tree, size).expect("root")).collect();
        for (size, size_root) in (1..=70_u64).zip(&roots[1..]) {
            for index in 0..size {
                let proof = inclusion_proof(&tree, index, size).expect("proof");
                let leaf = tree.node(0, index).expect("leaf");
                assert_eq!(
                    verify_inclusion(&leaf, index, size, &proof, size_root),
                    Ok(()),
                    "{index} in {size}"
                );
                assert_eq!(proof.len(), inclusion_shape(index, size).len());
            }
            for (from, from_root) in (1..=size).zip(&roots[1..]) {
                let proof = consistency_proof(&tree, from, size).expect("proof");
                assert_eq!(
                    verify_consistency(from, size, &proof, from_root, size_root),
                    Ok(()),
                    "{from} to {size}"
                );
                assert_eq!(proof.len(), consistency_shape(from, size).1.len());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn appends_write_exactly_the_perfect_nodes(size in 0_u64..=300, seed: u64) {
            let tree = tree_of(size, seed);
            let mut store = HashMap::new();
            for leaf in 0..size {
                let hash = tree.node(0, leaf).expect("leaf exists");
                let completed = nodes_completed_by_append(&store, leaf, hash).expect("append");
                let levels: Vec<u8> = completed.iter().map(|&(level, _, _)| level).collect();
                prop_assert_eq!(levels, (0..).take(completed.len()).collect::<Vec<u8>>());
                for (level, index, hash) in completed {
                    prop_assert!(store.insert((level, index), hash).is_none());
                }
            }
            let mut expected_count = 0;
            for level in 0..9_u8 {
                for index in 0..(size >> level) {
                    expected_count += 1;
                    prop_assert_eq!(store.get(&(level, index)).copied(), tree.node(level, index).ok());
                }
            }
            prop_assert_eq!(store.len(), expected_count);
            prop_assert_eq!(root(&store, size).ok(), tree.root_by_definition(size));
        }

        #[test]
        fn inclusion_proofs_verify_and_every_mutation_is_rejected(
            size in 1_u64..=300,
            index_seed: u64,
            seed: u64,
            bit in 0_usize..256,
            extra: [u8; 32],
        ) {
            let tree = tree_of(size, seed);
            let index = index_seed % size;
            let leaf = tree.node(0, index).expect("leaf exists");
            let tree_root = root(&tree, size).expect("root");
            let proof = inclusion_proof(&tree, index, size).expect("proof");
            prop_assert_eq!(verify_inclusion(&leaf, index, size, &proof, &tree_root), Ok(()));

            for position in 0..proof.len() {
                let mut flipped = proof.clone();
                flipped[position] = flip_bit(&flipped[position], bit);
                prop_assert!(verify_inclusion(&leaf, index, size, &flipped, &tree_root).is_err());
                let mut dropped = proof.clone();
                dropped.remove(position);
                prop_assert!(verify_inclusion(&leaf, index, size, &dropped, &tree_root).is_err());
            }
            for position in 0..=proof.len() {
                let mut added = proof.clone();
                added.insert(position, extra);
                prop_assert!(verify_inclusion(&leaf, index, size, &added, &tree_root).is_err());
            }
            for other_index in (0..size).filter(|&other| other != index) {
                prop_assert!(verify_inclusion(&leaf, other_index, size, &proof, &tree_root).is_err());
                let other_leaf = tree.node(0, other_index).expect("leaf exists");
                prop_assert!(verify_inclusion(&other_leaf, index, size, &proof, &tree_root).is_err());
            }
            for other_size in (index + 1..=2 * size + 1).filter(|&other| other != size) {
                let accepted = verify_inclusion(&leaf, index, other_size, &proof, &tree_root).is_ok();
                prop_assert_eq!(accepted, inclusion_shape(index, other_size) == inclusion_shape(index, size));
            }
            let smaller_root = tree.root_by_definition(size - 1).expect("root");
            for other_root in [flip_bit(&tree_root, bit), smaller_root, extra] {
                prop_assert!(verify_inclusion(&leaf, index, size, &proof, &other_root).is_err());
            }
        }

        #[test]
        fn consistency_proofs_verify_and_every_mutation_is_rejected(
            to in 1_u64..=300,
            from_seed: u64,
            seed: u64,
            bit in 0_usize..256,
            extra: [u8; 32],
        ) {
            let tree = tree_of(to, seed);
            let from = 1 + from_seed % to;
            let from_root = root(&tree, from).expect("root");
            let to_root = root(&tree, to).expect("root");
            let proof = consistency_proof(&tree, from, to).expect("proof");
            prop_assert_eq!(verify_consistency(from, to, &proof, &from_root, &to_root), Ok(()));

            for position in 0..proof.len() {
                let mut flipped = proof.clone();
                flipped[position] = flip_bit(&flipped[position], bit);
                prop_assert!(verify_consistency(from, to, &flipped, &from_root, &to_root).is_err());
                let mut dropped = proof.clone();
                dropped.remove(position);
                prop_assert!(verify_consistency(from, to, &dropped, &from_root, &to_root).is_err());
            }
            for position in 0..=proof.len() {
                let mut added = proof.clone();
                added.insert(position, extra);
                prop_assert!(verify_consistency(from, to, &added, &from_root, &to_root).is_err());
            }
            let shape = consistency_shape(from, to);
            for other_from in (1..=to).filter(|&other| other != from) {
                let accepted = verify_consistency(other_from, to, &proof, &from_root, &to_root).is_ok();
                prop_assert_eq!(accepted, other_from < to && consistency_shape(other_from, to) == shape);
            }
            for other_to in (from..=2 * to + 1).filter(|&other| other != to) {
                let accepted = verify_consistency(from, other_to, &proof, &from_root, &to_root).is_ok();
                prop_assert_eq!(accepted, from < other_to && consistency_shape(from, other_to) == shape);
            }
            if from != to {
                prop_assert!(verify_consistency(from, to, &proof, &to_root, &from_root).is_err());
            }
            for wrong in [flip_bit(&from_root, bit), extra] {
                prop_assert!(verify_consistency(from, to, &proof, &wrong, &to_root).is_err());
            }
            for wrong in [flip_bit(&to_root, bit), extra] {
                prop_assert!(verify_consistency(from, to, &proof, &from_root, &wrong).is_err());
            }
        }
    }
}
