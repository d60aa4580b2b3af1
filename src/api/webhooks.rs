//! Handlers of `/v1/webhooks` (admin keys only): register endpoints (the signing secret shown
//! once), list, rotate the secret, disable, enable, delete, the delivery log and a manual
//! redelivery. Their wire types live here too.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::require;
use super::body::{read_json, BodyLimit};
use super::model::{AdminLookupErrors, PageQuery, WriteErrors};
use super::problem::ApiError;
use super::{blocking, page_params, rfc3339};
use crate::domain::{
    Attempt, AttemptOutcome, Endpoint, EndpointFilters, EventId, EventKind, FieldError, FieldErrors, Role,
    Secret, WebhookId,
};
use crate::outbound::OutboundError;
use crate::store::{Store, StoreError};
use crate::webhook::Dispatcher;

/// The longest grace period of a rotated secret: 7 days.
const MAX_GRACE_SECS: u64 = 7 * 24 * 3600;
/// The grace period of a rotated secret unless asked otherwise: 24 hours.
const DEFAULT_GRACE_SECS: u64 = 24 * 3600;

/// An endpoint to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://newsroom.example.org/hooks/provenance", "events": ["version.created", "statement.withdrawn"], "filters": {"publisher": "American Civil Liberties Union"}}))]
pub struct WebhookRequest {
    #[schema(required = true, schema_with = super::model::endpoint_url_schema)]
    pub url: Option<String>,
    #[schema(required = true, schema_with = events_schema)]
    pub events: Option<Vec<String>>,
    /// Only events whose version (for a withdrawal, the statement's latest) matches all given.
    #[serde(default)]
    pub filters: Option<FiltersRecord>,
    /// A note for the admins, up to 300 characters.
    #[schema(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub description: Option<String>,
}

/// The schema of `events`: at least one event name (a name given twice counts once).
fn events_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let name = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(EventKind::ALL.map(EventKind::as_str)));
    ArrayBuilder::new()
        .items(name)
        .min_items(Some(1))
        .description(Some(
            "The events wanted: any of `version.created`, `statement.withdrawn`, `statement.restored`.",
        ))
        .build()
}

/// An endpoint's filters: the publisher, a media contact (name, organization, e-mail or phone)
/// and a prefix of the canonical source URL.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiltersRecord {
    /// Compared case-insensitively with white space folded.
    #[schema(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub publisher: Option<String>,
    /// A name, organization or e-mail address (case-insensitive), or a phone number (by digits).
    #[schema(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub contact: Option<String>,
    /// A prefix of the canonical source URL: printable ASCII, percent-encoded.
    #[schema(min_length = 1, max_length = 2048, pattern = r"^[\x21-\x7e]+$")]
    pub source_prefix: Option<String>,
}

/// A webhook endpoint, never with its secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookRecord {
    /// 16 lowercase hex digits.
    pub webhook_id: String,
    pub url: String,
    pub events: Vec<String>,
    pub filters: FiltersRecord,
    pub description: Option<String>,
    pub created_at: String,
    /// Whether it gets deliveries.
    pub enabled: bool,
    /// When and why it stopped getting them: disabled by an admin, 410 Gone, or every delivery
    /// failed for the whole retry window.
    pub disabled_at: Option<String>,
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed, while that lasts.
    pub failing_since: Option<String>,
    /// Until when deliveries are also signed with the secret before the last rotation.
    pub previous_secret_valid_until: Option<String>,
}

impl From<&Endpoint> for WebhookRecord {
    fn from(endpoint: &Endpoint) -> Self {
        let filters = &endpoint.filters;
        Self {
            webhook_id: endpoint.id.to_string(),
            url: endpoint.url.clone(),
            events: endpoint
                .events
                .iter()
                .map(|kind| kind.as_str().to_owned())
                .collect(),
            filters: FiltersRecord {
                publisher: filters.publisher.clone(),
                contact: filters.contact.clone(),
                source_prefix: filters.source_prefix.clone(),
            },
            description: endpoint.description.clone(),
            created_at: rfc3339(endpoint.created_at),
            enabled: endpoint.disabled.is_none(),
            disabled_at: endpoint.disabled.as_ref().map(|disabled| rfc3339(disabled.at)),
            disabled_reason: endpoint.disabled.as_ref().map(|disabled| disabled.reason.clone()),
            failing_since: endpoint.failing_since.map(rfc3339),
            previous_secret_valid_until: endpoint
                .previous_secret
                .as_ref()
                .filter(|(_, until)| *until > Utc::now())
                .map(|(_, until)| rfc3339(*until)),
        }
    }
}

