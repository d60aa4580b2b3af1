//! The probe that found the access check deciding on the raw path: every protected path,
//! spelled with percent-escapes, double slashes, dot segments or another case, is refused on
//! a service whose reads need a key, and counts against the per-address rate limit. The
//! requests are written on a raw TCP connection, because HTTP clients (reqwest's `url`)
//! resolve dot segments before sending.

use reqwest::StatusCode;
use serde_json::json;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{spawn_app_with, TestApp};

/// Sends one request exactly as written and returns its status and body.
pub async fn raw_request(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    (status, answer)
}

/// `path` (which starts with `/v1/`) spelled every way a probe tried, with what each tries.
fn variants(path: &str) -> Vec<(String, &'static str)> {
    let rest = path.strip_prefix("/v1/").expect("a /v1/ path");
    let (first, tail) = rest.split_once('/').map_or((rest, ""), |(f, t)| (f, t));
    let slash_tail = if tail.is_empty() {
        String::new()
    } else {
        format!("/{tail}")
    };
    vec![
        (format!("/%761/{rest}"), "an escaped v"),
        (format!("/v%31/{rest}"), "an escaped 1"),
        (format!("/%76%31/{rest}"), "both escaped"),
        (
            format!("/v1/%{:02X}{}{slash_tail}", first.as_bytes()[0], &first[1..]),
            "an escaped segment letter",
        ),
        (format!("/v1//{rest}"), "a double slash"),
        (format!("//v1/{rest}"), "a leading double slash"),
        (format!("/v1/./{rest}"), "a dot segment"),
        (format!("/x/../v1/{rest}"), "a dot-dot segment"),
        (format!("/v1/%2e/{rest}"), "an escaped dot segment"),
        (format!("/V1/{rest}"), "an upper-case V"),
        (
            format!("/v1/{}{slash_tail}", first.to_uppercase()),
            "an upper-case segment",
        ),
    ]
}

#[tokio::test]
async fn no_spelling_of_a_protected_path_skips_the_access_check() {
    let app = spawn_app_with(|settings| settings.reads_need_key = true).await;
    let body = json!({
        "source_url": "https://www.aclu.org/press-releases/paths",
        "content": "MIAMI — A statement whose contacts are private.",
        "media_contacts": [{"name": "Ryan Karerat", "phone": "212-284-7388"}],
    });
    let record = app.ingest_ok(&body, StatusCode::CREATED).await;
    let id = record["statement_id"].as_str().unwrap();
    let sha256 = record["sha256"].as_str().unwrap();
    let reads = [
        ("GET", format!("/v1/statements/{id}"), ""),
        ("GET", "/v1/statements?contact=Ryan%20Karerat".to_owned(), ""),
        ("GET", format!("/v1/statements/{id}/versions"), ""),
        ("GET", format!("/v1/statements/{id}/versions/1"), ""),
        ("GET", format!("/v1/statements/{id}/versions/1/content"), ""),
        ("GET", format!("/v1/statements/{id}/versions/1/proof"), ""),
        ("GET", format!("/v1/statements/{id}/diff?from=1&to=1"), ""),
        ("GET", format!("/v1/hashes/{sha256}"), ""),
        ("GET", "/v1/log/checkpoint".to_owned(), ""),
        ("GET", "/v1/log/key".to_owned(), ""),
        ("GET", "/v1/log/entries".to_owned(), ""),
        ("GET", "/v1/log/proof/inclusion?index=0".to_owned(), ""),
        ("GET", "/v1/log/proof/consistency?from=1".to_owned(), ""),
        (
            "POST",
            "/v1/extract".to_owned(),
            r#"{"content": "Media contact: Ryan Karerat"}"#,
        ),
        ("POST", "/v1/verify".to_owned(), r#"{"sha256": "00"}"#),
        (
            "POST",
            "/v1/passages/search".to_owned(),
            r#"{"passage": "a statement whose contacts are private"}"#,
        ),
        ("GET", "/v1/keys".to_owned(), ""),
        (
            "POST",
            "/v1/keys".to_owned(),
            r#"{"name": "sneaky", "role": "admin"}"#,
        ),
        ("DELETE", "/v1/keys/test-writer".to_owned(), ""),
        (
            "POST",
            "/v1/statements".to_owned(),
            r#"{"source_url": "https://x.example/", "content": "x"}"#,
        ),
    ];
    let json = [("Content-Type", "application/json")];
    for (method, path, body) in &reads {
        let (status, _) = raw_request(&app, method, path, &json, body).await;
        assert_eq!(status, 401, "{method} {path} as spelled canonically");
        for (variant, what) in variants(path) {
            let (status, answer) = raw_request(&app, method, &variant, &json, body).await;
            assert!(
                status == 400 || status == 401,
                "{method} {variant} ({what}) answered {status}: {answer}"
            );
            assert!(
                !answer.contains("Karerat") && !answer.contains("212-284-7388"),
                "{variant}: {answer}"
            );
        }
    }
    let keys = app.store().api_keys().unwrap();
    assert_eq!(keys.len(), 1, "no key was made or revoked: {keys:?}");
    assert!(keys.iter().all(|key| key.revoked_at.is_none()));
}

#[tokio::test]
async fn no_spelling_of_a_path_skips_the_per_address_rate_limit() {
    let app = spawn_app_with(|settings| settings.rate_limit_ip = 1).await;
    let mut paths = vec![("/v1/log/checkpoint".to_owned(), "canonical")];
    paths.extend(variants("/v1/log/checkpoint"));
    let started = Instant::now();
    let mut answers = Vec::new();
    for round in 0..3 {
        for (path, what) in &paths {
            let (status, _) = raw_request(&app, "GET", path, &[], "").await;
            answers.push((round, path.clone(), *what, status));
        }
    }
    let elapsed = started.elapsed().as_secs() + 1;
    for (_, path, what, status) in &answers {
        if *what != "canonical" {
            assert_ne!(*status, 200, "{path} ({what}) answered");
        }
    }
    // A burst of 2, then 1 a second: whatever the spelling, at most that many were let through.
    let admitted = answers.iter().filter(|(.., status)| *status != 429).count();
    assert!(
        admitted as u64 <= 2 + elapsed,
        "{admitted} of {} requests admitted in {elapsed} s: {answers:?}",
        answers.len()
    );
}
