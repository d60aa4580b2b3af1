//! The SHA-1 digest web archives name content by: computed at ingest, served on the record,
//! and accepted by `GET /v1/hashes/{digest}` and `POST /v1/verify`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, statement};

/// Base32 SHA-1 computed by Python's hashlib, independently of the service.
pub fn independent_sha1(bytes: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import sys, hashlib, base64; \
             print(base64.b32encode(hashlib.sha1(sys.stdin.buffer.read()).digest()).decode())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is installed");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[tokio::test]
async fn every_version_has_the_sha1_of_its_bytes_and_can_be_found_by_it() {
    let app = spawn_app().await;
    let content = "Déclaration — “quoted” text\nwith two lines.";
    let record = app
        .ingest_ok(&statement("https://example.org/a", content), StatusCode::CREATED)
        .await;
    let expected = independent_sha1(content.as_bytes());
    assert_eq!(record["sha1"], expected.as_str());
    // The same text at a second URL: both versions are found by either digest.
    app.ingest_ok(&statement("https://example.org/b", content), StatusCode::CREATED)
        .await;
    let id = record["statement_id"].as_str().unwrap();
    let stored = app.get_json(&format!("/v1/statements/{id}/versions/1")).await;
    assert_eq!(stored["sha1"], expected.as_str());

    for form in [
        expected.clone(),
        expected.to_lowercase(),
        format!("sha1:{expected}"),
        format!("SHA1:{}", expected.to_lowercase()),
    ] {
        let found = app.get_json(&format!("/v1/hashes/{form}")).await;
        assert_eq!(found["sha1"], expected.as_str(), "{form}");
        assert_eq!(found["sha256"], serde_json::Value::Null);
        let urls: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["source_url"].as_str().unwrap())
            .collect();
        assert_eq!(urls.len(), 2, "{form}: {found}");
        assert!(urls.contains(&"https://example.org/a") && urls.contains(&"https://example.org/b"));
    }
    let by_sha256 = app
        .get_json(&format!("/v1/hashes/{}", record["sha256"].as_str().unwrap()))
        .await;
    assert_eq!(by_sha256["sha256"], record["sha256"]);
    assert_eq!(by_sha256["items"].as_array().unwrap().len(), 2);
    let unknown = app
        .get_json(&format!("/v1/hashes/{}", independent_sha1(b"never ingested")))
        .await;
    assert_eq!(unknown["items"], json!([]));
    for bad in ["sha1:abc", "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE1", "sha256:0"] {
        assert_problem(
            app.get(&format!("/v1/hashes/{bad}")).await,
            StatusCode::BAD_REQUEST,
            "digest",
        )
        .await;
    }
    app.assert_store_consistent();
}

#[tokio::test]
async fn verify_accepts_a_sha1() {
    let app = spawn_app().await;
    let content = "A statement to verify by its Wayback digest.";
    let record = app
        .ingest_ok(&statement("https://example.org/v", content), StatusCode::CREATED)
        .await;
    let sha1 = independent_sha1(content.as_bytes());
    let verified: serde_json::Value = app
        .post_json_anonymously("/v1/verify", &json!({"sha1": format!("sha1:{sha1}")}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verified["verdict"], "current", "{verified}");
    assert_eq!(verified["sha256"], record["sha256"]);

    let unknown: serde_json::Value = app
        .post_json_anonymously("/v1/verify", &json!({"sha1": independent_sha1(b"other")}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["verdict"], "unknown", "{unknown}");
    assert_eq!(unknown["sha256"], serde_json::Value::Null);

    let with_content: serde_json::Value = app
        .post_json_anonymously("/v1/verify", &json!({"content": content, "sha1": sha1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(with_content["verdict"], "current", "{with_content}");
    let mismatch = app
        .post_json_anonymously(
            "/v1/verify",
            &json!({"content": content, "sha1": independent_sha1(b"other")}),
        )
        .await;
    assert_problem(mismatch, StatusCode::UNPROCESSABLE_ENTITY, "sha1").await;
    let malformed = app
        .post_json_anonymously("/v1/verify", &json!({"sha1": "nope"}))
        .await;
    assert_problem(malformed, StatusCode::UNPROCESSABLE_ENTITY, "sha1").await;
}
