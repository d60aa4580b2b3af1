//! The HTTP interface: routes, the OpenAPI document, and the helpers every handler shares.
//! Handlers are thin: parse into domain types, call the store, shape the answer.

pub mod access;
mod batch;
mod body;
mod canonical;
mod cdx;
mod diff;
mod export;
mod extract;
pub(crate) mod feeds;
mod hashes;
pub mod headers;
mod health;
mod keys;
mod log;
mod memento;
pub mod model;
mod passages;
pub mod problem;
mod schemas;
mod served;
mod statements;
mod tiles;
pub mod verify;
pub(crate) mod watches;
mod webhooks;

pub use batch::{Batches, MAX_BATCH_BYTES, MAX_BATCH_LINES};
pub use body::{read_limited, BodyLimit};
pub use feeds::{statement_feed, FEED_PAGE, VERSIONS_FEED, WITHDRAWN_FEED};
pub use memento::TIMEMAP_PAGE;
pub use served::Served;

use actix_web::{error::QueryPayloadError, web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::domain::{StatementId, VersionNo};
use crate::store::{Cursor, StoreError};
use problem::ApiError;
use schemas::AtLeastOneField;

/// Page size when the client names none.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The largest page size; larger requests are capped to it.
pub const MAX_PAGE_SIZE: usize = 200;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Provenance",
        description = "A verifiable registry of public statements: every version of a press release, \
action alert, petition or article, with the SHA-256 of its exact bytes, its canonical source URL, \
publication date and media contacts.\n\nErrors are RFC 9457 `application/problem+json` naming the \
offending field. Writes are acknowledged only once durable on disk.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        statements::create_statement,
        batch::create_statements_batch,
        statements::list_statements,
        statements::get_statement,
        statements::list_versions,
        statements::get_version,
        statements::get_version_content,
        diff::diff_versions,
        extract::extract_statement,
        hashes::get_hash,
        verify::verify_copy,
        passages::search_passages,
        log::get_version_proof,
        log::get_checkpoint,
        log::get_log_key,
        log::get_inclusion_proof,
        log::get_consistency_proof,
        log::list_log_entries,
        tiles::get_tiles_checkpoint,
        tiles::get_tile,
        tiles::get_entry_bundle,
        keys::create_key,
        keys::list_keys,
        keys::revoke_key,
        watches::create_watch,
        watches::list_watches,
        watches::delete_watch,
        watches::list_observations,
        webhooks::create_webhook,
        webhooks::list_webhooks,
        webhooks::get_webhook,
        webhooks::rotate_webhook_secret,
        webhooks::disable_webhook,
        webhooks::enable_webhook,
        webhooks::delete_webhook,
        webhooks::list_webhook_deliveries,
        webhooks::redeliver_webhook_event,
        feeds::versions_feed,
        feeds::statement_versions_feed,
        feeds::withdrawn_feed,
        health::healthz,
        memento::memento,
        export::export_warc,
        cdx::cdx_pywb,
        cdx::cdx_wayback,
        cdx::wayback_available,
    ),
    modifiers(&BearerScheme, &AtLeastOneField),
    components(
        schemas(problem::Problem, problem::FieldProblem, crate::webhook::payload::Payload),
        responses(
        model::BadRequestProblem,
        model::InvalidProblem,
        model::NotFoundProblem,
        model::TooLargeProblem,
        model::UnsupportedMediaTypeProblem,
        model::ConflictProblem,
        model::UnavailableProblem,
        model::InsufficientStorageProblem,
        model::UnauthorizedProblem,
        model::ForbiddenProblem,
        model::RateLimitedProblem,
    )
    ),
    tags(
        (name = "statements", description = "Ingest statements and read their versions"),
        (name = "hashes", description = "Verify copies and find where a text or passage has appeared"),
        (name = "log", description = "The transparency log: signed checkpoints, proofs and entries, also as C2SP tlog-tiles"),
        (name = "keys", description = "API keys (admin keys only)"),
        (name = "watches", description = "Watched sources: fetched on a schedule, every change ingested, every fetch observed"),
        (name = "webhooks", description = "Signed webhooks (admin keys only): events POSTed to registered endpoints as the Standard Webhooks specification says; the body is a `Payload`"),
        (name = "feeds", description = "Atom 1.0 feeds: new versions, one statement's versions, withdrawn statements"),
        (name = "health", description = "Service status"),
        (name = "archive", description = "The web archives' protocols: Memento (RFC 7089) in the Wayback URL scheme, the CDX server API (Wayback and pywb), the Wayback availability API, and the registry as a WARC file"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer API keys that writes and key management need.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("pvk_<key id>_<secret>")
            .description(Some(
                "An API key created with `provenance keys create` or POST /v1/keys.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document as served at `/openapi.json` and committed at `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// Registers every route, the docs page and the error handlers of the extractors.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .app_data(web::QueryConfig::default().error_handler(|error, _| query_error(error).into()))
        .app_data(
            web::PathConfig::default()
                .error_handler(|error, _| ApiError::bad_request("path", error.to_string()).into()),
        )
        .service(statements::create_statement)
        .service(batch::create_statements_batch)
        // Other methods on the batch path are 405, not a statement id of `batch`.
        .service(web::resource("/v1/statements/batch").to(not_found))
        .service(statements::list_statements)
        .service(statements::get_statement)
        .service(statements::list_versions)
        .service(statements::get_version)
        .service(statements::get_version_content)
        .service(diff::diff_versions)
        .service(extract::extract_statement)
        .service(verify::verify_copy)
        .service(passages::search_passages)
        .service(hashes::get_hash)
        .service(log::get_version_proof)
        .service(log::get_checkpoint)
        .service(log::get_log_key)
        .service(log::get_inclusion_proof)
        .service(log::get_consistency_proof)
        .service(log::list_log_entries)
        // Bundles first: `/tile/{level}/…` would also match `/tile/entries/…`.
        .service(tiles::get_entry_bundle)
        .service(tiles::get_tile)
        .service(tiles::get_tiles_checkpoint)
        .service(keys::create_key)
        .service(keys::list_keys)
        .service(keys::revoke_key)
        .service(watches::create_watch)
        .service(watches::list_watches)
        .service(watches::delete_watch)
        .service(watches::list_observations)
        .service(webhooks::create_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::get_webhook)
        .service(webhooks::rotate_webhook_secret)
        .service(webhooks::disable_webhook)
        .service(webhooks::enable_webhook)
        .service(webhooks::delete_webhook)
        .service(webhooks::list_webhook_deliveries)
        .service(webhooks::redeliver_webhook_event)
        .service(feeds::versions_feed)
        .service(feeds::statement_versions_feed)
        .service(feeds::withdrawn_feed)
        .service(health::healthz)
        .service(memento::memento)
        .service(export::export_warc)
        .service(cdx::cdx_pywb)
        .service(cdx::cdx_wayback)
        .service(cdx::wayback_available)
        .service(web::resource("/openapi.json").get(serve_openapi))
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::from("/openapi.json").validator_url("none")),
        )
        .service(web::redirect("/docs", "/docs/"))
        .default_service(web::to(not_found));
}

async fn serve_openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(openapi_json())
}

