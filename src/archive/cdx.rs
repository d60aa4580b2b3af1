//! The CDX server API of the Wayback Machine and pywb, as pure code: the query a request's
//! parameters make ([`CdxQuery::parse`]), the rows it selects from an index sorted by
//! [`Position`] ([`select`]), and their text, NDJSON and array forms ([`render`]).
//!
//! - `url` is matched by SURT key: `matchType=exact` (the default) the key itself, `prefix`
//!   keys that start with it, `host` the keys of its host, `domain` those of its host and its
//!   subdomains; without `matchType`, `*.example.org` means `domain` and `example.org/a*`
//!   `prefix`, as pywb reads them. The key ranges are pywb's (`calc_search_range`).
//! - `from` / `to` (1 to 14 digits) are padded as pywb pads them (`from` with
//!   `10000101000000`, `to` with `29991231235959`, digit by digit) and compared with the
//!   rows' 14-digit timestamps, both ends included.
//! - `filter=[!][~]field:regex` as the Wayback CDX server defines it: the regex must match the
//!   whole field, or with `~` anywhere in it; `!` keeps the rows that do not match. Filters
//!   are AND-ed. (pywb's own filters differ: there, no prefix means "contains" and `~` a
//!   regex from the start.)
//! - Rows come in index order (SURT, then timestamp, then statement id and version);
//!   `sort=reverse` the other way; `closest=TIMESTAMP` (with or without `sort=closest`, for an
//!   exact URL) by distance in time from it, the earlier first on a tie (`sort=closest` without
//!   a time is the index order, as in pywb). `limit=N` keeps the
//!   first N, `limit=-N` the last N (in the same order).
//! - A parameter given empty (`closest=`) is not given, as in pywb.
//! - `showResumeKey=true` adds the position after which the next page starts; the next
//!   request sends it as `resumeKey` with the same query. It is a position in the index, not a
//!   count: rows added meanwhile never shift a page, and it stays valid across restarts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use regex::{Regex, RegexBuilder};

use super::memento::candidate_urls;
use super::surt::Surt;
use super::timestamp::{parse_timestamp, timestamp14, Pad};
use crate::domain::{FieldError, SourceUrl, StatementId, Version, VersionNo};

mod answer;

pub use answer::{render, select, Bounds, Direction, Selection};

/// The most rows one response holds; a longer answer is paged with resume keys.
pub const MAX_ROWS: usize = 10_000;
/// The most index entries one request reads (rows that filters drop count too).
pub const SCAN_BUDGET: usize = 100_000;
/// The longest `url`.
const MAX_URL_CHARS: usize = 2_000;
/// The most filters one request may carry, and the longest regex.
const MAX_FILTERS: usize = 16;
const MAX_PATTERN: usize = 1_000;
/// The most memory a filter's compiled regex may take.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A field of a CDX row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    UrlKey,
    Timestamp,
    Original,
    MimeType,
    StatusCode,
    Digest,
    Length,
    StatementId,
    Version,
    Sha256,
}

impl Field {
    pub const ALL: [Self; 10] = [
        Self::UrlKey,
        Self::Timestamp,
        Self::Original,
        Self::MimeType,
        Self::StatusCode,
        Self::Digest,
        Self::Length,
        Self::StatementId,
        Self::Version,
        Self::Sha256,
    ];
    /// The fields of a row when `fl` is not given: the Wayback Machine's seven.
    pub const DEFAULT: [Self; 7] = [
        Self::UrlKey,
        Self::Timestamp,
        Self::Original,
        Self::MimeType,
        Self::StatusCode,
        Self::Digest,
        Self::Length,
    ];

