//! Memento (RFC 7089) in the Wayback/pywb URL scheme, as pure code: what a `/web/…` path asks
//! for, which version was current at a time, and the `Link` values (RFC 8288, with Memento's
//! relation types and `datetime` attributes; TimeMaps in RFC 6690 link format).
//!
//! Paths, after `/web/` (the target URL keeps its own query string):
//! - `{url}`: the TimeGate, at the request's `Accept-Datetime` or else now;
//! - `{timestamp}/{url}`: the TimeGate at that time (1 to 14 digits);
//! - `{timestamp}id_/{url}` (or any other two-letter Wayback modifier, such as `mp_`: the
//!   registry never rewrites): the memento current at that time;
//! - `timemap/link/{url}`, `timemap/json/{url}`: the TimeMap, and `timemap/{format}/~{n}/{url}`
//!   its page from version `n` on.

use chrono::{DateTime, SubsecRound, Utc};

use super::timestamp::{http_date, parse_timestamp, timestamp14, Pad};
use crate::domain::FieldError;

/// The TimeMap formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeMapFormat {
    /// `application/link-format` (RFC 6690), as RFC 7089 §5 defines TimeMaps.
    Link,
    /// JSON in the shape Memento aggregators (Time Travel) answer with.
    Json,
}

impl TimeMapFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Json => "json",
        }
    }
}

/// What a `/web/…` path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebPath {
    /// The TimeGate; `at` is the time the path names, if any (else `Accept-Datetime`).
    TimeGate { at: Option<DateTime<Utc>>, url: String },
    /// The memento current at `at`; `exact` is whether the path gave all 14 digits.
    Memento {
        at: DateTime<Utc>,
        exact: bool,
        url: String,
    },
    /// A page of the TimeMap, from version `from` (1 for the first page).
    TimeMap {
        format: TimeMapFormat,
        from: u32,
        url: String,
    },
}

/// Parses the part of a path after `/web/` (with the request's query string appended, as it
/// belongs to the target URL). A malformed timestamp is a [`FieldError`] of `timestamp`.
pub fn parse_web_path(tail: &str) -> Result<WebPath, FieldError> {
    let missing_url = || FieldError::new("url", "is missing: put the archived URL after the path");
    if let Some(rest) = tail.strip_prefix("timemap/") {
        let (format, rest) = rest.split_once('/').ok_or_else(missing_url)?;
        let format = match format {
            "link" => TimeMapFormat::Link,
            "json" => TimeMapFormat::Json,
            _ => return Err(FieldError::new("format", "must be link or json")),
        };
        let (from, url) = match rest.strip_prefix('~').and_then(|paged| paged.split_once('/')) {
            Some((number, url)) => (
                number
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| FieldError::new("page", "must be ~ and a version number from 1"))?,
                url,
            ),
            None => (1, rest),
        };
        return Ok(WebPath::TimeMap {
            format,
            from,
            url: non_empty(url).ok_or_else(missing_url)?,
        });
    }
    let (first, rest) = tail.split_once('/').unwrap_or((tail, ""));
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    let modifier = &first[digits..];
    let is_modifier = modifier.len() == 3
        && modifier.ends_with('_')
        && modifier[..2].bytes().all(|b| b.is_ascii_lowercase());
    if digits > 0 && (modifier.is_empty() || is_modifier) {
        let at = parse_timestamp("timestamp", &first[..digits], Pad::Up)?;
        let url = non_empty(rest).ok_or_else(missing_url)?;
        return Ok(if modifier.is_empty() {
            WebPath::TimeGate { at: Some(at), url }
        } else {
            WebPath::Memento {
                at,
                exact: digits == 14,
                url,
            }
        });
    }
    Ok(WebPath::TimeGate {
        at: None,
        url: non_empty(tail).ok_or_else(missing_url)?,
    })
}

fn non_empty(url: &str) -> Option<String> {
    (!url.is_empty()).then(|| url.to_owned())
}

