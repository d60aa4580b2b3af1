//! The CDX server API (`/cdx`, `/cdx/search/cdx`) and the availability API
//! (`/wayback/available`), against a model: versions of a set of URLs stored at known times,
//! their rows computed here (SURT keys written out by hand, as Python `surt` gives them) and
//! compared with the service's for every parameter and their combinations.

use chrono::{DateTime, Duration, TimeZone, Utc};
use provenance::domain::{ContentType, SourceUrl, StatementId};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    assert_problem, independent_sha256, spawn_app, statement, store_version_as, urlencode, TestApp,
};

/// The pages stored, with their SURT keys.
const PAGES: [(&str, &str); 9] = [
    ("https://example.org/", "org,example)/"),
    ("https://example.org/news/1", "org,example)/news/1"),
    ("http://www.example.org/news/2", "org,example)/news/2"),
    ("https://example.org/news/2", "org,example)/news/2"),
    ("https://blog.example.org/post", "org,example,blog)/post"),
    ("https://example.org:8080/a", "org,example:8080)/a"),
    ("https://example.com/news/1", "com,example)/news/1"),
    ("https://example.org/news?b=2&a=1", "org,example)/news?a=1&b=2"),
    ("https://example.org/newsroom", "org,example)/newsroom"),
];

/// A version as the model knows it.
#[derive(Debug, Clone)]
struct Row {
    surt: &'static str,
    time: DateTime<Utc>,
    timestamp: String,
    original: String,
    mimetype: &'static str,
    id: String,
    version: u32,
    text: String,
}

impl Row {
    /// The line of `fl=urlkey,timestamp,statement_id,version`.
    fn line(&self) -> String {
        format!("{} {} {} {}", self.surt, self.timestamp, self.id, self.version)
    }
}

const FIELDS: &str = "fl=urlkey,timestamp,statement_id,version";

/// Page `i` gets `i % 3 + 1` versions, spread over 2019 to 2022; the two pages of one SURT
/// (`news/2`) get their first versions in the same second. Returns the rows in index order.
fn store_model(app: &TestApp) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, (url, surt)) in PAGES.iter().enumerate() {
        let source = SourceUrl::parse("url", url).unwrap();
        for v in 1..=(i % 3 + 1) as u32 {
            let offset = if i == 3 && v == 1 { 2 * 97 } else { i as i64 * 97 };
            let time = Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap()
                + Duration::days(offset + v as i64 * 211)
                + Duration::seconds(i as i64 * 7 % 60)
                + Duration::milliseconds(300);
            let time = if i == 3 && v == 1 {
                rows.iter()
                    .find(|row: &&Row| row.surt == *surt)
                    .map(|row| row.time)
                    .unwrap()
            } else {
                time
            };
            let html = (i as u32 + v) % 2 == 0;
            let text = if html {
                format!("<p>Page {i}, version {v}.</p>")
            } else {
                format!("Page {i}, version {v}.")
            };
            let content_type = if html {
                ContentType::Html
            } else {
                ContentType::Plain
            };
            store_version_as(app, url, &text, content_type, time);
            rows.push(Row {
                surt,
                time,
                timestamp: time.format("%Y%m%d%H%M%S").to_string(),
                original: source.as_str().to_owned(),
                mimetype: if html { "text/html" } else { "text/plain" },
                id: StatementId::for_url(&source).to_string(),
                version: v,
                text,
            });
        }
    }
    rows.sort_by(|a, b| {
        (a.surt, &a.timestamp, &a.id, a.version).cmp(&(b.surt, &b.timestamp, &b.id, b.version))
    });
    rows
}

async fn text(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.unwrap()
}

async fn lines(app: &TestApp, path: &str) -> Vec<String> {
    text(app, path).await.lines().map(str::to_owned).collect()
}

