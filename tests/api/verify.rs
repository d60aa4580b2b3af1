//! Verifying copies (`POST /v1/verify`): every verdict, the raw-document form, several
//! statements with one text, the claimed source, and the proof bundle of each match.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, independent_sha256, spawn_app, statement, TestApp};

const ORIGINAL: &str = "DENVER — The coalition filed suit today.\n\n\"No contract can rewrite the Fourth \
Amendment,\" said Maria Delgado.\n";
const EDITED: &str = "DENVER — The coalition filed suit today.\n\n\"No contract can rewrite the Fourth \
Amendment or the state constitution,\" said Maria Delgado.\n";

async fn verify(app: &TestApp, body: &Value) -> Value {
    let response = app.post_json_anonymously("/v1/verify", body).await;
    assert_eq!(response.status(), StatusCode::OK, "verify {body}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn current_superseded_normalized_and_unknown() {
    let app = spawn_app().await;
    let url = "https://cojustice.example/release";
    let v1 = app
        .ingest_ok(&statement(url, ORIGINAL), StatusCode::CREATED)
        .await;
    let v2 = app.ingest_ok(&statement(url, EDITED), StatusCode::CREATED).await;

    let current = verify(&app, &json!({"content": EDITED})).await;
    assert_eq!(current["verdict"], "current");
    assert_eq!(
        current["summary"],
        "current at 1 statement holding this text: the current wording at https://cojustice.example/release (version 2)"
    );
    assert_eq!(current["statements"][0]["verdict"], "current");
    assert_eq!(current["sha256"], independent_sha256(EDITED.as_bytes()));
    assert_eq!(current["matches"][0]["version"], 2);
    assert_eq!(current["matches"][0]["replaced_by"], Value::Null);
    assert_eq!(current["normalized_sha256"], v2["normalized_sha256"]);

    let old = verify(&app, &json!({"content": ORIGINAL})).await;
    assert_eq!(old["verdict"], "superseded");
    let found = &old["matches"][0];
    assert_eq!(found["version"], 1);
    assert_eq!(found["latest_version"], 2);
    assert_eq!(found["replaced_by"]["version"], 2);
    assert_eq!(found["replaced_by"]["ingested_at"], v2["ingested_at"]);
    assert_eq!(found["replaced_by"]["changed"], json!(["content"]));
    assert!(found["replaced_by"]["summary"]
        .as_str()
        .unwrap()
        .contains("version 2"));
    assert_eq!(found["proof_bundle"]["version"], v1);

    // Re-wrapped, curly quotes, an en dash: the same text once normalized.
    let retyped = "DENVER – The coalition filed suit today. “No contract can rewrite the\nFourth \
                   Amendment,” said Maria Delgado.";
    let normalized = verify(&app, &json!({"content": retyped})).await;
    assert_eq!(normalized["verdict"], "normalized_match");
    assert_eq!(normalized["normalization"], "norm-v1");
    assert_eq!(normalized["matches"][0]["version"], 1);
    assert_eq!(normalized["matches"][0]["verdict"], "normalized_match");
    assert_eq!(normalized["normalized_sha256"], v1["normalized_sha256"]);

    assert_eq!(
        normalized["statements"][0]["current"], false,
        "version 2 changed the text"
    );

    let unknown = verify(&app, &json!({"content": "Something nobody registered."})).await;
    assert_eq!(unknown["verdict"], "unknown");
    assert_eq!(unknown["statements"], json!([]));
    assert_eq!(unknown["summary"], "not in the registry");
    assert_eq!(unknown["matches"], json!([]));

    let by_hash = verify(&app, &json!({"sha256": independent_sha256(ORIGINAL.as_bytes())})).await;
    assert_eq!(by_hash["verdict"], "superseded");
    assert_eq!(by_hash["normalized_sha256"], Value::Null);
}

#[tokio::test]
async fn the_raw_document_can_be_sent_as_it_is() {
    let app = spawn_app().await;
    let url = "https://cojustice.example/release";
    app.ingest_ok(&statement(url, ORIGINAL), StatusCode::CREATED)
        .await;
    let response = app
        .post_raw(
            &format!("/v1/verify?source_url={url}"),
            "text/plain; charset=utf-8",
            ORIGINAL,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["verdict"], "current");
    assert_eq!(answer["claimed_source"]["verdict"], "current");
    assert_eq!(answer["claimed_source"]["registered"], true);

    let html = "<html><body><nav>Home | News</nav><p>DENVER — The coalition filed suit today.</p>\
                <p>\"No contract can rewrite the Fourth Amendment,\" said Maria Delgado.</p></body></html>";
    let response = app.post_raw("/v1/verify", "text/html", html).await;
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["verdict"], "normalized_match", "{answer}");

    let pdf = app.post_raw("/v1/verify", "application/pdf", "%PDF-1.7").await;
    assert_problem(pdf, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type").await;
    let latin1 = app
        .post_raw("/v1/verify", "text/plain", vec![0xE9_u8, 0x20, 0x61])
        .await;
    assert_problem(latin1, StatusCode::UNPROCESSABLE_ENTITY, "body").await;
}

#[tokio::test]
async fn every_statement_holding_the_text_is_listed_and_the_claimed_one_is_judged() {
    let app = spawn_app().await;
    let first = app
        .ingest_ok(
            &statement("https://cojustice.example/release", ORIGINAL),
            StatusCode::CREATED,
        )
        .await;
    let syndicated = app
        .ingest_ok(
            &statement("https://faith.example/repost", ORIGINAL),
            StatusCode::CREATED,
        )
        .await;
    app.ingest_ok(
        &statement("https://faith.example/repost", EDITED),
        StatusCode::CREATED,
    )
    .await;

    let answer = verify(
        &app,
        &json!({"content": ORIGINAL, "source_url": "https://faith.example/repost"}),
    )
    .await;
    // Current at the release's own URL, edited at the repost: the headline must not say
    // "current", and says where the wording moved on.
    assert_eq!(answer["verdict"], "superseded", "{answer}");
    let statements = answer["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{answer}");
    let standing = |id: &Value| {
        statements
            .iter()
            .find(|standing| &standing["statement_id"] == id)
            .unwrap()
            .clone()
    };
    let at_release = standing(&first["statement_id"]);
    assert_eq!(
        (
            &at_release["verdict"],
            &at_release["current"],
            &at_release["versions"],
            &at_release["replaced_by"]
        ),
        (&json!("current"), &json!(true), &json!([1]), &Value::Null)
    );
    let at_repost = standing(&syndicated["statement_id"]);
    assert_eq!(
        (
            &at_repost["verdict"],
            &at_repost["current"],
            &at_repost["latest_version"]
        ),
        (&json!("superseded"), &json!(false), &json!(2))
    );
    assert_eq!(at_repost["replaced_by"]["version"], 2);
    let summary = answer["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("superseded at 1 of 2 statements holding this text: a superseded wording at https://faith.example/repost (version 1; replaced by version 2, ingested ")
            && summary.ends_with("the current wording at https://cojustice.example/release (version 1)"),
        "{summary}"
    );
    let matched: Vec<(Value, Value)> = answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|found| (found["statement_id"].clone(), found["verdict"].clone()))
        .collect();
    assert_eq!(matched.len(), 2);
    assert!(matched.contains(&(first["statement_id"].clone(), json!("current"))));
    assert!(matched.contains(&(syndicated["statement_id"].clone(), json!("superseded"))));
    assert_eq!(
        answer["claimed_source"]["statement_id"],
        syndicated["statement_id"]
    );
    assert_eq!(answer["claimed_source"]["verdict"], "superseded");

    let elsewhere = verify(
        &app,
        &json!({"content": ORIGINAL, "source_url": "https://other.example/x"}),
    )
    .await;
    assert_eq!(elsewhere["claimed_source"]["registered"], false);
    assert_eq!(elsewhere["claimed_source"]["verdict"], "unknown");
}

