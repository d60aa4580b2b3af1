//! What the registry records: a submission as a client sends it, the immutable versions it
//! becomes, and the statement that groups them. The rule that decides whether a submission is
//! a new version lives here, as a pure function.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Contact, Content, ContentType, FieldError, KeyName, PublishedAt, Reading, Salt, Sha1, Sha256, SourceUrl,
    StatementId, Text, VersionNo,
};

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 1000;
/// The longest publisher name accepted, in characters.
pub const MAX_PUBLISHER_CHARS: usize = 300;
/// The most media contacts one version may list.
pub const MAX_CONTACTS: usize = 50;

/// The provenance metadata of a version: everything but the URL and the text. A change in any
/// of these makes a new version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Metadata {
    pub content_type: ContentType,
    pub title: Option<Text>,
    pub publisher: Option<Text>,
    pub published_at: Option<PublishedAt>,
    pub media_contacts: Vec<Contact>,
}

/// Where a version's provenance field came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Sent by the client.
    Supplied,
    /// Read from the content by the extractor, because the client did not send it.
    Extracted,
}

/// The source of each provenance field that has a value (`None` where the field is empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldSources {
    pub title: Option<Source>,
    pub publisher: Option<Source>,
    pub published_at: Option<Source>,
    pub media_contacts: Option<Source>,
}

/// An ingest request whose content the registry has read ([`super::Draft::read`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub source_url: SourceUrl,
    pub content: Content,
    pub metadata: Metadata,
    /// The key that submitted it, when the request was authenticated.
    pub submitted_by: Option<KeyName>,
    /// Which metadata fields the client sent and which were extracted.
    pub sources: FieldSources,
    /// What copies and passages are matched by.
    pub reading: Reading,
    /// When the content was captured, as the client asserts it; see [`Version::captured_at`].
    pub captured_at: Option<DateTime<Utc>>,
}

impl Submission {
    pub fn statement_id(&self) -> StatementId {
        StatementId::for_url(&self.source_url)
    }
}

/// Parses a claimed capture time: an RFC 3339 date-time with offset, no later than `now`.
pub fn parse_captured_at(field: &str, raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    let at = DateTime::parse_from_rfc3339(raw)
        .map_err(|_| {
            FieldError::new(
                field,
                "must be an RFC 3339 date-time with offset, such as 2026-11-23T14:05:09Z",
            )
        })?
        .with_timezone(&Utc);
    if at > now {
        return Err(FieldError::new(
            field,
            "is later than now: a capture cannot be in the future",
        ));
    }
    Ok(at)
}

/// A field of a version that can change from one version to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Content,
    ContentType,
    Title,
    Publisher,
    PublishedAt,
    MediaContacts,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::ContentType => "content_type",
            Self::Title => "title",
            Self::Publisher => "publisher",
            Self::PublishedAt => "published_at",
            Self::MediaContacts => "media_contacts",
        }
    }
}

/// One immutable version of a statement. The content itself is stored apart, addressed by
/// `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub statement_id: StatementId,
    pub version: VersionNo,
    pub source_url: SourceUrl,
    pub sha256: Sha256,
    /// SHA-256 of the content's text normalized by `norm-v1` without its page boilerplate
    /// (not part of the log's leaf: the extractor that finds the boilerplate may improve).
    pub normalized_sha256: Sha256,
    /// SHA-1 of the content, as web archives name content (CDX `digest`, WARC
    /// `WARC-Payload-Digest`). Derived from the bytes, not part of the log's leaf. `None` only
    /// in a record written before SHA-1 digests were kept: the store fills those in when it
    /// opens ([`crate::store::Store::open`]), and import computes it anew, so a record read
    /// from a store always has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha1: Option<Sha1>,
    pub content_length: u64,
    #[serde(flatten)]
    pub metadata: Metadata,
    pub ingested_at: DateTime<Utc>,
    /// The fields that differ from the previous version; empty for version 1.
    pub changed: Vec<Field>,
    /// Position of the version's leaf in the transparency log (0-based, commit order).
    pub log_index: u64,
    /// The random salt of the leaf's commitment to `media_contacts`.
    pub contacts_salt: Salt,
    /// The name of the API key that ingested this version (not part of the log's leaf).
    #[serde(default)]
    pub ingested_by: Option<KeyName>,
    /// Which metadata fields were supplied and which extracted (not part of the log's leaf).
    #[serde(default)]
    pub sources: FieldSources,
    /// When the content was captured, as the client asserted it (an imported WARC's
    /// `WARC-Date`): not checked by the registry and not part of the log's leaf, whose own time
    /// is `ingested_at`. When present it is the version's Memento-Datetime
    /// ([`Version::memento_at`]). It never changes whether a submission is a new version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<DateTime<Utc>>,
}

