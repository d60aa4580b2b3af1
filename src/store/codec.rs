//! How values are encoded in the store: one format-tag byte, then the value as JSON. A reader
//! that meets a tag it does not know refuses the value instead of guessing, so that the
//! encoding can evolve (a new tag, with the old one still decoded).

use serde::{de::DeserializeOwned, Serialize};

use super::StoreError;

/// Tag of the first encoding: JSON of the value's serde form.
const JSON_V1: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut bytes = vec![JSON_V1];
    serde_json::to_writer(&mut bytes, value)
        .map_err(|error| StoreError::Corrupt(format!("cannot encode a value: {error}")))?;
    Ok(bytes)
}

pub fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&JSON_V1, json)) => serde_json::from_slice(json)
            .map_err(|error| StoreError::Corrupt(format!("undecodable {what}: {error}"))),
        Some((tag, _)) => Err(StoreError::Corrupt(format!(
            "{what} has unknown format tag {tag}"
        ))),
        None => Err(StoreError::Corrupt(format!("{what} is empty"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_unknown_tags() {
        let bytes = encode(&vec!["a", "b"]).unwrap();
        assert_eq!(bytes[0], JSON_V1);
        assert_eq!(decode::<Vec<String>>("list", &bytes).unwrap(), ["a", "b"]);
        let mut future = bytes.clone();
        future[0] = 2;
        assert!(decode::<Vec<String>>("list", &future).is_err());
        assert!(decode::<Vec<String>>("list", &[]).is_err());
    }
}
