//! Handlers of the Atom feeds: every new version (with filters), one statement's versions, and
//! withdrawn statements. Each reads one page of the store on the blocking pool, answers 304
//! when the client's `ETag` is the page's, then summarizes each change (the expensive part,
//! taking a turn of [`HeavyReads`]) and renders with [`crate::feed`].

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::memento::base_uri;
use super::model::{
    BadRequestProblem, NotFoundProblem, PageQuery, RateLimitedProblem, UnauthorizedProblem,
    UnavailableProblem,
};
use super::problem::ApiError;
use super::statements::{statement_id, unknown_statement};
use super::{blocking, page_params_up_to, HeavyReads};
use crate::domain::VersionFilter;
use crate::domain::{Sha256, Text};
use crate::feed::{version_entry, withdrawal_entry, Entry, Feed, Place, ATOM};
use crate::find::history::change_before;
use crate::store::{Cursor, Page, Store};
use crate::web::Pages;

/// The most entries one page of a feed holds (each is a diff from the version before).
pub const FEED_PAGE: usize = 50;

/// The path of the registry's feed of new versions.
pub const VERSIONS_FEED: &str = "/v1/feeds/versions.atom";
/// The path of the feed of withdrawn statements.
pub const WITHDRAWN_FEED: &str = "/v1/feeds/withdrawn.atom";

/// The path of a statement's feed.
pub fn statement_feed(id: &crate::domain::StatementId) -> String {
    format!("/v1/statements/{id}/feed.atom")
}

/// Filters and paging of the registry's feed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionsFeedQuery {
    /// Only versions naming this publisher, compared case-insensitively with white space folded.
    #[param(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub publisher: Option<String>,
    /// Only versions with this media contact: a whole name, organization or e-mail address
    /// (case-insensitive), or a phone number (compared by digits only).
    #[param(
        max_length = 300,
        pattern = r#"^[^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u180e\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"#
    )]
    pub contact: Option<String>,
    /// Only versions whose canonical source URL (as records show it, e.g.
    /// `https://www.aclu.org/press-releases/`) starts with this text.
    #[param(min_length = 1, max_length = 2048, pattern = r"^[\x21-\x7e]+$")]
    pub source_prefix: Option<String>,
    /// Entries per page, 1 to 50 (larger values count as 50); 50 by default.
    #[param(value_type = Option<u64>, minimum = 1)]
    pub limit: Option<String>,
    /// The cursor of a `rel="next"` link.
    #[param(value_type = Option<String>, min_length = 2, pattern = "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

/// The registry's feed of new versions.
///
/// Every new version of any statement, newest first, as an Atom 1.0 feed: each entry names
/// the statement's title, links the version's page and record and its diff from the version
/// before, and summarizes the change (words added and removed, cosmetic or not). Filters
/// match each version's own publisher, media contacts and source URL. Pages follow RFC 5005
/// (`rel="next"`); a page can hold fewer entries than `limit` (even none) and still have a
/// next one. `ETag` and `If-None-Match` are supported.
#[utoipa::path(
    get,
    path = "/v1/feeds/versions.atom",
    tag = "feeds",
    operation_id = "versions_feed",
    params(VersionsFeedQuery),
    responses(
        (status = 200, description = "An Atom 1.0 feed page (RFC 4287), newest entry first, with `rel=\"next\"` to the next page (RFC 5005) when there is one.",
            content_type = "application/atom+xml", body = String,
            headers(("ETag" = String, description = "The page's entity tag; send it as `If-None-Match` to get 304."))),
        (status = 304, description = "The client's copy (`If-None-Match`) is current."),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
        (status = 503, response = UnavailableProblem),
    )
)]
#[get("/v1/feeds/versions.atom")]
pub async fn versions_feed(
    req: HttpRequest,
    query: web::Query<VersionsFeedQuery>,
    store: web::Data<Store>,
    pages: web::Data<Pages>,
    heavy: web::Data<HeavyReads>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let (limit, cursor) = feed_page(query.limit.as_deref(), query.cursor.as_deref())?;
    let (publisher, contact, source_prefix) = version_filters(
        query.publisher.as_deref(),
        query.contact.as_deref(),
        query.source_prefix,
    )?;
    let mut wanted = Vec::new();
    if let Some(publisher) = &publisher {
        wanted.push(format!("publisher “{}”", publisher.as_ref()));
    }
    if let Some(contact) = &contact {
        wanted.push(format!("contact “{}”", contact.as_ref()));
    }
    if let Some(prefix) = &source_prefix {
        wanted.push(format!("source URLs from {prefix}"));
    }
    let filters = [
        ("publisher", publisher.as_ref().map(|p| p.as_ref().to_owned())),
        ("contact", contact.as_ref().map(|c| c.as_ref().to_owned())),
        ("source_prefix", source_prefix.clone()),
    ];
    let filter = VersionFilter::new(publisher.as_ref(), contact.as_ref(), source_prefix);
    let store = store.into_inner();
    let page = {
        let store = store.clone();
        blocking(move || store.versions_newest_first(&filter, cursor.as_ref(), limit)).await?
    };
    let title = match wanted.is_empty() {
        true => "Provenance: new versions".to_owned(),
        false => format!("Provenance: new versions ({})", wanted.join(", ")),
    };
    let feed = Described {
        path: VERSIONS_FEED,
        filters: &filters,
        limit,
        alternate: "/",
        title,
    };
    version_feed(&req, feed, page, store, pages, heavy).await
}

