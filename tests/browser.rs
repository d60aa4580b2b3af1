//! The pages in a real browser: the real `provenance` binary on a fresh data folder, loaded
//! through the API with the corpus seeds, edited versions of them, a statement of 50 versions
//! and hostile statements; then `tests/browser/pages.test.mjs` walks the pages in headless
//! Chromium (Debian's, at /usr/bin/chromium) with Playwright and axe-core, as a person would.
//!
//! `scripts/setup/50-browser.sh` installs Chromium and the npm packages (scripts/test runs it).
//! Screenshots of every page at 1280 and 375 px, and the page weights, are written to
//! `target/screenshots/`. The run takes about a minute; it is bounded by a time-out.

mod common;

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The longest the browser run may take before it is stopped and the test fails.
const BROWSER_RUN_LIMIT: Duration = Duration::from_secs(300);

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn seed(prefix: &str) -> String {
    let dir = common::corpus_dir();
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()));
    std::fs::read_to_string(path).unwrap()
}

struct Loader {
    client: reqwest::Client,
    address: String,
    token: String,
}

impl Loader {
    /// Ingests `body` and returns the version record; a new version is required.
    async fn ingest(&self, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/v1/statements", self.address))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let record: Value = response.json().await.unwrap();
        assert_eq!(
            status,
            StatusCode::CREATED,
            "ingest of {}: {record}",
            body["source_url"]
        );
        record
    }
}

