//! The key layout of the registry tree. Every key starts with one tag byte; multi-byte numbers
//! are big-endian so that keys sort in numeric order.
//!
//! | key | value |
//! |---|---|
//! | `F` | format marker, [`FORMAT_MARKER`] |
//! | `S` ‖ id(16) | statement row (codec) |
//! | `V` ‖ id(16) ‖ version(u32 BE) | version record (codec) |
//! | `B` ‖ sha256(32) | content bytes, exactly as ingested |
//! | `H` ‖ sha256(32) ‖ id(16) ‖ version(u32 BE) | empty: the hash index, one entry per version |
//! | `M` ‖ normalized sha256(32) ‖ id(16) ‖ version(u32 BE) | empty: the `norm-v1` hash index, one entry per version |
//! | `P` ‖ folded publisher ‖ 0x00 ‖ id(16) | empty: latest version's publisher |
//! | `C` ‖ contact term ‖ 0x00 ‖ id(16) | empty: latest version's contacts, one per term |
//! | `D` ‖ `YYYY-MM-DD` ‖ id(16) | empty: latest version's publication date |
//! | `Q` ‖ sequence(u64 BE) | id(16) ‖ version(u32 BE): the journal, every version in commit order from 0 |
//! | `L` ‖ index(u64 BE) | leaf bytes of the log entry `index` (= the journal's sequence) |
//! | `T` ‖ level(u8) ‖ index(u64 BE) | 32-byte hash of the perfect subtree over leaves `[index·2^level, (index+1)·2^level)` |
//! | `K` | the latest signed checkpoint (a signed note), for the tree of all `L` entries |
//! | `A` ‖ key id (16 hex) | API key record (codec): name, role, SHA-256 of the secret, times |
//! | `N` ‖ key name | key id of the key of that name |
//! | `U` ‖ key id (16 hex) | the key's last use (codec, RFC 3339 time): a hint, kept apart from the record |
//! | `h` ‖ sha1(20) ‖ id(16) ‖ version(u32 BE) | empty: the SHA-1 index (web archives' digest), one entry per version |
//! | `u` ‖ SURT ‖ 0x00 ‖ timestamp(14 digits) ‖ id(16) ‖ version(u32 BE) | empty: the CDX index, one entry per version ([`crate::archive::cdx::Position`]) |
//! | `W` ‖ watch id(8) | a watched source and its schedule (codec; see [`super::watches`]) |
//! | `Y` ‖ key name ‖ 0x00 ‖ watch id(8) | empty: the watches of each key |
//! | `O` ‖ id(16) ‖ sequence(u64 BE) | one observation of a watched source (codec), in recording order |
//! | `X` ‖ id(16) | the statement's withdrawal: when, the evidence, when restored (codec) |
//! | `R` ‖ webhook id(8) | a webhook endpoint: URL, events, filters, secrets, state (codec; see [`super::webhooks`]) |
//! | `E` ‖ sequence(u64 BE) | an event of the outbox (codec), written with what it reports; kept for redelivery |
//! | `j` ‖ sequence(u64 BE) | empty: an event not yet fanned out to the endpoints |
//! | `J` ‖ webhook id(8) ‖ sequence(u64 BE) | a delivery still to make of event `sequence` to the endpoint (codec) |
//! | `G` ‖ webhook id(8) ‖ sequence(u64 BE) | one delivery attempt, in the endpoint's delivery log (codec) |
//!
//! | `f` ‖ fingerprint(u64 BE) ‖ sequence(u64 BE) | empty: a posting of the passage index, on a database backend only ([`super::passages`]) |
//!
//! On sled the passage index is not in the tree: it is a set of segment files beside it (see
//! [`super::postings`]). Both forms name versions by their journal sequence number.
//!
//! Folded text never contains 0x00 (control characters are refused when parsed), so the
//! separator is unambiguous, and every index key ends with the statement id.

use chrono::NaiveDate;

use crate::domain::{KeyName, Sha1, Sha256, StatementId, VersionNo, WatchId, WebhookId};

pub const FORMAT_KEY: &[u8] = b"F";
pub const FORMAT_MARKER: &[u8] = b"provenance-registry/3";

pub const STATEMENT: u8 = b'S';
pub const VERSION: u8 = b'V';
pub const BLOB: u8 = b'B';
pub const HASH: u8 = b'H';
pub const NORMALIZED: u8 = b'M';
pub const PUBLISHER: u8 = b'P';
pub const CONTACT: u8 = b'C';
pub const DATE: u8 = b'D';
pub const JOURNAL: u8 = b'Q';
pub const LEAF: u8 = b'L';
pub const NODE: u8 = b'T';
pub const CHECKPOINT_KEY: &[u8] = b"K";
pub const API_KEY: u8 = b'A';
pub const API_KEY_NAME: u8 = b'N';
pub const API_KEY_LAST_USE: u8 = b'U';
pub const SHA1: u8 = b'h';
pub const CDX: u8 = b'u';
pub const WATCH: u8 = b'W';
pub const WATCH_OWNER: u8 = b'Y';
pub const OBSERVATION: u8 = b'O';
pub const WITHDRAWAL: u8 = b'X';
pub const WEBHOOK: u8 = b'R';
pub const EVENT: u8 = b'E';
pub const FAN_OUT: u8 = b'j';
pub const DELIVERY: u8 = b'J';
pub const DELIVERY_LOG: u8 = b'G';
pub const POSTING: u8 = b'f';

