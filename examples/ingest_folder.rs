//! Ingests every file of a folder into a running Provenance, sending each file's SHA-256 so the
//! server proves it received the text intact.
//!
//!     PROVENANCE_KEY=<writer key> cargo run --example ingest_folder -- ../shared/corpus/seeds https://corpus.example/seeds/ [SERVER]
//!
//! Each file becomes the statement at BASE_URL + file name; re-running it creates nothing new
//! unless a file changed. SERVER defaults to http://127.0.0.1:8080.

use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: ingest_folder FOLDER BASE_URL [SERVER]";
    let folder = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let base_url = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let server = args.next().unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
    let key =
        std::env::var("PROVENANCE_KEY").map_err(|_| anyhow::anyhow!("set PROVENANCE_KEY to a writer key"))?;

    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|path| path.is_file());
    files.sort();

    let client = reqwest::blocking::Client::new();
    let mut failures = 0;
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Ok(content) = std::fs::read_to_string(&path) else {
            eprintln!("{name}: skipped, not UTF-8 text");
            continue;
        };
        let body = serde_json::json!({
            "source_url": format!("{base_url}{name}"),
            "content": content,
            "sha256": hex::encode(Sha256::digest(content.as_bytes())),
        });
        let response = client
            .post(format!("{server}/v1/statements"))
            .bearer_auth(&key)
            .json(&body)
            .send()?;
        let status = response.status();
        let answer: serde_json::Value = response.json()?;
        if status.is_success() {
            let outcome = if status == reqwest::StatusCode::CREATED {
                "stored"
            } else {
                "unchanged"
            };
            println!(
                "{name}: {outcome} as {} version {}",
                answer["statement_id"], answer["version"]
            );
        } else {
            failures += 1;
            eprintln!("{name}: {status}: {}", answer["detail"]);
        }
    }
    anyhow::ensure!(failures == 0, "{failures} file(s) were refused");
    Ok(())
}
