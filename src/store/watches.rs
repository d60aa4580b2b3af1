//! Watched sources in the store: the watches with their schedule, every observation of their
//! URLs, and the withdrawal state of statements whose source went away.
//!
//! # Invariants
//! 1. **A watch and its owner entry go together**: `W(id)` exists exactly when
//!    `Y(owner, id)` does; both are written and removed in one batch, under [`Lock::Watches`].
//! 2. **Observations are append-only**: `O(statement, seq)` is only ever inserted, with `seq`
//!    from the backend's persistent counter (`Txn::generate_id`, under [`Lock::Watches`]), so
//!    key order is the order of recording, across restarts too.
//! 3. **One fetch, one batch**: the observation, the watch's new state (next run, validators,
//!    misses) and any withdrawal change of its statement are applied together and flushed
//!    before [`WatchBook::record`] returns; after a crash a fetch is either wholly recorded or
//!    not at all (then it is simply made again). A withdrawal or restoration's webhook event
//!    is in that batch too ([`super::webhooks`], invariant 1).
//! 4. **Observations name real versions**: an observation's `version`, when set, is a version
//!    of its statement that was durable before the observation was written.

use super::rows::{Batch, Lock, PrefixReader, Reader, Rows};
use super::{codec, keys, Cursor, Page, StoreError};
use crate::domain::{
    Event, EventKind, KeyName, Observation, StatementId, VersionNo, Watch, WatchId, Withdrawal,
    WithdrawalChange,
};

/// The watches and observations of a registry; shares the registry's tree.
/// The count-then-insert of a new watch and the exists-then-update of a record hold
/// [`Lock::Watches`].
pub struct WatchBook {
    rows: Rows,
}

/// Why a watch was not created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Its owner has this many watches already, the most allowed.
    TooMany(usize),
}

impl WatchBook {
    pub(super) fn new(rows: Rows) -> Self {
        Self { rows }
    }

    /// Stores a new watch, unless its owner has `max_per_owner` already. Durable when it returns.
    pub fn create(&self, watch: &Watch, max_per_owner: usize) -> Result<Result<(), Refusal>, StoreError> {
        let created = self.rows.exclusive(Lock::Watches, |txn| {
            let owned = txn.scan_prefix(&keys::watch_owner_prefix(&watch.owner)).count();
            if owned >= max_per_owner {
                return Ok(Err(Refusal::TooMany(owned)));
            }
            let mut batch = Batch::default();
            batch.insert(keys::watch(&watch.id), codec::encode(watch)?);
            batch.insert(keys::watch_owner(&watch.owner, &watch.id), &[][..]);
            txn.apply(batch)?;
            Ok(Ok(()))
        })?;
        self.rows.flush()?;
        Ok(created)
    }

    pub fn get(&self, id: &WatchId) -> Result<Option<Watch>, StoreError> {
        watch_in(&*self.rows, id)
    }

    /// Every watch, for the scheduler at start.
    pub fn all(&self) -> Result<Vec<Watch>, StoreError> {
        self.rows
            .scan_prefix(&[keys::WATCH])
            .map(|entry| codec::decode("watch", &entry?.1))
            .collect()
    }

