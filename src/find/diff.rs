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
}

impl VersionDiff {
    /// No metadata field differs, and the content differs only in whitespace, punctuation,
    /// quote and dash styles, or page boilerplate. Reading both texts with the extractor is
    /// most of a diff's work (about 0.3 s per MB), so it is done only when asked, and not when
    /// the answer is known without it.
    pub fn is_cosmetic(&self) -> bool {
        self.metadata_changes.is_empty()
            && (self.from.sha256 == self.to.sha256 || {
                let old = ComparableText::read(&self.old_text, self.from.metadata.content_type);
                let new = ComparableText::read(&self.new_text, self.to.metadata.content_type);
                is_cosmetic(&old.text, &new.text, &old.ignore, &new.ignore)
            })
    }
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
    Ok(Ok(VersionDiff {
        from,
        to,
        old_text,
        new_text,
        metadata_changes,
    }))
}
