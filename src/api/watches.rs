//! Handlers of `/v1/watches` (register, list and stop watched sources; writer keys, each its
//! own, admin keys all) and of a statement's observations. Their wire types live here too.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::require;
use super::body::{read_json, BodyLimit};
use super::model::{
    BadRequestProblem, ForbiddenProblem, NotFoundProblem, PageQuery, RateLimitedProblem, UnauthorizedProblem,
    WriteErrors,
};
use super::problem::ApiError;
use super::statements::{statement_id, unknown_statement};
use super::{blocking, page_params, rfc3339};
use crate::domain::{
    FieldError, FieldErrors, Interval, Observation, Role, SourceUrl, Watch, WatchId, Withdrawal,
};
use crate::outbound::OutboundError;
use crate::store::{Store, WatchRefusal};
use crate::watch::Watcher;

/// A source to watch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source_url": "https://www.example.org/news/2024/statement", "every": "15m"}))]
pub struct WatchRequest {
    /// The page to fetch: an absolute http(s) URL, canonicalized as on ingest.
    #[schema(required = true, schema_with = super::model::source_url_schema)]
    pub source_url: Option<String>,
    /// How often: `90s`, `15m`, `1h`, `1h30m`, `1d`…, at least the service's minimum
    /// (5 minutes unless configured otherwise), at most 30 days.
    #[schema(required = true, value_type = String, pattern = "^(?:[5-9]m|[1-9][0-9]{1,2}m|[1-9][0-9]?h)$")]
    pub every: Option<String>,
}

/// One fetch of a watched source.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ObservationRecord {
    pub watch_id: String,
    /// When the fetch started (RFC 3339, UTC); also the `ingested_at` of a version it created.
    pub at: String,
    /// The HTTP status of the final answer, if there was one.
    pub status: Option<u16>,
    /// The URL that answered, after redirects.
    pub final_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// SHA-256 (hex) of the bytes received in a 2xx answer.
    pub sha256: Option<String>,
    /// `new_version`, `unchanged`, `not_modified`, `gone` (404, 410, or the name does not
    /// resolve), `redirected` (the URL now leads elsewhere; nothing ingested) or `error`.
    #[schema(value_type = String, example = "new_version")]
    pub outcome: crate::domain::Outcome,
    /// Why, for `gone`, `redirected` and `error`.
    pub reason: Option<String>,
    /// The version the bytes are: the new one, or the latest one they repeat.
    pub version: Option<u32>,
}

impl From<&Observation> for ObservationRecord {
    fn from(observation: &Observation) -> Self {
        Self {
            watch_id: observation.watch_id.to_string(),
            at: rfc3339(observation.at),
            status: observation.status,
            final_url: observation.final_url.clone(),
            etag: observation.etag.clone(),
            last_modified: observation.last_modified.clone(),
            sha256: observation.sha256.map(|sha| sha.to_string()),
            outcome: observation.outcome,
            reason: observation.reason.clone(),
            version: observation.version.map(|n| n.get()),
        }
    }
}

/// A watched source and its schedule.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WatchRecord {
    /// 16 lowercase hex digits.
    pub watch_id: String,
    pub source_url: String,
    /// The statement the source's versions go to.
    pub statement_id: String,
    /// The interval, shortest form (`15m`, `1h30m`).
    pub every: String,
    pub every_seconds: u64,
    /// The key that made the watch; the versions it ingests name it in `ingested_by`.
    pub created_by: String,
    pub created_at: String,
    pub next_run_at: String,
    pub last_fetch: Option<ObservationRecord>,
}

impl From<&Watch> for WatchRecord {
    fn from(watch: &Watch) -> Self {
        Self {
            watch_id: watch.id.to_string(),
            source_url: watch.source_url.to_string(),
            statement_id: crate::domain::StatementId::for_url(&watch.source_url).to_string(),
            every: watch.every.to_string(),
            every_seconds: watch.every.seconds(),
            created_by: watch.owner.to_string(),
            created_at: rfc3339(watch.created_at),
            next_run_at: rfc3339(watch.next_run_at),
            last_fetch: watch.last_fetch.as_ref().map(ObservationRecord::from),
        }
    }
}

/// A page of watches.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WatchPage {
    pub items: Vec<WatchRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// A page of observations, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ObservationPage {
    pub items: Vec<ObservationRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// A statement whose source stopped answering (404, 410, or its name stopped resolving) on
/// consecutive fetches.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WithdrawalRecord {
    pub withdrawn_at: String,
    /// The consecutive observations that made it withdrawn.
    pub evidence: Vec<ObservationRecord>,
    /// When the source answered again, if it has.
    pub restored_at: Option<String>,
}

impl From<&Withdrawal> for WithdrawalRecord {
    fn from(withdrawal: &Withdrawal) -> Self {
        Self {
            withdrawn_at: rfc3339(withdrawal.withdrawn_at),
            evidence: withdrawal.evidence.iter().map(ObservationRecord::from).collect(),
            restored_at: withdrawal.restored_at.map(rfc3339),
        }
    }
}

