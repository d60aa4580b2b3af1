//! Ingesting: new statements, new versions, idempotent re-posts, metadata-only changes.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{independent_sha256, spawn_app, statement};

#[tokio::test]
async fn first_ingest_creates_version_one() {
    let app = spawn_app().await;
    let body = json!({
        "source_url": "https://www.aclu.org/press-releases/miami?utm_source=twitter#top",
        "content": "MIAMI— Attorney General Jeff Sessions will visit Miami, FL today.",
        "content_type": "text/plain",
        "title": "ACLU Statement on Sessions Visit",
        "publisher": "ACLU of Florida",
        "published_at": "2017-08-16",
        "media_contacts": [
            {"organization": "ACLU of Florida Media Office", "phone": "(786) 363-2737"},
            {"name": "Ryan Karerat", "phone": "212-284-7388", "email": "media@aclu.org"}
        ]
    });
    let response = app.ingest(&body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let record: serde_json::Value = response.json().await.unwrap();

    assert_eq!(record["version"], 1);
    assert_eq!(record["source_url"], "https://www.aclu.org/press-releases/miami");
    let expected_hash = independent_sha256(body["content"].as_str().unwrap().as_bytes());
    assert_eq!(record["sha256"], expected_hash);
    assert_eq!(record["content_length"], body["content"].as_str().unwrap().len());
    assert_eq!(record["content_type"], "text/plain");
    assert_eq!(record["title"], "ACLU Statement on Sessions Visit");
    assert_eq!(record["publisher"], "ACLU of Florida");
    assert_eq!(record["published_at"], "2017-08-16");
    assert_eq!(record["media_contacts"][1]["name"], "Ryan Karerat");
    assert_eq!(record["media_contacts"][0]["phone"], "(786) 363-2737");
    assert_eq!(record["changed"], json!([]));
    let every_field_supplied = json!({"title": "supplied", "publisher": "supplied", "published_at": "supplied", "media_contacts": "supplied"});
    assert_eq!(record["field_sources"], every_field_supplied);
    assert!(record["ingested_at"].as_str().unwrap().ends_with('Z'));
    let id = record["statement_id"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(location, format!("/v1/statements/{id}/versions/1"));
    assert_eq!(app.get_json(&location).await, record);
    app.assert_store_consistent();
}

#[tokio::test]
async fn reposting_the_latest_version_creates_nothing() {
    let app = spawn_app().await;
    let body = json!({"source_url": "https://example.org/a", "content": "Text", "title": "T"});
    let first = app.ingest_ok(&body, StatusCode::CREATED).await;
    for _ in 0..3 {
        let response = app.ingest(&body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let id = first["statement_id"].as_str().unwrap();
        assert_eq!(
            response.headers()["location"],
            format!("/v1/statements/{id}/versions/1").as_str()
        );
        assert_eq!(response.json::<serde_json::Value>().await.unwrap(), first);
    }
    // An equivalent URL names the same statement.
    let same = json!({"source_url": "HTTPS://EXAMPLE.org:443/a#x", "content": "Text", "title": "T"});
    assert_eq!(app.ingest_ok(&same, StatusCode::OK).await, first);
    let statement = app
        .get_json(&format!(
            "/v1/statements/{}",
            first["statement_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(statement["version_count"], 1);
    app.assert_store_consistent();
}

#[tokio::test]
async fn each_change_makes_the_next_version_and_names_what_changed() {
    let app = spawn_app().await;
    let url = "https://example.org/release";
    let steps = [
        (json!({"source_url": url, "content": "Original text."}), json!([])),
        (
            json!({"source_url": url, "content": "Original text.", "title": "Added title"}),
            json!(["title"]),
        ),
        (
            json!({"source_url": url, "content": "Edited text.", "title": "Added title"}),
            json!(["content"]),
        ),
        (
            json!({"source_url": url, "content": "Edited text.", "title": "Added title", "published_at": "2018-01-24T16:30:00-05:00"}),
            json!(["published_at"]),
        ),
        (
            json!({"source_url": url, "content": "Edited text.", "title": "Added title", "published_at": "2018-01-24T16:30:00-05:00",
                   "media_contacts": [{"email": "press@example.org"}], "publisher": "Example", "content_type": "text/markdown"}),
            json!(["content_type", "publisher", "media_contacts"]),
        ),
        (
            json!({"source_url": url, "content": "Original text."}),
            json!([
                "content",
                "content_type",
                "title",
                "publisher",
                "published_at",
                "media_contacts"
            ]),
        ),
    ];
    for (n, (body, changed)) in steps.iter().enumerate() {
        let record = app.ingest_ok(body, StatusCode::CREATED).await;
        assert_eq!(record["version"], n + 1, "step {n}");
        assert_eq!(record["changed"], *changed, "step {n}");
    }
    let versions = app
        .get_json(&format!(
            "/v1/statements/{}/versions",
            crate::helpers::id_of(&app, url).await
        ))
        .await;
    let numbers: Vec<u64> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        versions["items"][0]["sha256"], versions["items"][5]["sha256"],
        "back to the original text"
    );
    assert_eq!(
        versions["items"][1]["sha256"], versions["items"][0]["sha256"],
        "metadata-only change keeps the hash"
    );
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_matching_client_hash_is_accepted() {
    let app = spawn_app().await;
    let content = "Sanctuary city policies improve public safety.";
    let body = json!({"source_url": "https://example.org/q", "content": content, "sha256": independent_sha256(content.as_bytes())});
    app.ingest_ok(&body, StatusCode::CREATED).await;
    let upper = json!({"source_url": "https://example.org/q", "content": content, "sha256": independent_sha256(content.as_bytes()).to_uppercase()});
    app.ingest_ok(&upper, StatusCode::OK).await;
}

#[tokio::test]
async fn content_is_kept_byte_for_byte() {
    let app = spawn_app().await;
    let content = "  Leading spaces, “curly quotes”, an em dash — and a trailing newline\r\n\n";
    let record = app
        .ingest_ok(
            &statement("https://example.org/bytes", content),
            StatusCode::CREATED,
        )
        .await;
    let id = record["statement_id"].as_str().unwrap();
    let body = app
        .get(&format!("/v1/statements/{id}/versions/1/content"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.as_ref(), content.as_bytes());
    assert_eq!(record["sha256"], independent_sha256(content.as_bytes()));
}
