//! The bytes a version contributes to the transparency log: a canonical JSON serialization of
//! its provenance record that anyone can rebuild from the public version record alone.
//!
//! Encoding `provenance-leaf/1` (RFC 8785 JSON Canonicalization for the values we use: objects
//! with keys in code-point order, no white space, strings escaped as `serde_json` escapes them,
//! which matches RFC 8785 for every string, integers in decimal, `null` for absent values):
//!
//! ```text
//! {"contacts_commitment":"<hex>","content_sha256":"<hex>","content_type":"text/plain",
//!  "format":"provenance-leaf/1","ingested_at":"<RFC 3339 UTC, microseconds>",
//!  "published_at":"<as given>"|null,"publisher":"…"|null,"source_url":"<canonical>",
//!  "statement_id":"<hex>","title":"…"|null,"version":<n>}
//! ```
//!
//! Media contacts are personal data, so the leaf holds only a salted commitment to them:
//! `contacts_commitment = SHA-256("provenance:contacts:v1\n" ‖ salt(32 bytes) ‖ JCS(contacts))`,
//! where `JCS(contacts)` is the canonical JSON array of `{"email","name","organization","phone"}`
//! objects (absent parts `null`) and the salt is random per version and served with the record.
//! Redacting a person later removes the contacts and the salt; the leaf, and every proof, stay.

use chrono::SecondsFormat;
use serde::Serialize;
use sha2::Digest;

use super::{Contact, Sha256, Version};

pub const LEAF_FORMAT: &str = "provenance-leaf/1";
const CONTACTS_DOMAIN: &[u8] = b"provenance:contacts:v1\n";

/// The leaf's fields, declared in key order so that serde writes them canonically.
#[derive(Serialize)]
struct LeafFields<'a> {
    contacts_commitment: String,
    content_sha256: String,
    content_type: &'a str,
    format: &'static str,
    ingested_at: String,
    published_at: Option<String>,
    publisher: Option<&'a str>,
    source_url: &'a str,
    statement_id: String,
    title: Option<&'a str>,
    version: u32,
}

/// A contact's parts, declared in key order.
#[derive(Serialize)]
struct ContactFields<'a> {
    email: Option<&'a str>,
    name: Option<&'a str>,
    organization: Option<&'a str>,
    phone: Option<&'a str>,
}

/// The canonical leaf bytes of `version`.
pub fn leaf_bytes(version: &Version) -> Vec<u8> {
    let metadata = &version.metadata;
    let fields = LeafFields {
        contacts_commitment: contacts_commitment(&version.contacts_salt, &metadata.media_contacts).to_hex(),
        content_sha256: version.sha256.to_hex(),
        content_type: metadata.content_type.as_str(),
        format: LEAF_FORMAT,
        ingested_at: version.ingested_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        published_at: metadata.published_at.map(|p| p.to_string()),
        publisher: metadata.publisher.as_ref().map(AsRef::as_ref),
        source_url: version.source_url.as_str(),
        statement_id: version.statement_id.to_string(),
        title: metadata.title.as_ref().map(AsRef::as_ref),
        version: version.version.get(),
    };
    serde_json::to_vec(&fields).unwrap_or_default()
}

/// The salted commitment to a version's media contacts.
pub fn contacts_commitment(salt: &Salt, contacts: &[Contact]) -> Sha256 {
    let canonical: Vec<ContactFields> = contacts
        .iter()
        .map(|contact| ContactFields {
            email: contact.email.as_ref().map(AsRef::as_ref),
            name: contact.name.as_ref().map(AsRef::as_ref),
            organization: contact.organization.as_ref().map(AsRef::as_ref),
            phone: contact.phone.as_ref().map(AsRef::as_ref),
        })
        .collect();
    let mut hasher = sha2::Sha256::new();
    hasher.update(CONTACTS_DOMAIN);
    hasher.update(salt.as_bytes());
    hasher.update(serde_json::to_vec(&canonical).unwrap_or_default());
    Sha256::from_bytes(hasher.finalize().into())
}

/// 32 random bytes that hide a version's contacts inside its commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Salt([u8; 32]);

impl Salt {
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, super::FieldError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(raw, &mut bytes)
            .map_err(|_| super::FieldError::new(field, "must be 64 hexadecimal digits"))?;
        Ok(Self(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl serde::Serialize for Salt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Salt {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("contacts_salt", &raw).map_err(serde::de::Error::custom)
    }
}
