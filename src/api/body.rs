//! Reading a request body: media type, size limit and JSON syntax (or UTF-8 for a document),
//! each with its own status (415, 413, 400, 422), before any field is looked at.

use actix_web::{http::header, web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::problem::ApiError;
use crate::domain::{ContentType, FieldError, FieldErrors};

/// Bounds on a request body: its size (`--max-body-bytes`) and how long it may take to arrive
/// (`--body-timeout-secs`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    pub bytes: usize,
    pub timeout: std::time::Duration,
}

/// Reads the whole body, refusing it with 413 as soon as it exceeds the size limit, and with
/// 408 when it has not arrived within the time limit.
pub async fn read_limited(
    req: &HttpRequest,
    payload: web::Payload,
    limit: BodyLimit,
) -> Result<web::Bytes, ApiError> {
    actix_web::rt::time::timeout(limit.timeout, read_body(req, payload, limit.bytes))
        .await
        .map_err(|_| ApiError::BodyTimeout(limit.timeout.as_secs()))?
}

async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|error| ApiError::bad_request("body", format!("the body could not be read: {error}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Reads a JSON body into `T`: 415 unless the media type is JSON, 413 past the limit, 400 for
/// bad JSON syntax, 422 naming the field when the JSON does not fit `T`.
pub async fn read_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: BodyLimit,
) -> Result<T, ApiError> {
    if !is_json(req) {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let bytes = read_limited(req, payload, limit).await?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|error| ApiError::bad_request("body", format!("the body is not valid JSON: {error}")))?;
    if !value.is_object() {
        return Err(FieldErrors::from(FieldError::new("body", "must be a JSON object")).into());
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let field = match error.path().to_string() {
            root if root == "." => "body".to_owned(),
            path => path,
        };
        FieldErrors::from(FieldError::new(field, error.inner().to_string())).into()
    })
}

/// A body that is either JSON or a document itself.
pub enum JsonOrDocument<T> {
    Json(T),
    /// The raw body: UTF-8 text of a statement's media type.
    Document {
        text: String,
        content_type: ContentType,
    },
}

/// Reads a body that is either JSON (read as [`read_json`] does) or a document of type
/// `text/plain`, `text/html` or `text/markdown`, which must be UTF-8 (422 otherwise); any
/// other media type is refused with 415.
pub async fn read_json_or_document<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: BodyLimit,
) -> Result<JsonOrDocument<T>, ApiError> {
    if is_json(req) {
        return Ok(JsonOrDocument::Json(read_json(req, payload, limit).await?));
    }
    let content_type =
        ContentType::parse("Content-Type", &media_type(req)).map_err(|_| ApiError::UnsupportedMediaType {
            expected: "application/json, text/plain, text/html or text/markdown",
        })?;
    let bytes = read_limited(req, payload, limit).await?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| FieldErrors::from(FieldError::new("body", "must be UTF-8 text")))?;
    Ok(JsonOrDocument::Document { text, content_type })
}

/// The essence of the request's media type, lower-cased (`text/html` of
/// `text/html; charset=utf-8`); empty without a `Content-Type`.
fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(req: &HttpRequest) -> bool {
    let essence = media_type(req);
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}
