//! Memento (RFC 7089) under `/web/`, in the Wayback/pywb URL scheme: TimeGates, mementos (the
//! exact stored bytes) and TimeMaps, for `GET` and `HEAD`. The path grammar and the links are
//! pure code in [`crate::archive::memento`]; this is the glue to the store.
//!
//! A version's Memento-Datetime is, to the second, its `captured_at` when the client that sent
//! it said when it was captured (an imported WARC's `WARC-Date`), else its `ingested_at`: the
//! time the registry recorded it ([`Version::memento_at`]; the record gives it as
//! `memento_datetime`).

use std::cell::RefCell;
use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{route, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::headers::CONTENT_POLICY;
use super::model::{BadRequestProblem, NotFoundProblem, RateLimitedProblem, UnauthorizedProblem};
use super::problem::ApiError;
use super::{blocking, rfc3339, version_path};
use crate::archive::memento::{
    candidate_urls, current_at, memento_path, memento_time, parse_web_path, Links, MementoRef, TimeMapFormat,
    WebPath,
};
use crate::archive::timestamp::{http_date, parse_http_date};
use crate::domain::{SourceUrl, Statement, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError};

/// The most mementos one TimeMap page lists; a longer one links to its next page.
pub const TIMEMAP_PAGE: u32 = 500;

/// The Memento TimeGate, mementos and TimeMaps.
///
/// The rest of the path is, as on the Wayback Machine and pywb (the archived URL keeps its
/// query string; a scheme-less `example.org/a` is tried as `https` then `http`):
/// `{url}` the TimeGate at `Accept-Datetime` (RFC 1123) or now; `{timestamp}/{url}` the
/// TimeGate at that time (1 to 14 digits, `YYYYMMDDhhmmss`, a partial one meaning the end
/// of its period); both redirect (302, `Vary: accept-datetime`) to the memento current then:
/// the latest version recorded at or before it, or the first. `{timestamp}id_/{url}` is that
/// memento: the exact stored bytes with `Memento-Datetime` (see `memento_datetime` in its record),
/// `Link` (original, timegate, timemap, first/prev/next/last memento, and `describedby` the
/// version record and its proof bundle), `Repr-Digest`; a timestamp that is not the memento's
/// own redirects to it. `timemap/link/{url}` (RFC 6690 link format) and `timemap/json/{url}`
/// list the mementos, 500 per page (`timemap/{format}/~{n}/{url}` from version `n`, linked as
/// `rel="timemap"` from the page before). `HEAD` answers as `GET` without the body.
#[utoipa::path(
    get,
    path = "/web/{path}",
    tag = "archive",
    operation_id = "memento",
    params(("path" = String, Path, pattern = r"^(?:(?:[0-9]{1,14}(?:[a-z]{2}_)?|timemap/(?:link|json)(?:/~[1-9][0-9]{0,8})?)/)?(?:[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*|[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)(?::[1-9][0-9]{0,3})?(?:[/?].*)?$",
        description = "`{url}`, `{timestamp}/{url}`, `{timestamp}id_/{url}`, `timemap/link/{url}` or `timemap/json/{url}` (a TimeMap page: `timemap/link/~{n}/{url}`). The pattern shows the usual forms; `{url}` is any URL the registry holds, with or without its scheme"),
        ("Accept-Datetime" = Option<String>, Header, nullable = false, pattern = "^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?:0[1-9]|1[0-9]|2[0-8]) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:19[7-9][0-9]|20[0-9]{2}) (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] GMT$", description = "For the TimeGate: the time wanted, RFC 1123 (`Thu, 01 Jan 2015 00:00:00 GMT`)")),
    responses(
        (status = 200, description = "A memento (the exact bytes) or a TimeMap (`application/link-format` or JSON).",
            headers(
                ("Memento-Datetime" = String, description = "For a memento: when the registry recorded the version (RFC 1123)"),
                ("Link" = String, description = "original, timegate, timemap and memento links (RFC 7089)"),
            )),
        (status = 302, description = "The TimeGate's answer: `Location` is the memento current at the time asked.",
            headers(
                ("Location" = String, description = "The memento's URI"),
                ("Vary" = String, description = "`accept-datetime`"),
            )),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[route("/web/{path:.*}", method = "GET", method = "HEAD")]
pub async fn memento(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    // The path as sent, not as routed: the archived URL's escapes are its own.
    let raw = req.uri().path().strip_prefix("/web/").unwrap_or_default();
    let tail = match req.uri().query() {
        Some(query) => format!("{raw}?{query}"),
        None => raw.to_owned(),
    };
    let asked = parse_web_path(&tail).map_err(ApiError::BadRequest)?;
    let accept_datetime = match (&asked, req.headers().get("accept-datetime")) {
        (WebPath::TimeGate { at: None, .. }, Some(value)) => Some(
            value
                .to_str()
                .map_err(|_| ApiError::bad_request("Accept-Datetime", "must be ASCII text"))
                .and_then(|text| parse_http_date("Accept-Datetime", text).map_err(ApiError::BadRequest))?,
        ),
        _ => None,
    };
    let url = match &asked {
        WebPath::TimeGate { url, .. } | WebPath::Memento { url, .. } | WebPath::TimeMap { url, .. } => {
            url.clone()
        }
    };
    // A URL sent with its scheme must parse (else 400); a scheme-less one is only a guess at
    // URLs, and one that cannot be a source URL is a URL the registry does not hold (404).
    let guesses = candidate_urls(&url);
    let candidates = if guesses.len() > 1 {
        guesses
            .iter()
            .filter_map(|raw| SourceUrl::parse("url", raw).ok())
            .collect()
    } else {
        guesses
            .iter()
            .map(|raw| SourceUrl::parse("url", raw))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::BadRequest)?
    };
    let base = base_uri(&req);
    let store = store.into_inner();
    let reply = blocking(move || {
        let Some(statement) = find_statement(&store, &candidates)? else {
            return Ok(None);
        };
        answer(&store, &base, &statement, asked, accept_datetime).map(Some)
    })
    .await?;
    reply
        .map(respond)
        .ok_or_else(|| ApiError::NotFound(format!("the registry holds no version of {url}")))
}

/// The scheme and authority the client reached the service at, for absolute links.
pub(super) fn base_uri(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

fn find_statement(store: &Store, candidates: &[SourceUrl]) -> Result<Option<Statement>, StoreError> {
    for url in candidates {
        if let Some(statement) = store.statement(&StatementId::for_url(url))? {
            return Ok(Some(statement));
        }
    }
    Ok(None)
}

/// The mementos of one statement, read on demand, each at most once per request (versions are
/// immutable; a TimeGate's search and a memento's neighbour links ask for some twice).
struct Mementos<'a> {
    store: &'a Store,
    statement: &'a Statement,
    base: &'a str,
    read: RefCell<BTreeMap<u32, Version>>,
}

impl Mementos<'_> {
    fn count(&self) -> u32 {
        self.statement.version_count()
    }

    fn version(&self, n: u32) -> Result<Version, StoreError> {
        if n == self.statement.latest.version.get() {
            return Ok(self.statement.latest.clone());
        }
        if let Some(version) = self.read.borrow().get(&n) {
            return Ok(version.clone());
        }
        let id = &self.statement.id;
        let version = VersionNo::from_u32(n)
            .map(|number| self.store.version(id, number))
            .transpose()?
            .flatten()
            .ok_or_else(|| StoreError::Corrupt(format!("statement {id} lacks its version {n}")))?;
        self.read.borrow_mut().insert(n, version.clone());
        Ok(version)
    }

    fn reference(&self, version: &Version) -> MementoRef {
        reference(self.base, version)
    }

    fn original(&self) -> &str {
        self.statement.source_url.as_str()
    }

    fn current_at(&self, at: DateTime<Utc>) -> Result<Version, StoreError> {
        let n = current_at(self.count(), at, |n| self.version(n).map(|v| v.memento_at()))?;
        self.version(n)
    }

    /// [`base_links`] and the first and last mementos.
    fn links_with_ends(&self) -> Result<Links, StoreError> {
        let mut links = base_links(self.base, self.original());
        links
            .memento(&self.reference(&self.version(1)?), "first memento")
            .memento(&self.reference(&self.statement.latest), "last memento");
        Ok(links)
    }

    /// [`Self::links_with_ends`], and `version` with its neighbours: `memento`, `prev
    /// memento`, `next memento`. A TimeGate's redirect carries them too, as the Wayback
    /// Machine's does: Memento clients such as pywb take the memento chosen from them.
    fn links_around(&self, version: &Version) -> Result<Links, StoreError> {
        let n = version.version.get();
        let mut links = self.links_with_ends()?;
        if n > 1 {
            links.memento(&self.reference(&self.version(n - 1)?), "prev memento");
        }
        if n < self.count() {
            links.memento(&self.reference(&self.version(n + 1)?), "next memento");
        }
        links.memento(&self.reference(version), "memento");
        Ok(links)
    }
}

