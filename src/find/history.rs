//! A statement's history as a reader follows it: its versions, newest first, each with what
//! changed from the one before (words added and removed, metadata fields, cosmetic or not), and
//! the text of one version as a reader sees it, with its dateline.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::diff::{compare, Change, Side};
use crate::domain::{read_content, ComparableText, Sha256, Statement, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError};

/// A version as a reader sees it.
pub struct ReadVersion {
    pub version: Version,
    /// The text a reader sees: the content itself for plain text and markdown, the text of the
    /// page for HTML (never its markup).
    pub text: String,
    /// The place of the dateline the extractor finds (`MIAMI`), if any.
    pub dateline: Option<String>,
}

/// Reads version `n` of statement `id` as a reader sees it; `None` when there is no such version.
pub fn read_version(
    store: &Store,
    id: &StatementId,
    n: VersionNo,
) -> Result<Option<ReadVersion>, StoreError> {
    let Some((version, bytes)) = store.content(id, n)? else {
        return Ok(None);
    };
    let content = String::from_utf8_lossy(&bytes);
    let (text, dateline) = match read_content(&content, version.metadata.content_type) {
        Some(extraction) => {
            let dateline = extraction
                .dateline
                .as_ref()
                .map(|dateline| dateline.place.clone());
            (ComparableText::of(extraction).text, dateline)
        }
        None => (content.into_owned(), None),
    };
    Ok(Some(ReadVersion {
        version,
        text,
        dateline,
    }))
}

/// A listed version and how it changed from the one before (`None` for version 1).
pub struct Entry {
    pub version: Version,
    pub change: Option<Change>,
}

/// Part of a statement's history.
pub struct History {
    pub statement: Statement,
    /// The versions listed, newest first.
    pub entries: Vec<Entry>,
    /// The newest version older than those listed, when there is one.
    pub older: Option<VersionNo>,
}

/// The most changes [`Changes`] keeps; when full it starts again, empty.
pub const MAX_KNOWN_CHANGES: usize = 100_000;

/// Changes already computed, by the statement and the version they lead to. A version never
/// changes once stored (store invariant 2), so neither does its change from the version before
/// (within one build: the boilerplate that decides `cosmetic` comes from this build's
/// extractor, and this is kept in memory only). A history whose changes are all known reads no
/// content at all.
#[derive(Default)]
pub struct Changes {
    known: Mutex<HashMap<(StatementId, VersionNo), Change>>,
}

impl Changes {
    fn get(&self, id: &StatementId, n: VersionNo) -> Option<Change> {
        self.lock().get(&(*id, n)).cloned()
    }

    fn keep(&self, id: &StatementId, n: VersionNo, change: &Change) {
        let mut known = self.lock();
        if known.len() >= MAX_KNOWN_CHANGES {
            known.clear();
        }
        known.insert((*id, n), change.clone());
    }

    /// The change that led to version `n` of `id`: the one known, or `compute`d and kept.
    fn known_or(
        &self,
        id: &StatementId,
        n: VersionNo,
        compute: impl FnOnce() -> Result<Change, StoreError>,
    ) -> Result<Change, StoreError> {
        if let Some(known) = self.get(id, n) {
            return Ok(known);
        }
        let change = compute()?;
        self.keep(id, n, &change);
        Ok(change)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(StatementId, VersionNo), Change>> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The history of statement `id`: up to `limit` versions from `newest` (by default the latest)
/// down, each compared with the one before it (or its change taken from `changes`, which keeps
/// those computed here). Each content is read and hashed at most once (versions with the same
/// content share it); `None` for an unknown statement.
pub fn history(
    store: &Store,
    id: &StatementId,
    newest: Option<VersionNo>,
    limit: u32,
    changes: &Changes,
) -> Result<Option<History>, StoreError> {
    let Some(statement) = store.statement(id)? else {
        return Ok(None);
    };
    let latest = statement.latest.version.get();
    let newest = newest.map_or(latest, |n| n.get().min(latest));
    let oldest = newest.saturating_sub(limit.max(1) - 1).max(1);
    // The records from the version before the oldest listed up to the newest, oldest first.
    let mut versions: Vec<Version> = Vec::new();
    for n in oldest.saturating_sub(1).max(1)..=newest {
        let Some(n) = VersionNo::from_u32(n) else { continue };
        versions.push(
            store
                .version(id, n)?
                .ok_or_else(|| StoreError::Corrupt(format!("statement {id} lacks its version {n}")))?,
        );
    }
    // Contents read so far, by hash.
    let mut read: HashMap<Sha256, Side> = HashMap::new();
    let mut side_of = |version: &Version| -> Result<Side, StoreError> {
        if let Some(known) = read.get(&version.sha256) {
            return Ok(Side {
                version: version.clone(),
                ..known.clone()
            });
        }
        let bytes = store.content_of(version)?;
        let side = Side::of(version.clone(), String::from_utf8_lossy(&bytes).into_owned());
        read.insert(version.sha256, side.clone());
        Ok(side)
    };
    let mut entries: Vec<Entry> = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        let n = version.version;
        if n.get() < oldest {
            continue;
        }
        let change = match index.checked_sub(1).and_then(|before| versions.get(before)) {
            None => None,
            Some(before) => Some(changes.known_or(id, n, || {
                Ok(compare(&side_of(before)?, &side_of(version)?).change())
            })?),
        };
        entries.push(Entry {
            version: version.clone(),
            change,
        });
    }
    entries.reverse();
    Ok(Some(History {
        statement,
        entries,
        older: VersionNo::from_u32(oldest - 1),
    }))
}

/// How `version` changed from the version before it (`None` for version 1), as [`history`]
/// lists it: one entry of a history, for lists that mix statements (the feeds). Taken from
/// `changes` when known; otherwise both contents are read (re-hashed) and compared.
pub fn change_before(
    store: &Store,
    version: &Version,
    changes: &Changes,
) -> Result<Option<Change>, StoreError> {
    let (id, n) = (version.statement_id, version.version);
    let Some(previous) = VersionNo::from_u32(n.get() - 1) else {
        return Ok(None);
    };
    changes
        .known_or(&id, n, || {
            let before = Side::read(store, &id, previous)?
                .ok_or_else(|| StoreError::Corrupt(format!("statement {id} lacks its version {previous}")))?;
            let bytes = store.content_of(version)?;
            let after = Side::of(version.clone(), String::from_utf8_lossy(&bytes).into_owned());
            Ok(compare(&before, &after).change())
        })
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Content, Draft, Field, Metadata, SourceUrl, Text};
    use crate::log::note::NoteSigner;