/// Where a new version goes in the log, chosen by the store: its leaf's index and the salt of
/// its contacts commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub log_index: u64,
    pub contacts_salt: Salt,
}

/// What a submission means for a statement whose latest version is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Succession {
    /// The submission repeats the latest version: nothing is created.
    Unchanged,
    /// The submission is a new version.
    New(Box<Version>),
    /// The statement already has `u32::MAX` versions.
    Exhausted,
    /// The submission is a new version captured (`captured_at`) before the latest version's
    /// Memento-Datetime (`latest_at`): taken, it would put the statement's timeline out of order.
    CapturedBefore {
        captured_at: DateTime<Utc>,
        latest: VersionNo,
        latest_at: DateTime<Utc>,
    },
}

impl Version {
    /// Decides what `submission` makes of a statement whose latest version is `latest`
    /// (`None` for a statement never seen), with `now` as the ingestion time and `placement`
    /// for a new version.
    pub fn succeed(
        latest: Option<&Version>,
        submission: &Submission,
        now: DateTime<Utc>,
        placement: Placement,
    ) -> Succession {
        let (number, changed) = match latest {
            None => (VersionNo::FIRST, Vec::new()),
            Some(latest) => {
                let changed = latest.changes_to(submission);
                if changed.is_empty() {
                    return Succession::Unchanged;
                }
                if let Some(captured_at) = submission.captured_at {
                    if captured_at < latest.memento_at() {
                        return Succession::CapturedBefore {
                            captured_at,
                            latest: latest.version,
                            latest_at: latest.memento_at(),
                        };
                    }
                }
                match latest.version.next() {
                    Some(number) => (number, changed),
                    None => return Succession::Exhausted,
                }
            }
        };
        Succession::New(Box::new(Version {
            statement_id: submission.statement_id(),
            version: number,
            source_url: submission.source_url.clone(),
            sha256: submission.content.sha256(),
            normalized_sha256: submission.reading.normalized_sha256,
            sha1: Some(Sha1::of(submission.content.as_bytes())),
            content_length: submission.content.len(),
            metadata: submission.metadata.clone(),
            ingested_at: now,
            changed,
            log_index: placement.log_index,
            contacts_salt: placement.contacts_salt,
            ingested_by: submission.submitted_by.clone(),
            sources: submission.sources,
            captured_at: submission.captured_at,
        }))
    }

    /// The version's Memento-Datetime: when it was captured if the client said so, else when
    /// the registry recorded it. Non-decreasing along a statement's versions, as
    /// [`Version::succeed`] keeps it.
    pub fn memento_at(&self) -> DateTime<Utc> {
        self.captured_at.unwrap_or(self.ingested_at)
    }

    /// The fields in which `submission` differs from this version, in a fixed order.
    pub fn changes_to(&self, submission: &Submission) -> Vec<Field> {
        self.differences(submission.content.sha256(), &submission.metadata)
    }

    /// The fields in which `other` differs from this version, in the same order.
    pub fn changes_to_version(&self, other: &Version) -> Vec<Field> {
        self.differences(other.sha256, &other.metadata)
    }

    fn differences(&self, sha256: Sha256, new: &Metadata) -> Vec<Field> {
        let old = &self.metadata;
        [
            (Field::Content, self.sha256 != sha256),
            (Field::ContentType, old.content_type != new.content_type),
            (Field::Title, old.title != new.title),
            (Field::Publisher, old.publisher != new.publisher),
            (Field::PublishedAt, old.published_at != new.published_at),
            (Field::MediaContacts, old.media_contacts != new.media_contacts),
        ]
        .into_iter()
        .filter_map(|(field, differs)| differs.then_some(field))
        .collect()
    }
}

/// A statement: every version ever ingested from one canonical source URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: StatementId,
    pub source_url: SourceUrl,
    /// When version 1 was ingested.
    pub first_seen_at: DateTime<Utc>,
    /// The latest version; its number is the statement's version count.
    pub latest: Version,
}

impl Statement {
    pub fn version_count(&self) -> u32 {
        self.latest.version.get()
    }

