//! The JSON the API reads and writes, with its OpenAPI schemas, and the conversions between
//! these wire shapes and the domain types.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToResponse, ToSchema};

use super::body::BoundedList;
use super::problem::Problem;
use crate::domain::{
    leaf_bytes, parse_captured_at, Contact, Content, ContentType, Draft, Email, Field, FieldError,
    FieldErrors, FieldSources, KeyName, Metadata, Phone, PublishedAt, Salt, Sha1, Sha256, Source, SourceUrl,
    Statement, StatementId, Text, Version, VersionNo, MAX_CONTACTS, MAX_PUBLISHER_CHARS, MAX_TITLE_CHARS,
};
use crate::log::merkle;

/// What the document says a source URL looks like (ingest, watches). The service also takes
/// forms the pattern leaves out (international host names, IP addresses, no path).
const SOURCE_URL_PATTERN: &str = r#"^[Hh][Tt][Tt][Pp][Ss]?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,4})?(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)+(?:\?[A-Za-z0-9._-]+=[A-Za-z0-9._*-]*(?:&[A-Za-z0-9._-]+=[A-Za-z0-9._*-]*)*)?$"#;

/// The schema of a source URL field: a string, `uri`, at most 2048 bytes, [`SOURCE_URL_PATTERN`].
pub fn source_url_schema() -> utoipa::openapi::Object {
    http_url_schema(
        "Absolute http(s) URL of the statement; canonicalized (see the README) to identify it.\n\
         The service also takes forms the pattern leaves out (international host names, IP\n\
         addresses, no path), at most 2048 bytes long as sent and once canonical.",
    )
}

/// The schema of a webhook endpoint's URL: as [`source_url_schema`]'s.
pub fn endpoint_url_schema() -> utoipa::openapi::Object {
    http_url_schema(
        "Where to POST events: an absolute http(s) URL. A host that is a non-public IP address is\n\
         refused (422) unless the operator allows it. The service also takes forms the pattern\n\
         leaves out (international host names, IP addresses, no path).",
    )
}

fn http_url_schema(description: &str) -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("uri".into())))
        .max_length(Some(2048))
        .pattern(Some(SOURCE_URL_PATTERN))
        .description(Some(description))
        .build()
}

/// A statement to ingest. Only `source_url` and `content` are required; the server sets
/// everything else a version record holds, and refuses any other field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "source_url": "https://www.aclu.org/press-releases/aclu-comment-doj-threats",
    "content": "WASHINGTON — The Department of Justice today issued letters to 23 jurisdictions…",
    "content_type": "text/plain",
    "title": "ACLU Comment on Department of Justice Threats to 23 Jurisdictions",
    "publisher": "American Civil Liberties Union",
    "published_at": "2018-01-24T16:30:00-05:00",
    "media_contacts": [{"organization": "ACLU National", "email": "media@aclu.org", "phone": "212-549-2666"}]
}))]
pub struct IngestRequest {
    /// Absolute http(s) URL of the statement; canonicalized (see the README) to identify it.
    /// The service also takes forms the pattern leaves out (international host names, IP
    /// addresses, no path), at most 2048 bytes long as sent and once canonical.
    #[schema(required = true, schema_with = source_url_schema)]
    pub source_url: Option<String>,
    /// The statement's text, UTF-8, not blank. Stored and served byte for byte.
    #[schema(required = true, value_type = String, pattern = r#"[^\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"#)]
    pub content: Option<String>,
    /// `text/plain` (the default), `text/html` or `text/markdown`.
    #[schema(value_type = Option<super::schemas::ContentTypeName>)]
    pub content_type: Option<String>,
    /// The client's own lowercase-hex SHA-256 of the UTF-8 bytes of `content`. When it differs
    /// from the server's, the request is refused with 422 and nothing is stored.
    #[schema(value_type = Option<String>, pattern = "^[0-9a-fA-F]{64}$",
        example = "9f2b5c8a3c1e0b7d6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa00")]
    pub sha256: Option<String>,
    /// The statement's headline (at most 1000 characters).
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub title: Option<String>,
    /// Who published the statement (at most 300 characters).
    #[schema(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub publisher: Option<String>,
    /// Publication date as the source gives it: a date (`2017-08-16`) or an RFC 3339 date-time
    /// with offset. The precision given is kept.
    #[schema(schema_with = super::schemas::published_at)]
    pub published_at: Option<String>,
    /// Media contacts named by the statement (at most 50).
    #[schema(value_type = Option<Vec<ContactInput>>, max_items = 50)]
    pub media_contacts: Option<BoundedList<ContactInput, MAX_CONTACTS>>,
    /// When the content was captured, as the client asserts it (a crawler's `WARC-Date`; what
    /// `provenance import-warc` sends): an RFC 3339 date-time with offset, no later than now.
    /// Kept as the version's `captured_at` and used as its Memento-Datetime; not checked
    /// otherwise and not part of the log's leaf (`ingested_at` is the registry's own time).
    /// A new version captured before the latest version's Memento-Datetime is refused (409):
    /// captures of a URL must arrive in capture order. It never makes a new version by itself.
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-11-23T14:05:09Z")]
    pub captured_at: Option<String>,
}