/// The URLs a target named in a Wayback path may stand for, in the order to try them: itself
/// when it has a scheme (also when a proxy merged the `//` of `http` or `https` into one `/`),
/// otherwise as `https`
/// and then as `http`, as Wayback accepts `example.org/a`.
pub fn candidate_urls(target: &str) -> Vec<String> {
    for scheme in ["https:", "http:"] {
        if let Some(rest) = strip_prefix_ignore_case(target, scheme) {
            let rest = rest.trim_start_matches('/');
            return vec![format!("{scheme}//{rest}")];
        }
    }
    if target.contains("://") {
        return vec![target.to_owned()]; // another scheme, for the URL parser to refuse
    }
    vec![format!("https://{target}"), format!("http://{target}")]
}

fn strip_prefix_ignore_case<'a>(raw: &'a str, prefix: &str) -> Option<&'a str> {
    raw.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &raw[prefix.len()..])
}

/// A version's Memento-Datetime: its time to the second, as HTTP dates and 14-digit
/// timestamps carry it.
pub fn memento_time(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(0)
}

/// The number (1..=`count`) of the version current at `at`: the latest whose time (to the
/// second) is at or before it, or the first when `at` is before every version. `time_of`
/// gives a version's time; versions' times do not decrease with their number, so this is a
/// binary search (O(log count) reads).
pub fn current_at<E>(
    count: u32,
    at: DateTime<Utc>,
    mut time_of: impl FnMut(u32) -> Result<DateTime<Utc>, E>,
) -> Result<u32, E> {
    let (mut low, mut high) = (1u32, count);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if memento_time(time_of(middle)?) <= at {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    Ok(low.max(1))
}

/// A memento as links name it: its URI and Memento-Datetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MementoRef {
    pub uri: String,
    pub datetime: DateTime<Utc>,
}

/// The Wayback path of the memento of `original` at `time`: `/web/{14 digits}id_/{original}`.
pub fn memento_path(time: DateTime<Utc>, original: &str) -> String {
    format!("/web/{}id_/{original}", timestamp14(time))
}

/// A `Link` header value being built: one link per URI, whose relation types are merged
/// (`rel="first last memento"`) as RFC 7089 §2.2.1 recommends.
#[derive(Debug, Default)]
pub struct Links(Vec<Link>);

