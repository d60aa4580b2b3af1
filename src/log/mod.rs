//! The transparency log: an append-only RFC 6962 / RFC 9162 Merkle tree over the registry's version
//! leaves, whose tree heads are published as C2SP checkpoints (signed notes, Ed25519).
//!
//! - [`merkle`]: the tree maths (leaf and node hashes, roots, inclusion and consistency proofs and their
//!   verification), generic over where the perfect-subtree hashes are stored.
//! - [`note`]: C2SP signed notes (signing keys, verifier keys, signing and verifying) and the
//!   tlog-checkpoint text they carry.
//! - [`tiles`]: the C2SP tlog-tiles layout (tile and entry-bundle paths, which tiles a tree of a
//!   given size has, the entry-bundle encoding), by which the log is also served as static tiles.
//! - [`keyfile`]: the signing key on disk (the only I/O here).

pub mod keyfile;
pub mod merkle;
pub mod note;
pub mod tiles;
