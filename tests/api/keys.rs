//! Managing keys through the service: the last admin key cannot revoke itself, and a fresh
//! service makes its first admin key and writes the token to an owner-only file.

use provenance::domain::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, TestApp};

async fn revoke(app: &TestApp, name: &str, admin: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}/v1/keys/{name}", app.address))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
}

async fn list(app: &TestApp, admin: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/v1/keys", app.address))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_last_admin_key_cannot_be_revoked() {
    let app = spawn_app().await;
    let ops = app.key("ops", Role::Admin);
    let problem = assert_problem(revoke(&app, "ops", &ops).await, StatusCode::CONFLICT, "").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("ops is the last live admin key")
            && detail.contains("Create another admin key first"),
        "{detail}"
    );
    assert_eq!(
        list(&app, &ops).await.status(),
        StatusCode::OK,
        "the key still works"
    );

    let created: Value = app
        .client
        .post(format!("{}/v1/keys", app.address))
        .bearer_auth(&ops)
        .json(&json!({"name": "ops-2", "role": "admin"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = created["token"].as_str().unwrap().to_owned();
    let revoked = revoke(&app, "ops", &second).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(list(&app, &ops).await.status(), StatusCode::UNAUTHORIZED);
    assert_problem(revoke(&app, "ops-2", &second).await, StatusCode::CONFLICT, "").await;
    assert_eq!(list(&app, &second).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_fresh_service_writes_its_first_admin_key_to_an_owner_only_file() {
    let folder = tempfile::tempdir().unwrap();
    let data_dir = folder.path().join("data");
    let settings_dir = data_dir.clone();
    let app = spawn_app_with(move |settings| {
        settings.data_dir = settings_dir;
        settings.no_admin_key_file = false;
    })
    .await;
    let file = data_dir.join("admin-key");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the token file is its owner's only");
    let token = std::fs::read_to_string(&file).unwrap().trim().to_owned();
    let keys: Value = list(&app, &token).await.json().await.unwrap();
    let admin = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["name"] == "admin")
        .unwrap_or_else(|| panic!("{keys}"));
    assert_eq!(admin["role"], "admin");
}
