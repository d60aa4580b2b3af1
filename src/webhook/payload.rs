//! The body of a delivery: `{"type", "timestamp", "data"}` (the Standard Webhooks payload
//! structure), where `data` holds the version record, the change from the version before,
//! the withdrawal when there is one, and absolute links. Built from the store when delivered,
//! the same for every attempt (versions and events never change).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::model::VersionRecord;
use crate::api::rfc3339;
use crate::api::watches::WithdrawalRecord;
use crate::domain::{Event, EventKind, Version};
use crate::find::diff::Change;
use crate::find::history::{change_before, Changes};
use crate::store::{Store, StoreError};

/// One event, as delivered.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Payload {
    /// `version.created`, `statement.withdrawn` or `statement.restored`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened (RFC 3339, UTC): the version's ingestion, or the fetch that found the
    /// source gone or back.
    pub timestamp: String,
    pub data: PayloadData,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PayloadData {
    pub statement_id: String,
    /// The new version (`version.created`), or the statement's latest version.
    pub version: Option<VersionRecord>,
    /// How the version differs from the one before it; absent for a first version and for
    /// withdrawals.
    pub change: Option<ChangeSummary>,
    /// The withdrawal as it was then (`statement.withdrawn`, `statement.restored`).
    pub withdrawal: Option<WithdrawalRecord>,
    pub links: PayloadLinks,
}

/// How a version changed from the one before it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangeSummary {
    pub content_changed: bool,
    pub words_added: usize,
    pub words_removed: usize,
    pub chars_added: usize,
    pub chars_removed: usize,
    /// The metadata fields that differ (`title`, `publisher`, …).
    pub metadata_changes: Vec<String>,
    /// Whether only the page around the text changed (boilerplate, markup, spacing).
    pub cosmetic: bool,
}

impl From<&Change> for ChangeSummary {
    fn from(change: &Change) -> Self {
        Self {
            content_changed: change.content_changed,
            words_added: change.words_added,
            words_removed: change.words_removed,
            chars_added: change.chars_added,
            chars_removed: change.chars_removed,
            metadata_changes: change
                .metadata_changes
                .iter()
                .map(|field| field.as_str().to_owned())
                .collect(),
            cosmetic: change.cosmetic,
        }
    }
}

/// Absolute links, from the service's public URL.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PayloadLinks {
    /// The statement's page for people.
    pub page: String,
    /// The statement (`application/json`).
    pub statement: String,
    /// The version's record, when there is a version.
    pub version: Option<String>,
    /// The version's exact bytes.
    pub content: Option<String>,
    /// The diff from the version before, when there is one.
    pub diff: Option<String>,
    /// The statement's Atom feed.
    pub feed: String,
}

/// The version an event is about: the new one, or the statement's latest for a withdrawal.
pub fn version_of(store: &Store, event: &Event) -> Result<Option<Version>, StoreError> {
    match event.version {
        Some(n) => store.version(&event.statement_id, n),
        None => Ok(store
            .statement(&event.statement_id)?
            .map(|statement| statement.latest)),
    }
}

/// The payload of `event`, with links under `base` (no trailing slash), as JSON bytes.
pub fn body(store: &Store, changes: &Changes, base: &str, event: &Event) -> Result<Vec<u8>, StoreError> {
    let id = event.statement_id;
    let version = version_of(store, event)?;
    let change = match (event.kind, &version) {
        (EventKind::VersionCreated, Some(version)) => change_before(store, version, changes)?,
        _ => None,
    };
    let statement = format!("{base}/v1/statements/{id}");
    let links = PayloadLinks {
        page: format!("{base}/statements/{id}"),
        version: version
            .as_ref()
            .map(|version| format!("{statement}/versions/{}", version.version)),
        content: version
            .as_ref()
            .map(|version| format!("{statement}/versions/{}/content", version.version)),
        diff: version.as_ref().and_then(|version| {
            let n = version.version.get();
            (n > 1 && event.kind == EventKind::VersionCreated)
                .then(|| format!("{statement}/diff?from={}&to={n}", n - 1))
        }),
        feed: format!("{base}{}", crate::api::feeds::statement_feed(&id)),
        statement,
    };
    let payload = Payload {
        kind: event.kind.as_str().to_owned(),
        timestamp: rfc3339(event.at),
        data: PayloadData {
            statement_id: id.to_string(),
            version: version.as_ref().map(VersionRecord::from),
            change: change.as_ref().map(ChangeSummary::from),
            withdrawal: event.withdrawal.as_ref().map(WithdrawalRecord::from),
            links,
        },
    };
    serde_json::to_vec(&payload)
        .map_err(|error| StoreError::Bug(format!("cannot encode a webhook payload: {error}")))
}
