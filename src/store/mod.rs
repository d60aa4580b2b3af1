//! The registry's storage, written once against the narrow backend interface of [`rows`] (an
//! ordered map of byte keys, atomic batches, named locks), which [`sled_rows`] implements.
//!
//! Every record lives in that one ordered map, with the key layout of [`keys`] and the value
//! encoding of [`codec`]. One map means one write is one atomic batch: after a crash either
//! all of a group's keys are there or none. The one exception is derived data: the passage
//! index ([`postings`]) is kept in segment files beside the store's, rebuilt from the records
//! where it falls behind.
//!
//! # Invariants
//! 1. **Contiguous versions.** A statement row `S(id)` with latest version `n` has version
//!    records `V(id, 1..=n)` and no `V(id, m)` with `m > n`.
//! 2. **Immutable versions.** The write path only ever inserts `V(id, n + 1)`; no version record
//!    or content blob is rewritten or removed.
//! 3. **Hashes match bytes.** Every version's content blob `B(sha256)` exists and hashes to
//!    `sha256`; reads re-hash the blob and refuse to serve bytes that do not match.
//! 4. **Content indexes complete.** `H(sha256, id, n)` exists exactly when `V(id, n)` exists
//!    with that content hash; `M(normalized, id, n)` exactly when `V(id, n)` exists with that
//!    normalized hash, which is the `norm-v1` hash of its content read by this build; and the
//!    passage index ([`postings`], segment files beside sled's) lists version `V(id, n)`, by its
//!    journal sequence number, under exactly the shingle fingerprints of that content.
//!    Every version record has the SHA-1 of its content (records written before SHA-1s were
//!    kept get theirs when the store opens, [`Store::fill_sha1_digests`]), and `h(sha1, id, n)`
//!    exists exactly when `V(id, n)` exists with that SHA-1. The CDX index ([`cdx`]) has
//!    `u(position)` exactly when `V(id, n)` exists at that position (the SURT key of its
//!    source URL, its Memento-Datetime to the second, `id`, `n`); stores of earlier builds get
//!    theirs when they open.
//! 5. **Filter indexes follow the latest version.** `P`, `C` and `D` entries exist exactly for
//!    the publisher, contact terms and publication date of each statement's latest version.
//! 6. **Ids follow URLs.** `S(id)` holds the canonical URL whose [`StatementId`] is `id`.
//! 7. **Journal complete.** `Q(0..count)` lists every version exactly once, in commit order,
//!    without gaps; it is the order of export.
//! 8. **Durable before acknowledged.** [`Store::ingest`] returns only after sled has flushed its
//!    log to disk, so a version reported to a client survives a crash. Concurrent ingests are
//!    committed in groups ([`commit`]): one batch, one signed checkpoint and one flush per
//!    group, decided under the writer lock and flushed after it is released. A bulk ingest
//!    ([`Store::ingest_all`]) enters the queue as one run and returns once each of its
//!    ingests is durable.
//!
//! A reader may see a version whose flush is still under way; it is acknowledged to its writer
//! only once durable. [`Store::audit`] checks invariants 1 to 7 over the whole store.
//!
//! The API keys (`A`, `N`, `U`) have invariants of their own, in [`access`]; so do the
//! watched sources, their observations and withdrawals (`W`, `Y`, `O`, `X`), in [`watches`]. The store's folder
//! and every file in it are readable by their owner only ([`crate::owner_only`]); one process at
//! a time may open it ([`StoreError::InUse`]).

mod access;
mod cdx;
mod codec;
mod commit;
mod feeds;
mod keys;
mod log;
mod passages;
mod pg_rows;
mod postings;
mod recent;
mod rows;
mod sled_rows;
mod tiles;
mod watches;
mod webhooks;

pub use access::{ApiKey, KeyRing, Revocation};
pub use pg_rows::redacted;
pub use postings::DEFAULT_SEGMENT_VERSIONS;
pub use watches::{Refusal as WatchRefusal, WatchBook};
pub use webhooks::{AfterAttempt, DueDelivery, WebhookBook};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::{
    latest_terms, ComparableText, Draft, FieldError, LatestTerm, Placement, Salt, Sha1, Sha256, SourceUrl,
    Statement, StatementFilter, StatementId, Submission, Succession, Version, VersionNo,
};
use crate::log::merkle::{self, Hash, MemoryTree};
use crate::log::note::{Checkpoint, NoteSigner, NoteVerifier};
use base64::Engine;
use rows::{Batch, Lock, PrefixReader, Reader, Rows};

/// The most index entries one listing request may examine before it returns what it has
/// found, with a cursor to go on. Keeps the cost of a rare filter combination bounded.
pub const SCAN_BUDGET: usize = 10_000;

/// What can go wrong in the store, in terms that name no backend: each backend classifies its
/// own failures into these (sled's in [`sled_rows`]), and `api::problem` maps
/// them to HTTP in one place.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The storage could not be read or written right now (an I/O error, a lost connection):
    /// nothing was acknowledged, and a retry may succeed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The disk (or the process's share of it) is full.
    #[error("storage full: {0}")]
    Full(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The backend reported a fault of its own or a misuse by this code: a bug to report.
    #[error("storage fault: {0}")]
    Bug(String),
    #[error("statement id {id} is taken by {existing}, not {requested}")]
    IdCollision {
        id: StatementId,
        existing: String,
        requested: String,
    },
    #[error("statement {0} has the maximum number of versions")]
    VersionsExhausted(StatementId),
    /// A new version's claimed capture time is before the latest version's Memento-Datetime.
    #[error(
        "captured_at: {} is before {}, the Memento-Datetime of version {latest} of statement {id}; \
         captures of a URL must arrive in capture order (a capture older than the latest version \
         can be sent without captured_at, and is then recorded at its ingest time)",
        .captured_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        .latest_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    )]
    CapturedBefore {
        id: StatementId,
        captured_at: DateTime<Utc>,
        latest: VersionNo,
        latest_at: DateTime<Utc>,
    },
    #[error("{0}")]
    Incompatible(String),
    #[error("integrity check failed: {0}")]
    Integrity(String),
    #[error("cannot sign a checkpoint: {0}")]
    Signing(String),
    #[error("only {available} bytes are free on the store's disk; writes stop below {reserve}")]
    ReserveReached { available: u64, reserve: u64 },
    #[error(
        "the data folder {} is in use by another process, most likely a running `provenance serve` \
         (one process at a time may open a data folder)",
        .0.display()
    )]
    InUse(std::path::PathBuf),
}

impl From<std::io::Error> for StoreError {
    /// The I/O of the store's own files (beside sled's: the checkpoint witness, the passage
    /// index) and of sled's: a full disk is [`StoreError::Full`], any other failure
    /// [`StoreError::Unavailable`].
    fn from(error: std::io::Error) -> Self {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded => {
                StoreError::Full(error.to_string())
            }
            _ => StoreError::Unavailable(error.to_string()),
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// A new version was stored.
    Created(Version),
    /// The submission repeated the latest version, which is returned.
    Unchanged(Version),
}

/// A position in a listing: the key after which the next page starts. Opaque to clients
/// (base64url); any value is safe to pass back, a stale or foreign one just starts elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(Vec<u8>);

impl Cursor {
    /// Cursors are unpadded base64url; any such text decodes (stray low bits are ignored), so a
    /// client can only get the form wrong, never the value.
    const ENCODING: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::ENCODING
            .decode(raw)
            .ok()
            .filter(|bytes| !bytes.is_empty() && bytes.len() <= 4096)
            .map(Self)
            .ok_or_else(|| FieldError::new(field, "is not a cursor returned by this service"))
    }

