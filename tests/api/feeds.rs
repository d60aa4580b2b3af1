//! The Atom feeds as a feed reader sees them: every document is read by the real `feedparser`
//! (PyPI), which must find it well-formed Atom 1.0, with the expected entries in order, the
//! filters applied, `rel="next"` pages that list every version once, ETags and 304s, and
//! hostile titles kept as text.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::feedparser::{link, parse_atom};
use crate::helpers::{assert_problem, spawn_app, urlencode, TestApp};

/// GETs `path` (or an absolute link of the service), expects an Atom feed, and returns it as
/// feedparser reads it with its ETag.
async fn feed(app: &TestApp, path: &str) -> (Value, String) {
    let path = path.strip_prefix(&app.address).unwrap_or(path);
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml",
        "GET {path}"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let body = response.bytes().await.unwrap();
    (parse_atom(&body), etag)
}

fn release(url: &str, content: &str, title: &str, publisher: &str, contact: &str) -> Value {
    json!({
        "source_url": url,
        "content": content,
        "title": title,
        "publisher": publisher,
        "media_contacts": [{ "name": contact, "phone": "212-284-7388" }],
    })
}

async fn ingest(app: &TestApp, body: Value) -> Value {
    app.ingest_ok(&body, StatusCode::CREATED).await
}

/// `statement id:version` of each entry, from its stable id.
fn entry_versions(feed: &Value) -> Vec<String> {
    feed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let id = entry["id"].as_str().unwrap();
            let rest = id.strip_prefix("urn:provenance:statement:").expect(id);
            rest.replace(":version:", ":")
        })
        .collect()
}

fn key(record: &Value) -> String {
    format!(
        "{}:{}",
        record["statement_id"].as_str().unwrap(),
        record["version"]
    )
}

#[tokio::test]
async fn the_registry_feed_lists_every_new_version_newest_first_with_its_change() {
    let app = spawn_app().await;
    let a1 = ingest(
        &app,
        release(
            "https://a.example/one",
            "The mayor caved to threats.",
            "Mayor statement",
            "City Hall",
            "Ann Lee",
        ),
    )
    .await;
    let b1 = ingest(
        &app,
        release(
            "https://b.example/two",
            "A second release.",
            "Second",
            "Other Org",
            "Bo Chan",
        ),
    )
    .await;
    let a2 = ingest(
        &app,
        release(
            "https://a.example/one",
            "The mayor yielded to threats today.",
            "Mayor statement",
            "City Hall",
            "Ann Lee",
        ),
    )
    .await;

    let (found, _) = feed(&app, "/v1/feeds/versions.atom").await;
    assert_eq!(entry_versions(&found), [key(&a2), key(&b1), key(&a1)]);
    assert_eq!(found["title"], "Provenance: new versions");
    assert!(link(&found["links"], "self").is_some(), "{found}");
    assert!(link(&found["links"], "next").is_none(), "one page");

    let newest = &found["entries"][0];
    let id = a2["statement_id"].as_str().unwrap();
    assert_eq!(newest["title"], "Mayor statement");
    assert_eq!(newest["author"], "City Hall");
    assert_eq!(
        newest["summary"], "Version 2: 2 words added, 1 word removed.",
        "the words of the history page"
    );
    let updated = chrono::DateTime::parse_from_rfc3339(newest["updated"].as_str().unwrap()).unwrap();
    let ingested = chrono::DateTime::parse_from_rfc3339(a2["ingested_at"].as_str().unwrap()).unwrap();
    assert_eq!(updated, ingested, "updated is the ingestion time");
    let hrefs: Vec<&str> = newest["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["href"].as_str().unwrap())
        .collect();
    let base = &app.address;
    assert_eq!(
        hrefs,
        [
            format!("{base}/statements/{id}/versions/2"),
            format!("{base}/v1/statements/{id}/versions/2"),
            format!("{base}/statements/{id}/compare?from=1&to=2"),
            format!("{base}/v1/statements/{id}/diff?from=1&to=2"),
        ]
    );
    for href in &hrefs {
        let path = href.strip_prefix(base.as_str()).unwrap();
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{href}");
    }
    assert!(
        found["entries"][2]["summary"]
            .as_str()
            .unwrap()
            .contains("the first version recorded"),
        "{found}"
    );

    let (alone, _) = feed(&app, &format!("/v1/statements/{id}/feed.atom")).await;
    assert_eq!(entry_versions(&alone), [key(&a2), key(&a1)]);
    assert_eq!(alone["title"], "Provenance: versions of Mayor statement");
    assert_eq!(
        link(&alone["links"], "alternate").unwrap(),
        format!("{base}/statements/{id}")
    );
}

#[tokio::test]
async fn filters_match_each_versions_publisher_contact_and_source() {
    let app = spawn_app().await;
    let a1 = ingest(
        &app,
        release("https://a.example/press/1", "One.", "One", "City Hall", "Ann Lee"),
    )
    .await;
    let b1 = ingest(
        &app,
        release("https://b.example/press/1", "Two.", "Two", "Other Org", "Bo Chan"),
    )
    .await;
    // The statement moves to another publisher: its first version still matches the old one.
    let a2 = ingest(
        &app,
        release("https://a.example/press/1", "One.", "One", "New Hall", "Ann Lee"),
    )
    .await;
    let a3 = ingest(
        &app,
        release(
            "https://a.example/press/2",
            "Three.",
            "Three",
            "city  HALL",
            "Bo Chan",
        ),
    )
    .await;

    let cases = [
        ("publisher=City%20Hall", vec![key(&a3), key(&a1)]),
        ("publisher=new+hall", vec![key(&a2)]),
        ("contact=bo%20chan", vec![key(&a3), key(&b1)]),
        (
            "contact=(212)%20284-7388",
            vec![key(&a3), key(&a2), key(&b1), key(&a1)],
        ),
        (
            &format!("source_prefix={}", urlencode("https://a.example/press/")),
            vec![key(&a3), key(&a2), key(&a1)],
        ),
        ("publisher=city+hall&contact=Ann+Lee", vec![key(&a1)]),
        ("publisher=nobody", vec![]),
    ];
    for (query, expected) in cases {
        let (found, _) = feed(&app, &format!("/v1/feeds/versions.atom?{query}")).await;
        assert_eq!(entry_versions(&found), expected, "{query}");
    }
    let (titled, _) = feed(&app, "/v1/feeds/versions.atom?publisher=City+Hall").await;
    assert_eq!(
        titled["title"],
        "Provenance: new versions (publisher “City Hall”)"
    );

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("cursor=%21", "cursor"),
        ("publisher=%01", "publisher"),
        ("contact=", "contact"),
        ("source_prefix=%20", "source_prefix"),
        ("source_prefix=https://%C3%A9", "source_prefix"),
    ] {
        let response = app.get(&format!("/v1/feeds/versions.atom?{query}")).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, field).await;
        if field == "limit" {
            let detail = problem.to_string();
            assert!(detail.contains("from 1 to 50"), "a feed's own bound: {problem}");
        }
    }
    let unknown = app
        .get("/v1/statements/00000000000000000000000000000000/feed.atom")
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "").await;
    let malformed = app.get("/v1/statements/nope/feed.atom").await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "statement_id").await;
}

