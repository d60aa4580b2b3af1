//! Every client mistake gets an RFC 9457 problem naming the field, with the right status, and
//! changes nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, independent_sha256, spawn_app, spawn_app_with, statement};

#[tokio::test]
async fn invalid_ingest_bodies_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let ok_url = "https://example.org/release";
    let long_title = "t".repeat(1001);
    let too_many_contacts: Vec<Value> = (0..51).map(|n| json!({"name": format!("Person {n}")})).collect();
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "missing source_url",
            json!({"content": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "missing content",
            json!({"source_url": ok_url}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content",
        ),
        (
            "empty content",
            statement(ok_url, ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content",
        ),
        (
            "blank content",
            statement(ok_url, " \n\t "),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content",
        ),
        (
            "empty url",
            statement("", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "relative url",
            statement("/news/1", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "non-http url",
            statement("ftp://example.org/a", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "javascript url",
            statement("javascript:alert(1)", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "url with password",
            statement("https://u:p@example.org/", "x"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "url not a string",
            json!({"source_url": 7, "content": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            "content not a string",
            json!({"source_url": ok_url, "content": ["x"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content",
        ),
        (
            "unparseable date",
            json!({"source_url": ok_url, "content": "x", "published_at": "August 16, 2017"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "published_at",
        ),
        (
            "impossible date",
            json!({"source_url": ok_url, "content": "x", "published_at": "2017-02-30"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "published_at",
        ),
        (
            "date-time without offset",
            json!({"source_url": ok_url, "content": "x", "published_at": "2017-08-16T10:00:00"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "published_at",
        ),
        (
            "malformed hash",
            json!({"source_url": ok_url, "content": "x", "sha256": "abc"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sha256",
        ),
        (
            "mismatched hash",
            json!({"source_url": ok_url, "content": "x", "sha256": independent_sha256(b"y")}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sha256",
        ),
        (
            "unknown content type",
            json!({"source_url": ok_url, "content": "x", "content_type": "application/pdf"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content_type",
        ),
        (
            "empty title",
            json!({"source_url": ok_url, "content": "x", "title": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
        ),
        (
            "long title",
            json!({"source_url": ok_url, "content": "x", "title": long_title}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
        ),
        (
            "empty publisher",
            json!({"source_url": ok_url, "content": "x", "publisher": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "publisher",
        ),
        (
            "empty contact",
            json!({"source_url": ok_url, "content": "x", "media_contacts": [{}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "media_contacts[0]",
        ),
        (
            "bad email",
            json!({"source_url": ok_url, "content": "x", "media_contacts": [{"name": "A"}, {"email": "not-an-address"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "media_contacts[1].email",
        ),
        (
            "bad phone",
            json!({"source_url": ok_url, "content": "x", "media_contacts": [{"phone": "call us"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "media_contacts[0].phone",
        ),
        (
            "contacts not a list",
            json!({"source_url": ok_url, "content": "x", "media_contacts": {"name": "A"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "media_contacts",
        ),
        (
            "too many contacts",
            json!({"source_url": ok_url, "content": "x", "media_contacts": too_many_contacts}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "media_contacts",
        ),
        (
            "server-set version",
            json!({"source_url": ok_url, "content": "x", "version": 9}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "version",
        ),
        (
            "server-set ingested_at",
            json!({"source_url": ok_url, "content": "x", "ingested_at": "2020-01-01T00:00:00Z"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ingested_at",
        ),
        (
            "unknown contact field",
            json!({"source_url": ok_url, "content": "x", "media_contacts": [{"fax": "1"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "media_contacts[0].fax",
        ),
        (
            "array body",
            json!([statement(ok_url, "x")]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
        ),
    ];
    for (case, body, status, field) in cases {
        let problem = assert_problem(app.ingest(&body).await, status, field).await;
        assert!(
            problem["errors"].as_array().is_some_and(|e| !e.is_empty()),
            "{case}: {problem}"
        );
    }
    assert_eq!(app.statement_count().await, 0, "nothing may have been stored");
    app.assert_store_consistent();
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = spawn_app().await;
    let body = json!({"source_url": "ftp://x", "content": "", "published_at": "soon"});
    let problem = assert_problem(
        app.ingest(&body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "source_url",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["source_url", "content", "published_at"]);
}

#[tokio::test]
async fn malformed_bodies_and_media_types_are_refused() {
    let app = spawn_app().await;
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "broken JSON",
            "application/json",
            b"{\"source_url\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "not JSON",
            "application/json",
            b"source_url=x".to_vec(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "invalid UTF-8",
            "application/json",
            b"{\"content\": \"\xff\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "form body",
            "application/x-www-form-urlencoded",
            b"source_url=x".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
        (
            "plain text",
            "text/plain",
            b"hello".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
    ];
    for (case, content_type, body, status, field) in cases {
        let response = app.post_raw("/v1/statements", content_type, body).await;
        let problem = assert_problem(response, status, field).await;
        assert!(problem["detail"].is_string(), "{case}");
    }
    let no_type = app
        .client
        .post(format!("{}/v1/statements", app.address))
        .bearer_auth(&app.token)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(no_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type").await;
    let json_with_charset = app
        .post_raw(
            "/v1/statements",
            "application/json; charset=utf-8",
            serde_json::to_vec(&statement("https://example.org/c", "x")).unwrap(),
        )
        .await;
    assert_eq!(json_with_charset.status(), StatusCode::CREATED);
    assert_eq!(app.statement_count().await, 1);
}

#[tokio::test]
async fn oversized_bodies_get_413_and_store_nothing() {
    let app = spawn_app_with(|settings| settings.max_body_bytes = 1024).await;
    let big = statement("https://example.org/big", &"x".repeat(2000));
    assert_problem(app.ingest(&big).await, StatusCode::PAYLOAD_TOO_LARGE, "body").await;
    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|_| Ok(vec![b' '; 100])).collect();
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let chunked = app.post_raw("/v1/statements", "application/json", stream).await;
    assert_problem(chunked, StatusCode::PAYLOAD_TOO_LARGE, "body").await;
    let small = statement("https://example.org/small", &"x".repeat(500));
    app.ingest_ok(&small, StatusCode::CREATED).await;
    assert_eq!(app.statement_count().await, 1);
}

#[tokio::test]
async fn bad_paths_and_queries_get_400_unknown_ones_404() {
    let app = spawn_app().await;
    let record = app
        .ingest_ok(&statement("https://example.org/r", "x"), StatusCode::CREATED)
        .await;
    let id = record["statement_id"].as_str().unwrap();
    let unknown_id = "0".repeat(32);
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            "/v1/statements/not-an-id".into(),
            StatusCode::BAD_REQUEST,
            "statement_id",
        ),
        (
            format!("/v1/statements/{}", id.to_uppercase()),
            StatusCode::BAD_REQUEST,
            "statement_id",
        ),
        (format!("/v1/statements/{unknown_id}"), StatusCode::NOT_FOUND, ""),
        (
            format!("/v1/statements/{unknown_id}/versions"),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            format!("/v1/statements/{unknown_id}/versions/1"),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            format!("/v1/statements/{unknown_id}/versions/1/content"),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            format!("/v1/statements/{id}/versions/2"),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            format!("/v1/statements/{id}/versions/2/content"),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            format!("/v1/statements/{id}/versions/0"),
            StatusCode::BAD_REQUEST,
            "version",
        ),
        (
            format!("/v1/statements/{id}/versions/one"),
            StatusCode::BAD_REQUEST,
            "version",
        ),
        (
            format!("/v1/statements/{id}/versions/-1/content"),
            StatusCode::BAD_REQUEST,
            "version",
        ),
        (
            format!("/v1/statements/{id}/versions?limit=0"),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            format!("/v1/statements/{id}/versions?cursor=%%%"),
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
        (
            format!("/v1/statements/{id}/versions?cursor=***"),
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
        ("/v1/hashes/abc".into(), StatusCode::BAD_REQUEST, "digest"),
        (
            format!("/v1/hashes/{}", "z".repeat(64)),
            StatusCode::BAD_REQUEST,
            "digest",
        ),
        (
            "/v1/statements?limit=ten".into(),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        ("/v1/statements?limit=-5".into(), StatusCode::BAD_REQUEST, "limit"),
        (
            // int64 in the document, so past i64::MAX is malformed (found by schemathesis)
            "/v1/statements?limit=9223372036854775808".into(),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            "/v1/statements?published_after=yesterday".into(),
            StatusCode::BAD_REQUEST,
            "published_after",
        ),
        (
            "/v1/statements?published_before=2017-13-01".into(),
            StatusCode::BAD_REQUEST,
            "published_before",
        ),
        (
            "/v1/statements?source_url=ftp%3A%2F%2Fx".into(),
            StatusCode::BAD_REQUEST,
            "source_url",
        ),
        (
            "/v1/statements?source_url=relative".into(),
            StatusCode::BAD_REQUEST,
            "source_url",
        ),
        (
            "/v1/statements?publisher=".into(),
            StatusCode::BAD_REQUEST,
            "publisher",
        ),
        (
            "/v1/statements?contact=%20".into(),
            StatusCode::BAD_REQUEST,
            "contact",
        ),
        ("/v1/nothing-here".into(), StatusCode::NOT_FOUND, ""),
    ];
    for (path, status, field) in cases {
        let response = app.get(&path).await;
        assert_eq!(response.status(), status, "GET {path}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status.as_u16(), "GET {path}: {problem}");
        if field.is_empty() {
            assert!(problem.get("field").is_none(), "GET {path}: {problem}");
        } else {
            assert_eq!(problem["field"], field, "GET {path}: {problem}");
        }
    }
}

#[tokio::test]
async fn undeclared_methods_get_405_with_allow() {
    let app = spawn_app().await;
    let cases = [
        (reqwest::Method::PUT, "/v1/statements", "GET, POST"),
        (
            reqwest::Method::DELETE,
            &*format!("/v1/statements/{}", "0".repeat(32)),
            "GET",
        ),
        (reqwest::Method::POST, "/v1/log/checkpoint", "GET"),
        (reqwest::Method::PATCH, "/v1/keys/someone", "DELETE"),
        (reqwest::Method::TRACE, "/healthz", "GET"),
        // Not a statement id of `batch`: the literal path's methods.
        (reqwest::Method::GET, "/v1/statements/batch", "POST"),
    ];
    for (method, path, allow) in cases {
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let mut allowed: Vec<String> = response.headers()["allow"]
            .to_str()
            .unwrap()
            .split(", ")
            .map(str::to_owned)
            .collect();
        allowed.sort();
        assert_eq!(allowed.join(", "), allow, "{method} {path}");
    }
    assert_eq!(
        app.get("/v1/nowhere/at/all").await.status(),
        StatusCode::NOT_FOUND
    );
}