/// Loads the statements the browser test walks through, and says where they are.
async fn load(loader: &Loader, files: &Path) -> Value {
    let release = seed("000_");
    let release_url = "https://www.aclu.org/press-releases/aclu-florida-sessions-miami";
    let contacts = json!([
        {"organization": "ACLU of Florida Media Office", "phone": "(786) 363-2737"},
        {"name": "Ryan Karerat", "phone": "212-284-7388", "email": "media@aclu.org"}
    ]);
    let base = json!({
        "source_url": release_url,
        "publisher": "ACLU of Florida",
        "published_at": "2017-08-16",
        "media_contacts": contacts,
    });
    let with = |content: &str, extra: Value| {
        let mut body = base.clone();
        body["content"] = json!(content);
        for (field, value) in extra.as_object().unwrap() {
            body[field] = value.clone();
        }
        body
    };
    let title = "ACLU of Florida Statement on Attorney General Sessions Visit to Miami";
    let v1 = loader.ingest(with(&release, json!({"title": title}))).await;
    let edited = release.replace("caving to threats", "yielding to threats");
    assert_ne!(edited, release);
    loader.ingest(with(&edited, json!({"title": title}))).await;
    // Cosmetic: curly apostrophes made straight, and a double space made single.
    let cosmetic = edited.replace('’', "'").replace("  ", " ");
    assert_ne!(cosmetic, edited);
    loader.ingest(with(&cosmetic, json!({"title": title}))).await;
    let retitled = "ACLU of Florida on the Attorney General's Visit to Miami";
    let current = loader.ingest(with(&cosmetic, json!({"title": retitled}))).await;

    // A cross-post that quotes the release four days later.
    let quote = "Sanctuary city policies improve public safety, protect immigrants, and promote trust \
                 between communities and police.";
    assert!(release.contains(quote), "the quote is in seed 000");
    let crosspost = format!(
        "MIAMI NEWS DESK — Reacting to the Attorney General's visit, the ACLU said: “{quote}” \
         The county has not answered requests for comment.\n"
    );
    loader
        .ingest(json!({
            "source_url": "https://news.example/2017/08/20/miami-sanctuary",
            "content": crosspost,
            "title": "Miami reacts to the Attorney General",
            "publisher": "Example News",
            "published_at": "2017-08-20T09:30:00-04:00",
        }))
        .await;

    // The other seeds, one version each; seed 003 at a second URL that was edited since.
    let mut seeds = Vec::new();
    for (prefix, url, publisher) in [
        (
            "001_",
            "https://www.aclu.org/action/miami-dade-commissioners",
            "ACLU",
        ),
        ("002_", "https://party.example/email/2017-08", "Example Party"),
        (
            "003_",
            "https://www.aclu.org/press-releases/miami-dade-detainers",
            "ACLU",
        ),
        ("004_", "https://www.wsvn.example/news/sessions-miami", "WSVN"),
    ] {
        let content = seed(prefix);
        let record = loader
            .ingest(json!({"source_url": url, "content": content, "publisher": publisher}))
            .await;
        seeds.push(record);
    }
    let mixed = seed("003_");
    assert!(mixed.contains("supposed non-compliance"), "seed 003 as expected");
    let mirror = "https://mirror.example/aclu/miami-dade-detainers";
    loader
        .ingest(json!({"source_url": mirror, "content": mixed, "publisher": "Mirror"}))
        .await;
    loader
        .ingest(json!({
            "source_url": mirror,
            "content": mixed.replace("supposed non-compliance", "alleged non-compliance"),
            "publisher": "Mirror"
        }))
        .await;

    // A statement of 50 versions (for the statement page's weight).
    let long_url = "https://www.aclu.org/action/miami-dade-commissioners-live";
    let petition = seed("001_");
    assert!(
        petition.contains("a sharp rise in these agreements"),
        "seed 001 as expected"
    );
    let mut long = Value::Null;
    for n in 1..=50 {
        let content = petition.replace(
            "a sharp rise in these agreements",
            &format!("{} new agreements like these", n + 10),
        );
        long = loader
            .ingest(json!({"source_url": long_url, "content": content, "publisher": "ACLU"}))
            .await;
    }

    // Hostile statements: markup, event handlers, javascript: links and bidi overrides in every
    // field a page shows. Each payload would request /pwned-… or open a dialog if it ran.
    let hostile_html = "<!doctype html><html><head><title>Hostile</title>\
        <script>fetch('/pwned-script');alert('script')</script></head><body>\
        <h1>Hostile release <img src=\"/pwned-img\" onerror=\"fetch('/pwned-onerror')\"></h1>\
        <p>Click <a href=\"javascript:fetch('/pwned-js-link')\">this harmless looking link</a> to read more.</p>\
        <p>The hostile release says these eleven words about its own safety, nothing else.</p>\
        <iframe src=\"/pwned-iframe\"></iframe><style>body{display:none}</style></body></html>";
    // Bidi controls are refused in titles (422), so the override is carried by the plain statement's text.
    let hostile_title = "<script>fetch('/pwned-title')</script>Hostile txt.exe title";
    let hostile_body = json!({
            "source_url": "https://hostile.example/release?x=<script>",
            "content": hostile_html,
            "content_type": "text/html",
            "title": hostile_title,
            "publisher": "<img src=/pwned-publisher onerror=alert('publisher')>",
            "published_at": "2026-01-02T03:04:05+05:30",
            "media_contacts": [
                {"name": "\"><svg onload=alert('contact')>", "organization": "javascript:alert('org')",
                 "email": "\"><script>alert('email')</script>@evil.example", "phone": "+1 (555) 010-0000"}
            ],
    });
    let hostile = loader.ingest(hostile_body.clone()).await;
    let mut hostile_v2 = hostile_body.clone();
    hostile_v2["content"] = json!(hostile_html.replace(
        "eleven words",
        "eleven <b onmouseover=alert('diff')>bold</b> words"
    ));
    loader.ingest(hostile_v2).await;
    let hostile_text = "WASHINGTON \u{202e}— Plain hostile text: <script>fetch('/pwned-text')</script> and \
        javascript:alert('text') and <img src=x onerror=alert('text')> inside a statement that is long \
        enough to trace by its words later on.\n";
    let hostile_plain = loader
        .ingest(json!({
            "source_url": "https://hostile.example/plain",
            "content": hostile_text,
            "title": "javascript:alert('title')",
        }))
        .await;

    // Files the browser test pastes and drops.
    let write = |name: &str, text: &str| {
        let path = files.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    // The same words with other formatting: straight quotes, spaces before the line breaks.
    let reformatted = seed("002_")
        .replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
        .replace('\n', " \n");
    json!({
        "release": {
            "id": v1["statement_id"], "url": release_url, "title": retitled, "versions": 4,
            "v1_file": write("release-v1.txt", &release),
            "current_file": write("release-current.txt", &cosmetic),
            "current_sha256": current["sha256"],
            "quote": quote,
        },
        "mixed": { "file": write("mixed.txt", &mixed), "url": seeds[2]["source_url"], "mirror": mirror },
        "reformatted_file": write("reformatted.txt", &reformatted),
        "unknown_file": write("unknown.txt", "A text the registry has never seen, written for this test alone.\n"),
        "long": { "id": long["statement_id"], "versions": 50 },
        "hostile": {
            "id": hostile["statement_id"], "sha256": hostile["sha256"], "title": hostile_title,
            "file": write("hostile.html", hostile_html),
            "passage": "The hostile release says these eleven words about its own safety",
        },
        "hostile_plain": {
            "id": hostile_plain["statement_id"], "file": write("hostile-plain.txt", hostile_text),
            "passage": "inside a statement that is long enough to trace by its words later on",
        },
        "total_versions": 4 + 1 + 4 + 2 + 50 + 2 + 1,
        // The release, the cross-post, four seeds, the mirror, the long one, two hostile ones.
        "statements": 1 + 1 + 4 + 1 + 1 + 1 + 1,
    })
}

fn node_project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_work_in_a_real_browser() {
    assert!(
        Path::new("/usr/bin/chromium").exists()
            && node_project().join("node_modules/playwright-core").is_dir(),
        "the browser tests need Chromium and tests/browser/node_modules: run scripts/setup/50-browser.sh \
         (scripts/test does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = common::create_key(&data, "newsroom-desk", "writer");
    let (child, address) = common::start(&data);
    let server = Server { child, address };
    let loader = Loader {
        client: reqwest::Client::new(),
        address: server.address.clone(),
        token,
    };
    let fixture = load(&loader, dir.path()).await;
    let fixture_path = dir.path().join("fixture.json");
    std::fs::write(&fixture_path, serde_json::to_vec_pretty(&fixture).unwrap()).unwrap();
    let screenshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();

    let mut run = Command::new("node")
        .arg(node_project().join("pages.test.mjs"))
        .env("BASE_URL", &server.address)
        .env("FIXTURE", &fixture_path)
        .env("SCREENSHOTS", &screenshots)
        .spawn()
        .expect("node runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_RUN_LIMIT {
            let _ = run.kill();
            panic!("the browser run took longer than {BROWSER_RUN_LIMIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        status.success(),
        "the browser tests failed (their report is above)"
    );
    drop(server);
}