    /// The Wayback Machine's name (text lines, array headers, `fl`, `filter`).
    pub fn name(self) -> &'static str {
        match self {
            Self::UrlKey => "urlkey",
            Self::Timestamp => "timestamp",
            Self::Original => "original",
            Self::MimeType => "mimetype",
            Self::StatusCode => "statuscode",
            Self::Digest => "digest",
            Self::Length => "length",
            Self::StatementId => "statement_id",
            Self::Version => "version",
            Self::Sha256 => "sha256",
        }
    }

    /// pywb's name (its NDJSON keys; also read in `fl` and `filter`).
    pub fn pywb_name(self) -> &'static str {
        match self {
            Self::Original => "url",
            Self::MimeType => "mime",
            Self::StatusCode => "status",
            other => other.name(),
        }
    }

    fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == raw || f.pywb_name() == raw)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|f| f.name()).collect();
                FieldError::new(
                    field,
                    format!("names no field; the fields are {}", names.join(", ")),
                )
            })
    }
}

/// Where a version is in the CDX index: its SURT key, its 14-digit timestamp (its
/// Memento-Datetime, [`Version::memento_at`]), then its statement id and version number, which
/// order the versions of one SURT recorded in the same second. Its byte form ([`Position::to_bytes`]) sorts as the index
/// does; a resume key is that form in base64url.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub surt: String,
    pub timestamp: String,
    pub id: StatementId,
    pub version: VersionNo,
}

impl Position {
    pub fn of(version: &Version) -> Self {
        Self {
            surt: Surt::of(&version.source_url).as_str().to_owned(),
            timestamp: timestamp14(version.memento_at()),
            id: version.statement_id,
            version: version.version,
        }
    }

    /// `surt ‖ 0x00 ‖ timestamp (14 ASCII digits) ‖ id (16) ‖ version (u32 BE)`. A SURT never
    /// holds 0x00 (it is printable ASCII), so the separator sorts a key before its extensions.
    pub fn to_bytes(&self) -> Vec<u8> {
        [
            self.surt.as_bytes(),
            &[0],
            self.timestamp.as_bytes(),
            self.id.as_bytes(),
            &self.version.get().to_be_bytes(),
        ]
        .concat()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let split = bytes.iter().position(|b| *b == 0)?;
        let (surt, rest) = (&bytes[..split], &bytes[split + 1..]);
        if rest.len() != 14 + 16 + 4 || !surt.iter().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let timestamp = &rest[..14];
        if !timestamp.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(Self {
            surt: String::from_utf8(surt.to_vec()).ok()?,
            timestamp: String::from_utf8(timestamp.to_vec()).ok()?,
            id: StatementId::from_bytes(rest[14..30].try_into().ok()?),
            version: VersionNo::from_u32(u32::from_be_bytes(rest[30..].try_into().ok()?))?,
        })
    }

    pub fn resume_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.to_bytes())
    }

    fn parse_resume_key(field: &str, raw: &str) -> Result<Self, FieldError> {
        URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .filter(|bytes| bytes.len() <= 8192)
            .and_then(|bytes| Self::from_bytes(&bytes))
            .ok_or_else(|| FieldError::new(field, "is not a resume key given by this service"))
    }
}

/// One row: a version as the CDX index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub position: Position,
    pub original: String,
    pub mimetype: String,
    pub digest: String,
    pub length: u64,
    pub sha256: String,
}

impl Row {
    /// The row of `version`, which is at `position`.
    pub fn at(position: Position, version: &Version) -> Self {
        Self {
            position,
            original: version.source_url.as_str().to_owned(),
            mimetype: version.metadata.content_type.as_str().to_owned(),
            digest: version
                .sha1
                .map_or_else(|| "-".to_owned(), |sha1| sha1.to_base32()),
            length: version.content_length,
            sha256: version.sha256.to_hex(),
        }
    }

    pub fn value(&self, field: Field) -> String {
        match field {
            Field::UrlKey => self.position.surt.clone(),
            Field::Timestamp => self.position.timestamp.clone(),
            Field::Original => self.original.clone(),
            Field::MimeType => self.mimetype.clone(),
            Field::StatusCode => "200".to_owned(),
            Field::Digest => self.digest.clone(),
            Field::Length => self.length.to_string(),
            Field::StatementId => self.position.id.to_string(),
            Field::Version => self.position.version.get().to_string(),
            Field::Sha256 => self.sha256.clone(),
        }
    }
}