/// An endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookWithSecret {
    pub webhook: WebhookRecord,
    /// `whsec_` and the base64 of 32 random bytes: give it to a Standard Webhooks library to
    /// verify deliveries. The registry never shows it again.
    pub secret: String,
}

/// A page of endpoints.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// A rotation of the signing secret.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateRequest {
    /// Seconds the old secret stays valid beside the new one: a whole number from 0 to 604800
    /// (7 days); 86400 by default.
    #[schema(value_type = Option<u64>, minimum = 0, maximum = 604800)]
    pub grace_seconds: Option<f64>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryRecord {
    /// The event's id, sent as `webhook-id` on every attempt.
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// When the attempt started (RFC 3339, UTC).
    pub at: String,
    /// 1 for the first attempt of a delivery.
    pub attempt: u32,
    /// The HTTP status of the answer, when there was one.
    pub status: Option<u16>,
    pub latency_ms: u64,
    /// `delivered`, `failed` (will be retried), `gave_up` (the retry window is over) or
    /// `unsubscribed` (410: the endpoint is disabled).
    #[schema(value_type = String, example = "delivered")]
    pub outcome: AttemptOutcome,
    pub error: Option<String>,
}

impl From<&Attempt> for DeliveryRecord {
    fn from(attempt: &Attempt) -> Self {
        Self {
            event_id: attempt.event.to_string(),
            kind: attempt.kind.as_str().to_owned(),
            at: rfc3339(attempt.at),
            attempt: attempt.attempt,
            status: attempt.status,
            latency_ms: attempt.latency_ms,
            outcome: attempt.outcome,
            error: attempt.error.clone(),
        }
    }
}

/// A page of delivery attempts, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// An event to deliver again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeliverRequest {
    /// The event's id, as in the delivery log or a delivery's `webhook-id`.
    #[schema(
        required = true,
        value_type = String,
        example = "msg_000000000000002a",
        pattern = "^msg_[0-9a-f]{16}$"
    )]
    pub event_id: Option<String>,
}

/// Register a webhook endpoint.
///
/// From now on, every event of the kinds asked for whose version passes the filters is
/// POSTed to the URL, signed as the Standard Webhooks specification says (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`), at least once, retried
/// with exponential backoff for the retry window (24 hours by default). The answer holds the
/// signing secret, this once.
#[utoipa::path(
    post,
    path = "/v1/webhooks",
    tag = "webhooks",
    operation_id = "create_webhook",
    security(("bearer" = [])),
    request_body(content = WebhookRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The endpoint, with its secret.", body = WebhookWithSecret,
            headers(("Location" = String, description = "Path of the endpoint"))),
        WriteErrors,
    )
)]
#[post("/v1/webhooks")]
pub async fn create_webhook(
    req: HttpRequest,
    payload: web::Payload,
    store: web::Data<Store>,
    dispatcher: web::Data<Dispatcher>,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, ApiError> {
    require(&req, Role::Admin)?;
    let request: WebhookRequest = read_json(&req, payload, **limit).await?;
    let mut errors = FieldErrors::default();
    let url = errors.take(request.url.as_deref().map_or_else(
        || Err(FieldError::new("url", "is required")),
        |raw| endpoint_url(&dispatcher, raw),
    ));
    let events = errors.take(
        request
            .events
            .as_deref()
            .map_or_else(|| Err(FieldError::new("events", "is required")), event_kinds),
    );
    let description = errors.take(
        request
            .description
            .as_deref()
            .map(|raw| {
                crate::domain::Text::parse("description", raw, 300).map(|text| text.as_ref().to_owned())
            })
            .transpose(),
    );
    errors.into_result()?;
    let filters = request.filters.unwrap_or_default();
    let (publisher, contact, source_prefix) = super::feeds::version_filters(
        filters.publisher.as_deref(),
        filters.contact.as_deref(),
        filters.source_prefix,
    )?;
    let (Some(url), Some(events), Some(description)) = (url, events, description) else {
        return Err(FieldErrors::from(FieldError::new("url", "is required")).into());
    };
    let (Some(id), Some(secret)) = (WebhookId::random(), Secret::random()) else {
        return Err(ApiError::Overloaded);
    };
    let endpoint = Endpoint {
        id,
        url,
        events,
        filters: EndpointFilters {
            publisher: publisher.map(|text| text.as_ref().to_owned()),
            contact: contact.map(|text| text.as_ref().to_owned()),
            source_prefix,
        },
        description,
        created_at: Utc::now(),
        secret,
        previous_secret: None,
        disabled: None,
        failing_since: None,
    };
    let stored = endpoint.clone();
    let store = store.into_inner();
    blocking(move || store.webhooks().create(&stored)).await?;
    // The secret is in this answer only: no cache may keep it.
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::LOCATION, format!("/v1/webhooks/{}", endpoint.id)))
        .json(WebhookWithSecret {
            webhook: WebhookRecord::from(&endpoint),
            secret: endpoint.secret.to_string(),
        }))
}

