//! Handlers of `/v1/statements`: ingest, look up, list, and read versions and their content.
//! Each parses its input into domain types, calls the store once, and shapes the answer.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use std::sync::Arc;

use super::access::require;
use super::body::{read_json, BodyLimit};
use super::headers::CONTENT_POLICY;
use super::model::*;
use super::problem::ApiError;
use super::served::Served;
use super::{blocking, page_params, version_path};
use crate::domain::{contact_term, StatementFilter};
use crate::domain::{Draft, KeyName, Role, SourceUrl, StatementId, Text, Version, VersionNo};
use crate::store::{Ingested, Store};

/// Contents up to this size are read and re-hashed on the async worker (a few tens of
/// microseconds, less than handing the work to the blocking pool costs); larger ones on the
/// blocking pool. Either way only when they are not in memory already ([`Served`]).
const INLINE_CONTENT_BYTES: u64 = 16 * 1024;

/// Ingest a statement.
///
/// Stores the submission as the next version of the statement its source URL names, unless it
/// repeats the latest version exactly (same content and metadata), in which case nothing is
/// created and that version is returned with 200. The answer is sent only once the write is
/// durable on disk.
///
/// A title, publication date or media-contact list the client does not send is read from the
/// content by the extractor (as `POST /v1/extract` shows), and `field_sources` marks it
/// `extracted`; the client's values always win, and an explicit empty `media_contacts` list
/// counts as sent. What the extractor does not find stays empty.
#[utoipa::path(
    post,
    path = "/v1/statements",
    tag = "statements",
    operation_id = "create_statement",
    security(("bearer" = [])),
    request_body(content = IngestRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "A new version was stored.", body = VersionRecord,
            headers(("Location" = String, description = "Path of the new version"))),
        (status = 200, description = "The submission repeats the latest version; nothing was created.", body = VersionRecord,
            headers(("Location" = String, description = "Path of the latest version"))),
        WriteErrors,
        (status = 503, response = UnavailableProblem),
        (status = 507, response = InsufficientStorageProblem),
    )
)]
#[post("/v1/statements")]
pub async fn create_statement(
    req: HttpRequest,
    payload: web::Payload,
    store: web::Data<Store>,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, ApiError> {
    let caller = require(&req, Role::Writer)?;
    let request: IngestRequest = read_json(&req, payload, **limit).await?;
    let draft = draft_of(request, caller.name)?;
    let store = store.into_inner();
    let (status, version) = answer(blocking(move || store.ingest(draft.read(), Utc::now())).await?);
    Ok(HttpResponse::build(status)
        .insert_header((
            header::LOCATION,
            version_path(&version.statement_id, version.version),
        ))
        .json(VersionRecord::from(&version)))
}

/// The draft an ingest request makes, submitted by the key named `by`: what single and bulk
/// ingest both store.
pub(super) fn draft_of(request: IngestRequest, by: KeyName) -> Result<Draft, ApiError> {
    let mut draft = Draft::try_from(request)?;
    draft.submitted_by = Some(by);
    Ok(draft)
}

/// The status an ingest is answered with (201 created, 200 unchanged) and its version.
pub(super) fn answer(outcome: Ingested) -> (StatusCode, Version) {
    match outcome {
        Ingested::Created(version) => (StatusCode::CREATED, version),
        Ingested::Unchanged(version) => (StatusCode::OK, version),
    }
}

/// List statements, or look one up by source URL.
///
/// With `source_url`, returns the statement of that URL (canonicalized as on ingest), or an
/// empty list. Otherwise lists statements whose latest version matches every filter given.
#[utoipa::path(
    get,
    path = "/v1/statements",
    tag = "statements",
    operation_id = "list_statements",
    params(ListStatementsQuery),
    responses(
        (status = 200, description = "A page of statements.", body = StatementPage),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements")]
pub async fn list_statements(
    query: web::Query<ListStatementsQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<StatementPage>, ApiError> {
    let query = query.into_inner();
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let date = |field: &str, raw: Option<String>| {
        raw.map(|raw| {
            NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .map_err(|_| ApiError::bad_request(field, "must be a date: YYYY-MM-DD"))
        })
        .transpose()
    };
    let text = |field: &str, raw: Option<String>| {
        raw.map(|raw| {
            Text::parse(field, &raw, 300)
                .map(|t| t.folded())
                .map_err(ApiError::BadRequest)
        })
        .transpose()
    };
    let filter = StatementFilter {
        source_url: query
            .source_url
            .map(|raw| SourceUrl::parse("source_url", &raw))
            .transpose()
            .map_err(ApiError::BadRequest)?,
        publisher: text("publisher", query.publisher)?,
        contact: text("contact", query.contact)?.map(|term| contact_term(&term)),
        published_after: date("published_after", query.published_after)?,
        published_before: date("published_before", query.published_before)?,
    };
    let store = store.into_inner();
    let page = blocking(move || store.statements(&filter, cursor.as_ref(), limit)).await?;
    Ok(web::Json(StatementPage {
        items: page.items.iter().map(StatementRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}

/// Get a statement.
///
/// The statement with its latest version, version count, and first-seen and last-changed times.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}",
    tag = "statements",
    operation_id = "get_statement",
    params(("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)")),
    responses(
        (status = 200, description = "The statement.", body = StatementRecord),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements/{statement_id}")]
pub async fn get_statement(
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<web::Json<StatementRecord>, ApiError> {
    let id = statement_id(&path)?;
    let store = store.into_inner();
    let (statement, withdrawal) =
        blocking(move || Ok((store.statement(&id)?, store.watches().withdrawal(&id)?))).await?;
    let statement = statement.ok_or_else(|| unknown_statement(&id))?;
    let mut record = StatementRecord::from(&statement);
    record.withdrawal = withdrawal.as_ref().map(super::watches::WithdrawalRecord::from);
    Ok(web::Json(record))
}

/// List a statement's versions.
///
/// Every version in order, oldest first.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/versions",
    tag = "statements",
    operation_id = "list_versions",
    params(("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"), PageQuery),
    responses(
        (status = 200, description = "A page of versions.", body = VersionPage),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements/{statement_id}/versions")]
pub async fn list_versions(
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<VersionPage>, ApiError> {
    let id = statement_id(&path)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let page = store
        .versions(&id, cursor.as_ref(), limit)?
        .ok_or_else(|| unknown_statement(&id))?;
    Ok(web::Json(VersionPage {
        items: page.items.iter().map(VersionRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}

/// Get one version of a statement.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/versions/{version}",
    tag = "statements",
    operation_id = "get_version",
    params(
        ("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"),
        ("version" = u32, Path, minimum = 1, description = "The version number"),
    ),
    responses(
        (status = 200, description = "The version record.", body = VersionRecord),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements/{statement_id}/versions/{version}")]
pub async fn get_version(
    path: web::Path<(String, String)>,
    store: web::Data<Store>,
    served: web::Data<Served>,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = version_address(&path)?;
    let version = served
        .version(&store, &id, n)?
        .ok_or_else(|| unknown_version(&id, n))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(version.record.clone()))
}

/// Get the content of a version.
///
/// The exact bytes ingested, with their media type, an `ETag` made of their SHA-256 and an
/// RFC 9530 `Repr-Digest` header, so that a script can check what it downloaded. The server
/// hashes the bytes when it reads them from its store and sends only bytes that match. Supports `If-None-Match`. Stored text is
/// attacker-controlled: it is served with `Content-Security-Policy: sandbox` (no script of a
/// stored HTML page runs, and it gets no origin) and `X-Content-Type-Options: nosniff`.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/versions/{version}/content",
    tag = "statements",
    operation_id = "get_version_content",
    params(
        ("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"),
        ("version" = u32, Path, minimum = 1, description = "The version number"),
    ),
    responses(
        (status = 200, description = "The content, byte for byte as ingested.",
            content(
                (String = "text/plain", example = "MIAMI— Attorney General Jeff Sessions will visit Miami, FL today…"),
                (String = "text/html"),
                (String = "text/markdown"),
            ),
            headers(
                ("ETag" = String, description = "`\"<sha256 hex>\"`"),
                ("Repr-Digest" = String, description = "`sha-256=:<base64 of the SHA-256>:` (RFC 9530)"),
            )),
        (status = 304, description = "The client's copy (`If-None-Match`) is current."),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements/{statement_id}/versions/{version}/content")]
pub async fn get_version_content(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    store: web::Data<Store>,
    served: web::Data<Served>,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = version_address(&path)?;
    let version = served
        .version(&store, &id, n)?
        .ok_or_else(|| unknown_version(&id, n))?;
    let etag = &version.etag;
    let cached = super::feeds::is_current(&req, etag);
    let mut response = if cached {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header(("Repr-Digest", version.repr_digest.as_str()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_POLICY));
    for memento_header in super::memento::content_headers(&req, &version.version) {
        response.insert_header(memento_header);
    }
    if cached {
        return Ok(response.finish());
    }
    let bytes = match served.kept_content(&version.version) {
        Some(bytes) => bytes,
        None if version.version.content_length <= INLINE_CONTENT_BYTES => {
            served.read_content(&store, &version.version)?
        }
        None => {
            let (store, served, version) = (store.into_inner(), served.into_inner(), Arc::clone(&version));
            blocking(move || served.read_content(&store, &version.version)).await?
        }
    };
    Ok(response.content_type(version.content_type.as_str()).body(bytes))
}

pub(super) fn statement_id(raw: &str) -> Result<StatementId, ApiError> {
    StatementId::parse("statement_id", raw).map_err(ApiError::BadRequest)
}

/// Parses the `{statement_id}/versions/{version}` part of a path.
pub(super) fn version_address(path: &(String, String)) -> Result<(StatementId, VersionNo), ApiError> {
    let id = statement_id(&path.0)?;
    let n = VersionNo::parse("version", &path.1).map_err(ApiError::BadRequest)?;
    Ok((id, n))
}

pub(super) fn unknown_statement(id: &StatementId) -> ApiError {
    ApiError::NotFound(format!("no statement has the id {id}"))
}

pub(super) fn unknown_version(id: &StatementId, n: VersionNo) -> ApiError {
    ApiError::NotFound(format!("statement {id} has no version {n}"))
}
