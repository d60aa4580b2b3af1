//! Who may write: the whole auth matrix on every write endpoint, keys created, listed and
//! revoked (through the API and the CLI), `ingested_by`, private reads, rate limits, CORS and
//! the body timeout. Every refusal is a problem document and changes nothing.

use provenance::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, statement, TestApp};

/// Sends `method path` with `body` and `token` (if any).
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn every_write_endpoint_checks_the_key_and_role() {
    let app = spawn_app().await;
    let reader = app.key("reader", Role::Reader);
    let writer = app.key("writer", Role::Writer);
    let admin = app.key("admin", Role::Admin);
    let revoked = app.key("revoked", Role::Admin);
    let revoke = send(&app, Method::DELETE, "/v1/keys/revoked", Some(&admin), None).await;
    assert_eq!(revoke.status(), StatusCode::OK);
    let forged = format!("{}x", &writer[..writer.len() - 1]);

    let endpoints: Vec<(Method, &str, Option<Value>, Role)> = vec![
        (
            Method::POST,
            "/v1/statements",
            Some(statement("https://example.org/auth", "x")),
            Role::Writer,
        ),
        (
            Method::POST,
            "/v1/keys",
            Some(json!({"name": "made", "role": "reader"})),
            Role::Admin,
        ),
        (Method::GET, "/v1/keys", None, Role::Admin),
        (Method::DELETE, "/v1/keys/reader", None, Role::Admin),
    ];
    for (method, path, body, needed) in &endpoints {
        let refusals: Vec<(&str, Option<&str>, StatusCode)> = vec![
            ("no key", None, StatusCode::UNAUTHORIZED),
            ("forged key", Some(&forged), StatusCode::UNAUTHORIZED),
            ("not a token", Some("hunter2"), StatusCode::UNAUTHORIZED),
            ("revoked key", Some(&revoked), StatusCode::UNAUTHORIZED),
            ("reader key", Some(&reader), StatusCode::FORBIDDEN),
        ];
        let mut cases = refusals;
        if *needed == Role::Admin {
            cases.push(("writer key", Some(&writer), StatusCode::FORBIDDEN));
        }
        for (case, token, status) in cases {
            let response = send(&app, method.clone(), path, token, body.clone()).await;
            if status == StatusCode::UNAUTHORIZED {
                assert_eq!(
                    response.headers()["www-authenticate"],
                    "Bearer realm=\"provenance\"",
                    "{case} {method} {path}"
                );
            }
            assert_problem(response, status, "Authorization").await;
        }
    }
    assert_eq!(app.statement_count().await, 0, "no refused write stored anything");
    let keys: Value = send(&app, Method::GET, "/v1/keys", Some(&admin), None)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["admin", "reader", "revoked", "test-writer", "writer"],
        "no refused key change happened"
    );

    // The allowed calls succeed, and the version records who ingested it.
    let created = send(
        &app,
        Method::POST,
        "/v1/statements",
        Some(&writer),
        endpoints[0].2.clone(),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["ingested_by"], "writer");
    let by_admin = send(
        &app,
        Method::POST,
        "/v1/statements",
        Some(&admin),
        Some(statement("https://example.org/auth", "y")),
    )
    .await;
    assert_eq!(by_admin.json::<Value>().await.unwrap()["ingested_by"], "admin");
    app.assert_store_consistent();
}

