//! What changed between versions (`GET /v1/statements/{id}/diff`): content edits, metadata-only
//! edits, cosmetic edits, the three formats, and the errors.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, TestApp};

const URL: &str = "https://cojustice.example/release";
const V1: &str =
    "DENVER — The coalition filed suit today.\n\n\"No contract can rewrite the Fourth Amendment,\" \
said Maria Delgado.\n";
const V2: &str = "DENVER — The coalition filed suit on Monday.\n\n\"No contract can rewrite the Fourth \
Amendment,\" said Maria Delgado.\n";

async fn ingest(app: &TestApp, content: &str, title: &str) -> String {
    let body = json!({"source_url": URL, "content": content, "title": title});
    let record = app.ingest_ok(&body, StatusCode::CREATED).await;
    record["statement_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_content_edit_is_shown_word_by_word() {
    let app = spawn_app().await;
    let id = ingest(&app, V1, "Suit filed").await;
    ingest(&app, V2, "Suit filed").await;
    let diff = app
        .get_json(&format!("/v1/statements/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(diff["content_changed"], true);
    assert_eq!(diff["cosmetic"], false);
    assert_eq!(diff["metadata_changes"], json!([]));
    assert_eq!(
        (diff["from"]["version"].clone(), diff["to"]["version"].clone()),
        (json!(1), json!(2))
    );
    let ops: Vec<(String, String)> = diff["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["op"] != "equal")
        .map(|op| {
            (
                op["op"].as_str().unwrap().to_owned(),
                op["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("delete".to_owned(), "today".to_owned()),
            ("insert".to_owned(), "on Monday".to_owned())
        ]
    );
    assert_eq!(diff["chars_removed"], 5);
    assert_eq!(diff["chars_added"], 9);
    let rebuilt: String = diff["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["op"] != "delete")
        .map(|op| op["text"].as_str().unwrap())
        .collect();
    assert_eq!(rebuilt, V2);

    let defaults = app.get_json(&format!("/v1/statements/{id}/diff")).await;
    assert_eq!(
        defaults, diff,
        "by default, the latest version against the one before"
    );

    let unified = app.get(&format!("/v1/statements/{id}/diff?format=unified")).await;
    assert!(unified.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let unified = unified.text().await.unwrap();
    assert!(
        unified.contains("--- version 1") && unified.contains("+++ version 2"),
        "{unified}"
    );
    assert!(
        unified.contains("-DENVER — The coalition filed suit today."),
        "{unified}"
    );
    assert!(
        unified.contains("+DENVER — The coalition filed suit on Monday."),
        "{unified}"
    );

    let html = app.get(&format!("/v1/statements/{id}/diff?format=html")).await;
    assert!(html.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = html.text().await.unwrap();
    assert!(
        html.contains("<del>today</del>") && html.contains("<ins>on Monday</ins>"),
        "{html}"
    );
    assert!(html.contains("&quot;No contract"), "text is escaped: {html}");
}

#[tokio::test]
async fn a_metadata_only_edit_lists_the_field_with_both_values() {
    let app = spawn_app().await;
    let id = ingest(&app, V1, "Suit filed").await;
    ingest(&app, V1, "Coalition sues county").await;
    let diff = app
        .get_json(&format!("/v1/statements/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(diff["content_changed"], false);
    assert_eq!(diff["operations"].as_array().unwrap().len(), 1, "one equal run");
    assert_eq!(
        diff["metadata_changes"],
        json!([{"field": "title", "from": "Suit filed", "to": "Coalition sues county"}])
    );
    assert_eq!(diff["cosmetic"], false);
}

#[tokio::test]
async fn whitespace_and_quote_changes_are_cosmetic() {
    let app = spawn_app().await;
    let id = ingest(&app, V1, "Suit filed").await;
    let retyped =
        "DENVER – The coalition filed suit today.\n“No contract can rewrite the Fourth\nAmendment,” \
                   said Maria Delgado.";
    ingest(&app, retyped, "Suit filed").await;
    let diff = app
        .get_json(&format!("/v1/statements/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(diff["content_changed"], true);
    assert_eq!(diff["cosmetic"], true);
    let same = app
        .get_json(&format!("/v1/statements/{id}/diff?from=2&to=2"))
        .await;
    assert_eq!(same["cosmetic"], true);
    assert_eq!(same["chars_added"], 0);
}

#[tokio::test]
async fn unknown_versions_are_404_and_reversed_ranges_400() {
    let app = spawn_app().await;
    let id = ingest(&app, V1, "Suit filed").await;
    ingest(&app, V2, "Suit filed").await;
    let path = |query: &str| format!("/v1/statements/{id}/diff?{query}");
    assert_problem(app.get(&path("from=1&to=3")).await, StatusCode::NOT_FOUND, "").await;
    assert_problem(
        app.get(&path("from=2&to=1")).await,
        StatusCode::BAD_REQUEST,
        "from",
    )
    .await;
    assert_problem(app.get(&path("from=0")).await, StatusCode::BAD_REQUEST, "from").await;
    assert_problem(
        app.get(&path("format=pdf")).await,
        StatusCode::BAD_REQUEST,
        "format",
    )
    .await;
    let unknown = format!("/v1/statements/{}/diff", "0".repeat(32));
    assert_problem(app.get(&unknown).await, StatusCode::NOT_FOUND, "").await;
}