#[tokio::test]
async fn each_match_carries_a_proof_bundle_the_cli_accepts() {
    let app = spawn_app().await;
    app.ingest_ok(
        &statement("https://cojustice.example/release", ORIGINAL),
        StatusCode::CREATED,
    )
    .await;
    let answer = verify(&app, &json!({"content": ORIGINAL})).await;
    let bundle = &answer["matches"][0]["proof_bundle"];
    assert_eq!(bundle["format"], "provenance-proof-bundle/1");
    let dir = tempfile::tempdir().unwrap();
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, bundle.to_string()).unwrap();
    let key = app.get("/v1/log/key").await.text().await.unwrap();
    let output = std::process::Command::new(crate::common::binary())
        .arg("verify-bundle")
        .arg(&bundle_path)
        .args(["--key", key.trim()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn bad_verifications_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let cases = [
        (json!({}), "content"),
        (json!({"sha256": "abc"}), "sha256"),
        (json!({"content": "Text", "sha256": "0".repeat(64)}), "sha256"),
        (
            json!({"content": "Text", "source_url": "not a url"}),
            "source_url",
        ),
        (
            json!({"content": "Text", "content_type": "application/pdf"}),
            "content_type",
        ),
        (json!({"content": "Text", "version": 1}), "version"),
    ];
    for (body, field) in cases {
        let response = app.post_json_anonymously("/v1/verify", &body).await;
        assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
}