/// A media contact as sent by a client: at least one field, not null.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// A person's name (at most 300 characters).
    #[schema(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub name: Option<String>,
    /// An organization or office (at most 300 characters).
    #[schema(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub organization: Option<String>,
    /// A phone number as written: 3 to 20 digits, with optional `+ - . ( ) /`, spaces, `ext.`.
    #[schema(
        max_length = 40,
        pattern = r#"^[ +\-.()/extEXT]*(?:[0-9][ +\-.()/extEXT]*){3,20}$"#,
        example = "(786) 363-2737"
    )]
    pub phone: Option<String>,
    /// An e-mail address (at most 254 characters).
    #[schema(
        max_length = 254,
        pattern = r#"^[^@\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]+@[^@.\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^@\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*\.[^@\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^@.\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]$"#,
        example = "media@aclu.org"
    )]
    pub email: Option<String>,
}

/// An ingest request parsed into domain types, with its source URL when it has one.
pub struct ParsedRequest {
    pub source_url: Option<SourceUrl>,
    pub content: Content,
    pub metadata: Metadata,
    pub sources: FieldSources,
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl IngestRequest {
    /// Parses every field, collecting all errors; `source_url` is refused when missing only if
    /// `url_required`.
    pub fn parse(self, url_required: bool) -> Result<ParsedRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let source_url = match self.source_url {
            None if url_required => {
                errors.push(FieldError::new("source_url", "is required"));
                None
            }
            raw => errors.take(optional(raw, |raw| SourceUrl::parse("source_url", raw))),
        };
        let content =
            errors.take(required("content", self.content).and_then(|raw| Content::parse("content", raw)));
        let claimed = self.sha256.map(|raw| Sha256::parse("sha256", &raw)).transpose();
        if let (Some(content), Some(Some(claimed))) = (&content, errors.take(claimed)) {
            errors.take(content.check_claimed_digest("sha256", claimed));
        }
        let content_type = errors.take(optional(self.content_type, |raw| {
            ContentType::parse("content_type", raw)
        }));
        let title = errors.take(optional(self.title, |raw| {
            Text::parse("title", raw, MAX_TITLE_CHARS)
        }));
        let publisher = errors.take(optional(self.publisher, |raw| {
            Text::parse("publisher", raw, MAX_PUBLISHER_CHARS)
        }));
        let published_at = errors.take(optional(self.published_at, |raw| {
            PublishedAt::parse("published_at", raw)
        }));
        let now = chrono::Utc::now();
        let captured_at = errors.take(optional(self.captured_at, |raw| {
            parse_captured_at("captured_at", raw, now)
        }));
        let contacts_sent = self.media_contacts.is_some();
        let mut contacts = self
            .media_contacts
            .map(|list| (list.items, list.len))
            .unwrap_or_default();
        if contacts.1 > MAX_CONTACTS {
            // The count first: the contacts of a list that is too long are not read at all.
            errors.push(FieldError::new(
                "media_contacts",
                format!("must list at most {MAX_CONTACTS} contacts ({} sent)", contacts.1),
            ));
            contacts.0.clear();
        }
        let media_contacts: Vec<Contact> = contacts
            .0
            .into_iter()
            .enumerate()
            .filter_map(|(i, contact)| {
                errors.take(
                    parse_contact(contact, false).map_err(|e| e.within(&format!("media_contacts[{i}]"))),
                )
            })
            .collect();
        errors.into_result()?;
        match (
            source_url,
            content,
            content_type,
            title,
            publisher,
            published_at,
            captured_at,
        ) {
            (
                Some(source_url),
                Some(content),
                Some(content_type),
                Some(title),
                Some(publisher),
                Some(published_at),
                Some(captured_at),
            ) => {
                let supplied = |sent: bool| sent.then_some(Source::Supplied);
                let sources = FieldSources {
                    title: supplied(title.is_some()),
                    publisher: supplied(publisher.is_some()),
                    published_at: supplied(published_at.is_some()),
                    media_contacts: supplied(contacts_sent),
                };
                Ok(ParsedRequest {
                    source_url,
                    content,
                    metadata: Metadata {
                        content_type: content_type.unwrap_or_default(),
                        title,
                        publisher,
                        published_at,
                        media_contacts,
                    },
                    sources,
                    captured_at,
                })
            }
            _ => Err(FieldError::new("body", "could not be parsed").into()),
        }
    }
}

impl TryFrom<IngestRequest> for Draft {
    type Error = FieldErrors;

