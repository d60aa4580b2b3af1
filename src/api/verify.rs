//! Handler of `/v1/verify`: is this copy authentic, and is it still the current wording?

use actix_web::{post, web, HttpRequest};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::body::{read_json_or_document, BodyLimit, JsonOrDocument};
use super::model::*;
use super::problem::ApiError;
use super::schemas::DocumentBody;
use super::{rfc3339, HeavyReads};
use crate::domain::Version;
use crate::domain::{
    ComparableText, Content, ContentType, FieldError, FieldErrors, Sha1, Sha256, SourceUrl, StatementId,
};
use crate::find::verify::{verify, CopyMatch, HeldCopy, Standing, Verdict, Verification};
use crate::store::{Store, StoreError};
use crate::text::normalize::NORMALIZATION;

/// A copy to verify, as JSON: its text (`content`) or only its hash (`sha256`). Its schema
/// takes these fields' constraints from the ingest request's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub content: Option<String>,
    pub content_type: Option<String>,
    pub sha256: Option<String>,
    pub sha1: Option<String>,
    pub source_url: Option<String>,
}

impl PartialSchema for VerifyRequest {
    fn schema() -> RefOr<Schema> {
        let mut schema = super::schemas::ingest_fields(
            Some(&["content", "content_type", "sha256", "source_url"]),
            &[],
            "A copy to verify: `content` (the copy's text, exactly as you hold it, with its \
             `content_type`) or only `sha256` (the hash of its bytes: then only byte-identical \
             matches are found; with `content`, it must be the content's hash); and, to ask about \
             one statement, the `source_url` the copy is said to come from (which also may be given \
             as the query parameter).",
        );
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
            let sha1 = ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .pattern(Some("^([sS][hH][aA]1:)?[A-Za-z2-7]{32}$"))
                .description(Some(
                    "The SHA-1 of the copy's bytes in base32 (32 characters, optionally prefixed \
                     `sha1:`), as a Wayback CDX `digest` or a WARC `WARC-Payload-Digest` gives it: \
                     instead of `sha256`, or checked against `content`.",
                ));
            object.properties.insert("sha1".to_owned(), sha1.into());
            object.example = Some(json!({
                "content": "MIAMI— Attorney General Jeff Sessions will visit Miami, FL today…",
                "source_url": "https://www.aclu.org/press-releases/miami"
            }));
        }
        schema
    }
}

impl ToSchema for VerifyRequest {}

/// The query of the raw-document form.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VerifyQuery {
    /// The URL the copy is said to come from (for a JSON body, its `source_url` field wins).
    #[param(
        max_length = 2048,
        pattern = r#"^[Hh][Tt][Tt][Pp][Ss]?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,4})?(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)+(?:\?[A-Za-z0-9._-]+=[A-Za-z0-9._*-]*(?:&[A-Za-z0-9._-]+=[A-Za-z0-9._*-]*)*)?$"#
    )]
    pub source_url: Option<String>,
}

/// What the registry says of a copy.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct VerificationRecord {
    /// The overall verdict, which never hides an edit: `current` (identical bytes to the
    /// latest version of a statement, and no statement holding this text has replaced it
    /// since), `superseded` (identical bytes to a version of some statement, and at least one
    /// statement holding the text has replaced it since: an older version, or the copy is
    /// current at one URL and edited at another; see `statements`), `normalized_match` (not
    /// byte-identical to any version, the same text once normalized), or `unknown`.
    pub verdict: Verdict,
    /// The verdict in words, naming each statement that replaced the copy's wording.
    #[schema(
        example = "superseded at 1 of 2 statements holding this text: a superseded wording at \
        https://www.aclu.org/press-releases/aclu-florida-sessions-miami (version 1; replaced by \
        version 2, ingested 2026-01-05T10:00:00Z, changed the content); the current wording at \
        https://corpus.example/seeds/000.txt (version 1)"
    )]
    pub summary: String,
    /// The verdict at each statement holding the copy's text (of the matches listed), in the
    /// order of its first match.
    pub statements: Vec<StatementVerdict>,
    /// SHA-256 of the copy's bytes; null when only a `sha1` was sent that no version has.
    pub sha256: Option<String>,
    /// The normalization algorithm: `norm-v1` (see the README).
    pub normalization: String,
    /// SHA-256 of the copy's normalized text (null when only `sha256` was sent).
    pub normalized_sha256: Option<String>,
    /// Every version the copy matches, byte-identical ones first, each with its proof bundle.
    pub matches: Vec<CopyMatchRecord>,
    /// Whether more versions matched than the 50 listed.
    pub truncated: bool,
    /// With `source_url`: whether the copy matches that statement.
    pub claimed_source: Option<ClaimedSource>,
}

