//! The identifier of a statement: derived from its canonical source URL, so that it is stable,
//! URL-safe, and computable from the URL alone by anyone.
//!
//! `statement_id = lowercase hex of the first 16 bytes of SHA-256("provenance:statement:v1\n" ‖ canonical URL)`
//! (32 characters, 128 bits).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest;
use std::fmt;

use super::{FieldError, SourceUrl};

const DOMAIN_SEPARATOR: &[u8] = b"provenance:statement:v1\n";

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementId([u8; 16]);

impl StatementId {
    pub fn for_url(url: &SourceUrl) -> Self {
        let mut hasher = sha2::Sha256::new();
        hasher.update(DOMAIN_SEPARATOR);
        hasher.update(url.as_str().as_bytes());
        let digest = hasher.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        Self(id)
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let mut id = [0u8; 16];
        let lowercase_hex = raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if raw.len() != 32 || !lowercase_hex || hex::decode_to_slice(raw, &mut id).is_err() {
            return Err(FieldError::new(
                field,
                "must be a statement id: 32 lowercase hexadecimal digits",
            ));
        }
        Ok(Self(id))
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatementId({self})")
    }
}

impl Serialize for StatementId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StatementId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("statement_id", &raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(raw: &str) -> SourceUrl {
        SourceUrl::parse("source_url", raw).unwrap()
    }

    #[test]
    fn equivalent_urls_share_an_id() {
        let a = StatementId::for_url(&url("HTTPS://Example.org:443/a?utm_source=x#top"));
        let b = StatementId::for_url(&url("https://example.org/a"));
        assert_eq!(a, b);
        assert_ne!(a, StatementId::for_url(&url("https://example.org/b")));
    }

    #[test]
    fn id_is_the_documented_hash_prefix() {
        let expected =
            hex::encode(&sha2::Sha256::digest(b"provenance:statement:v1\nhttps://example.org/a")[..16]);
        assert_eq!(
            StatementId::for_url(&url("https://example.org/a")).to_string(),
            expected
        );
    }

    #[test]
    fn parses_its_own_form_only() {
        let id = StatementId::for_url(&url("https://example.org/a"));
        assert_eq!(StatementId::parse("id", &id.to_string()).unwrap(), id);
        for raw in ["", "abc", &"A".repeat(32), &"g".repeat(32), &"a".repeat(33)] {
            assert!(StatementId::parse("id", raw).is_err(), "{raw}");
        }
    }
}
