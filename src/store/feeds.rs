//! What the Atom feeds list, newest first: the registry's versions (the commit journal read
//! backwards, with filters on each version), one statement's versions, and the withdrawals
//! the watcher recorded. Reads only; it adds no key and no invariant. Cursors are keys, as in
//! every listing: the next page starts just before the cursor's key.

use super::rows::PrefixReader;
use super::{codec, keys, Cursor, Page, Store, StoreError, SCAN_BUDGET};
use crate::domain::{StatementId, Version, VersionFilter, Withdrawal};

impl Store {
    /// Versions of any statement that match `filter`, newest first (the journal backwards,
    /// invariant 7), before `before`: up to `limit` of them, having looked at no more than
    /// [`SCAN_BUDGET`] journal entries (a page may then be short, or empty, and have a `next`).
    pub fn versions_newest_first(
        &self,
        filter: &VersionFilter,
        before: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Version>, StoreError> {
        self.scan_back(&[keys::JOURNAL], before, limit, |_, value| {
            let (id, n) = keys::trailing_version(value)
                .ok_or_else(|| StoreError::Corrupt("malformed journal entry".to_owned()))?;
            let version = self.required_version(&id, n)?;
            Ok(filter.matches(&version).then_some(version))
        })
    }

    /// The versions of statement `id`, newest first, before `before`; `None` for an unknown
    /// statement.
    pub fn statement_versions_newest_first(
        &self,
        id: &StatementId,
        before: Option<&Cursor>,
        limit: usize,
    ) -> Result<Option<Page<Version>>, StoreError> {
        if self.statement_row(id)?.is_none() {
            return Ok(None);
        }
        self.scan_back(&keys::version_prefix(id), before, limit, |_, value| {
            codec::decode("version record", value).map(Some)
        })
        .map(Some)
    }

    /// The withdrawals recorded (active or restored), the latest change first (its
    /// restoration, else its withdrawal; then by statement id), before `before`. Reads every
    /// withdrawal record: there is one per statement whose watched source ever went away.
    pub fn withdrawals_newest_first(
        &self,
        before: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<(StatementId, Withdrawal)>, StoreError> {
        let mut all = Vec::new();
        for entry in self.rows.scan_prefix(&[keys::WITHDRAWAL]) {
            let (key, value) = entry?;
            let id = keys::trailing_statement_id(&key)
                .ok_or_else(|| StoreError::Corrupt("malformed withdrawal key".to_owned()))?;
            let withdrawal: Withdrawal = codec::decode("withdrawal", &value)?;
            let position = withdrawal_position(&id, &withdrawal);
            if before.is_none_or(|Cursor(cursor)| position < *cursor) {
                all.push((position, id, withdrawal));
            }
        }
        all.sort_by(|a, b| b.0.cmp(&a.0));
        let next = (all.len() > limit).then(|| Cursor(all[limit - 1].0.clone()));
        let items = all
            .into_iter()
            .take(limit)
            .map(|(_, id, withdrawal)| (id, withdrawal))
            .collect();
        Ok(Page { items, next })
    }

    /// Walks the keys under `prefix` backwards from just before `before`, turning each into
    /// an item with `item` (which may skip it), until `limit` items or [`SCAN_BUDGET`] keys.
    fn scan_back<T>(
        &self,
        prefix: &[u8],
        before: Option<&Cursor>,
        limit: usize,
        mut item: impl FnMut(&[u8], &[u8]) -> Result<Option<T>, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let mut end = keys::prefix_end(prefix);
        if let Some(Cursor(cursor)) = before {
            end = Some(end.map_or_else(|| cursor.clone(), |end| end.min(cursor.clone())));
        }
        let empty = Page {
            items: Vec::new(),
            next: None,
        };
        let range = match end {
            Some(end) if end.as_slice() <= prefix => return Ok(empty),
            Some(end) => self.rows.range_rev(prefix, Some(&end)),
            None => self.rows.range_rev(prefix, None),
        };
        let mut items = Vec::new();
        let mut keys = range.enumerate().peekable();
        while let Some((scanned, entry)) = keys.next() {
            let (key, value) = entry?;
            if let Some(found) = item(&key, &value)? {
                items.push(found);
            }
            // A full page links the next one only when a key is left: the last page is never empty.
            if (items.len() >= limit || scanned + 1 >= SCAN_BUDGET) && keys.peek().is_some() {
                return Ok(Page {
                    items,
                    next: Some(Cursor(key.to_vec())),
                });
            }
            if items.len() >= limit {
                break;
            }
        }
        Ok(Page { items, next: None })
    }
}

/// Where a withdrawal sorts in the feed: the time of its latest change (microseconds since
/// the epoch, shifted to sort as unsigned big-endian bytes), then its statement's id.
fn withdrawal_position(id: &StatementId, withdrawal: &Withdrawal) -> Vec<u8> {
    let changed = withdrawal.restored_at.unwrap_or(withdrawal.withdrawn_at);
    let micros = changed.timestamp_micros() as u64 ^ (1 << 63);
    [&micros.to_be_bytes()[..], id.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Content, Draft, Metadata, SourceUrl, Text};
    use crate::log::note::NoteSigner;

    fn ingest(store: &Store, url: &str, text: &str, publisher: &str) -> Version {
        let draft = Draft {
            source_url: SourceUrl::parse("source_url", url).unwrap(),
            content: Content::parse("content", text.to_owned()).unwrap(),
            metadata: Metadata {
                publisher: Some(Text::parse("publisher", publisher, 100).unwrap()),
                ..Metadata::default()
            },
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        };
        match store.ingest(draft.read_exactly(), chrono::Utc::now()).unwrap() {
            super::super::Ingested::Created(version) => version,
            other => panic!("not created: {other:?}"),
        }
    }

    fn walk(mut page: impl FnMut(Option<&Cursor>) -> Page<Version>) -> Vec<(String, u32)> {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let found = page(cursor.as_ref());
            seen.extend(
                found
                    .items
                    .iter()
                    .map(|v| (v.source_url.to_string(), v.version.get())),
            );
            match found.next {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    }

    #[test]
    fn feeds_list_versions_newest_first_with_filters_and_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), NoteSigner::generate("test.example/log").unwrap()).unwrap();
        ingest(&store, "https://a.example/1", "One.", "Alpha");
        ingest(&store, "https://b.example/1", "Two.", "Beta");
        ingest(&store, "https://a.example/1", "One, edited.", "Alpha");
        ingest(&store, "https://a.example/2", "Three.", "Beta");
        let all = walk(|before| {
            store
                .versions_newest_first(&VersionFilter::default(), before, 2)
                .unwrap()
        });
        let url = |s: &str| SourceUrl::parse("u", s).unwrap().to_string();
        assert_eq!(
            all,
            [
                (url("https://a.example/2"), 1),
                (url("https://a.example/1"), 2),
                (url("https://b.example/1"), 1),
                (url("https://a.example/1"), 1),
            ]
        );
        let beta = VersionFilter {
            publisher: Some("beta".to_owned()),
            ..VersionFilter::default()
        };
        assert_eq!(
            walk(|before| store.versions_newest_first(&beta, before, 1).unwrap()),
            [(url("https://a.example/2"), 1), (url("https://b.example/1"), 1)]
        );
        let under_a = VersionFilter {
            source_prefix: Some(url("https://a.example/1")),
            ..VersionFilter::default()
        };
        assert_eq!(
            walk(|before| store.versions_newest_first(&under_a, before, 10).unwrap()),
            [(url("https://a.example/1"), 2), (url("https://a.example/1"), 1)]
        );
        let id = StatementId::for_url(&SourceUrl::parse("u", "https://a.example/1").unwrap());
        assert_eq!(
            walk(|before| store
                .statement_versions_newest_first(&id, before, 1)
                .unwrap()
                .unwrap()),
            [(url("https://a.example/1"), 2), (url("https://a.example/1"), 1)]
        );
        let unknown = StatementId::for_url(&SourceUrl::parse("u", "https://c.example/").unwrap());
        assert!(store
            .statement_versions_newest_first(&unknown, None, 1)
            .unwrap()
            .is_none());
        let foreign = Cursor(vec![b'A']);
        assert!(
            store
                .statement_versions_newest_first(&id, Some(&foreign), 5)
                .unwrap()
                .unwrap()
                .items
                .is_empty(),
            "a cursor before the statement's keys ends its feed"
        );
    }

    #[test]
    fn withdrawals_sort_by_their_latest_change() {
        let at = |minute: i64| chrono::DateTime::from_timestamp(minute * 60, 0).unwrap();
        let a = StatementId::from_bytes([1; 16]);
        let b = StatementId::from_bytes([2; 16]);
        let withdrawn = |minute, restored: Option<i64>| Withdrawal {
            withdrawn_at: at(minute),
            evidence: Vec::new(),
            restored_at: restored.map(at),
        };
        assert!(withdrawal_position(&a, &withdrawn(5, None)) > withdrawal_position(&b, &withdrawn(4, None)));
        assert!(
            withdrawal_position(&a, &withdrawn(1, Some(9))) > withdrawal_position(&b, &withdrawn(4, None))
        );
        assert!(withdrawal_position(&b, &withdrawn(4, None)) > withdrawal_position(&a, &withdrawn(4, None)));
        let before_epoch = chrono::DateTime::from_timestamp(-60, 0).unwrap();
        let early = Withdrawal {
            withdrawn_at: before_epoch,
            ..withdrawn(0, None)
        };
        assert!(withdrawal_position(&a, &early) < withdrawal_position(&a, &withdrawn(0, None)));
    }
}