    pub fn encode(&self) -> String {
        Self::ENCODING.encode(&self.0)
    }
}

/// One page of a listing; `next` is set when more may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

/// The stored form of a statement: what its versions do not say themselves.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StatementRow {
    source_url: SourceUrl,
    first_seen_at: DateTime<Utc>,
    latest: VersionNo,
}

/// How a store is run; nothing here changes what it stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// The PostgreSQL database (a `postgres://` URL) holding the registry's rows, shared by
    /// every node given it; `None` for sled in the store's folder.
    pub postgres: Option<String>,
    /// How many versions the passage index collects in memory before writing them as a
    /// segment file (see [`postings`]).
    pub passage_segment_versions: u64,
    /// The most memory sled's page cache may take, in bytes.
    pub cache_bytes: u64,
}

/// sled's page cache by default: 128 MiB, an eighth of sled's own default. Every record is
/// small; the hot ones fit, and the rest is one read from the operating system's file cache.
pub const DEFAULT_CACHE_BYTES: u64 = 128 * 1024 * 1024;

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            postgres: None,
            passage_segment_versions: DEFAULT_SEGMENT_VERSIONS,
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

pub struct Store {
    /// The backend. Writers of versions hold its [`Lock::Log`] between reading a statement's
    /// latest version and applying the batch that adds the next one, so that no version
    /// number or log position is lost, doubled or skipped.
    rows: Rows,
    /// Ingests waiting for the writer lock; whoever gets it commits them as one group.
    waiting: commit::Waiting,
    /// How many groups and versions have been committed since the store opened.
    commits: commit::Counts,
    /// Signs a checkpoint for the tree each group of writes completes; its name is the log's
    /// origin.
    signer: NoteSigner,
    verifier: NoteVerifier,
    /// Keeps the newest durable checkpoint in a file beside sled's.
    witness: log::Witness,
    /// The store's folder, whose disk the free-space reserve is checked on.
    path: std::path::PathBuf,
    /// Writes are refused while the disk has fewer free bytes than this (see [`Store::keep_free`]).
    reserve: AtomicU64,
    /// Which versions hold each shingle fingerprint (the passage index).
    passages: passages::Passages,
    /// The API keys, written under a lock of their own (see [`access`]).
    keys: access::KeyRing,
    /// Watched sources and their observations, under a lock of their own (see [`watches`]).
    watches: watches::WatchBook,
    /// Webhook endpoints, the outbox and the deliveries, under a lock of their own (see [`webhooks`]).
    webhooks: webhooks::WebhookBook,
}

/// A version's proof of inclusion in the log, against the latest signed checkpoint: what the
/// API serves as a proof bundle (`api::model::ProofBundle`, its wire form).
#[derive(Debug, Clone)]
pub struct VersionProof {
    pub version: Version,
    pub leaf: Vec<u8>,
    pub tree_size: u64,
    pub inclusion_proof: Vec<Hash>,
    pub checkpoint: String,
}

impl Store {
    /// Opens (or creates) the registry in the folder `path`, with `signer` as the log's key
    /// (its name is the log's origin). Refuses to open a store whose log does not match its
    /// latest signed checkpoint, or the witness file beside it.
    pub fn open(path: &Path, signer: NoteSigner) -> Result<Self, StoreError> {
        Self::open_with(path, signer, StoreOptions::default())
    }

    /// [`Store::open`] with `options`.
    pub fn open_with(path: &Path, signer: NoteSigner, options: StoreOptions) -> Result<Self, StoreError> {
        let rows = match &options.postgres {
            Some(url) => {
                crate::owner_only::create_dir(path)?;
                Rows::new(pg_rows::PgRows::open(url)?)
            }
            None => Rows::new(sled_rows::SledRows::open(path, options.cache_bytes)?),
        };
        let verifier = signer.verifier();
        let witness = log::Witness::start(path, 0);
        let stored = journal_len(&*rows)?;
        let (passages, indexed) = match options.postgres {
            Some(_) => (passages::Passages::InRows, stored),
            None => {
                let (index, indexed) = postings::PassageIndex::open(
                    path,
                    stored,
                    options.passage_segment_versions,
                    rows.clone(),
                )?;
                (passages::Passages::Segments(index), indexed)
            }
        };
        let store = Self {
            keys: access::KeyRing::new(rows.clone()),
            watches: watches::WatchBook::new(rows.clone()),
            webhooks: webhooks::WebhookBook::new(rows.clone()),
            rows,
            waiting: commit::Waiting::default(),
            commits: commit::Counts::default(),
            signer,
            verifier,
            witness,
            path: path.to_owned(),
            reserve: AtomicU64::new(0),
            passages,
        };
        store.check_log_at_open(path)?;
        store.fill_sha1_digests()?;
        store.fill_cdx_index()?;
        for sequence in indexed..stored {
            // A version that cannot be read is left out of the index; fsck reports both.
            let fingerprints = store.fingerprints_at(sequence).unwrap_or_else(|error| {
                tracing::warn!(%error, sequence, "cannot index a stored version's passages");
                Vec::new()
            });
            store.passages.applied(sequence, &fingerprints)?;
        }
        Ok(store)
    }