/// Checks an endpoint URL: absolute http(s), no credentials, not an address deliveries are
/// refused (a host name is checked on its addresses at every delivery).
fn endpoint_url(dispatcher: &Dispatcher, raw: &str) -> Result<String, FieldError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|error| FieldError::new("url", format!("is not a URL: {error}")))?;
    match dispatcher.outbound().check(&url) {
        Ok(()) if url.as_str().len() <= 2048 => Ok(url.to_string()),
        Ok(()) => Err(FieldError::new("url", "is longer than 2048 characters")),
        Err(OutboundError::Refused { ip, reason, .. }) => Err(FieldError::new(
            "url",
            format!("is refused: {ip} is a {reason} address, which this service does not deliver to"),
        )),
        Err(_) => Err(FieldError::new(
            "url",
            "must be an http or https URL without a user name or password",
        )),
    }
}

fn event_kinds(raw: &[String]) -> Result<Vec<EventKind>, FieldError> {
    let mut kinds = raw
        .iter()
        .map(|raw| EventKind::parse("events", raw))
        .collect::<Result<Vec<_>, _>>()?;
    kinds.sort();
    kinds.dedup();
    match kinds.is_empty() {
        true => Err(FieldError::new("events", "must name at least one event")),
        false => Ok(kinds),
    }
}

