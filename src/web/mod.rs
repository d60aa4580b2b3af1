//! Pages for people: find a statement, read its history, compare versions, verify a copy,
//! trace a quote and see the log, in a browser, with no curl.
//!
//! Server-rendered HTML from [maud] templates (checked at compile time; every value a template
//! shows is escaped unless wrapped in `PreEscaped`, which no statement text ever is), a small
//! stylesheet and script served by the service itself (`web/`, embedded in the binary), and
//! everything readable with JavaScript off. The script only adds what needs the browser:
//! hashing a copy locally, dropping a file, checking proof bundles.
//!
//! The handlers are thin: they parse the query or form, call the same store and [`crate::find`]
//! functions as the JSON API, and render. One file per page group: [`home`] (home and search),
//! [`statements`] (history and one version), [`compare`], [`verify`], [`trace`], [`log`];
//! [`layout`] holds the page frame and the small pieces every page shows (dates with their time
//! zone, statement text isolated for bidi), [`error`] the error pages, [`assets`] the
//! stylesheet, script and icon.
//!
//! Every page is sent with its own security headers ([`respond`]): a strict
//! Content-Security-Policy (`default-src 'self'`, no inline script or style, no framing),
//! `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`. Stored content is never
//! rendered as HTML: HTML statements are shown as the text a reader sees, and links to their
//! exact bytes download them.

mod assets;
mod compare;
mod error;
mod home;
mod layout;
mod log;
mod statements;
mod trace;
mod verify;

pub use error::{not_found_page, refusal_page, wants_html, PageError};

use std::collections::HashMap;
use std::future::{ready, Ready};

use actix_web::http::{header, StatusCode};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};
use maud::Markup;

use crate::api::HeavyReads;
use crate::find::history::Changes;
use crate::store::Store;

/// What the pages remember. (On a registry whose reads need a key, the access check refuses
/// every page with [`refusal_page`]: a browser page cannot send a key.)
#[derive(Default)]
pub struct Pages {
    /// The changes between versions that histories have computed (versions are immutable).
    pub changes: Changes,
}

/// The Content-Security-Policy of every page: only the service's own script, stylesheet and
/// images, no inline script or style, no plugins, no framing, forms only to the service.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// Registers the pages and their assets.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/").route(web::get().to(home::home)))
        .service(web::resource("/search").route(web::get().to(home::search)))
        .service(web::resource("/statements/{statement_id}").route(web::get().to(statements::statement)))
        .service(
            web::resource("/statements/{statement_id}/versions/{version}")
                .route(web::get().to(statements::version)),
        )
        .service(web::resource("/statements/{statement_id}/compare").route(web::get().to(compare::compare)))
        .service(
            web::resource("/verify")
                .route(web::get().to(verify::form))
                .route(web::post().to(verify::check)),
        )
        .service(web::resource("/trace").route(web::get().to(trace::trace)))
        .service(web::resource("/log").route(web::get().to(log::log)))
        .service(web::resource("/assets/{file}").route(web::get().to(assets::asset)));
}

/// What every page handler needs: the store and the pages' memory, once the pages are known
/// to be open.
pub struct Ctx {
    pub store: web::Data<Store>,
    pub pages: web::Data<Pages>,
    /// The turns of the expensive reads (diffs, traces, verifications), shared with the API.
    pub heavy: web::Data<HeavyReads>,
}

impl FromRequest for Ctx {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (Some(pages), Some(store), Some(heavy)) = (
            req.app_data::<web::Data<Pages>>().cloned(),
            req.app_data::<web::Data<Store>>().cloned(),
            req.app_data::<web::Data<HeavyReads>>().cloned(),
        ) else {
            return ready(Err(PageError::internal("the pages have no store or settings")));
        };
        ready(Ok(Ctx { store, pages, heavy }))
    }
}

/// A page with its security headers.
pub fn respond(status: StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header(("Cross-Origin-Opener-Policy", "same-origin"))
        // Result pages may hold what a reader pasted; none is worth keeping in a cache.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.into_string())
}

/// A page answered 200.
fn ok(page: Markup) -> HttpResponse {
    respond(StatusCode::OK, page)
}

/// The parameters of a query string or a form body: the first value of each name, decoded.
fn params(encoded: &[u8]) -> HashMap<String, String> {
    let mut found = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(encoded) {
        found
            .entry(name.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    found
}

/// A query or form parameter that is there and not blank.
fn given<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_take_the_first_value_decoded() {
        let found = params(b"q=caving+to%20threats&q=other&empty=&x=%3Cscript%3E");
        assert_eq!(found["q"], "caving to threats");
        assert_eq!(found["x"], "<script>");
        assert_eq!(given(&found, "empty"), None);
        assert_eq!(given(&found, "missing"), None);
    }
}
