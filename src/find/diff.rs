//! What changed between two versions of a statement: a word diff of the content, the
//! metadata fields that differ, and whether the change is only cosmetic.

use crate::domain::{ComparableText, ContentType, Field, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError};
use crate::text::diff::{diff_words, same_words, WordDiff};
use crate::text::words::Word;

/// One side of a comparison: a version, its content as text, and that text as compared.
#[derive(Clone)]
pub struct Side {
    pub version: Version,
    /// The content, as text.
    pub text: String,
    /// The text a reader sees, with its page boilerplate.
    pub reading: ComparableText,
    /// The words of `reading` outside its boilerplate: what `cosmetic` is decided on.
    pub words: Vec<Word>,
}

impl Side {
    /// Version `n` of statement `id` with its content (re-hashed), read; `None` when there is no
    /// such version.
    pub fn read(store: &Store, id: &StatementId, n: VersionNo) -> Result<Option<Self>, StoreError> {
        let Some((version, bytes)) = store.content(id, n)? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(Some(Self::of(version, text)))
    }

    /// A version and its content, read.
    pub fn of(version: Version, text: String) -> Self {
        let reading = ComparableText::read(&text, version.metadata.content_type);
        let words = reading.words();
        Self {
            version,
            text,
            reading,
            words,
        }
    }
}

/// Two versions of one statement compared.
pub struct VersionDiff {
    pub from: Version,
    pub to: Version,
    pub old_text: String,
    pub new_text: String,
    /// The text a reader sees of each side (the content itself, or an HTML page's text).
    pub old_reading: ComparableText,
    pub new_reading: ComparableText,
    /// The word diff of the contents.
    pub words: WordDiff,
    /// The metadata fields that differ, in a fixed order.
    pub metadata_changes: Vec<Field>,
    /// No metadata field differs, and the content differs only in whitespace, punctuation,
    /// quote and dash styles, or page boilerplate.
    pub cosmetic: bool,
}

/// How much a version changed from another, in brief: what a history lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub content_changed: bool,
    pub words_added: usize,
    pub words_removed: usize,
    pub chars_added: usize,
    pub chars_removed: usize,
    /// The metadata fields that differ, in a fixed order.
    pub metadata_changes: Vec<Field>,
    /// As [`VersionDiff::cosmetic`].
    pub cosmetic: bool,
}

impl VersionDiff {
    /// Whether either side is an HTML page, whose content is markup around the text a reader
    /// sees.
    pub fn is_html(&self) -> bool {
        [&self.from, &self.to]
            .iter()
            .any(|version| version.metadata.content_type == ContentType::Html)
    }

    /// The word diff of the text a reader sees: [`VersionDiff::words`] again for plain text
    /// and markdown, the diff of the pages' text (not their markup) for HTML.
    pub fn reader_words(&self) -> WordDiff {
        if self.is_html() {
            diff_words(&self.old_reading.text, &self.new_reading.text)
        } else {
            self.words.clone()
        }
    }

    /// The change in brief; words are counted in the text a reader sees.
    pub fn change(&self) -> Change {
        let words = self.reader_words();
        Change {
            content_changed: self.from.sha256 != self.to.sha256,
            words_added: words.words_added(),
            words_removed: words.words_removed(),
            chars_added: words.chars_added,
            chars_removed: words.chars_removed,
            metadata_changes: self.metadata_changes.clone(),
            cosmetic: self.cosmetic,
        }
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
    let Some(old) = Side::read(store, id, from)? else {
        return Ok(Err(from));
    };
    let Some(new) = Side::read(store, id, to)? else {
        return Ok(Err(to));
    };
    Ok(Ok(compare(&old, &new)))
}

/// Why two versions could not be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    UnknownStatement,
    UnknownVersion(VersionNo),
    /// `from` is after `to` (both exist).
    FromAfterTo {
        to: VersionNo,
    },
}

/// Compares versions `from` (by default the one before `to`) and `to` (by default the latest)
/// of statement `id`. An unknown version is refused as unknown whatever the order; two known
/// ones the wrong way round as [`Refusal::FromAfterTo`].
pub fn diff_with_defaults(
    store: &Store,
    id: &StatementId,
    from: Option<VersionNo>,
    to: Option<VersionNo>,
) -> Result<Result<VersionDiff, Refusal>, StoreError> {
    let Some(statement) = store.statement(id)? else {
        return Ok(Err(Refusal::UnknownStatement));
    };
    let to = to.unwrap_or(statement.latest.version);
    let from = from.unwrap_or_else(|| VersionNo::from_u32(to.get() - 1).unwrap_or(to));
    if from > to {
        if store.version(id, from)?.is_none() {
            return Ok(Err(Refusal::UnknownVersion(from)));
        }
        return Ok(Err(Refusal::FromAfterTo { to }));
    }
    Ok(diff(store, id, from, to)?.map_err(Refusal::UnknownVersion))
}

/// Compares two sides already read.
pub fn compare(old: &Side, new: &Side) -> VersionDiff {
    let metadata_changes: Vec<Field> = old
        .version
        .changes_to_version(&new.version)
        .into_iter()
        .filter(|field| *field != Field::Content)
        .collect();
    let cosmetic = metadata_changes.is_empty() && same_words(&old.words, &new.words);
    VersionDiff {
        words: diff_words(&old.text, &new.text),
        from: old.version.clone(),
        to: new.version.clone(),
        old_text: old.text.clone(),
        new_text: new.text.clone(),
        old_reading: old.reading.clone(),
        new_reading: new.reading.clone(),
        metadata_changes,
        cosmetic,
    }
}
