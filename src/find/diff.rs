//! What changed between two versions of a statement: their contents (for a word or line diff,
//! [`crate::text::diff`]), the metadata fields that differ, and whether the change is only
//! cosmetic.

use crate::domain::{ComparableText, Field, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError};
use crate::text::diff::is_cosmetic;

/// Two versions of one statement compared.
pub struct VersionDiff {
    pub from: Version,
    pub to: Version,
    pub old_text: String,
    pub new_text: String,
    /// The metadata fields that differ, in a fixed order.
    pub metadata_changes: Vec<Field>,
    /// No metadata field differs, and the content differs only in whitespace, punctuation,
    /// quote and dash styles, or page boilerplate.
    pub cosmetic: bool,
}

/// Compares versions `from` and `to` of statement `id`; `Err` names a version that does not
/// exist.
pub fn diff(
    store: &Store,
    id: &StatementId,
    from: VersionNo,
    to: VersionNo,
) -> Result<Result<VersionDiff, VersionNo>, StoreError> {
    let Some((from, old)) = store.content(id, from)? else {
        return Ok(Err(from));
    };
    let Some((to, new)) = store.content(id, to)? else {
        return Ok(Err(to));
    };
    let (old_text, new_text) = (
        String::from_utf8_lossy(&old).into_owned(),
        String::from_utf8_lossy(&new).into_owned(),
    );
    let metadata_changes: Vec<Field> = from
        .changes_to_version(&to)
        .into_iter()
        .filter(|field| *field != Field::Content)
        .collect();
    let old_reading = ComparableText::read(&old_text, from.metadata.content_type);
    let new_reading = ComparableText::read(&new_text, to.metadata.content_type);
    let cosmetic = metadata_changes.is_empty()
        && is_cosmetic(
            &old_reading.text,
            &new_reading.text,
            &old_reading.ignore,
            &new_reading.ignore,
        );
    Ok(Ok(VersionDiff {
        from,
        to,
        old_text,
        new_text,
        metadata_changes,
        cosmetic,
    }))
}