/// List webhook endpoints.
#[utoipa::path(
    get,
    path = "/v1/webhooks",
    tag = "webhooks",
    operation_id = "list_webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of endpoints, in id order.", body = WebhookPage),
        AdminLookupErrors,
    )
)]
#[get("/v1/webhooks")]
pub async fn list_webhooks(
    req: HttpRequest,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    require(&req, Role::Admin)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let store = store.into_inner();
    let page = blocking(move || store.webhooks().list(cursor.as_ref(), limit)).await?;
    Ok(web::Json(WebhookPage {
        items: page.items.iter().map(WebhookRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}

fn webhook_id(raw: &str) -> Result<WebhookId, ApiError> {
    WebhookId::parse("webhook_id", raw).map_err(ApiError::BadRequest)
}

fn unknown(id: &WebhookId) -> ApiError {
    ApiError::NotFound(format!("no webhook endpoint has the id {id}"))
}

/// Get a webhook endpoint.
#[utoipa::path(
    get,
    path = "/v1/webhooks/{webhook_id}",
    tag = "webhooks",
    operation_id = "get_webhook",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookRecord),
        AdminLookupErrors,
    )
)]
#[get("/v1/webhooks/{webhook_id}")]
pub async fn get_webhook(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<web::Json<WebhookRecord>, ApiError> {
    require(&req, Role::Admin)?;
    endpoint_record(path, store, |store, id| store.webhooks().get(id)).await
}

/// Rotate an endpoint's signing secret.
///
/// Returns the new secret, this once. For the grace period, deliveries carry two signatures
/// (`v1,…` by the new secret and by the old one), so a receiver can switch at its own pace.
#[utoipa::path(
    post,
    path = "/v1/webhooks/{webhook_id}/rotate-secret",
    tag = "webhooks",
    operation_id = "rotate_webhook_secret",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id")),
    request_body(content = RotateRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The endpoint, with its new secret.", body = WebhookWithSecret),
        (status = 404, response = super::model::NotFoundProblem),
        WriteErrors,
    )
)]
#[post("/v1/webhooks/{webhook_id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    store: web::Data<Store>,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, ApiError> {
    require(&req, Role::Admin)?;
    let id = webhook_id(&path)?;
    let request: RotateRequest = read_json(&req, payload, **limit).await?;
    // JSON has one kind of number: 3600.0 is as whole a number as 3600.
    let grace = match request.grace_seconds {
        None => DEFAULT_GRACE_SECS,
        Some(secs) if secs.fract() == 0.0 && (0.0..=MAX_GRACE_SECS as f64).contains(&secs) => secs as u64,
        Some(_) => {
            return Err(ApiError::bad_request(
                "grace_seconds",
                "must be a whole number of seconds from 0 to 604800 (7 days)",
            ))
        }
    };
    let secret = Secret::random().ok_or(ApiError::Overloaded)?;
    let until: DateTime<Utc> = Utc::now() + chrono::Duration::seconds(grace as i64);
    let store = store.into_inner();
    let new = secret.clone();
    let endpoint = blocking(move || {
        store.webhooks().update(&id, |endpoint| {
            let old = std::mem::replace(&mut endpoint.secret, new);
            endpoint.previous_secret = (grace > 0).then_some((old, until));
        })
    })
    .await?
    .ok_or_else(|| unknown(&id))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(WebhookWithSecret {
            webhook: WebhookRecord::from(&endpoint),
            secret: secret.to_string(),
        }))
}

/// Disable an endpoint.
///
/// It gets no more deliveries; those still to make are dropped (the delivery log stays, and
/// any event can be redelivered once it is enabled again).
#[utoipa::path(
    post,
    path = "/v1/webhooks/{webhook_id}/disable",
    tag = "webhooks",
    operation_id = "disable_webhook",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint, disabled.", body = WebhookRecord),
        AdminLookupErrors,
    )
)]
#[post("/v1/webhooks/{webhook_id}/disable")]
pub async fn disable_webhook(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<web::Json<WebhookRecord>, ApiError> {
    let caller = require(&req, Role::Admin)?;
    let reason = format!("disabled by the admin key {}", caller.name);
    set_enabled(path, store, move |endpoint| {
        endpoint.disabled.get_or_insert(crate::domain::Disabled {
            at: Utc::now(),
            reason,
        });
    })
    .await
}

/// Enable an endpoint again.
///
/// It gets the events from now on (not those of while it was disabled: redeliver those).
#[utoipa::path(
    post,
    path = "/v1/webhooks/{webhook_id}/enable",
    tag = "webhooks",
    operation_id = "enable_webhook",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint, enabled.", body = WebhookRecord),
        AdminLookupErrors,
    )
)]
#[post("/v1/webhooks/{webhook_id}/enable")]
pub async fn enable_webhook(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<web::Json<WebhookRecord>, ApiError> {
    require(&req, Role::Admin)?;
    set_enabled(path, store, |endpoint| {
        endpoint.disabled = None;
        endpoint.failing_since = None;
    })
    .await
}

async fn set_enabled(
    path: web::Path<String>,
    store: web::Data<Store>,
    change: impl FnOnce(&mut Endpoint) + Send + 'static,
) -> Result<web::Json<WebhookRecord>, ApiError> {
    endpoint_record(path, store, move |store, id| store.webhooks().update(id, change)).await
}

/// The record of the endpoint of `path` as `read` leaves it (on the blocking pool); 404 for an
/// endpoint `read` does not find.
async fn endpoint_record(
    path: web::Path<String>,
    store: web::Data<Store>,
    read: impl FnOnce(&Store, &WebhookId) -> Result<Option<Endpoint>, StoreError> + Send + 'static,
) -> Result<web::Json<WebhookRecord>, ApiError> {
    let id = webhook_id(&path)?;
    let store = store.into_inner();
    let endpoint = blocking(move || read(&store, &id))
        .await?
        .ok_or_else(|| unknown(&id))?;
    Ok(web::Json(WebhookRecord::from(&endpoint)))
}

/// Delete an endpoint.
///
/// With its deliveries still to make and its delivery log. The events stay (they belong to
/// the registry).
#[utoipa::path(
    delete,
    path = "/v1/webhooks/{webhook_id}",
    tag = "webhooks",
    operation_id = "delete_webhook",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id")),
    responses(
        (status = 204, description = "The endpoint is deleted."),
        AdminLookupErrors,
    )
)]
#[delete("/v1/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    require(&req, Role::Admin)?;
    let id = webhook_id(&path)?;
    let store = store.into_inner();
    match blocking(move || store.webhooks().delete(&id)).await? {
        true => Ok(HttpResponse::NoContent().finish()),
        false => Err(unknown(&id)),
    }
}

