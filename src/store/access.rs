//! API keys in the store: created, listed, revoked, and checked on every authenticated
//! request. Only the SHA-256 of each secret is stored; it is compared in constant time.
//!
//! # Invariants
//! 1. **Only `create` and `revoke` write a key record** (`A(key id)`, with its name entry
//!    `N(name)`), and only under the backend's [`Lock::Keys`], each time flushed before it returns. A
//!    revocation, once durable, is therefore never overwritten: authentication reads the record
//!    and never writes it.
//! 2. **A revocation is final**: `revoked_at`, once set, never changes, and a revoked key never
//!    authenticates again, from the next request on.
//! 3. **Last use is a hint kept apart**, in `U(key id)`: written by authentication at most once
//!    a minute per key, outside the lock and not flushed. A record written by an older build may
//!    still carry a `last_used_at` of its own; the later of the two is shown.
//! 4. **Someone can always manage keys**: the last live admin key cannot be revoked.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

use super::rows::{Batch, Lock, PrefixReader, Reader, Rows};
use super::{codec, keys, StoreError};
use crate::domain::{FieldError, KeyName, Role, Sha256, Token};

/// How stale a key's recorded last use may get before a request updates it.
const LAST_USE_RESOLUTION: Duration = Duration::seconds(60);

/// A stored API key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub key_id: String,
    pub name: KeyName,
    pub role: Role,
    pub secret_sha256: Sha256,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Whether this is an admin key that is not revoked.
    pub fn is_live_admin(&self) -> bool {
        self.role == Role::Admin && self.revoked_at.is_none()
    }
}

/// What a revocation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The key is revoked: now, or before (then its first revocation time is kept).
    Revoked(ApiKey),
    /// No key has that name.
    Unknown,
    /// The key is the last live admin key; revoking it would leave no one able to manage keys,
    /// so it was kept.
    LastAdmin(ApiKey),
}

impl Revocation {
    /// Why the last live admin key named `name` is kept, and what to do instead.
    pub fn last_admin_refusal(name: &KeyName) -> String {
        format!(
            "{name} is the last live admin key: revoking it would leave no one able to manage keys. \
             Create another admin key first (provenance keys create --name NAME --role admin), \
             then revoke this one"
        )
    }
}

/// The API keys of a registry: the `A`, `N` and `U` entries of its tree.
/// Its writers of key records (creation and revocation) hold [`Lock::Keys`], so that a name is
/// taken once and the last-admin check sees every revocation.
pub struct KeyRing {
    rows: Rows,
}

impl KeyRing {
    pub(super) fn new(rows: Rows) -> Self {
        Self { rows }
    }

    /// Opens the keys of the registry in `path` alone, without its log: what managing keys on a
    /// stopped data folder needs. On a new folder this creates the store but not the log, whose
    /// origin and signing key the first `serve` (or `import`) chooses.
    /// With `postgres`, the keys of the registry in that database.
    pub fn open(path: &Path, postgres: Option<&str>) -> Result<Self, StoreError> {
        Ok(Self::new(match postgres {
            Some(url) => Rows::new(super::pg_rows::PgRows::open(url)?),
            None => Rows::new(super::sled_rows::SledRows::open(
                path,
                super::DEFAULT_CACHE_BYTES,
            )?),
        }))
    }

