//! Reading a request body: media type, size limit and JSON syntax (or the text of a document
//! in its declared charset), each with its own status (415, 413, 400, 422), before any field
//! is looked at.
//!
//! JSON is read straight into the request type, never into a generic tree first: a list the
//! type bounds ([`BoundedList`]) keeps only as many elements as it allows and counts the rest,
//! so a small body cannot make the service allocate for millions of elements. A key that
//! appears twice in one object is refused (serde_json would silently keep the last one).

use actix_web::{http::header, web, HttpRequest};
use futures_util::StreamExt;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use super::problem::ApiError;
use crate::domain::{ContentType, FieldError, FieldErrors};

/// Bounds on a request body: its size (`--max-body-bytes`) and how long it may take to arrive
/// (`--body-timeout-secs`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    pub bytes: usize,
    pub timeout: std::time::Duration,
}

/// Reads the whole body, refusing it with 413 as soon as it exceeds the size limit, and with
/// 408 when it has not arrived within the time limit.
pub async fn read_limited(
    req: &HttpRequest,
    payload: web::Payload,
    limit: BodyLimit,
) -> Result<web::Bytes, ApiError> {
    actix_web::rt::time::timeout(limit.timeout, read_body(req, payload, limit.bytes))
        .await
        .map_err(|_| ApiError::BodyTimeout(limit.timeout.as_secs()))?
}

async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|error| ApiError::bad_request("body", format!("the body could not be read: {error}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Reads a JSON body into `T`: 415 unless the media type is JSON, 413 past the limit, 400 for
/// bad JSON syntax, 422 naming the field when a key appears twice or the JSON does not fit `T`.
pub async fn read_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: BodyLimit,
) -> Result<T, ApiError> {
    if !is_json(req) {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let bytes = read_limited(req, payload, limit).await?;
    parse_json(&bytes)
}

/// Parses a JSON object into `T` (see [`read_json`] for the statuses).
pub(super) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // First pass: syntax (400) and duplicate keys (422), without building anything.
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let shape = serde_path_to_error::deserialize::<_, UniqueKeys>(&mut deserializer).map_err(json_error)?;
    deserializer
        .end()
        .map_err(|error| ApiError::bad_request("body", format!("the body is not valid JSON: {error}")))?;
    if !matches!(shape, UniqueKeys::Object) {
        return Err(FieldErrors::from(FieldError::new("body", "must be a JSON object")).into());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)
}

/// A JSON error: 400 when the text is not JSON, 422 naming the field when its data does not fit.
fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = error.inner();
    if !inner.is_data() {
        return ApiError::bad_request("body", format!("the body is not valid JSON: {inner}"));
    }
    let field = match error.path().to_string() {
        root if root == "." => String::new(),
        path => path,
    };
    let message = without_position(inner);
    let (field, message) = match message.strip_prefix(DUPLICATE_KEY) {
        Some(key) if field.is_empty() => (key.to_owned(), "appears more than once in its object".to_owned()),
        Some(key) => (
            format!("{field}.{key}"),
            "appears more than once in its object".to_owned(),
        ),
        None if field.is_empty() => ("body".to_owned(), message),
        None => (field, message),
    };
    FieldErrors::from(FieldError::new(field, message)).into()
}

/// The message of a serde_json error without its ` at line L column C` suffix (the path in the
/// problem's `field` says where).
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).unwrap_or(&message).to_owned()
}

/// Marks the message of a duplicate key, which the key follows.
const DUPLICATE_KEY: &str = "duplicate key: ";

/// What the first pass over a JSON text found at its top: an object or something else. Reading
/// it checks the syntax and that no object has a key twice, and allocates only the keys of the
/// object being read.
enum UniqueKeys {
    Object,
    Other,
}

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if keys.contains(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE_KEY}{key}")));
            }
            map.next_value::<UniqueKeys>()?;
            keys.insert(key);
        }
        Ok(UniqueKeys::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys::Other)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys::Other)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys::Other)
    }
}

/// A JSON array of which at most `N` elements are read into `T`; the others are only counted
/// (`len`), so that the request's limit on the list can be checked without parsing them.
#[derive(Debug)]
pub struct BoundedList<T, const N: usize> {
    /// The first `N` elements (all of them when there are no more).
    pub items: Vec<T>,
    /// How many elements the array has.
    pub len: usize,
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for BoundedList<T, N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(BoundedListVisitor(PhantomData))
    }
}

struct BoundedListVisitor<T, const N: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for BoundedListVisitor<T, N> {
    type Value = BoundedList<T, N>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while items.len() < N {
            match seq.next_element::<T>()? {
                Some(item) => items.push(item),
                None => {
                    let len = items.len();
                    return Ok(BoundedList { items, len });
                }
            }
        }
        let mut len = items.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            len += 1;
        }
        Ok(BoundedList { items, len })
    }
}

/// A body that is either JSON or a document itself.
pub enum JsonOrDocument<T> {
    Json(T),
    /// The raw body: the text of a statement's media type, decoded from its declared charset.
    Document {
        text: String,
        content_type: ContentType,
    },
}

