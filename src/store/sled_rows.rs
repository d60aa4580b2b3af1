//! The embedded backend: the registry's rows in one sled tree, `registry`, in a folder one
//! process at a time may open. A batch is one `apply_batch`, which sled applies atomically;
//! the locks are this process's mutexes, since no other process can open the folder; a flush is
//! sled's flush of its log to disk.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use super::rows::{Backend, Batch, Entries, Lock, Reader, Txn};
use super::StoreError;

pub struct SledRows {
    db: sled::Db,
    tree: sled::Tree,
    /// One mutex per [`Lock`], by [`Lock::index`].
    locks: [Mutex<()>; 4],
}

impl SledRows {
    /// Opens the registry tree in the folder `path` (created owner-only when missing), with a
    /// page cache of at most `cache_bytes`, checking its format marker, which a new registry
    /// gets. A folder another process holds is [`StoreError::InUse`].
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Self, StoreError> {
        crate::owner_only::create_dir(path)?;
        let config = sled::Config::new().path(path).cache_capacity(cache_bytes);
        let db = config.open().map_err(|error| {
            if is_lock_conflict(&error) {
                StoreError::InUse(path.to_owned())
            } else {
                error.into()
            }
        })?;
        let tree = db.open_tree("registry")?;
        let rows = Self {
            db,
            tree,
            locks: Default::default(),
        };
        super::rows::check_format(&rows, &path.display().to_string())?;
        crate::owner_only::restrict_contents(path)?;
        Ok(rows)
    }
}

impl From<sled::Error> for StoreError {
    /// sled's failures, classified: its I/O as any I/O, its own corruption report as
    /// [`StoreError::Corrupt`], the rest (a missing tree, an unsupported operation, a reported
    /// bug) as [`StoreError::Bug`].
    fn from(error: sled::Error) -> Self {
        match error {
            sled::Error::Io(io) => io.into(),
            sled::Error::Corruption { .. } => StoreError::Corrupt(format!("sled: {error}")),
            other => StoreError::Bug(format!("sled: {other}")),
        }
    }
}

/// Whether sled failed to open a folder because another process has it open: sled takes an
/// exclusive lock on its `db` file and reports failing to get it as an I/O error of this text.
fn is_lock_conflict(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

fn entries<'a>(walk: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>> + 'a) -> Entries<'a> {
    Box::new(walk.map(|entry| {
        let (key, value) = entry?;
        Ok((key.to_vec(), value.to_vec()))
    }))
}

impl Reader for SledRows {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.get(key)?.map(|value| value.to_vec()))
    }

    fn contains(&self, key: &[u8]) -> Result<bool, StoreError> {
        Ok(self.tree.contains_key(key)?)
    }

    fn range<'a>(&'a self, start: &[u8], end: Option<&[u8]>) -> Entries<'a> {
        match end {
            Some(end) if end <= start => Box::new(std::iter::empty()),
            Some(end) => entries(self.tree.range(start..end)),
            None => entries(self.tree.range(start..)),
        }
    }

    fn range_rev<'a>(&'a self, start: &[u8], end: Option<&[u8]>) -> Entries<'a> {
        match end {
            Some(end) if end <= start => Box::new(std::iter::empty()),
            Some(end) => entries(self.tree.range(start..end).rev()),
            None => entries(self.tree.range(start..).rev()),
        }
    }
}

impl Txn for SledRows {
    fn apply(&self, batch: Batch) -> Result<(), StoreError> {
        let mut writes = sled::Batch::default();
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => writes.insert(key, value),
                None => writes.remove(key),
            }
        }
        Ok(self.tree.apply_batch(writes)?)
    }

    fn generate_id(&self) -> Result<u64, StoreError> {
        Ok(self.db.generate_id()?)
    }
}

impl Backend for SledRows {
    fn apply(&self, batch: Batch) -> Result<(), StoreError> {
        Txn::apply(self, batch)
    }

    fn exclusive(
        &self,
        lock: Lock,
        work: &mut dyn FnMut(&dyn Txn) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let _held = self.locks[lock.index()]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        work(self)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    fn reads_are_durable(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn sled_failures_are_classified_in_terms_that_name_no_backend() {
        let full = StoreError::from(sled::Error::Io(Error::from(ErrorKind::StorageFull)));
        assert!(matches!(full, StoreError::Full(_)), "{full:?}");
        let io = StoreError::from(sled::Error::Io(Error::from(ErrorKind::PermissionDenied)));
        assert!(matches!(io, StoreError::Unavailable(_)), "{io:?}");
        let bug = StoreError::from(sled::Error::Unsupported("x".into()));
        assert!(matches!(bug, StoreError::Bug(_)), "{bug:?}");
    }

    #[test]
    fn ranges_run_both_ways_and_an_empty_range_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let rows = SledRows::open(dir.path(), 1 << 20).unwrap();
        let mut batch = Batch::default();
        for key in [b"Xa", b"Xb", b"Xc", b"Ya"] {
            batch.insert(key, b"");
        }
        Backend::apply(&rows, batch).unwrap();
        let keys = |walk: Entries| walk.map(|entry| entry.unwrap().0).collect::<Vec<_>>();
        assert_eq!(
            keys(rows.range(b"Xb", Some(b"Y"))),
            vec![b"Xb".to_vec(), b"Xc".to_vec()]
        );
        assert_eq!(
            keys(rows.range_rev(b"X", Some(b"Y"))),
            vec![b"Xc".to_vec(), b"Xb".to_vec(), b"Xa".to_vec()]
        );
        assert!(keys(rows.range(b"Y", Some(b"X"))).is_empty());
    }
}
