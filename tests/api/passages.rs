//! Tracing a passage to where it first appeared (`POST /v1/passages/search`), over fixtures
//! written for it (`tests/fixtures/passages`) and the corpus seeds.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::corpus::corpus_dir;
use crate::helpers::{assert_problem, spawn_app, TestApp};

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/passages")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// Ingests a fixture at `https://<site>/<name>`, published on `date`; returns its statement id.
async fn ingest(app: &TestApp, site: &str, name: &str, date: &str) -> String {
    let content_type = if name.ends_with(".html") {
        "text/html"
    } else {
        "text/plain"
    };
    let body = json!({
        "source_url": format!("https://{site}/{name}"),
        "content": fixture(name),
        "content_type": content_type,
        "published_at": date,
    });
    let record = app.ingest_ok(&body, StatusCode::CREATED).await;
    record["statement_id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, passage: &str) -> Vec<Value> {
    let response = app
        .post_json_anonymously("/v1/passages/search", &json!({ "passage": passage }))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "search for {passage:?}");
    let results: Value = response.json().await.unwrap();
    assert_eq!(results["unread_candidates"], 0, "every candidate was read");
    results["items"].as_array().unwrap().clone()
}

fn ids(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item["statement_id"].as_str().unwrap())
        .collect()
}

struct Fixtures {
    release: String,
    article: String,
    crosspost: String,
    petition_a: String,
    petition_b: String,
    unrelated: String,
}

async fn ingest_fixtures(app: &TestApp) -> Fixtures {
    Fixtures {
        // Ingested out of publication order: the answer is ordered by publication, not ingest.
        article: ingest(app, "news.example", "article.txt", "2022-03-03").await,
        crosspost: ingest(
            app,
            "faith.example",
            "crosspost.html",
            "2022-03-02T15:00:00-07:00",
        )
        .await,
        release: ingest(app, "cojustice.example", "release.txt", "2022-03-02").await,
        petition_b: ingest(app, "westfield.example", "petition_b.txt", "2023-09-01").await,
        petition_a: ingest(app, "schools.example", "petition_a.txt", "2023-05-10").await,
        unrelated: ingest(app, "sheriff.example", "unrelated.txt", "2022-04-12").await,
    }
}

#[tokio::test]
async fn a_quote_is_traced_to_the_release_before_the_article_and_the_crosspost() {
    let app = spawn_app().await;
    let f = ingest_fixtures(&app).await;
    // As the article prints it: curly quotes, its own line breaks.
    let quote = "“The county has built a shadow deportation pipeline through its jail,\nand it did so \
                 behind closed doors without a single public hearing,”";
    let items = search(&app, quote).await;
    assert_eq!(ids(&items), [&f.release, &f.crosspost, &f.article]);
    let first = &items[0];
    assert_eq!(first["exact"], true);
    assert_eq!(first["score"], 1.0);
    assert_eq!(first["published_at"], "2022-03-02");
    let matched = first["matched_text"].as_str().unwrap();
    assert!(
        matched.starts_with("The county has built") && matched.ends_with("public hearing"),
        "{matched}"
    );
    let release = fixture("release.txt");
    let (start, end) = (
        first["span"]["start"].as_u64().unwrap(),
        first["span"]["end"].as_u64().unwrap(),
    );
    assert_eq!(
        &release[start as usize..end as usize],
        matched,
        "the span is a byte range of the content"
    );
    assert!(items
        .iter()
        .all(|item| item["statement_id"] != f.unrelated.as_str()));
}

#[tokio::test]
async fn near_copies_are_found_with_their_score() {
    let app = spawn_app().await;
    let f = ingest_fixtures(&app).await;
    // An ellipsis, and one word changed ("will" for "intend to").
    let edited = "No contract can rewrite the Fourth Amendment, and we will prove that in court. \
                  ... The complaint asks the court to void the agreement";
    let items = search(&app, edited).await;
    assert_eq!(ids(&items), [&f.release, &f.crosspost]);
    assert_eq!(items[0]["exact"], false);
    let score = items[0]["score"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&score), "{score}");
}

#[tokio::test]
async fn a_reused_petition_letter_is_traced_to_its_first_use() {
    let app = spawn_app().await;
    let f = ingest_fixtures(&app).await;
    let letter = "urge you to end the practice of sharing student records with outside agencies without a \
                  court order. Every child in this district deserves to learn without fear";
    let items = search(&app, letter).await;
    assert_eq!(ids(&items), [&f.petition_a, &f.petition_b]);
    assert!(items.iter().all(|item| item["exact"] == true));
}

#[tokio::test]
async fn stock_phrases_and_unknown_text_are_traced_nowhere() {
    let app = spawn_app().await;
    let f = ingest_fixtures(&app).await;
    let shared_phrase = "the jail follows all state and federal laws and that public safety remains the \
                         sheriff's first priority";
    assert_eq!(
        ids(&search(&app, shared_phrase).await),
        [&f.article],
        "not the sheriff's release"
    );
    let stock = "The Trump administration said public safety remains the first priority of every sheriff";
    assert!(search(&app, stock).await.is_empty());
    let unknown = "Nothing in this sentence was ever written by any organization in the registry at all";
    assert!(search(&app, unknown).await.is_empty());
    app.assert_store_consistent();
}

#[tokio::test]
async fn a_sentence_of_a_seed_quote_is_traced_to_that_seed_only() {
    let app = spawn_app().await;
    let mut seeds: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    let mut first_seed = String::new();
    for path in &seeds {
        let name = path.file_name().unwrap().to_str().unwrap();
        let body = json!({"source_url": format!("https://corpus.example/{name}"), "content": std::fs::read_to_string(path).unwrap()});
        let record = app.ingest_ok(&body, StatusCode::CREATED).await;
        if first_seed.is_empty() {
            first_seed = record["statement_id"].as_str().unwrap().to_owned();
        }
    }
    // From Lorella Praeli's quote in the first seed.
    let sentence = "Sanctuary city policies improve public safety";
    let seed = std::fs::read_to_string(&seeds[0]).unwrap();
    let start = seed.find(sentence).expect("the quote is in the first seed");
    let passage: String = seed[start..]
        .split_whitespace()
        .take(20)
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(ids(&search(&app, &passage).await), [first_seed.as_str()]);
    let nowhere =
        "The registry never held a statement about lighthouse keepers and their seasonal ferry schedules";
    assert!(search(&app, nowhere).await.is_empty());
}

#[tokio::test]
async fn bad_searches_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    ingest_fixtures(&app).await;
    let short = json!({"passage": "public safety remains the first priority"});
    let response = app.post_json_anonymously("/v1/passages/search", &short).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "passage").await;
    assert_eq!(
        problem["detail"],
        "passage: must have at least 8 words (it has 6): a shorter phrase is no evidence of where it came from"
    );
    let missing = app.post_json_anonymously("/v1/passages/search", &json!({})).await;
    assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "passage").await;
    let limit = json!({"passage": "one two three four five six seven eight nine", "limit": 0});
    let response = app.post_json_anonymously("/v1/passages/search", &limit).await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "limit").await;
}
