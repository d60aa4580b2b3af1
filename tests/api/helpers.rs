//! `spawn_app()`: the real service on a free loopback port with a fresh sled folder (or, with
//! `PROVENANCE_TEST_STORE=postgres`, a fresh PostgreSQL database), and a client with one
//! method per kind of request.

use provenance::config::{Settings, StoreAt};
use provenance::domain::{Content, ContentType, Draft, KeyName, Metadata, Role, SourceUrl};
use provenance::startup::Application;
use provenance::store::Store;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// A writer key's token, sent with every write this helper makes.
    pub token: String,
    store: Arc<Store>,
    handle: actix_web::dev::ServerHandle,
    _data_dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    let mut settings = Settings::new("127.0.0.1:0", data_dir.path().join("data"));
    settings.workers = Some(2);
    settings.rate_limit_key = 0;
    settings.rate_limit_ip = 0;
    // Small passage segments, so that the tests search segment files and merges too.
    settings.passage_segment_versions = 4;
    // Tests make their keys themselves; the first-start admin key is tested on its own.
    settings.no_admin_key_file = true;
    // PROVENANCE_TEST_STORE=postgres runs the suite on a database of its own per test.
    if crate::common::postgres::selected() {
        settings.store = Some(StoreAt::Postgres(crate::common::postgres::fresh_database()));
    }
    adjust(&mut settings);
    let app = Application::build(&settings).expect("the service builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    let token = create_key(&store, "test-writer", Role::Writer);
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        token,
        store,
        handle,
        _data_dir: data_dir,
    }
}

impl TestApp {
    pub async fn ingest(&self, body: &Value) -> Response {
        self.client
            .post(format!("{}/v1/statements", self.address))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Ingests `body` and returns the version record, checking the status.
    pub async fn ingest_ok(&self, body: &Value, expected: StatusCode) -> Value {
        let response = self.ingest(body).await;
        assert_eq!(response.status(), expected, "ingest of {body}");
        response.json().await.expect("a JSON version record")
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// POSTs `body` as JSON without an API key.
    pub async fn post_json_anonymously(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    /// GETs `path`, expects 200 and returns the JSON body.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("a JSON body")
    }

    /// A new key of `role`, made directly in the store; returns its token.
    pub fn key(&self, name: &str, role: Role) -> String {
        create_key(&self.store, name, role)
    }

    /// The store the service runs on.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Asserts that the store keeps every invariant of its module doc.
    pub fn assert_store_consistent(&self) {
        let problems = self.store.audit().expect("the store can be read");
        assert!(problems.is_empty(), "store invariants broken: {problems:#?}");
    }

    /// How many statements the registry holds (walking every page).
    pub async fn statement_count(&self) -> usize {
        let mut count = 0;
        let mut path = "/v1/statements?limit=200".to_owned();
        loop {
            let page = self.get_json(&path).await;
            count += page["items"].as_array().expect("items").len();
            match page["next"].as_str() {
                Some(next) => path = format!("/v1/statements?limit=200&cursor={next}"),
                None => return count,
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

fn create_key(store: &Store, name: &str, role: Role) -> String {
    let name = KeyName::parse("name", name).expect("a valid key name");
    let (_, token) = store
        .create_key(name, role, chrono::Utc::now())
        .unwrap()
        .expect("a new key name");
    token
}

/// A minimal ingest request.
/// Stores a version of `url` (text/plain) as an ingest at `time` would, through the store.
pub fn store_version(app: &TestApp, url: &str, text: &str, time: chrono::DateTime<chrono::Utc>) {
    store_version_as(app, url, text, ContentType::Plain, time);
}

/// [`store_version`] with a content type.
pub fn store_version_as(
    app: &TestApp,
    url: &str,
    text: &str,
    content_type: ContentType,
    time: chrono::DateTime<chrono::Utc>,
) {
    let submission = Draft {
        source_url: SourceUrl::parse("source_url", url).unwrap(),
        content: Content::parse("content", text.to_owned()).unwrap(),
        metadata: Metadata {
            content_type,
            ..Metadata::default()
        },
        submitted_by: None,
        sources: Default::default(),
        captured_at: None,
    }
    .read_exactly();
    app.store().ingest(submission, time).unwrap();
}

pub fn statement(url: &str, content: &str) -> Value {
    json!({ "source_url": url, "content": content })
}

/// Asserts that `response` is an RFC 9457 problem with `status` naming `field` (none when
/// `field` is empty), and returns it.
pub async fn assert_problem(response: Response, status: StatusCode, field: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let problem: Value = response.json().await.expect("a JSON problem");
    assert_eq!(problem["status"], status.as_u16(), "{problem}");
    if field.is_empty() {
        assert!(problem.get("field").is_none(), "{problem}");
    } else {
        assert_eq!(problem["field"], field, "{problem}");
    }
    assert!(
        problem["type"].as_str().is_some_and(|t| !t.is_empty()),
        "{problem}"
    );
    assert!(
        problem["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{problem}"
    );
    assert!(
        problem["detail"].as_str().is_some_and(|t| !t.is_empty()),
        "{problem}"
    );
    problem
}

/// Lowercase hex SHA-256 computed by coreutils' `sha256sum`, independently of the service.
pub fn independent_sha256(bytes: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sha256sum (coreutils) is installed");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// The statement id the service gives `url`, found through the lookup endpoint.
pub async fn id_of(app: &TestApp, url: &str) -> String {
    let page = app
        .get_json(&format!("/v1/statements?source_url={}", urlencode(url)))
        .await;
    page["items"][0]["statement_id"]
        .as_str()
        .expect("the statement exists")
        .to_owned()
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