    fn try_from(request: IngestRequest) -> Result<Self, FieldErrors> {
        let parsed = request.parse(true)?;
        let source_url = parsed
            .source_url
            .ok_or_else(|| FieldError::new("source_url", "is required"))?;
        Ok(Draft {
            source_url,
            content: parsed.content,
            metadata: parsed.metadata,
            submitted_by: None,
            sources: parsed.sources,
            captured_at: parsed.captured_at,
        })
    }
}

fn required(field: &str, value: Option<String>) -> Result<String, FieldError> {
    value.ok_or_else(|| FieldError::new(field, "is required"))
}

fn optional<T>(
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    value.as_deref().map(parse).transpose()
}

/// Parses a contact a client sent, or (`recorded`) one read back from a version record, which
/// may hold the characters inputs no longer take (see [`Text::parse_recorded`]).
fn parse_contact(input: ContactInput, recorded: bool) -> Result<Contact, FieldError> {
    let text = |field: &str, value: Option<String>| {
        optional(value, |raw| match recorded {
            false => Text::parse(field, raw, crate::domain::MAX_CONTACT_TEXT_CHARS),
            true => Text::parse_recorded(field, raw, crate::domain::MAX_CONTACT_TEXT_CHARS),
        })
    };
    let email = |raw: &str| match recorded {
        false => Email::parse("email", raw),
        true => Email::parse_recorded("email", raw),
    };
    Contact::new(
        text("name", input.name)?,
        text("organization", input.organization)?,
        optional(input.phone, |raw| Phone::parse("phone", raw))?,
        optional(input.email, email)?,
    )
}

impl From<&crate::store::VersionProof> for ProofBundle {
    fn from(bundle: &crate::store::VersionProof) -> Self {
        Self {
            format: BUNDLE_FORMAT.to_owned(),
            version: VersionRecord::from(&bundle.version),
            leaf: String::from_utf8_lossy(&bundle.leaf).into_owned(),
            log_index: bundle.version.log_index,
            tree_size: bundle.tree_size,
            inclusion_proof: bundle
                .inclusion_proof
                .iter()
                .map(|hash| super::base64(hash))
                .collect(),
            checkpoint: bundle.checkpoint.clone(),
        }
    }
}

/// One immutable version of a statement, as stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "statement_id": "5d0c9b7e1f2a3b4c5d6e7f8091a2b3c4",
    "version": 2,
    "source_url": "https://www.aclu.org/press-releases/aclu-comment-doj-threats",
    "sha256": "4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "sha1": "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5",
    "content_length": 2330,
    "content_type": "text/plain",
    "title": "ACLU Comment on Department of Justice Threats to 23 Jurisdictions",
    "publisher": "American Civil Liberties Union",
    "published_at": "2018-01-24T16:30:00-05:00",
    "media_contacts": [{"name": null, "organization": "ACLU National", "phone": "212-549-2666", "email": "media@aclu.org"}],
    "ingested_at": "2026-11-23T14:05:09.123456Z",
    "memento_datetime": "2026-11-23T14:05:09Z",
    "ingested_by": "newsroom-desk",
    "field_sources": {"title": "supplied", "publisher": "supplied", "published_at": "supplied", "media_contacts": "supplied"},
    "changed": ["content"],
    "log_index": 41,
    "leaf_hash": "q3Xn0vHhF5b8p2Lw0m9yC1d4e7f0a3b6c9d2e5f8a1b4c7d=",
    "contacts_salt": "8d3c2b1a0f9e8d7c6b5a49382716f5e4d3c2b1a0f9e8d7c6b5a49382716f5e4d"
}))]
pub struct VersionRecord {
    /// The statement's id: derived from its canonical source URL.
    pub statement_id: String,
    /// 1, 2, 3… per statement, without gaps.
    pub version: u32,
    /// The canonical source URL.
    pub source_url: String,
    /// Lowercase-hex SHA-256 of the content bytes served at `…/content`.
    pub sha256: String,
    /// Lowercase-hex SHA-256 of the content's text normalized by `norm-v1` (see the README),
    /// page boilerplate left out: what `POST /v1/verify` finds a re-typed or re-formatted
    /// copy by.
    pub normalized_sha256: String,
    /// SHA-1 of the content bytes in RFC 4648 base32 (32 characters), as web archives name
    /// content: the CDX `digest` and WARC `WARC-Payload-Digest` of this version.
    #[serde(default)]
    pub sha1: Option<String>,
    /// Length of the content in bytes.
    pub content_length: u64,
    /// `text/plain`, `text/html` or `text/markdown`.
    pub content_type: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    /// The publication date as the source gave it (a date, or a date-time with offset).
    pub published_at: Option<String>,
    pub media_contacts: Vec<ContactRecord>,
    /// When the server stored this version (RFC 3339, UTC): the registry's own time, the one
    /// its log's checkpoints vouch for.
    pub ingested_at: String,
    /// When the content was captured, as the client that sent it asserted (an imported WARC's
    /// `WARC-Date`; RFC 3339, UTC); not checked by the registry and not part of the log's
    /// leaf. Absent when the client said nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// The version's Memento-Datetime (RFC 3339, UTC, to the second, as `/web/` and `/cdx`
    /// give it): `captured_at` when there is one, else `ingested_at`. Derived; ignored by
    /// import.
    #[serde(default)]
    pub memento_datetime: String,
    /// The name of the API key that ingested this version.
    pub ingested_by: Option<String>,
    /// For `title`, `publisher`, `published_at` and `media_contacts`: `supplied` by the client,
    /// `extracted` from the content, or null when the field is empty.
    pub field_sources: FieldSourcesRecord,
    /// Fields that differ from the previous version: `content`, `content_type`, `title`,
    /// `publisher`, `published_at`, `media_contacts`. Empty for version 1.
    pub changed: Vec<String>,
    /// Position of this version's leaf in the transparency log (0-based).
    pub log_index: u64,
    /// RFC 6962 leaf hash of the version's log entry, base64: SHA-256(0x00 ‖ leaf), where the
    /// leaf is rebuilt from this record (format `provenance-leaf/1`, see the README).
    pub leaf_hash: String,
    /// Hex salt of the leaf's commitment to `media_contacts`.
    pub contacts_salt: String,
}

