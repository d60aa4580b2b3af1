//! The narrow interface a storage backend implements: an ordered map of byte keys to byte
//! values ([`Reader`]), written in atomic batches ([`Batch`]), with named locks under which a
//! writer reads and writes as one ([`Backend::exclusive`]). Everything else of the store (the
//! key layout of [`super::keys`], the group plan of [`super::commit`], the log, the indexes, the
//! audit) is written once against it; [`super::sled_rows`] and [`super::pg_rows`] implement it.
//!
//! # What every backend guarantees
//! 1. **Atomic batches.** [`Txn::apply`] applies all of a batch or none of it, also across a
//!    crash.
//! 2. **Ordered reads.** [`Reader::range`] yields keys in ascending byte order (`range_rev` in
//!    descending), and sees every batch applied before the call began.
//! 3. **One writer per lock.** While [`Backend::exclusive`] runs its closure for a [`Lock`], no
//!    other closure for that lock runs, in this process or (on a shared database) any other; the
//!    closure's reads see every batch applied under that lock before it, and its own.
//! 4. **Durable on flush.** After [`Backend::flush`] returns, every batch applied before it
//!    survives a crash. A backend whose batches are durable when applied (a database that
//!    commits them) makes it a no-op.
//! 5. **Unique, increasing ids.** [`Txn::generate_id`] never returns a number twice, and a
//!    caller sees its own ids increase.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::StoreError;

/// One stored entry: key and value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// A lazy walk over entries, in key order.
pub type Entries<'a> = Box<dyn Iterator<Item = Result<Entry, StoreError>> + 'a>;

/// Reads of the ordered map.
pub trait Reader {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    fn contains(&self, key: &[u8]) -> Result<bool, StoreError> {
        Ok(self.get(key)?.is_some())
    }

    /// The entries with `start <= key < end` (no upper bound when `end` is `None`), ascending.
    fn range<'a>(&'a self, start: &[u8], end: Option<&[u8]>) -> Entries<'a>;

    /// [`Reader::range`] in descending order.
    fn range_rev<'a>(&'a self, start: &[u8], end: Option<&[u8]>) -> Entries<'a>;
}

/// Walks of a prefix, for every reader.
pub trait PrefixReader: Reader {
    /// The entries whose key starts with `prefix`, ascending.
    fn scan_prefix(&self, prefix: &[u8]) -> Entries<'_> {
        self.range(prefix, super::keys::prefix_end(prefix).as_deref())
    }

    /// The entries whose key starts with `prefix`, descending.
    fn scan_prefix_rev(&self, prefix: &[u8]) -> Entries<'_> {
        self.range_rev(prefix, super::keys::prefix_end(prefix).as_deref())
    }

    /// The last entry whose key starts with `prefix`.
    fn last_with_prefix(&self, prefix: &[u8]) -> Result<Option<Entry>, StoreError> {
        self.scan_prefix_rev(prefix).next().transpose()
    }
}

impl<R: Reader + ?Sized> PrefixReader for R {}

/// A writer holding one of the backend's locks: reads see its own applied batches.
pub trait Txn: Reader {
    /// Applies `batch` atomically (guarantee 1). Visible to this writer at once; to other
    /// readers when the backend makes it so (sled: at once; a database: when the lock's
    /// transaction commits).
    fn apply(&self, batch: Batch) -> Result<(), StoreError>;

    /// A number for a new event, observation or attempt (guarantee 5), drawn on the writer's
    /// own connection where it has one.
    fn generate_id(&self) -> Result<u64, StoreError>;
}

/// The writers that must not overlap, each under a lock of its own (guarantee 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lock {
    /// The log: a version's number, its log position, its tree nodes and the checkpoint.
    Log,
    /// The API keys: a name taken once; the last admin key kept.
    Keys,
    /// Watched sources and their observations.
    Watches,
    /// Webhook endpoints and their deliveries.
    Webhooks,
}

