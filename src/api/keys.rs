//! Handlers of `/v1/keys`: creating, listing and revoking API keys, for admin keys only. The
//! `provenance keys` command calls these while the service runs.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::access::require;
use super::blocking;
use super::body::{read_json, BodyLimit};
use super::model::*;
use super::problem::ApiError;
use crate::domain::{FieldErrors, KeyName, Role};
use crate::store::{Revocation, Store};

/// Create an API key.
///
/// Returns the key's token once (with `Cache-Control: no-store`); the registry keeps only its
/// hash.
#[utoipa::path(
    post,
    path = "/v1/keys",
    tag = "keys",
    operation_id = "create_key",
    security(("bearer" = [])),
    request_body(content = KeyRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The key, with its token.", body = CreatedKey),
        WriteErrors,
    )
)]
#[post("/v1/keys")]
pub async fn create_key(
    req: HttpRequest,
    payload: web::Payload,
    store: web::Data<Store>,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, ApiError> {
    require(&req, Role::Admin)?;
    let request: KeyRequest = read_json(&req, payload, **limit).await?;
    let mut errors = FieldErrors::default();
    let name = errors.take(
        request
            .name
            .as_deref()
            .map_or_else(|| Err(missing("name")), |raw| KeyName::parse("name", raw)),
    );
    let role = errors.take(
        request
            .role
            .as_deref()
            .map_or_else(|| Err(missing("role")), |raw| Role::parse("role", raw)),
    );
    errors.into_result()?;
    let (Some(name), Some(role)) = (name, role) else {
        return Err(FieldErrors::from(missing("name")).into());
    };
    let store = store.into_inner();
    let (key, token) = blocking(move || store.create_key(name, role, Utc::now()))
        .await?
        .map_err(|taken| ApiError::Conflict(taken.to_string()))?;
    // The token is in this answer only: no cache may keep it.
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedKey {
            key: KeyInfo::from(&key),
            token,
        }))
}

fn missing(field: &str) -> crate::domain::FieldError {
    crate::domain::FieldError::new(field, "is required")
}

/// List API keys.
///
/// Names, roles, creation, last-use and revocation times; never secrets.
#[utoipa::path(
    get,
    path = "/v1/keys",
    tag = "keys",
    operation_id = "list_keys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every key.", body = KeyList),
        (status = 401, response = UnauthorizedProblem),
        (status = 403, response = ForbiddenProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/keys")]
pub async fn list_keys(req: HttpRequest, store: web::Data<Store>) -> Result<web::Json<KeyList>, ApiError> {
    require(&req, Role::Admin)?;
    let store = store.into_inner();
    let keys = blocking(move || store.api_keys()).await?;
    Ok(web::Json(KeyList {
        items: keys.iter().map(KeyInfo::from).collect(),
    }))
}

/// Revoke an API key.
///
/// Takes effect at once: the next request with the key is refused. The last live admin key
/// cannot be revoked (409): create another admin key first.
#[utoipa::path(
    delete,
    path = "/v1/keys/{name}",
    tag = "keys",
    operation_id = "revoke_key",
    security(("bearer" = [])),
    params(("name" = String, Path, pattern = "^[a-z0-9][a-z0-9._-]{0,63}$", description = "The key's name")),
    responses(
        (status = 200, description = "The revoked key.", body = KeyInfo),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 403, response = ForbiddenProblem),
        (status = 404, response = NotFoundProblem),
        (status = 409, response = ConflictProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[delete("/v1/keys/{name}")]
pub async fn revoke_key(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<web::Json<KeyInfo>, ApiError> {
    require(&req, Role::Admin)?;
    let name = KeyName::parse("name", &path).map_err(ApiError::BadRequest)?;
    let store = store.into_inner();
    let shown = name.clone();
    match blocking(move || store.revoke_key(&name, Utc::now())).await? {
        Revocation::Revoked(key) => Ok(web::Json(KeyInfo::from(&key))),
        Revocation::Unknown => Err(ApiError::NotFound(format!("no key is named {shown}"))),
        Revocation::LastAdmin(_) => Err(ApiError::Conflict(Revocation::last_admin_refusal(&shown))),
    }
}
