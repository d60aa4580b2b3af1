//! The CDX server API (`/cdx` as pywb speaks it, `/cdx/search/cdx` as the Wayback Machine
//! does) and the Wayback availability API (`/wayback/available`). The query language and the
//! output forms are pure code in [`crate::archive::cdx`]; this is the glue to the store's CDX
//! index.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::blocking;
use super::model::{BadRequestProblem, RateLimitedProblem, UnauthorizedProblem};
use super::problem::ApiError;
use crate::archive::cdx::{render, select, CdxQuery, Dialect, Selection};
use crate::archive::memento::memento_path;
use crate::archive::timestamp::{parse_timestamp, Pad};
use crate::store::Store;

/// The parameters of a CDX query, as the Wayback CDX server and pywb name them (read from the
/// query string by [`CdxQuery::parse`], since `filter` may repeat; this type documents them).
/// A parameter sent empty is one not sent, as in pywb.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // It documents the parameters; the handlers read the query's pairs.
pub struct CdxParams {
    /// The URL, with or without its scheme. Without `matchType`, `*.example.org` asks for the
    /// domain and `example.org/news/*` for the prefix. Without a scheme, the host must be a
    /// name with a dot (`http://192.0.2.1/` needs its scheme). The pattern shows the usual forms.
    #[param(
        min_length = 1,
        max_length = 2000,
        example = "example.org/news/*",
        pattern = r"^(?:[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*|(?:\*\.)?[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)(?::[1-9][0-9]{0,3})?(?:[/?][^*]*)?\*?$"
    )]
    url: String,
    /// `exact` (the default), `prefix`, `host` or `domain`, matched by SURT key.
    #[serde(rename = "matchType")]
    #[param(rename = "matchType", pattern = "^(exact|prefix|host|domain)?$")]
    match_type: Option<String>,
    /// Earliest timestamp (1 to 14 digits, `YYYYMMDDhhmmss`; padded as pywb pads them), included.
    #[param(pattern = "^[0-9]{0,14}$")]
    from: Option<String>,
    /// Latest timestamp (1 to 14 digits; a partial one means the end of its period), included.
    #[param(pattern = "^[0-9]{0,14}$")]
    to: Option<String>,
    /// The most rows (at most 10,000, which is also the default); negative: the last N.
    #[param(value_type = Option<i64>)]
    limit: Option<String>,
    /// `reverse` (latest first) or `closest` (the order when `closest` is given; without it,
    /// the index order, as in pywb).
    #[param(pattern = "^(reverse|closest)?$")]
    sort: Option<String>,
    /// Order by distance in time from this timestamp (1 to 14 digits); an exact URL only.
    #[param(pattern = "^[0-9]{0,14}$")]
    closest: Option<String>,
    /// `[!][~]field:regex`, repeatable (all must hold): the regex matches the whole field, or
    /// with `~` anywhere in it; `!` inverts. Regexes are RE2-like (no look-around or
    /// back-references), at most 1,000 characters.
    #[param(
        pattern = "^!?~?(urlkey|timestamp|original|url|mimetype|mime|statuscode|status|digest|length|statement_id|version|sha256):"
    )]
    filter: Option<Vec<String>>,
    /// The fields of each row, comma-separated: `urlkey`, `timestamp`, `original`, `mimetype`,
    /// `statuscode`, `digest`, `length` (the default seven), `statement_id`, `version`,
    /// `sha256`; pywb's `url`, `mime` and `status` are read too.
    #[param(
        pattern = "^((urlkey|timestamp|original|url|mimetype|mime|statuscode|status|digest|length|statement_id|version|sha256)(,(urlkey|timestamp|original|url|mimetype|mime|statuscode|status|digest|length|statement_id|version|sha256))*)?$"
    )]
    fl: Option<String>,
    /// `text` (the default: space-separated lines) or `json`: on `/cdx` one JSON object per
    /// line (pywb), on `/cdx/search/cdx` an array of arrays whose first is the field names
    /// (the Wayback Machine).
    #[param(pattern = "^(text|json)?$")]
    output: Option<String>,
    /// `true`: after the rows, when there may be more, the key to resume after (text: an empty
    /// line then the key; NDJSON: a last `{"resumeKey": …}`; arrays: `[]` then `[key]`).
    #[serde(rename = "showResumeKey")]
    #[param(rename = "showResumeKey", value_type = Option<bool>)]
    show_resume_key: Option<String>,
    /// A key given by `showResumeKey`: the rows after it, for the same query. Valid while new
    /// versions arrive and across restarts.
    #[serde(rename = "resumeKey")]
    #[param(rename = "resumeKey", pattern = "^([A-Za-z0-9_-]{46,})?$")]
    resume_key: Option<String>,
}