/// Where each provenance field came from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct FieldSourcesRecord {
    #[schema(value_type = Option<String>, example = "supplied")]
    pub title: Option<Source>,
    #[schema(value_type = Option<String>)]
    pub publisher: Option<Source>,
    #[schema(value_type = Option<String>, example = "extracted")]
    pub published_at: Option<Source>,
    #[schema(value_type = Option<String>, example = "extracted")]
    pub media_contacts: Option<Source>,
}

impl From<FieldSources> for FieldSourcesRecord {
    fn from(sources: FieldSources) -> Self {
        Self {
            title: sources.title,
            publisher: sources.publisher,
            published_at: sources.published_at,
            media_contacts: sources.media_contacts,
        }
    }
}

impl From<FieldSourcesRecord> for FieldSources {
    fn from(record: FieldSourcesRecord) -> Self {
        Self {
            title: record.title,
            publisher: record.publisher,
            published_at: record.published_at,
            media_contacts: record.media_contacts,
        }
    }
}

/// A media contact of a version.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ContactRecord {
    pub name: Option<String>,
    pub organization: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A version's provenance metadata as the API shows it, with where each field came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetadataRecord {
    /// `text/plain`, `text/html` or `text/markdown`.
    pub content_type: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    /// The publication date as the source gave it (a date, or a date-time with offset).
    pub published_at: Option<String>,
    pub media_contacts: Vec<ContactRecord>,
    /// For `title`, `publisher`, `published_at` and `media_contacts`: `supplied` by the client,
    /// `extracted` from the content, or null when the field is empty.
    pub field_sources: FieldSourcesRecord,
}

impl MetadataRecord {
    pub fn new(metadata: &Metadata, sources: FieldSources) -> Self {
        let text = |value: &Option<Text>| value.as_ref().map(ToString::to_string);
        Self {
            content_type: metadata.content_type.as_str().to_owned(),
            title: text(&metadata.title),
            publisher: text(&metadata.publisher),
            published_at: metadata.published_at.map(|p| p.to_string()),
            media_contacts: metadata
                .media_contacts
                .iter()
                .map(|contact| ContactRecord {
                    name: text(&contact.name),
                    organization: text(&contact.organization),
                    phone: contact.phone.as_ref().map(|p| p.as_ref().to_owned()),
                    email: contact.email.as_ref().map(ToString::to_string),
                })
                .collect(),
            field_sources: sources.into(),
        }
    }
}

impl From<&Version> for VersionRecord {
    fn from(version: &Version) -> Self {
        let MetadataRecord {
            content_type,
            title,
            publisher,
            published_at,
            media_contacts,
            field_sources,
        } = MetadataRecord::new(&version.metadata, version.sources);
        Self {
            statement_id: version.statement_id.to_string(),
            version: version.version.get(),
            source_url: version.source_url.to_string(),
            sha256: version.sha256.to_hex(),
            normalized_sha256: version.normalized_sha256.to_hex(),
            sha1: version.sha1.map(|sha1| sha1.to_base32()),
            content_length: version.content_length,
            content_type,
            title,
            publisher,
            published_at,
            media_contacts,
            ingested_at: super::rfc3339(version.ingested_at),
            captured_at: version.captured_at.map(super::rfc3339),
            memento_datetime: crate::archive::memento::memento_time(version.memento_at())
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ingested_by: version.ingested_by.as_ref().map(ToString::to_string),
            field_sources,
            changed: version
                .changed
                .iter()
                .map(|field| field.as_str().to_owned())
                .collect(),
            log_index: version.log_index,
            leaf_hash: super::base64(&merkle::leaf_hash(&leaf_bytes(version))),
            contacts_salt: version.contacts_salt.to_hex(),
        }
    }
}

impl TryFrom<&VersionRecord> for Version {
    type Error = FieldErrors;

