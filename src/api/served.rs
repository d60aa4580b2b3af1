//! Version records and contents as served, kept in memory: a version never changes once
//! stored (the store's invariant 2), so the JSON of its record, the headers of its content and
//! the content's bytes, once verified against its SHA-256, can be sent again as they are,
//! without decoding, encoding or hashing anything. Both caches are bounded in bytes and drop
//! their oldest entries first; what is not in them is read from the store again (and its
//! content hashed again).

use actix_web::web;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use super::model::VersionRecord;
use crate::domain::{Sha256, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError};

/// Memory for encoded version records, in bytes.
pub const RECORD_CACHE_BYTES: usize = 16 * 1024 * 1024;
/// Memory for verified contents, in bytes.
pub const CONTENT_CACHE_BYTES: usize = 48 * 1024 * 1024;
/// Contents larger than this are served from the store each time, not kept.
const LARGEST_KEPT_CONTENT: usize = 1024 * 1024;

/// A version as it is served: its record, and what the answer for its content says of it.
pub struct ServedVersion {
    pub version: Version,
    /// The record as `GET …/versions/{n}` sends it (JSON).
    pub record: web::Bytes,
    /// `"<sha256 hex>"`, the content's `ETag`.
    pub etag: String,
    /// `sha-256=:<base64>:`, the content's `Repr-Digest`.
    pub repr_digest: String,
    /// The content's `Content-Type`, with its charset.
    pub content_type: String,
}

impl ServedVersion {
    fn of(version: Version) -> Result<Self, StoreError> {
        let record = serde_json::to_vec(&VersionRecord::from(&version))
            .map_err(|error| StoreError::Corrupt(format!("cannot encode a version record: {error}")))?;
        Ok(Self {
            record: web::Bytes::from(record),
            etag: format!("\"{}\"", version.sha256.to_hex()),
            repr_digest: format!("sha-256=:{}:", version.sha256.to_base64()),
            content_type: format!("{}; charset=utf-8", version.metadata.content_type.as_str()),
            version,
        })
    }

    /// The memory an entry takes, roughly: what the cache's bound counts.
    fn weight(&self) -> usize {
        self.record.len() * 2 + self.etag.len() + self.repr_digest.len() + 256
    }
}

/// The served forms of versions, and their verified contents.
pub struct Served {
    records: Bounded<(StatementId, VersionNo), Arc<ServedVersion>>,
    contents: Bounded<Sha256, web::Bytes>,
}

impl Default for Served {
    fn default() -> Self {
        Self {
            records: Bounded::new(RECORD_CACHE_BYTES),
            contents: Bounded::new(CONTENT_CACHE_BYTES),
        }
    }
}

impl Served {
    /// Version `n` of statement `id` as served, from memory or read from `store`; `None` when
    /// there is no such version.
    pub fn version(
        &self,
        store: &Store,
        id: &StatementId,
        n: VersionNo,
    ) -> Result<Option<Arc<ServedVersion>>, StoreError> {
        if let Some(served) = self.records.get(&(*id, n)) {
            return Ok(Some(served));
        }
        let Some(version) = store.version(id, n)? else {
            return Ok(None);
        };
        let served = Arc::new(ServedVersion::of(version)?);
        self.records
            .insert((*id, n), Arc::clone(&served), served.weight());
        Ok(Some(served))
    }

    /// The content of `version` if it is in memory: bytes that hashed to its SHA-256 when they
    /// were read from the store.
    pub fn kept_content(&self, version: &Version) -> Option<web::Bytes> {
        self.contents.get(&version.sha256)
    }

    /// Reads the content of `version` from `store`, which re-hashes it and refuses bytes that
    /// do not match, and keeps it (unless it is large).
    pub fn read_content(&self, store: &Store, version: &Version) -> Result<web::Bytes, StoreError> {
        let bytes = web::Bytes::from(store.content_of(version)?);
        if bytes.len() <= LARGEST_KEPT_CONTENT {
            self.contents
                .insert(version.sha256, bytes.clone(), bytes.len() + 128);
        }
        Ok(bytes)
    }
}

/// A map of at most `budget` bytes of values (by the weight given with each), which forgets its
/// oldest entries first. For values that never change: an entry is never replaced.
struct Bounded<K, V> {
    inner: Mutex<Entries<K, V>>,
    budget: usize,
}

struct Entries<K, V> {
    map: HashMap<K, V>,
    /// Keys in the order they came, with their weights.
    order: VecDeque<(K, usize)>,
    weight: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> Bounded<K, V> {
    fn new(budget: usize) -> Self {
        Self {
            inner: Mutex::new(Entries {
                map: HashMap::new(),
                order: VecDeque::new(),
                weight: 0,
            }),
            budget,
        }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .get(key)
            .cloned()
    }

    fn insert(&self, key: K, value: V, weight: usize) {
        if weight > self.budget {
            return;
        }
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.map.contains_key(&key) {
            return;
        }
        while entries.weight + weight > self.budget {
            let Some((oldest, its_weight)) = entries.order.pop_front() else {
                break;
            };
            entries.map.remove(&oldest);
            entries.weight -= its_weight;
        }
        entries.map.insert(key.clone(), value);
        entries.order.push_back((key, weight));
        entries.weight += weight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_entries_go_first_and_the_budget_holds() {
        let cache = Bounded::new(10);
        cache.insert(1, "a", 4);
        cache.insert(2, "b", 4);
        cache.insert(1, "not again", 4);
        assert_eq!(cache.get(&1), Some("a"), "an entry is never replaced");
        cache.insert(3, "c", 4);
        assert_eq!(
            (cache.get(&1), cache.get(&2), cache.get(&3)),
            (None, Some("b"), Some("c"))
        );
        cache.insert(4, "too heavy", 11);
        assert_eq!(cache.get(&4), None);
        let weight = cache.inner.lock().unwrap().weight;
        assert!(weight <= 10, "{weight}");
    }
}
