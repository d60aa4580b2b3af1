//! Request bodies a probe or a careless client sends: a small body that asked for a huge
//! error (a million empty contacts), keys given twice, invisible characters in names, and raw
//! documents in another charset. Each gets a clear, small answer and stores nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, statement};

#[tokio::test]
async fn a_million_empty_contacts_get_one_small_error() {
    let app = spawn_app().await;
    let contacts = vec!["{}"; 1_000_000].join(",");
    let body = format!(
        r#"{{"source_url": "https://example.org/m", "content": "MIAMI — A statement.", "media_contacts": [{contacts}]}}"#
    );
    for path in ["/v1/extract", "/v1/statements"] {
        let response = app.post_raw(path, "application/json", body.clone()).await;
        let bytes = response.content_length();
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "media_contacts").await;
        assert!(
            bytes.is_some_and(|n| n < 2_000),
            "{path}: a {bytes:?}-byte answer"
        );
        assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "{problem}");
        let detail = problem["errors"][0]["detail"].as_str().unwrap();
        assert_eq!(detail, "must list at most 50 contacts (1000000 sent)");
    }
    assert_eq!(app.statement_count().await, 0);
}

#[tokio::test]
async fn many_invalid_fields_are_listed_once_each_and_at_most_twenty() {
    let app = spawn_app().await;
    let body = json!({
        "source_url": "ftp://example.org/x",
        "content": "MIAMI — A statement.",
        "title": "   ",
        "media_contacts": vec![json!({}); 50],
    });
    let problem = assert_problem(
        app.ingest(&body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "source_url",
    )
    .await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 20, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("52 fields are invalid; only the first 20 are listed in `errors`"),
        "{detail}"
    );
    let mut fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.dedup();
    assert_eq!(fields.len(), 20, "no error is listed twice: {fields:?}");
    assert!(
        !detail.contains("media_contacts[1]"),
        "the detail does not repeat the list: {detail}"
    );
}

#[tokio::test]
async fn a_key_given_twice_is_refused_naming_it() {
    let app = spawn_app().await;
    let cases = [
        (
            "/v1/statements",
            r#"{"source_url": "https://example.org/a", "content": "one", "content": "two"}"#,
            "content",
        ),
        (
            "/v1/statements",
            r#"{"source_url": "https://example.org/a", "content": "x",
                "media_contacts": [{"name": "A", "name": "B"}]}"#,
            "media_contacts[0].name",
        ),
        (
            "/v1/extract",
            r#"{"content": "x", "title": "a", "title": "b"}"#,
            "title",
        ),
        ("/v1/verify", r#"{"sha256": "00", "sha256": "11"}"#, "sha256"),
        (
            "/v1/passages/search",
            r#"{"passage": "a", "passage": "b"}"#,
            "passage",
        ),
        (
            "/v1/keys",
            r#"{"name": "a", "name": "b", "role": "reader"}"#,
            "name",
        ),
    ];
    let admin = app.key("admin", provenance::domain::Role::Admin);
    for (path, body, field) in cases {
        let response = app
            .client
            .post(format!("{}{path}", app.address))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("appears more than once"),
            "{path}: {problem}"
        );
    }
    assert_eq!(app.statement_count().await, 0);
    assert_eq!(app.store().api_keys().unwrap().len(), 2, "no key was made");
}

#[tokio::test]
async fn bidi_controls_and_zero_width_spaces_are_refused_in_names() {
    let app = spawn_app().await;
    let cases = [
        (json!({"title": "ACLU Statement\u{202E}txt.exe"}), "title"),
        (json!({"publisher": "AC\u{200B}LU"}), "publisher"),
        (
            json!({"media_contacts": [{"name": "\u{2066}Ryan Karerat\u{2069}"}]}),
            "media_contacts[0].name",
        ),
        (
            json!({"media_contacts": [{"organization": "ACLU\u{FEFF}"}]}),
            "media_contacts[0].organization",
        ),
        (
            json!({"media_contacts": [{"email": "media\u{200B}@aclu.org"}]}),
            "media_contacts[0].email",
        ),
    ];
    for (fields, field) in cases {
        let mut body = statement("https://example.org/bidi", "MIAMI — A statement.");
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let problem = assert_problem(app.ingest(&body).await, StatusCode::UNPROCESSABLE_ENTITY, field).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("invisible"),
            "{problem}"
        );
    }
    assert_eq!(app.statement_count().await, 0);
    // Joiners and direction marks are kept: Persian names and emoji sequences need them.
    let mut body = statement("https://example.org/bidi", "MIAMI — A statement.");
    body["publisher"] = json!("مهدی\u{200C}زاده");
    let record = app.ingest_ok(&body, StatusCode::CREATED).await;
    assert_eq!(record["publisher"], "مهدی\u{200C}زاده");
}

#[tokio::test]
async fn a_raw_copy_is_read_in_its_declared_charset() {
    let app = spawn_app().await;
    let text = "MIAMI — “We urge others to hold their ground,” said the café’s owner.";
    app.ingest_ok(
        &statement("https://example.org/charset", text),
        StatusCode::CREATED,
    )
    .await;
    let (windows_1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    let response = app
        .post_raw(
            "/v1/verify",
            "text/plain; charset=windows-1252",
            windows_1252.to_vec(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["verdict"], "current", "{answer}");
    let quoted = app
        .post_raw(
            "/v1/verify",
            "text/plain; Charset=\"ISO-8859-1\"",
            windows_1252.to_vec(),
        )
        .await;
    assert_eq!(quoted.status(), StatusCode::OK, "a label of the same encoding");

    let undeclared = app
        .post_raw("/v1/verify", "text/plain", windows_1252.to_vec())
        .await;
    let problem = assert_problem(undeclared, StatusCode::UNPROCESSABLE_ENTITY, "body").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("not UTF-8") && detail.contains("charset=windows-1252"),
        "{detail}"
    );
    let unknown = app
        .post_raw("/v1/verify", "text/plain; charset=klingon", windows_1252.to_vec())
        .await;
    assert_problem(unknown, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type").await;
}
