//! The feed of withdrawn statements, read by the real `feedparser`: a watched page of a
//! loopback origin answers 404, the statement is withdrawn and the feed says so with the
//! evidence; the page answers again, and the same entry says it was restored.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

use crate::feedparser::{link, parse_atom};
use crate::helpers::{spawn_app_with, TestApp};
use crate::origin::{Origin, Page};

/// The withdrawn feed as feedparser reads it.
async fn withdrawn(app: &TestApp) -> Value {
    let response = app.get("/v1/feeds/withdrawn.atom").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/atom+xml");
    parse_atom(&response.bytes().await.unwrap())
}

/// Polls (at most 30 s) until the withdrawn feed is as `wanted`; returns it.
async fn wait_for_feed(app: &TestApp, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..600 {
        let feed = withdrawn(app).await;
        if wanted(&feed) {
            return feed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the withdrawn feed never showed {what}: {:#}",
        withdrawn(app).await
    );
}

#[tokio::test]
async fn a_withdrawn_statement_is_in_the_feed_and_its_restoration_updates_it() {
    let origin = Origin::start().await;
    origin.html("/gone", "<h1>Our pledge</h1><p>We promise to act.</p>");
    origin.html("/stays", "<h1>Another</h1><p>Still here.</p>");
    let app = spawn_app_with(|settings| {
        settings.fetch.fetch_allow_private = true;
        settings.watch.watch_min_interval_secs = 1;
        settings.watch.watch_host_delay_ms = 30;
        settings.watch.watch_withdraw_after = 2;
    })
    .await;
    let mut statements = Vec::new();
    for path in ["/gone", "/stays"] {
        let created = app
            .client
            .post(format!("{}/v1/watches", app.address))
            .bearer_auth(&app.token)
            .json(&json!({ "source_url": origin.url(path), "every": "1s" }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let created: Value = created.json().await.unwrap();
        statements.push(created["statement_id"].as_str().unwrap().to_owned());
    }
    let id = statements[0].clone();
    for _ in 0..600 {
        if app.get(&format!("/v1/statements/{id}")).await.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        withdrawn(&app).await["entries"],
        json!([]),
        "nothing withdrawn yet"
    );

    origin.set("/gone", Page::Status(404));
    let feed = wait_for_feed(&app, "a withdrawal", |f| {
        f["entries"].as_array().is_some_and(|e| !e.is_empty())
    })
    .await;
    let entries = feed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "only the statement whose page went: {feed:#}");
    let entry = &entries[0];
    assert_eq!(entry["title"], "Withdrawn: Our pledge");
    let summary = entry["summary"].as_str().unwrap();
    assert!(summary.contains("2 fetches in a row (404, 404)"), "{summary}");
    assert!(summary.contains(&origin.url("/gone")), "{summary}");
    let statement = app.get_json(&format!("/v1/statements/{id}")).await;
    let withdrawn_at =
        chrono::DateTime::parse_from_rfc3339(statement["withdrawal"]["withdrawn_at"].as_str().unwrap())
            .unwrap();
    let updated = chrono::DateTime::parse_from_rfc3339(entry["updated"].as_str().unwrap()).unwrap();
    assert_eq!(updated, withdrawn_at);
    assert_eq!(
        link(&entry["links"], "alternate").unwrap(),
        format!("{}/statements/{id}", app.address)
    );

    origin.html("/gone", "<h1>Our pledge</h1><p>We promise to act.</p>");
    let feed = wait_for_feed(&app, "the restoration", |f| {
        f["entries"][0]["title"] == "Restored: Our pledge"
    })
    .await;
    let restored = &feed["entries"][0];
    assert_eq!(restored["id"], entry["id"], "the same entry, updated");
    assert!(restored["summary"].as_str().unwrap().contains("Restored at"));
    assert!(restored["updated"].as_str() > entry["updated"].as_str());
    app.assert_store_consistent();
}
