//! Concurrent writers never lose, duplicate or skip a version number.

use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

use crate::helpers::{spawn_app, statement};

const CLIENTS: usize = 16;
const POSTS_PER_CLIENT: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_posts_to_one_statement_make_contiguous_versions() {
    let app = std::sync::Arc::new(spawn_app().await);
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut versions = Vec::new();
            for post in 0..POSTS_PER_CLIENT {
                let body = statement(
                    "https://example.org/contested",
                    &format!("client {client}, edit {post}"),
                );
                let record = app.ingest_ok(&body, StatusCode::CREATED).await;
                versions.push(record["version"].as_u64().unwrap());
            }
            versions
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.extend(task.await.unwrap());
    }
    let total = (CLIENTS * POSTS_PER_CLIENT) as u64;
    let unique: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(numbers.len() as u64, total);
    assert_eq!(unique, (1..=total).collect(), "every number once, none skipped");

    let id = crate::helpers::id_of(&app, "https://example.org/contested").await;
    let statement = app.get_json(&format!("/v1/statements/{id}")).await;
    assert_eq!(statement["version_count"], total);
    let versions = app
        .get_json(&format!("/v1/statements/{id}/versions?limit=200"))
        .await;
    let listed: Vec<u64> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, (1..=total).collect::<Vec<_>>());
    app.assert_store_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_identical_posts_make_one_version() {
    let app = std::sync::Arc::new(spawn_app().await);
    let body = json!({"source_url": "https://example.org/same", "content": "Identical", "title": "Same"});
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let app = app.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move { app.ingest(&body).await.status() }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CREATED).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        CLIENTS - 1,
        "{statuses:?}"
    );
    app.assert_store_consistent();
}