    /// When the latest version was ingested.
    pub fn last_changed_at(&self) -> DateTime<Utc> {
        self.latest.ingested_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn submission(text: &str, title: Option<&str>) -> Submission {
        crate::domain::Draft {
            source_url: SourceUrl::parse("source_url", "https://example.org/release").unwrap(),
            content: Content::parse("content", text.to_owned()).unwrap(),
            metadata: Metadata {
                title: title.map(|t| Text::parse("title", t, 100).unwrap()),
                ..Metadata::default()
            },
            submitted_by: None,
            sources: FieldSources::default(),
            captured_at: None,
        }
        .read_exactly()
    }

    fn captured(text: &str, second: u32) -> Submission {
        Submission {
            captured_at: Some(at(second)),
            ..submission(text, None)
        }
    }

    #[test]
    fn capture_times_are_rfc3339_and_not_in_the_future() {
        assert_eq!(
            parse_captured_at("c", "2026-01-01T01:00:05+01:00", at(9)),
            Ok(at(5))
        );
        assert_eq!(parse_captured_at("c", "2026-01-01T00:00:09Z", at(9)), Ok(at(9)));
        for (raw, message) in [
            ("2026-01-01T00:00:10Z", "later than now"),
            ("2026-01-01", "RFC 3339"),
            ("", "RFC 3339"),
        ] {
            let error = parse_captured_at("c", raw, at(9)).unwrap_err();
            assert!(
                error.field == "c" && error.message.contains(message),
                "{raw}: {error:?}"
            );
        }
    }

    #[test]
    fn a_capture_time_is_the_memento_time_and_keeps_the_timeline_in_order() {
        let v1 = new_version(Version::succeed(None, &captured("One", 5), at(50), PLACE));
        assert_eq!(
            (v1.captured_at, v1.ingested_at, v1.memento_at()),
            (Some(at(5)), at(50), at(5))
        );
        // The same content captured at another time is no new version (re-imports create nothing).
        assert_eq!(
            Version::succeed(Some(&v1), &captured("One", 1), at(51), PLACE),
            Succession::Unchanged
        );
        assert_eq!(
            Version::succeed(Some(&v1), &captured("Two", 4), at(51), PLACE),
            Succession::CapturedBefore {
                captured_at: at(4),
                latest: VersionNo::FIRST,
                latest_at: at(5)
            }
        );
        let v2 = new_version(Version::succeed(Some(&v1), &captured("Two", 5), at(51), PLACE));
        assert_eq!(
            v2.memento_at(),
            at(5),
            "a capture in the same second as the latest is in order"
        );
        let v3 = new_version(Version::succeed(
            Some(&v2),
            &submission("Three", None),
            at(52),
            PLACE,
        ));
        assert_eq!((v3.captured_at, v3.memento_at()), (None, at(52)));
        assert!(matches!(
            Version::succeed(Some(&v3), &captured("Four", 51), at(53), PLACE),
            Succession::CapturedBefore { latest_at, .. } if latest_at == at(52)
        ));
    }

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).unwrap()
    }

    const PLACE: Placement = Placement {
        log_index: 0,
        contacts_salt: Salt::from_bytes([7; 32]),
    };

    fn new_version(succession: Succession) -> Version {
        match succession {
            Succession::New(version) => *version,
            other => panic!("expected a new version, got {other:?}"),
        }
    }

    #[test]
    fn first_submission_is_version_one_with_no_changes() {
        let v1 = new_version(Version::succeed(None, &submission("Text", None), at(0), PLACE));
        assert_eq!(v1.version, VersionNo::FIRST);
        assert!(v1.changed.is_empty());
        assert_eq!(v1.sha256, Sha256::of(b"Text"));
        assert_eq!(v1.sha1, Some(Sha1::of(b"Text")));
        assert_eq!(v1.content_length, 4);
    }

    #[test]
    fn identical_submission_changes_nothing() {
        let v1 = new_version(Version::succeed(
            None,
            &submission("Text", Some("T")),
            at(0),
            PLACE,
        ));
        assert_eq!(
            Version::succeed(Some(&v1), &submission("Text", Some("T")), at(1), PLACE),
            Succession::Unchanged
        );
    }

    #[test]
    fn each_difference_is_named() {
        let v1 = new_version(Version::succeed(
            None,
            &submission("Text", Some("T")),
            at(0),
            PLACE,
        ));
        let v2 = new_version(Version::succeed(
            Some(&v1),
            &submission("Text", Some("New title")),
            at(1),
            PLACE,
        ));
        assert_eq!(v2.version.get(), 2);
        assert_eq!(v2.changed, [Field::Title]);
        let v3 = new_version(Version::succeed(
            Some(&v2),
            &submission("Edited", None),
            at(2),
            PLACE,
        ));
        assert_eq!(v3.changed, [Field::Content, Field::Title]);
    }

    #[test]
    fn version_numbers_do_not_wrap() {
        let mut last = new_version(Version::succeed(None, &submission("Text", None), at(0), PLACE));
        last.version = VersionNo::from_u32(u32::MAX).unwrap();
        assert_eq!(
            Version::succeed(Some(&last), &submission("Other", None), at(1), PLACE),
            Succession::Exhausted
        );
    }
}