    /// Gives the version records of an earlier build, which kept no SHA-1, the SHA-1 of their
    /// content and its `h` entry: the one change ever made to a stored version record, which
    /// completes a derived field and changes nothing else (no leaf, no proof depends on it).
    /// Records are completed in journal order, in atomic batches, and flushed; new versions
    /// always have a SHA-1, so a store needs the pass exactly when its last journal entry lacks
    /// one, also after a pass that was interrupted. A record whose content cannot be read is
    /// left as it is, for fsck to report.
    fn fill_sha1_digests(&self) -> Result<(), StoreError> {
        const BATCH_VERSIONS: usize = 1000;
        let size = self.journal_len()?;
        let Some(last) = size.checked_sub(1) else {
            return Ok(());
        };
        let (id, n) = self.journal_entry(last)?;
        if self.required_version(&id, n)?.sha1.is_some() {
            return Ok(());
        }
        let mut batch = Batch::default();
        let mut pending = 0;
        for sequence in 0..size {
            let (id, n) = self.journal_entry(sequence)?;
            let mut version = self.required_version(&id, n)?;
            if version.sha1.is_some() {
                continue;
            }
            let bytes = match self.content_of(&version) {
                Ok(bytes) => bytes,
                Err(error) => {
                    tracing::warn!(%error, sequence, "cannot compute a stored version's SHA-1");
                    continue;
                }
            };
            let sha1 = Sha1::of(&bytes);
            version.sha1 = Some(sha1);
            batch.insert(keys::version(&id, n), codec::encode(&version)?);
            batch.insert(keys::sha1_entry(&sha1, &id, n), &[][..]);
            pending += 1;
            if pending == BATCH_VERSIONS {
                self.rows.apply(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
        self.rows.apply(batch)?;
        self.rows.flush()?;
        Ok(())
    }

    /// The shingle fingerprints of the content of journal entry `sequence`, read anew.
    fn fingerprints_at(&self, sequence: u64) -> Result<Vec<u64>, StoreError> {
        let (id, n) = self.journal_entry(sequence)?;
        let (version, bytes) = self
            .content(&id, n)?
            .ok_or_else(|| StoreError::Corrupt(format!("journal names missing version {id} v{n}")))?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(ComparableText::read(&text, version.metadata.content_type).fingerprints())
    }

    /// The version journal entry `sequence` records.
    fn journal_entry(&self, sequence: u64) -> Result<(StatementId, VersionNo), StoreError> {
        let value = self
            .rows
            .get(&keys::journal(sequence))?
            .ok_or_else(|| StoreError::Corrupt(format!("journal entry {sequence} is missing")))?;
        keys::trailing_version(&value)
            .ok_or_else(|| StoreError::Corrupt("malformed journal entry".to_owned()))
    }

    /// The integrity check at open: the stored checkpoint matches the tree and the journal, and
    /// the witness file, when there is one, is a checkpoint of an earlier or equal state.
    fn check_log_at_open(&self, path: &Path) -> Result<(), StoreError> {
        let size = self.journal_len()?;
        let signed = match self.rows.get(keys::CHECKPOINT_KEY)? {
            Some(bytes) => String::from_utf8(bytes.to_vec())
                .map_err(|_| StoreError::Integrity("the stored checkpoint is not text".to_owned()))?,
            None if size == 0 => {
                let signed = self.sign_checkpoint(0, merkle::EMPTY_ROOT)?;
                self.rows
                    .apply(Batch::single(keys::CHECKPOINT_KEY, signed.as_bytes()))?;
                self.rows.flush()?;
                signed
            }
            None => {
                return Err(StoreError::Integrity(format!(
                    "the log has {size} entries but no checkpoint"
                )))
            }
        };
        let checkpoint = log::open_checkpoint(&self.verifier, &signed, "the stored checkpoint")?;
        if checkpoint.size != size {
            return Err(StoreError::Integrity(format!(
                "the stored checkpoint covers {} entries but the journal lists {size}",
                checkpoint.size
            )));
        }
        log::check_against(&*self.rows, size, &checkpoint, "the stored checkpoint")?;
        if let Some(witnessed) = log::Witness::read(path)? {
            let witnessed = log::open_checkpoint(&self.verifier, &witnessed, "the checkpoint witness file")?;
            log::check_against(&*self.rows, size, &witnessed, "the checkpoint witness file")?;
        }
        self.witness.publish(size, signed);
        Ok(())
    }

    fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<String, StoreError> {
        Checkpoint::new(self.signer.name(), size, root)
            .and_then(|checkpoint| self.signer.sign(&checkpoint.to_text()))
            .map_err(|error| StoreError::Signing(error.to_string()))
    }

    /// Refuses writes while the disk holding the store has fewer than `bytes` free. sled fails
    /// every operation, reads included, after an I/O error such as a full disk, until the
    /// process restarts; stopping writes short of that keeps reads working.
    pub fn keep_free(&self, bytes: u64) {
        self.reserve.store(bytes, Ordering::Relaxed);
    }

    /// Whether the disk holding the store has the free space writes need.
    pub fn has_free_space(&self) -> bool {
        self.check_reserve().is_ok()
    }

    fn check_reserve(&self) -> Result<(), StoreError> {
        let reserve = self.reserve.load(Ordering::Relaxed);
        match fs2::available_space(&self.path) {
            Ok(available) if available < reserve => Err(StoreError::ReserveReached { available, reserve }),
            // Unknown free space does not stop writes: sled's own errors still protect them.
            _ => Ok(()),
        }
    }

    /// Stores `submission` as the next version of its statement, unless it repeats the latest
    /// version. Returns only once the result is durable. Refused, with nothing written, while
    /// the disk is within the free-space reserve. Blocking: call it off the async workers.
    ///
    /// Concurrent ingests are committed in groups ([`commit`]): the thread that gets the writer
    /// lock decides and writes every waiting ingest in one batch, releases the lock, flushes
    /// once and answers them all; a thread whose ingest another one took waits for its answer.
    pub fn ingest(&self, submission: Submission, now: DateTime<Utc>) -> Result<Ingested, StoreError> {
        self.ingest_all(vec![submission], now)
            .pop()
            .unwrap_or_else(|| Err(StoreError::Corrupt("an ingest got no outcome".to_owned())))
    }

    /// [`Store::ingest`] of each of `submissions`, which enter the group-commit queue together
    /// and in order: they are committed in as few groups as the queue allows (one, unless some
    /// statement appears more than once: its later submissions each wait for the next group),
    /// and the submissions of one statement become consecutive versions in their order. Returns
    /// one outcome per submission, in order, once every one of them is durable (or refused).
    pub fn ingest_all(
        &self,
        submissions: Vec<Submission>,
        now: DateTime<Utc>,
    ) -> Vec<Result<Ingested, StoreError>> {
        if let Err(error) = self.check_reserve() {
            return submissions.iter().map(|_| Err(error.clone())).collect();
        }
        let tickets = self.waiting.push_all(submissions, now);
        let mut outcomes: Vec<Option<Result<Ingested, StoreError>>> = tickets.iter().map(|_| None).collect();
        loop {
            for (ticket, outcome) in tickets.iter().zip(&mut outcomes) {
                if outcome.is_none() {
                    *outcome = ticket.take();
                }
            }
            if outcomes.iter().all(Option::is_some) {
                break;
            }
            if !self.commit_next_group() {
                // The queue is empty: every ingest still unanswered is in a group another
                // writer is committing, and is answered after that group's flush.
                for (ticket, outcome) in tickets.iter().zip(&mut outcomes) {
                    if outcome.is_none() {
                        *outcome = Some(ticket.wait());
                    }
                }
                break;
            }
        }
        outcomes.into_iter().flatten().collect()
    }

    /// Takes the writer lock and commits the next group of waiting ingests: decides and writes
    /// them as one batch, releases the lock, flushes, and only then answers each. Returns
    /// whether there was a group to commit.
    fn commit_next_group(&self) -> bool {
        let mut taken = None;
        let decided = self.rows.exclusive(Lock::Log, |txn| {
            let group = taken.insert(self.waiting.take_group());
            let mut write = commit::GroupWrite::new(self, txn)?;
            let outcomes: Vec<_> = group
                .iter()
                .map(|request| self.decide(&mut write, &request.submission, request.now))
                .collect();
            Ok((outcomes, write.apply()?))
        });
        // Without the lock (a backend that cannot be reached), the next group gets the error.
        let group = taken.unwrap_or_else(|| self.waiting.take_group());
        if group.is_empty() {
            return false;
        }
        let flushed = decided.and_then(|decided| {
            self.rows.flush()?;
            Ok(decided)
        });
        match flushed {
            Ok((outcomes, checkpoint)) => {
                if let Some((size, signed)) = checkpoint {
                    self.witness.publish(size, signed);
                }
                self.commits.count(&outcomes);
                for (request, outcome) in group.into_iter().zip(outcomes) {
                    request.answer(outcome);
                }
            }
            Err(error) => {
                for request in group {
                    request.answer(Err(error.clone()));
                }
            }
        }
        true
    }

    /// How many flushed groups, and versions created in them, since the store opened: the
    /// versions per flush that group commit achieves.
    pub fn commit_counts(&self) -> (u64, u64) {
        self.commits.get()
    }

    /// Decides one ingest: the latest version again, a refusal, or a new version added to
    /// `write`.
    fn decide(
        &self,
        write: &mut commit::GroupWrite,
        submission: &Submission,
        now: DateTime<Utc>,
    ) -> Result<Ingested, StoreError> {
        let id = submission.statement_id();
        let row = statement_row_in(write.txn, &id)?;
        let latest = match &row {
            Some(row) if row.source_url != submission.source_url => {
                return Err(StoreError::IdCollision {
                    id,
                    existing: row.source_url.to_string(),
                    requested: submission.source_url.to_string(),
                })
            }
            Some(row) => Some(required_version_in(write.txn, &id, row.latest)?),
            None => None,
        };
        let placement = Placement {
            log_index: write.size,
            contacts_salt: random_salt()?,
        };
        let version = match (
            Version::succeed(latest.as_ref(), submission, now, placement),
            latest.as_ref(),
        ) {
            (Succession::Unchanged, Some(latest)) => return Ok(Ingested::Unchanged(latest.clone())),
            (Succession::Exhausted, _) => return Err(StoreError::VersionsExhausted(id)),
            (
                Succession::CapturedBefore {
                    captured_at,
                    latest,
                    latest_at,
                },
                _,
            ) => {
                return Err(StoreError::CapturedBefore {
                    id,
                    captured_at,
                    latest,
                    latest_at,
                })
            }
            (Succession::New(version), _) => *version,
            (Succession::Unchanged, None) => {
                return Err(StoreError::Corrupt(format!(
                    "statement {id}: unchanged without a version"
                )))
            }
        };
        let first_seen_at = row.map_or(now, |row| row.first_seen_at);
        write.add(latest.as_ref(), first_seen_at, &version, submission)?;
        Ok(Ingested::Created(version))
    }

    /// How many versions the store holds: the sequence number the next version gets.
    fn journal_len(&self) -> Result<u64, StoreError> {
        journal_len(&*self.rows)
    }

    /// Every version in commit order with its content, re-hashed: the export.
    pub fn journal(&self) -> impl Iterator<Item = Result<(Version, Vec<u8>), StoreError>> + '_ {
        self.rows
            .scan_prefix(&[keys::JOURNAL])
            .map(move |entry| self.journal_version(&entry?.1))
    }

    /// The version (with its content) a journal entry's value names.
    fn journal_version(&self, value: &[u8]) -> Result<(Version, Vec<u8>), StoreError> {
        let (id, n) = keys::trailing_version(value)
            .ok_or_else(|| StoreError::Corrupt("malformed journal entry".to_owned()))?;
        self.content(&id, n)?
            .ok_or_else(|| StoreError::Corrupt(format!("journal names missing version {id} v{n}")))
    }

    /// Up to `limit` versions with their content, in commit order from journal position
    /// `start` on, but none at or past `end`: a bounded chunk of an export.
    pub fn journal_range(
        &self,
        start: u64,
        end: u64,
        limit: usize,
    ) -> Result<Vec<(Version, Vec<u8>)>, StoreError> {
        if start >= end {
            return Ok(Vec::new());
        }
        self.rows
            .range(&keys::journal(start), Some(&keys::journal(end)))
            .take(limit)
            .map(|entry| self.journal_version(&entry?.1))
            .collect()
    }

    /// Adds a version read from an export: [`Store::import_all`] of one.
    pub fn import(&self, version: &Version, content: &[u8]) -> Result<Result<(), String>, StoreError> {
        Ok(self
            .import_all(&[(version.clone(), content.to_vec())])?
            .map_err(|(_, refusal)| refusal))
    }

    /// Adds versions read from an export, in order, after checking that each is exactly what
    /// ingesting its content and metadata at its recorded time would have produced (same
    /// number, same `changed`, hash of the bytes), so that a tampered or reordered export is
    /// refused. The normalized hash and passage entries are derived data: they are computed
    /// anew, the contents read on every core at once. The versions are written in as few
    /// batches as the rule of one version per statement per batch allows (a batch decides each
    /// version against the stored latest one). At the first refusal, the versions before it
    /// are written and the refusal is returned with its index; nothing of it or after it is.
    /// Not flushed: call [`Store::finish_import`] when the import is complete.
    pub fn import_all(
        &self,
        entries: &[(Version, Vec<u8>)],
    ) -> Result<Result<(), (usize, String)>, StoreError> {
        let readings = read_in_parallel(entries, |(version, content)| import_submission(version, content));
        self.rows.exclusive(Lock::Log, |txn| {
            let mut write = commit::GroupWrite::new(self, txn)?;
            let mut in_batch = BTreeSet::new();
            for (index, ((version, _), submission)) in entries.iter().zip(readings).enumerate() {
                let submission = match submission {
                    Ok(submission) => submission,
                    Err(refusal) => {
                        write.apply()?;
                        return Ok(Err((index, refusal)));
                    }
                };
                let id = submission.statement_id();
                if !in_batch.insert(id) {
                    write.apply()?;
                    write = commit::GroupWrite::new(self, txn)?;
                    in_batch = BTreeSet::from([id]);
                }
                let row = statement_row_in(txn, &id)?;
                let latest = row
                    .as_ref()
                    .map(|row| required_version_in(txn, &id, row.latest))
                    .transpose()?;
                let placement = Placement {
                    log_index: write.size,
                    contacts_salt: version.contacts_salt,
                };
                let expected =
                    match Version::succeed(latest.as_ref(), &submission, version.ingested_at, placement) {
                        Succession::New(expected) if same_but_derived(&expected, version) => *expected,
                        _ => {
                            write.apply()?;
                            let refusal = format!(
                                "{id} v{} does not follow the statement's stored versions",
                                version.version
                            );
                            return Ok(Err((index, refusal)));
                        }
                    };
                let first_seen_at = row.map_or(version.ingested_at, |row| row.first_seen_at);
                write.add(latest.as_ref(), first_seen_at, &expected, &submission)?;
            }
            write.apply()?;
            Ok(Ok(()))
        })
    }

    /// Flushes an import and records its final checkpoint in the witness file.
    pub fn finish_import(&self) -> Result<(), StoreError> {
        self.rows.flush()?;
        self.witness.write_now(&self.checkpoint()?)
    }

    /// Whether the store holds no version at all.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.journal_len()? == 0)
    }

    /// [`KeyRing::create`] on this registry's keys.
    pub fn create_key(
        &self,
        name: crate::domain::KeyName,
        role: crate::domain::Role,
        now: DateTime<Utc>,
    ) -> Result<Result<(ApiKey, String), FieldError>, StoreError> {
        self.keys.create(name, role, now)
    }

    /// [`KeyRing::list`] of this registry's keys.
    pub fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        self.keys.list()
    }

