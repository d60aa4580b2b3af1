//! A version number of a statement: 1 for the first version, then 2, 3… with no gaps.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::num::NonZeroU32;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionNo(NonZeroU32);

impl VersionNo {
    pub const FIRST: VersionNo = VersionNo(NonZeroU32::MIN);

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        raw.parse::<NonZeroU32>()
            .map(Self)
            .map_err(|_| FieldError::new(field, "must be a version number: 1, 2, 3…"))
    }

    pub fn from_u32(n: u32) -> Option<Self> {
        NonZeroU32::new(n).map(Self)
    }

    /// The version after this one, or `None` when the counter is exhausted.
    pub fn next(self) -> Option<Self> {
        self.0.checked_add(1).map(Self)
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// Big-endian bytes, so that store keys sort in version order.
    pub fn to_be_bytes(self) -> [u8; 4] {
        self.0.get().to_be_bytes()
    }
}

impl fmt::Display for VersionNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_positive_numbers_only() {
        assert_eq!(VersionNo::parse("n", "3").unwrap().get(), 3);
        for raw in ["0", "-1", "1.5", "x", "", "4294967296"] {
            assert_eq!(VersionNo::parse("n", raw).unwrap_err().field, "n", "{raw}");
        }
    }

    #[test]
    fn next_counts_up_and_stops_at_the_end() {
        assert_eq!(VersionNo::FIRST.next().unwrap().get(), 2);
        assert_eq!(VersionNo::from_u32(u32::MAX).unwrap().next(), None);
    }
}
