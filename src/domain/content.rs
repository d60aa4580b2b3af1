//! The text of a statement exactly as ingested, with the SHA-256 of its UTF-8 bytes, and the
//! media type it is served with.

use serde::{Deserialize, Serialize};

use super::{FieldError, Sha256};

/// A statement's text: non-blank UTF-8, kept byte for byte (never trimmed or re-encoded),
/// hashed once when parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    text: String,
    sha256: Sha256,
}

impl Content {
    pub fn parse(field: &str, text: String) -> Result<Self, FieldError> {
        if text.trim().is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        let sha256 = Sha256::of(text.as_bytes());
        Ok(Self { text, sha256 })
    }

    /// Checks a client's own digest of the content: the proof that the text arrived intact.
    pub fn check_claimed_digest(&self, field: &str, claimed: Sha256) -> Result<(), FieldError> {
        if claimed == self.sha256 {
            Ok(())
        } else {
            Err(FieldError::new(
                field,
                format!(
                    "does not match the content received: the SHA-256 of its UTF-8 bytes is {}",
                    self.sha256
                ),
            ))
        }
    }

    pub fn sha256(&self) -> Sha256 {
        self.sha256
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> u64 {
        self.text.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The media types a statement's content can be stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ContentType {
    #[default]
    #[serde(rename = "text/plain")]
    Plain,
    #[serde(rename = "text/html")]
    Html,
    #[serde(rename = "text/markdown")]
    Markdown,
}

impl ContentType {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "text/plain" => Ok(Self::Plain),
            "text/html" => Ok(Self::Html),
            "text/markdown" => Ok(Self::Markdown),
            _ => Err(FieldError::new(
                field,
                "must be one of text/plain, text/html, text/markdown",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "text/plain",
            Self::Html => "text/html",
            Self::Markdown => "text/markdown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_bytes_and_hashes_them() {
        let content = Content::parse("content", "  Hello\n".to_owned()).unwrap();
        assert_eq!(content.as_bytes(), b"  Hello\n");
        assert_eq!(content.sha256(), Sha256::of(b"  Hello\n"));
        assert_eq!(content.len(), 8);
    }

    #[test]
    fn refuses_blank_content_and_wrong_digests() {
        assert!(Content::parse("content", " \n\t".to_owned()).is_err());
        let content = Content::parse("content", "Hello".to_owned()).unwrap();
        assert!(content
            .check_claimed_digest("sha256", Sha256::of(b"Hello"))
            .is_ok());
        let err = content
            .check_claimed_digest("sha256", Sha256::of(b"Hullo"))
            .unwrap_err();
        assert_eq!(err.field, "sha256");
    }

    #[test]
    fn content_types_round_trip() {
        for kind in [ContentType::Plain, ContentType::Html, ContentType::Markdown] {
            assert_eq!(ContentType::parse("content_type", kind.as_str()).unwrap(), kind);
        }
        assert!(ContentType::parse("content_type", "application/pdf").is_err());
    }
}
