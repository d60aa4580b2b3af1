//! Security headers: every response forbids sniffing, framing and referrers and carries a
//! Content-Security-Policy; stored content is served sandboxed, so the script of a stored
//! HTML page does not run on the service's origin (checked in a real Chromium), with its bytes,
//! hash and digest unchanged; and the docs page's policy still lets Swagger UI render.

use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

use crate::helpers::{independent_sha256, spawn_app, TestApp};

/// The DOM of `url` after Chromium (headless) has loaded it and run what it may run.
async fn dump_dom(url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let run = tokio::process::Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=15000", "--dump-dom", url])
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("Chromium finishes")
        .expect("Chromium is installed (scripts/setup/50-browser.sh)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn header<'r>(response: &'r reqwest::Response, name: &str) -> &'r str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{} has no {name}", response.url()))
        .to_str()
        .unwrap()
}

const STORED_PAGE: &str = "<html><head><title>Statement</title></head><body><p>We urge every city to \
hold its ground.</p><script>document.body.setAttribute('data-script-ran', document.domain || 'yes');\
</script><img src=x onerror=\"document.body.setAttribute('data-handler-ran', 'yes')\"></body></html>";

async fn ingest_page(app: &TestApp) -> serde_json::Value {
    let body =
        json!({"source_url": "https://example.org/xss", "content": STORED_PAGE, "content_type": "text/html"});
    app.ingest_ok(&body, StatusCode::CREATED).await
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let record = ingest_page(&app).await;
    let id = record["statement_id"].as_str().unwrap();
    let paths = [
        "/healthz".to_owned(),
        "/openapi.json".to_owned(),
        "/v1/statements".to_owned(),
        format!("/v1/statements/{id}/diff?format=html&from=1&to=1"),
        "/v1/nowhere".to_owned(),
        "/v1/keys".to_owned(),
        "/v1/statements/%7A".to_owned(),
        "/docs/".to_owned(),
        "/docs/swagger-ui-bundle.js".to_owned(),
    ];
    for path in &paths {
        let response = app.get(path).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        let policy = header(&response, "content-security-policy");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        if path.starts_with("/docs/") {
            assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        } else {
            assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
        }
    }
    let refused = app
        .client
        .post(format!("{}/v1/statements", app.address))
        .bearer_auth("pvk_bad")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&refused, "x-content-type-options"),
        "nosniff",
        "a refusal too"
    );
}

#[tokio::test]
async fn stored_html_is_served_sandboxed_and_byte_for_byte() {
    let app = spawn_app().await;
    let record = ingest_page(&app).await;
    let path = format!(
        "/v1/statements/{}/versions/1/content",
        record["statement_id"].as_str().unwrap()
    );
    let dom = dump_dom(&format!("{}{path}", app.address)).await;
    assert!(
        dom.contains("hold its ground"),
        "Chromium rendered the page: {dom}"
    );
    // The script and the handler would set attributes on <body>: it is left as stored.
    assert!(
        dom.contains("<body><p>"),
        "the stored script or handler ran: {dom}"
    );

    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let policy = header(&response, "content-security-policy").to_owned();
    assert!(policy.split(';').any(|d| d.trim() == "sandbox"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "content-type"), "text/html; charset=utf-8");
    let digest = header(&response, "repr-digest").to_owned();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), STORED_PAGE.as_bytes(), "the bytes are unchanged");
    assert_eq!(
        independent_sha256(&bytes),
        record["sha256"],
        "and so is their hash"
    );
    use base64::Engine;
    let sha = hex::decode(record["sha256"].as_str().unwrap()).unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(sha);
    assert_eq!(digest, format!("sha-256=:{encoded}:"));
}

#[tokio::test]
async fn the_docs_page_still_renders_under_its_policy() {
    let app = spawn_app().await;
    let dom = dump_dom(&format!("{}/docs/", app.address)).await;
    assert!(
        dom.contains("opblock"),
        "Swagger UI rendered the operations: {dom}"
    );
    assert!(dom.contains("/v1/statements/{statement_id}/diff"), "{dom}");
}

#[tokio::test]
async fn the_answer_carrying_a_new_key_is_never_cached() {
    let app = spawn_app().await;
    let admin = app.key("admin", provenance::domain::Role::Admin);
    let created = app
        .client
        .post(format!("{}/v1/keys", app.address))
        .bearer_auth(&admin)
        .json(&json!({"name": "desk", "role": "writer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(header(&created, "cache-control"), "no-store");
    let body: serde_json::Value = created.json().await.unwrap();
    assert!(body["token"].as_str().unwrap().starts_with("pvk_"));
}