/// The memento of `version`: its URI and Memento-Datetime.
fn reference(base: &str, version: &Version) -> MementoRef {
    MementoRef {
        uri: format!(
            "{base}{}",
            memento_path(version.memento_at(), version.source_url.as_str())
        ),
        datetime: memento_time(version.memento_at()),
    }
}

/// The original, TimeGate and TimeMap links every Memento response carries.
fn base_links(base: &str, original: &str) -> Links {
    let mut links = Links::default();
    links
        .add(original, "original", &[])
        .add(&format!("{base}/web/{original}"), "timegate", &[])
        .add(
            &timemap_uri(base, TimeMapFormat::Link, 1, original),
            "timemap",
            &[("type", "application/link-format".to_owned())],
        );
    links
}

fn timemap_uri(base: &str, format: TimeMapFormat, from: u32, original: &str) -> String {
    let page = if from > 1 {
        format!("~{from}/")
    } else {
        String::new()
    };
    format!("{base}/web/timemap/{}/{page}{original}", format.as_str())
}

/// What a `/web/…` request gets, read from the store.
enum Reply {
    Redirect {
        location: String,
        links: String,
        vary: bool,
    },
    Memento {
        version: Box<Version>,
        bytes: Vec<u8>,
        links: String,
    },
    TimeMap {
        content_type: &'static str,
        body: String,
    },
}

