//! The newest entries of the commit journal: what the registry recorded last, for the pages'
//! "latest changes". A read of the journal's tail; it adds no key and no invariant.

use super::rows::PrefixReader;
use super::{keys, Store, StoreError};
use crate::domain::Version;

impl Store {
    /// The `limit` versions committed last, of any statement, newest first: the records the
    /// last `limit` journal entries name (invariant 7 makes that the commit order). Costs
    /// `limit` journal reads and `limit` record reads, whatever the store's size.
    pub fn recent_versions(&self, limit: usize) -> Result<Vec<Version>, StoreError> {
        self.rows
            .scan_prefix_rev(&[keys::JOURNAL])
            .take(limit)
            .map(|entry| {
                let (_, value) = entry?;
                let (id, n) = keys::trailing_version(&value)
                    .ok_or_else(|| StoreError::Corrupt("malformed journal entry".to_owned()))?;
                self.required_version(&id, n)
            })
            .collect()
    }
}
