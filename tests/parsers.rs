//! Property tests of the request parsers, on stable (the cargo-fuzz targets in `fuzz/` push the
//! same properties further on nightly): arbitrary JSON-ish ingest bodies never panic, and are
//! either accepted or refused with errors that each name a real field of the request; whatever
//! is accepted has a canonical source URL that parses to itself.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use provenance::api::model::IngestRequest;
use provenance::domain::{Draft, FieldErrors, PublishedAt, SourceUrl, StatementId};
use serde_json::{Map, Value};

const FIELDS: [&str; 8] = [
    "source_url",
    "content",
    "content_type",
    "sha256",
    "title",
    "publisher",
    "published_at",
    "media_contacts",
];
const CONTACT_FIELDS: [&str; 4] = ["name", "organization", "phone", "email"];

/// Whether `field` names a real part of an ingest request: the body, one of its fields, a
/// contact, or a contact's field.
fn is_real_field(field: &str) -> bool {
    if field == "body" || FIELDS.contains(&field) {
        return true;
    }
    let Some(rest) = field.strip_prefix("media_contacts[") else {
        return false;
    };
    let Some((index, rest)) = rest.split_once(']') else {
        return false;
    };
    index.parse::<usize>().is_ok()
        && (rest.is_empty()
            || rest
                .strip_prefix('.')
                .is_some_and(|name| CONTACT_FIELDS.contains(&name)))
}

/// The body as `POST /v1/statements` reads it once it is valid JSON: into an `IngestRequest`
/// (the error naming the path that did not fit, `body` for the root), then into a submission.
fn parse(body: &Value) -> Result<Draft, FieldErrors> {
    if !body.is_object() {
        return Err(provenance::domain::FieldError::new("body", "must be a JSON object").into());
    }
    let request: IngestRequest = serde_path_to_error::deserialize(body.clone()).map_err(|error| {
        let field = match error.path().to_string() {
            root if root == "." => "body".to_owned(),
            path => path,
        };
        FieldErrors::from(provenance::domain::FieldError::new(
            field,
            error.inner().to_string(),
        ))
    })?;
    Draft::try_from(request)
}

/// The value at `path` (`media_contacts[0].email`) in `body`, if there is one: an error about a
/// field the service does not take (such as the server-set `version`) names that field.
fn lookup<'v>(body: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(body, |value, part| {
        let (name, indexes) = part.split_once('[').unwrap_or((part, ""));
        let mut value = value.get(name)?;
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            value = value.get(index.strip_suffix(']')?.parse::<usize>().ok()?)?;
        }
        Some(value)
    })
}

fn check(body: &Value) -> Result<(), TestCaseError> {
    match parse(body) {
        Ok(submission) => {
            let canonical = submission.source_url.as_str();
            let again = SourceUrl::parse("source_url", canonical)
                .map_err(|error| TestCaseError::fail(format!("canonical {canonical:?} refused: {error}")))?;
            prop_assert_eq!(again.as_str(), canonical);
            prop_assert_eq!(
                StatementId::for_url(&again),
                StatementId::for_url(&submission.source_url)
            );
            if let Some(Value::String(raw)) = body.get("source_url") {
                let direct = SourceUrl::parse("source_url", raw).expect("accepted once");
                prop_assert_eq!(direct.as_str(), canonical);
            }
        }
        Err(errors) => {
            prop_assert!(
                errors.iter().next().is_some(),
                "a refusal names a field: {}",
                body
            );
            for error in errors.iter() {
                prop_assert!(
                    is_real_field(&error.field) || lookup(body, &error.field).is_some(),
                    "{:?} for {}",
                    error.field,
                    body
                );
                prop_assert!(!error.message.is_empty(), "{:?} for {}", error.field, body);
            }
        }
    }
    Ok(())
}

