//! Listing and looking up statements: by URL, by publisher, contact and publication date, paged.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, urlencode, TestApp};

async fn seed(app: &TestApp) {
    let statements = [
        json!({"source_url": "https://aclu.example/miami", "content": "Miami statement", "publisher": "ACLU of Florida",
               "published_at": "2017-08-16", "media_contacts": [{"organization": "ACLU of Florida Media Office", "phone": "(786) 363-2737"},
                                                              {"name": "Ryan Karerat", "phone": "212-284-7388"}]}),
        json!({"source_url": "https://aclu.example/doj", "content": "DOJ statement", "publisher": "ACLU",
               "published_at": "2018-01-24T16:30:00-05:00", "media_contacts": [{"email": "Media@ACLU.org"}]}),
        json!({"source_url": "https://aclu.example/petition", "content": "Petition", "publisher": "aclu  of florida",
               "published_at": "2009-07-15T13:33:00-04:00"}),
        json!({"source_url": "https://news.example/article", "content": "News article"}),
    ];
    for body in &statements {
        app.ingest_ok(body, StatusCode::CREATED).await;
    }
}

async fn urls(app: &TestApp, query: &str) -> Vec<String> {
    let page: Value = app.get_json(&format!("/v1/statements?{query}")).await;
    let mut urls: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source_url"].as_str().unwrap().to_owned())
        .collect();
    urls.sort();
    urls
}

#[tokio::test]
async fn filters_select_by_latest_version() {
    let app = spawn_app().await;
    seed(&app).await;
    let cases: &[(&str, &[&str])] = &[
        (
            "",
            &[
                "https://aclu.example/doj",
                "https://aclu.example/miami",
                "https://aclu.example/petition",
                "https://news.example/article",
            ],
        ),
        (
            "publisher=ACLU%20of%20Florida",
            &["https://aclu.example/miami", "https://aclu.example/petition"],
        ),
        ("publisher=aclu", &["https://aclu.example/doj"]),
        ("contact=ryan%20karerat", &["https://aclu.example/miami"]),
        ("contact=786.363.2737", &["https://aclu.example/miami"]),
        ("contact=media%40aclu.org", &["https://aclu.example/doj"]),
        (
            "contact=ACLU%20of%20Florida%20Media%20Office",
            &["https://aclu.example/miami"],
        ),
        ("contact=Karerat", &[]),
        (
            "published_after=2017-01-01",
            &["https://aclu.example/doj", "https://aclu.example/miami"],
        ),
        (
            "published_before=2017-08-16",
            &["https://aclu.example/miami", "https://aclu.example/petition"],
        ),
        (
            "published_after=2017-08-16&published_before=2017-08-16",
            &["https://aclu.example/miami"],
        ),
        (
            "published_after=2018-01-24&published_before=2018-01-24",
            &["https://aclu.example/doj"],
        ),
        (
            "publisher=ACLU%20of%20Florida&published_after=2010-01-01",
            &["https://aclu.example/miami"],
        ),
        ("contact=ryan%20karerat&publisher=aclu", &[]),
        (
            "source_url=https%3A%2F%2FACLU.example%2Fdoj%3Futm_campaign%3Dx",
            &["https://aclu.example/doj"],
        ),
        ("source_url=https%3A%2F%2Faclu.example%2Fnever", &[]),
    ];
    for (query, expected) in cases {
        assert_eq!(urls(&app, query).await, *expected, "query {query:?}");
    }
}

#[tokio::test]
async fn filters_follow_new_versions() {
    let app = spawn_app().await;
    seed(&app).await;
    let moved = json!({"source_url": "https://aclu.example/miami", "content": "Miami statement", "publisher": "ACLU National"});
    app.ingest_ok(&moved, StatusCode::CREATED).await;
    assert_eq!(
        urls(&app, "publisher=aclu%20national").await,
        ["https://aclu.example/miami"]
    );
    assert_eq!(
        urls(&app, "publisher=ACLU%20of%20Florida").await,
        ["https://aclu.example/petition"]
    );
    assert!(urls(&app, "contact=ryan%20karerat").await.is_empty());
    assert!(!urls(&app, "published_after=2017-01-01")
        .await
        .contains(&"https://aclu.example/miami".to_owned()));
    app.assert_store_consistent();
}

#[tokio::test]
async fn pages_cover_every_statement_once() {
    let app = spawn_app().await;
    for n in 0..7 {
        let body =
            json!({"source_url": format!("https://example.org/{n}"), "content": "x", "publisher": "Same"});
        app.ingest_ok(&body, StatusCode::CREATED).await;
    }
    for base in ["/v1/statements?limit=3", "/v1/statements?limit=3&publisher=same"] {
        let mut seen = Vec::new();
        let mut path = base.to_owned();
        loop {
            let page = app.get_json(&path).await;
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["statement_id"].as_str().unwrap().to_owned()),
            );
            match page["next"].as_str() {
                Some(next) => path = format!("{base}&cursor={}", urlencode(next)),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (7, 7), "{base}");
    }
    assert_eq!(app.statement_count().await, 7);
}

#[tokio::test]
async fn limit_is_capped() {
    let app = spawn_app().await;
    let page = app.get_json("/v1/statements?limit=100000").await;
    assert_eq!(page["items"], json!([]));
}
