//! API keys: their names, roles and the bearer tokens clients present.
//!
//! A token reads `pvk_<key id>_<secret>`: the key id (16 hex digits) finds the key, the secret
//! (43 base64url characters, 32 random bytes) proves possession. The registry stores only the
//! SHA-256 of the secret and compares it in constant time.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::{FieldError, Sha256};

/// A key's name: 1 to 64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyName(String);

impl KeyName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let valid = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
            && raw.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "must be 1 to 64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
            ))
        }
    }
}

impl AsRef<str> for KeyName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a key may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read, when the registry requires a key for reads.
    Reader,
    /// Read and ingest statements.
    Writer,
    /// Everything, including managing keys.
    Admin,
}

impl Role {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw {
            "reader" => Ok(Self::Reader),
            "writer" => Ok(Self::Writer),
            "admin" => Ok(Self::Admin),
            _ => Err(FieldError::new(field, "must be reader, writer or admin")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reader => "reader",
            Self::Writer => "writer",
            Self::Admin => "admin",
        }
    }

    /// Whether a key of this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// A bearer token as presented: the key id it names and the SHA-256 of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub key_id: String,
    pub secret_sha256: Sha256,
}

const TOKEN_PREFIX: &str = "pvk_";

impl Token {
    /// Parses a token; `None` when it is not of the registry's form.
    pub fn parse(raw: &str) -> Option<Self> {
        let (key_id, secret) = raw.trim().strip_prefix(TOKEN_PREFIX)?.split_once('_')?;
        let well_formed = key_id.len() == 16
            && key_id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && secret.len() == 43
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self {
            key_id: key_id.to_owned(),
            secret_sha256: Sha256::of(secret.as_bytes()),
        })
    }

    /// A new token from 8 random bytes of key id and 32 of secret: the token string to hand to
    /// the client once, and its parsed form to store.
    pub fn issue(id_bytes: [u8; 8], secret_bytes: [u8; 32]) -> (String, Token) {
        use base64::Engine;
        let key_id = hex::encode(id_bytes);
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret_bytes);
        let text = format!("{TOKEN_PREFIX}{key_id}_{secret}");
        let token = Token {
            key_id,
            secret_sha256: Sha256::of(secret.as_bytes()),
        };
        (text, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_restricted() {
        for ok in ["newsroom", "ap-wire.2", "a", &"x".repeat(64)] {
            assert!(KeyName::parse("name", ok).is_ok(), "{ok}");
        }
        for bad in ["", "Newsroom", "-lead", "with space", "ümlaut", &"x".repeat(65)] {
            assert!(KeyName::parse("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_nest() {
        assert!(Role::Admin.allows(Role::Writer) && Role::Writer.allows(Role::Reader));
        assert!(!Role::Writer.allows(Role::Admin) && !Role::Reader.allows(Role::Writer));
        for role in [Role::Reader, Role::Writer, Role::Admin] {
            assert_eq!(Role::parse("role", role.as_str()).unwrap(), role);
        }
        assert!(Role::parse("role", "root").is_err());
    }

    #[test]
    fn issued_tokens_parse_back() {
        let (text, token) = Token::issue([1; 8], [2; 32]);
        assert!(text.starts_with("pvk_0101010101010101_"));
        assert_eq!(Token::parse(&text), Some(token.clone()));
        assert_eq!(Token::parse(&format!(" {text}\n")), Some(token));
        let (other, _) = Token::issue([1; 8], [3; 32]);
        assert_ne!(
            Token::parse(&other).unwrap().secret_sha256,
            Token::parse(&text).unwrap().secret_sha256
        );
        for bad in [
            "",
            "pvk_",
            "Bearer x",
            &text[..text.len() - 1],
            &text.replace("pvk_", "pk_"),
        ] {
            assert!(Token::parse(bad).is_none(), "{bad}");
        }
    }
}