/// Unrouted requests: 405 with `Allow` when the path is one of the document's with another
/// method, 404 otherwise; a browser asking for a page outside the API gets the 404 page.
async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if !req.path().starts_with("/v1/") && crate::web::wants_html(&req) {
        return Ok(crate::web::not_found_page(&req));
    }
    match allowed_methods(req.path()) {
        Some(allowed) => Err(ApiError::MethodNotAllowed(allowed)),
        None => Err(ApiError::NotFound(format!(
            "no resource at {} {}",
            req.method(),
            req.path()
        ))),
    }
}

/// A path template of the OpenAPI document, split at `/`, with the methods it allows.
type Route = (Vec<String>, Vec<String>);

/// The methods the OpenAPI document lists for the path template `path` matches, if any.
fn allowed_methods(path: &str) -> Option<Vec<String>> {
    static ROUTES: std::sync::OnceLock<Vec<Route>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        let document: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap_or_default();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        let mut routes: Vec<Route> = paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = item
                    .as_object()
                    .map(|ops| ops.keys().map(|m| m.to_uppercase()).collect());
                (segments, methods.unwrap_or_default())
            })
            .collect();
        routes.push((vec![String::new(), "openapi.json".into()], vec!["GET".into()]));
        routes
    });
    let segments: Vec<&str> = path.split('/').collect();
    // The most literal template wins: `/v1/statements/batch` over `/v1/statements/{statement_id}`.
    routes
        .iter()
        .filter(|(template, _)| {
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
        })
        .min_by_key(|(template, _)| template.iter().filter(|t| t.starts_with('{')).count())
        .map(|(_, methods)| methods.clone())
}

fn query_error(error: QueryPayloadError) -> ApiError {
    ApiError::bad_request("query", format!("the query string is malformed: {error}"))
}

/// Parses the `limit` and `cursor` query parameters of a list.
fn page_params(limit: Option<&str>, cursor: Option<&str>) -> Result<(usize, Option<Cursor>), ApiError> {
    page_params_up_to(limit, cursor, MAX_PAGE_SIZE)
}