    /// A page of the watches of `owner` (of everyone when `None`), in id order.
    pub fn list(
        &self,
        owner: Option<&KeyName>,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Watch>, StoreError> {
        let prefix = match owner {
            Some(owner) => keys::watch_owner_prefix(owner),
            None => vec![keys::WATCH],
        };
        page_after(&*self.rows, &prefix, after, limit, |key, value| match owner {
            None => codec::decode("watch", value),
            Some(_) => {
                let id = keys::trailing_watch_id(key)
                    .ok_or_else(|| StoreError::Corrupt("malformed watch owner key".to_owned()))?;
                self.get(&id)?
                    .ok_or_else(|| StoreError::Corrupt(format!("watch {id} is listed but missing")))
            }
        })
    }

    /// Removes watch `id` if `owner` made it (anyone's when `None`); returns it, or `None` when
    /// there is no such watch of theirs. Durable when it returns.
    pub fn delete(&self, id: &WatchId, owner: Option<&KeyName>) -> Result<Option<Watch>, StoreError> {
        let deleted = self.rows.exclusive(Lock::Watches, |txn| {
            let Some(watch) = watch_in(txn, id)? else {
                return Ok(None);
            };
            if owner.is_some_and(|owner| *owner != watch.owner) {
                return Ok(None);
            }
            let mut batch = Batch::default();
            batch.remove(keys::watch(id));
            batch.remove(keys::watch_owner(&watch.owner, id));
            txn.apply(batch)?;
            Ok(Some(watch))
        })?;
        self.rows.flush()?;
        Ok(deleted)
    }

    /// Records one fetch: `observation` of `statement`, the watch's new state `watch` (unless
    /// the watch was deleted meanwhile) and `change`, in one batch, flushed. Returns whether
    /// the watch still exists.
    pub fn record(
        &self,
        statement: &StatementId,
        watch: &Watch,
        observation: &Observation,
        change: &WithdrawalChange,
    ) -> Result<bool, StoreError> {
        let exists = self.rows.exclusive(Lock::Watches, |txn| {
            let exists = txn.contains(&keys::watch(&watch.id))?;
            let mut batch = Batch::default();
            if exists {
                batch.insert(keys::watch(&watch.id), codec::encode(watch)?);
            }
            let sequence = txn.generate_id()?;
            batch.insert(
                keys::observation(statement, sequence),
                codec::encode(observation)?,
            );
            match change {
                WithdrawalChange::None => {}
                WithdrawalChange::Withdraw(withdrawal) | WithdrawalChange::Restore(withdrawal) => {
                    batch.insert(keys::withdrawal(statement), codec::encode(withdrawal)?);
                    let kind = match change {
                        WithdrawalChange::Withdraw(_) => EventKind::StatementWithdrawn,
                        _ => EventKind::StatementRestored,
                    };
                    let event = Event {
                        kind,
                        statement_id: *statement,
                        version: None,
                        at: observation.at,
                        withdrawal: Some(withdrawal.clone()),
                    };
                    super::webhooks::stage_event(txn, &mut batch, &event)?;
                }
            }
            txn.apply(batch)?;
            Ok(exists)
        })?;
        self.rows.flush()?;
        Ok(exists)
    }

    /// A page of the observations of `statement`, oldest first.
    pub fn observations(
        &self,
        statement: &StatementId,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Observation>, StoreError> {
        page_after(
            &*self.rows,
            &keys::observation_prefix(statement),
            after,
            limit,
            |_, value| codec::decode("observation", value),
        )
    }

    /// The withdrawal state of `statement`, if its source was ever withdrawn.
    pub fn withdrawal(&self, statement: &StatementId) -> Result<Option<Withdrawal>, StoreError> {
        self.rows
            .get(&keys::withdrawal(statement))?
            .map(|bytes| codec::decode("withdrawal", &bytes))
            .transpose()
    }

    /// Checks invariants 1 and 4: every watch has its owner entry and the other way round,
    /// and every observation decodes and names a version `version_exists` knows.
    pub fn audit(
        &self,
        version_exists: impl Fn(&StatementId, VersionNo) -> Result<bool, StoreError>,
    ) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        for entry in self.rows.scan_prefix(&[keys::WATCH]) {
            let (key, value) = entry?;
            match codec::decode::<Watch>("watch", &value) {
                Ok(watch) if !self.rows.contains(&keys::watch_owner(&watch.owner, &watch.id))? => {
                    problems.push(format!("watch {} has no owner entry", watch.id))
                }
                Ok(watch) if key != keys::watch(&watch.id) => {
                    problems.push(format!("watch {} is stored under another id", watch.id))
                }
                Ok(_) => {}
                Err(error) => problems.push(error.to_string()),
            }
        }
        for entry in self.rows.scan_prefix(&[keys::WATCH_OWNER]) {
            let (key, _) = entry?;
            match keys::trailing_watch_id(&key) {
                Some(id) if self.rows.contains(&keys::watch(&id))? => {}
                _ => problems.push(format!("watch owner entry {key:?} names no watch")),
            }
        }
        for entry in self.rows.scan_prefix(&[keys::OBSERVATION]) {
            let (key, value) = entry?;
            let statement = keys::observation_statement(&key);
            match (statement, codec::decode::<Observation>("observation", &value)) {
                (Some(id), Ok(observation)) => {
                    if let Some(n) = observation.version {
                        if !version_exists(&id, n)? {
                            problems.push(format!("an observation of {id} names missing version {n}"));
                        }
                    }
                }
                (None, _) => problems.push(format!("malformed observation key {key:?}")),
                (_, Err(error)) => problems.push(error.to_string()),
            }
        }
        Ok(problems)
    }
}

/// Watch `id` as `rows` has it.
fn watch_in(rows: &dyn Reader, id: &WatchId) -> Result<Option<Watch>, StoreError> {
    rows.get(&keys::watch(id))?
        .map(|bytes| codec::decode("watch", &bytes))
        .transpose()
}

/// Up to `limit` items of the keys under `prefix`, after `after`.
pub(super) fn page_after<T>(
    tree: &dyn Reader,
    prefix: &[u8],
    after: Option<&Cursor>,
    limit: usize,
    mut item: impl FnMut(&[u8], &[u8]) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    let start = match after {
        Some(Cursor(cursor)) if cursor.as_slice() >= prefix => [cursor.as_slice(), &[0]].concat(),
        _ => prefix.to_vec(),
    };
    let range = match keys::prefix_end(prefix) {
        Some(end) if start < end => tree.range(&start, Some(&end)),
        Some(_) => {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            })
        }
        None => tree.range(&start, None),
    };
    let mut items = Vec::new();
    for entry in range {
        let (key, value) = entry?;
        items.push(item(&key, &value)?);
        if items.len() >= limit {
            return Ok(Page {
                items,
                next: Some(Cursor(key.to_vec())),
            });
        }
    }
    Ok(Page { items, next: None })
}
