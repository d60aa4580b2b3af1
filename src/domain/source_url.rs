//! The canonical source URL of a statement. Two URLs that differ only in ways that never
//! change what a web server returns, or only in tracking parameters, name the same statement.
//!
//! Canonicalization, in order (the `url` crate applies WHATWG URL parsing first):
//! 1. Surrounding white space is dropped; the URL must be absolute, `http` or `https`, with a
//!    host, and without user name or password. It must be at most 2048 bytes long, as sent
//!    and once canonical.
//! 2. Scheme and host are lower-cased, international host names become punycode, a trailing
//!    dot on the host is dropped, and the scheme's default port (80, 443) is dropped.
//! 3. The path has `.` and `..` segments resolved, an empty path becomes `/`, percent-escapes
//!    of unreserved characters (`A-Z a-z 0-9 - . _ ~`) are decoded and the remaining escapes
//!    are upper-cased (RFC 3986 §6.2.2); a `%` that starts no escape becomes `%25`.
//! 4. The fragment (`#…`) is dropped.
//! 5. Tracking parameters are removed from the query: every `utm_*` parameter and `fbclid`,
//!    `gclid`, `dclid`, `msclkid`, `mc_cid`, `mc_eid`, `_hsenc`, `_hsmi`, `mkt_tok`
//!    (names compared case-insensitively). The other parameters keep their order and
//!    spelling; an empty query is dropped with its `?`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use url::Url;

use super::FieldError;

/// The longest source URL accepted, in bytes, after canonicalization.
pub const MAX_URL_BYTES: usize = 2048;

const TRACKING_PARAMETERS: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceUrl(Url);