impl Lock {
    /// Its position among the four (a backend keeps one mutex per lock).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name where a backend keeps locks as rows.
    pub fn name(self) -> &'static str {
        match self {
            Lock::Log => "log",
            Lock::Keys => "keys",
            Lock::Watches => "watches",
            Lock::Webhooks => "webhooks",
        }
    }
}

/// A storage backend.
pub trait Backend: Reader + Send + Sync {
    /// Applies `batch` atomically, outside any lock: for writes no lock orders.
    fn apply(&self, batch: Batch) -> Result<(), StoreError>;

    /// Runs `work` as the only holder of `lock` (guarantee 3), its reads and batches through
    /// the [`Txn`] it is given. When `work` fails, a backend with transactions keeps none of
    /// its batches; one without (sled) keeps those already applied, so `work` applies what it
    /// decides in one batch where that matters.
    fn exclusive(
        &self,
        lock: Lock,
        work: &mut dyn FnMut(&dyn Txn) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Guarantee 4.
    fn flush(&self) -> Result<(), StoreError>;

    /// Whether every batch a reader sees is durable: true where a batch is seen once it is
    /// committed; false for sled, whose readers may see a batch whose flush is under way.
    fn reads_are_durable(&self) -> bool;
}

/// Checks the registry's format marker, which a new (empty) registry gets; `place` names the
/// store in messages.
pub fn check_format(backend: &dyn Backend, place: &str) -> Result<(), StoreError> {
    use super::keys::{FORMAT_KEY, FORMAT_MARKER};
    match backend.get(FORMAT_KEY)? {
        Some(marker) if marker == FORMAT_MARKER => Ok(()),
        Some(marker) => Err(StoreError::Incompatible(format!(
            "{place} holds a registry of format {:?}, which this build does not read",
            String::from_utf8_lossy(&marker)
        ))),
        None if backend.range(&[], None).next().is_none() => {
            backend.apply(Batch::single(FORMAT_KEY, FORMAT_MARKER))?;
            backend.flush()
        }
        None => Err(StoreError::Incompatible(format!(
            "{place} holds data without a format marker"
        ))),
    }
}

/// A shared handle on the backend.
#[derive(Clone)]
pub struct Rows(Arc<dyn Backend>);

impl Rows {
    pub fn new(backend: impl Backend + 'static) -> Self {
        Self(Arc::new(backend))
    }

    /// [`Backend::exclusive`] returning what `work` returns.
    pub fn exclusive<T>(
        &self,
        lock: Lock,
        work: impl FnOnce(&dyn Txn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut work = Some(work);
        let mut output = None;
        self.0.exclusive(lock, &mut |txn| {
            let work = work
                .take()
                .ok_or_else(|| StoreError::Bug("a lock's work was run twice".to_owned()))?;
            output = Some(work(txn)?);
            Ok(())
        })?;
        output.ok_or_else(|| StoreError::Bug("a lock's work was not run".to_owned()))
    }
}

impl std::ops::Deref for Rows {
    type Target = dyn Backend;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// Writes to apply together: the last write of a key wins.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch(BTreeMap<Vec<u8>, Option<Vec<u8>>>);

impl Batch {
    /// A batch that writes one key.
    pub fn single(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        let mut batch = Self::default();
        batch.insert(key, value);
        batch
    }

    pub fn insert(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.0
            .insert(key.as_ref().to_vec(), Some(value.as_ref().to_vec()));
    }

    pub fn remove(&mut self, key: impl AsRef<[u8]>) {
        self.0.insert(key.as_ref().to_vec(), None);
    }

    /// The writes in key order: `None` removes the key.
    pub fn into_writes(self) -> impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)> {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_write_of_a_key_wins_and_writes_come_in_key_order() {
        let mut batch = Batch::default();
        batch.insert(b"b", b"1");
        batch.insert(b"a", b"2");
        batch.remove(b"b");
        batch.insert(b"c", b"3");
        let writes: Vec<_> = batch.into_writes().collect();
        assert_eq!(
            writes,
            vec![
                (b"a".to_vec(), Some(b"2".to_vec())),
                (b"b".to_vec(), None),
                (b"c".to_vec(), Some(b"3".to_vec())),
            ]
        );
    }
}