/// Watch a source.
///
/// The service fetches the URL now and then at the interval (with a little jitter), politely:
/// one request at a time per host, a delay between requests to a host, conditional requests,
/// robots.txt honoured. A fetch whose text differs from the statement's latest version is
/// ingested as its next version, in the name of the key that made the watch; every fetch is
/// recorded as an observation (`GET /v1/statements/{id}/observations`). A URL whose host is a
/// non-public address is refused (422) unless the operator allows it.
#[utoipa::path(
    post,
    path = "/v1/watches",
    tag = "watches",
    operation_id = "create_watch",
    security(("bearer" = [])),
    request_body(content = WatchRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The watch.", body = WatchRecord,
            headers(("Location" = String, description = "Path of the watch"))),
        WriteErrors,
    )
)]
#[post("/v1/watches")]
pub async fn create_watch(
    req: HttpRequest,
    payload: web::Payload,
    store: web::Data<Store>,
    watcher: web::Data<Watcher>,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, ApiError> {
    let caller = require(&req, Role::Writer)?;
    let request: WatchRequest = read_json(&req, payload, **limit).await?;
    let settings = watcher.settings();
    let mut errors = FieldErrors::default();
    let source_url = errors.take(request.source_url.as_deref().map_or_else(
        || Err(FieldError::new("source_url", "is required")),
        |raw| {
            let url = SourceUrl::parse("source_url", raw)?;
            check_reachable(&watcher, &url)?;
            Ok(url)
        },
    ));
    let every = errors.take(request.every.as_deref().map_or_else(
        || Err(FieldError::new("every", "is required")),
        |raw| Interval::parse("every", raw, settings.watch_min_interval_secs),
    ));
    errors.into_result()?;
    let (Some(source_url), Some(every)) = (source_url, every) else {
        return Err(FieldErrors::from(FieldError::new("source_url", "is required")).into());
    };
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|_| ApiError::Overloaded)?;
    let now = Utc::now();
    let watch = Watch {
        id: WatchId::from_bytes(id),
        source_url,
        every,
        owner: caller.name,
        created_at: now,
        // The first fetch is now, give or take a second.
        next_run_at: now + chrono::Duration::milliseconds(crate::watch::random_permille().abs()),
        etag: None,
        last_modified: None,
        last_fetch: None,
        misses: Vec::new(),
    };
    let max = settings.watch_max_per_key;
    let stored = watch.clone();
    let store = store.into_inner();
    match blocking(move || store.watches().create(&stored, max)).await? {
        Ok(()) => {}
        Err(WatchRefusal::TooMany(count)) => {
            return Err(ApiError::Conflict(format!(
                "the key {} has {count} watches, the most allowed; stop one first",
                watch.owner
            )))
        }
    }
    watcher.schedule(&watch);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/watches/{}", watch.id)))
        .json(WatchRecord::from(&watch)))
}

/// Refuses, at registration, a URL whose host is an IP address the fetcher would refuse (a
/// host name is checked on its addresses at every fetch).
fn check_reachable(watcher: &Watcher, url: &SourceUrl) -> Result<(), FieldError> {
    let parsed =
        url::Url::parse(url.as_str()).map_err(|error| FieldError::new("source_url", error.to_string()))?;
    match watcher.outbound().check(&parsed) {
        Ok(()) => Ok(()),
        Err(OutboundError::Refused { ip, reason, .. }) => Err(FieldError::new(
            "source_url",
            format!("is refused: {ip} is a {reason} address, which this service does not fetch"),
        )),
        Err(error) => Err(FieldError::new("source_url", error.to_string())),
    }
}

/// List watches.
///
/// The caller's own watches; an admin key sees everyone's. Each with its last fetch and next run.
#[utoipa::path(
    get,
    path = "/v1/watches",
    tag = "watches",
    operation_id = "list_watches",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of watches.", body = WatchPage),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 403, response = ForbiddenProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/watches")]
pub async fn list_watches(
    req: HttpRequest,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<WatchPage>, ApiError> {
    let caller = require(&req, Role::Writer)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let owner = (caller.role != Role::Admin).then_some(caller.name);
    let store = store.into_inner();
    let page = blocking(move || store.watches().list(owner.as_ref(), cursor.as_ref(), limit)).await?;
    Ok(web::Json(WatchPage {
        items: page.items.iter().map(WatchRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}

/// Stop a watch.
///
/// The watch's observations and the versions it ingested stay. Writer keys may stop their own
/// watches, admin keys any.
#[utoipa::path(
    delete,
    path = "/v1/watches/{watch_id}",
    tag = "watches",
    operation_id = "delete_watch",
    security(("bearer" = [])),
    params(("watch_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The watch's id")),
    responses(
        (status = 204, description = "The watch is stopped."),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 403, response = ForbiddenProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[delete("/v1/watches/{watch_id}")]
pub async fn delete_watch(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let caller = require(&req, Role::Writer)?;
    let id = WatchId::parse("watch_id", &path).map_err(ApiError::BadRequest)?;
    let owner = (caller.role != Role::Admin).then_some(caller.name);
    let store = store.into_inner();
    match blocking(move || store.watches().delete(&id, owner.as_ref())).await? {
        Some(_) => Ok(HttpResponse::NoContent().finish()),
        None => Err(ApiError::NotFound(format!("no watch of yours has the id {id}"))),
    }
}

/// List a statement's observations.
///
/// Every fetch of the statement's watched source, oldest first: time, status, final URL,
/// validators, hash of the bytes and outcome.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/observations",
    tag = "watches",
    operation_id = "list_observations",
    params(("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"), PageQuery),
    responses(
        (status = 200, description = "A page of observations.", body = ObservationPage),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements/{statement_id}/observations")]
pub async fn list_observations(
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<ObservationPage>, ApiError> {
    let id = statement_id(&path)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let store = store.into_inner();
    // A watched source that never answered with a page has observations but no statement yet.
    let page = blocking(move || {
        let page = store.watches().observations(&id, cursor.as_ref(), limit)?;
        let known = !page.items.is_empty() || cursor.is_some() || store.statement(&id)?.is_some();
        Ok(known.then_some(page))
    })
    .await?
    .ok_or_else(|| unknown_statement(&id))?;
    Ok(web::Json(ObservationPage {
        items: page.items.iter().map(ObservationRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}
