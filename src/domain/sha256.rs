//! A SHA-256 digest: computed from bytes or parsed from 64 hexadecimal digits, shown in
//! lowercase hex, in base64 (for `Repr-Digest`) and as raw bytes (for store keys).

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest;
use std::fmt;

use super::FieldError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256([u8; 32]);

impl Sha256 {
    pub fn of(bytes: &[u8]) -> Self {
        Self(sha2::Sha256::digest(bytes).into())
    }

    /// Parses 64 hex digits (either case) for the input field `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let mut bytes = [0u8; 32];
        if raw.len() != 64 || hex::decode_to_slice(raw, &mut bytes).is_err() {
            return Err(FieldError::new(
                field,
                "must be a SHA-256 digest: 64 hexadecimal digits",
            ));
        }
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256({})", self.to_hex())
    }
}

impl Serialize for Sha256 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("sha256", &raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_known_input() {
        assert_eq!(
            Sha256::of(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Sha256::of(b"abc").to_base64(),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn parses_either_case_and_prints_lowercase() {
        let upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
        assert_eq!(Sha256::parse("sha256", upper).unwrap(), Sha256::of(b"abc"));
    }

    #[test]
    fn rejects_wrong_length_and_non_hex() {
        for raw in ["", "abc", &"g".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
            let err = Sha256::parse("sha256", raw).unwrap_err();
            assert_eq!(err.field, "sha256");
        }
    }
}
