//! Where the passage index lives: in segment files beside an embedded store ([`postings`],
//! written after the batch, rebuilt from the content where they fall behind), or, on a
//! database that several nodes share, as posting rows `f ‖ fingerprint ‖ sequence` written in
//! the very batch of the version they name, so that every node finds every version and no
//! node keeps postings of its own.

use super::postings::{PassageIndex, PostingsDigest};
use super::rows::{Batch, PrefixReader, Rows};
use super::{keys, StoreError};

pub enum Passages {
    Segments(PassageIndex),
    InRows,
}

impl Passages {
    /// Adds the postings of the version at `sequence` to the batch that adds the version,
    /// where they are rows.
    pub fn stage(&self, batch: &mut Batch, sequence: u64, fingerprints: &[u64]) {
        if let Passages::InRows = self {
            for fingerprint in fingerprints {
                batch.insert(keys::posting(*fingerprint, sequence), []);
            }
        }
    }

    /// Adds the postings of the version at `sequence` once its batch is applied (still under
    /// the log's lock), where they are segments.
    pub fn applied(&self, sequence: u64, fingerprints: &[u64]) -> Result<(), StoreError> {
        match self {
            Passages::Segments(index) => index.add(sequence, fingerprints),
            Passages::InRows => Ok(()),
        }
    }

    /// The sequence numbers of versions holding `fingerprint`: at most `limit` of them, and
    /// whether there are more.
    pub fn postings(
        &self,
        rows: &Rows,
        fingerprint: u64,
        limit: usize,
    ) -> Result<(Vec<u64>, bool), StoreError> {
        match self {
            Passages::Segments(index) => index.postings(fingerprint, limit),
            Passages::InRows => {
                let mut found = rows
                    .scan_prefix(&keys::posting_prefix(fingerprint))
                    .take(limit + 1)
                    .map(|entry| {
                        let (key, _) = entry?;
                        keys::split_posting(&key)
                            .map(|(_, sequence)| sequence)
                            .ok_or_else(|| StoreError::Corrupt(format!("malformed posting key {key:?}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let more = found.len() > limit;
                found.truncate(limit);
                Ok((found, more))
            }
        }
    }

    /// Checks the index of a store of `journal_len` versions against `expected`, the digest
    /// of the postings its content gives for the sequence numbers `first..end`.
    pub fn audit(
        &self,
        rows: &Rows,
        journal_len: u64,
        expected: impl Fn(u64, u64) -> Option<PostingsDigest>,
    ) -> Result<Vec<String>, StoreError> {
        match self {
            Passages::Segments(index) => index.audit(journal_len, expected),
            Passages::InRows => {
                let mut problems = Vec::new();
                let mut actual = PostingsDigest::default();
                for entry in rows.scan_prefix(&[keys::POSTING]) {
                    let (key, _) = entry?;
                    match keys::split_posting(&key) {
                        Some((_, sequence)) if sequence >= journal_len => problems.push(format!(
                            "posting {key:?} names version {sequence}, past the journal"
                        )),
                        Some((fingerprint, sequence)) => actual.add(fingerprint, sequence),
                        None => problems.push(format!("malformed posting key {key:?}")),
                    }
                }
                if expected(0, journal_len) != Some(actual) {
                    problems.push("the passage index's postings differ from those of the content".to_owned());
                }
                Ok(problems)
            }
        }
    }
}
