//! Short random ids (watches, webhook endpoints): 8 random bytes, written as 16 lowercase hex
//! digits. One macro makes each such type, so that they parse, print and serialize alike but
//! cannot be mixed up.

/// Defines `$name`, an 8-byte id whose parse error calls it `$what`, and whose serde form is its
/// hex text (refused under the field name `$field`).
macro_rules! short_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; 8]);

        impl $name {
            pub fn from_bytes(bytes: [u8; 8]) -> Self {
                Self(bytes)
            }

            /// A new random id; `None` when the system's random source fails.
            pub fn random() -> Option<Self> {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).ok()?;
                Some(Self(bytes))
            }

            pub fn as_bytes(&self) -> &[u8; 8] {
                &self.0
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, $crate::domain::FieldError> {
                let invalid = || {
                    $crate::domain::FieldError::new(field, concat!("must be a ", $what, ": 16 lowercase hex digits"))
                };
                if raw.len() != 16 || !raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    return Err(invalid());
                }
                let bytes = hex::decode(raw).map_err(|_| invalid())?;
                Ok(Self(bytes.try_into().map_err(|_| invalid())?))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
                Self::parse($field, &raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use short_id;