    /// Reads a version record back into the domain, as a verifier does to rebuild its leaf.
    fn try_from(record: &VersionRecord) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = |field: &str, value: &Option<String>, max| {
            value
                .as_deref()
                .map(|raw| Text::parse_recorded(field, raw, max))
                .transpose()
        };
        let statement_id = errors.take(StatementId::parse("statement_id", &record.statement_id));
        let number = VersionNo::from_u32(record.version)
            .ok_or_else(|| FieldError::new("version", "must be at least 1"));
        let version = errors.take(number);
        let source_url = errors.take(SourceUrl::parse("source_url", &record.source_url));
        let sha256 = errors.take(Sha256::parse("sha256", &record.sha256));
        let normalized_sha256 = errors.take(Sha256::parse("normalized_sha256", &record.normalized_sha256));
        let sha1 = errors.take(
            record
                .sha1
                .as_deref()
                .map(|raw| Sha1::parse("sha1", raw))
                .transpose(),
        );
        let content_type = errors.take(ContentType::parse("content_type", &record.content_type));
        let title = errors.take(text("title", &record.title, MAX_TITLE_CHARS));
        let publisher = errors.take(text("publisher", &record.publisher, MAX_PUBLISHER_CHARS));
        let published_at = errors.take(
            record
                .published_at
                .as_deref()
                .map(|raw| PublishedAt::parse("published_at", raw))
                .transpose(),
        );
        let media_contacts: Vec<Contact> = record
            .media_contacts
            .iter()
            .enumerate()
            .filter_map(|(i, contact)| {
                let input = ContactInput {
                    name: contact.name.clone(),
                    organization: contact.organization.clone(),
                    phone: contact.phone.clone(),
                    email: contact.email.clone(),
                };
                errors.take(parse_contact(input, true).map_err(|e| e.within(&format!("media_contacts[{i}]"))))
            })
            .collect();
        let time = |field: &str, raw: &str| {
            chrono::DateTime::parse_from_rfc3339(raw)
                .map(|time| time.with_timezone(&chrono::Utc))
                .map_err(|_| FieldError::new(field, "must be an RFC 3339 date-time"))
        };
        let ingested_at = errors.take(time("ingested_at", &record.ingested_at));
        let captured_at = errors.take(
            record
                .captured_at
                .as_deref()
                .map(|raw| time("captured_at", raw))
                .transpose(),
        );
        let changed = errors.take(
            record
                .changed
                .iter()
                .map(|name| {
                    serde_json::from_value::<Field>(serde_json::Value::String(name.clone()))
                        .map_err(|_| FieldError::new("changed", format!("{name:?} is not a field name")))
                })
                .collect::<Result<Vec<Field>, _>>(),
        );
        let contacts_salt = errors.take(Salt::parse("contacts_salt", &record.contacts_salt));
        let ingested_by = errors.take(
            record
                .ingested_by
                .as_deref()
                .map(|raw| KeyName::parse("ingested_by", raw))
                .transpose(),
        );
        errors.into_result()?;
        let incomplete = || FieldErrors::from(FieldError::new("version", "could not be read"));
        Ok(Version {
            statement_id: statement_id.ok_or_else(incomplete)?,
            version: version.ok_or_else(incomplete)?,
            source_url: source_url.ok_or_else(incomplete)?,
            sha256: sha256.ok_or_else(incomplete)?,
            normalized_sha256: normalized_sha256.ok_or_else(incomplete)?,
            sha1: sha1.flatten(),
            content_length: record.content_length,
            metadata: Metadata {
                content_type: content_type.ok_or_else(incomplete)?,
                title: title.ok_or_else(incomplete)?,
                publisher: publisher.ok_or_else(incomplete)?,
                published_at: published_at.ok_or_else(incomplete)?,
                media_contacts,
            },
            ingested_at: ingested_at.ok_or_else(incomplete)?,
            changed: changed.ok_or_else(incomplete)?,
            log_index: record.log_index,
            contacts_salt: contacts_salt.ok_or_else(incomplete)?,
            ingested_by: ingested_by.ok_or_else(incomplete)?,
            sources: record.field_sources.into(),
            captured_at: captured_at.ok_or_else(incomplete)?,
        })
    }
}

/// A statement: all versions ingested from one canonical source URL.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatementRecord {
    pub statement_id: String,
    /// The canonical source URL.
    pub source_url: String,
    /// How many versions the statement has; also the latest version's number.
    pub version_count: u32,
    /// When version 1 was ingested (RFC 3339, UTC).
    pub first_seen_at: String,
    /// When the latest version was ingested (RFC 3339, UTC).
    pub last_changed_at: String,
    pub latest: VersionRecord,
    /// Set when the statement's watched source stopped answering (404, 410, or its name
    /// stopped resolving) on consecutive fetches; it stays here, with `restored_at`, once the
    /// source answers again. Only in `GET /v1/statements/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<super::watches::WithdrawalRecord>,
    /// Where to follow the statement.
    #[serde(default)]
    pub links: StatementLinks,
}