/// How a copy stands at one statement.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct StatementVerdict {
    pub statement_id: String,
    pub source_url: String,
    /// The strongest verdict of the statement's matches: `current`, `superseded` or
    /// `normalized_match`.
    pub verdict: Verdict,
    /// Whether the statement's latest version holds the copy's text, byte for byte or once
    /// normalized (false: the statement has moved on from this wording).
    pub current: bool,
    /// The statement's versions the copy matches.
    pub versions: Vec<u32>,
    /// The statement's latest version.
    pub latest_version: u32,
    /// The version that replaced the newest matched one; null when that one is the latest.
    pub replaced_by: Option<Replacement>,
}

/// One version a copy matches.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CopyMatchRecord {
    /// `current`, `superseded` or `normalized_match`.
    pub verdict: Verdict,
    pub statement_id: String,
    pub source_url: String,
    pub version: u32,
    /// The statement's latest version.
    pub latest_version: u32,
    /// The version that replaced this one; null when this one is the latest.
    pub replaced_by: Option<Replacement>,
    /// The version's record, log entry, inclusion proof and signed checkpoint, to check offline.
    pub proof_bundle: ProofBundle,
}

/// The version that replaced a matched one.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Replacement {
    pub version: u32,
    /// When it was ingested (RFC 3339, UTC): when the matched wording stopped being current.
    pub ingested_at: String,
    /// The fields it changed.
    pub changed: Vec<String>,
    /// The change in words: `version 3, ingested 2026-…, changed the content and title`.
    pub summary: String,
}

/// The statement a copy is said to come from.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClaimedSource {
    /// The canonical URL.
    pub source_url: String,
    pub statement_id: String,
    /// Whether the registry holds a statement of that URL at all.
    pub registered: bool,
    /// The copy's verdict for that statement alone.
    pub verdict: Verdict,
}

/// Verify a copy.
///
/// Send the copy as JSON (`content`, or only `sha256`, optionally with `source_url`) or as the
/// raw document itself (`Content-Type: text/plain`, `text/html` or `text/markdown`, with
/// `?source_url=` if wanted). The answer gives the verdict at each statement holding the text
/// (`statements`) and overall (`verdict`, `summary`): a copy that is current at one URL and was
/// edited at another is `superseded`. It lists every version the copy matches, byte for byte
/// (`current` or `superseded`) or once normalized by `norm-v1` (`normalized_match`), each with
/// its proof bundle; `unknown` when none. Stores nothing.
#[utoipa::path(
    post,
    path = "/v1/verify",
    tag = "hashes",
    operation_id = "verify",
    params(VerifyQuery),
    request_body(description = "The copy: JSON, or the raw document.", content(
        (VerifyRequest = "application/json"),
        (DocumentBody = "text/plain"),
        (DocumentBody = "text/html"),
        (DocumentBody = "text/markdown"),
    )),
    responses(
        (status = 200, description = "The verdict and its evidence.", body = VerificationRecord),
        QueryErrors,
    )
)]
#[post("/v1/verify")]
pub async fn verify_copy(
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<VerifyQuery>,
    store: web::Data<Store>,
    limit: web::Data<BodyLimit>,
    heavy: web::Data<HeavyReads>,
) -> Result<web::Json<VerificationRecord>, ApiError> {
    let query_url = query.into_inner().source_url;
    let mut request = match read_json_or_document::<VerifyRequest>(&req, payload, **limit).await? {
        JsonOrDocument::Json(request) => request,
        JsonOrDocument::Document { text, content_type } => VerifyRequest {
            content: Some(text),
            content_type: Some(content_type.as_str().to_owned()),
            sha256: None,
            sha1: None,
            source_url: None,
        },
    };
    if let Some(raw) = query_url {
        SourceUrl::parse("source_url", &raw).map_err(ApiError::BadRequest)?;
        request.source_url.get_or_insert(raw);
    }
    let (copy_parts, claimed_url) = parse(request)?;
    let store = store.into_inner();
    let (sha256, verification, claimed) = HeavyReads::run(&heavy, move || {
        let (sha256, verification) = match copy_parts.read(&store)? {
            Some(copy) => (Some(copy.sha256), verify(&store, &copy)?),
            None => (None, Verification::default()),
        };
        let claimed = match claimed_url {
            Some(url) => {
                let registered = store.statement(&StatementId::for_url(&url))?.is_some();
                Some(claimed_source(&verification, &url, registered))
            }
            None => None,
        };
        Ok((sha256, verification, claimed))
    })
    .await?;
    Ok(web::Json(VerificationRecord {
        verdict: verification.verdict,
        summary: summary(&verification),
        statements: verification.statements.iter().map(statement_verdict).collect(),
        sha256: sha256.map(|sha| sha.to_hex()),
        normalization: NORMALIZATION.to_owned(),
        normalized_sha256: verification.normalized_sha256.map(|sha| sha.to_hex()),
        matches: verification.matches.iter().map(match_record).collect(),
        truncated: verification.truncated,
        claimed_source: claimed,
    }))
}