/// Which URLs a query asks for, in the model's terms.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Exact(&'static str),
    Prefix(&'static str),
    Host(&'static str),
    Domain(&'static str),
}

impl Scope {
    fn holds(self, surt: &str) -> bool {
        match self {
            Self::Exact(key) => surt == key,
            Self::Prefix(key) => surt.starts_with(key),
            Self::Host(host) => surt.starts_with(&format!("{host})/")),
            Self::Domain(host) => {
                surt.starts_with(&format!("{host})/")) || surt.starts_with(&format!("{host},"))
            }
        }
    }
}

#[tokio::test]
async fn every_parameter_and_their_combinations_agree_with_the_model() {
    let app = spawn_app().await;
    let model = store_model(&app);
    let scopes: [(&str, Scope); 7] = [
        ("url=example.org/news/2", Scope::Exact("org,example)/news/2")),
        (
            "url=http://www.example.org/news/2&matchType=exact",
            Scope::Exact("org,example)/news/2"),
        ),
        ("url=example.org/news*", Scope::Prefix("org,example)/news")),
        (
            "url=https://example.org/news/&matchType=prefix",
            Scope::Prefix("org,example)/news/"),
        ),
        (
            "url=example.org/anything&matchType=host",
            Scope::Host("org,example"),
        ),
        ("url=*.example.org", Scope::Domain("org,example")),
        ("url=example.org&matchType=domain", Scope::Domain("org,example")),
    ];
    let times: [(&str, Option<&str>, Option<&str>); 4] = [
        ("", None, None),
        ("&from=2020", Some("20200101000000"), None),
        ("&to=202106", None, Some("20210631235959")),
        (
            "&from=2019061&to=20211",
            Some("20190610000000"),
            Some("20211231235959"),
        ),
    ];
    type Keep = fn(&Row) -> bool;
    let filters: [(&str, Keep); 4] = [
        ("", |_| true),
        ("&filter=mimetype:text/html", |r| r.mimetype == "text/html"),
        ("&filter=!~original:www&filter=~timestamp:^202", |r| {
            !r.original.contains("www") && r.timestamp.starts_with("202")
        }),
        (
            "&filter=mime:text/.*&filter=!statuscode:404&filter=version:1",
            |r| r.version == 1,
        ),
    ];
    let orders = ["", "&sort=reverse"];
    let limits: [(&str, Option<i64>); 4] = [
        ("", None),
        ("&limit=2", Some(2)),
        ("&limit=-2", Some(-2)),
        ("&limit=0", Some(0)),
    ];
    let mut cases = 0;
    for (scope_query, scope) in scopes {
        for (time_query, from, to) in times {
            for (filter_query, keep) in filters {
                for order in orders {
                    for (limit_query, limit) in limits {
                        let mut expected: Vec<&Row> = model
                            .iter()
                            .filter(|r| scope.holds(r.surt))
                            .filter(|r| from.is_none_or(|f| r.timestamp.as_str() >= f))
                            .filter(|r| to.is_none_or(|t| r.timestamp.as_str() <= t))
                            .filter(|r| keep(r))
                            .collect();
                        if !order.is_empty() {
                            expected.reverse();
                        }
                        match limit {
                            Some(n) if n >= 0 => expected.truncate(n as usize),
                            Some(n) => {
                                let keep = expected.len().saturating_sub(n.unsigned_abs() as usize);
                                expected.drain(..keep);
                            }
                            None => {}
                        }
                        let expected: Vec<String> = expected.iter().map(|r| r.line()).collect();
                        let query =
                            format!("{scope_query}{time_query}{filter_query}{order}{limit_query}&{FIELDS}");
                        let path = if cases % 2 == 0 { "/cdx" } else { "/cdx/search/cdx" };
                        assert_eq!(lines(&app, &format!("{path}?{query}")).await, expected, "{query}");
                        cases += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cases, 7 * 4 * 4 * 2 * 4);
}

#[tokio::test]
async fn closest_orders_by_distance_the_earlier_first_on_a_tie() {
    let app = spawn_app().await;
    let model = store_model(&app);
    let surt = "org,example)/news/2";
    let own: Vec<&Row> = model.iter().filter(|r| r.surt == surt).collect();
    assert_eq!(own.len(), 4, "the versions of both pages of the SURT");
    let mut probes: Vec<String> = vec!["2019".into(), "2030".into(), "20200615".into()];
    for row in &own {
        probes.push(row.timestamp.clone());
        probes.push((row.time + Duration::days(50)).format("%Y%m%d%H%M%S").to_string());
    }
    for probe in probes {
        let at = pad_down(&probe);
        let mut expected = own.clone();
        expected.sort_by_key(|r| (pad_down(&r.timestamp) - at).num_seconds().abs());
        for (extra, limit, keep) in [
            ("", usize::MAX, (|_: &Row| true) as fn(&Row) -> bool),
            ("&limit=2", 2, |_: &Row| true),
            (
                "&sort=closest&filter=mimetype:text/plain",
                usize::MAX,
                |r: &Row| r.mimetype == "text/plain",
            ),
        ] {
            let wanted: Vec<String> = expected
                .iter()
                .filter(|r| keep(r))
                .take(limit)
                .map(|r| r.line())
                .collect();
            let query = format!("url=example.org/news/2&closest={probe}{extra}&{FIELDS}");
            assert_eq!(lines(&app, &format!("/cdx?{query}")).await, wanted, "{query}");
        }
    }
}

/// A 1-14 digit timestamp padded down as pywb pads `closest`.
fn pad_down(raw: &str) -> DateTime<Utc> {
    let digits = format!("{raw}{}", &"10000101000000"[raw.len()..]);
    chrono::NaiveDateTime::parse_from_str(&digits, "%Y%m%d%H%M%S")
        .unwrap()
        .and_utc()
}

/// The SHA-1 of `bytes` by coreutils' `sha1sum`, in base32 (RFC 4648) as CDX digests are.
fn independent_sha1_base32(bytes: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sha1sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sha1sum (coreutils) is installed");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let hex = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let digest: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let bits: String = digest.iter().map(|b| format!("{b:08b}")).collect();
    bits.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let value = u8::from_str_radix(std::str::from_utf8(chunk).unwrap(), 2).unwrap();
            char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[value as usize])
        })
        .collect()
}

#[tokio::test]
async fn rows_carry_the_fields_in_text_ndjson_and_arrays() {
    let app = spawn_app().await;
    let model = store_model(&app);
    let own: Vec<&Row> = model.iter().filter(|r| r.surt == "org,example)/news/1").collect();
    let default_fields = |r: &Row| {
        vec![
            r.surt.to_owned(),
            r.timestamp.clone(),
            r.original.clone(),
            r.mimetype.to_owned(),
            "200".to_owned(),
            independent_sha1_base32(r.text.as_bytes()),
            r.text.len().to_string(),
        ]
    };
    // Text: the Wayback Machine's seven fields.
    let response = app.get("/cdx/search/cdx?url=example.org/news/1").await;
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let body = response.text().await.unwrap();
    let expected: Vec<String> = own.iter().map(|r| default_fields(r).join(" ")).collect();
    assert_eq!(body.lines().collect::<Vec<_>>(), expected);

    // Wayback arrays: field names first, every value a string.
    let response = app
        .get("/cdx/search/cdx?url=example.org/news/1&output=json")
        .await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let arrays: Value = response.json().await.unwrap();
    let mut wanted = vec![serde_json::json!([
        "urlkey",
        "timestamp",
        "original",
        "mimetype",
        "statuscode",
        "digest",
        "length"
    ])];
    wanted.extend(own.iter().map(|r| serde_json::json!(default_fields(r))));
    assert_eq!(arrays, Value::Array(wanted));
    let none: Value = app.get_json("/cdx/search/cdx?url=example.net/&output=json").await;
    assert_eq!(none, serde_json::json!([]));

    // pywb NDJSON: one object per line, pywb's key names.
    let response = app.get("/cdx?url=example.org/news/1&output=json").await;
    assert_eq!(response.headers()["content-type"], "text/x-ndjson");
    let body = response.text().await.unwrap();
    let objects: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let names = ["urlkey", "timestamp", "url", "mime", "status", "digest", "length"];
    let expected: Vec<Value> = own
        .iter()
        .map(|r| {
            let values = default_fields(r);
            Value::Object(
                names
                    .iter()
                    .map(|n| n.to_string())
                    .zip(values.into_iter().map(Value::String))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(objects, expected);

    // fl picks and orders fields, by either server's names; ours are there too.
    let row = own[0];
    let line = lines(
        &app,
        "/cdx?url=example.org/news/1&limit=1&fl=sha256,version,statement_id,mime,url,length",
    )
    .await;
    assert_eq!(
        line,
        [format!(
            "{} {} {} {} {} {}",
            independent_sha256(row.text.as_bytes()),
            row.version,
            row.id,
            row.mimetype,
            row.original,
            row.text.len()
        )]
    );
}

/// Walks every page of `query` (`limit` per page), returning its lines; `between` runs after
/// each page.
async fn walk<F: std::future::Future<Output = ()>>(
    app: &TestApp,
    path: &str,
    query: &str,
    mut between: impl FnMut() -> F,
) -> (Vec<String>, usize) {
    let mut rows = Vec::new();
    let mut key: Option<String> = None;
    let mut pages = 0;
    loop {
        let resume = key
            .as_ref()
            .map(|k| format!("&resumeKey={k}"))
            .unwrap_or_default();
        let body = text(app, &format!("{path}?{query}&showResumeKey=true{resume}")).await;
        pages += 1;
        let (page, tail) = match body.split_once("\n\n") {
            Some((page, tail)) => (format!("{page}\n"), Some(tail.trim().to_owned())),
            None => (body, None),
        };
        rows.extend(page.lines().map(str::to_owned));
        between().await;
        match tail {
            Some(next) => key = Some(next),
            None => return (rows, pages),
        }
        assert!(pages < 1000, "the walk ends");
    }
}

#[tokio::test]
async fn resume_keys_page_without_a_row_twice_or_an_old_one_missed_while_versions_arrive() {
    let app = spawn_app().await;
    let model = store_model(&app);
    let scope = Scope::Domain("org,example");
    let old: Vec<String> = model
        .iter()
        .filter(|r| scope.holds(r.surt))
        .map(Row::line)
        .collect();
    // Forward, reverse, and the last rows first (pages walk backwards, each in index order).
    for (order, expected_order) in [
        ("&limit=3", Some(false)),
        ("&limit=3&sort=reverse", Some(true)),
        ("&limit=-3", None),
    ] {
        let round = std::sync::atomic::AtomicUsize::new(0);
        let query = format!("url=*.example.org{order}&{FIELDS}");
        let (rows, pages) = walk(&app, "/cdx", &query, || {
            let n = round.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let app = &app;
            async move {
                // New versions of old pages and new pages, at the walk's every step.
                let (url, _) = PAGES[n % PAGES.len()];
                let body = statement(url, &format!("Arrived during the walk, step {n} of {order}."));
                assert!(app.ingest(&body).await.status().is_success());
                let body = statement(&format!("https://new{n}.example.org/{order}"), "A new page.");
                assert!(app.ingest(&body).await.status().is_success());
            }
        })
        .await;
        assert!(pages > 3, "{order}: several pages");
        let unique: std::collections::BTreeSet<&String> = rows.iter().collect();
        assert_eq!(unique.len(), rows.len(), "{order}: no row twice");
        for line in &old {
            assert!(rows.contains(line), "{order}: {line} missed");
        }
        if let Some(reversed) = expected_order {
            let seen: Vec<&String> = rows.iter().filter(|r| old.contains(r)).collect();
            let mut expected: Vec<&String> = old.iter().collect();
            if reversed {
                expected.reverse();
            }
            assert_eq!(seen, expected, "{order}: the query's order");
        }
    }
    app.assert_store_consistent();
}

#[tokio::test]
async fn the_wayback_path_pages_its_arrays_with_resume_keys() {
    let app = spawn_app().await;
    let model = store_model(&app);
    let mut rows: Vec<Value> = Vec::new();
    let mut key = String::new();
    loop {
        let page: Value = app
            .get_json(&format!(
                "/cdx/search/cdx?url=example.org&matchType=host&limit=4&output=json&showResumeKey=true&fl=urlkey,version&resumeKey={key}"
            ))
            .await;
        let mut page = page.as_array().unwrap().clone();
        let resume = match page.as_slice() {
            [.., empty, last] if empty == &serde_json::json!([]) => {
                Some(last[0].as_str().unwrap().to_owned())
            }
            _ => None,
        };
        if resume.is_some() {
            page.truncate(page.len() - 2);
        }
        assert_eq!(page[0], serde_json::json!(["urlkey", "version"]));
        rows.extend(page.into_iter().skip(1));
        match resume {
            Some(next) => key = next,
            None => break,
        }
    }
    let expected: Vec<Value> = model
        .iter()
        .filter(|r| Scope::Host("org,example").holds(r.surt))
        .map(|r| serde_json::json!([r.surt, r.version.to_string()]))
        .collect();
    assert_eq!(rows, expected);
}

#[tokio::test]
async fn urlkeys_are_the_surt_keys_of_tricky_urls_and_variants_find_them() {
    let app = spawn_app().await;
    for (url, surt, variant) in [
        (
            "https://WWW.Example.ORG/News/Item",
            "org,example)/news/item",
            "http://example.org/news/item",
        ),
        ("https://www2.example.org/a/", "org,example)/a", "example.org/a"),
        (
            "https://example.org/x?B=2&a=1&c",
            "org,example)/x?a=1&b=2&c",
            "http://www.example.org/x?c&a=1&B=2",
        ),
        (
            "https://bücher.example/ä",
            "example,xn--bcher-kva)/%c3%a4",
            "https://xn--bcher-kva.example/%C3%A4",
        ),
        (
            "https://example.org/a%20b%3Ac%2Fd",
            "org,example)/a%20b:c/d",
            "https://example.org/a%20b:c/d",
        ),
        (
            "http://192.168.1.254/info/",
            "254,1,168,192)/info",
            "http://192.168.1.254/info",
        ),
        (
            "http://example.org:8080/a",
            "org,example:8080)/a",
            "example.org:8080/a",
        ),
        (
            "http://archive.org/index.php?PHPSESSID=0123456789abcdefghijklemopqrstuv&action=profile;u=4221",
            "org,archive)/index.php?action=profile;u=4221",
            "archive.org/index.php?action=profile;u=4221",
        ),
    ] {
        let created = app.ingest(&statement(url, "A statement at a tricky URL.")).await;
        assert!(created.status().is_success(), "{url}");
        let found = lines(&app, &format!("/cdx?url={}&fl=urlkey", urlencode(variant))).await;
        assert_eq!(found, [surt], "{url} found as {variant}");
    }
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    store_model(&app);
    for (query, field) in [
        ("", "url"),
        ("url=", "url"),
        ("url=ftp://example.org/", "url"),
        ("url=example.org&matchType=everything", "matchType"),
        ("url=example.org&from=2020-01", "from"),
        ("url=example.org&to=123456789012345", "to"),
        ("url=example.org&limit=many", "limit"),
        ("url=example.org&sort=sideways", "sort"),
        ("url=example.org&closest=yesterday", "closest"),
        ("url=example.org/*&closest=2020", "closest"),
        ("url=example.org&closest=2020&showResumeKey=true", "showResumeKey"),
        ("url=example.org&filter=mimetype", "filter"),
        ("url=example.org&filter=colour:red", "filter"),
        ("url=example.org&filter=original:(unclosed", "filter"),
        ("url=example.org&filter=original:a%7B1000%7D%7B1000%7D", "filter"),
        (
            &format!("url=example.org&filter=original:{}", "a".repeat(1001)),
            "filter",
        ),
        ("url=example.org&fl=urlkey,colour", "fl"),
        ("url=example.org&output=xml", "output"),
        ("url=example.org&showResumeKey=sure", "showResumeKey"),
        ("url=example.org&resumeKey=not-a-key", "resumeKey"),
        ("url=example.org&limit=1&limit=2", "limit"),
    ] {
        for path in ["/cdx", "/cdx/search/cdx"] {
            let response = app.get(&format!("{path}?{query}")).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}?{query}");
            assert_problem(response, StatusCode::BAD_REQUEST, field).await;
        }
    }
    // A resume key of another query.
    let page = text(&app, "/cdx?url=example.org/news/2&limit=1&showResumeKey=true").await;
    let key = page.split("\n\n").nth(1).unwrap().trim();
    let response = app
        .get(&format!("/cdx?url=example.com/news/1&resumeKey={key}"))
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "resumeKey").await;
    for (query, field) in [
        ("", "url"),
        ("url=example.org&timestamp=2020x", "timestamp"),
        ("url=ftp://x/", "url"),
    ] {
        let response = app.get(&format!("/wayback/available?{query}")).await;
        assert_problem(response, StatusCode::BAD_REQUEST, field).await;
    }
}

#[tokio::test]
async fn availability_answers_as_archive_org_with_the_closest_memento() {
    let app = spawn_app().await;
    let model = store_model(&app);
    let own: Vec<&Row> = model.iter().filter(|r| r.surt == "org,example)/news/1").collect();
    let (first, last) = (own[0], own[own.len() - 1]);
    for (timestamp, row) in [
        (None, last),
        (Some("2001".to_owned()), first),
        (Some("2035".to_owned()), last),
        (Some(first.timestamp.clone()), first),
        (Some(last.timestamp.clone()), last),
    ] {
        let query = match &timestamp {
            Some(ts) => format!("url=example.org/news/1&timestamp={ts}"),
            None => "url=example.org/news/1".to_owned(),
        };
        let answer = app.get_json(&format!("/wayback/available?{query}")).await;
        let memento = format!("{}/web/{}id_/{}", app.address, row.timestamp, row.original);
        let mut expected = serde_json::json!({
            "url": "example.org/news/1",
            "archived_snapshots": {"closest": {
                "status": "200", "available": true, "url": memento, "timestamp": row.timestamp,
            }},
        });
        if let Some(ts) = timestamp {
            expected["timestamp"] = Value::String(ts);
        }
        assert_eq!(answer, expected, "{query}");
        let served = app.get(&memento.replace(&app.address, "")).await;
        assert_eq!(served.status(), StatusCode::OK);
        assert_eq!(served.text().await.unwrap(), row.text);
    }
    let none = app.get_json("/wayback/available?url=example.net/nothing").await;
    assert_eq!(
        none,
        serde_json::json!({"url": "example.net/nothing", "archived_snapshots": {}})
    );
}

#[tokio::test]
async fn a_restart_keeps_resume_keys_valid() {
    let data = tempfile::tempdir().unwrap();
    let token = crate::common::create_key(data.path(), "writer", "writer");
    let client = reqwest::Client::new();
    let ingest = |address: String, n: usize| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            let body = statement(&format!("https://example.org/page/{n}"), &format!("Page {n}."));
            let response = client
                .post(format!("{address}/v1/statements"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
        }
    };
    let get = |address: String, query: String| {
        let client = client.clone();
        async move {
            let response = client.get(format!("{address}/cdx?{query}")).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{query}");
            response.text().await.unwrap()
        }
    };
    let query = "url=example.org/page/*&fl=original&limit=3&showResumeKey=true";
    let (mut child, address) = crate::common::start(data.path());
    for n in 0..6 {
        ingest(address.clone(), n).await;
    }
    let first = get(address.clone(), query.to_owned()).await;
    let (page, key) = first.split_once("\n\n").unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let (mut child, address) = crate::common::start(data.path());
    let rest = get(address.clone(), format!("{query}&resumeKey={}", key.trim())).await;
    let _ = child.kill();
    let _ = child.wait();
    let all: Vec<&str> = page.lines().chain(rest.lines()).collect();
    let expected: Vec<String> = (0..6).map(|n| format!("https://example.org/page/{n}")).collect();
    assert_eq!(all, expected);
}