/// `filter=[!][~]field:regex`.
#[derive(Debug, Clone)]
pub struct Filter {
    invert: bool,
    field: Field,
    /// Anchored at both ends unless the filter was `~` (found anywhere).
    regex: Regex,
}

impl Filter {
    fn parse(raw: &str) -> Result<Self, FieldError> {
        let error = |message: &str| FieldError::new("filter", message);
        let (invert, rest) = match raw.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (contains, rest) = match rest.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let (name, pattern) = rest
            .split_once(':')
            .ok_or_else(|| error("must be [!][~]field:regex"))?;
        let field = Field::parse("filter", name)?;
        if pattern.len() > MAX_PATTERN {
            return Err(error("has a regex longer than 1,000 characters"));
        }
        let compile = |pattern: &str| {
            RegexBuilder::new(pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| match e {
                    regex::Error::CompiledTooBig(_) => error("has a regex too large to run"),
                    _ => error("has a regex that does not parse"),
                })
        };
        // The pattern alone must parse, so that anchoring cannot change what it means.
        let mut regex = compile(pattern)?;
        if !contains {
            regex = compile(&format!("^(?:{pattern})$"))?;
        }
        Ok(Self { invert, field, regex })
    }

    pub fn keeps(&self, row: &Row) -> bool {
        self.regex.is_match(&row.value(self.field)) != self.invert
    }
}

/// The order of the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    Forward,
    Reverse,
    /// By distance from this time, the earlier row first on a tie.
    Closest(DateTime<Utc>),
}

/// How the rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One space-separated line per row.
    Text,
    /// `output=json` on `/cdx`: pywb's form, one JSON object per line (pywb's key names).
    Lines,
    /// `output=json` on `/cdx/search/cdx`: the Wayback Machine's form, one JSON array whose
    /// first element is the field names and each other a row.
    Arrays,
}

/// Which server's `output=json` a path speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Pywb,
    Wayback,
}

/// A parsed CDX query.
#[derive(Debug, Clone)]
pub struct CdxQuery {
    /// The SURT keys asked for: `start <= key < end`.
    pub start: String,
    pub end: String,
    /// Set for an exact URL: its SURT key.
    pub exact: Option<String>,
    /// 14-digit bounds, both included.
    pub from: Option<String>,
    pub to: Option<String>,
    pub order: Order,
    /// The most rows (at most [`MAX_ROWS`]), and whether they are the last ones.
    pub limit: usize,
    pub last: bool,
    pub filters: Vec<Filter>,
    pub fields: Vec<Field>,
    pub output: Output,
    pub show_resume_key: bool,
    pub resume_key: Option<Position>,
}