/// Follows `rel="next"` from `first` to the end; returns every entry's version and the
/// number of pages.
async fn walk(app: &TestApp, first: &str) -> (Vec<String>, usize) {
    let (mut seen, mut pages, mut next) = (Vec::new(), 0, Some(first.to_owned()));
    while let Some(page) = next {
        let (found, _) = feed(app, &page).await;
        seen.extend(entry_versions(&found));
        pages += 1;
        assert!(pages <= 50, "the pages end");
        next = link(&found["links"], "next");
    }
    (seen, pages)
}

#[tokio::test]
async fn next_links_walk_every_version_once_newest_first() {
    let app = spawn_app().await;
    let mut made = Vec::new();
    for round in 0..4 {
        for statement in 0..2 {
            let url = format!("https://paged.example/{statement}");
            let text = format!("Release {statement}, wording number {round}.");
            made.push(key(&ingest(
                &app,
                release(&url, &text, "T", "Paged Org", "Ann Lee"),
            )
            .await));
        }
    }
    made.reverse();
    let (seen, pages) = walk(&app, "/v1/feeds/versions.atom?limit=3").await;
    assert_eq!(seen, made, "every version once, newest first");
    assert_eq!(pages, 3);
    let (filtered, _) = walk(&app, "/v1/feeds/versions.atom?limit=2&publisher=paged+org").await;
    assert_eq!(filtered, made, "the filter is kept in the next links");

    let id = made[0].split(':').next().unwrap().to_owned();
    let (alone, pages) = walk(&app, &format!("/v1/statements/{id}/feed.atom?limit=1")).await;
    let expected: Vec<String> = made.iter().filter(|k| k.starts_with(&id)).cloned().collect();
    assert_eq!((alone, pages), (expected, 4));
    let (capped, _) = feed(&app, "/v1/feeds/versions.atom?limit=5000").await;
    assert_eq!(
        entry_versions(&capped).len(),
        8,
        "a large limit is capped, not refused"
    );
}

