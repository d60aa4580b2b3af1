//! The extractor in the service: `POST /v1/extract` stores nothing, and an ingest fills the
//! fields a client left out from the content, marks them `extracted`, and the list filters
//! see them.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::corpus::corpus_dir;
use crate::helpers::{assert_problem, spawn_app, spawn_app_with, statement, urlencode, TestApp};

fn seed(prefix: &str) -> String {
    let path = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}*"));
    std::fs::read_to_string(path).unwrap()
}

async fn ingest_seed(app: &TestApp, prefix: &str) -> Value {
    let body = statement(&format!("https://corpus.example/{prefix}"), &seed(prefix));
    app.ingest_ok(&body, StatusCode::CREATED).await
}

#[tokio::test]
async fn a_seed_ingested_bare_gets_its_date_and_contacts_from_the_text() {
    let app = spawn_app().await;
    let record = ingest_seed(&app, "000_").await;
    assert_eq!(record["published_at"], "2017-08-16");
    assert_eq!(
        record["media_contacts"],
        json!([
            {"name": null, "organization": "ACLU of Florida Media Office", "phone": "(786) 363-2737", "email": null},
            {"name": "Ryan Karerat", "organization": null, "phone": "212-284-7388", "email": null}
        ])
    );
    assert_eq!(record["title"], Value::Null, "the seed has no headline");
    assert_eq!(
        record["field_sources"],
        json!({"title": null, "publisher": null, "published_at": "extracted", "media_contacts": "extracted"})
    );

    let again = ingest_seed_again(&app, "000_").await;
    assert_eq!(again, record, "the same text reads the same: nothing new");
    app.assert_store_consistent();
}

async fn ingest_seed_again(app: &TestApp, prefix: &str) -> Value {
    let body = statement(&format!("https://corpus.example/{prefix}"), &seed(prefix));
    app.ingest_ok(&body, StatusCode::OK).await
}

#[tokio::test]
async fn the_clients_values_win_and_an_empty_contact_list_is_kept() {
    let app = spawn_app().await;
    let mut body = statement("https://corpus.example/003", &seed("003_"));
    body["title"] = json!("Our own headline");
    body["media_contacts"] = json!([]);
    let record = app.ingest_ok(&body, StatusCode::CREATED).await;
    assert_eq!(record["title"], "Our own headline");
    assert_eq!(record["published_at"], "2018-01-24");
    assert_eq!(record["media_contacts"], json!([]));
    assert_eq!(
        record["field_sources"],
        json!({"title": "supplied", "publisher": null, "published_at": "extracted", "media_contacts": "supplied"})
    );
}

#[tokio::test]
async fn the_list_filters_see_extracted_values() {
    let app = spawn_app().await;
    let release = ingest_seed(&app, "000_").await;
    let article = ingest_seed(&app, "004_").await;
    assert_eq!(
        article["media_contacts"],
        json!([]),
        "the news article names no media contact"
    );

    let ids = |page: Value| -> Vec<Value> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["statement_id"].clone())
            .collect()
    };
    let by_contact = app
        .get_json(&format!("/v1/statements?contact={}", urlencode("Ryan Karerat")))
        .await;
    assert_eq!(ids(by_contact), [release["statement_id"].clone()]);
    let by_phone = app.get_json("/v1/statements?contact=786-363-2737").await;
    assert_eq!(ids(by_phone), [release["statement_id"].clone()]);
    let dated = app
        .get_json("/v1/statements?published_after=2017-08-01&published_before=2017-08-31")
        .await;
    assert_eq!(ids(dated), [release["statement_id"].clone()]);
}

#[tokio::test]
async fn extract_is_a_dry_run_open_to_readers() {
    let app = spawn_app().await;
    let body = json!({
        "source_url": "https://corpus.example/003",
        "content": seed("003_"),
        "publisher": "American Civil Liberties Union"
    });
    let response = app.post_json_anonymously("/v1/extract", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let result: Value = response.json().await.unwrap();
    let extraction = &result["extraction"];
    assert_eq!(extraction["dateline"]["place"], "WASHINGTON");
    assert_eq!(extraction["published_at"]["value"], "2018-01-24");
    assert_eq!(extraction["published_at"]["published_time_local"], "16:30");
    assert_eq!(extraction["kind"], "press_release");
    assert_eq!(extraction["speakers"][0]["name"], "Lorella Praeli");
    assert_eq!(extraction["text"], body["content"]);
    let metadata = &result["metadata"];
    assert_eq!(
        metadata["title"],
        "ACLU Comment on Department of Justice Threats to 23 Jurisdictions Over Immigration Enforcement"
    );
    assert_eq!(metadata["publisher"], "American Civil Liberties Union");
    assert_eq!(
        metadata["field_sources"],
        json!({"title": "extracted", "publisher": "supplied", "published_at": "extracted", "media_contacts": null})
    );

    let ingested = app.ingest_ok(&body, StatusCode::CREATED).await;
    assert_eq!(result["statement_id"], ingested["statement_id"]);
    for field in [
        "title",
        "publisher",
        "published_at",
        "media_contacts",
        "field_sources",
    ] {
        assert_eq!(
            metadata[field], ingested[field],
            "{field}: the dry run shows what ingest records"
        );
    }
}

#[tokio::test]
async fn extract_stores_nothing_and_needs_only_content() {
    let app = spawn_app().await;
    let html = "<html><head><script>var x = \"MIAMI — not text\";</script></head><body>\
<nav><a href=\"/\">Home</a></nav><h1>Council Votes on Budget</h1>\
<p>June 14, 2023</p><p>BOSTON — The council voted today.</p></body></html>";
    let body = json!({"content": html, "content_type": "text/html"});
    let response = app.post_json_anonymously("/v1/extract", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["statement_id"], Value::Null);
    assert_eq!(result["extraction"]["title"]["text"], "Council Votes on Budget");
    assert_eq!(result["extraction"]["dateline"]["place"], "BOSTON");
    assert_eq!(result["metadata"]["published_at"], "2023-06-14");
    assert!(!result["extraction"]["text"]
        .as_str()
        .unwrap()
        .contains("not text"));
    assert_eq!(app.statement_count().await, 0);

    let missing = app
        .post_json_anonymously("/v1/extract", &json!({"title": "T"}))
        .await;
    assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "content").await;
    let bad_url = json!({"content": "Text", "source_url": "ftp://example.org/x"});
    let response = app.post_json_anonymously("/v1/extract", &bad_url).await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "source_url").await;
    let server_field = json!({"content": "Text", "version": 3});
    let response = app.post_json_anonymously("/v1/extract", &server_field).await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "version").await;
}

#[tokio::test]
async fn extract_needs_a_key_when_reads_do() {
    let app = spawn_app_with(|settings| settings.reads_need_key = true).await;
    let body = json!({"content": "Text"});
    let response = app.post_json_anonymously("/v1/extract", &body).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "Authorization").await;
    let response = app
        .post_raw("/v1/extract", "application/json", body.to_string())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
