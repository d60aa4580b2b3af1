//! Handler of `/v1/statements/{id}/diff`: what changed between two versions.

use actix_web::http::header::ContentType as MediaType;
use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::problem::ApiError;
use super::statements::{statement_id, unknown_statement, unknown_version};
use super::{rfc3339, HeavyReads};
use crate::domain::{Field, FieldError, VersionNo};
use crate::find::diff::{diff_with_defaults, Refusal, VersionDiff};
use crate::store::Store;
use crate::text::diff::{html, unified, DiffKind, Granularity};

/// Which versions to compare, and how to show the result.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DiffQuery {
    /// The older version; by default the one before `to`.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub from: Option<String>,
    /// The newer version; by default the latest.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub to: Option<String>,
    /// `json` (the default), `unified` (a unified diff of the content, text/plain) or `html`
    /// (the new content with `<ins>` and `<del>`, text/html).
    #[param(value_type = Option<String>, pattern = "^(json|unified|html)$")]
    pub format: Option<String>,
}

/// The differences between two versions of a statement.
#[derive(Serialize, ToSchema)]
pub struct DiffRecord {
    pub statement_id: String,
    pub from: DiffSide,
    pub to: DiffSide,
    /// Whether the content bytes differ.
    pub content_changed: bool,
    /// Characters added to and removed from the content.
    pub chars_added: usize,
    pub chars_removed: usize,
    /// True when no metadata field changed and the content changed only in whitespace,
    /// punctuation, quote and dash styles, or page boilerplate (or not at all): a change
    /// integrations may ignore.
    pub cosmetic: bool,
    /// What `operations` are made of: `words`, unless the two contents together have more
    /// than 100,000 words, spaces and punctuation marks; then `lines`, unless they have more
    /// than 100,000 lines; then `whole` (the common first and last lines, and everything
    /// between as one change). See the README's limits.
    #[schema(value_type = String, pattern = "^(words|lines|whole)$")]
    pub granularity: Granularity,
    /// The metadata fields that differ, with both values.
    pub metadata_changes: Vec<MetadataChange>,
    /// The word diff of the content: spans of equal, inserted and deleted text, in order.
    /// `old_*` are byte offsets in the older content, `new_*` in the newer.
    pub operations: Vec<DiffOperation>,
}

/// One side of a diff.
#[derive(Serialize, ToSchema)]
pub struct DiffSide {
    pub version: u32,
    pub sha256: String,
    pub ingested_at: String,
}

/// A metadata field that differs between the two versions.
#[derive(Serialize, ToSchema)]
pub struct MetadataChange {
    /// `content_type`, `title`, `publisher`, `published_at` or `media_contacts`.
    pub field: String,
    /// The older value, as in the version record: a string, a list of contacts, or null.
    pub from: serde_json::Value,
    /// The newer value.
    pub to: serde_json::Value,
}

/// A run of equal, inserted or deleted content.
#[derive(Serialize, ToSchema)]
pub struct DiffOperation {
    /// `equal`, `insert` or `delete`.
    pub op: String,
    pub old_start: usize,
    pub old_end: usize,
    pub new_start: usize,
    pub new_end: usize,
    pub text: String,
}

/// Show what changed between two versions.
///
/// A word-level diff of the content (as JSON operations, a unified diff, or HTML with
/// `<ins>`/`<del>`), the metadata fields that changed, counts of characters added and removed,
/// and a `cosmetic` flag for changes of whitespace, punctuation or boilerplate only.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/diff",
    tag = "statements",
    operation_id = "diff_versions",
    params(
        ("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"),
        DiffQuery,
    ),
    responses(
        (status = 200, description = "The differences.", content(
            (DiffRecord = "application/json"),
            (String = "text/plain"),
            (String = "text/html"),
        )),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
        (status = 503, response = UnavailableProblem),
    )
)]
#[get("/v1/statements/{statement_id}/diff")]
pub async fn diff_versions(
    path: web::Path<String>,
    query: web::Query<DiffQuery>,
    store: web::Data<Store>,
    heavy: web::Data<HeavyReads>,
) -> Result<HttpResponse, ApiError> {
    let id = statement_id(&path)?;
    let query = query.into_inner();
    let number = |field: &str, raw: Option<String>| {
        raw.map(|raw| VersionNo::parse(field, &raw).map_err(ApiError::BadRequest))
            .transpose()
    };
    let (from, to) = (number("from", query.from)?, number("to", query.to)?);
    let format = query.format.unwrap_or_else(|| "json".to_owned());
    if !["json", "unified", "html"].contains(&format.as_str()) {
        return Err(ApiError::bad_request("format", "must be json, unified or html"));
    }
    let store = store.into_inner();
    let rendered = heavy
        .run(move || {
            let compared = match diff_with_defaults(&store, &id, from, to)? {
                Ok(compared) => compared,
                Err(Refusal::UnknownStatement) => return Ok(Err(unknown_statement(&id))),
                Err(Refusal::UnknownVersion(n)) => return Ok(Err(unknown_version(&id, n))),
                Err(Refusal::FromAfterTo { to }) => {
                    return Ok(Err(ApiError::BadRequest(FieldError::new(
                        "from",
                        format!("must not be after to ({to})"),
                    ))))
                }
            };
            // Rendered here, on the blocking pool: the texts may be megabytes long.
            Ok(Ok(match format.as_str() {
                "unified" => Rendered::Text(
                    MediaType::plaintext(),
                    unified(
                        &compared.old_text,
                        &compared.new_text,
                        &format!("version {}", compared.from.version),
                        &format!("version {}", compared.to.version),
                    ),
                ),
                "html" => Rendered::Text(MediaType::html(), html(&compared.words)),
                _ => Rendered::Json(record(&compared)),
            }))
        })
        .await??;
    Ok(match rendered {
        Rendered::Text(media_type, text) => HttpResponse::Ok().content_type(media_type).body(text),
        Rendered::Json(record) => HttpResponse::Ok().json(record),
    })
}

/// A diff in the form asked for.
enum Rendered {
    Json(DiffRecord),
    Text(MediaType, String),
}

fn record(compared: &VersionDiff) -> DiffRecord {
    let words = &compared.words;
    let side = |version: &crate::domain::Version| DiffSide {
        version: version.version.get(),
        sha256: version.sha256.to_hex(),
        ingested_at: rfc3339(version.ingested_at),
    };
    let metadata = |version: &crate::domain::Version| {
        serde_json::to_value(MetadataRecord::new(&version.metadata, version.sources)).unwrap_or_default()
    };
    let (old, new) = (metadata(&compared.from), metadata(&compared.to));
    DiffRecord {
        statement_id: compared.from.statement_id.to_string(),
        from: side(&compared.from),
        to: side(&compared.to),
        content_changed: compared.from.sha256 != compared.to.sha256,
        chars_added: words.chars_added,
        chars_removed: words.chars_removed,
        cosmetic: compared.cosmetic,
        granularity: words.granularity,
        metadata_changes: compared
            .metadata_changes
            .iter()
            .map(|field: &Field| MetadataChange {
                field: field.as_str().to_owned(),
                from: old[field.as_str()].clone(),
                to: new[field.as_str()].clone(),
            })
            .collect(),
        operations: words
            .ops
            .iter()
            .map(|op| DiffOperation {
                op: match op.kind {
                    DiffKind::Equal => "equal",
                    DiffKind::Insert => "insert",
                    DiffKind::Delete => "delete",
                }
                .to_owned(),
                old_start: op.old.start,
                old_end: op.old.end,
                new_start: op.new.start,
                new_end: op.new.end,
                text: op.text.clone(),
            })
            .collect(),
    }
}