#[tokio::test]
async fn etags_answer_conditional_gets_with_304_until_something_new() {
    let app = spawn_app().await;
    ingest(
        &app,
        release("https://etag.example/1", "First.", "T", "P", "Ann Lee"),
    )
    .await;
    let path = "/v1/feeds/versions.atom";
    let (_, etag) = feed(&app, path).await;
    let conditional = |etag: String| {
        app.client
            .get(format!("{}{path}", app.address))
            .header("If-None-Match", etag)
            .send()
    };
    let cached = conditional(etag.clone()).await.unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cached.headers()["etag"].to_str().unwrap(), etag);
    assert!(cached.bytes().await.unwrap().is_empty());
    let (_, again) = feed(&app, path).await;
    assert_eq!(again, etag, "the same page, the same tag");
    let (_, other_query) = feed(&app, "/v1/feeds/versions.atom?limit=1").await;
    assert_ne!(other_query, etag, "the query is part of the tag");

    ingest(
        &app,
        release("https://etag.example/1", "Second.", "T", "P", "Ann Lee"),
    )
    .await;
    let fresh = conditional(etag.clone()).await.unwrap();
    assert_eq!(fresh.status(), StatusCode::OK, "a new version changes the feed");
    assert_ne!(fresh.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn hostile_titles_and_text_stay_text_in_a_well_formed_feed() {
    let app = spawn_app().await;
    let hostile = "<script>alert('x')</script> ]]> <![CDATA[ & &amp; \"quoted\"";
    let titled = ingest(
        &app,
        json!({
            "source_url": "https://hostile.example/1",
            "content": "Some text.",
            "title": hostile,
            "publisher": "<b>Org</b> & ]]>",
        }),
    )
    .await;
    // No title sent: the extractor reads one from a text full of control characters.
    let extracted = ingest(
        &app,
        json!({
            "source_url": "https://hostile.example/2",
            "content": "Head\u{1}line \u{8}<script>x</script>\u{1b}[31m ]]>\u{7f}\u{85}\n\nBody text \u{c}here.",
        }),
    )
    .await;
    let (found, _) = feed(&app, "/v1/feeds/versions.atom").await;
    assert_eq!(entry_versions(&found), [key(&extracted), key(&titled)]);
    assert_eq!(
        found["entries"][1]["title"], hostile,
        "the title as sent, as text"
    );
    assert_eq!(found["entries"][1]["author"], "<b>Org</b> & ]]>");
    let shown = found["entries"][0]["title"].as_str().unwrap();
    assert!(
        shown.chars().all(|c| !c.is_control()),
        "control characters are dropped: {shown:?}"
    );
    // And in the raw document, nothing of the statement is markup.
    let body = app.get("/v1/feeds/versions.atom").await.text().await.unwrap();
    assert!(!body.contains("<script"), "{body}");
    assert!(!body.contains("<b>"), "{body}");
}

#[tokio::test]
async fn feeds_are_linked_from_pages_and_records() {
    let app = spawn_app().await;
    let record = ingest(
        &app,
        release(
            "https://linked.example/1",
            "Text.",
            "A \"title\" <x>",
            "P",
            "Ann Lee",
        ),
    )
    .await;
    let id = record["statement_id"].as_str().unwrap();
    let statement = app.get_json(&format!("/v1/statements/{id}")).await;
    let feed_path = format!("/v1/statements/{id}/feed.atom");
    assert_eq!(statement["links"]["feed"], feed_path.as_str());
    assert_eq!(statement["links"]["page"], format!("/statements/{id}"));
    let listed = app.get_json("/v1/statements").await;
    assert_eq!(listed["items"][0]["links"]["feed"], feed_path.as_str());
    feed(&app, &feed_path).await;

    let page = app.get(&format!("/statements/{id}")).await.text().await.unwrap();
    for href in [
        feed_path.as_str(),
        "/v1/feeds/versions.atom",
        "/v1/feeds/withdrawn.atom",
    ] {
        assert!(
            page.contains(&format!(
                r#"<link rel="alternate" type="application/atom+xml" href="{href}""#
            )),
            "{href} in {page}"
        );
    }
    let home = app.get("/").await.text().await.unwrap();
    assert!(
        home.contains(r#"<link rel="alternate" type="application/atom+xml" href="/v1/feeds/versions.atom""#)
    );
    assert!(!home.contains(&feed_path), "a statement's feed only on its page");
}

#[tokio::test]
async fn an_empty_registry_has_empty_well_formed_feeds() {
    let app = spawn_app().await;
    for path in ["/v1/feeds/versions.atom", "/v1/feeds/withdrawn.atom"] {
        let (found, _) = feed(&app, path).await;
        assert_eq!(found["entries"], json!([]), "{path}");
    }
}