    /// [`KeyRing::revoke`] on this registry's keys.
    pub fn revoke_key(
        &self,
        name: &crate::domain::KeyName,
        now: DateTime<Utc>,
    ) -> Result<Revocation, StoreError> {
        self.keys.revoke(name, now)
    }

    /// [`KeyRing::authenticate`] against this registry's keys.
    pub fn authenticate(
        &self,
        token: &crate::domain::Token,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiKey>, StoreError> {
        self.keys.authenticate(token, now)
    }

    /// The watched sources, their observations and the statements' withdrawals.
    pub fn watches(&self) -> &WatchBook {
        &self.watches
    }

    /// The webhook endpoints, the outbox of events and the deliveries.
    pub fn webhooks(&self) -> &WebhookBook {
        &self.webhooks
    }

    /// Flushes everything written so far to disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.rows.flush()?;
        Ok(())
    }

    /// The latest signed checkpoint (a signed note), covering every version stored.
    pub fn checkpoint(&self) -> Result<String, StoreError> {
        let bytes = self
            .rows
            .get(keys::CHECKPOINT_KEY)?
            .ok_or_else(|| StoreError::Integrity("the log has no checkpoint".to_owned()))?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| StoreError::Corrupt("the checkpoint is not text".to_owned()))
    }

    /// The latest signed checkpoint with its parsed body.
    pub fn latest_checkpoint(&self) -> Result<(String, Checkpoint), StoreError> {
        let signed = self.checkpoint()?;
        let checkpoint = log::open_checkpoint(&self.verifier, &signed, "the stored checkpoint")?;
        Ok((signed, checkpoint))
    }

    /// The key that verifies the log's checkpoints.
    pub fn verifier(&self) -> &NoteVerifier {
        &self.verifier
    }

    /// How many entries the log holds (one per version).
    pub fn log_size(&self) -> Result<u64, StoreError> {
        self.journal_len()
    }

    /// The root hash of the log's first `size` entries; `Err` names the field (`field`) that is
    /// out of range.
    pub fn log_root(&self, field: &str, size: u64) -> Result<Result<Hash, FieldError>, StoreError> {
        if let Err(error) = self.check_size(field, size)? {
            return Ok(Err(error));
        }
        Ok(Ok(merkle::root(&log::TreeNodes(&*self.rows), size)?))
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries; `Err` names the
    /// parameter out of range (`index` or `tree_size`).
    pub fn inclusion_proof(
        &self,
        index: u64,
        size: u64,
    ) -> Result<Result<Vec<Hash>, FieldError>, StoreError> {
        if let Err(error) = self.check_size("tree_size", size)? {
            return Ok(Err(error));
        }
        if index >= size {
            return Ok(Err(FieldError::new(
                "index",
                format!("must be below the tree size {size}"),
            )));
        }
        Ok(Ok(merkle::inclusion_proof(
            &log::TreeNodes(&*self.rows),
            index,
            size,
        )?))
    }

    /// The consistency proof from the tree of `from` entries to the tree of `to` entries; `Err`
    /// names the parameter out of range (`from` or `to`).
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Result<Vec<Hash>, FieldError>, StoreError> {
        if let Err(error) = self.check_size("to", to)? {
            return Ok(Err(error));
        }
        if from == 0 || from > to {
            return Ok(Err(FieldError::new("from", format!("must be from 1 to {to}"))));
        }
        Ok(Ok(merkle::consistency_proof(
            &log::TreeNodes(&*self.rows),
            from,
            to,
        )?))
    }

    fn check_size(&self, field: &str, size: u64) -> Result<Result<(), FieldError>, StoreError> {
        let current = self.journal_len()?;
        Ok(if size > current {
            Err(FieldError::new(
                field,
                format!("{size} is beyond the log's size {current}"),
            ))
        } else {
            Ok(())
        })
    }

    /// Up to `limit` log entries (index, leaf bytes) from `start` on.
    pub fn log_entries(&self, start: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        self.rows
            .range(&keys::leaf(start), None)
            .take_while(|entry| {
                entry
                    .as_ref()
                    .map_or(true, |(key, _)| key.first() == Some(&keys::LEAF))
            })
            .take(limit)
            .map(|entry| {
                let (key, value) = entry?;
                let index = keys::journal_sequence(&key)
                    .ok_or_else(|| StoreError::Corrupt("malformed leaf key".to_owned()))?;
                Ok((index, value.to_vec()))
            })
            .collect()
    }

    /// Everything needed to verify version `n` of statement `id` offline: the record, its leaf,
    /// its inclusion proof and the signed checkpoint the proof leads to.
    pub fn proof_bundle(&self, id: &StatementId, n: VersionNo) -> Result<Option<VersionProof>, StoreError> {
        let Some(version) = self.version(id, n)? else {
            return Ok(None);
        };
        Ok(self.proof_bundles(vec![version])?.pop())
    }

    /// The proof bundles of `versions`, in the same order, all against the one latest signed
    /// checkpoint (read and verified once).
    pub fn proof_bundles(&self, versions: Vec<Version>) -> Result<Vec<VersionProof>, StoreError> {
        let (checkpoint, parsed) = self.latest_checkpoint()?;
        self.proof_bundles_against(&checkpoint, parsed.size, versions)
    }

    /// The proof bundles of `versions` (each in the first `tree_size` entries) against the
    /// signed checkpoint `checkpoint` of `tree_size` entries, which may be older than the
    /// latest: what an export that began at that checkpoint writes.
    pub fn proof_bundles_against(
        &self,
        checkpoint: &str,
        tree_size: u64,
        versions: Vec<Version>,
    ) -> Result<Vec<VersionProof>, StoreError> {
        versions
            .into_iter()
            .map(|version| {
                let leaf = self
                    .rows
                    .get(&keys::leaf(version.log_index))?
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "{} v{} has no log entry",
                            version.statement_id, version.version
                        ))
                    })?
                    .to_vec();
                let inclusion_proof =
                    merkle::inclusion_proof(&log::TreeNodes(&*self.rows), version.log_index, tree_size)?;
                Ok(VersionProof {
                    version,
                    leaf,
                    tree_size,
                    inclusion_proof,
                    checkpoint: checkpoint.to_owned(),
                })
            })
            .collect()
    }

    pub fn statement(&self, id: &StatementId) -> Result<Option<Statement>, StoreError> {
        let Some(row) = self.statement_row(id)? else {
            return Ok(None);
        };
        let latest = self.required_version(id, row.latest)?;
        Ok(Some(Statement {
            id: *id,
            source_url: row.source_url,
            first_seen_at: row.first_seen_at,
            latest,
        }))
    }

    pub fn version(&self, id: &StatementId, n: VersionNo) -> Result<Option<Version>, StoreError> {
        version_in(&*self.rows, id, n)
    }

    /// A version with its content, re-hashed: bytes that do not match the recorded SHA-256
    /// are an error, never served.
    pub fn content(&self, id: &StatementId, n: VersionNo) -> Result<Option<(Version, Vec<u8>)>, StoreError> {
        let Some(version) = self.version(id, n)? else {
            return Ok(None);
        };
        let bytes = self.content_of(&version)?;
        Ok(Some((version, bytes)))
    }

    /// The content of `version`, a record read from this store, re-hashed as by
    /// [`Store::content`].
    pub fn content_of(&self, version: &Version) -> Result<Vec<u8>, StoreError> {
        let (id, n) = (version.statement_id, version.version);
        let bytes = self.rows.get(&keys::blob(&version.sha256))?.ok_or_else(|| {
            StoreError::Corrupt(format!("content {} of {id} v{n} is missing", version.sha256))
        })?;
        if Sha256::of(&bytes) != version.sha256 {
            return Err(StoreError::Corrupt(format!(
                "content of {id} v{n} no longer hashes to {}",
                version.sha256
            )));
        }
        Ok(bytes.to_vec())
    }

    /// The versions of a statement in order, after `after`; `None` for an unknown statement.
    pub fn versions(
        &self,
        id: &StatementId,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Option<Page<Version>>, StoreError> {
        if self.statement_row(id)?.is_none() {
            return Ok(None);
        }
        let page = self.scan(&keys::version_prefix(id), None, after, limit, |_, value| {
            codec::decode("version record", value).map(Some)
        })?;
        Ok(Some(page))
    }

    /// Every version, of any statement, whose content has the SHA-256 `sha`.
    pub fn versions_with_hash(
        &self,
        sha: &Sha256,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Version>, StoreError> {
        self.versions_in_digest_index(keys::HASH, sha, after, limit)
    }

    /// Every version, of any statement, whose normalized text has the SHA-256 `sha`.
    pub fn versions_with_normalized_hash(
        &self,
        sha: &Sha256,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Version>, StoreError> {
        self.versions_in_digest_index(keys::NORMALIZED, sha, after, limit)
    }

    /// Every version, of any statement, whose content has the SHA-1 `sha1`.
    pub fn versions_with_sha1(
        &self,
        sha1: &Sha1,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Version>, StoreError> {
        self.versions_under(&keys::sha1_prefix(sha1), after, limit)
    }

    fn versions_in_digest_index(
        &self,
        index: u8,
        sha: &Sha256,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Version>, StoreError> {
        self.versions_under(&keys::digest_prefix(index, sha), after, limit)
    }

    /// The versions named by the digest index entries under `prefix` (each ends with the
    /// version's id and number).
    fn versions_under(
        &self,
        prefix: &[u8],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Version>, StoreError> {
        self.scan(prefix, None, after, limit, |key, _| {
            let (id, n) = keys::trailing_version(key)
                .ok_or_else(|| StoreError::Corrupt("malformed digest index key".to_owned()))?;
            self.version(&id, n)?
                .map(Some)
                .ok_or_else(|| StoreError::Corrupt(format!("digest index names missing version {id} v{n}")))
        })
    }

    /// The versions whose text has the shingle `fingerprint`, at most `limit` of them, and
    /// whether there are more.
    pub fn versions_with_fingerprint(
        &self,
        fingerprint: u64,
        limit: usize,
    ) -> Result<(Vec<(StatementId, VersionNo)>, bool), StoreError> {
        let (sequences, more) = self.passages.postings(&self.rows, fingerprint, limit)?;
        let versions = sequences
            .into_iter()
            .map(|sequence| self.journal_entry(sequence))
            .collect::<Result<_, _>>()?;
        Ok((versions, more))
    }

    /// Statements whose latest version matches `filter`, in index order.
    pub fn statements(
        &self,
        filter: &StatementFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Statement>, StoreError> {
        if let Some(url) = &filter.source_url {
            let found = self.statement(&StatementId::for_url(url))?;
            let items = found.into_iter().filter(|s| filter.matches(s)).collect();
            return Ok(Page { items, next: None });
        }
        let (prefix, lower) = if let Some(term) = &filter.contact {
            (keys::term_prefix(keys::CONTACT, term), None)
        } else if let Some(publisher) = &filter.publisher {
            (keys::term_prefix(keys::PUBLISHER, publisher), None)
        } else if filter.published_after.is_some() || filter.published_before.is_some() {
            (vec![keys::DATE], filter.published_after.map(keys::date_bound))
        } else {
            (vec![keys::STATEMENT], None)
        };
        let before = filter.published_before.and_then(|date| date.succ_opt());
        let is_date_scan = prefix == [keys::DATE];
        self.scan(&prefix, lower.as_deref(), after, limit, |key, _| {
            if is_date_scan && before.is_some_and(|end| key >= keys::date_bound(end).as_slice()) {
                return Ok(None);
            }
            let id = keys::trailing_statement_id(key)
                .ok_or_else(|| StoreError::Corrupt("malformed index key".to_owned()))?;
            let statement = self
                .statement(&id)?
                .ok_or_else(|| StoreError::Corrupt(format!("index names missing statement {id}")))?;
            Ok(filter.matches(&statement).then_some(statement))
        })
    }

    /// Walks the keys under `prefix` from `max(lower, after)`, turning each into an item with
    /// `item` (which may skip it), until `limit` items or [`SCAN_BUDGET`] keys.
    fn scan<T>(
        &self,
        prefix: &[u8],
        lower: Option<&[u8]>,
        after: Option<&Cursor>,
        limit: usize,
        mut item: impl FnMut(&[u8], &[u8]) -> Result<Option<T>, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let mut start = lower.filter(|lower| *lower > prefix).unwrap_or(prefix).to_vec();
        if let Some(Cursor(cursor)) = after {
            let just_after = [cursor.as_slice(), &[0]].concat();
            start = start.max(just_after);
        }
        let range = match keys::prefix_end(prefix) {
            Some(end) if start < end => self.rows.range(&start, Some(&end)),
            Some(_) => {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                })
            }
            None => self.rows.range(&start, None),
        };
        let mut items = Vec::new();
        for (scanned, entry) in range.enumerate() {
            let (key, value) = entry?;
            if let Some(found) = item(&key, &value)? {
                items.push(found);
            }
            if items.len() >= limit || scanned + 1 >= SCAN_BUDGET {
                return Ok(Page {
                    items,
                    next: Some(Cursor(key.to_vec())),
                });
            }
        }
        Ok(Page { items, next: None })
    }

    fn statement_row(&self, id: &StatementId) -> Result<Option<StatementRow>, StoreError> {
        statement_row_in(&*self.rows, id)
    }

    fn required_version(&self, id: &StatementId, n: VersionNo) -> Result<Version, StoreError> {
        required_version_in(&*self.rows, id, n)
    }

    /// Checks invariants 1 to 7 over the whole store, re-hashing every content blob, and lists
    /// every violation found. Undecodable records are reported, not fatal; only a failure to
    /// read the store at all is an error.
    pub fn audit(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut expected_entries = BTreeSet::new();
        let mut versions_seen = BTreeSet::new();
        let journal_len = self.journal_len()?;
        let mut expected_postings = vec![postings::PostingsDigest::default(); journal_len as usize];
        for entry in self.rows.scan_prefix(&[keys::STATEMENT]) {
            let (key, value) = entry?;
            let Some(id) = keys::trailing_statement_id(&key).filter(|_| key.len() == 17) else {
                problems.push(format!("malformed statement key {key:?}"));
                continue;
            };
            let row: StatementRow = match codec::decode("statement row", &value) {
                Ok(row) => row,
                Err(error) => {
                    problems.push(format!("statement {id}: {error}"));
                    continue;
                }
            };
            if StatementId::for_url(&row.source_url) != id {
                problems.push(format!(
                    "statement {id} holds {} whose id differs",
                    row.source_url
                ));
            }
            let mut expected = Some(VersionNo::FIRST);
            for stored in self.rows.scan_prefix(&keys::version_prefix(&id)) {
                let (key, value) = stored?;
                let Some((_, number)) = keys::trailing_version(&key) else {
                    problems.push(format!("malformed version key {key:?}"));
                    continue;
                };
                versions_seen.insert((id, number));
                if Some(number) != expected {
                    problems.push(format!(
                        "statement {id}: version {number} found where {expected:?} was due"
                    ));
                }
                expected = number.next();
                let version: Version = match codec::decode("version record", &value) {
                    Ok(version) => version,
                    Err(error) => {
                        problems.push(format!("statement {id} v{number}: {error}"));
                        continue;
                    }
                };
                let (version_problems, fingerprints) = self.audit_version(&row, number, &version)?;
                problems.extend(version_problems);
                expected_entries.extend(matching_entries(&version));
                if let Some(digest) = expected_postings.get_mut(version.log_index as usize) {
                    for fingerprint in fingerprints {
                        digest.add(fingerprint, version.log_index);
                    }
                }
                if number == row.latest {
                    expected_entries.extend(filter_entries(&version));
                }
            }
            if expected != row.latest.next() {
                problems.push(format!(
                    "statement {id}: its row says the latest version is {}",
                    row.latest
                ));
            }
        }
        problems.extend(self.audit_indexes(&expected_entries)?);
        problems.extend(self.passages.audit(&self.rows, journal_len, |first, end| {
            expected_postings
                .get(first as usize..end as usize)
                .map(|digests| digests.iter().copied().sum())
        })?);
        problems.extend(self.audit_journal(&versions_seen)?);
        problems.extend(self.audit_log()?);
        problems.extend(
            self.watches
                .audit(|id, n| self.rows.contains(&keys::version(id, n)))?,
        );
        problems.extend(self.webhooks.audit(|event| {
            Ok(match event.version {
                Some(n) => self.rows.contains(&keys::version(&event.statement_id, n))?,
                None => event.withdrawal.is_some(),
            })
        })?);
        let versions_total = self.rows.scan_prefix(&[keys::VERSION]).count();
        if versions_total != versions_seen.len() {
            problems.push(format!(
                "{} version records belong to no statement",
                versions_total.saturating_sub(versions_seen.len())
            ));
        }
        Ok(problems)
    }

    /// Checks one version record against its statement row and its content; returns the
    /// problems found and the shingle fingerprints of its content, which the passage index
    /// must list it under.
    fn audit_version(
        &self,
        row: &StatementRow,
        n: VersionNo,
        version: &Version,
    ) -> Result<(Vec<String>, Vec<u64>), StoreError> {
        let mut problems = Vec::new();
        let id = StatementId::for_url(&row.source_url);
        if version.version != n || version.statement_id != id || version.source_url != row.source_url {
            problems.push(format!(
                "statement {id} v{n}: the record names {} v{}",
                version.statement_id, version.version
            ));
        }
        let mut fingerprints = Vec::new();
        match self.rows.get(&keys::blob(&version.sha256))? {
            Some(bytes) if Sha256::of(&bytes) == version.sha256 => {
                let sha1 = Sha1::of(&bytes);
                if version.sha1 != Some(sha1) {
                    problems.push(format!(
                        "statement {id} v{n}: the SHA-1 differs from its content's ({sha1})"
                    ));
                }
                if bytes.len() as u64 != version.content_length {
                    problems.push(format!(
                        "statement {id} v{n}: content length differs from the record"
                    ));
                }
                let text = String::from_utf8_lossy(&bytes);
                let reading = ComparableText::read(&text, version.metadata.content_type).reading();
                if reading.normalized_sha256 != version.normalized_sha256 {
                    problems.push(format!(
                        "statement {id} v{n}: the normalized hash differs from its content's ({})",
                        reading.normalized_sha256
                    ));
                }
                fingerprints = reading.fingerprints;
            }
            Some(_) => problems.push(format!(
                "statement {id} v{n}: content does not hash to {}",
                version.sha256
            )),
            None => problems.push(format!(
                "statement {id} v{n}: content {} is missing",
                version.sha256
            )),
        }
        Ok((problems, fingerprints))
    }

    fn audit_indexes(&self, expected: &BTreeSet<Vec<u8>>) -> Result<Vec<String>, StoreError> {
        let mut actual = BTreeSet::new();
        for index in [
            keys::HASH,
            keys::NORMALIZED,
            keys::SHA1,
            keys::CDX,
            keys::PUBLISHER,
            keys::CONTACT,
            keys::DATE,
        ] {
            for entry in self.rows.scan_prefix(&[index]) {
                actual.insert(entry?.0.to_vec());
            }
        }
        let missing = expected
            .difference(&actual)
            .map(|key| format!("index entry missing: {key:?}"));
        let stray = actual
            .difference(expected)
            .map(|key| format!("index entry without a version: {key:?}"));
        Ok(missing.chain(stray).collect())
    }

    /// The log must hold, for journal entry `i`, the leaf of that version at `L(i)`; its stored
    /// nodes must be exactly those of the reference tree over those leaves; the stored
    /// checkpoint and the witness file must verify and match it.
    fn audit_log(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut reference = MemoryTree::new();
        for entry in self.rows.scan_prefix(&[keys::JOURNAL]) {
            let (key, value) = entry?;
            let index = keys::journal_sequence(&key).unwrap_or(u64::MAX);
            let Some((id, n)) = keys::trailing_version(&value) else {
                continue;
            };
            let Ok(Some(version)) = self.version(&id, n) else {
                continue;
            };
            let leaf = crate::domain::leaf_bytes(&version);
            if version.log_index != index {
                problems.push(format!(
                    "{id} v{n} records log index {} but is journal entry {index}",
                    version.log_index
                ));
            }
            match self.rows.get(&keys::leaf(index))? {
                Some(stored) if stored == leaf => {}
                Some(_) => problems.push(format!("log entry {index} is not the leaf of {id} v{n}")),
                None => problems.push(format!("log entry {index} ({id} v{n}) is missing")),
            }
            reference.append(&leaf);
        }
        let mut stored_nodes = 0u64;
        for entry in self.rows.scan_prefix(&[keys::NODE]) {
            let (key, value) = entry?;
            stored_nodes += 1;
            let (level, index) = (
                key.get(1).copied().unwrap_or(u8::MAX),
                keys::journal_sequence(&key[1..]).unwrap_or(u64::MAX),
            );
            match merkle::NodeSource::node(&reference, level, index) {
                Ok(expected) if expected[..] == value[..] => {}
                Ok(_) => problems.push(format!("log node ({level}, {index}) has a wrong hash")),
                Err(_) => problems.push(format!("log node ({level}, {index}) lies outside the tree")),
            }
        }
        let size = reference.len();
        let expected_nodes: u64 = (0..64).map(|level| size >> level).sum();
        if stored_nodes != expected_nodes {
            problems.push(format!(
                "the log stores {stored_nodes} tree nodes where {expected_nodes} are due"
            ));
        }
        let root = reference.root_by_definition(size).unwrap_or(merkle::EMPTY_ROOT);
        let checkpoints = [
            ("the stored checkpoint", Some(self.checkpoint()?)),
            ("the witness file", self.witness.current()?),
        ];
        for (what, signed) in checkpoints {
            let Some(signed) = signed else { continue };
            match log::open_checkpoint(&self.verifier, &signed, what) {
                Ok(checkpoint) if checkpoint.size > size => problems.push(format!(
                    "{what} covers {} entries, the log has {size}",
                    checkpoint.size
                )),
                Ok(checkpoint) if reference.root_by_definition(checkpoint.size) != Some(checkpoint.root) => {
                    problems.push(format!(
                        "{what} has a root the log's first {} entries do not give",
                        checkpoint.size
                    ))
                }
                Ok(checkpoint)
                    if what == "the stored checkpoint"
                        && (checkpoint.size, checkpoint.root) != (size, root) =>
                {
                    problems.push(format!("{what} is not for the whole log"))
                }
                Ok(_) => {}
                Err(error) => problems.push(error.to_string()),
            }
        }
        Ok(problems)
    }

    /// The journal must list every version exactly once, numbered 0, 1, 2… without gaps.
    fn audit_journal(
        &self,
        versions: &BTreeSet<(StatementId, VersionNo)>,
    ) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut listed = BTreeSet::new();
        for (position, entry) in self.rows.scan_prefix(&[keys::JOURNAL]).enumerate() {
            let (key, value) = entry?;
            if keys::journal_sequence(&key) != Some(position as u64) {
                problems.push(format!("journal entry {key:?} found at position {position}"));
            }
            match keys::trailing_version(&value).filter(|_| value.len() == 20) {
                Some(version) if versions.contains(&version) && listed.insert(version) => {}
                Some((id, n)) => problems.push(format!(
                    "journal entry {position} names {id} v{n} wrongly or twice"
                )),
                None => problems.push(format!("journal entry {position} is malformed")),
            }
        }
        for (id, n) in versions.difference(&listed) {
            problems.push(format!("{id} v{n} is missing from the journal"));
        }
        Ok(problems)
    }
}

/// Fills `bytes` from the operating system's random source.
fn fill_random(bytes: &mut [u8]) -> Result<(), StoreError> {
    getrandom::fill(bytes).map_err(|error| StoreError::Corrupt(format!("no randomness available: {error}")))
}

/// Whether two versions agree in everything but the data derived from their content by this
/// build (the normalized hash, the SHA-1).
/// The submission that ingesting `version`'s content and metadata makes, or why its content
/// cannot be what was stored.
fn import_submission(version: &Version, content: &[u8]) -> Result<Submission, String> {
    let text = String::from_utf8(content.to_vec()).map_err(|_| "content is not UTF-8".to_owned())?;
    let content = match crate::domain::Content::parse("content", text) {
        Ok(content) if content.sha256() == version.sha256 => content,
        Ok(_) => return Err(format!("content does not hash to {}", version.sha256)),
        Err(error) => return Err(error.to_string()),
    };
    Ok(Draft {
        source_url: version.source_url.clone(),
        content,
        metadata: version.metadata.clone(),
        submitted_by: version.ingested_by.clone(),
        sources: version.sources,
        captured_at: version.captured_at,
    }
    .read_exactly())
}

/// `read` of every item, in order, on as many threads as the machine has cores.
fn read_in_parallel<T: Sync, R: Send>(items: &[T], read: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let read = &read;
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(read).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn same_but_derived(derived: &Version, given: &Version) -> bool {
    let given = Version {
        normalized_sha256: derived.normalized_sha256,
        sha1: derived.sha1,
        ..given.clone()
    };
    *derived == given
}

/// The hash, normalized-hash, CDX and SHA-1 index entries of `version`.
fn matching_entries(version: &Version) -> Vec<Vec<u8>> {
    let (id, n) = (&version.statement_id, version.version);
    let mut entries = vec![
        keys::digest_entry(keys::HASH, &version.sha256, id, n),
        keys::digest_entry(keys::NORMALIZED, &version.normalized_sha256, id, n),
        keys::cdx_entry(&crate::archive::cdx::Position::of(version).to_bytes()),
    ];
    entries.extend(version.sha1.map(|sha1| keys::sha1_entry(&sha1, id, n)));
    entries
}

/// How many versions the registry tree holds: the sequence number the next version gets.
fn journal_len(rows: &dyn Reader) -> Result<u64, StoreError> {
    match rows.last_with_prefix(&[keys::JOURNAL])? {
        None => Ok(0),
        Some((key, _)) => keys::journal_sequence(&key)
            .and_then(|last| last.checked_add(1))
            .ok_or_else(|| StoreError::Corrupt("malformed journal key".to_owned())),
    }
}

/// The row of statement `id` as `rows` has it.
fn statement_row_in(rows: &dyn Reader, id: &StatementId) -> Result<Option<StatementRow>, StoreError> {
    rows.get(&keys::statement(id))?
        .map(|bytes| codec::decode("statement row", &bytes))
        .transpose()
}

/// Version `n` of statement `id` as `rows` has it.
fn version_in(rows: &dyn Reader, id: &StatementId, n: VersionNo) -> Result<Option<Version>, StoreError> {
    rows.get(&keys::version(id, n))?
        .map(|bytes| codec::decode("version record", &bytes))
        .transpose()
}

/// Version `n` of statement `id`, which its statement row says exists.
fn required_version_in(rows: &dyn Reader, id: &StatementId, n: VersionNo) -> Result<Version, StoreError> {
    version_in(rows, id, n)?
        .ok_or_else(|| StoreError::Corrupt(format!("statement {id} lacks its version {n}")))
}

/// A fresh salt from the operating system's random source.
fn random_salt() -> Result<Salt, StoreError> {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes)?;
    Ok(Salt::from_bytes(bytes))
}

/// The `P`, `C` and `D` index keys of a version, kept for each statement's latest version: one
/// per term of [`latest_terms`].
fn filter_entries(version: &Version) -> BTreeSet<Vec<u8>> {
    let id = &version.statement_id;
    latest_terms(version)
        .into_iter()
        .map(|term| match term {
            LatestTerm::Publisher(publisher) => keys::term_entry(keys::PUBLISHER, &publisher, id),
            LatestTerm::Contact(contact) => keys::term_entry(keys::CONTACT, &contact, id),
            LatestTerm::PublishedOn(date) => keys::date_entry(date, id),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::StoreError;
    use std::io::{Error, ErrorKind};

    #[test]
    fn io_failures_are_classified_in_terms_that_name_no_backend() {
        let full = StoreError::from(Error::from(ErrorKind::StorageFull));
        assert!(matches!(full, StoreError::Full(_)), "{full:?}");
        let quota = StoreError::from(Error::from(ErrorKind::QuotaExceeded));
        assert!(matches!(quota, StoreError::Full(_)), "{quota:?}");
        let io = StoreError::from(Error::from(ErrorKind::PermissionDenied));
        assert!(matches!(io, StoreError::Unavailable(_)), "{io:?}");
    }
}