fn answer(
    store: &Store,
    base: &str,
    statement: &Statement,
    asked: WebPath,
    accept_datetime: Option<DateTime<Utc>>,
) -> Result<Reply, StoreError> {
    let mementos = Mementos {
        store,
        statement,
        base,
        read: RefCell::default(),
    };
    let reply = match asked {
        WebPath::TimeGate { at, .. } => {
            let version = match at.or(accept_datetime) {
                Some(at) => mementos.current_at(at)?,
                None => statement.latest.clone(),
            };
            Reply::Redirect {
                location: mementos.reference(&version).uri,
                links: mementos.links_around(&version)?.render(", "),
                vary: true,
            }
        }
        WebPath::Memento { at, exact, .. } => {
            let version = mementos.current_at(at)?;
            if exact && memento_time(version.memento_at()) == at {
                memento_reply(&mementos, version)?
            } else {
                Reply::Redirect {
                    location: mementos.reference(&version).uri,
                    links: mementos.links_around(&version)?.render(", "),
                    vary: false,
                }
            }
        }
        WebPath::TimeMap { format, from, .. } => timemap(&mementos, format, from)?,
    };
    Ok(reply)
}

fn memento_reply(mementos: &Mementos, version: Version) -> Result<Reply, StoreError> {
    let mut links = mementos.links_around(&version)?;
    let record = version_path(&version.statement_id, version.version);
    let json = || [("type", "application/json".to_owned())];
    links
        .add(&format!("{}{record}", mementos.base), "describedby", &json())
        .add(
            &format!("{}{record}/proof", mementos.base),
            "describedby",
            &json(),
        );
    let bytes = mementos.store.content_of(&version)?;
    Ok(Reply::Memento {
        version: Box::new(version),
        bytes,
        links: links.render(", "),
    })
}