/// The parts of a copy before its text is read.
enum CopyParts {
    Text {
        content: Content,
        content_type: ContentType,
    },
    Hash(Sha256),
    /// A SHA-1 only: the copy is the content of the versions stored with it, if any.
    Sha1(Sha1),
}

impl CopyParts {
    /// Reads the text of the copy (CPU-heavy: off the async workers); `None` for a SHA-1 no
    /// stored content has.
    fn read(self, store: &Store) -> Result<Option<HeldCopy>, StoreError> {
        Ok(Some(match self {
            Self::Text {
                content,
                content_type,
            } => HeldCopy {
                sha256: content.sha256(),
                text: Some(ComparableText::read(content.as_str(), content_type)),
            },
            Self::Hash(sha256) => HeldCopy { sha256, text: None },
            Self::Sha1(sha1) => match store.versions_with_sha1(&sha1, None, 1)?.items.first() {
                Some(version) => HeldCopy {
                    sha256: version.sha256,
                    text: None,
                },
                None => return Ok(None),
            },
        }))
    }
}

/// Parses a copy. With `content`, the fields it shares with an ingest request (`content`,
/// `content_type`, `sha256` checked against the content, `source_url`) are read by the ingest
/// request's own parser; without, the copy is its `sha256`.
fn parse(request: VerifyRequest) -> Result<(CopyParts, Option<SourceUrl>), FieldErrors> {
    let VerifyRequest {
        content,
        content_type,
        sha256,
        sha1,
        source_url,
    } = request;
    let sha1 = sha1
        .map(|raw| Sha1::parse("sha1", &raw))
        .transpose()
        .map_err(FieldErrors::from)?;
    if content.is_some() {
        let parsed = IngestRequest {
            source_url,
            content,
            content_type,
            sha256,
            title: None,
            publisher: None,
            published_at: None,
            media_contacts: None,
            captured_at: None,
        }
        .parse(false)?;
        if let Some(claimed) = sha1.filter(|&claimed| claimed != Sha1::of(parsed.content.as_bytes())) {
            return Err(FieldError::new(
                "sha1",
                format!(
                    "{claimed} does not match the content received: its SHA-1 is {}",
                    Sha1::of(parsed.content.as_bytes())
                ),
            )
            .into());
        }
        let parts = CopyParts::Text {
            content: parsed.content,
            content_type: parsed.metadata.content_type,
        };
        return Ok((parts, parsed.source_url));
    }
    let mut errors = FieldErrors::default();
    let claimed_url = errors.take(
        source_url
            .map(|raw| SourceUrl::parse("source_url", &raw))
            .transpose(),
    );
    let sha256 = errors.take(sha256.map(|raw| Sha256::parse("sha256", &raw)).transpose());
    errors.take(
        content_type
            .map(|raw| ContentType::parse("content_type", &raw))
            .transpose(),
    );
    errors.into_result()?;
    match (sha256.flatten(), sha1) {
        (Some(sha256), _) => Ok((CopyParts::Hash(sha256), claimed_url.flatten())),
        (None, Some(sha1)) => Ok((CopyParts::Sha1(sha1), claimed_url.flatten())),
        (None, None) => Err(FieldError::new("content", "is required, or else sha256 or sha1").into()),
    }
}

