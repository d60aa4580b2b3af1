//! Refused keys: what the answer says (a malformed key, an unknown one, another scheme; the
//! scheme's case does not matter), that an address presenting bad keys is throttled, and
//! that every refusal (401, 403, 429) is logged with the key id and never the secret.

use provenance::domain::Role;
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::common;
use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_refused_key_is_told_why_and_the_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    let reader = app.key("reader", Role::Reader);
    let unknown = format!("pvk_{}_{}", "0".repeat(16), "A".repeat(43));
    let cases = [
        ("Bearer garbage".to_owned(), "the API key is malformed"),
        (format!("Bearer {unknown}"), "the API key is unknown or revoked"),
        (format!("Basic {reader}"), "must use the Bearer scheme"),
        (reader.clone(), "must use the Bearer scheme"),
    ];
    for (header, expected) in &cases {
        let response = app
            .client
            .get(format!("{}/v1/keys", app.address))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, StatusCode::UNAUTHORIZED, "Authorization").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(expected), "{header}: {detail}");
    }
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .client
            .get(format!("{}/v1/statements", app.address))
            .header("authorization", format!("{scheme} {reader}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn an_address_that_keeps_sending_bad_keys_is_throttled() {
    let app = spawn_app_with(|settings| settings.rate_limit_ip = 100_000).await;
    let writer = app.token.clone();
    let mut statuses = Vec::new();
    for n in 0..600 {
        let response = app
            .client
            .get(format!("{}/v1/statements", app.address))
            .bearer_auth(format!("pvk_{n:016x}_{}", "A".repeat(43)))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    let unauthorized = statuses
        .iter()
        .take_while(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(unauthorized, 20, "the first 20 bad keys get 401: {statuses:?}");
    assert!(
        statuses[20..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "then 429"
    );
    let throttled = app
        .client
        .get(format!("{}/v1/statements", app.address))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap();
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(throttled, StatusCode::TOO_MANY_REQUESTS, "").await;
    assert_eq!(
        app.get("/v1/statements").await.status(),
        StatusCode::OK,
        "reads without a key go on"
    );
    let unthrottled = spawn_app().await; // no per-address limit: no throttle (one proxy, many clients)
    for _ in 0..30 {
        let response = unthrottled
            .client
            .get(format!("{}/v1/statements", unthrottled.address))
            .bearer_auth("pvk_bad")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn refusals_are_logged_with_the_key_id_and_never_the_secret() {
    let folder = tempfile::tempdir().unwrap();
    let data_dir = folder.path().join("data");
    let reader = common::create_key(&data_dir, "desk", "reader");
    let mut args = common::serve_args(&data_dir);
    let limit = args.iter().position(|arg| arg == "--rate-limit-ip").unwrap() + 1;
    args[limit] = "1".to_owned();
    let mut command = Command::new(common::binary());
    command
        .args(args)
        .env("PROVENANCE_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = command.spawn().unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = stderr.next().expect("the service starts").unwrap();
        if let Some((_, rest)) = line.split_once("listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let collected = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in stderr.map_while(Result::ok) {
            collected.lock().unwrap().push(line);
        }
    });
    let client = reqwest::Client::new();
    let forged = format!("{}x", &reader[..reader.len() - 1]);
    // A token is `pvk_<key id>_<secret>`, and the secret's base64url may itself hold `_`.
    let secret_of = |token: &str| token.splitn(3, '_').nth(2).unwrap().to_owned();
    let forged_secret = secret_of(&forged);
    let key_id = reader.split('_').nth(1).unwrap().to_owned();
    let refused = client
        .get(format!("{address}/v1/statements"))
        .bearer_auth(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let forbidden = client
        .get(format!("{address}/v1/keys"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let mut limited = false;
    for _ in 0..10 {
        let response = client.get(format!("{address}/v1/log/key")).send().await.unwrap();
        limited |= response.status() == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "a 429 within 10 anonymous reads at 1/s");
    // The log is written as the requests are answered; give the reader thread a moment.
    let wanted = |lines: &[String]| {
        let refusals: Vec<&String> = lines.iter().filter(|l| l.contains("request refused")).collect();
        let has = |status: &str| refusals.iter().any(|l| l.contains(&format!("status={status}")));
        has("401") && has("403") && has("429")
    };
    for _ in 0..100 {
        if wanted(&lines.lock().unwrap()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let lines = lines.lock().unwrap();
    assert!(wanted(&lines), "401, 403 and 429 are logged: {lines:#?}");
    let unauthorized = lines
        .iter()
        .find(|l| l.contains("request refused") && l.contains("status=401"))
        .unwrap();
    assert!(unauthorized.contains(&key_id), "{unauthorized}");
    assert!(unauthorized.contains("unknown or revoked"), "{unauthorized}");
    for line in lines.iter() {
        assert!(!line.contains(&forged_secret), "a secret in the log: {line}");
        assert!(!line.contains(&secret_of(&reader)), "a secret in the log: {line}");
    }
}