    /// Creates a key; returns it with the token to hand to its holder once. A taken name is
    /// refused (inner `Err`). Durable when it returns.
    pub fn create(
        &self,
        name: KeyName,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<Result<(ApiKey, String), FieldError>, StoreError> {
        let created = self.rows.exclusive(Lock::Keys, |txn| {
            if txn.contains(&keys::api_key_name(name.as_ref()))? {
                return Ok(Err(FieldError::new(
                    "name",
                    format!("a key named {name} exists already"),
                )));
            }
            let mut id_bytes = [0u8; 8];
            let mut secret_bytes = [0u8; 32];
            super::fill_random(&mut id_bytes)?;
            super::fill_random(&mut secret_bytes)?;
            let (text, token) = Token::issue(id_bytes, secret_bytes);
            let key = ApiKey {
                key_id: token.key_id.clone(),
                name,
                role,
                secret_sha256: token.secret_sha256,
                created_at: now,
                last_used_at: None,
                revoked_at: None,
            };
            let mut batch = Batch::default();
            batch.insert(keys::api_key(&key.key_id), codec::encode(&key)?);
            batch.insert(keys::api_key_name(key.name.as_ref()), key.key_id.as_bytes());
            txn.apply(batch)?;
            Ok(Ok((key, text)))
        })?;
        self.rows.flush()?;
        Ok(created)
    }

    /// Every key, revoked ones included, by name, with its last use.
    pub fn list(&self) -> Result<Vec<ApiKey>, StoreError> {
        let mut all = records(&*self.rows)?
            .into_iter()
            .map(|key| self.with_last_use(key))
            .collect::<Result<Vec<_>, _>>()?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// Revokes the key named `name` at once, unless it is the last live admin key. Durable when
    /// it returns. Revoking a revoked key keeps its first revocation time.
    pub fn revoke(&self, name: &KeyName, now: DateTime<Utc>) -> Result<Revocation, StoreError> {
        let revocation = self.rows.exclusive(Lock::Keys, |txn| {
            let Some(mut key) = named(txn, name)? else {
                return Ok(Revocation::Unknown);
            };
            if key.revoked_at.is_some() {
                return Ok(Revocation::Revoked(key));
            }
            if key.is_live_admin() {
                let other_admins = records(txn)?
                    .iter()
                    .filter(|other| other.is_live_admin() && other.key_id != key.key_id)
                    .count();
                if other_admins == 0 {
                    return Ok(Revocation::LastAdmin(key));
                }
            }
            key.revoked_at = Some(now);
            let mut batch = Batch::default();
            batch.insert(keys::api_key(&key.key_id), codec::encode(&key)?);
            txn.apply(batch)?;
            Ok(Revocation::Revoked(key))
        })?;
        self.rows.flush()?;
        Ok(match revocation {
            Revocation::Revoked(key) => Revocation::Revoked(self.with_last_use(key)?),
            other => other,
        })
    }

    /// The key's last use: the later of its record's (from older builds) and its `U` entry's.
    fn with_last_use(&self, mut key: ApiKey) -> Result<ApiKey, StoreError> {
        let recorded = self
            .rows
            .get(&keys::api_key_last_use(&key.key_id))?
            .map(|bytes| codec::decode::<DateTime<Utc>>("key's last use", &bytes))
            .transpose()?;
        key.last_used_at = key.last_used_at.max(recorded);
        Ok(key)
    }

    /// The live key a token belongs to, or `None` for an unknown, revoked or wrong token. Records
    /// the key's last use (to the minute, not flushed: it is a hint, not a record) in its own
    /// entry, never in the key record (invariant 1).
    pub fn authenticate(&self, token: &Token, now: DateTime<Utc>) -> Result<Option<ApiKey>, StoreError> {
        let Some(bytes) = self.rows.get(&keys::api_key(&token.key_id))? else {
            return Ok(None);
        };
        let key: ApiKey = codec::decode("API key", &bytes)?;
        if !constant_time_eq(key.secret_sha256.as_bytes(), token.secret_sha256.as_bytes())
            || key.revoked_at.is_some()
        {
            return Ok(None);
        }
        let mut key = self.with_last_use(key)?;
        if key
            .last_used_at
            .is_none_or(|last| now - last >= LAST_USE_RESOLUTION)
        {
            key.last_used_at = Some(now);
            let mut batch = Batch::default();
            batch.insert(keys::api_key_last_use(&key.key_id), codec::encode(&now)?);
            self.rows.apply(batch)?;
        }
        Ok(Some(key))
    }
}

/// Every key record, in key-id order.
fn records(rows: &dyn Reader) -> Result<Vec<ApiKey>, StoreError> {
    rows.scan_prefix(&[keys::API_KEY])
        .map(|entry| codec::decode::<ApiKey>("API key", &entry?.1))
        .collect()
}

/// The record of the key named `name`.
fn named(rows: &dyn Reader, name: &KeyName) -> Result<Option<ApiKey>, StoreError> {
    let Some(key_id) = rows.get(&keys::api_key_name(name.as_ref()))? else {
        return Ok(None);
    };
    rows.get(&keys::api_key(&String::from_utf8_lossy(&key_id)))?
        .map(|bytes| codec::decode("API key", &bytes))
        .transpose()
}

/// Compares two digests without an early exit, so timing reveals nothing of where they differ.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter()
        .zip(b)
        .fold(0u8, |difference, (x, y)| difference | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_comparison_compares() {
        assert!(constant_time_eq(&[7; 32], &[7; 32]));
        let mut other = [7; 32];
        other[31] = 8;
        assert!(!constant_time_eq(&[7; 32], &other));
    }
}