#[tokio::test]
async fn keys_are_created_once_listed_without_secrets_and_revoked_at_once() {
    let app = spawn_app().await;
    let admin = app.key("admin", Role::Admin);
    let created = send(
        &app,
        Method::POST,
        "/v1/keys",
        Some(&admin),
        Some(json!({"name": "desk", "role": "writer"})),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("pvk_"));
    assert_eq!(created["role"], "writer");

    let listed = send(&app, Method::GET, "/v1/keys", Some(&admin), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!listed.contains(&token[21..]), "the list never shows a secret");
    assert!(!listed.contains("token") && !listed.contains("secret"));

    let ok = send(
        &app,
        Method::POST,
        "/v1/statements",
        Some(&token),
        Some(statement("https://example.org/k", "1")),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let listed: Value = send(&app, Method::GET, "/v1/keys", Some(&admin), None)
        .await
        .json()
        .await
        .unwrap();
    let desk = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "desk")
        .unwrap()
        .clone();
    assert!(desk["last_used_at"].is_string(), "{desk}");

    let taken = send(
        &app,
        Method::POST,
        "/v1/keys",
        Some(&admin),
        Some(json!({"name": "desk", "role": "admin"})),
    )
    .await;
    assert_problem(taken, StatusCode::CONFLICT, "").await;
    let invalid = send(
        &app,
        Method::POST,
        "/v1/keys",
        Some(&admin),
        Some(json!({"name": "Desk Two", "role": "root"})),
    )
    .await;
    let problem = assert_problem(invalid, StatusCode::UNPROCESSABLE_ENTITY, "name").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);

    let revoked = send(&app, Method::DELETE, "/v1/keys/desk", Some(&admin), None).await;
    assert!(revoked.json::<Value>().await.unwrap()["revoked_at"].is_string());
    let refused = send(
        &app,
        Method::POST,
        "/v1/statements",
        Some(&token),
        Some(statement("https://example.org/k", "2")),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(&app, Method::DELETE, "/v1/keys/nobody", Some(&admin), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn reads_can_require_a_key() {
    let app = spawn_app_with(|settings| settings.reads_need_key = true).await;
    let reader = app.key("reader", Role::Reader);
    assert_problem(
        app.get("/v1/statements").await,
        StatusCode::UNAUTHORIZED,
        "Authorization",
    )
    .await;
    let with_key = send(&app, Method::GET, "/v1/statements", Some(&reader), None).await;
    assert_eq!(with_key.status(), StatusCode::OK);
    for open in ["/healthz", "/openapi.json", "/docs/"] {
        assert_eq!(app.get(open).await.status(), StatusCode::OK, "{open} stays open");
    }
    let public = spawn_app().await;
    assert_eq!(
        public.get("/v1/statements").await.status(),
        StatusCode::OK,
        "reads are public by default"
    );
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = spawn_app_with(|settings| {
        settings.rate_limit_ip = 1;
        settings.rate_limit_key = 1;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.get("/v1/statements").await);
    }
    let limited = statuses
        .into_iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .expect("a 429 within 6 reads");
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "").await;
    let mut key_statuses = Vec::new();
    for n in 0..6 {
        key_statuses.push(
            app.ingest(&statement(&format!("https://example.org/r{n}"), "x"))
                .await
                .status(),
        );
    }
    assert!(
        key_statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{key_statuses:?}"
    );
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_allowed() {
    let preflight = |app: &TestApp, origin: &str| {
        app.client
            .request(Method::OPTIONS, format!("{}/v1/statements", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let closed = spawn_app().await;
    let response = preflight(&closed, "https://newsroom.example").await.unwrap();
    assert!(response.headers().get("access-control-allow-origin").is_none());
    let open =
        spawn_app_with(|settings| settings.cors_origins = vec!["https://newsroom.example".into()]).await;
    let allowed = preflight(&open, "https://newsroom.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://newsroom.example"
    );
    let other = preflight(&open, "https://elsewhere.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_body_that_stalls_gets_408() {
    let app = spawn_app_with(|settings| settings.body_timeout_secs = 1).await;
    let chunks = futures_util::stream::unfold(0, |sent| async move {
        if sent == 0 {
            Some((Ok::<_, std::io::Error>(b"{\"source_url\": ".to_vec()), 1))
        } else {
            tokio::time::sleep(Duration::from_secs(3)).await;
            None
        }
    });
    let response = app
        .post_raw(
            "/v1/statements",
            "application/json",
            reqwest::Body::wrap_stream(chunks),
        )
        .await;
    assert_problem(response, StatusCode::REQUEST_TIMEOUT, "body").await;
    assert_eq!(app.statement_count().await, 0);
}

#[tokio::test]
async fn the_keys_command_works_offline_then_through_the_service() {
    let data = tempfile::tempdir().unwrap();
    let admin = crate::common::create_key(data.path(), "first-admin", "admin");
    assert!(admin.starts_with("pvk_"));
    let (mut child, address) = crate::common::start(data.path());
    let keys = |args: &[&str]| {
        let output = std::process::Command::new(crate::common::binary())
            .arg("keys")
            .args(args)
            .args(["--server", &address, "--admin-key", &admin])
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let (ok, text) = keys(&["create", "--name", "desk", "--role", "writer"]);
    assert!(ok, "{text}");
    let (ok, text) = keys(&["list"]);
    assert!(
        ok && text.contains("desk") && text.contains("first-admin"),
        "{text}"
    );
    let (ok, text) = keys(&["revoke", "desk"]);
    assert!(ok, "{text}");
    let (ok, text) = keys(&["revoke", "nobody"]);
    assert!(!ok && text.contains("404"), "{text}");
    let offline = std::process::Command::new(crate::common::binary())
        .args(["keys", "list", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!offline.status.success(), "the folder is in use by the service");
    assert!(
        String::from_utf8_lossy(&offline.stderr).contains("--server"),
        "the error says what to do instead"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