/// Texts that are, or are close to, what each field takes.
fn plausible_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  \t\n".to_owned()),
        Just("text/plain".to_owned()),
        Just("TEXT/HTML ".to_owned()),
        Just("application/pdf".to_owned()),
        Just("2017-08-16".to_owned()),
        Just("2017-02-30".to_owned()),
        Just("2018-01-24T16:30:00-05:00".to_owned()),
        Just("2018-01-24T16:30:00".to_owned()),
        Just("(786) 363-2737".to_owned()),
        Just("12".to_owned()),
        Just("media@aclu.org".to_owned()),
        Just("media@aclu".to_owned()),
        Just("0".repeat(64)),
        Just("Z".repeat(64)),
        Just("a\u{0}b".to_owned()),
        Just("x".repeat(1001)),
        url(),
        "\\PC{0,40}",
        ".{0,12}",
    ]
}

/// http(s) URLs with the variations canonicalization handles, and a few it refuses.
fn url() -> impl Strategy<Value = String> {
    let scheme = prop_oneof!["https?", "HTTPS?", "ftp", "javascript", ""];
    let host = prop_oneof![
        "[a-zA-Z][a-zA-Z0-9-]{0,10}(\\.[a-zA-Z]{2,5}){1,2}\\.?",
        Just("bücher.example".to_owned()),
        Just("127.0.0.1".to_owned()),
        Just("[::1]".to_owned()),
        Just("user:pw@example.org".to_owned()),
        Just(String::new()),
    ];
    let port = proptest::option::of(prop_oneof![Just(80u32), Just(443), 0u32..70_000]);
    let path = "(/([a-zA-Z0-9._~-]|%[0-9a-fA-F]{2}|%|\\.\\.|\\.){0,6}){0,4}";
    let query = proptest::option::of(
        "[a-zA-Z_]{1,8}(=[a-z0-9%+]{0,4})?(&(utm_[a-z]{1,4}|fbclid|id)=[a-z0-9]{0,3}){0,3}",
    );
    let fragment = proptest::option::of("[a-z0-9]{0,5}");
    (scheme, host, port, path, query, fragment).prop_map(|(scheme, host, port, path, query, fragment)| {
        let mut url = format!("{scheme}://{host}");
        if let Some(port) = port {
            url.push_str(&format!(":{port}"));
        }
        url.push_str(&path);
        if let Some(query) = query {
            url.push('?');
            url.push_str(&query);
        }
        if let Some(fragment) = fragment {
            url.push('#');
            url.push_str(&fragment);
        }
        url
    })
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        plausible_text().prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,8}", inner, 0..4).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A key of an object: mostly the real ones, sometimes another.
fn key(real: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(real).prop_map(str::to_owned),
        1 => prop_oneof![Just("version".to_owned()), Just("ingested_at".to_owned()), "[a-z_]{1,10}"],
    ]
}

fn contact() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => btree_map(key(&CONTACT_FIELDS), prop_oneof![3 => plausible_text().prop_map(Value::from), 1 => json_leaf()], 0..5)
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        1 => json_value(),
    ]
}

fn field_value(field: &str) -> BoxedStrategy<Value> {
    match field {
        "media_contacts" => prop_oneof![
            6 => vec(contact(), 0..4).prop_map(Value::Array),
            1 => vec(contact(), 51..53).prop_map(Value::Array),
            1 => json_value(),
        ]
        .boxed(),
        "source_url" => prop_oneof![4 => url().prop_map(Value::from), 1 => json_leaf()].boxed(),
        _ => prop_oneof![4 => plausible_text().prop_map(Value::from), 1 => json_value()].boxed(),
    }
}

/// JSON-ish ingest bodies: objects of mostly real fields with plausible values, and now and
/// then any JSON at all.
fn body() -> impl Strategy<Value = Value> {
    let fields = btree_map(key(&FIELDS), Just(()), 0..9).prop_flat_map(|keys| {
        keys.into_keys()
            .map(|key| {
                let value = field_value(&key);
                (Just(key), value)
            })
            .collect::<Vec<_>>()
    });
    prop_oneof![
        8 => fields.prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        1 => json_value(),
    ]
}

