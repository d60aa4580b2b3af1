//! Bulk ingest (`POST /v1/statements/batch`): every line is answered as `POST /v1/statements`
//! would answer it, in order; a bad line refuses only itself; lines of one statement become
//! its versions in line order; a batch too large, of the wrong type, or that never arrives
//! whole stores nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Write;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, statement, TestApp};

const NDJSON: &str = "application/x-ndjson";

/// The NDJSON body of `lines`.
fn ndjson(lines: &[Value]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// Posts `body` as a batch, expects 200 and NDJSON, and returns the result lines.
async fn batch_raw(app: &TestApp, body: String) -> Vec<Value> {
    let response = app.post_raw("/v1/statements/batch", NDJSON, body).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], NDJSON);
    let text = response.text().await.expect("a body");
    text.lines()
        .map(|line| serde_json::from_str(line).expect("each result line is JSON"))
        .collect()
}

async fn batch(app: &TestApp, lines: &[Value]) -> Vec<Value> {
    batch_raw(app, ndjson(lines)).await
}

fn statuses(results: &[Value]) -> Vec<u64> {
    results.iter().map(|r| r["status"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn good_bad_and_repeated_lines_are_each_answered_in_order() {
    let app = spawn_app().await;
    let first = statement("https://batch.example/1", "MIAMI — The first statement.");
    let body = [
        ndjson(std::slice::from_ref(&first)),
        ndjson(&[json!({"source_url": "ftp://batch.example/2", "content": "Refused."})]),
        "{\"source_url\": \"https://batch.example/3\", \"content\": \n".to_owned(),
        ndjson(std::slice::from_ref(&first)),
        ndjson(&[json!({"source_url": "https://batch.example/4", "content": "Four.", "extra": 1})]),
        ndjson(&[statement(
            "https://batch.example/5",
            "MIAMI — The fifth statement.",
        )]),
    ]
    .concat();
    let results = batch_raw(&app, body).await;
    assert_eq!(statuses(&results), [201, 422, 400, 200, 422, 201], "{results:#?}");
    let lines: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6]);
    assert_eq!(results[1]["problem"]["field"], "source_url");
    assert_eq!(results[2]["problem"]["field"], "body");
    assert_eq!(
        results[3]["version"], results[0]["version"],
        "the repeat is the same version"
    );
    for ok in [&results[0], &results[5]] {
        let location = ok["location"].as_str().unwrap();
        assert_eq!(app.get_json(location).await, ok["version"], "{location}");
        assert!(ok.get("problem").is_none());
    }
    for refused in [&results[1], &results[2], &results[4]] {
        assert!(refused.get("version").is_none() && refused.get("location").is_none());
        assert_eq!(refused["problem"]["status"], refused["status"]);
    }
    assert_eq!(app.statement_count().await, 2, "the refused lines stored nothing");
    assert_eq!(app.store().log_size().unwrap(), 2);
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_line_is_refused_with_the_problem_a_single_ingest_gets() {
    let app = spawn_app().await;
    let requests = [
        json!({"source_url": "https://batch.example/x"}),
        json!({"source_url": "https://batch.example/x", "content": "Text.", "sha256": "00".repeat(32)}),
        json!({"source_url": "https://batch.example/x", "content": "Text.", "published_at": "yesterday"}),
        json!(["not", "an", "object"]),
    ];
    let results = batch(&app, &requests).await;
    for (request, result) in requests.iter().zip(&results) {
        let single: Value = app.ingest(request).await.json().await.unwrap();
        assert_eq!(result["problem"], single, "{request}");
    }
    assert_eq!(app.store().log_size().unwrap(), 0);
}

#[tokio::test]
async fn lines_of_one_statement_become_its_versions_in_line_order() {
    let app = spawn_app().await;
    let url = "https://batch.example/same";
    let texts: Vec<String> = (1..=5).map(|n| format!("MIAMI — Revision {n}.")).collect();
    let mut lines: Vec<Value> = texts.iter().map(|text| statement(url, text)).collect();
    lines.insert(2, statement("https://batch.example/other", "Another statement."));
    lines.push(statement(url, &texts[4]));
    let results = batch(&app, &lines).await;
    assert_eq!(statuses(&results), [201, 201, 201, 201, 201, 201, 200]);
    let versions: Vec<u64> = results
        .iter()
        .map(|r| r["version"]["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 1, 3, 4, 5, 5]);
    for (n, text) in texts.iter().enumerate() {
        let result = &results[if n < 2 { n } else { n + 1 }];
        let content = app
            .get(&format!("{}/content", result["location"].as_str().unwrap()))
            .await;
        assert_eq!(content.text().await.unwrap(), *text);
    }
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_batch_over_the_limits_is_refused_whole() {
    let app = spawn_app().await;
    let line = statement("https://batch.example/many", "Text.");
    let too_many = ndjson(&vec![line.clone(); provenance::api::MAX_BATCH_LINES + 1]);
    let response = app.post_raw("/v1/statements/batch", NDJSON, too_many).await;
    let problem = assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "body").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("1000 lines"),
        "{problem}"
    );

    let filler = "x".repeat(provenance::api::MAX_BATCH_BYTES);
    let too_big = ndjson(&[statement("https://batch.example/big", &filler)]);
    let response = app.post_raw("/v1/statements/batch", NDJSON, too_big).await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "body").await;
    assert_eq!(app.store().log_size().unwrap(), 0);
}

#[tokio::test]
async fn a_line_over_the_single_ingest_limit_is_refused_alone() {
    let app = spawn_app_with(|settings| settings.max_body_bytes = 1000).await;
    let long = statement("https://batch.example/long", &"word ".repeat(300));
    let short = statement("https://batch.example/short", "MIAMI — Short.");
    let results = batch(&app, &[long, short]).await;
    assert_eq!(statuses(&results), [413, 201]);
    assert_eq!(results[0]["problem"]["field"], "body");
}

#[tokio::test]
async fn wrong_media_type_empty_body_and_keys_are_checked_first() {
    let app = spawn_app().await;
    let body = ndjson(&[statement("https://batch.example/t", "Text.")]);
    let response = app
        .post_raw("/v1/statements/batch", "application/json", body.clone())
        .await;
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type").await;
    let response = app.post_raw("/v1/statements/batch", NDJSON, "\n").await;
    assert_problem(response, StatusCode::BAD_REQUEST, "body").await;
    let anonymous = app
        .client
        .post(format!("{}/v1/statements/batch", app.address))
        .header("content-type", NDJSON)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "Authorization").await;
    let reader = app.key("batch-reader", provenance::domain::Role::Reader);
    let refused = app
        .client
        .post(format!("{}/v1/statements/batch", app.address))
        .bearer_auth(reader)
        .header("content-type", NDJSON)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_problem(refused, StatusCode::FORBIDDEN, "Authorization").await;
    assert_eq!(app.store().log_size().unwrap(), 0);
}

#[tokio::test]
async fn a_body_cut_off_half_way_stores_nothing() {
    let app = spawn_app().await;
    let lines: Vec<Value> = (0..20)
        .map(|n| statement(&format!("https://batch.example/cut/{n}"), "MIAMI — A statement."))
        .collect();
    let body = ndjson(&lines);
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = std::net::TcpStream::connect(&address).unwrap();
    write!(
        socket,
        "POST /v1/statements/batch HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: {NDJSON}\r\nContent-Length: {}\r\n\r\n",
        app.token,
        body.len()
    )
    .unwrap();
    // Ten whole lines, then the client goes away.
    let half: String = body.lines().take(10).map(|line| format!("{line}\n")).collect();
    socket.write_all(half.as_bytes()).unwrap();
    socket.flush().unwrap();
    socket.shutdown(std::net::Shutdown::Both).unwrap();
    drop(socket);
    // Give the service time to see the closed connection, then check with a batch of its own.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let results = batch(&app, &[statement("https://batch.example/after", "After.")]).await;
    assert_eq!(statuses(&results), [201]);
    assert_eq!(app.store().log_size().unwrap(), 1, "nothing of the cut-off batch");
    assert_eq!(app.statement_count().await, 1);
}