fn key(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub fn posting_prefix(fingerprint: u64) -> Vec<u8> {
    key(&[&[POSTING], &fingerprint.to_be_bytes()])
}

pub fn posting(fingerprint: u64, sequence: u64) -> Vec<u8> {
    key(&[&[POSTING], &fingerprint.to_be_bytes(), &sequence.to_be_bytes()])
}

/// The fingerprint and sequence number of a posting key.
pub fn split_posting(key: &[u8]) -> Option<(u64, u64)> {
    match key {
        [POSTING, rest @ ..] if rest.len() == 16 => Some((
            u64::from_be_bytes(rest[..8].try_into().ok()?),
            u64::from_be_bytes(rest[8..].try_into().ok()?),
        )),
        _ => None,
    }
}

pub fn statement(id: &StatementId) -> Vec<u8> {
    key(&[&[STATEMENT], id.as_bytes()])
}

pub fn version_prefix(id: &StatementId) -> Vec<u8> {
    key(&[&[VERSION], id.as_bytes()])
}

pub fn version(id: &StatementId, n: VersionNo) -> Vec<u8> {
    key(&[&[VERSION], id.as_bytes(), &n.to_be_bytes()])
}

pub fn blob(sha: &Sha256) -> Vec<u8> {
    key(&[&[BLOB], sha.as_bytes()])
}

/// The prefix of the entries of one digest in a digest index (`H` or `M`).
pub fn digest_prefix(index: u8, sha: &Sha256) -> Vec<u8> {
    key(&[&[index], sha.as_bytes()])
}

pub fn digest_entry(index: u8, sha: &Sha256, id: &StatementId, n: VersionNo) -> Vec<u8> {
    key(&[&digest_prefix(index, sha), id.as_bytes(), &n.to_be_bytes()])
}

/// The prefix of the entries of one SHA-1 in the `h` index.
pub fn sha1_prefix(sha1: &Sha1) -> Vec<u8> {
    key(&[&[SHA1], sha1.as_bytes()])
}

pub fn sha1_entry(sha1: &Sha1, id: &StatementId, n: VersionNo) -> Vec<u8> {
    key(&[&sha1_prefix(sha1), id.as_bytes(), &n.to_be_bytes()])
}

/// The `u` entry of the version at `position` (its byte form).
pub fn cdx_entry(position: &[u8]) -> Vec<u8> {
    key(&[&[CDX], position])
}

/// The position (byte form) a `u` key holds.
pub fn cdx_position(key: &[u8]) -> Option<&[u8]> {
    key.strip_prefix(&[CDX])
}

/// The prefix of the entries of one term in a text index (`P` or `C`).
pub fn term_prefix(index: u8, term: &str) -> Vec<u8> {
    key(&[&[index], term.as_bytes(), &[0]])
}

pub fn term_entry(index: u8, term: &str, id: &StatementId) -> Vec<u8> {
    key(&[&term_prefix(index, term), id.as_bytes()])
}

pub fn date_bound(date: NaiveDate) -> Vec<u8> {
    key(&[&[DATE], date.format("%Y-%m-%d").to_string().as_bytes()])
}

pub fn date_entry(date: NaiveDate, id: &StatementId) -> Vec<u8> {
    key(&[&date_bound(date), id.as_bytes()])
}

pub fn journal(sequence: u64) -> Vec<u8> {
    key(&[&[JOURNAL], &sequence.to_be_bytes()])
}

pub fn leaf(index: u64) -> Vec<u8> {
    key(&[&[LEAF], &index.to_be_bytes()])
}

pub fn node(level: u8, index: u64) -> Vec<u8> {
    key(&[&[NODE, level], &index.to_be_bytes()])
}

pub fn api_key(key_id: &str) -> Vec<u8> {
    key(&[&[API_KEY], key_id.as_bytes()])
}

pub fn api_key_name(name: &str) -> Vec<u8> {
    key(&[&[API_KEY_NAME], name.as_bytes()])
}

pub fn api_key_last_use(key_id: &str) -> Vec<u8> {
    key(&[&[API_KEY_LAST_USE], key_id.as_bytes()])
}

pub fn watch(id: &WatchId) -> Vec<u8> {
    key(&[&[WATCH], id.as_bytes()])
}

pub fn watch_owner_prefix(owner: &KeyName) -> Vec<u8> {
    key(&[&[WATCH_OWNER], owner.as_ref().as_bytes(), &[0]])
}

pub fn watch_owner(owner: &KeyName, id: &WatchId) -> Vec<u8> {
    key(&[&watch_owner_prefix(owner), id.as_bytes()])
}

/// The watch id a `Y` key ends with.
pub fn trailing_watch_id(key: &[u8]) -> Option<WatchId> {
    let start = key.len().checked_sub(8)?;
    Some(WatchId::from_bytes(key[start..].try_into().ok()?))
}

pub fn observation_prefix(id: &StatementId) -> Vec<u8> {
    key(&[&[OBSERVATION], id.as_bytes()])
}

pub fn observation(id: &StatementId, sequence: u64) -> Vec<u8> {
    key(&[&observation_prefix(id), &sequence.to_be_bytes()])
}

/// The statement id of an `O` key.
pub fn observation_statement(key: &[u8]) -> Option<StatementId> {
    let bytes: [u8; 16] = key.get(1..17)?.try_into().ok()?;
    Some(StatementId::from_bytes(bytes))
}

pub fn webhook(id: &WebhookId) -> Vec<u8> {
    key(&[&[WEBHOOK], id.as_bytes()])
}

/// An `E` or `j` key: `tag` and the event's sequence number.
pub fn event(tag: u8, sequence: u64) -> Vec<u8> {
    key(&[&[tag], &sequence.to_be_bytes()])
}

/// The keys under `tag` (`J` or `G`) of one endpoint.
pub fn endpoint_prefix(tag: u8, id: &WebhookId) -> Vec<u8> {
    key(&[&[tag], id.as_bytes()])
}

/// A `J` or `G` key: `tag`, the endpoint and a sequence number.
pub fn endpoint_entry(tag: u8, id: &WebhookId, sequence: u64) -> Vec<u8> {
    key(&[&endpoint_prefix(tag, id), &sequence.to_be_bytes()])
}

/// The endpoint and sequence number of a `J` or `G` key.
pub fn split_endpoint_entry(key: &[u8]) -> Option<(WebhookId, u64)> {
    let id: [u8; 8] = key.get(1..9)?.try_into().ok()?;
    let sequence: [u8; 8] = key.get(9..)?.try_into().ok()?;
    Some((WebhookId::from_bytes(id), u64::from_be_bytes(sequence)))
}

pub fn withdrawal(id: &StatementId) -> Vec<u8> {
    key(&[&[WITHDRAWAL], id.as_bytes()])
}

/// The value of a journal entry: the version it records.
pub fn journal_value(id: &StatementId, n: VersionNo) -> Vec<u8> {
    key(&[id.as_bytes(), &n.to_be_bytes()])
}

/// The sequence number of a journal or leaf key.
pub fn journal_sequence(key: &[u8]) -> Option<u64> {
    let bytes: [u8; 8] = key.get(1..)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

/// The statement id every `S`, `P`, `C` and `D` key ends with.
pub fn trailing_statement_id(key: &[u8]) -> Option<StatementId> {
    let start = key.len().checked_sub(16)?;
    let bytes: [u8; 16] = key[start..].try_into().ok()?;
    Some(StatementId::from_bytes(bytes))
}

/// The (statement id, version) every `V`, `H` and `M` key and every journal value ends with.
pub fn trailing_version(key: &[u8]) -> Option<(StatementId, VersionNo)> {
    let start = key.len().checked_sub(20)?;
    let id = trailing_statement_id(&key[..key.len() - 4])?;
    let number: [u8; 4] = key[start + 16..].try_into().ok()?;
    Some((id, VersionNo::from_u32(u32::from_be_bytes(number))?))
}

/// The smallest key greater than every key that starts with `prefix`, or `None` when no
/// such key exists (the prefix is all 0xFF).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_keys_sort_numerically() {
        let id = StatementId::from_bytes([7; 16]);
        let two = version(&id, VersionNo::from_u32(2).unwrap());
        let ten = version(&id, VersionNo::from_u32(10).unwrap());
        assert!(two < ten);
        assert!(two.starts_with(&version_prefix(&id)));
    }

    #[test]
    fn trailing_parts_round_trip() {
        let id = StatementId::from_bytes([9; 16]);
        let n = VersionNo::from_u32(300).unwrap();
        let sha = Sha256::of(b"x");
        assert_eq!(trailing_version(&digest_entry(HASH, &sha, &id, n)), Some((id, n)));
        assert_eq!(
            trailing_version(&sha1_entry(&Sha1::of(b"x"), &id, n)),
            Some((id, n))
        );
        assert_eq!(trailing_version(&version(&id, n)), Some((id, n)));
        assert_eq!(
            trailing_statement_id(&term_entry(CONTACT, "jane doe", &id)),
            Some(id)
        );
        assert_eq!(trailing_statement_id(&statement(&id)), Some(id));
        assert_eq!(trailing_version(&journal_value(&id, n)), Some((id, n)));
        assert_eq!(journal_sequence(&journal(1 << 40)), Some(1 << 40));
        assert!(journal(255) < journal(256));
    }

    #[test]
    fn prefix_end_bounds_the_prefix() {
        assert_eq!(prefix_end(b"Pab\0"), Some(b"Pab\x01".to_vec()));
        assert_eq!(prefix_end(&[b'S', 0xFF, 0xFF]), Some(vec![b'T']));
        assert_eq!(prefix_end(&[0xFF]), None);
    }
}
