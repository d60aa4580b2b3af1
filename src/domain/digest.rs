//! A content digest as a client may hold it: the registry's SHA-256, or the SHA-1 that web
//! archives (CDX `digest`, WARC `WARC-Payload-Digest`) name content by.

use super::{FieldError, Sha1, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha256(Sha256),
    Sha1(Sha1),
}

impl Digest {
    /// Parses 64 hex digits as a SHA-256, or 32 base32 characters (optionally prefixed
    /// `sha1:`) as a SHA-1, for the input field `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.len() == 64 {
            return Sha256::parse(field, raw).map(Self::Sha256);
        }
        Sha1::parse(field, raw).map(Self::Sha1).map_err(|_| {
            FieldError::new(
                field,
                "must be a SHA-256 (64 hexadecimal digits) or a SHA-1 (32 base32 characters, \
                 optionally prefixed sha1:)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_two_forms_apart() {
        let sha256 = Sha256::of(b"abc");
        assert_eq!(
            Digest::parse("d", &sha256.to_hex()).unwrap(),
            Digest::Sha256(sha256)
        );
        let sha1 = Sha1::of(b"abc");
        for raw in [sha1.to_base32(), format!("sha1:{sha1}")] {
            assert_eq!(Digest::parse("d", &raw).unwrap(), Digest::Sha1(sha1));
        }
        for raw in ["", "abc", &"z".repeat(64), "sha256:abc"] {
            let error = Digest::parse("digest", raw).unwrap_err();
            assert_eq!(error.field, "digest");
        }
    }
}