/// Parses the `limit` and `cursor` query parameters of a list whose pages hold at most `max`
/// items (and [`DEFAULT_PAGE_SIZE`], or `max` if smaller, when no limit is asked).
fn page_params_up_to(
    limit: Option<&str>,
    cursor: Option<&str>,
    max: usize,
) -> Result<(usize, Option<Cursor>), ApiError> {
    let limit = match limit {
        None => DEFAULT_PAGE_SIZE.min(max),
        Some(raw) => match query_number(raw) {
            Some(0) | None => {
                return Err(ApiError::bad_request(
                    "limit",
                    format!("must be a whole number from 1 to {max} (larger values count as {max})"),
                ))
            }
            Some(n) => usize::try_from(n).unwrap_or(max).min(max),
        },
    };
    let cursor = cursor
        .map(|raw| Cursor::parse("cursor", raw))
        .transpose()
        .map_err(ApiError::BadRequest)?;
    Ok((limit, cursor))
}

/// A whole number sent as a query parameter. The OpenAPI document declares these `int64`, so
/// one above `i64::MAX` is refused like any other malformed number.
fn query_number(raw: &str) -> Option<u64> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| i64::try_from(*n).is_ok())
}

/// Runs blocking store work (disk flushes, hashing) on the blocking pool, off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    off_workers(move || Ok(work()?)).await
}

/// Runs a handler's store reads and the decisions between them on the blocking pool, off the
/// async workers; `work`'s errors are already the answer's.
pub(crate) async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    web::block(work).await.map_err(|_| ApiError::Overloaded)?
}

/// How long an expensive read waits for its turn before it is answered 503.
pub const HEAVY_READ_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The expensive reads (a diff, a passage search, the extraction or verification of a copy
/// sent in the body), each bounded in size, run on the blocking pool at most a few at a time
/// (one per CPU core by default): however many arrive, they cannot take every core or the
/// memory of the machine, and cheap requests keep being answered.
pub struct HeavyReads {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    wait: std::time::Duration,
}

impl HeavyReads {
    /// At most `concurrent` expensive reads at a time (at least one); the others wait up to
    /// `wait` ([`HEAVY_READ_WAIT`] in the service) for their turn.
    pub fn new(concurrent: usize, wait: std::time::Duration) -> Self {
        Self {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(concurrent.max(1))),
            wait,
        }
    }

    /// Runs `work` on the blocking pool once one of the permits is free; 503 with
    /// `Retry-After` when none is within the wait.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.turn().await?;
        blocking(work).await
    }

    /// Waits for one of the permits, to hold for as long as the work lasts; 503 with
    /// `Retry-After` when none is free within the wait.
    pub async fn turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        let permits = std::sync::Arc::clone(&self.permits);
        actix_web::rt::time::timeout(self.wait, permits.acquire_owned())
            .await
            .map_err(|_| ApiError::Busy)?
            .map_err(|_| ApiError::Busy)
    }
}

/// The path of a version resource, as sent in `Location`.
pub fn version_path(id: &StatementId, n: VersionNo) -> String {
    format!("/v1/statements/{id}/versions/{n}")
}

/// Log hashes in responses: standard base64, as in checkpoints.
fn base64(hash: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(hash)
}

/// Timestamps in responses: RFC 3339, UTC, microseconds.
pub(crate) fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn heavy_reads_take_turns_and_the_late_ones_get_busy() {
        let heavy = std::sync::Arc::new(HeavyReads::new(1, std::time::Duration::from_millis(50)));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = tokio::sync::oneshot::channel();
        let holder = {
            let heavy = std::sync::Arc::clone(&heavy);
            tokio::spawn(async move {
                heavy
                    .run(move || {
                        started.send(()).ok();
                        released.recv().ok();
                        Ok("first")
                    })
                    .await
            })
        };
        has_started.await.unwrap();
        let late = heavy.run(|| Ok("second")).await;
        assert!(matches!(late, Err(ApiError::Busy)), "no permit within the wait");
        release.send(()).unwrap();
        assert_eq!(holder.await.unwrap().unwrap(), "first");
        assert_eq!(
            heavy.run(|| Ok("third")).await.unwrap(),
            "third",
            "the permit is back"
        );
    }

    #[test]
    fn allowed_methods_come_from_the_document() {
        assert_eq!(
            allowed_methods("/v1/statements"),
            Some(vec!["GET".to_owned(), "POST".to_owned()])
        );
        assert_eq!(allowed_methods("/v1/keys/desk"), Some(vec!["DELETE".to_owned()]));
        assert_eq!(allowed_methods("/openapi.json"), Some(vec!["GET".to_owned()]));
        assert_eq!(allowed_methods("/v1/nowhere"), None);
        assert_eq!(
            allowed_methods("/v1/keys/"),
            None,
            "a template segment needs a value"
        );
    }
}
