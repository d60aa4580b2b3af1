//! Signed webhooks end to end: the real service delivers to a receiver on loopback, and every
//! delivery is checked by the reference Standard Webhooks library (PyPI `standardwebhooks`).

use provenance::domain::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

use crate::helpers::{assert_problem, spawn_app_with, statement, TestApp};
use crate::origin::{Origin, Page};
use crate::receiver::{Received, Receiver};
use crate::standardwebhooks::verify_all;

const WAIT: Duration = Duration::from_secs(30);

/// A service that may deliver to loopback, retrying after 50 ms (doubling) for `window` s.
async fn delivering_app(window: u64) -> TestApp {
    spawn_app_with(|settings| {
        settings.fetch.fetch_allow_private = true;
        settings.webhook.webhook_retry_base_ms = 50;
        settings.webhook.webhook_retry_window_secs = window;
        settings.watch.watch_min_interval_secs = 1;
        settings.watch.watch_host_delay_ms = 30;
        settings.watch.watch_withdraw_after = 2;
    })
    .await
}

struct Admin<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Admin<'a> {
    fn of(app: &'a TestApp) -> Self {
        Self {
            token: app.key("webhook-admin", Role::Admin),
            app,
        }
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.app
            .client
            .post(format!("{}{path}", self.app.address))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .app
            .client
            .get(format!("{}{path}", self.app.address))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    /// Registers `url` for `events`; returns (id, secret).
    async fn register(&self, url: &str, events: &[&str], filters: Value) -> (String, String) {
        let response = self
            .post(
                "/v1/webhooks",
                &json!({ "url": url, "events": events, "filters": filters }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let created: Value = response.json().await.unwrap();
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"), "{created}");
        let id = created["webhook"]["webhook_id"].as_str().unwrap().to_owned();
        (id, secret)
    }

    async fn deliveries(&self, id: &str) -> Vec<Value> {
        self.get(&format!("/v1/webhooks/{id}/deliveries?limit=200")).await["items"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// Asserts that the library accepts every delivery with `secret`; returns the payloads.
fn verified(secret: &str, received: &[Received]) -> Vec<Value> {
    let deliveries: Vec<_> = received
        .iter()
        .map(|r| (secret, &r.headers, r.body.as_slice()))
        .collect();
    verify_all(&deliveries)
        .into_iter()
        .map(|verdict| {
            assert_eq!(verdict["ok"], true, "{verdict}");
            verdict["payload"].clone()
        })
        .collect()
}

#[tokio::test]
async fn deliveries_verify_with_the_reference_library_and_tampered_ones_do_not() {
    let receiver = Receiver::start().await;
    let app = delivering_app(60).await;
    let admin = Admin::of(&app);
    let (id, secret) = admin
        .register(&receiver.url("/hook"), &["version.created"], json!({}))
        .await;
    let (elsewhere, _) = admin
        .register(
            &receiver.url("/elsewhere"),
            &["version.created"],
            json!({ "source_prefix": "https://elsewhere.example/" }),
        )
        .await;
    let url = "https://www.aclu.org/press-releases/webhook-test";
    app.ingest_ok(&statement(url, "We will act today."), StatusCode::CREATED)
        .await;
    app.ingest_ok(
        &statement(url, "We will act today and tomorrow."),
        StatusCode::CREATED,
    )
    .await;

    let received = receiver.wait("/hook", WAIT, |r| r.len() >= 2).await;
    let payloads = verified(&secret, &received);
    let mut by_version: Vec<_> = payloads.iter().collect();
    by_version.sort_by_key(|p| p["data"]["version"]["version"].as_u64());
    let (first, second) = (by_version[0], by_version[1]);
    assert_eq!(first["type"], "version.created");
    assert_eq!(first["data"]["version"]["source_url"], url);
    assert_eq!(first["data"]["change"], Value::Null);
    assert_eq!(second["data"]["version"]["version"], 2);
    assert!(
        second["data"]["change"]["words_added"].as_u64().unwrap() >= 2,
        "{second}"
    );
    let links = &second["data"]["links"];
    assert!(
        links["diff"].as_str().unwrap().starts_with(&app.address),
        "{links}"
    );
    let content = app
        .client
        .get(links["content"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(content.text().await.unwrap(), "We will act today and tomorrow.");
    for delivery in &received {
        assert!(delivery.header("webhook-id").starts_with("msg_"));
        assert_eq!(delivery.header("content-type"), "application/json");
        assert!(delivery.header("user-agent").starts_with("provenance/"));
    }

    // The library refuses a body changed by one byte, another secret and an old timestamp.
    let original = &received[0];
    let mut tampered = original.body.clone();
    let at = tampered.iter().position(|&b| b == b'W').unwrap();
    tampered[at] = b'w';
    let mut stale = original.headers.clone();
    stale.insert(
        "webhook-timestamp".into(),
        (chrono::Utc::now().timestamp() - 3600).to_string(),
    );
    let other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let verdicts = verify_all(&[
        (secret.as_str(), &original.headers, tampered.as_slice()),
        (other, &original.headers, original.body.as_slice()),
        (secret.as_str(), &stale, original.body.as_slice()),
    ]);
    for verdict in &verdicts {
        assert_eq!(verdict["ok"], false, "{verdict}");
    }

    // The delivery log, and a redelivery with the same id.
    let log = admin.deliveries(&id).await;
    assert_eq!(log.len(), 2, "{log:#?}");
    for entry in &log {
        assert_eq!(entry["outcome"], "delivered");
        assert_eq!(entry["status"], 200);
        assert_eq!(entry["attempt"], 1);
        assert_eq!(entry["type"], "version.created");
    }
    let event = log[0]["event_id"].as_str().unwrap();
    let queued = admin
        .post(
            &format!("/v1/webhooks/{id}/redeliver"),
            &json!({ "event_id": event }),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let again = receiver.wait("/hook", WAIT, |r| r.len() >= 3).await;
    assert_eq!(again[2].header("webhook-id"), event);
    verified(&secret, &again[2..]);

    // The filtered endpoint got nothing: its filter matched neither version.
    assert!(receiver.received("/elsewhere").is_empty());
    assert!(admin.deliveries(&elsewhere).await.is_empty());
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_receiver_that_fails_three_times_gets_the_same_event_on_the_fourth() {
    let receiver = Receiver::start().await;
    receiver.answer("/flaky", &[500, 503, 502]);
    let app = delivering_app(60).await;
    let admin = Admin::of(&app);
    let (id, secret) = admin
        .register(&receiver.url("/flaky"), &["version.created"], json!({}))
        .await;
    app.ingest_ok(
        &statement("https://www.aclu.org/press-releases/flaky", "A statement."),
        StatusCode::CREATED,
    )
    .await;
    let received = receiver.wait("/flaky", WAIT, |r| r.len() >= 4).await;
    let answered: Vec<u16> = received.iter().map(|r| r.answered).collect();
    assert_eq!(answered, [500, 503, 502, 200]);
    let ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    verified(&secret, &received);

    let log = wait_for_log(&admin, &id, 4).await;
    let outcomes: Vec<&str> = log.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["failed", "failed", "failed", "delivered"]);
    let attempts: Vec<u64> = log.iter().map(|e| e["attempt"].as_u64().unwrap()).collect();
    assert_eq!(attempts, [1, 2, 3, 4]);
    assert_eq!(log[0]["status"], 500);
    assert_eq!(
        admin.get(&format!("/v1/webhooks/{id}")).await["failing_since"],
        Value::Null
    );
    app.assert_store_consistent();
}

/// The delivery log of `id` once it has `count` entries (at most 30 s).
async fn wait_for_log(admin: &Admin<'_>, id: &str, count: usize) -> Vec<Value> {
    for _ in 0..600 {
        let log = admin.deliveries(id).await;
        if log.len() >= count {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the delivery log of {id} never had {count} entries: {:#?}",
        admin.deliveries(id).await
    );
}

/// The endpoint once it is disabled (at most 30 s).
async fn wait_until_disabled(admin: &Admin<'_>, id: &str) -> Value {
    for _ in 0..600 {
        let endpoint = admin.get(&format!("/v1/webhooks/{id}")).await;
        if endpoint["enabled"] == false {
            return endpoint;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} was never disabled");
}

#[tokio::test]
async fn gone_unsubscribes_and_failing_for_the_whole_window_disables() {
    let receiver = Receiver::start().await;
    receiver.answer("/gone", &[410]);
    receiver.answer("/down", &[500; 200]);
    let app = delivering_app(1).await;
    let admin = Admin::of(&app);
    let (gone, _) = admin
        .register(&receiver.url("/gone"), &["version.created"], json!({}))
        .await;
    let (down, _) = admin
        .register(&receiver.url("/down"), &["version.created"], json!({}))
        .await;
    let url = "https://www.aclu.org/press-releases/gone";
    app.ingest_ok(&statement(url, "First."), StatusCode::CREATED)
        .await;

    let endpoint = wait_until_disabled(&admin, &gone).await;
    assert!(
        endpoint["disabled_reason"].as_str().unwrap().contains("410"),
        "{endpoint}"
    );
    assert_eq!(admin.deliveries(&gone).await[0]["outcome"], "unsubscribed");
    let endpoint = wait_until_disabled(&admin, &down).await;
    assert!(
        endpoint["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("every delivery failed"),
        "{endpoint}"
    );
    let log = admin.deliveries(&down).await;
    assert!(log.len() >= 2, "{log:#?}");
    assert_eq!(log.last().unwrap()["outcome"], "gave_up");

    // Disabled endpoints get nothing more; enabled again, they get what comes next.
    let (_, _) = admin
        .register(&receiver.url("/probe"), &["version.created"], json!({}))
        .await;
    app.ingest_ok(&statement(url, "Second."), StatusCode::CREATED)
        .await;
    // Once the probe has it, the event was fanned out (to every endpoint in one batch).
    receiver.wait("/probe", WAIT, |r| !r.is_empty()).await;
    let refused = admin
        .post(
            &format!("/v1/webhooks/{gone}/redeliver"),
            &json!({ "event_id": log[0]["event_id"] }),
        )
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "").await;
    let enabled = admin
        .post(&format!("/v1/webhooks/{gone}/enable"), &json!({}))
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    app.ingest_ok(&statement(url, "Third."), StatusCode::CREATED)
        .await;
    let received = receiver.wait("/gone", WAIT, |r| r.len() >= 2).await;
    assert_eq!(
        received.len(),
        2,
        "the version of while it was disabled came: {received:#?}"
    );
    assert_eq!(received[1].json()["data"]["version"]["version"], 3);
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_rotated_secret_and_the_old_one_both_verify_during_the_grace_period() {
    let receiver = Receiver::start().await;
    let app = delivering_app(60).await;
    let admin = Admin::of(&app);
    let (id, old) = admin
        .register(&receiver.url("/rotating"), &["version.created"], json!({}))
        .await;
    let rotated = admin
        .post(
            &format!("/v1/webhooks/{id}/rotate-secret"),
            &json!({ "grace_seconds": 3600 }),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    assert_eq!(rotated.headers()["cache-control"], "no-store");
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(
        rotated["webhook"]["previous_secret_valid_until"].is_string(),
        "{rotated}"
    );
    let url = "https://www.aclu.org/press-releases/rotating";
    app.ingest_ok(&statement(url, "One."), StatusCode::CREATED).await;
    let received = receiver.wait("/rotating", WAIT, |r| !r.is_empty()).await;
    assert_eq!(received[0].header("webhook-signature").split(' ').count(), 2);
    verified(&old, &received);
    verified(&new, &received);

    // Without a grace period the old secret stops at once.
    let rotated: Value = admin
        .post(
            &format!("/v1/webhooks/{id}/rotate-secret"),
            &json!({ "grace_seconds": 0 }),
        )
        .await
        .json()
        .await
        .unwrap();
    let newest = rotated["secret"].as_str().unwrap().to_owned();
    app.ingest_ok(&statement(url, "Two."), StatusCode::CREATED).await;
    let received = receiver.wait("/rotating", WAIT, |r| r.len() >= 2).await;
    verified(&newest, &received[1..]);
    let verdicts = verify_all(&[(new.as_str(), &received[1].headers, received[1].body.as_slice())]);
    assert_eq!(verdicts[0]["ok"], false, "{verdicts:?}");
}

#[tokio::test]
async fn withdrawn_and_restored_statements_are_announced() {
    let origin = Origin::start().await;
    origin.html("/press", "<h1>Statement</h1><p>We will act today.</p>");
    let receiver = Receiver::start().await;
    let app = delivering_app(60).await;
    let admin = Admin::of(&app);
    let (_, secret) = admin
        .register(
            &receiver.url("/withdrawals"),
            &["statement.withdrawn", "statement.restored"],
            json!({}),
        )
        .await;
    let watched = app
        .client
        .post(format!("{}/v1/watches", app.address))
        .bearer_auth(&app.token)
        .json(&json!({ "source_url": origin.url("/press"), "every": "1s" }))
        .send()
        .await
        .unwrap();
    assert_eq!(watched.status(), StatusCode::CREATED);
    let statement_id = watched.json::<Value>().await.unwrap()["statement_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..600 {
        if app.get(&format!("/v1/statements/{statement_id}")).await.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    origin.set("/press", Page::Status(404));
    receiver.wait("/withdrawals", WAIT, |r| !r.is_empty()).await;
    origin.html("/press", "<h1>Statement</h1><p>We will act today.</p>");
    let received = receiver.wait("/withdrawals", WAIT, |r| r.len() >= 2).await;
    let payloads = verified(&secret, &received);
    assert_eq!(payloads[0]["type"], "statement.withdrawn");
    assert_eq!(payloads[0]["data"]["statement_id"], statement_id.as_str());
    assert_eq!(
        payloads[0]["data"]["withdrawal"]["evidence"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(payloads[0]["data"]["version"]["version"], 1);
    assert_eq!(payloads[1]["type"], "statement.restored");
    assert!(payloads[1]["data"]["withdrawal"]["restored_at"].is_string());
    app.assert_store_consistent();
}

#[tokio::test]
async fn endpoints_are_for_admins_and_private_addresses_are_refused() {
    let guarded = spawn_app_with(|_| {}).await;
    let admin = Admin::of(&guarded);
    let refused = admin
        .post(
            "/v1/webhooks",
            &json!({ "url": "http://127.0.0.1:9/hook", "events": ["version.created"] }),
        )
        .await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "url").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("loopback"),
        "{problem}"
    );
    for (body, field) in [
        (json!({ "url": "https://example.org/hook" }), "events"),
        (
            json!({ "url": "https://example.org/hook", "events": ["version.deleted"] }),
            "events",
        ),
        (
            json!({ "url": "https://example.org/hook", "events": [] }),
            "events",
        ),
        (
            json!({ "url": "ftp://example.org/hook", "events": ["version.created"] }),
            "url",
        ),
        (json!({ "events": ["version.created"] }), "url"),
    ] {
        let response = admin.post("/v1/webhooks", &body).await;
        assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
    let writer = guarded
        .client
        .post(format!("{}/v1/webhooks", guarded.address))
        .bearer_auth(&guarded.token)
        .json(&json!({ "url": "https://example.org/hook", "events": ["version.created"] }))
        .send()
        .await
        .unwrap();
    assert_problem(writer, StatusCode::FORBIDDEN, "Authorization").await;
    let listed = admin.get("/v1/webhooks").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "{listed}");

    let (id, _) = admin
        .register("https://example.org/hook", &["version.created"], json!({}))
        .await;
    let listed = admin.get("/v1/webhooks").await;
    assert_eq!(listed["items"][0]["webhook_id"], id.as_str());
    assert!(listed["items"][0].get("secret").is_none(), "{listed}");
    let deleted = guarded
        .client
        .delete(format!("{}/v1/webhooks/{id}", guarded.address))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let missing = guarded
        .client
        .get(format!("{}/v1/webhooks/{id}", guarded.address))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_problem(missing, StatusCode::NOT_FOUND, "").await;
    let malformed = guarded
        .client
        .get(format!("{}/v1/webhooks/not-an-id/deliveries", guarded.address))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_problem(malformed, StatusCode::BAD_REQUEST, "webhook_id").await;
}