impl CdxQuery {
    /// Parses the query parameters (in order; `filter` may repeat). Unknown parameters are
    /// ignored, as the Wayback CDX server ignores them.
    pub fn parse(pairs: &[(String, String)], dialect: Dialect) -> Result<Self, FieldError> {
        // An empty value is no value, as pywb reads them (its remote CDX client sends
        // `closest=` when it has no time).
        let one = |name: &str| -> Result<Option<&str>, FieldError> {
            let mut values = pairs
                .iter()
                .filter(|(k, v)| k == name && !v.is_empty())
                .map(|(_, v)| v.as_str());
            let first = values.next();
            if values.next().is_some() {
                return Err(FieldError::new(name, "is given more than once"));
            }
            Ok(first)
        };
        let url = one("url")?.ok_or_else(|| FieldError::new("url", "is required"))?;
        if url.chars().count() > MAX_URL_CHARS {
            return Err(FieldError::new("url", "must be at most 2,000 characters"));
        }
        let (url, match_type) = match one("matchType")? {
            Some(raw) => (url, MatchType::parse(raw)?),
            None => match (url.strip_prefix("*."), url.strip_suffix('*')) {
                (Some(host), _) => (host, MatchType::Domain),
                (None, Some(prefix)) => (prefix, MatchType::Prefix),
                (None, None) => (url, MatchType::Exact),
            },
        };
        let surt = query_surt(url)?;
        let (start, end) = match_type.range(&surt, url);
        let exact = (match_type == MatchType::Exact).then(|| surt.clone());
        let from = one("from")?.map(|raw| pad("from", raw, Pad::Down)).transpose()?;
        let to = one("to")?.map(|raw| pad("to", raw, Pad::Up)).transpose()?;
        let closest = one("closest")?
            .map(|raw| parse_timestamp("closest", raw, Pad::Down))
            .transpose()?;
        let order = match (one("sort")?, closest) {
            (None | Some("closest"), Some(at)) => Order::Closest(at),
            // pywb's too: `sort=closest` without a time is the index order.
            (None | Some("closest" | "default" | "regular"), None) => Order::Forward,
            (Some("reverse"), None) => Order::Reverse,
            (Some("reverse"), Some(_)) => {
                return Err(FieldError::new("sort", "cannot be reverse when closest is given"))
            }
            (Some(_), _) => return Err(FieldError::new("sort", "must be reverse or closest")),
        };
        if matches!(order, Order::Closest(_)) && exact.is_none() {
            return Err(FieldError::new("closest", "needs an exact URL (matchType=exact)"));
        }
        let (limit, last) = match one("limit")? {
            None => (MAX_ROWS, false),
            Some(raw) => {
                let n: i64 = raw
                    .parse()
                    .map_err(|_| FieldError::new("limit", "must be an integer"))?;
                let count = usize::try_from(n.unsigned_abs())
                    .unwrap_or(MAX_ROWS)
                    .min(MAX_ROWS);
                (count, n < 0)
            }
        };
        if last && matches!(order, Order::Closest(_)) {
            return Err(FieldError::new("limit", "cannot be negative with closest"));
        }
        let filters: Vec<Filter> = pairs
            .iter()
            .filter(|(k, _)| k == "filter")
            .map(|(_, v)| Filter::parse(v))
            .collect::<Result<_, _>>()?;
        if filters.len() > MAX_FILTERS {
            return Err(FieldError::new("filter", "is given more than 16 times"));
        }
        let fields = match one("fl")? {
            None => Field::DEFAULT.to_vec(),
            Some(list) => list
                .split(',')
                .map(|name| Field::parse("fl", name))
                .collect::<Result<_, _>>()?,
        };
        let output = match (one("output")?, dialect) {
            (None | Some("text"), _) => Output::Text,
            (Some("json"), Dialect::Pywb) => Output::Lines,
            (Some("json"), Dialect::Wayback) => Output::Arrays,
            (Some(_), _) => return Err(FieldError::new("output", "must be text or json")),
        };
        let show_resume_key = match one("showResumeKey")? {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(_) => return Err(FieldError::new("showResumeKey", "must be true or false")),
        };
        let resume_key = one("resumeKey")?
            .map(|raw| Position::parse_resume_key("resumeKey", raw))
            .transpose()?;
        if let Some(position) = &resume_key {
            if position.surt < start || position.surt >= end {
                return Err(FieldError::new("resumeKey", "belongs to another query"));
            }
        }
        if (show_resume_key || resume_key.is_some()) && matches!(order, Order::Closest(_)) {
            let field = if resume_key.is_some() {
                "resumeKey"
            } else {
                "showResumeKey"
            };
            return Err(FieldError::new(field, "cannot page a closest query"));
        }
        Ok(Self {
            start,
            end,
            exact,
            from,
            to,
            order,
            limit,
            last,
            filters,
            fields,
            output,
            show_resume_key,
            resume_key,
        })
    }

    fn keeps(&self, row: &Row) -> bool {
        let ts = &row.position.timestamp;
        self.from.as_ref().is_none_or(|from| ts >= from)
            && self.to.as_ref().is_none_or(|to| ts <= to)
            && self.filters.iter().all(|filter| filter.keeps(row))
    }
}

