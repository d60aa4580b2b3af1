//! Reading WARC files as pure code: records one after another from any `BufRead` (the caller
//! undoes the gzip members), the HTTP response inside a `response` record (chunked transfer
//! and gzip/deflate content encodings undone), and what of a record can become a version: a
//! [`Capture`], or the reason it is skipped ([`Skip`]).

use chrono::{DateTime, Utc};
use std::fmt;
use std::io::{BufRead, Read};

/// The largest record block read; larger ones are skipped (the registry's own limits are far
/// below).
pub const MAX_BLOCK_BYTES: u64 = 64 * 1024 * 1024;

/// A record's named fields and its block (`None` when it was larger than [`MAX_BLOCK_BYTES`]
/// and skipped unread).
#[derive(Debug)]
pub struct WarcRecord {
    fields: Vec<(String, String)>,
    pub block: Option<Vec<u8>>,
}

impl WarcRecord {
    /// The value of the field `name` (case-insensitive), if present.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the next record of `input`; `None` at the end. A malformed file is an `InvalidData`
/// error naming what is wrong.
pub fn read_record(input: &mut impl BufRead) -> std::io::Result<Option<WarcRecord>> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    // Records end with two line breaks; skip any blank lines before the version line.
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    if !line.starts_with("WARC/") {
        return Err(invalid("a record does not start with a WARC/ version line"));
    }
    let mut fields = Vec::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Err(invalid("the file ends inside a record's header"));
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if text.starts_with([' ', '\t']) {
            // A continuation line (WARC 1.1 allows folded values).
            if let Some((_, value)) = fields.last_mut() {
                let value: &mut String = value;
                value.push(' ');
                value.push_str(text.trim());
            }
            continue;
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| invalid("a header line without a colon"))?;
        fields.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: u64 = fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| invalid("a record without a valid Content-Length"))?;
    let block = if length > MAX_BLOCK_BYTES {
        std::io::copy(&mut Read::take(&mut *input, length), &mut std::io::sink())?;
        None
    } else {
        let mut block = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        Read::take(&mut *input, length).read_to_end(&mut block)?;
        if block.len() as u64 != length {
            return Err(invalid("the file ends inside a record's block"));
        }
        Some(block)
    };
    Ok(Some(WarcRecord { fields, block }))
}

/// What a record gives the registry: a page's text as captured at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub url: String,
    /// The record's `WARC-Date`: when the crawler says it captured the page.
    pub captured_at: DateTime<Utc>,
    /// `text/html`, `text/plain` or `text/markdown` (`application/xhtml+xml` is read as HTML).
    pub content_type: &'static str,
    pub text: String,
}

/// Why a record gives no capture; the import counts each.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// `warcinfo`, `request`, `metadata`, `revisit`, …
    RecordType(String),
    NoTargetUri,
    BadDate,
    TooLarge,
    MalformedHttp,
    /// The HTTP status of a response that is not 2xx.
    Status(u16),
    ContentType(String),
    /// A `Content-Encoding` other than gzip, deflate or identity.
    ContentEncoding(String),
    /// Bytes that are not UTF-8: the JSON ingest takes text only.
    NotUtf8,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RecordType(kind) => write!(f, "{kind} record"),
            Self::NoTargetUri => f.write_str("no WARC-Target-URI"),
            Self::BadDate => f.write_str("no valid WARC-Date"),
            Self::TooLarge => write!(f, "block over {MAX_BLOCK_BYTES} bytes"),
            Self::MalformedHttp => f.write_str("malformed HTTP response"),
            Self::Status(status) => write!(f, "HTTP status {status}"),
            Self::ContentType(kind) => write!(f, "content type {kind}"),
            Self::ContentEncoding(coding) => write!(f, "content encoding {coding}"),
            Self::NotUtf8 => f.write_str("not UTF-8"),
        }
    }
}

/// The capture `record` holds, if it is a `response` (HTTP 2xx) or `resource` record of a
/// textual type, or why not.
pub fn capture_of(record: &WarcRecord) -> Result<Capture, Skip> {
    let kind = record.field("WARC-Type").unwrap_or("").to_ascii_lowercase();
    if kind != "response" && kind != "resource" {
        return Err(Skip::RecordType(kind));
    }
    let url = record
        .field("WARC-Target-URI")
        .map(|uri| uri.trim_start_matches('<').trim_end_matches('>'))
        .filter(|uri| !uri.is_empty())
        .ok_or(Skip::NoTargetUri)?
        .to_owned();
    let captured_at = record
        .field("WARC-Date")
        .and_then(|date| DateTime::parse_from_rfc3339(date).ok())
        .ok_or(Skip::BadDate)?
        .with_timezone(&Utc);
    let block = record.block.as_deref().ok_or(Skip::TooLarge)?;
    let (content_type, body) = if kind == "response" {
        let response = HttpResponse::parse(block).ok_or(Skip::MalformedHttp)?;
        if !(200..300).contains(&response.status) {
            return Err(Skip::Status(response.status));
        }
        let content_type = response.header("Content-Type").unwrap_or("").to_owned();
        (content_type, response.decoded_body()?)
    } else {
        (
            record.field("Content-Type").unwrap_or("").to_owned(),
            block.to_vec(),
        )
    };
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let content_type = match media_type.as_str() {
        "text/html" | "application/xhtml+xml" => "text/html",
        "text/plain" => "text/plain",
        "text/markdown" => "text/markdown",
        _ => return Err(Skip::ContentType(media_type)),
    };
    let text = String::from_utf8(body).map_err(|_| Skip::NotUtf8)?;
    Ok(Capture {
        url,
        captured_at,
        content_type,
        text,
    })
}

