//! SURT keys: the "Sort-friendly URI Reordering Transform" every web archive sorts its index
//! by (CDX `urlkey`), computed as Python `surt.surt(url)` does with its defaults (the Internet
//! Archive's canonicalizer after Google's), which is what pywb and the Wayback Machine use:
//!
//! - the scheme is left out; the host is lower-cased, a leading `www.` (or `www2.`…) dropped,
//!   its labels reversed and joined by commas (`org,example`); an IPv4 address is reversed too;
//!   a port other than the scheme's default follows it (`org,example:8080`); then `)`;
//! - path and query are unescaped repeatedly and escaped once again only where they must be
//!   (bytes outside printable ASCII, `%` and `#`), then lower-cased; empty path segments are
//!   collapsed and a trailing `/` is dropped unless the path is only `/`;
//! - session ids (`jsessionid`, `phpsessid`, `sid`, `aspsessionid…`, `cfid`/`cftoken` in the
//!   query, ASP.NET ids in the path) are removed, query parameters sorted, an empty query
//!   dropped with its `?`.
//!
//! Canonicalization of the registry (`SourceUrl`) has already run: punycode hosts, default
//! ports and fragments dropped, dot segments resolved. Many registry URLs can share a SURT
//! (`http` and `https`, `www.` or not, parameter order): that is the point of it.

use regex::bytes::Regex;
use std::fmt;
use std::sync::LazyLock;

use crate::domain::SourceUrl;

/// A SURT key, such as `org,example)/news/1?a=1&b=2`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Surt(String);