/// Reads a body that is either JSON (read as [`read_json`] does) or a document of type
/// `text/plain`, `text/html` or `text/markdown`, in UTF-8 or the charset its `Content-Type`
/// declares (any label of the WHATWG Encoding Standard: `windows-1252`, `iso-8859-1`,
/// `utf-16le`…); 415 for any other media type or charset, 422 for bytes that are not text of
/// that charset.
pub async fn read_json_or_document<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: BodyLimit,
) -> Result<JsonOrDocument<T>, ApiError> {
    if is_json(req) {
        return Ok(JsonOrDocument::Json(read_json(req, payload, limit).await?));
    }
    let unsupported = ApiError::UnsupportedMediaType {
        expected: "application/json, or text/plain, text/html or text/markdown in UTF-8 or a declared \
                   charset of the WHATWG Encoding Standard",
    };
    let content_type = ContentType::parse("Content-Type", &media_type(req)).map_err(|_| unsupported)?;
    let charset = charset(req);
    let encoding = match &charset {
        None => None,
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) if encoding != encoding_rs::REPLACEMENT => Some(encoding),
            _ => {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "text in UTF-8 or a charset of the WHATWG Encoding Standard \
                               (utf-8, windows-1252, iso-8859-1, utf-16le, shift_jis, …)",
                })
            }
        },
    };
    let bytes = read_limited(req, payload, limit).await?;
    let text = decode(&bytes, encoding)?;
    Ok(JsonOrDocument::Document { text, content_type })
}

/// The text of `bytes` in `encoding` (UTF-8 when none is declared), or 422 saying what to do.
fn decode(bytes: &[u8], encoding: Option<&'static encoding_rs::Encoding>) -> Result<String, ApiError> {
    let invalid = |message: String| ApiError::from(FieldErrors::from(FieldError::new("body", message)));
    match encoding {
        None => String::from_utf8(bytes.to_vec()).map_err(|_| {
            invalid(
                "is not UTF-8 text: send it as UTF-8, or declare its charset in the Content-Type \
                 (for example `text/plain; charset=windows-1252`)"
                    .to_owned(),
            )
        }),
        Some(encoding) => encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
            .ok_or_else(|| {
                invalid(format!(
                    "is not {} text, as its Content-Type says: send it in the charset it declares",
                    encoding.name()
                ))
            }),
    }
}

/// The essence of the request's media type, lower-cased (`text/html` of
/// `text/html; charset=utf-8`); empty without a `Content-Type`.
pub(super) fn media_type(req: &HttpRequest) -> String {
    content_type_header(req)
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of the request's media type, unquoted, if it has one.
fn charset(req: &HttpRequest) -> Option<String> {
    content_type_header(req).split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn content_type_header(req: &HttpRequest) -> &str {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn is_json(req: &HttpRequest) -> bool {
    let essence = media_type(req);
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Probe {
        name: Option<String>,
        inner: Option<Box<Probe>>,
        list: Option<BoundedList<u8, 2>>,
    }

    fn field_of(error: ApiError) -> (u16, String) {
        use actix_web::ResponseError;
        let status = error.status_code().as_u16();
        match error {
            ApiError::Invalid(errors) => (status, errors.iter().next().unwrap().field.clone()),
            ApiError::BadRequest(error) => (status, error.field),
            other => (status, other.to_string()),
        }
    }

    #[test]
    fn reads_json_objects_and_names_the_field_at_fault() {
        let probe: Probe = parse_json(br#"{"name": "a", "inner": {"name": "b"}}"#).unwrap();
        assert_eq!(probe.inner.unwrap().name.as_deref(), Some("b"));
        let cases: [(&[u8], u16, &str); 7] = [
            (br#"{"name": "a", "name": "b"}"#, 422, "name"),
            (br#"{"inner": {"name": "a", "name": "b"}}"#, 422, "inner.name"),
            (br#"{"n\u0061me": "a", "name": "b"}"#, 422, "name"),
            (br#"{"name": 1}"#, 422, "name"),
            (br#"[1]"#, 422, "body"),
            (br#"{"name": "a"} x"#, 400, "body"),
            (br#"{"name": "#, 400, "body"),
        ];
        for (body, status, field) in cases {
            let error = parse_json::<Probe>(body).unwrap_err();
            assert_eq!(
                field_of(error),
                (status, field.to_owned()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn bounded_lists_keep_n_elements_and_count_the_rest() {
        let probe: Probe = parse_json(br#"{"list": [1, 2, 3, {"any": [4]}]}"#).unwrap();
        let list = probe.list.unwrap();
        assert_eq!((list.items, list.len), (vec![1, 2], 4));
        let short: Probe = parse_json(br#"{"list": [7]}"#).unwrap();
        let list = short.list.unwrap();
        assert_eq!((list.items, list.len), (vec![7], 1));
    }

    #[test]
    fn documents_are_decoded_from_their_declared_charset() {
        let windows_1252 = encoding_rs::Encoding::for_label(b"windows-1252");
        assert_eq!(decode(b"caf\xe9 \x93ok\x94", windows_1252).unwrap(), "café “ok”");
        assert_eq!(decode("café".as_bytes(), None).unwrap(), "café");
        let error = decode(b"caf\xe9", None).unwrap_err();
        assert!(format!("{error:?}").contains("charset="), "{error:?}");
        let utf8 = encoding_rs::Encoding::for_label(b"utf-8");
        assert!(decode(b"caf\xe9", utf8).is_err());
    }
}
