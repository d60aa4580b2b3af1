//! A SHA-1 digest as web archives write it: 32 characters of RFC 4648 base32 (upper case, no
//! padding), the form of the Wayback Machine's CDX `digest` field and of WARC's
//! `WARC-Payload-Digest: sha1:…`. The registry trusts SHA-256; SHA-1 is kept beside it so that
//! archive tools can name a version by the digest they already hold.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha1::Digest;
use std::fmt;

use super::FieldError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha1([u8; 20]);

/// The RFC 4648 base32 alphabet.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Sha1 {
    pub fn of(bytes: &[u8]) -> Self {
        Self(sha1::Sha1::digest(bytes).into())
    }

    /// Parses 32 base32 characters (either case), optionally prefixed `sha1:` as in WARC
    /// headers, for the input field `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let invalid = || {
            FieldError::new(
                field,
                "must be a SHA-1 digest: 32 base32 characters, optionally prefixed sha1:",
            )
        };
        let body = strip_prefix_ignore_case(raw, "sha1:").unwrap_or(raw);
        if body.len() != 32 {
            return Err(invalid());
        }
        let mut bits: u64 = 0;
        let mut count = 0;
        let mut out = [0u8; 20];
        let mut at = 0;
        for c in body.bytes() {
            let value = ALPHABET
                .iter()
                .position(|&a| a == c.to_ascii_uppercase())
                .ok_or_else(invalid)? as u64;
            bits = (bits << 5) | value;
            count += 5;
            if count >= 8 {
                count -= 8;
                out[at] = (bits >> count) as u8;
                at += 1;
                bits &= (1 << count) - 1;
            }
        }
        Ok(Self(out))
    }

    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The 32-character base32 form (160 bits are exactly 32 groups of 5: no padding).
    pub fn to_base32(&self) -> String {
        let mut out = String::with_capacity(32);
        for chunk in self.0.chunks(5) {
            let group = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            for shift in (0..8).rev() {
                out.push(char::from(ALPHABET[((group >> (shift * 5)) & 31) as usize]));
            }
        }
        out
    }
}

fn strip_prefix_ignore_case<'a>(raw: &'a str, prefix: &str) -> Option<&'a str> {
    raw.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &raw[prefix.len()..])
}

impl fmt::Display for Sha1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base32())
    }
}

impl fmt::Debug for Sha1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha1({})", self.to_base32())
    }
}

impl Serialize for Sha1 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base32())
    }
}

impl<'de> Deserialize<'de> for Sha1 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("sha1", &raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_known_input_in_base32() {
        // FIPS 180 "abc": a9993e364706816aba3e25717850c26c9cd0d89d, whose RFC 4648 base32 is
        // the value below (`base64.b32encode(hashlib.sha1(b"abc").digest())`).
        let abc = Sha1::of(b"abc");
        assert_eq!(
            hex::encode(abc.as_bytes()),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(abc.to_base32(), "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
        // The empty payload, as every Wayback CDX shows it.
        assert_eq!(Sha1::of(b"").to_base32(), "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn parses_with_or_without_prefix_in_either_case() {
        let abc = Sha1::of(b"abc");
        for raw in [
            "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5",
            "vgmt4nsha2awvor6evyxqugcnsonbwe5",
            "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5",
            "SHA1:vgmt4nsha2awvor6evyxqugcnsonbwe5",
        ] {
            assert_eq!(Sha1::parse("digest", raw).unwrap(), abc, "{raw}");
        }
    }

    #[test]
    fn rejects_wrong_length_and_alphabet() {
        for raw in [
            "",
            "sha1:",
            "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE",
            "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE1",
            "é".repeat(16).as_str(),
        ] {
            assert_eq!(Sha1::parse("digest", raw).unwrap_err().field, "digest", "{raw:?}");
        }
    }

    #[test]
    fn base32_round_trips() {
        for input in [&b""[..], b"a", b"hello world", &[0xFF; 100]] {
            let digest = Sha1::of(input);
            assert_eq!(Sha1::parse("d", &digest.to_base32()).unwrap(), digest);
        }
    }
}
