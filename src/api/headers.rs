//! Security headers on every response: no MIME sniffing, no referrer, no framing, and a
//! Content-Security-Policy that lets nothing load or run, except on the docs page, whose
//! policy lets Swagger UI run from the service's own files. A header a response sets itself
//! (stored content's sandbox, a page's own stricter policy) is left as it is.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The policy of every response but the docs page: nothing may load, run or frame it.
pub const STRICT_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of the docs page: Swagger UI's scripts, styles and images from the service
/// itself (its stylesheet uses `data:` images, its components inline styles), its calls to the
/// service's own API, and no framing.
pub const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
base-uri 'none'; form-action 'self'";

/// The policy of stored content (`…/content`): a sandbox with an opaque origin in which no
/// script runs and nothing loads, so a stored HTML page cannot act on the service's origin.
pub const CONTENT_POLICY: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";

/// Adds each security header the response does not set itself.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let routed = req.match_info().as_str();
    let policy = if routed == "/docs" || routed.starts_with("/docs/") {
        DOCS_POLICY
    } else {
        STRICT_POLICY
    };
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let defaults: [(HeaderName, &'static str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, policy),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    Ok(response)
}
