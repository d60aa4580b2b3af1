//! API keys in the store: created, listed, revoked, and checked on every authenticated
//! request. Only the SHA-256 of each secret is stored; it is compared in constant time.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{codec, keys, Store, StoreError};
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

impl Store {
    /// Creates a key; returns it with the token to hand to its holder once. A taken name is
    /// refused (inner `Err`). Durable when it returns.
    pub fn create_key(
        &self,
        name: KeyName,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<Result<(ApiKey, String), FieldError>, StoreError> {
        let _writer = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.tree.contains_key(keys::api_key_name(name.as_ref()))? {
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
        let mut batch = sled::Batch::default();
        batch.insert(keys::api_key(&key.key_id), codec::encode(&key)?);
        batch.insert(keys::api_key_name(key.name.as_ref()), key.key_id.as_bytes());
        self.tree.apply_batch(batch)?;
        self.db.flush()?;
        Ok(Ok((key, text)))
    }

    /// Every key, revoked ones included, by name.
    pub fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let mut all = self
            .tree
            .scan_prefix([keys::API_KEY])
            .map(|entry| codec::decode::<ApiKey>("API key", &entry?.1))
            .collect::<Result<Vec<_>, _>>()?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// Revokes the key named `name` at once; `None` when there is no such key. Durable when it
    /// returns. Revoking a revoked key keeps its first revocation time.
    pub fn revoke_key(&self, name: &KeyName, now: DateTime<Utc>) -> Result<Option<ApiKey>, StoreError> {
        let _writer = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(mut key) = self.api_key_named(name)? else {
            return Ok(None);
        };
        if key.revoked_at.is_none() {
            key.revoked_at = Some(now);
            self.tree
                .insert(keys::api_key(&key.key_id), codec::encode(&key)?)?;
            self.db.flush()?;
        }
        Ok(Some(key))
    }

    fn api_key_named(&self, name: &KeyName) -> Result<Option<ApiKey>, StoreError> {
        let Some(key_id) = self.tree.get(keys::api_key_name(name.as_ref()))? else {
            return Ok(None);
        };
        self.tree
            .get(keys::api_key(&String::from_utf8_lossy(&key_id)))?
            .map(|bytes| codec::decode("API key", &bytes))
            .transpose()
    }

    /// The live key a token belongs to, or `None` for an unknown, revoked or wrong token. Records
    /// the key's last use (to the minute, not flushed: it is a hint, not a record).
    pub fn authenticate(&self, token: &Token, now: DateTime<Utc>) -> Result<Option<ApiKey>, StoreError> {
        let Some(bytes) = self.tree.get(keys::api_key(&token.key_id))? else {
            return Ok(None);
        };
        let mut key: ApiKey = codec::decode("API key", &bytes)?;
        if !constant_time_eq(key.secret_sha256.as_bytes(), token.secret_sha256.as_bytes())
            || key.revoked_at.is_some()
        {
            return Ok(None);
        }
        if key
            .last_used_at
            .is_none_or(|last| now - last >= LAST_USE_RESOLUTION)
        {
            key.last_used_at = Some(now);
            self.tree
                .insert(keys::api_key(&key.key_id), codec::encode(&key)?)?;
        }
        Ok(Some(key))
    }
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