/// `matchType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchType {
    Exact,
    Prefix,
    Host,
    Domain,
}

impl MatchType {
    fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "exact" => Ok(Self::Exact),
            "prefix" => Ok(Self::Prefix),
            "host" => Ok(Self::Host),
            "domain" => Ok(Self::Domain),
            _ => Err(FieldError::new(
                "matchType",
                "must be exact, prefix, host or domain",
            )),
        }
    }

    /// The SURT keys `[start, end)` this match type asks for, as pywb's `calc_search_range`.
    fn range(self, surt: &str, url: &str) -> (String, String) {
        let host = surt.split(")/").next().unwrap_or(surt);
        match self {
            Self::Exact => (surt.to_owned(), format!("{surt}!")),
            Self::Prefix => {
                let mut start = surt.to_owned();
                for mark in ['/', '?'] {
                    if url.ends_with(mark) && !start.ends_with(mark) {
                        start.push(mark);
                    }
                }
                let end = next_string(&start);
                (start, end)
            }
            Self::Host => (format!("{host})/"), format!("{host}*")),
            Self::Domain if !host.contains(',') => (format!("{host},"), format!("{host}-")),
            Self::Domain => (format!("{host})/"), format!("{host}-")),
        }
    }
}

/// `s` with its last character incremented: the least string after every string `s` starts.
fn next_string(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if let Some(last) = chars.pop() {
        chars.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
    }
    chars.into_iter().collect()
}

/// The SURT key of a query's URL, with or without its scheme (then tried as `https`, then
/// `http`, as Wayback reads `example.org/a`).
fn query_surt(url: &str) -> Result<String, FieldError> {
    let candidates = candidate_urls(url);
    let host = url.split(['/', '?', ':']).next().unwrap_or_default();
    // Without a scheme, only what is plainly a host name (`null`, `0.5` are not).
    if candidates.len() > 1 && !(host.contains('.') && host.starts_with(|c: char| c.is_ascii_alphabetic())) {
        return Err(FieldError::new(
            "url",
            "without its scheme must start with a host name such as example.org",
        ));
    }
    let mut first_error = None;
    for candidate in candidates {
        match SourceUrl::parse("url", &candidate) {
            Ok(parsed) => return Ok(Surt::of(&parsed).as_str().to_owned()),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| FieldError::new("url", "is not a URL")))
}

