//! The real statements of the shared corpus (`../shared/corpus/seeds`, or `PROVENANCE_CORPUS`):
//! each is ingested, and what is stored and served hashes as an independent tool says.

use reqwest::StatusCode;
use serde_json::json;
use std::path::PathBuf;

use crate::helpers::{independent_sha256, spawn_app};

pub use crate::common::corpus_dir;

#[tokio::test]
async fn every_seed_is_stored_and_served_intact() {
    let app = spawn_app().await;
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "expected the five seeds, found {}", seeds.len());

    for seed in &seeds {
        let bytes = std::fs::read(seed).unwrap();
        let text = String::from_utf8(bytes.clone()).expect("seeds are UTF-8");
        let name = seed.file_name().unwrap().to_str().unwrap();
        let expected = independent_sha256(&bytes);
        let body = json!({"source_url": format!("https://corpus.example/{name}"), "content": text, "sha256": expected});
        let record = app.ingest_ok(&body, StatusCode::CREATED).await;
        assert_eq!(record["sha256"], expected, "{name}");
        assert_eq!(record["content_length"], bytes.len(), "{name}");

        let content_path = format!(
            "/v1/statements/{}/versions/1/content",
            record["statement_id"].as_str().unwrap()
        );
        let served = app.get(&content_path).await.bytes().await.unwrap();
        assert_eq!(served.as_ref(), bytes.as_slice(), "{name} served byte for byte");
        let by_hash = app.get_json(&format!("/v1/hashes/{expected}")).await;
        assert_eq!(
            by_hash["items"][0]["statement_id"], record["statement_id"],
            "{name}"
        );
        app.ingest_ok(&body, StatusCode::OK).await;
    }
    assert_eq!(app.statement_count().await, seeds.len());
    app.assert_store_consistent();
}