/// An HTTP/1.x response as a crawler recorded it.
struct HttpResponse<'a> {
    status: u16,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
}

impl<'a> HttpResponse<'a> {
    fn parse(block: &'a [u8]) -> Option<Self> {
        let end = block.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&block[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next()?;
        let mut parts = status_line.split(' ');
        if !parts.next()?.starts_with("HTTP/") {
            return None;
        }
        let status = parts.next()?.parse().ok()?;
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim(), value.trim()))
            .collect();
        Some(Self {
            status,
            headers,
            body: &block[end + 4..],
        })
    }

    fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The body with its transfer and content codings undone.
    fn decoded_body(&self) -> Result<Vec<u8>, Skip> {
        let chunked = self
            .header("Transfer-Encoding")
            .is_some_and(|coding| coding.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            dechunk(self.body).ok_or(Skip::MalformedHttp)?
        } else {
            self.body.to_vec()
        };
        let coding = self
            .header("Content-Encoding")
            .unwrap_or("identity")
            .to_ascii_lowercase();
        let mut decoded = Vec::new();
        match coding.as_str() {
            "identity" | "" => return Ok(body),
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..]).read_to_end(&mut decoded),
            "deflate" => flate2::read::ZlibDecoder::new(&body[..]).read_to_end(&mut decoded),
            _ => return Err(Skip::ContentEncoding(coding)),
        }
        .map_err(|_| Skip::MalformedHttp)?;
        Ok(decoded)
    }
}

/// Undoes `Transfer-Encoding: chunked`; `None` when the chunks are malformed.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: &[u8]) -> WarcRecord {
        read_record(&mut &text[..]).unwrap().unwrap()
    }

    fn response(http: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/a\r\n\
             WARC-Date: 2026-01-02T03:04:05Z\r\nContent-Type: application/http; msgtype=response\r\n\
             Content-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        out.extend_from_slice(http);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    #[test]
    fn a_response_record_gives_its_decoded_text() {
        let capture = capture_of(&record(&response(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n\
              4\r\n<p>H\r\n7\r\nello</p\r\n1\r\n>\r\n0\r\n\r\n",
        )))
        .unwrap();
        assert_eq!(capture.text, "<p>Hello</p>");
        assert_eq!(capture.content_type, "text/html");
        assert_eq!(capture.url, "http://example.org/a");
        assert_eq!(capture.captured_at.to_rfc3339(), "2026-01-02T03:04:05+00:00");
    }

    #[test]
    fn gzip_content_encoding_is_undone() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"plain words").unwrap();
        let mut http =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        http.extend(gz.finish().unwrap());
        assert_eq!(capture_of(&record(&response(&http))).unwrap().text, "plain words");
    }

    #[test]
    fn what_is_skipped_says_why() {
        let cases: [(&[u8], Skip); 5] = [
            (
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\nx",
                Skip::Status(404),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nx",
                Skip::ContentType("image/png".into()),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n\xff\xfe",
                Skip::NotUtf8,
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: br\r\n\r\nx",
                Skip::ContentEncoding("br".into()),
            ),
            (b"no http here", Skip::MalformedHttp),
        ];
        for (http, skip) in cases {
            assert_eq!(capture_of(&record(&response(http))), Err(skip));
        }
        let request = record(b"WARC/1.1\r\nWARC-Type: request\r\nContent-Length: 0\r\n\r\n\r\n\r\n");
        assert_eq!(capture_of(&request), Err(Skip::RecordType("request".into())));
    }

    #[test]
    fn records_follow_one_another_and_the_end_is_none() {
        let mut two = response(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\none");
        two.extend(b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://example.org/b\r\n\
                     WARC-Date: 2026-01-03T00:00:00.5Z\r\nContent-Type: text/markdown\r\nContent-Length: 3\r\n\r\ntwo\r\n\r\n");
        let mut input = &two[..];
        let first = capture_of(&read_record(&mut input).unwrap().unwrap()).unwrap();
        let second = capture_of(&read_record(&mut input).unwrap().unwrap()).unwrap();
        assert!(read_record(&mut input).unwrap().is_none());
        assert_eq!((first.text.as_str(), second.text.as_str()), ("one", "two"));
        assert_eq!(second.content_type, "text/markdown");
        let truncated = b"WARC/1.1\r\nContent-Length: 10\r\n\r\nabc";
        assert!(read_record(&mut &truncated[..]).is_err());
    }
}