/// Query the CDX index (pywb's form).
///
/// Every version of the URLs asked, one row each (see the parameters). `output=json` gives
/// pywb's form: one JSON object per line (`text/x-ndjson`), keyed by pywb's field names (`url`,
/// `mime`, `status` for `original`, `mimetype`, `statuscode`).
#[utoipa::path(
    get,
    path = "/cdx",
    tag = "archive",
    operation_id = "cdx_pywb",
    params(CdxParams),
    responses(
        (status = 200, description = "The rows: text lines (`text/plain`) or NDJSON (`text/x-ndjson`).",
            content((String = "text/plain"), (String = "text/x-ndjson"))),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/cdx")]
pub async fn cdx_pywb(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    search(&req, store, Dialect::Pywb).await
}

/// Query the CDX index (the Wayback Machine's form).
///
/// As `/cdx`, except that `output=json` gives the Wayback Machine's form: one JSON array of
/// arrays, the first the field names, then one per row (no rows: `[]`).
#[utoipa::path(
    get,
    path = "/cdx/search/cdx",
    tag = "archive",
    operation_id = "cdx_wayback",
    params(CdxParams),
    responses(
        (status = 200, description = "The rows: text lines (`text/plain`) or arrays (`application/json`).",
            content((String = "text/plain"), (Vec<Vec<String>> = "application/json"))),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/cdx/search/cdx")]
pub async fn cdx_wayback(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    search(&req, store, Dialect::Wayback).await
}

fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect()
}

async fn search(
    req: &HttpRequest,
    store: web::Data<Store>,
    dialect: Dialect,
) -> Result<HttpResponse, ApiError> {
    let query = CdxQuery::parse(&query_pairs(req), dialect).map_err(ApiError::BadRequest)?;
    let store = store.into_inner();
    let (content_type, body) = blocking(move || {
        let selection = select(&query, |bounds, direction| store.cdx_rows(bounds, direction))?;
        Ok(render(&query, &selection))
    })
    .await?;
    Ok(HttpResponse::Ok().content_type(content_type).body(body))
}

/// The parameters of the availability API.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailableParams {
    /// The URL, with or without its scheme (matched by SURT key, as an exact CDX query).
    #[param(
        required = true,
        min_length = 1,
        max_length = 2000,
        example = "example.org/news/1",
        pattern = r"^(?:[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*|[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)(?::[1-9][0-9]{0,3})?(?:[/?].*)?$"
    )]
    url: Option<String>,
    /// The time wanted (1 to 14 digits, `YYYYMMDDhhmmss`); the latest version when absent.
    #[param(pattern = "^[0-9]{0,14}$")]
    timestamp: Option<String>,
}

/// Is a URL archived? (the Wayback availability API)
///
/// As archive.org's `/wayback/available`: the version of the URL closest in time to
/// `timestamp` (the earlier on a tie), or the latest, as
/// `{"url", "archived_snapshots": {"closest": {"status": "200", "available": true, "url",
/// "timestamp"}}}`, its `url` the memento (`/web/{timestamp}id_/{url}`); `archived_snapshots`
/// is `{}` when the registry holds no version of the URL.
#[utoipa::path(
    get,
    path = "/wayback/available",
    tag = "archive",
    operation_id = "wayback_available",
    params(AvailableParams),
    responses(
        (status = 200, description = "The closest snapshot, if any.", body = Object),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/wayback/available")]
pub async fn wayback_available(
    req: HttpRequest,
    query: web::Query<AvailableParams>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let url = query
        .url
        .filter(|url| !url.is_empty())
        .ok_or_else(|| ApiError::bad_request("url", "is required"))?;
    let timestamp = query.timestamp.filter(|timestamp| !timestamp.is_empty());
    let mut pairs = vec![
        ("url".to_owned(), url.clone()),
        ("limit".to_owned(), "-1".to_owned()),
    ];
    if let Some(timestamp) = &timestamp {
        parse_timestamp("timestamp", timestamp, Pad::Down).map_err(ApiError::BadRequest)?;
        pairs = vec![
            ("url".to_owned(), url.clone()),
            ("closest".to_owned(), timestamp.clone()),
            ("limit".to_owned(), "1".to_owned()),
        ];
    }
    pairs.push(("matchType".to_owned(), "exact".to_owned()));
    let cdx = CdxQuery::parse(&pairs, Dialect::Wayback).map_err(ApiError::BadRequest)?;
    let store = store.into_inner();
    let Selection { rows, .. } =
        blocking(move || select(&cdx, |bounds, direction| store.cdx_rows(bounds, direction))).await?;
    let info = req.connection_info();
    let base = format!("{}://{}", info.scheme(), info.host());
    let snapshots = match rows.first() {
        Some(row) => json!({
            "closest": {
                "status": "200",
                "available": true,
                "url": format!("{base}{}", memento_path(row_time(&row.position.timestamp), &row.original)),
                "timestamp": row.position.timestamp,
            }
        }),
        None => json!({}),
    };
    let mut body = json!({ "url": url, "archived_snapshots": snapshots });
    if let Some(timestamp) = timestamp {
        body["timestamp"] = json!(timestamp);
    }
    Ok(HttpResponse::Ok().json(body))
}

fn row_time(timestamp: &str) -> chrono::DateTime<chrono::Utc> {
    parse_timestamp("timestamp", timestamp, Pad::Down).unwrap_or_default()
}