fn timemap(mementos: &Mementos, format: TimeMapFormat, from: u32) -> Result<Reply, StoreError> {
    let count = mementos.count();
    let last = count.min(from.saturating_add(TIMEMAP_PAGE - 1));
    let page: Vec<Version> = (from..=last)
        .map(|n| mementos.version(n))
        .collect::<Result<_, _>>()?;
    let next = (last < count).then(|| timemap_uri(mementos.base, format, last + 1, mementos.original()));
    let original = mementos.original();
    let kind = |n: u32| match (n == 1, n == count) {
        (true, true) => "first last memento",
        (true, false) => "first memento",
        (false, true) => "last memento",
        (false, false) => "memento",
    };
    Ok(match format {
        TimeMapFormat::Link => {
            let mut links = Links::default();
            links.add(original, "original", &[]).add(
                &format!("{}/web/{original}", mementos.base),
                "timegate",
                &[],
            );
            let mut attributes = vec![("type", "application/link-format".to_owned())];
            if let (Some(first), Some(last)) = (page.first(), page.last()) {
                attributes.push(("from", http_date(memento_time(first.memento_at()))));
                attributes.push(("until", http_date(memento_time(last.memento_at()))));
            }
            links.add(
                &timemap_uri(mementos.base, format, from, original),
                "self",
                &attributes,
            );
            if let Some(next) = &next {
                links.add(next, "timemap", &[("type", "application/link-format".to_owned())]);
            }
            for version in &page {
                links.memento(&mementos.reference(version), kind(version.version.get()));
            }
            Reply::TimeMap {
                content_type: "application/link-format",
                body: links.render(",\n") + "\n",
            }
        }
        TimeMapFormat::Json => {
            let item = |version: &Version| {
                let reference = mementos.reference(version);
                json!({
                    "datetime": rfc3339(reference.datetime),
                    "uri": reference.uri,
                    "version": version.version.get(),
                })
            };
            let first = mementos.version(1)?;
            let body = json!({
                "original_uri": original,
                "timegate_uri": format!("{}/web/{original}", mementos.base),
                "timemap_uri": {
                    "link_format": timemap_uri(mementos.base, TimeMapFormat::Link, from, original),
                    "json_format": timemap_uri(mementos.base, TimeMapFormat::Json, from, original),
                },
                "mementos": {
                    "first": item(&first),
                    "last": item(&mementos.statement.latest),
                    "list": page.iter().map(item).collect::<Vec<_>>(),
                },
                "next": next,
            });
            Reply::TimeMap {
                content_type: "application/json",
                body: body.to_string(),
            }
        }
    })
}

fn respond(reply: Reply) -> HttpResponse {
    match reply {
        Reply::Redirect {
            location,
            links,
            vary,
        } => {
            let mut response = HttpResponse::Found();
            response
                .insert_header((header::LOCATION, location))
                .insert_header((header::LINK, links));
            if vary {
                response.insert_header((header::VARY, "accept-datetime"));
            }
            response.finish()
        }
        Reply::Memento {
            version,
            bytes,
            links,
        } => HttpResponse::Ok()
            .insert_header(("Memento-Datetime", http_date(memento_time(version.memento_at()))))
            .insert_header((header::LINK, links))
            .insert_header((header::ETAG, format!("\"{}\"", version.sha256.to_hex())))
            .insert_header(("Repr-Digest", format!("sha-256=:{}:", version.sha256.to_base64())))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_POLICY))
            .content_type(format!(
                "{}; charset=utf-8",
                version.metadata.content_type.as_str()
            ))
            .body(bytes),
        Reply::TimeMap { content_type, body } => HttpResponse::Ok().content_type(content_type).body(body),
    }
}

/// The `Memento-Datetime` and `Link` headers of `/v1/…/content`: the version as a memento of
/// its source URL.
pub(super) fn content_headers(req: &HttpRequest, version: &Version) -> [(&'static str, String); 2] {
    let base = base_uri(req);
    let mut links = base_links(&base, version.source_url.as_str());
    links.memento(&reference(&base, version), "memento");
    [
        ("Memento-Datetime", http_date(memento_time(version.memento_at()))),
        ("Link", links.render(", ")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timemap_pages_are_named_by_their_first_version() {
        assert_eq!(
            timemap_uri("http://h", TimeMapFormat::Link, 1, "https://example.org/"),
            "http://h/web/timemap/link/https://example.org/"
        );
        assert_eq!(
            timemap_uri("http://h", TimeMapFormat::Json, 501, "https://example.org/"),
            "http://h/web/timemap/json/~501/https://example.org/"
        );
    }
}