/// Where to follow a statement: its page for people, its versions, and its Atom feed.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct StatementLinks {
    /// The statement's page (`text/html`): its history and current text.
    #[schema(example = "/statements/5d0c9b7e1f2a3b4c5d6e7f8091a2b3c4")]
    pub page: String,
    /// Its versions, oldest first (`application/json`).
    #[schema(example = "/v1/statements/5d0c9b7e1f2a3b4c5d6e7f8091a2b3c4/versions")]
    pub versions: String,
    /// Its Atom feed (`application/atom+xml`): every version, newest first.
    #[schema(example = "/v1/statements/5d0c9b7e1f2a3b4c5d6e7f8091a2b3c4/feed.atom")]
    pub feed: String,
}

impl From<&Statement> for StatementRecord {
    fn from(statement: &Statement) -> Self {
        Self {
            statement_id: statement.id.to_string(),
            source_url: statement.source_url.to_string(),
            version_count: statement.version_count(),
            first_seen_at: super::rfc3339(statement.first_seen_at),
            last_changed_at: super::rfc3339(statement.last_changed_at()),
            latest: VersionRecord::from(&statement.latest),
            withdrawal: None,
            links: StatementLinks {
                page: format!("/statements/{}", statement.id),
                versions: format!("/v1/statements/{}/versions", statement.id),
                feed: super::feeds::statement_feed(&statement.id),
            },
        }
    }
}

/// A page of statements.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatementPage {
    pub items: Vec<StatementRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page. A page can hold fewer
    /// than `limit` items and still have a `next`.
    pub next: Option<String>,
}

/// A page of versions.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionPage {
    pub items: Vec<VersionRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// Every version, of any statement, whose content has a given SHA-256 or SHA-1.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HashMatches {
    /// The SHA-256 looked up, in lowercase hex; null when a SHA-1 was.
    pub sha256: Option<String>,
    /// The SHA-1 looked up, in upper-case base32; null when a SHA-256 was.
    pub sha1: Option<String>,
    pub items: Vec<VersionRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// Filters and paging of `GET /v1/statements`. Filters apply to each statement's latest
/// version and combine with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListStatementsQuery {
    /// Look a statement up by its source URL (canonicalized like on ingest; the same forms are
    /// taken).
    #[param(
        max_length = 2048,
        pattern = r#"^[Hh][Tt][Tt][Pp][Ss]?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,4})?(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)+(?:\?[A-Za-z0-9._-]+=[A-Za-z0-9._*-]*(?:&[A-Za-z0-9._-]+=[A-Za-z0-9._*-]*)*)?$"#
    )]
    pub source_url: Option<String>,
    /// Publisher name, compared case-insensitively with white space folded.
    #[param(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub publisher: Option<String>,
    /// Earliest publication date (`YYYY-MM-DD`, inclusive), in the source's own offset.
    #[param(value_type = Option<String>, format = Date)]
    pub published_after: Option<String>,
    /// Latest publication date (`YYYY-MM-DD`, inclusive), in the source's own offset.
    #[param(value_type = Option<String>, format = Date)]
    pub published_before: Option<String>,
    /// A contact's whole name, organization or e-mail address (case-insensitive), or phone
    /// number (compared by digits only).
    #[param(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub contact: Option<String>,
    /// Page size, 1 to 200 (larger values are capped); 50 by default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub limit: Option<String>,
    /// The `next` value of the previous page.
    #[param(value_type = Option<String>, min_length = 2, pattern = "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200 (larger values are capped); 50 by default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub limit: Option<String>,
    /// The `next` value of the previous page.
    #[param(value_type = Option<String>, min_length = 2, pattern = "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

/// Health of the service.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok` when the service answers and its store reads and verifies its latest checkpoint.
    #[schema(example = "ok")]
    pub status: String,
    /// Entries in the log (one per version), as the latest signed checkpoint says.
    #[schema(example = 42)]
    pub log_size: u64,
    /// Whether the store's disk has the free space writes need (`--min-free-bytes`); reads
    /// work either way.
    pub accepting_writes: bool,
}

/// The request is malformed: bad JSON syntax, or a bad path or query parameter.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:bad-request", "title": "The request is malformed", "status": 400, "detail": "statement_id: must be a statement id: 32 lowercase hexadecimal digits", "field": "statement_id", "errors": [{"field": "statement_id", "detail": "must be a statement id: 32 lowercase hexadecimal digits"}]}))]
pub struct BadRequestProblem(pub Problem);

/// A field of the request body is missing or invalid, or the given `sha256` does not match
/// the content; nothing was stored.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:invalid-field", "title": "A field of the request is invalid", "status": 422, "detail": "source_url: must use the http or https scheme", "field": "source_url", "errors": [{"field": "source_url", "detail": "must use the http or https scheme"}]}))]
pub struct InvalidProblem(pub Problem);