/// List an endpoint's delivery attempts.
///
/// Every attempt, oldest first: the event, time, HTTP status, latency, attempt number and
/// outcome.
#[utoipa::path(
    get,
    path = "/v1/webhooks/{webhook_id}/deliveries",
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id"), PageQuery),
    responses(
        (status = 200, description = "A page of delivery attempts.", body = DeliveryPage),
        AdminLookupErrors,
    )
)]
#[get("/v1/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<DeliveryPage>, ApiError> {
    require(&req, Role::Admin)?;
    let id = webhook_id(&path)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let store = store.into_inner();
    let page = blocking(move || {
        let book = store.webhooks();
        match book.get(&id)? {
            Some(_) => book.deliveries(&id, cursor.as_ref(), limit).map(Some),
            None => Ok(None),
        }
    })
    .await?
    .ok_or_else(|| unknown(&id))?;
    Ok(web::Json(DeliveryPage {
        items: page.items.iter().map(DeliveryRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}

/// Deliver an event again.
///
/// Queues a new delivery of the event to the endpoint (with the same `webhook-id`), retried
/// as any other; 202 once it is queued, 409 when the endpoint is disabled or no event has that
/// id.
#[utoipa::path(
    post,
    path = "/v1/webhooks/{webhook_id}/redeliver",
    tag = "webhooks",
    operation_id = "redeliver_webhook_event",
    security(("bearer" = [])),
    params(("webhook_id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The endpoint's id")),
    request_body(content = RedeliverRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "The delivery is queued."),
        (status = 404, response = super::model::NotFoundProblem),
        WriteErrors,
    )
)]
#[post("/v1/webhooks/{webhook_id}/redeliver")]
pub async fn redeliver_webhook_event(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    store: web::Data<Store>,
    dispatcher: web::Data<Dispatcher>,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, ApiError> {
    require(&req, Role::Admin)?;
    let id = webhook_id(&path)?;
    let request: RedeliverRequest = read_json(&req, payload, **limit).await?;
    let event = request
        .event_id
        .as_deref()
        .map_or_else(
            || Err(FieldError::new("event_id", "is required")),
            |raw| EventId::parse("event_id", raw),
        )
        .map_err(ApiError::BadRequest)?;
    let store = store.into_inner();
    let outcome = blocking(move || {
        let book = store.webhooks();
        let Some(endpoint) = book.get(&id)? else {
            return Ok(Err(unknown(&id)));
        };
        if endpoint.disabled.is_some() {
            return Ok(Err(ApiError::Conflict(format!(
                "the endpoint {id} is disabled; enable it first"
            ))));
        }
        match book.redeliver(&id, event, Utc::now())? {
            true => Ok(Ok(())),
            // The endpoint in the path is there; the event the body names is not.
            false => Ok(Err(ApiError::Conflict(format!(
                "no event has the id {event}: there is nothing to deliver again"
            )))),
        }
    })
    .await?;
    outcome?;
    dispatcher.wake();
    Ok(HttpResponse::Accepted().finish())
}