static WWW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^www\d*\.").expect("a valid pattern"));
static PATH_SESSION_IDS: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        r"(?i)^(.*/)(\((?:[a-z]\([0-9a-z]{24}\))+\)/)([^\?]+\.aspx.*)$",
        r"(?i)^(.*/)(\([0-9a-z]{24}\)/)([^\?]+\.aspx.*)$",
    ]
    .map(|pattern| Regex::new(pattern).expect("a valid pattern"))
});
static QUERY_SESSION_IDS: LazyLock<[Regex; 5]> = LazyLock::new(|| {
    [
        r"(?i)^(.*)(?:jsessionid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"(?i)^(.*)(?:phpsessid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"(?i)^(.*)(?:sid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"(?i)^(.*)(?:ASPSESSIONID[a-zA-Z]{8}=[a-zA-Z]{24})(?:&(.*))?$",
        r"(?i)^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$",
    ]
    .map(|pattern| Regex::new(pattern).expect("a valid pattern"))
});

impl Surt {
    pub fn of(url: &SourceUrl) -> Self {
        let parsed = url::Url::parse(url.as_str()).expect("a source URL is a valid URL");
        let mut key = host_key(&parsed);
        if let Some(port) = parsed.port() {
            key.push_str(&format!(":{port}"));
        }
        key.push(')');
        key.push_str(&path_key(parsed.path()));
        if let Some(query) = parsed.query().map(query_key).filter(|query| !query.is_empty()) {
            key.push('?');
            key.push_str(&query);
        }
        Self(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Surt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reversed, comma-joined host of a SURT (`www.example.org` → `org,example`).
pub fn reversed_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    let host = WWW
        .find(host.as_bytes())
        .map_or(host.as_str(), |found| &host[found.end()..]);
    host.rsplit('.').collect::<Vec<_>>().join(",")
}

fn host_key(url: &url::Url) -> String {
    match url.host() {
        Some(url::Host::Domain(domain)) => reversed_host(domain),
        Some(url::Host::Ipv4(ip)) => ip.to_string().rsplit('.').collect::<Vec<_>>().join(","),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => String::new(),
    }
}

fn path_key(path: &str) -> String {
    let mut bytes = minimal_escape(path.as_bytes()).to_ascii_lowercase();
    for pattern in PATH_SESSION_IDS.iter() {
        if let Some(found) = pattern.captures(&bytes) {
            bytes = [&found[1], &found[3]].concat();
        }
    }
    let path = String::from_utf8_lossy(&bytes).into_owned();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let mut collapsed = String::from("/");
    if let Some((last, inner)) = segments.split_last() {
        for segment in inner.iter().filter(|segment| !segment.is_empty()) {
            collapsed.push_str(segment);
            collapsed.push('/');
        }
        collapsed.push_str(last);
    }
    if collapsed.len() > 1 && collapsed.ends_with('/') {
        collapsed.pop();
    }
    collapsed
}

fn query_key(query: &str) -> String {
    let mut bytes = minimal_escape(query.as_bytes());
    for pattern in QUERY_SESSION_IDS.iter() {
        if let Some(found) = pattern.captures(&bytes) {
            bytes = match found.get(2) {
                Some(rest) => [&found[1], rest.as_bytes()].concat(),
                None => found[1].to_vec(),
            };
        }
    }
    let query = String::from_utf8_lossy(&bytes).to_lowercase();
    if query.len() <= 1 {
        return query;
    }
    // Sorted as Python sorts the (name, value) tuples, keeping `a` apart from `a=`.
    let mut parameters: Vec<(&str, Option<&str>)> = query
        .split('&')
        .map(|parameter| match parameter.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (parameter, None),
        })
        .collect();
    parameters.sort();
    parameters
        .iter()
        .map(|(name, value)| match value {
            Some(value) => format!("{name}={value}"),
            None => (*name).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Unescapes `%XX` until nothing changes, then escapes once what must be: bytes up to space,
/// from DEL up, `%` and `#` (Python's `quote` with the SURT canonicalizer's safe set).
fn minimal_escape(input: &[u8]) -> Vec<u8> {
    let mut current = input.to_vec();
    loop {
        let next = unescape(&current);
        if next == current {
            break;
        }
        current = next;
    }
    let mut out = Vec::with_capacity(current.len());
    for byte in current {
        if byte <= b' ' || byte >= 0x7F || byte == b'%' || byte == b'#' {
            out.extend_from_slice(format!("%{byte:02X}").as_bytes());
        } else {
            out.push(byte);
        }
    }
    out
}

fn unescape(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let hex = input
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok());
        match (input[i], hex.and_then(|pair| u8::from_str_radix(pair, 16).ok())) {
            (b'%', Some(byte)) if hex.is_some_and(|pair| pair.bytes().all(|b| b.is_ascii_hexdigit())) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surt(raw: &str) -> String {
        Surt::of(&SourceUrl::parse("url", raw).unwrap()).0
    }

    /// Expected values are those of Python `surt.surt()` 0.3 (its own test suite, and runs
    /// of it for the cases it lacks).
    #[test]
    fn matches_python_surt() {
        let cases = [
            ("http://www.archive.org/", "org,archive)/"),
            ("http://archive.org/", "org,archive)/"),
            ("http://archive.org/goo/", "org,archive)/goo"),
            ("http://archive.org/goo/?", "org,archive)/goo"),
            ("http://archive.org/goo/?b&a", "org,archive)/goo?a&b"),
            ("http://archive.org/goo/?a=2&b&a=1", "org,archive)/goo?a=1&a=2&b"),
            (
                "http://archive.org/index.php?PHPSESSID=0123456789abcdefghijklemopqrstuv&action=profile;u=4221",
                "org,archive)/index.php?action=profile;u=4221",
            ),
            ("http://example.com/app?item=Wroc%C5%82aw", "com,example)/app?item=wroc%c5%82aw"),
            ("http://192.168.1.254/info/", "254,1,168,192)/info"),
            // Case, ports, www variants, scheme, trailing slash.
            ("HTTPS://WWW.Example.ORG/News/Item", "org,example)/news/item"),
            ("https://www2.example.org/a/", "org,example)/a"),
            ("https://wwwx.example.org/", "org,example,wwwx)/"),
            ("http://example.org:8080/a", "org,example:8080)/a"),
            ("https://example.org:443/a", "org,example)/a"),
            ("https://example.org", "org,example)/"),
            ("https://example.org//a//b/", "org,example)/a/b"),
            // International host names are punycode, as the IDNA codec gives them.
            ("https://bücher.example/ä", "example,xn--bcher-kva)/%c3%a4"),
            // Escapes: unescaped where they need not be, kept where they must.
            ("https://example.org/a%20b%3Ac%2Fd", "org,example)/a%20b:c/d"),
            ("https://example.org/?q=%2541", "org,example)/?q=a"),
            ("https://example.org/x?B=2&a=1&c", "org,example)/x?a=1&b=2&c"),
        ];
        for (raw, expected) in cases {
            assert_eq!(surt(raw), expected, "SURT of {raw}");
        }
    }

    #[test]
    fn variants_of_one_page_share_a_key() {
        let key = surt("https://www.example.org/Page/?b=2&a=1");
        for variant in [
            "http://example.org/page?a=1&b=2",
            "https://WWW.EXAMPLE.ORG/page/?a=1&b=2",
            "http://www3.example.org/page?b=2&a=1",
        ] {
            assert_eq!(surt(variant), key, "{variant}");
        }
        assert_ne!(surt("https://example.org:8443/page?a=1&b=2"), key);
    }

    #[test]
    fn reverses_hosts() {
        assert_eq!(reversed_host("WWW.Example.org"), "org,example");
        assert_eq!(surt("http://a.b.example.org:81/x"), "org,example,b,a:81)/x");
    }
}
