//! The pages for people, over HTTP without a browser (tests/browser.rs walks them in Chromium):
//! every page and error page is HTML with its security headers, API clients still get problem
//! documents, a private registry's pages answer 401, and no page runs stored markup.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

async fn page(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn assert_page_headers(path: &str, headers: &reqwest::header::HeaderMap) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/html; charset=utf-8", "{path}");
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {csp}");
    }
    assert!(!csp.contains("unsafe"), "{path}: {csp}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(header("x-frame-options"), "DENY", "{path}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
}

#[tokio::test]
async fn pages_and_their_errors_are_html_with_their_security_headers() {
    let app = spawn_app().await;
    let record = app
        .ingest_ok(
            &json!({
                "source_url": "https://example.org/hostile",
                "content": "<p>Hi <script>alert(1)</script><img src=x onerror=alert(2)></p>",
                "content_type": "text/html",
                "title": "<script>alert('title')</script>",
            }),
            StatusCode::CREATED,
        )
        .await;
    let id = record["statement_id"].as_str().unwrap();
    let cases = [
        ("/", StatusCode::OK),
        (&format!("/statements/{id}") as &str, StatusCode::OK),
        (&format!("/statements/{id}/versions/1"), StatusCode::OK),
        (&format!("/statements/{id}/compare?from=1&to=1"), StatusCode::OK),
        ("/verify", StatusCode::OK),
        ("/trace", StatusCode::OK),
        ("/log", StatusCode::OK),
        (
            "/statements/00000000000000000000000000000000",
            StatusCode::NOT_FOUND,
        ),
        (&format!("/statements/{id}/versions/2"), StatusCode::NOT_FOUND),
        (
            &format!("/statements/{id}/versions/zero"),
            StatusCode::BAD_REQUEST,
        ),
        ("/statements/NOT-AN-ID", StatusCode::BAD_REQUEST),
        (
            &format!("/statements/{id}/compare?from=2&to=1"),
            StatusCode::NOT_FOUND,
        ),
        (&format!("/search?q={}", "f".repeat(50)), StatusCode::BAD_REQUEST),
        ("/search?q=+", StatusCode::UNPROCESSABLE_ENTITY),
        ("/trace?passage=", StatusCode::UNPROCESSABLE_ENTITY),
        ("/nothing/here", StatusCode::NOT_FOUND),
    ];
    for (path, status) in cases {
        let (got, headers, body) = page(&app, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_page_headers(path, &headers);
        assert!(body.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(
            !body.contains("<script>alert") && !body.contains("<img src=x"),
            "{path} shows stored markup: {body}"
        );
        let scripts: Vec<&str> = body
            .match_indices("<script")
            .map(|(at, _)| &body[at..at + 40])
            .collect();
        assert!(
            scripts
                .iter()
                .all(|tag| tag.starts_with("<script src=\"/assets/app.js?v=")),
            "{path}: only the service's own script: {scripts:?}"
        );
    }
    let (_, _, statement) = page(&app, &format!("/statements/{id}")).await;
    assert!(
        statement.contains("&lt;script&gt;alert('title')&lt;/script&gt;"),
        "the title is shown as text"
    );
}

#[tokio::test]
async fn api_clients_still_get_problem_documents_and_search_redirects() {
    let app = spawn_app().await;
    let response = app.get("/nothing/here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let (status, _, body) = page(&app, "/v1/statements/00000000000000000000000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.starts_with('{'),
        "the API answers JSON even to a browser: {body}"
    );

    let record = app
        .ingest_ok(
            &json!({"source_url": "https://example.org/a", "content": "Words."}),
            StatusCode::CREATED,
        )
        .await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for query in [
        "HTTPS://EXAMPLE.ORG/a?utm_source=x%23frag",
        record["statement_id"].as_str().unwrap(),
    ] {
        let response = no_redirects
            .get(format!("{}/search", app.address))
            .query(&[("q", query)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{query}");
        assert_eq!(
            response.headers()["location"],
            format!("/statements/{}", record["statement_id"].as_str().unwrap()).as_str()
        );
    }
    let verify = app.post_raw("/verify", "application/json", "{}").await;
    assert_eq!(verify.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(verify.headers()["content-type"], "text/html; charset=utf-8");
    let asset = app.get("/assets/app.js").await;
    assert_eq!(asset.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(asset.headers()["x-content-type-options"], "nosniff");
    assert_eq!(app.get("/assets/other.js").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_verified_form_reads_what_a_browser_sends() {
    let app = spawn_app().await;
    let text = "Line one of a statement.\nLine two of it.\n";
    let record = app
        .ingest_ok(
            &json!({"source_url": "https://example.org/s", "content": text}),
            StatusCode::CREATED,
        )
        .await;
    // A browser sends a textarea's line breaks as CRLF.
    let form = format!(
        "text={}&content_type=text%2Fplain",
        text.replace('\n', "%0D%0A").replace(' ', "+")
    );
    let response = app
        .post_raw("/verify", "application/x-www-form-urlencoded", form)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("This is the current wording"), "{body}");
    assert!(
        body.contains(record["sha256"].as_str().unwrap()),
        "the copy's hash is the LF text's"
    );
    let hash_only = format!("sha256={}&hash_only=on", record["sha256"].as_str().unwrap());
    let body = app
        .post_raw("/verify", "application/x-www-form-urlencoded", hash_only)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("computed in your browser: the text was not sent"),
        "{body}"
    );
    let empty = app
        .post_raw("/verify", "application/x-www-form-urlencoded", "text=%0D%0A")
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let malformed = app
        .post_raw("/verify", "application/x-www-form-urlencoded", "sha256=abc")
        .await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_private_registry_pages_say_so() {
    let app = spawn_app_with(|settings| settings.reads_need_key = true).await;
    let (status, headers, body) = page(&app, "/").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_page_headers("/", &headers);
    assert!(body.contains("This registry is private"), "{body}");
}

#[tokio::test]
async fn the_latest_changes_list_each_statement_once() {
    let app = spawn_app().await;
    for n in 1..=3 {
        let body = json!({
            "source_url": "https://example.org/often-edited",
            "content": format!("The often edited statement, in its version number {n}."),
            "title": "Often edited",
        });
        app.ingest_ok(&body, StatusCode::CREATED).await;
    }
    let once = json!({
        "source_url": "https://example.org/once",
        "content": "A statement recorded once, after the other one's three versions.",
        "title": "Recorded once",
    });
    app.ingest_ok(&once, StatusCode::CREATED).await;

    let (status, _, body) = page(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let list = body
        .split_once("<ol class=\"changes\">")
        .and_then(|(_, rest)| rest.split_once("</ol>"))
        .map(|(list, _)| list)
        .expect("the latest changes");
    let lines: Vec<&str> = list.split("<li>").skip(1).collect();
    assert_eq!(lines.len(), 2, "one line per statement: {body}");
    assert!(lines[0].contains("Recorded once"), "newest first: {}", lines[0]);
    assert!(!lines[0].contains("earlier version"), "{}", lines[0]);
    assert!(
        lines[1].contains("Often edited") && lines[1].contains("Version 3"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("with 2 earlier versions among the latest"),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn a_captured_version_says_when_it_was_captured_and_when_recorded() {
    let app = spawn_app().await;
    let record = app
        .ingest_ok(
            &json!({
                "source_url": "https://example.org/captured",
                "content": "A statement a crawler captured before it reached the registry.",
                "captured_at": "2024-03-05T06:07:08Z",
            }),
            StatusCode::CREATED,
        )
        .await;
    let id = record["statement_id"].as_str().unwrap();
    let captured = "<time datetime=\"2024-03-05T06:07:08Z\">5 March 2024, 06:07 UTC</time> \
                    (as its submitter says; not checked by the registry)";
    for path in [
        format!("/statements/{id}/versions/1"),
        format!("/statements/{id}"),
    ] {
        let (status, _, body) = page(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains(captured), "{path}: {body}");
        assert!(body.contains("Recorded"), "{path}: {body}");
    }
    // A version without a capture time names none.
    let plain = app
        .ingest_ok(
            &json!({"source_url": "https://example.org/plain", "content": "Posted directly."}),
            StatusCode::CREATED,
        )
        .await;
    let path = format!(
        "/statements/{}/versions/1",
        plain["statement_id"].as_str().unwrap()
    );
    let (_, _, body) = page(&app, &path).await;
    assert!(!body.contains("Captured"), "{body}");
}
