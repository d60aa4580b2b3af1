//! Error pages: what a person sees instead of a problem document, with the same status codes the
//! API would send. A page error is built from an [`ApiError`] (whose status mapping, in
//! `src/api/problem.rs`, stays the one place that maps errors to HTTP) or named directly for
//! what only pages meet (an empty paste).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use maud::html;

use super::layout::{page, Nav};
use super::respond;
use crate::api::problem::ApiError;
use crate::store::StoreError;

/// What went wrong, for a person.
#[derive(Debug, thiserror::Error)]
#[error("{status}: {detail}")]
pub struct PageError {
    status: StatusCode,
    heading: String,
    detail: String,
    /// Where to go from here, as (link, label).
    next: Option<(String, String)>,
}

impl PageError {
    fn new(status: StatusCode, heading: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            status,
            heading: heading.into(),
            detail: detail.into(),
            next: None,
        }
    }

    /// Malformed input: a hash, an id or a version number that cannot be one (400).
    pub fn bad_request(heading: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, heading, detail)
    }

    /// Nothing at this address (404).
    pub fn not_found(heading: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, heading, detail)
    }

    /// Well-formed, but nothing to work on: an empty paste (422).
    pub fn unprocessable(heading: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, heading, detail)
    }

    /// The registry requires a key for reads, which a page cannot send (401).
    pub fn private() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "This registry is private",
            "Its operator requires an API key for every read, which a browser page cannot send. \
             Use the JSON API with your key (see /docs/).",
        )
    }

    /// A failure of the service itself (500); `cause` is logged, never shown.
    pub fn internal(cause: &str) -> Self {
        tracing::error!(cause, "page failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side",
            "The registry could not build this page. The failure has been logged.",
        )
    }

    /// Adds a link to where the reader can go on.
    pub fn with_next(mut self, href: impl Into<String>, label: impl Into<String>) -> Self {
        self.next = Some((href.into(), label.into()));
        self
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        let status = error.status_code();
        if status.is_server_error() {
            // Logged as the API logs it; the cause is not shown.
            tracing::error!(%error, "page failed");
            let heading = match status {
                StatusCode::SERVICE_UNAVAILABLE | StatusCode::INSUFFICIENT_STORAGE => {
                    "The registry cannot answer right now"
                }
                _ => "Something went wrong on our side",
            };
            return Self::new(
                status,
                heading,
                "Please try again in a moment. The failure has been logged.",
            );
        }
        let heading = match status {
            StatusCode::BAD_REQUEST => "That does not look right",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::PAYLOAD_TOO_LARGE => "That is too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "This form cannot be sent that way",
            StatusCode::REQUEST_TIMEOUT => "That took too long to arrive",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            _ => "That could not be done",
        };
        Self::new(status, heading, error.to_string())
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        ApiError::from(error).into()
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = html! {
            h1 { (self.heading) }
            p.lead { (self.detail) }
            p.status-code { "Error " (self.status.as_u16()) }
            ul.next {
                @if let Some((href, label)) = &self.next {
                    li { a href=(href) { (label) } }
                }
                li { a href="/" { "Find a statement" } }
                li { a href="/verify" { "Verify a copy" } }
            }
        };
        let title = self.heading.clone();
        respond(self.status, page(&title, Nav::None, body))
    }
}

/// A refusal of the access check (401, 429, 400 for a path not in canonical form) as a page,
/// for a browser asking for one outside the JSON API; other requests get the refusal back, to
/// be answered as a problem document. A 401 there means the registry requires a key for every
/// read, which a page cannot send.
pub fn refusal_page(req: &HttpRequest, refusal: ApiError) -> Result<HttpResponse, ApiError> {
    if req.path().starts_with("/v1/") || !wants_html(req) {
        return Err(refusal);
    }
    let retry_after = match &refusal {
        ApiError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    let page = match refusal {
        ApiError::Unauthorized(_) => PageError::private(),
        other => PageError::from(other),
    };
    let mut response = page.error_response();
    if let Some(secs) = retry_after {
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&secs.to_string()) {
            response
                .headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, value);
        }
    }
    Ok(response)
}

/// Whether the request comes from a browser asking for a page (its `Accept` names
/// `text/html`), rather than from a client of the JSON API.
pub fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The 404 page of an address that is neither a page nor part of the API.
pub fn not_found_page(req: &HttpRequest) -> HttpResponse {
    PageError::not_found(
        "There is no page here",
        format!("Nothing is published at {}.", req.path()),
    )
    .error_response()
}