/// A publisher, a contact and a source URL prefix, each if given.
type GivenFilters = (Option<Text>, Option<Text>, Option<String>);

/// The filters on versions (of a feed, of a webhook endpoint), checked: a publisher and a
/// contact as text of at most 300 characters, a source URL prefix of 1 to 2048 printable
/// ASCII characters.
pub(super) fn version_filters(
    publisher: Option<&str>,
    contact: Option<&str>,
    source_prefix: Option<String>,
) -> Result<GivenFilters, ApiError> {
    let text = |field: &str, raw: Option<&str>| {
        raw.map(|raw| Text::parse(field, raw, 300).map_err(ApiError::BadRequest))
            .transpose()
    };
    let publisher = text("publisher", publisher)?;
    let contact = text("contact", contact)?;
    // Canonical URLs are printable ASCII (anything else is percent-encoded), so a prefix is too.
    let source_prefix = source_prefix
        .map(|prefix| {
            let printable = |b: &u8| (0x21..=0x7e).contains(b);
            match prefix.len() {
                1..=2048 if prefix.bytes().all(|b| printable(&b)) => Ok(prefix),
                _ => Err(ApiError::bad_request(
                    "source_prefix",
                    "must be 1 to 2048 printable ASCII characters (a canonical URL's, percent-encoded), without spaces",
                )),
            }
        })
        .transpose()?;
    Ok((publisher, contact, source_prefix))
}

/// A statement's feed.
///
/// Every version of one statement, newest first, as an Atom 1.0 feed, with the same entries
/// as the registry's feed. Paged as RFC 5005 says (at most 50 entries a page: a larger
/// `limit` counts as 50); `ETag` and `If-None-Match` are supported.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/feed.atom",
    tag = "feeds",
    operation_id = "statement_feed",
    params(("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"), PageQuery),
    responses(
        (status = 200, description = "An Atom 1.0 feed page (RFC 4287), newest entry first, with `rel=\"next\"` to the next page (RFC 5005) when there is one.",
            content_type = "application/atom+xml", body = String,
            headers(("ETag" = String, description = "The page's entity tag; send it as `If-None-Match` to get 304."))),
        (status = 304, description = "The client's copy (`If-None-Match`) is current."),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
        (status = 503, response = UnavailableProblem),
    )
)]
#[get("/v1/statements/{statement_id}/feed.atom")]
pub async fn statement_versions_feed(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
    pages: web::Data<Pages>,
    heavy: web::Data<HeavyReads>,
) -> Result<HttpResponse, ApiError> {
    let id = statement_id(&path)?;
    let (limit, cursor) = feed_page(query.limit.as_deref(), query.cursor.as_deref())?;
    let store = store.into_inner();
    let (page, statement) = {
        let store = store.clone();
        blocking(move || {
            let Some(statement) = store.statement(&id)? else {
                return Ok(None);
            };
            let page = store.statement_versions_newest_first(&id, cursor.as_ref(), limit)?;
            Ok(page.map(|page| (page, statement)))
        })
        .await?
        .ok_or_else(|| unknown_statement(&id))?
    };
    let name = statement
        .latest
        .metadata
        .title
        .as_ref()
        .map_or(statement.source_url.as_str(), |t| t.as_ref());
    let path = statement_feed(&id);
    let alternate = format!("/statements/{id}");
    let feed = Described {
        path: &path,
        filters: &[],
        limit,
        alternate: &alternate,
        title: format!("Provenance: versions of {name}"),
    };
    version_feed(&req, feed, page, store, pages, heavy).await
}

