//! The real binary, stopped and started again on the same data folder: everything that was
//! acknowledged is still there, byte for byte, whether the process was stopped gracefully
//! (SIGTERM) or killed (SIGKILL).

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::independent_sha256;

struct Server {
    child: Child,
    address: String,
}

impl Server {
    /// Starts `provenance serve` on a free port and waits for the line that names it.
    fn start(data_dir: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_provenance"))
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2", "--data-dir"])
            .arg(data_dir)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the provenance binary starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the server names its address before exiting")
                .unwrap();
            if let Some((_, rest)) = line.split_once("listening on ") {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
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

async fn ingest_some(client: &reqwest::Client, address: &str, round: usize) -> Vec<(Value, String)> {
    let mut acknowledged = Vec::new();
    for n in 0..5 {
        let content = format!("Statement {n}, round {round}: “quoted” — dashed.\n");
        let body = json!({"source_url": format!("https://example.org/{n}"), "content": content, "published_at": "2017-08-16"});
        let response = client
            .post(format!("{address}/v1/statements"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        acknowledged.push((response.json().await.unwrap(), content));
    }
    acknowledged
}

async fn assert_all_readable(client: &reqwest::Client, address: &str, acknowledged: &[(Value, String)]) {
    for (record, content) in acknowledged {
        let path = format!(
            "{address}/v1/statements/{}/versions/{}",
            record["statement_id"].as_str().unwrap(),
            record["version"]
        );
        let stored: Value = client.get(&path).send().await.unwrap().json().await.unwrap();
        assert_eq!(&stored, record);
        let bytes = client
            .get(format!("{path}/content"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(bytes.as_ref(), content.as_bytes());
        assert_eq!(record["sha256"], independent_sha256(&bytes));
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

    let mut server = Server::start(data.path());
    acknowledged.extend(ingest_some(&client, &server.address, 1).await);
    server.signal("-TERM");

    let mut server = Server::start(data.path());
    assert_all_readable(&client, &server.address, &acknowledged).await;
    acknowledged.extend(ingest_some(&client, &server.address, 2).await);
    server.signal("-KILL");

    let server = Server::start(data.path());
    assert_all_readable(&client, &server.address, &acknowledged).await;
    let versions: Value = client
        .get(format!(
            "{}/v1/statements/{}/versions",
            server.address,
            acknowledged[0].0["statement_id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);
}