fn claimed_source(verification: &Verification, url: &SourceUrl, registered: bool) -> ClaimedSource {
    ClaimedSource {
        source_url: url.to_string(),
        statement_id: StatementId::for_url(url).to_string(),
        registered,
        verdict: verification.verdict_for(url),
    }
}

fn match_record(found: &CopyMatch) -> CopyMatchRecord {
    let version = &found.version;
    CopyMatchRecord {
        verdict: found.verdict,
        statement_id: version.statement_id.to_string(),
        source_url: version.source_url.to_string(),
        version: version.version.get(),
        latest_version: found.latest.get(),
        replaced_by: found.replaced_by.as_ref().map(replacement),
        proof_bundle: ProofBundle::from(&found.proof),
    }
}

fn statement_verdict(standing: &Standing) -> StatementVerdict {
    StatementVerdict {
        statement_id: standing.statement_id.to_string(),
        source_url: standing.source_url.to_string(),
        verdict: standing.verdict,
        current: standing.current,
        versions: standing.versions.iter().map(|n| n.get()).collect(),
        latest_version: standing.latest.get(),
        replaced_by: standing.replaced_by.as_ref().map(replacement),
    }
}

fn replacement(next: &Version) -> Replacement {
    let changed: Vec<String> = next
        .changed
        .iter()
        .map(|field| field.as_str().to_owned())
        .collect();
    Replacement {
        version: next.version.get(),
        ingested_at: rfc3339(next.ingested_at),
        summary: format!(
            "version {}, ingested {}, changed the {}",
            next.version,
            rfc3339(next.ingested_at),
            changed.join(", ").replace('_', " ")
        ),
        changed,
    }
}

/// The verdict in words: the overall verdict, then each statement with how the copy stands
/// there, those that replaced its wording first.
fn summary(verification: &Verification) -> String {
    let statements = &verification.statements;
    let count = |n: usize| {
        if n == 1 {
            "1 statement".to_owned()
        } else {
            format!("{n} statements")
        }
    };
    let moved_on = statements.iter().filter(|s| s.moved_on()).count();
    let headline = match verification.verdict {
        Verdict::Unknown => return "not in the registry".to_owned(),
        Verdict::Current => format!("current at {} holding this text", count(statements.len())),
        Verdict::Superseded => format!(
            "superseded at {moved_on} of {} holding this text",
            count(statements.len())
        ),
        Verdict::NormalizedMatch => format!(
            "not byte-identical to any version, but the same text once normalized at {}",
            count(statements.len())
        ),
    };
    let mut ordered: Vec<&Standing> = statements.iter().collect();
    ordered.sort_by_key(|standing| !standing.moved_on());
    let parts: Vec<String> = ordered
        .iter()
        .map(|standing| {
            let wording = if standing.current {
                "the current wording"
            } else {
                "a superseded wording"
            };
            let how = match standing.verdict {
                Verdict::Current => "the current wording".to_owned(),
                Verdict::Superseded => "a superseded wording".to_owned(),
                _ => format!("{wording}, once normalized,"),
            };
            let versions: Vec<String> = standing.versions.iter().map(ToString::to_string).collect();
            let plural = if versions.len() == 1 { "" } else { "s" };
            let replaced = standing.replaced_by.as_ref().map_or(String::new(), |next| {
                format!("; replaced by {}", replacement(next).summary)
            });
            format!(
                "{how} at {} (version{plural} {}{replaced})",
                standing.source_url,
                versions.join(", ")
            )
        })
        .collect();
    let truncated = if verification.truncated {
        " (more versions matched than are listed)"
    } else {
        ""
    };
    format!("{headline}{truncated}: {}", parts.join("; "))
}
