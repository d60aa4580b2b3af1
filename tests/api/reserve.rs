//! The free-space reserve: when the disk is nearly full, writes get 507 with nothing stored,
//! and every read keeps working (sled itself would refuse reads too after a failed write).

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, statement};

#[tokio::test]
async fn within_the_reserve_writes_get_507_and_reads_keep_working() {
    let app = spawn_app().await;
    let url = "https://example.org/release";
    let v1 = app
        .ingest_ok(&statement(url, "The first wording."), StatusCode::CREATED)
        .await;
    let id = v1["statement_id"].as_str().unwrap();

    app.store().keep_free(u64::MAX); // more than any disk has free
    let refused = app.ingest(&statement(url, "A second wording.")).await;
    assert!(refused.headers().get("location").is_none());
    let problem = assert_problem(refused, StatusCode::INSUFFICIENT_STORAGE, "").await;
    assert!(problem["detail"].as_str().unwrap().contains("free"), "{problem}");

    assert_eq!(
        app.get_json(&format!("/v1/statements/{id}")).await["version_count"],
        1
    );
    let content = app.get(&format!("/v1/statements/{id}/versions/1/content")).await;
    assert_eq!(content.text().await.unwrap(), "The first wording.");
    let verdict = app
        .post_json_anonymously("/v1/verify", &json!({"content": "The first wording."}))
        .await;
    assert_eq!(
        verdict.json::<serde_json::Value>().await.unwrap()["verdict"],
        "current"
    );
    assert_eq!(app.get("/v1/log/checkpoint").await.status(), StatusCode::OK);

    app.store().keep_free(0);
    let accepted = app
        .ingest_ok(&statement(url, "A second wording."), StatusCode::CREATED)
        .await;
    assert_eq!(accepted["version"], 2, "nothing of the refused write was kept");
    app.assert_store_consistent();
}
