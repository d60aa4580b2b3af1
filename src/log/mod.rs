//! The transparency log: an append-only RFC 6962 / RFC 9162 Merkle tree over the registry's version
//! leaves, whose tree heads are published as C2SP checkpoints (signed notes, Ed25519).
//!
//! - [`merkle`]: the tree maths (leaf and node hashes, roots, inclusion and consistency proofs and their
//!   verification), generic over where the perfect-subtree hashes are stored.
//! - [`note`]: C2SP signed notes (signing keys, verifier keys, signing and verifying) and the
//!   tlog-checkpoint text they carry.
//! - [`keyfile`]: the signing key on disk (the only I/O here).

pub mod keyfile;
pub mod merkle;
pub mod note;