/// One link: its URI, relation types and other attributes.
type Link = (String, Vec<&'static str>, Vec<(String, String)>);

impl Links {
    /// Adds `rel` to the link to `uri` (created with the attributes `attributes`).
    pub fn add(&mut self, uri: &str, rel: &'static str, attributes: &[(&str, String)]) -> &mut Self {
        match self.0.iter_mut().find(|(existing, _, _)| existing == uri) {
            Some((_, rels, _)) => {
                if !rels.contains(&rel) {
                    rels.push(rel);
                }
            }
            None => self.0.push((
                uri.to_owned(),
                vec![rel],
                attributes
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
            )),
        }
        self
    }

    /// Adds a memento link of relation `rel` (`first`, `last`, `prev`, `next` or empty) with
    /// its `datetime`.
    pub fn memento(&mut self, memento: &MementoRef, rel: &'static str) -> &mut Self {
        self.add(&memento.uri, rel, &[("datetime", http_date(memento.datetime))])
    }

    /// The header value; in link format (a TimeMap) the links go one per line.
    pub fn render(&self, separator: &str) -> String {
        self.0
            .iter()
            .map(|(uri, rels, attributes)| {
                let is_memento = |rel: &&str| rel.ends_with("memento");
                let mut words: Vec<&str> = rels.iter().copied().filter(|rel| !is_memento(rel)).collect();
                words.extend(rels.iter().filter_map(|rel| rel.strip_suffix(" memento")));
                if rels.iter().any(is_memento) {
                    words.push("memento");
                }
                let mut link = format!("<{uri}>; rel=\"{}\"", words.join(" "));
                for (name, value) in attributes {
                    link.push_str(&format!("; {name}=\"{value}\""));
                }
                link
            })
            .collect::<Vec<_>>()
            .join(separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn time(raw: &str) -> DateTime<Utc> {
        parse_timestamp("t", raw, Pad::Down).unwrap()
    }

    #[test]
    fn paths_name_timegates_mementos_and_timemaps() {
        assert_eq!(
            parse_web_path("https://example.org/a?b=1").unwrap(),
            WebPath::TimeGate {
                at: None,
                url: "https://example.org/a?b=1".into()
            }
        );
        assert_eq!(
            parse_web_path("2019/example.org/a").unwrap(),
            WebPath::TimeGate {
                at: Some(time("20191231235959")),
                url: "example.org/a".into()
            }
        );
        assert_eq!(
            parse_web_path("20190102030405id_/https://example.org/").unwrap(),
            WebPath::Memento {
                at: time("20190102030405"),
                exact: true,
                url: "https://example.org/".into()
            }
        );
        assert_eq!(
            parse_web_path("2019mp_/https://example.org/").unwrap(),
            WebPath::Memento {
                at: time("20191231235959"),
                exact: false,
                url: "https://example.org/".into()
            }
        );
        assert_eq!(
            parse_web_path("timemap/json/~501/example.org/").unwrap(),
            WebPath::TimeMap {
                format: TimeMapFormat::Json,
                from: 501,
                url: "example.org/".into()
            }
        );
        assert_eq!(
            parse_web_path("timemap/link/example.org/").unwrap(),
            WebPath::TimeMap {
                format: TimeMapFormat::Link,
                from: 1,
                url: "example.org/".into()
            }
        );
        // A host name that starts with digits is a URL, not a time.
        assert_eq!(
            parse_web_path("1password.com/a").unwrap(),
            WebPath::TimeGate {
                at: None,
                url: "1password.com/a".into()
            }
        );
    }

    #[test]
    fn malformed_paths_name_their_part() {
        let field = |tail: &str| parse_web_path(tail).unwrap_err().field;
        assert_eq!(field("201901011200001/https://example.org/"), "timestamp");
        assert_eq!(field("201901011200001id_/https://example.org/"), "timestamp");
        assert_eq!(field("2019/"), "url");
        assert_eq!(field(""), "url");
        assert_eq!(field("timemap/xml/example.org"), "format");
        assert_eq!(field("timemap/link/~0/example.org"), "page");
        assert_eq!(field("timemap/link/"), "url");
    }

    #[test]
    fn candidates_keep_a_scheme_and_try_both_without() {
        assert_eq!(candidate_urls("https://example.org/a"), ["https://example.org/a"]);
        assert_eq!(candidate_urls("http:/example.org/a"), ["http://example.org/a"]);
        assert_eq!(
            candidate_urls("example.org/a"),
            ["https://example.org/a", "http://example.org/a"]
        );
    }

    #[test]
    fn the_current_version_is_the_latest_at_or_before_the_time() {
        let times = [time("2020"), time("2021"), time("2021"), time("2022")];
        let at = |raw: &str| current_at::<()>(4, time(raw), |n| Ok(times[n as usize - 1])).unwrap();
        assert_eq!(at("2019"), 1, "before the first: the first");
        assert_eq!(at("2020"), 1);
        assert_eq!(at("20201231"), 1);
        assert_eq!(at("2021"), 3, "two at the same second: the later");
        assert_eq!(at("2030"), 4);
        assert_eq!(
            current_at::<()>(1, time("1990"), |_| Ok(time("2020"))).unwrap(),
            1
        );
        let fractional =
            Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(500);
        assert_eq!(current_at::<()>(1, time("2020"), |_| Ok(fractional)).unwrap(), 1);
    }

    #[test]
    fn links_merge_relations_of_one_uri() {
        let first = MementoRef {
            uri: "/web/20200101000000id_/u".into(),
            datetime: time("2020"),
        };
        let last = MementoRef {
            uri: "/web/20210101000000id_/u".into(),
            datetime: time("2021"),
        };
        let mut links = Links::default();
        links
            .add("u", "original", &[])
            .memento(&first, "first memento")
            .memento(&first, "prev memento")
            .memento(&last, "last memento");
        assert_eq!(
            links.render(", "),
            "<u>; rel=\"original\", \
             </web/20200101000000id_/u>; rel=\"first prev memento\"; datetime=\"Wed, 01 Jan 2020 00:00:00 GMT\", \
             </web/20210101000000id_/u>; rel=\"last memento\"; datetime=\"Fri, 01 Jan 2021 00:00:00 GMT\""
        );
        let mut plain = Links::default();
        plain.memento(&first, "memento");
        assert_eq!(
            plain.render(""),
            "</web/20200101000000id_/u>; rel=\"memento\"; datetime=\"Wed, 01 Jan 2020 00:00:00 GMT\""
        );
    }
}
