//! Running the real `provenance` binary in tests: create a key on a stopped data folder, start
//! the service on a free loopback port and learn its address from its log.
//!
//! Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

pub mod postgres;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Standard output then standard error of a finished command, as text.
pub fn output_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The folder of the shared corpus's seeds: `../shared/corpus/seeds`, or `PROVENANCE_CORPUS`.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("PROVENANCE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds"));
    assert!(
        dir.is_dir(),
        "the corpus seeds are missing: expected them in {} (set PROVENANCE_CORPUS to their folder)",
        dir.display()
    );
    dir
}

/// Asserts that `provenance fsck` finds the stopped data folder sound; `context` says when.
pub fn assert_fsck_passes(data_dir: &Path, context: &str) {
    let fsck = Command::new(binary())
        .arg("fsck")
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap();
    assert!(
        fsck.status.success(),
        "fsck {context}: {}",
        String::from_utf8_lossy(&fsck.stdout)
    );
}

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_provenance")
}

/// Creates a key on the stopped data folder and returns its token.
pub fn create_key(data_dir: &Path, name: &str, role: &str) -> String {
    let output = Command::new(binary())
        .args(["keys", "create", "--name", name, "--role", role, "--data-dir"])
        .arg(data_dir)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "keys create: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// The arguments of `serve` on a free port with no rate limits, for `data_dir`.
pub fn serve_args(data_dir: &Path) -> Vec<String> {
    let fixed = [
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "2",
        "--rate-limit-key",
        "0",
        "--rate-limit-ip",
        "0",
        // Small passage segments: killed runs write and merge many of them.
        "--passage-segment-versions",
        "8",
    ];
    let mut args: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    args.push("--data-dir".into());
    args.push(data_dir.display().to_string());
    args
}

/// Starts `command` (a `serve`, possibly wrapped) and waits for the line naming its address.
pub fn spawn_server(mut command: Command) -> (Child, String) {
    let mut child = command
        .env("PROVENANCE_LOG", "warn,provenance=info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the service starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
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
    (child, address)
}

/// Starts the service on `data_dir`.
pub fn start(data_dir: &Path) -> (Child, String) {
    let mut command = Command::new(binary());
    command.args(serve_args(data_dir));
    spawn_server(command)
}

/// Asserts that the service at `address` still serves `record`, a version record it
/// acknowledged, and exactly `content` as that version's content.
pub async fn assert_version_kept(
    client: &reqwest::Client,
    address: &str,
    record: &serde_json::Value,
    content: &str,
) {
    let id = record["statement_id"].as_str().expect("a version record");
    let path = format!("{address}/v1/statements/{id}/versions/{}", record["version"]);
    let stored = send_for_json(client.get(&path)).await;
    assert_eq!(&stored, record, "acknowledged record at {path}");
    let bytes = client
        .get(format!("{path}/content"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        bytes.as_ref(),
        content.as_bytes(),
        "acknowledged content at {path}"
    );
}

/// Sends `request` and reads its answer as JSON, failing the test on any error.
pub async fn send_for_json(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}