/// A 1-14 digit timestamp padded to 14 digits as pywb pads it.
fn pad(field: &str, raw: &str, pad: Pad) -> Result<String, FieldError> {
    parse_timestamp(field, raw, pad)?;
    let padding = match pad {
        Pad::Down => "10000101000000",
        Pad::Up => "29991231235959",
    };
    Ok(format!("{raw}{}", &padding[raw.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(raw: &str) -> Result<CdxQuery, FieldError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
        CdxQuery::parse(&pairs, Dialect::Pywb)
    }

    fn range(raw: &str) -> (String, String) {
        let q = query(raw).unwrap();
        (q.start, q.end)
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn ranges_are_pywbs() {
        assert_eq!(
            range("url=http://example.com/path/file.html"),
            pair("com,example)/path/file.html", "com,example)/path/file.html!")
        );
        assert_eq!(
            range("url=http://example.com/path/file.html&matchType=prefix"),
            pair("com,example)/path/file.html", "com,example)/path/file.htmm")
        );
        assert_eq!(
            range("url=example.com/path/*"),
            pair("com,example)/path/", "com,example)/path0")
        );
        assert_eq!(
            range("url=http://example.com/path?&matchType=prefix"),
            pair("com,example)/path?", "com,example)/path@")
        );
        assert_eq!(
            range("url=http://example.com/path/file.html&matchType=host"),
            pair("com,example)/", "com,example*")
        );
        assert_eq!(
            range("url=http://example.com/path/file.html&matchType=domain"),
            pair("com,example)/", "com,example-")
        );
        assert_eq!(range("url=*.example.com"), pair("com,example)/", "com,example-"));
        assert_eq!(
            range("url=www.example.com:8080/a&matchType=host"),
            pair("com,example:8080)/", "com,example:8080*")
        );
    }

    #[test]
    fn timestamps_are_padded_as_pywb_pads_them() {
        let q = query("url=example.com&from=2019&to=201906").unwrap();
        assert_eq!(q.from.as_deref(), Some("20190101000000"));
        assert_eq!(q.to.as_deref(), Some("20190631235959"));
        assert_eq!(query("url=example.com&from=2019x").unwrap_err().field, "from");
        assert_eq!(query("url=example.com&to=&closest=").unwrap().to, None);
    }

    fn row(surt: &str, ts: &str, original: &str, mimetype: &str) -> Row {
        Row {
            position: Position {
                surt: surt.to_owned(),
                timestamp: ts.to_owned(),
                id: StatementId::from_bytes([1; 16]),
                version: VersionNo::FIRST,
            },
            original: original.to_owned(),
            mimetype: mimetype.to_owned(),
            digest: "AAAA".to_owned(),
            length: 12,
            sha256: "00".to_owned(),
        }
    }

    #[test]
    fn filters_match_the_whole_field_or_with_a_tilde_anywhere() {
        let r = row(
            "org,example)/a",
            "20200101000000",
            "https://example.org/a",
            "text/html",
        );
        let keeps = |raw: &str| Filter::parse(raw).unwrap().keeps(&r);
        assert!(keeps("mimetype:text/html"));
        assert!(!keeps("mimetype:text"));
        assert!(keeps("~mimetype:text"));
        assert!(keeps("!mimetype:text/plain"));
        assert!(!keeps("!~mimetype:html"));
        assert!(keeps("mime:text/.*"));
        assert!(keeps("statuscode:200"));
        assert!(keeps("original:https://example\\.org/a"));
        // Anchoring cannot change the meaning of a pattern that would not parse on its own.
        assert!(Filter::parse("original:a)|(b").is_err());
        for bad in ["mimetype", "nosuch:x", "mimetype:(", "original:a{1000}{1000}"] {
            assert_eq!(Filter::parse(bad).unwrap_err().field, "filter", "{bad}");
        }
    }

    #[test]
    fn positions_round_trip_and_sort_as_the_index() {
        let a = row("org,example)/a", "20200101000000", "", "").position;
        let b = row("org,example)/a/b", "20190101000000", "", "").position;
        assert!(a.to_bytes() < b.to_bytes());
        assert_eq!(Position::from_bytes(&a.to_bytes()), Some(a.clone()));
        assert_eq!(Position::parse_resume_key("k", &a.resume_key()).unwrap(), a);
        assert!(Position::parse_resume_key("k", "nope").is_err());
        assert!(Position::from_bytes(b"org)\x00123").is_none());
    }

    #[test]
    fn bad_parameters_name_themselves() {
        for (raw, field) in [
            ("", "url"),
            ("url=example.org&matchType=all", "matchType"),
            ("url=example.org&limit=ten", "limit"),
            ("url=example.org&sort=up", "sort"),
            ("url=example.org&closest=2020&limit=-1", "limit"),
            ("url=example.org/*&closest=2020", "closest"),
            ("url=example.org&fl=urlkey,nosuch", "fl"),
            ("url=example.org&output=xml", "output"),
            ("url=example.org&showResumeKey=maybe", "showResumeKey"),
            ("url=example.org&resumeKey=%%%", "resumeKey"),
            ("url=example.org&url=example.com", "url"),
            ("url=ftp://example.org/", "url"),
            ("url=https://", "url"),
            ("url=null", "url"),
        ] {
            assert_eq!(query(raw).unwrap_err().field, field, "{raw}");
        }
        let other = row("org,example)/b", "20200101000000", "", "")
            .position
            .resume_key();
        assert_eq!(
            query(&format!("url=example.org/a&resumeKey={other}"))
                .unwrap_err()
                .field,
            "resumeKey"
        );
    }
}
