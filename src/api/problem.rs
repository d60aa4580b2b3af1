//! The API's one error type and its RFC 9457 `application/problem+json` form: every error any
//! handler or extractor returns is mapped to HTTP here and nowhere else.
//!
//! Which variant to use: a malformed request line, path, query or JSON syntax is
//! [`ApiError::BadRequest`] (400); a well-formed JSON body whose fields do not parse is
//! [`ApiError::Invalid`] (422); a store failure is [`ApiError::Store`], whose cause is logged
//! and never shown to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{FieldError, FieldErrors};
use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The most field errors one problem lists; `detail` says how many there were in all.
pub const MAX_LISTED_ERRORS: usize = 20;

/// An RFC 9457 problem detail.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:provenance:problem:invalid-field",
    "title": "A field of the request is invalid",
    "status": 422,
    "detail": "source_url: must use the http or https scheme",
    "field": "source_url",
    "errors": [{"field": "source_url", "detail": "must use the http or https scheme"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short summary of the kind of problem.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// The request field at fault, when there is one (the first of `errors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field at fault, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One invalid field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Path of the field in the request (`media_contacts[0].email`, or a query or path parameter).
    pub field: String,
    /// What is wrong with it.
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(FieldError),
    #[error("invalid request fields")]
    Invalid(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    #[error("this resource allows {}", .0.join(", "))]
    MethodNotAllowed(Vec<String>),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the request body has more than {limit} lines")]
    TooManyLines { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType { expected: &'static str },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("too many requests; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the request body did not arrive within {0} s")]
    BodyTimeout(u64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the storage worker pool is unavailable")]
    Overloaded,
    #[error("too many expensive reads (diffs, passage searches, verifications) are running; retry shortly")]
    Busy,
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl ApiError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::BadRequest(FieldError::new(field, message))
    }

    /// The problem document of this error, as [`ResponseError::error_response`] sends it (and
    /// logs it when it is the service's fault): what a bulk ingest answers for one line.
    pub fn logged_problem(&self) -> Problem {
        if self.status_code().is_server_error() && !matches!(self, Self::Busy) {
            tracing::error!(error = %self, "request failed");
        }
        self.problem()
    }

    fn problem(&self) -> Problem {
        let (kind, title) = self.kind_and_title();
        let mut problem = Problem {
            kind,
            title,
            status: self.status_code().as_u16(),
            detail: self.to_string(),
            field: None,
            errors: Vec::new(),
        };
        match self {
            Self::BadRequest(error) => {
                problem.field = Some(error.field.clone());
                problem.errors = vec![field_problem(error)];
            }
            Self::Invalid(errors) => {
                let mut seen = std::collections::HashSet::new();
                let mut distinct: Vec<&FieldError> = Vec::new();
                for error in errors.iter() {
                    if seen.insert((error.field.as_str(), error.message.as_str()))
                        && distinct.len() < MAX_LISTED_ERRORS
                    {
                        distinct.push(error);
                    }
                }
                let count = seen.len();
                problem.errors = distinct.iter().map(|error| field_problem(error)).collect();
                problem.field = distinct.first().map(|e| e.field.clone());
                problem.detail = match (distinct.first(), count) {
                    (Some(first), 1) => first.to_string(),
                    (Some(first), n) if n <= MAX_LISTED_ERRORS => {
                        format!("{n} fields are invalid, each listed in `errors`; the first: {first}")
                    }
                    (Some(first), n) => format!(
                        "{n} fields are invalid; only the first {MAX_LISTED_ERRORS} are listed in `errors`; \
                         the first: {first}"
                    ),
                    (None, _) => "the request is invalid".to_owned(),
                };
            }
            Self::UnsupportedMediaType { expected } => {
                problem.detail = format!("the request body must be sent as {expected}");
                problem.field = Some("Content-Type".to_owned());
            }
            Self::PayloadTooLarge { .. } | Self::TooManyLines { .. } | Self::BodyTimeout(_) => {
                problem.field = Some("body".to_owned())
            }
            Self::Unauthorized(_) | Self::Forbidden(_) => problem.field = Some("Authorization".to_owned()),
            Self::Store(StoreError::CapturedBefore { .. }) => problem.field = Some("captured_at".to_owned()),
            // Their own message says what is wrong and how to go on.
            Self::Store(
                StoreError::ReserveReached { .. }
                | StoreError::IdCollision { .. }
                | StoreError::VersionsExhausted(_),
            ) => {}
            Self::Store(_) => {
                problem.detail = "the registry could not complete the request; it has been logged".to_owned()
            }
            _ => {}
        }
        problem
    }

    fn kind_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("urn:provenance:problem:bad-request", "The request is malformed"),
            Self::Invalid(_) => (
                "urn:provenance:problem:invalid-field",
                "A field of the request is invalid",
            ),
            Self::NotFound(_) => ("urn:provenance:problem:not-found", "No such resource"),
            Self::PayloadTooLarge { .. } | Self::TooManyLines { .. } => (
                "urn:provenance:problem:too-large",
                "The request body is too large",
            ),
            Self::UnsupportedMediaType { .. } => (
                "urn:provenance:problem:unsupported-media-type",
                "Unsupported media type",
            ),
            Self::Conflict(_)
            | Self::Store(
                StoreError::IdCollision { .. }
                | StoreError::VersionsExhausted(_)
                | StoreError::CapturedBefore { .. },
            ) => (
                "urn:provenance:problem:conflict",
                "The request conflicts with stored data",
            ),
            Self::MethodNotAllowed(_) => ("urn:provenance:problem:method-not-allowed", "Method not allowed"),
            Self::Unauthorized(_) => ("urn:provenance:problem:unauthorized", "A valid API key is needed"),
            Self::Forbidden(_) => (
                "urn:provenance:problem:forbidden",
                "The API key's role does not allow this",
            ),
            Self::TooManyRequests { .. } => ("urn:provenance:problem:rate-limited", "Too many requests"),
            Self::BodyTimeout(_) => (
                "urn:provenance:problem:body-timeout",
                "The request body came too slowly",
            ),
            Self::Store(StoreError::ReserveReached { .. }) => (
                "urn:provenance:problem:insufficient-storage",
                "The registry has no room to store data",
            ),
            Self::Store(StoreError::Full(_)) => (
                "urn:provenance:problem:insufficient-storage",
                "The registry has no room to store data",
            ),
            Self::Store(StoreError::Unavailable(_)) | Self::Overloaded => (
                "urn:provenance:problem:unavailable",
                "The registry cannot store data right now",
            ),
            Self::Busy => ("urn:provenance:problem:busy", "The registry is busy"),
            Self::Store(_) => ("urn:provenance:problem:internal", "Internal error"),
        }
    }
}

fn field_problem(error: &FieldError) -> FieldProblem {
    FieldProblem {
        field: error.field.clone(),
        detail: error.message.clone(),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::PayloadTooLarge { .. } | Self::TooManyLines { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Conflict(_)
            | Self::Store(
                StoreError::IdCollision { .. }
                | StoreError::VersionsExhausted(_)
                | StoreError::CapturedBefore { .. },
            ) => StatusCode::CONFLICT,
            Self::Store(StoreError::ReserveReached { .. }) => StatusCode::INSUFFICIENT_STORAGE,
            Self::Store(StoreError::Full(_)) => StatusCode::INSUFFICIENT_STORAGE,
            Self::Store(StoreError::Unavailable(_)) | Self::Overloaded | Self::Busy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::UnsupportedMediaType { expected } => {
                response.insert_header((header::ACCEPT, *expected));
            }
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"provenance\""));
            }
            Self::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            Self::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Busy => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(self.logged_problem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problems_name_every_field() {
        let mut errors = FieldErrors::default();
        errors.push(FieldError::new("source_url", "must not be empty"));
        errors.push(FieldError::new(
            "media_contacts[0].email",
            "must be an e-mail address",
        ));
        let problem = ApiError::Invalid(errors).problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.field.as_deref(), Some("source_url"));
        assert_eq!(problem.errors.len(), 2);
        assert_eq!(
            problem.detail,
            "2 fields are invalid, each listed in `errors`; the first: source_url: must not be empty"
        );
    }

    #[test]
    fn field_errors_are_listed_once_and_at_most_twenty() {
        let mut errors = FieldErrors::default();
        for i in 0..1000 {
            errors.push(FieldError::new(
                format!("media_contacts[{i}]"),
                "must have a name",
            ));
            errors.push(FieldError::new(
                format!("media_contacts[{i}]"),
                "must have a name",
            ));
        }
        let problem = ApiError::Invalid(errors).problem();
        assert_eq!(problem.errors.len(), MAX_LISTED_ERRORS);
        assert!(
            problem
                .detail
                .starts_with("1000 fields are invalid; only the first 20 are listed"),
            "{}",
            problem.detail
        );
        let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields[..2],
            ["media_contacts[0]", "media_contacts[1]"],
            "no error twice"
        );
    }

    #[test]
    fn store_causes_stay_private() {
        let problem = ApiError::Store(StoreError::Corrupt("secret path /var/x".into())).problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("/var/x"));
    }
}
