//! The CDX index (`u` entries, [`crate::archive::cdx::Position`]): one entry per version, under
//! its SURT key and timestamp, written in the batch of the version it names
//! (`matching_entries`), checked by [`Store::audit`] with the other content indexes, rebuilt by
//! import, and completed when the store opens for versions written before it existed.

use super::rows::Batch;
use super::{codec, keys, Store, StoreError};
use crate::archive::cdx::{Bounds, Direction, Position, Row};

impl Store {
    /// Gives the versions of an earlier build, which had no CDX index, their `u` entries. New
    /// versions always get theirs in their own batch and the pass goes in journal order, in
    /// atomic batches, so a store needs it exactly when its last journal entry lacks one (also
    /// after a pass that was interrupted).
    pub(super) fn fill_cdx_index(&self) -> Result<(), StoreError> {
        const BATCH_VERSIONS: usize = 1000;
        let size = self.journal_len()?;
        let Some(last) = size.checked_sub(1) else {
            return Ok(());
        };
        let entry_of = |sequence: u64| -> Result<Vec<u8>, StoreError> {
            let (id, n) = self.journal_entry(sequence)?;
            let version = self.required_version(&id, n)?;
            Ok(keys::cdx_entry(&Position::of(&version).to_bytes()))
        };
        if self.rows.contains(&entry_of(last)?)? {
            return Ok(());
        }
        let mut batch = Batch::default();
        for sequence in 0..size {
            batch.insert(entry_of(sequence)?, &[][..]);
            if (sequence + 1) % BATCH_VERSIONS as u64 == 0 {
                self.rows.apply(std::mem::take(&mut batch))?;
            }
        }
        self.rows.apply(batch)?;
        self.rows.flush()?;
        Ok(())
    }

    /// The rows of the CDX index within `bounds`, walked in `direction`.
    pub fn cdx_rows(
        &self,
        bounds: Bounds,
        direction: Direction,
    ) -> impl Iterator<Item = Result<Row, StoreError>> + '_ {
        let (lower, upper) = (keys::cdx_entry(&bounds.lower), keys::cdx_entry(&bounds.upper));
        let walk = match direction {
            Direction::Forward => self.rows.range(&lower, Some(&upper)),
            Direction::Backward => self.rows.range_rev(&lower, Some(&upper)),
        };
        walk.map(move |entry| {
            let (key, _) = entry?;
            let position = keys::cdx_position(&key)
                .and_then(Position::from_bytes)
                .ok_or_else(|| StoreError::Corrupt(format!("malformed CDX index key {key:?}")))?;
            let value = self
                .rows
                .get(&keys::version(&position.id, position.version))?
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "the CDX index names missing version {} v{}",
                        position.id, position.version
                    ))
                })?;
            let version = codec::decode("version record", &value)?;
            Ok(Row::at(position, &version))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Content, Draft, Metadata, SourceUrl};
    use crate::log::note::NoteSigner;
    use crate::store::rows::PrefixReader;

    fn ingest(store: &Store, url: &str, text: &str) {
        let submission = Draft {
            source_url: SourceUrl::parse("source_url", url).unwrap(),
            content: Content::parse("content", text.to_owned()).unwrap(),
            metadata: Metadata::default(),
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        }
        .read_exactly();
        store.ingest(submission, chrono::Utc::now()).unwrap();
    }

    fn cdx_keys(store: &Store) -> Vec<Vec<u8>> {
        store
            .rows
            .scan_prefix(&[keys::CDX])
            .map(|entry| entry.unwrap().0)
            .collect()
    }

    #[test]
    fn a_store_of_an_earlier_build_gets_its_cdx_index_when_it_opens() {
        let dir = tempfile::tempdir().unwrap();
        let signer = NoteSigner::generate("test.example/log").unwrap();
        let written = {
            let store = Store::open(dir.path(), signer.clone()).unwrap();
            ingest(&store, "https://example.org/a", "one");
            ingest(&store, "https://example.org/a", "two");
            ingest(&store, "https://www.example.org/b", "three");
            let written = cdx_keys(&store);
            assert_eq!(written.len(), 3);
            // As an earlier build left it: no `u` entries at all.
            let mut batch = Batch::default();
            for key in &written {
                batch.remove(key);
            }
            store.rows.apply(batch).unwrap();
            assert!(
                !store.audit().unwrap().is_empty(),
                "fsck sees the missing entries"
            );
            store.flush().unwrap();
            written
        };
        let store = Store::open(dir.path(), signer).unwrap();
        assert_eq!(cdx_keys(&store), written);
        assert_eq!(store.audit().unwrap(), Vec::<String>::new());
    }
}