    fn ingest(store: &Store, text: &str, title: &str) {
        let draft = Draft {
            source_url: SourceUrl::parse("source_url", "https://example.org/release").unwrap(),
            content: Content::parse("content", text.to_owned()).unwrap(),
            metadata: Metadata {
                title: Some(Text::parse("title", title, 100).unwrap()),
                ..Metadata::default()
            },
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        };
        store.ingest(draft.read_exactly(), chrono::Utc::now()).unwrap();
    }

    #[test]
    fn lists_versions_newest_first_with_their_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), NoteSigner::generate("test.example/log").unwrap()).unwrap();
        ingest(&store, "MIAMI — The mayor caved to threats.", "Statement");
        ingest(&store, "MIAMI — The mayor yielded to threats today.", "Statement");
        ingest(
            &store,
            "MIAMI —  The mayor yielded to threats today!",
            "Statement",
        );
        ingest(
            &store,
            "MIAMI —  The mayor yielded to threats today!",
            "New title",
        );
        let id = StatementId::for_url(&SourceUrl::parse("u", "https://example.org/release").unwrap());

        let known = Changes::default();
        let all = history(&store, &id, None, 10, &known).unwrap().unwrap();
        let numbers: Vec<u32> = all.entries.iter().map(|e| e.version.version.get()).collect();
        assert_eq!(numbers, [4, 3, 2, 1]);
        assert_eq!(all.older, None);
        let changes: Vec<Option<Change>> = all.entries.iter().map(|e| e.change.clone()).collect();
        let v4 = changes[0].as_ref().unwrap();
        assert!(
            !v4.content_changed && !v4.cosmetic,
            "a title change is not cosmetic"
        );
        assert_eq!(v4.metadata_changes, [Field::Title]);
        let v3 = changes[1].as_ref().unwrap();
        assert!(v3.content_changed && v3.cosmetic && v3.words_added == 0);
        let v2 = changes[2].as_ref().unwrap();
        assert_eq!((v2.words_added, v2.words_removed, v2.cosmetic), (2, 1, false));
        assert!(changes[3].is_none(), "version 1 changed nothing");

        let page = history(&store, &id, VersionNo::from_u32(3), 2, &known)
            .unwrap()
            .unwrap();
        let numbers: Vec<u32> = page.entries.iter().map(|e| e.version.version.get()).collect();
        assert_eq!(numbers, [3, 2]);
        assert_eq!(page.older, VersionNo::from_u32(1));
        assert!(
            page.entries[1].change.is_some(),
            "the oldest listed is compared with the one before"
        );

        let read = read_version(&store, &id, VersionNo::FIRST).unwrap().unwrap();
        assert_eq!(read.dateline.as_deref(), Some("MIAMI"));
        assert!(read.text.contains("caved"));
        let unknown = StatementId::for_url(&SourceUrl::parse("u", "https://example.org/none").unwrap());
        assert!(history(&store, &unknown, None, 10, &known).unwrap().is_none());

        let again = history(&store, &id, None, 10, &known).unwrap().unwrap();
        let fresh = history(&store, &id, None, 10, &Changes::default())
            .unwrap()
            .unwrap();
        let changes_of = |h: &History| h.entries.iter().map(|e| e.change.clone()).collect::<Vec<_>>();
        assert_eq!(
            changes_of(&again),
            changes_of(&fresh),
            "known changes are the ones computed"
        );
        assert_eq!(known.lock().len(), 3, "versions 2, 3 and 4");

        for entry in &fresh.entries {
            assert_eq!(
                change_before(&store, &entry.version, &Changes::default()).unwrap(),
                entry.change,
                "version {} alone is compared as in the history",
                entry.version.version
            );
        }
    }
}