impl SourceUrl {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let invalid = |message: &str| FieldError::new(field, message);
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(invalid("must not be empty"));
        }
        let too_long = || FieldError::new(field, format!("must be at most {MAX_URL_BYTES} bytes long"));
        if raw.len() > MAX_URL_BYTES {
            return Err(too_long());
        }
        let mut url = Url::parse(raw).map_err(|error| match error {
            url::ParseError::RelativeUrlWithoutBase => {
                invalid("must be an absolute http(s) URL, such as https://example.org/news/1")
            }
            other => FieldError::new(field, format!("is not a valid URL: {other}")),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("must use the http or https scheme"));
        }
        let Some(host) = url.host_str() else {
            return Err(invalid("must name a host"));
        };
        if host.is_empty() {
            return Err(invalid("must name a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("must not contain a user name or password"));
        }
        if let Some(bare) = host.strip_suffix('.').map(str::to_owned) {
            url.set_host(Some(&bare))
                .map_err(|_| invalid("must name a valid host"))?;
        }
        if let Some(url::Host::Domain(domain)) = url.host() {
            // `http:///..` parses with the host `..`: no label may be empty.
            if domain.split('.').any(str::is_empty) {
                return Err(invalid("must name a valid host"));
            }
        }
        url.set_fragment(None);
        let path = normalize_percent_escapes(url.path());
        url.set_path(&path);
        strip_tracking_parameters(&mut url);
        if url.as_str().len() > MAX_URL_BYTES {
            return Err(too_long());
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

fn strip_tracking_parameters(url: &mut Url) {
    if url.query().is_none() {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            !name.starts_with("utm_") && !TRACKING_PARAMETERS.contains(&name.as_str())
        })
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let removed_any = kept.len() != url.query_pairs().count();
    if kept.is_empty() {
        url.set_query(None);
    } else if removed_any {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// Decodes percent-escapes of unreserved characters, upper-cases the hex digits of the
/// others and escapes a lone `%` as `%25`, leaving everything else of `path` as it is.
fn normalize_percent_escapes(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let is_escape = bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit();
        if is_escape {
            let hex = &path[i + 1..i + 3];
            let value = u8::from_str_radix(hex, 16).unwrap_or(b'%');
            if value.is_ascii_alphanumeric() || b"-._~".contains(&value) {
                out.push(char::from(value));
            } else {
                out.push('%');
                out.push_str(&hex.to_ascii_uppercase());
            }
            i += 3;
            continue;
        }
        if bytes[i] == b'%' {
            out.push_str("%25");
            i += 1;
            continue;
        }
        let c = path[i..].chars().next().unwrap_or('\u{FFFD}');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

impl fmt::Display for SourceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SourceUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SourceUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("source_url", &raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn canonical(raw: &str) -> String {
        SourceUrl::parse("source_url", raw).unwrap().to_string()
    }

    #[test]
    fn canonicalizes_as_documented() {
        let cases = [
            ("HTTPS://WWW.ACLU.org/News", "https://www.aclu.org/News"),
            ("https://example.org:443/a", "https://example.org/a"),
            ("http://example.org:80/a", "http://example.org/a"),
            ("http://example.org:8080/a", "http://example.org:8080/a"),
            ("https://example.org", "https://example.org/"),
            ("https://example.org./a", "https://example.org/a"),
            ("https://example.org/a#section-2", "https://example.org/a"),
            ("https://example.org/a/./b/../c", "https://example.org/a/c"),
            (
                "https://example.org/%7Euser/%41%2f",
                "https://example.org/~user/A%2F",
            ),
            (
                "https://example.org/a?utm_source=x&id=7&UTM_Medium=y&fbclid=z",
                "https://example.org/a?id=7",
            ),
            ("https://example.org/a?utm_source=x", "https://example.org/a"),
            ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),
            ("  https://example.org/a  ", "https://example.org/a"),
            ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ];
        for (raw, expected) in cases {
            assert_eq!(canonical(raw), expected, "canonical form of {raw}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_web_address() {
        let cases = [
            ("", "must not be empty"),
            ("/news/1", "absolute"),
            ("www.aclu.org/news", "absolute"),
            ("ftp://example.org/a", "http or https"),
            ("mailto:press@example.org", "http or https"),
            ("https://user:pw@example.org/", "user name"),
            ("https://", "not a valid URL"),
            ("http:///..", "valid host"),
            ("https://example..org/", "valid host"),
            ("https://.example.org/", "valid host"),
            ("https://example.org../", "valid host"),
        ];
        for (raw, expected) in cases {
            let err = SourceUrl::parse("source_url", raw).unwrap_err();
            assert_eq!(err.field, "source_url");
            assert!(err.message.contains(expected), "{raw}: {}", err.message);
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_BYTES));
        assert!(SourceUrl::parse("source_url", &long).is_err());
        // Too long as sent, even though its canonical form would be short enough.
        let shrinking = format!("https://example.org/{}", "%61".repeat(700));
        assert!(SourceUrl::parse("source_url", &shrinking).is_err());
        let fits = format!("https://example.org/{}", "a".repeat(MAX_URL_BYTES - 20));
        assert!(SourceUrl::parse("source_url", &fits).is_ok());
    }

    proptest! {
        #[test]
        fn canonicalization_is_idempotent(
            host in "[a-zA-Z][a-zA-Z0-9]{0,10}\\.(org|com|net)",
            path in "(/[a-zA-Z0-9%._~-]{0,8}){0,4}",
            query in proptest::option::of("[a-z_]{1,6}=[a-z0-9]{0,4}(&utm_[a-z]{1,4}=[a-z]{1,3})?"),
            fragment in proptest::option::of("[a-z]{0,5}"),
        ) {
            let mut raw = format!("https://{host}{path}");
            if let Some(query) = query { raw = format!("{raw}?{query}"); }
            if let Some(fragment) = fragment { raw = format!("{raw}#{fragment}"); }
            if let Ok(once) = SourceUrl::parse("source_url", &raw) {
                let twice = SourceUrl::parse("source_url", once.as_str()).unwrap();
                prop_assert_eq!(once, twice);
            }
        }

        #[test]
        fn never_panics(raw in "\\PC{0,80}") {
            let _ = SourceUrl::parse("source_url", &raw);
        }
    }
}
