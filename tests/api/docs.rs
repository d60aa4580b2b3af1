//! The interface's documentation: the served OpenAPI document equals the committed one, and the
//! docs page is served entirely by the service itself.

use reqwest::StatusCode;
use serde_json::Value;
use std::path::PathBuf;

use crate::helpers::spawn_app;

fn committed_document_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json")
}

#[tokio::test]
async fn served_document_equals_the_committed_one() {
    let generated = provenance::api::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(committed_document_path(), &generated).unwrap();
    }
    let committed =
        std::fs::read_to_string(committed_document_path()).expect("openapi/openapi.json is committed");
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the generated document; regenerate it with \
         `UPDATE_OPENAPI=1 cargo test --test api docs` (or `cargo run -- openapi > openapi/openapi.json`) and review the diff"
    );
    let app = spawn_app().await;
    let served = app.get("/openapi.json").await.text().await.unwrap();
    assert_eq!(served, committed);
}

#[tokio::test]
async fn every_operation_is_documented_with_errors_and_examples() {
    let document: Value = serde_json::from_str(&provenance::api::openapi_json()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    let expected = [
        "/v1/statements",
        "/v1/statements/{statement_id}",
        "/v1/statements/{statement_id}/versions",
        "/v1/statements/{statement_id}/versions/{version}",
        "/v1/statements/{statement_id}/versions/{version}/content",
        "/v1/hashes/{digest}",
        "/v1/statements/{statement_id}/versions/{version}/proof",
        "/v1/log/checkpoint",
        "/v1/log/key",
        "/v1/log/proof/inclusion",
        "/v1/log/proof/consistency",
        "/v1/log/entries",
        "/healthz",
    ];
    for path in expected {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                operation["operationId"].is_string(),
                "{method} {path} has an operation id"
            );
            assert!(operation["summary"].is_string(), "{method} {path} has a summary");
            let responses = operation["responses"].as_object().unwrap();
            let takes_input = operation["parameters"].as_array().is_some_and(|p| !p.is_empty())
                || operation.get("requestBody").is_some();
            if takes_input {
                assert!(responses.contains_key("400"), "{method} {path} documents its 400");
            }
        }
    }
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        let pointer = reference.strip_prefix('#').expect("local references only");
        assert!(document.pointer(pointer).is_some(), "{reference} resolves");
    }
    assert!(schemas["IngestRequest"]["example"].is_object());
    assert!(schemas["VersionRecord"]["example"].is_object());
    assert!(schemas["Problem"]["example"].is_object());
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference.clone());
            }
            map.values().for_each(|v| collect_references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn docs_page_needs_no_other_host() {
    let app = spawn_app().await;
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/docs", app.address))
        .send()
        .await
        .unwrap();
    assert!(redirect.status().is_redirection());
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "the page is Swagger UI");
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        assert!(html.contains(asset), "the page loads {asset}");
        let response = app.get(&format!("/docs/{asset}")).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{asset} is served by the service"
        );
    }
    for external in ["http://", "https://", "//cdn", "unpkg", "jsdelivr"] {
        let outside = html.match_indices(external).count();
        assert_eq!(outside, 0, "the docs page refers to another host ({external})");
    }
    let initializer = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("\"/openapi.json\""));
    assert!(
        initializer.contains("\"validatorUrl\": \"none\""),
        "no call to the online validator"
    );
}

#[tokio::test]
async fn every_error_response_shows_an_example_of_its_own_status() {
    let document: Value = serde_json::from_str(&provenance::api::openapi_json()).unwrap();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                let Some(reference) = response["$ref"].as_str() else {
                    continue;
                };
                let component = document.pointer(reference.trim_start_matches('#')).unwrap();
                let example = &component["content"]["application/problem+json"]["example"];
                assert_eq!(
                    example["status"].to_string(),
                    *status,
                    "{method} {path} {status}: {reference} shows {example}"
                );
                assert!(example["detail"].is_string(), "{reference}");
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked} error responses checked");
}
