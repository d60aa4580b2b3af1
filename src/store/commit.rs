//! Group commit: the ingests waiting when the writer frees up are decided and written together,
//! as one sled batch with one signed checkpoint, and share one flush; each is acknowledged only
//! after that flush. One statement appears at most once in a group (a second ingest of it waits
//! for the next group), so every decision in a group reads only what earlier groups wrote.
//! A bulk ingest enters the queue as one contiguous run, in its order ([`Waiting::push_all`]):
//! its ingests of one statement keep that order across groups, so they become consecutive
//! versions in the order they were sent.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::rows::{Batch, Txn};
use super::{codec, filter_entries, keys, log, matching_entries, Ingested, StatementRow, Store, StoreError};
use crate::domain::{Event, EventKind, Submission, Version};
use crate::log::merkle::{self, PerfectNode};

/// The ingests waiting for a writer, in arrival order.
#[derive(Default)]
pub(super) struct Waiting(Mutex<Vec<Request>>);

/// An ingest waiting for its group.
pub(super) struct Request {
    pub submission: Submission,
    pub now: DateTime<Utc>,
    slot: Arc<Slot>,
}

/// Where an ingest's outcome is left for the thread that asked for it.
#[derive(Default)]
struct Slot {
    outcome: Mutex<Option<Result<Ingested, StoreError>>>,
    filled: Condvar,
}

/// The asking thread's hold on its request's outcome.
pub(super) struct Ticket(Arc<Slot>);

impl Waiting {
    /// Queues ingests, one after the other with no other ingest between them; each ticket
    /// gives its ingest's outcome once some writer has handled it.
    pub fn push_all(&self, submissions: Vec<Submission>, now: DateTime<Utc>) -> Vec<Ticket> {
        let mut waiting = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        submissions
            .into_iter()
            .map(|submission| {
                let slot = Arc::new(Slot::default());
                waiting.push(Request {
                    submission,
                    now,
                    slot: Arc::clone(&slot),
                });
                Ticket(slot)
            })
            .collect()
    }

    /// Takes the next group: every waiting ingest, except that a statement appears once; the
    /// later ingests of a statement stay, in order, for the next group.
    pub fn take_group(&self) -> Vec<Request> {
        let mut waiting = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut statements = HashSet::new();
        let (group, later) = std::mem::take(&mut *waiting)
            .into_iter()
            .partition(|request| statements.insert(request.submission.statement_id()));
        *waiting = later;
        group
    }
}

impl Request {
    /// Hands the outcome to the asking thread.
    pub fn answer(self, outcome: Result<Ingested, StoreError>) {
        *self.slot.outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        self.slot.filled.notify_all();
    }
}

impl Drop for Request {
    /// A request dropped unanswered (a writer that failed half-way) still gets an answer, so
    /// that its thread never waits forever; nothing of it was acknowledged.
    fn drop(&mut self) {
        let mut outcome = self.slot.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        if outcome.is_none() {
            *outcome = Some(Err(StoreError::Corrupt(
                "the write was abandoned by its writer".to_owned(),
            )));
            self.slot.filled.notify_all();
        }
    }
}

