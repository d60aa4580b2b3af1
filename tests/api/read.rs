//! Reading: a statement, its versions, one version, its content with digests, and hash lookups.

use base64::Engine;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{independent_sha256, spawn_app, statement};

#[tokio::test]
async fn statement_shows_latest_version_and_times() {
    let app = spawn_app().await;
    let v1 = app
        .ingest_ok(&statement("https://example.org/s", "One"), StatusCode::CREATED)
        .await;
    let v2 = app
        .ingest_ok(&statement("https://example.org/s", "Two"), StatusCode::CREATED)
        .await;
    let id = v1["statement_id"].as_str().unwrap();
    let found = app.get_json(&format!("/v1/statements/{id}")).await;
    assert_eq!(found["statement_id"], id);
    assert_eq!(found["source_url"], "https://example.org/s");
    assert_eq!(found["version_count"], 2);
    assert_eq!(found["first_seen_at"], v1["ingested_at"]);
    assert_eq!(found["last_changed_at"], v2["ingested_at"]);
    assert_eq!(found["latest"], v2);
}

#[tokio::test]
async fn versions_page_in_order() {
    let app = spawn_app().await;
    for n in 1..=5 {
        app.ingest_ok(
            &statement("https://example.org/p", &format!("Text {n}")),
            StatusCode::CREATED,
        )
        .await;
    }
    let id = crate::helpers::id_of(&app, "https://example.org/p").await;
    let mut seen = Vec::new();
    let mut path = format!("/v1/statements/{id}/versions?limit=2");
    loop {
        let page = app.get_json(&path).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|v| v["version"].as_u64().unwrap()));
        match page["next"].as_str() {
            Some(next) => path = format!("/v1/statements/{id}/versions?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [1, 2, 3, 4, 5]);
    let all = app.get_json(&format!("/v1/statements/{id}/versions")).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    assert_eq!(all["next"], serde_json::Value::Null);
    let third = app.get_json(&format!("/v1/statements/{id}/versions/3")).await;
    assert_eq!(third, all["items"][2]);
}

#[tokio::test]
async fn content_carries_its_digests() {
    let app = spawn_app().await;
    let html = "<p>WASHINGTON — The Department of Justice today issued letters.</p>";
    let body =
        json!({"source_url": "https://example.org/html", "content": html, "content_type": "text/html"});
    let record = app.ingest_ok(&body, StatusCode::CREATED).await;
    let path = format!(
        "/v1/statements/{}/versions/1/content",
        record["statement_id"].as_str().unwrap()
    );

    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), html.as_bytes());
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let hex = independent_sha256(&bytes);
    assert_eq!(headers["etag"].to_str().unwrap(), format!("\"{hex}\""));
    let raw_digest = hex::decode(&hex).unwrap();
    let expected = format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(raw_digest)
    );
    assert_eq!(headers["repr-digest"].to_str().unwrap(), expected);

    let revalidated = app
        .client
        .get(format!("{}{path}", app.address))
        .header("if-none-match", format!("\"{hex}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    let stale = app
        .client
        .get(format!("{}{path}", app.address))
        .header("if-none-match", "\"0000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
}

#[tokio::test]
async fn hash_lookup_finds_every_version_with_the_text() {
    let app = spawn_app().await;
    let text = "The same press release, syndicated.";
    app.ingest_ok(&statement("https://one.example/r", text), StatusCode::CREATED)
        .await;
    app.ingest_ok(&statement("https://two.example/r", "Draft"), StatusCode::CREATED)
        .await;
    app.ingest_ok(&statement("https://two.example/r", text), StatusCode::CREATED)
        .await;
    let hash = independent_sha256(text.as_bytes());

    let found = app.get_json(&format!("/v1/hashes/{hash}")).await;
    assert_eq!(found["sha256"], hash);
    let mut hits: Vec<(String, u64)> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["source_url"].as_str().unwrap().to_owned(),
                v["version"].as_u64().unwrap(),
            )
        })
        .collect();
    hits.sort();
    assert_eq!(
        hits,
        [
            ("https://one.example/r".to_owned(), 1),
            ("https://two.example/r".to_owned(), 2)
        ]
    );

    let first_page = app.get_json(&format!("/v1/hashes/{hash}?limit=1")).await;
    assert_eq!(first_page["items"].as_array().unwrap().len(), 1);
    let next = first_page["next"].as_str().expect("a second page");
    let second_page = app
        .get_json(&format!("/v1/hashes/{hash}?limit=1&cursor={next}"))
        .await;
    assert_eq!(second_page["items"].as_array().unwrap().len(), 1);
    assert_ne!(first_page["items"][0], second_page["items"][0]);

    let unknown = app
        .get_json(&format!("/v1/hashes/{}", independent_sha256(b"never ingested")))
        .await;
    assert_eq!(unknown["items"], json!([]));
}

#[tokio::test]
async fn health_reads_the_store() {
    let app = spawn_app().await;
    assert_eq!(
        app.get_json("/healthz").await,
        json!({"status": "ok", "log_size": 0, "accepting_writes": true})
    );
    app.ingest_ok(
        &statement("https://example.org/health", "Text."),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(app.get_json("/healthz").await["log_size"], 1);

    let full = crate::helpers::spawn_app_with(|settings| settings.min_free_bytes = u64::MAX).await;
    assert_eq!(
        full.get_json("/healthz").await,
        json!({"status": "ok", "log_size": 0, "accepting_writes": false}),
        "a full disk stops writes, not the service"
    );
}
