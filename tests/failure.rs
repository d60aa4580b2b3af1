//! Store failures on the write path: the real binary runs under a file-size limit (`ulimit -f`,
//! with SIGXFSZ ignored), so sled's own writes fail with EFBIG once its file reaches the limit,
//! as on a full disk. The client must get a 507 problem, never an acknowledgement of something
//! not stored; and after a restart without the limit, every acknowledged version is there and
//! the store is sound.

mod common;

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command};

/// Starts the service, under a file-size limit when one is given (SIGXFSZ ignored, so that
/// writes past it fail with EFBIG instead of killing the process).
fn start(data_dir: &Path, file_size_limit_kib: Option<u32>) -> (Child, String) {
    let limit = file_size_limit_kib.map_or(String::new(), |kib| format!("ulimit -f {kib};"));
    let mut command = Command::new("bash");
    command.args([
        "-c",
        &format!("trap '' XFSZ; {limit} exec \"$@\""),
        "bash",
        common::binary(),
    ]);
    command.args(common::serve_args(data_dir));
    common::spawn_server(command)
}

#[tokio::test]
async fn a_failing_disk_never_gets_an_acknowledgement() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let token = common::create_key(data.path(), "writer", "writer");
    let (mut child, address) = start(data.path(), Some(2048));

    let mut acknowledged: Vec<(Value, String)> = Vec::new();
    let mut refusal = None;
    for n in 0..5_000 {
        let content = format!("Statement {n}: {}", "text ".repeat(600));
        let body = json!({"source_url": format!("https://example.org/{n}"), "content": content});
        let response = client
            .post(format!("{address}/v1/statements"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        match response.status() {
            StatusCode::CREATED => acknowledged.push((response.json().await.unwrap(), content)),
            status => {
                assert!(response.headers().get("location").is_none());
                assert_eq!(response.headers()["content-type"], "application/problem+json");
                refusal = Some((status, response.json::<Value>().await.unwrap()));
                break;
            }
        }
    }
    let (status, problem) = refusal.expect("the file-size limit is reached");
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{problem}");
    assert_eq!(problem["status"], 507);
    assert!(
        acknowledged.len() > 10,
        "writes succeeded before the limit ({})",
        acknowledged.len()
    );

    // Further writes keep being refused, never acknowledged. (sled refuses every operation,
    // reads included, after an I/O error until the process restarts: see the issue notes.)
    let again = client
        .post(format!("{address}/v1/statements"))
        .bearer_auth(&token)
        .json(&json!({"source_url": "https://example.org/late", "content": "A late statement."}))
        .send()
        .await
        .unwrap();
    assert!(again.status().is_server_error(), "{}", again.status());
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, address) = start(data.path(), None);
    for (record, content) in &acknowledged {
        common::assert_version_kept(&client, &address, record, content).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    common::assert_fsck_passes(data.path(), "after the failures");
}
