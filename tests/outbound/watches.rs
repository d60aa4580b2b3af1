//! Watched sources end to end: the real service watches pages of a loopback origin that the
//! test changes, and the observations, versions, withdrawals and politeness are checked over
//! HTTP.

use provenance::domain::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

use crate::helpers::{assert_problem, spawn_app_with, TestApp};
use crate::origin::{Origin, Page};

/// A service that may fetch loopback, with one-second watches, a short per-host delay and
/// withdrawal after two misses.
async fn watching_app() -> TestApp {
    spawn_app_with(|settings| {
        settings.fetch.fetch_allow_private = true;
        settings.watch.watch_min_interval_secs = 1;
        settings.watch.watch_host_delay_ms = 30;
        settings.watch.watch_withdraw_after = 2;
    })
    .await
}

async fn create_watch(app: &TestApp, url: &str, every: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/v1/watches", app.address))
        .bearer_auth(&app.token)
        .json(&json!({ "source_url": url, "every": every }))
        .send()
        .await
        .unwrap()
}

async fn watch(app: &TestApp, url: &str) -> Value {
    let response = create_watch(app, url, "1s").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// Watches `url` every second; returns the statement id.
async fn watched_statement(app: &TestApp, url: &str) -> String {
    watch(app, url).await["statement_id"].as_str().unwrap().to_owned()
}

async fn observations(app: &TestApp, statement: &str) -> Vec<Value> {
    let response = app
        .get(&format!("/v1/statements/{statement}/observations?limit=200"))
        .await;
    if response.status() == StatusCode::NOT_FOUND {
        return Vec::new();
    }
    let page: Value = response.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

/// Waits (polling, at most 30 s) until the statement has an observation for which `wanted`
/// holds; returns every observation up to it.
async fn wait_for_observation(
    app: &TestApp,
    statement: &str,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    for _ in 0..600 {
        let seen = observations(app, statement).await;
        if let Some(at) = seen.iter().position(&wanted) {
            return seen[..=at].to_vec();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no observation {what} within 30 s: {:#?}",
        observations(app, statement).await
    );
}

/// Waits (polling, at most 30 s) until the statement's `withdrawal` is as `wanted`; returns it.
async fn wait_for_withdrawal(app: &TestApp, statement: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let mut withdrawal = Value::Null;
    for _ in 0..600 {
        withdrawal = app.get_json(&format!("/v1/statements/{statement}")).await["withdrawal"].clone();
        if wanted(&withdrawal) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    withdrawal
}

fn outcome(expected: &'static str) -> impl Fn(&Value) -> bool {
    move |observation| observation["outcome"] == expected
}

#[tokio::test]
async fn changes_become_versions_and_unchanged_fetches_create_nothing() {
    let origin = Origin::start().await;
    let page = |body: &str, etag: Option<&str>| Page::Html {
        body: body.to_owned(),
        etag: etag.map(str::to_owned),
    };
    origin.set(
        "/press",
        page("<h1>Statement</h1><p>We will act today.</p>", Some("\"a\"")),
    );
    let app = watching_app().await;
    let created = watch(&app, &origin.url("/press")).await;
    assert_eq!(created["every"], "1s");
    assert_eq!(created["created_by"], "test-writer");
    let statement = created["statement_id"].as_str().unwrap().to_owned();

    let seen = wait_for_observation(&app, &statement, "not_modified", outcome("not_modified")).await;
    assert_eq!(seen[0]["outcome"], "new_version", "{seen:#?}");
    assert_eq!(seen[0]["status"], 200);
    assert_eq!(seen[0]["etag"], "\"a\"");
    assert_eq!(seen[0]["version"], 1);
    assert_eq!(
        seen[0]["sha256"],
        crate::helpers::independent_sha256(b"<h1>Statement</h1><p>We will act today.</p>")
    );
    let conditional = origin.hits("/press");
    assert_eq!(
        conditional[1].if_none_match.as_deref(),
        Some("\"a\""),
        "the second fetch is conditional"
    );

    let version = app
        .get_json(&format!("/v1/statements/{statement}/versions/1"))
        .await;
    assert_eq!(version["ingested_by"], "test-writer", "the watch's key");
    assert_eq!(version["ingested_at"], seen[0]["at"], "the fetch time");
    assert_eq!(version["content_type"], "text/html");

    // The page is quietly edited.
    origin.set(
        "/press",
        page("<h1>Statement</h1><p>We may act one day.</p>", Some("\"b\"")),
    );
    let seen = wait_for_observation(&app, &statement, "of version 2", |o| o["version"] == 2).await;
    assert_eq!(seen.last().unwrap()["outcome"], "new_version");
    // The same bytes without validators: fetched in full, nothing created.
    origin.set(
        "/press",
        page("<h1>Statement</h1><p>We may act one day.</p>", None),
    );
    let seen = wait_for_observation(&app, &statement, "unchanged", outcome("unchanged")).await;
    assert_eq!(seen.last().unwrap()["version"], 2);
    let statement_record = app.get_json(&format!("/v1/statements/{statement}")).await;
    assert_eq!(
        statement_record["version_count"], 2,
        "unchanged fetches create no version"
    );
    assert!(statement_record.get("withdrawal").is_none());

    let listed = get_with_key(&app, "/v1/watches").await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0]["last_fetch"]["outcome"].is_string());
    assert!(items[0]["next_run_at"].is_string());

    let id = created["watch_id"].as_str().unwrap();
    assert_eq!(
        delete(&app, &format!("/v1/watches/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(&app, &format!("/v1/watches/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(get_with_key(&app, "/v1/watches").await["items"], json!([]));
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_source_that_goes_away_is_withdrawn_and_restored_when_it_answers_again() {
    let origin = Origin::start().await;
    origin.html("/notice", "<p>The notice.</p>");
    let app = watching_app().await;
    let statement = watched_statement(&app, &origin.url("/notice")).await;
    wait_for_observation(&app, &statement, "new_version", outcome("new_version")).await;
    origin.set("/notice", Page::Status(410));
    let seen = wait_for_observation(&app, &statement, "gone twice", |o| o["outcome"] == "gone").await;
    assert_eq!(seen.last().unwrap()["status"], 410);
    let withdrawal = wait_for_withdrawal(&app, &statement, |w| !w.is_null()).await;
    assert!(withdrawal["withdrawn_at"].is_string(), "{withdrawal}");
    assert_eq!(
        withdrawal["evidence"].as_array().unwrap().len(),
        2,
        "{withdrawal}"
    );
    assert!(withdrawal["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["outcome"] == "gone"));
    assert!(withdrawal["restored_at"].is_null());
    // Still fully verifiable: the version and its proof are there.
    let proof = app
        .get(&format!("/v1/statements/{statement}/versions/1/proof"))
        .await;
    assert_eq!(proof.status(), StatusCode::OK);

    origin.html("/notice", "<p>The notice.</p>");
    let restored = wait_for_withdrawal(&app, &statement, |w| w["restored_at"].is_string()).await;
    assert!(restored["restored_at"].is_string(), "{restored}");
    assert_eq!(restored["withdrawn_at"], withdrawal["withdrawn_at"]);
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_redirect_elsewhere_is_observed_and_not_ingested() {
    let origin = Origin::start().await;
    origin.set("/old", Page::Redirect("/home".to_owned()));
    origin.html("/home", "<p>Our home page.</p>");
    let app = watching_app().await;
    let statement = watched_statement(&app, &origin.url("/old")).await;
    let seen = wait_for_observation(&app, &statement, "redirected", outcome("redirected")).await;
    let observation = seen.last().unwrap();
    assert_eq!(observation["final_url"], origin.url("/home"));
    assert_eq!(observation["status"], 200);
    assert!(observation["version"].is_null());
    assert_eq!(
        app.get(&format!("/v1/statements/{statement}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_watches_on_one_host_never_overlap() {
    let origin = Origin::start().await;
    for path in ["/slow/1", "/slow/2"] {
        origin.set(
            path,
            Page::Slow {
                body: format!("<p>{path}</p>"),
                delay: Duration::from_millis(200),
            },
        );
    }
    let app = watching_app().await;
    let first = watch(&app, &origin.url("/slow/1")).await;
    let second = watch(&app, &origin.url("/slow/2")).await;
    wait_until_hits(&origin, 3).await;
    for created in [&first, &second] {
        let statement = created["statement_id"].as_str().unwrap();
        wait_for_observation(&app, statement, "new_version", outcome("new_version")).await;
    }
    assert_eq!(origin.most_in_flight(), 1, "one request at a time to the host");
    let mut hits = origin.all_hits();
    hits.sort_by_key(|hit| hit.started);
    for pair in hits.windows(2) {
        assert!(
            pair[1].started >= pair[0].finished,
            "{} started before {} finished",
            pair[1].path,
            pair[0].path
        );
    }
    assert!(origin.hits("/robots.txt").len() == 1, "robots.txt is read once");
}

async fn wait_until_hits(origin: &Origin, each: usize) {
    for _ in 0..600 {
        if ["/slow/1", "/slow/2"]
            .iter()
            .all(|path| origin.hits(path).len() >= each)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the origin was not fetched {each} times per page within 30 s");
}

#[tokio::test]
async fn robots_txt_is_honoured() {
    let origin = Origin::start().await;
    origin.html(
        "/robots.txt",
        "User-agent: *\nDisallow: /\n\nUser-agent: provenance\nDisallow: /private/\n",
    );
    origin.html("/private/memo", "<p>memo</p>");
    origin.html("/public/memo", "<p>public memo</p>");
    let app = watching_app().await;
    let private = watched_statement(&app, &origin.url("/private/memo")).await;
    let public = watched_statement(&app, &origin.url("/public/memo")).await;
    let seen = wait_for_observation(&app, &private, "refused by robots.txt", outcome("error")).await;
    assert!(
        seen.last().unwrap()["reason"]
            .as_str()
            .unwrap()
            .contains("robots.txt"),
        "{seen:#?}"
    );
    wait_for_observation(&app, &public, "new_version", outcome("new_version")).await;
    assert!(origin.hits("/private/memo").is_empty(), "never fetched");
}

#[tokio::test]
async fn without_the_flag_loopback_sources_are_refused() {
    let origin = Origin::start().await;
    origin.html("/page", "<p>internal</p>");
    let app = spawn_app_with(|settings| {
        settings.watch.watch_min_interval_secs = 1;
        settings.watch.watch_host_delay_ms = 30;
    })
    .await;
    let refused = create_watch(&app, &origin.url("/page"), "1s").await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "source_url").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("loopback"),
        "{problem}"
    );
    // A name is checked on its addresses, at the fetch.
    let by_name = format!("http://localhost:{}/page", origin.port);
    let created: Value = create_watch(&app, &by_name, "1s").await.json().await.unwrap();
    let statement = created["statement_id"].as_str().unwrap();
    let seen = wait_for_observation(&app, statement, "refused", outcome("error")).await;
    assert!(
        seen.last().unwrap()["reason"]
            .as_str()
            .unwrap()
            .contains("loopback"),
        "{seen:#?}"
    );
    assert!(origin.all_hits().is_empty(), "the origin was never reached");
}

#[tokio::test]
async fn watches_are_bounded_and_need_a_writer_key() {
    let app = spawn_app_with(|settings| {
        settings.fetch.fetch_allow_private = true;
        settings.watch.watch_max_per_key = 1;
    })
    .await;
    let short = create_watch(&app, "https://example.org/a", "1m").await;
    let problem = assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY, "every").await;
    assert!(problem["detail"].as_str().unwrap().contains("5m"), "{problem}");
    let malformed = create_watch(&app, "not a url", "soon").await;
    let problem = assert_problem(malformed, StatusCode::UNPROCESSABLE_ENTITY, "source_url").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
    // A first watch far in the future is made; a second is over the bound.
    assert_eq!(
        create_watch(&app, "http://127.0.0.1:9/a", "30d").await.status(),
        StatusCode::CREATED
    );
    let over = create_watch(&app, "http://127.0.0.1:9/b", "30d").await;
    assert_problem(over, StatusCode::CONFLICT, "").await;
    let reader = app.key("reader", Role::Reader);
    let forbidden = app
        .client
        .post(format!("{}/v1/watches", app.address))
        .bearer_auth(reader)
        .json(&json!({ "source_url": "https://example.org/c", "every": "1h" }))
        .send()
        .await
        .unwrap();
    assert_problem(forbidden, StatusCode::FORBIDDEN, "Authorization").await;
    let anonymous = app.get("/v1/watches").await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "Authorization").await;
    assert_problem(
        delete(&app, "/v1/watches/xyz").await,
        StatusCode::BAD_REQUEST,
        "watch_id",
    )
    .await;
}

/// GETs `path` with the writer key; expects 200.
async fn get_with_key(app: &TestApp, path: &str) -> Value {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

async fn delete(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}{path}", app.address))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_audit_finds_an_observation_of_a_missing_version() {
    use provenance::domain::{
        Interval, KeyName, Observation, Outcome, SourceUrl, StatementId, VersionNo, Watch, WatchId,
        WithdrawalChange,
    };
    let app = watching_app().await;
    let source_url = SourceUrl::parse("source_url", "https://example.org/never").unwrap();
    let statement = StatementId::for_url(&source_url);
    let now = chrono::Utc::now();
    let watch = Watch {
        id: WatchId::from_bytes([7; 8]),
        source_url,
        every: Interval::parse("every", "1d", 1).unwrap(),
        owner: KeyName::parse("name", "test-writer").unwrap(),
        created_at: now,
        next_run_at: now + chrono::Duration::days(1),
        etag: None,
        last_modified: None,
        last_fetch: None,
        misses: Vec::new(),
    };
    let observation = Observation {
        watch_id: watch.id,
        at: now,
        status: Some(200),
        final_url: None,
        etag: None,
        last_modified: None,
        sha256: None,
        outcome: Outcome::Unchanged,
        reason: None,
        version: VersionNo::from_u32(3),
    };
    app.store()
        .watches()
        .record(&statement, &watch, &observation, &WithdrawalChange::None)
        .unwrap();
    let problems = app.store().audit().unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("missing version 3"), "{problems:#?}");
}

#[tokio::test]
async fn watches_their_schedule_and_observations_survive_a_restart() {
    use provenance::config::Settings;
    use provenance::startup::Application;
    let origin = Origin::start().await;
    origin.html("/kept", "<p>Kept.</p>");
    let folder = tempfile::tempdir().unwrap();
    let mut settings = Settings::new("127.0.0.1:0", folder.path().join("data"));
    settings.workers = Some(1);
    settings.no_admin_key_file = true;
    settings.fetch.fetch_allow_private = true;
    settings.watch.watch_min_interval_secs = 1;
    settings.watch.watch_host_delay_ms = 30;
    let client = reqwest::Client::new();

    let app = Application::build(&settings).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let name = provenance::domain::KeyName::parse("name", "desk").unwrap();
    let (_, token) = app
        .store()
        .create_key(name, Role::Writer, chrono::Utc::now())
        .unwrap()
        .unwrap();
    let handle = app.handle();
    let running = tokio::spawn(app.run_until_stopped());
    let created: Value = client
        .post(format!("{address}/v1/watches"))
        .bearer_auth(&token)
        .json(&json!({ "source_url": origin.url("/kept"), "every": "1s" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statement = created["statement_id"].as_str().unwrap().to_owned();
    let observations_at = |address: String| {
        let client = client.clone();
        let statement = statement.clone();
        async move {
            let page: Value = client
                .get(format!(
                    "{address}/v1/statements/{statement}/observations?limit=200"
                ))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"].as_array().cloned().unwrap_or_default()
        }
    };
    for _ in 0..600 {
        if observations_at(address.clone()).await.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.stop(true).await;
    running.await.unwrap().unwrap();
    let before = origin.hits("/kept").len();

    // run_until_stopped returns only once the store is closed: the folder opens again at once.
    let app = Application::build(&settings).expect("the stopped service's folder opens again");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let running = tokio::spawn(app.run_until_stopped());
    let kept = observations_at(address.clone()).await;
    assert!(kept.len() >= 2, "the observations are kept: {kept:#?}");
    assert_eq!(kept[0]["outcome"], "new_version");
    let listed: Value = client
        .get(format!("{address}/v1/watches"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["watch_id"], created["watch_id"], "{listed}");
    let mut resumed = false;
    for _ in 0..600 {
        if origin.hits("/kept").len() > before {
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(resumed, "the schedule runs again after the restart");
    handle.stop(true).await;
    running.await.unwrap().unwrap();
}