/// Bodies with a valid content and a URL, so that a good share of them is accepted.
fn mostly_valid_body() -> impl Strategy<Value = Value> {
    (
        url(),
        "[A-Za-z][A-Za-z .,]{0,40}",
        proptest::option::of(plausible_text()),
    )
        .prop_map(|(source_url, content, title)| {
            let mut body = Map::new();
            body.insert("source_url".into(), source_url.into());
            body.insert("content".into(), content.into());
            if let Some(title) = title {
                body.insert("title".into(), title.into());
            }
            Value::Object(body)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ingest_bodies_parse_or_name_real_fields(body in body()) {
        check(&body)?;
    }

    #[test]
    fn accepted_source_urls_are_canonical(body in mostly_valid_body()) {
        check(&body)?;
    }

    #[test]
    fn any_bytes_never_panic(bytes in vec(any::<u8>(), 0..200)) {
        if let Ok(body) = serde_json::from_slice::<Value>(&bytes) {
            check(&body)?;
        }
        let _ = serde_json::from_slice::<IngestRequest>(&bytes).map(Draft::try_from);
    }
}

/// Texts shaped like publication dates, with the variations the parser must settle.
fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})",
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The stable counterpart of fuzz/fuzz_targets/published_at.rs.
    #[test]
    fn published_dates_parse_back_from_their_written_form(raw in date_like()) {
        if let Ok(published) = PublishedAt::parse("published_at", &raw) {
            let shown = published.to_string();
            let again = PublishedAt::parse("published_at", &shown)
                .map_err(|error| TestCaseError::fail(format!("{raw:?} shown as {shown:?}: {error}")))?;
            prop_assert_eq!(again, published);
            prop_assert_eq!(again.to_string(), shown);
        }
    }

    /// The stable counterpart of fuzz/fuzz_targets/source_url.rs.
    #[test]
    fn canonical_urls_parse_to_themselves(raw in prop_oneof![url(), "\\PC{0,40}"]) {
        if let Ok(parsed) = SourceUrl::parse("source_url", &raw) {
            let canonical = parsed.as_str();
            prop_assert!(canonical.len() <= 2048);
            let again = SourceUrl::parse("source_url", canonical)
                .map_err(|error| TestCaseError::fail(format!("{raw:?} gives {canonical:?}: {error}")))?;
            prop_assert_eq!(again.as_str(), canonical);
        }
    }
}

#[test]
fn the_field_names_are_the_request_s() {
    for field in [
        "body",
        "source_url",
        "media_contacts[0]",
        "media_contacts[12].email",
    ] {
        assert!(is_real_field(field), "{field}");
    }
    for field in [
        "",
        ".",
        "version",
        "media_contacts[x]",
        "media_contacts[0].fax",
        "media_contacts[0]x",
    ] {
        assert!(!is_real_field(field), "{field}");
    }
}

#[test]
fn paths_resolve_in_the_body() {
    let body = serde_json::json!({"version": 2, "media_contacts": [{"fax": "1"}]});
    assert_eq!(lookup(&body, "version"), Some(&Value::from(2)));
    assert_eq!(lookup(&body, "media_contacts[0].fax"), Some(&Value::from("1")));
    assert_eq!(lookup(&body, "media_contacts[1].fax"), None);
    assert_eq!(lookup(&body, "title"), None);
}

#[test]
fn a_valid_body_is_accepted() {
    let body = serde_json::json!({
        "source_url": "HTTPS://WWW.ACLU.org:443/news?utm_source=x#top",
        "content": "Statement",
        "published_at": "2017-08-16",
        "media_contacts": [{"phone": "(786) 363-2737"}],
    });
    let submission = parse(&body).expect("accepted");
    assert_eq!(submission.source_url.as_str(), "https://www.aclu.org/news");
}