impl Ticket {
    /// The outcome, if a writer has handled the request.
    pub fn take(&self) -> Option<Result<Ingested, StoreError>> {
        self.0
            .outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Waits for the outcome.
    pub fn wait(&self) -> Result<Ingested, StoreError> {
        let mut outcome = self.0.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(outcome) = outcome.take() {
                return outcome;
            }
            outcome = self
                .0
                .filled
                .wait(outcome)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// What applying a group's batch gave: the checkpoint it signed (size, note), if it added a
/// version, or the error that kept it from being applied.
pub(super) type Applied = Result<Option<(u64, String)>, StoreError>;

/// Groups flushed and versions created in them.
#[derive(Default)]
pub(super) struct Counts {
    groups: AtomicU64,
    versions: AtomicU64,
}

impl Counts {
    /// Counts a flushed group with these outcomes, if it created any version.
    pub fn count(&self, outcomes: &[Result<Ingested, StoreError>]) {
        let created = outcomes
            .iter()
            .filter(|outcome| matches!(outcome, Ok(Ingested::Created(_))))
            .count() as u64;
        if created > 0 {
            self.groups.fetch_add(1, Ordering::Relaxed);
            self.versions.fetch_add(created, Ordering::Relaxed);
        }
    }

    pub fn get(&self) -> (u64, u64) {
        (
            self.groups.load(Ordering::Relaxed),
            self.versions.load(Ordering::Relaxed),
        )
    }
}

/// One atomic batch of new versions being assembled by the writer (who holds the writer lock):
/// each version's content, hash and normalized-hash entries, journal entry, statement row,
/// filter-index changes, log leaf, the tree nodes it completes and its webhook event
/// ([`super::webhooks`]); then, once, the checkpoint
/// signed for the tree they all complete.
pub(super) struct GroupWrite<'a> {
    store: &'a Store,
    /// The backend, as held under [`super::rows::Lock::Log`]: every read of the decision goes through it.
    pub txn: &'a dyn Txn,
    batch: Batch,
    nodes: Vec<PerfectNode>,
    /// The log's size with the versions added so far: the next version's sequence number.
    pub size: u64,
    /// Sequence number and shingle fingerprints of each version added, for the passage index.
    added: Vec<(u64, Vec<u64>)>,
}

impl<'a> GroupWrite<'a> {
    /// A group written by `store` through `txn`, which holds [`super::rows::Lock::Log`].
    pub fn new(store: &'a Store, txn: &'a dyn Txn) -> Result<Self, StoreError> {
        Ok(Self {
            store,
            txn,
            batch: Batch::default(),
            nodes: Vec::new(),
            size: super::journal_len(txn)?,
            added: Vec::new(),
        })
    }

    /// Adds `version` (whose predecessor is `latest`, and which `submission` made), placed at
    /// the end of the log. Nothing is added when it fails.
    pub fn add(
        &mut self,
        latest: Option<&Version>,
        first_seen_at: DateTime<Utc>,
        version: &Version,
        submission: &Submission,
    ) -> Result<(), StoreError> {
        if version.log_index != self.size {
            return Err(StoreError::Corrupt(format!(
                "version placed at log index {} where {} is next",
                version.log_index, self.size
            )));
        }
        let tree = self.txn;
        let leaf = crate::domain::leaf_bytes(version);
        let stored = log::WithPending {
            stored: log::TreeNodes(tree),
            pending: &self.nodes,
        };
        let nodes = merkle::nodes_completed_by_append(&stored, version.log_index, merkle::leaf_hash(&leaf))?;
        let blob_key = keys::blob(&version.sha256);
        let new_blob = !tree.contains(&blob_key)?;
        let id = &version.statement_id;
        let row = StatementRow {
            source_url: version.source_url.clone(),
            first_seen_at,
            latest: version.version,
        };
        let (row, record) = (codec::encode(&row)?, codec::encode(version)?);

        let event = Event {
            kind: EventKind::VersionCreated,
            statement_id: *id,
            version: Some(version.version),
            at: version.ingested_at,
            withdrawal: None,
        };
        let batch = &mut self.batch;
        // First: it is the last step that can fail, and it adds nothing when it does.
        super::webhooks::stage_event(self.txn, batch, &event)?;
        batch.insert(keys::statement(id), row);
        batch.insert(keys::version(id, version.version), record);
        if new_blob {
            batch.insert(blob_key, submission.content.as_bytes());
        }
        for entry in matching_entries(version) {
            batch.insert(entry, &[][..]);
        }
        batch.insert(
            keys::journal(version.log_index),
            keys::journal_value(id, version.version),
        );
        let old_entries = latest.map(filter_entries).unwrap_or_default();
        let new_entries = filter_entries(version);
        for stale in old_entries.difference(&new_entries) {
            batch.remove(stale.as_slice());
        }
        for entry in new_entries.difference(&old_entries) {
            batch.insert(entry.as_slice(), &[][..]);
        }
        for (level, index, hash) in &nodes {
            batch.insert(keys::node(*level, *index), &hash[..]);
        }
        batch.insert(keys::leaf(version.log_index), leaf);
        self.store
            .passages
            .stage(batch, version.log_index, &submission.reading.fingerprints);
        self.nodes.extend(nodes);
        self.added
            .push((version.log_index, submission.reading.fingerprints.clone()));
        self.size += 1;
        Ok(())
    }

    /// Signs the checkpoint of the tree the added versions complete and applies the batch (not
    /// flushed); gives their fingerprints to the passage index. Returns the checkpoint (size,
    /// signed note), or `None` when nothing was added.
    pub fn apply(self) -> Applied {
        if self.added.is_empty() {
            return Ok(None);
        }
        let store = self.store;
        let root = merkle::root(
            &log::WithPending {
                stored: log::TreeNodes(self.txn),
                pending: &self.nodes,
            },
            self.size,
        )?;
        let signed = store.sign_checkpoint(self.size, root)?;
        let mut batch = self.batch;
        batch.insert(keys::CHECKPOINT_KEY, signed.as_bytes());
        self.txn.apply(batch)?;
        for (sequence, fingerprints) in &self.added {
            store.passages.applied(*sequence, fingerprints)?;
        }
        Ok(Some((self.size, signed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Content, Draft, Metadata, SourceUrl};

    fn submission(url: &str, text: &str) -> Submission {
        Draft {
            source_url: SourceUrl::parse("source_url", url).unwrap(),
            content: Content::parse("content", text.to_owned()).unwrap(),
            metadata: Metadata::default(),
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        }
        .read_exactly()
    }

    #[test]
    fn a_group_holds_a_statement_once_and_later_ingests_of_it_wait_in_order() {
        let waiting = Waiting::default();
        let now = Utc::now();
        let _ = waiting.push_all(vec![submission("https://a.example/1", "one")], now);
        let _ = waiting.push_all(
            vec![
                submission("https://b.example/1", "two"),
                submission("https://a.example/1", "three"),
                submission("https://a.example/1", "four"),
            ],
            now,
        );
        let texts = |group: &[Request]| {
            group
                .iter()
                .map(|r| r.submission.content.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&waiting.take_group()), ["one", "two"]);
        assert_eq!(texts(&waiting.take_group()), ["three"]);
        assert_eq!(texts(&waiting.take_group()), ["four"]);
        assert!(waiting.take_group().is_empty());
    }

    #[test]
    fn an_abandoned_request_is_answered_with_an_error() {
        let waiting = Waiting::default();
        let tickets = waiting.push_all(vec![submission("https://a.example/1", "one")], Utc::now());
        drop(waiting.take_group());
        assert!(tickets[0].wait().is_err());
    }
}