/// The feed of withdrawn statements.
///
/// Every statement whose watched source stopped answering (404, 410, or its name stopped
/// resolving) on consecutive fetches, the latest change first, as an Atom 1.0 feed: each
/// entry says when it was withdrawn, the evidence, and when it was restored if its source
/// answers again (a restoration updates the entry). Paged as RFC 5005 says (at most 50
/// entries a page: a larger `limit` counts as 50); `ETag` and `If-None-Match` are supported.
#[utoipa::path(
    get,
    path = "/v1/feeds/withdrawn.atom",
    tag = "feeds",
    operation_id = "withdrawn_feed",
    params(PageQuery),
    responses(
        (status = 200, description = "An Atom 1.0 feed page (RFC 4287), newest entry first, with `rel=\"next\"` to the next page (RFC 5005) when there is one.",
            content_type = "application/atom+xml", body = String,
            headers(("ETag" = String, description = "The page's entity tag; send it as `If-None-Match` to get 304."))),
        (status = 304, description = "The client's copy (`If-None-Match`) is current."),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/feeds/withdrawn.atom")]
pub async fn withdrawn_feed(
    req: HttpRequest,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let (limit, cursor) = feed_page(query.limit.as_deref(), query.cursor.as_deref())?;
    let store = store.into_inner();
    let (withdrawals, next) = blocking(move || {
        let page = store.withdrawals_newest_first(cursor.as_ref(), limit)?;
        // A source that went away before it ever answered has no statement to report.
        let mut found = Vec::new();
        for (id, withdrawal) in page.items {
            if let Some(statement) = store.statement(&id)? {
                found.push((statement.latest, withdrawal));
            }
        }
        Ok((found, page.next))
    })
    .await?;
    let feed = Described {
        path: WITHDRAWN_FEED,
        filters: &[],
        limit,
        alternate: "/",
        title: "Provenance: withdrawn statements".to_owned(),
    };
    let keys = withdrawals.iter().map(|(latest, withdrawal)| {
        format!(
            "{} {} {:?}",
            latest.statement_id, withdrawal.withdrawn_at, withdrawal.restored_at
        )
    });
    let etag = page_etag(&req, keys, next.as_ref());
    if is_current(&req, &etag) {
        return Ok(not_modified(&etag));
    }
    let base = base_uri(&req);
    let entries = withdrawals
        .iter()
        .map(|(latest, withdrawal)| withdrawal_entry(&base, latest, withdrawal))
        .collect();
    Ok(respond(&req, &feed, next.as_ref(), entries, &etag))
}

/// What a feed is: where, its filters (kept in its links), its page size, the HTML page it
/// follows, and its title.
struct Described<'a> {
    path: &'a str,
    filters: &'a [(&'static str, Option<String>)],
    limit: usize,
    alternate: &'a str,
    title: String,
}

impl Described<'_> {
    /// The path and query of the page after `cursor` (the first without one).
    fn page(&self, cursor: Option<&Cursor>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.filters {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        if self.limit != FEED_PAGE {
            query.append_pair("limit", &self.limit.to_string());
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", &cursor.encode());
        }
        match query.finish() {
            query if query.is_empty() => self.path.to_owned(),
            query => format!("{}?{query}", self.path),
        }
    }
}

/// A page of versions as a feed: 304 when current, else each change summarized.
async fn version_feed(
    req: &HttpRequest,
    feed: Described<'_>,
    page: Page<crate::domain::Version>,
    store: std::sync::Arc<Store>,
    pages: web::Data<Pages>,
    heavy: web::Data<HeavyReads>,
) -> Result<HttpResponse, ApiError> {
    let keys = page
        .items
        .iter()
        .map(|version| format!("{} {}", version.statement_id, version.version));
    let etag = page_etag(req, keys, page.next.as_ref());
    if is_current(req, &etag) {
        return Ok(not_modified(&etag));
    }
    let base = base_uri(req);
    let versions = page.items;
    let entries = heavy
        .run(move || {
            versions
                .iter()
                .map(|version| {
                    let change = change_before(&store, version, &pages.changes)?;
                    Ok(version_entry(&base, version, change.as_ref()))
                })
                .collect::<Result<Vec<Entry>, _>>()
        })
        .await?;
    Ok(respond(req, &feed, page.next.as_ref(), entries, &etag))
}

fn respond(
    req: &HttpRequest,
    feed: &Described<'_>,
    next: Option<&Cursor>,
    entries: Vec<Entry>,
    etag: &str,
) -> HttpResponse {
    let this = match req.query_string() {
        "" => req.path().to_owned(),
        query => format!("{}?{query}", req.path()),
    };
    let (first, next) = (feed.page(None), next.map(|cursor| feed.page(Some(cursor))));
    let base = base_uri(req);
    let place = Place {
        base: &base,
        this: &this,
        first: &first,
        next: next.as_deref(),
        alternate: feed.alternate,
    };
    let id = format!("{base}{first}");
    let document = Feed::new(id, feed.title.clone(), &place, entries).render();
    HttpResponse::Ok()
        .content_type(ATOM)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(document)
}

/// The page size and cursor of a feed: as in the lists, at most [`FEED_PAGE`] entries.
fn feed_page(limit: Option<&str>, cursor: Option<&str>) -> Result<(usize, Option<Cursor>), ApiError> {
    page_params_up_to(limit, cursor, FEED_PAGE)
}

/// The entity tag of a feed page: a hash of what its document is made of (this build, the
/// address asked for, the entries listed and the next page). Versions never change, so the
/// same entries make the same document.
fn page_etag(req: &HttpRequest, entries: impl Iterator<Item = String>, next: Option<&Cursor>) -> String {
    let mut made_of = format!(
        "provenance-feed/1\n{}\n{}\n{}?{}\n",
        env!("CARGO_PKG_VERSION"),
        base_uri(req),
        req.path(),
        req.query_string()
    );
    for entry in entries {
        made_of.push_str(&entry);
        made_of.push('\n');
    }
    made_of.push_str(&next.map(Cursor::encode).unwrap_or_default());
    let hex = Sha256::of(made_of.as_bytes()).to_hex();
    format!("\"{}\"", &hex[..32])
}

/// Whether the client's `If-None-Match` names `etag` (or `*`).
pub(super) fn is_current(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
}

fn not_modified(etag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .finish()
}