/// The error responses of a POST that only reads (`/v1/extract`, `/v1/verify`,
/// `/v1/passages/search`): a bad or refused body, a missing key where reads need one, a rate
/// limit, an unavailable worker pool.
pub struct QueryErrors;

impl utoipa::IntoResponses for QueryErrors {
    fn responses() -> ProblemResponses {
        problem_responses(&[
            ("400", "BadRequestProblem"),
            ("401", "UnauthorizedProblem"),
            ("413", "TooLargeProblem"),
            ("415", "UnsupportedMediaTypeProblem"),
            ("422", "InvalidProblem"),
            ("429", "RateLimitedProblem"),
            ("503", "UnavailableProblem"),
        ])
    }
}

/// The error responses every POST that writes has (`/v1/statements`, `/v1/keys`): a bad or
/// refused body, a missing or too weak key, a conflict, a rate limit.
pub struct WriteErrors;

impl utoipa::IntoResponses for WriteErrors {
    fn responses() -> ProblemResponses {
        problem_responses(&[
            ("400", "BadRequestProblem"),
            ("401", "UnauthorizedProblem"),
            ("403", "ForbiddenProblem"),
            ("409", "ConflictProblem"),
            ("413", "TooLargeProblem"),
            ("415", "UnsupportedMediaTypeProblem"),
            ("422", "InvalidProblem"),
            ("429", "RateLimitedProblem"),
        ])
    }
}

/// The error responses of an admin's request about one resource named in its path (a webhook
/// endpoint): a malformed id, a missing or too weak key, no such resource, a rate limit.
pub struct AdminLookupErrors;

impl utoipa::IntoResponses for AdminLookupErrors {
    fn responses() -> ProblemResponses {
        problem_responses(&[
            ("400", "BadRequestProblem"),
            ("401", "UnauthorizedProblem"),
            ("403", "ForbiddenProblem"),
            ("404", "NotFoundProblem"),
            ("429", "RateLimitedProblem"),
        ])
    }
}

type ProblemResponses = std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>>;

/// References to the problem responses of the document's components, by status.
fn problem_responses(statuses: &[(&str, &str)]) -> ProblemResponses {
    statuses
        .iter()
        .map(|(status, name)| {
            let reference = utoipa::openapi::Ref::from_response_name(*name);
            ((*status).to_owned(), utoipa::openapi::RefOr::Ref(reference))
        })
        .collect()
}

/// No such resource: statement, version, key, or tree size or entry of the log.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:not-found", "title": "No such resource", "status": 404, "detail": "no statement has the id 5d0c9b7e1f2a3b4c5d6e7f8091a2b3c4"}))]
pub struct NotFoundProblem(pub Problem);

/// The body is larger than the configured limit (`--max-body-bytes`); nothing was stored.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:too-large", "title": "The request body is too large", "status": 413, "detail": "the request body is larger than 4194304 bytes", "field": "body"}))]
pub struct TooLargeProblem(pub Problem);

/// The body is not `application/json`; nothing was stored.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:unsupported-media-type", "title": "Unsupported media type", "status": 415, "detail": "the request body must be sent as application/json", "field": "Content-Type"}))]
pub struct UnsupportedMediaTypeProblem(pub Problem);

/// The request conflicts with stored data (an ingest's source URL whose statement id is taken
/// by another URL, a statement with the maximum number of versions, new content `captured_at`
/// before the latest version's Memento-Datetime, naming `captured_at`); nothing was stored.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:conflict", "title": "The request conflicts with stored data", "status": 409, "detail": "a key named newsroom-desk exists already"}))]
pub struct ConflictProblem(pub Problem);

/// The disk (or the service's share of it) is full; nothing was acknowledged. Reads keep
/// working.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:insufficient-storage", "title": "The registry has no room to store data", "status": 507, "detail": "only 52428800 bytes are free on the store's disk; writes stop below 67108864"}))]
pub struct InsufficientStorageProblem(pub Problem);

/// The store failed; nothing was acknowledged. Retry later.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:unavailable", "title": "The registry cannot store data right now", "status": 503, "detail": "the registry could not complete the request; it has been logged"}))]
pub struct UnavailableProblem(pub Problem);

/// The format tag of proof bundles.
pub const BUNDLE_FORMAT: &str = "provenance-proof-bundle/1";

/// Everything needed to verify one version offline: the record, the exact leaf it was logged
/// as, the leaf's inclusion proof and the signed checkpoint the proof leads to.
///
/// To verify: rebuild the leaf from `version` (format `provenance-leaf/1`) and compare it with
/// `leaf`; hash it as SHA-256(0x00 ‖ leaf); check the `checkpoint` signature with the log's key,
/// pinned independently; check that its size is `tree_size` and that `inclusion_proof` leads
/// from the leaf hash at `log_index` to its root (RFC 9162 §2.1.3.2). The hash of your copy of
/// the text must be `version.sha256`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProofBundle {
    /// `provenance-proof-bundle/1`.
    pub format: String,
    pub version: VersionRecord,
    /// The log entry, exactly: canonical JSON of the version's provenance record.
    pub leaf: String,
    /// The entry's position in the log.
    pub log_index: u64,
    /// Size of the tree the proof and checkpoint are for.
    pub tree_size: u64,
    /// Base64 hashes, leaf to root.
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint (C2SP signed note) of `tree_size` entries.
    pub checkpoint: String,
}

