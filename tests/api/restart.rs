//! The real binary, stopped and started again on the same data folder: everything that was
//! acknowledged is still there, byte for byte, whether the process was stopped gracefully
//! (SIGTERM) or killed (SIGKILL).

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use crate::helpers::independent_sha256;

struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        let (child, address) = crate::common::start(data_dir);
        Server { child, address }
    }

    fn signal(&mut self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn ingest_some(
    client: &reqwest::Client,
    address: &str,
    token: &str,
    round: usize,
) -> Vec<(Value, String)> {
    let mut acknowledged = Vec::new();
    for n in 0..5 {
        let content = format!(
            "Statement {n}, round {round}: “quoted” — dashed. Minutes of meeting {n} held \
             in round {round} of the restart test.\n"
        );
        let body = json!({"source_url": format!("https://example.org/{n}"), "content": content, "published_at": "2017-08-16"});
        let response = client
            .post(format!("{address}/v1/statements"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        acknowledged.push((response.json().await.unwrap(), content));
    }
    acknowledged
}

/// Every acknowledged version reads back, and its text is found by passage search (from the
/// passage index's segment files, and from what it rebuilt in memory at start).
async fn assert_all_readable(client: &reqwest::Client, address: &str, acknowledged: &[(Value, String)]) {
    for (record, content) in acknowledged {
        crate::common::assert_version_kept(client, address, record, content).await;
        assert_eq!(record["sha256"], independent_sha256(content.as_bytes()));
        let found = crate::common::send_for_json(
            client
                .post(format!("{address}/v1/passages/search"))
                .json(&json!({ "passage": content })),
        )
        .await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|item| item["statement_id"] == record["statement_id"]),
            "{content:?} traced to its statement: {found}"
        );
    }
}

#[tokio::test]
async fn acknowledged_writes_survive_restarts_and_kills() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut acknowledged = Vec::new();
    let token = crate::common::create_key(data.path(), "writer", "writer");

    let mut server = Server::start(data.path());
    acknowledged.extend(ingest_some(&client, &server.address, &token, 1).await);
    server.signal("-TERM");

    let mut server = Server::start(data.path());
    assert_all_readable(&client, &server.address, &acknowledged).await;
    acknowledged.extend(ingest_some(&client, &server.address, &token, 2).await);
    server.signal("-KILL");

    let server = Server::start(data.path());
    assert_all_readable(&client, &server.address, &acknowledged).await;
    let versions = crate::common::send_for_json(client.get(format!(
        "{}/v1/statements/{}/versions",
        server.address,
        acknowledged[0].0["statement_id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);
}