/// An inclusion proof.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    /// Base64 RFC 6962 hash of the entry.
    pub leaf_hash: String,
    /// Base64 root of the tree of `tree_size` entries.
    pub root: String,
    /// Base64 hashes, leaf to root.
    pub proof: Vec<String>,
    /// The latest signed checkpoint; when its size is `tree_size`, the proof verifies against it.
    pub checkpoint: String,
}

/// A consistency proof: the tree of `from` entries is a prefix of the tree of `to` entries.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    /// Base64 root of the tree of `from` entries.
    pub from_root: String,
    /// Base64 root of the tree of `to` entries.
    pub to_root: String,
    /// Base64 hashes (RFC 9162 §2.1.4).
    pub proof: Vec<String>,
    /// The latest signed checkpoint; when its size is `to`, the proof verifies against it.
    pub checkpoint: String,
}

/// One log entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LogEntry {
    pub index: u64,
    /// The leaf, exactly (canonical JSON, `provenance-leaf/1`).
    pub leaf: String,
    /// Base64 RFC 6962 leaf hash: SHA-256(0x00 ‖ leaf).
    pub leaf_hash: String,
}

/// A run of log entries, in order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LogEntries {
    pub entries: Vec<LogEntry>,
    /// The `start` of the next run; absent at the end of the log.
    pub next: Option<u64>,
}

/// Parameters of an inclusion proof.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The entry's index (0-based).
    #[param(required = true, value_type = u64, minimum = 0)]
    pub index: Option<String>,
    /// The tree size to prove against; the latest checkpoint's size by default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub tree_size: Option<String>,
}

/// Parameters of a consistency proof.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older tree size (at least 1).
    #[param(required = true, value_type = u64, minimum = 1)]
    pub from: Option<String>,
    /// The newer tree size; the latest checkpoint's size by default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub to: Option<String>,
}

/// Paging of log entries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// First index to return (0 by default).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub start: Option<String>,
    /// How many entries, 1 to 200 (larger values are capped); 50 by default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub limit: Option<String>,
}

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "newsroom-desk", "role": "writer"}))]
pub struct KeyRequest {
    /// 1 to 64 characters of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit.
    #[schema(required = true, value_type = String, pattern = "^[a-z0-9][a-z0-9._-]{0,63}$")]
    pub name: Option<String>,
    #[schema(required = true, value_type = super::schemas::RoleName)]
    pub role: Option<String>,
}

/// An API key, without its secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KeyInfo {
    pub name: String,
    #[schema(value_type = super::schemas::RoleName)]
    pub role: String,
    /// The public part of the key's token.
    pub key_id: String,
    pub created_at: String,
    /// When the key was last used (to the minute).
    pub last_used_at: Option<String>,
    /// When the key was revoked; a revoked key is refused at once.
    pub revoked_at: Option<String>,
}

impl From<&crate::store::ApiKey> for KeyInfo {
    fn from(key: &crate::store::ApiKey) -> Self {
        Self {
            name: key.name.to_string(),
            role: key.role.as_str().to_owned(),
            key_id: key.key_id.clone(),
            created_at: super::rfc3339(key.created_at),
            last_used_at: key.last_used_at.map(super::rfc3339),
            revoked_at: key.revoked_at.map(super::rfc3339),
        }
    }
}

/// A key just created, with its token: shown this once, stored only as a hash.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub key: KeyInfo,
    /// The bearer token (`pvk_<key id>_<secret>`). Keep it now: it cannot be shown again.
    pub token: String,
}

/// Every API key.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KeyList {
    pub items: Vec<KeyInfo>,
}

/// No API key, or an unknown or revoked one (`WWW-Authenticate: Bearer`); nothing was changed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:unauthorized", "title": "A valid API key is needed", "status": 401, "detail": "the API key is unknown or revoked", "field": "Authorization"}))]
pub struct UnauthorizedProblem(pub Problem);

/// The key's role does not allow this; nothing was changed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:forbidden", "title": "The API key's role does not allow this", "status": 403, "detail": "the key newsroom-desk has the role writer; this needs admin", "field": "Authorization"}))]
pub struct ForbiddenProblem(pub Problem);

/// Too many requests from this key or address; retry after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({"type": "urn:provenance:problem:rate-limited", "title": "Too many requests", "status": 429, "detail": "too many requests; retry in 1 s"}))]
pub struct RateLimitedProblem(pub Problem);
