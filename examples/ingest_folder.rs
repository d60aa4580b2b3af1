//! Ingests every file of a folder into a running Provenance through bulk ingest
//! (`POST /v1/statements/batch`), sending each file's SHA-256 so the server proves it received
//! the text intact.
//!
//!     PROVENANCE_KEY=<writer key> cargo run --example ingest_folder -- ../shared/corpus/seeds https://corpus.example/seeds/ [SERVER]
//!
//! Each file becomes the statement at BASE_URL + file name; re-running it creates nothing new
//! unless a file changed. SERVER defaults to http://127.0.0.1:8080. Files go in batches within
//! the service's limits (1,000 lines, 16 MiB); each result is printed as it arrives.

use sha2::{Digest, Sha256};
use std::io::BufRead;
use std::path::PathBuf;

/// The service's bulk limits (`provenance::api::MAX_BATCH_LINES`, `MAX_BATCH_BYTES`).
const BATCH_LINES: usize = provenance::api::MAX_BATCH_LINES;
const BATCH_BYTES: usize = provenance::api::MAX_BATCH_BYTES;

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

    // Each batch: the file names, in line order, and the NDJSON body.
    let mut batches: Vec<(Vec<String>, String)> = vec![(Vec::new(), String::new())];
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
        let line = serde_json::json!({
            "source_url": format!("{base_url}{name}"),
            "content": content,
            "sha256": hex::encode(Sha256::digest(content.as_bytes())),
        });
        let line = format!("{line}\n");
        let (names, body) = batches.last_mut().expect("a batch");
        if !names.is_empty() && (names.len() == BATCH_LINES || body.len() + line.len() > BATCH_BYTES) {
            batches.push((vec![name], line));
        } else {
            names.push(name);
            body.push_str(&line);
        }
    }

    let client = reqwest::blocking::Client::builder().timeout(None).build()?;
    let mut failures = 0;
    for (names, body) in batches.into_iter().filter(|(names, _)| !names.is_empty()) {
        let response = client
            .post(format!("{server}/v1/statements/batch"))
            .bearer_auth(&key)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()?;
        let status = response.status();
        if !status.is_success() {
            let problem: serde_json::Value = response.json()?;
            anyhow::bail!("the batch was refused: {status}: {}", problem["detail"]);
        }
        let mut answered = 0;
        for line in std::io::BufReader::new(response).lines() {
            let result: serde_json::Value = serde_json::from_str(&line?)?;
            let name = names.get(answered).map_or("?", String::as_str);
            answered += 1;
            let version = &result["version"];
            match result["status"].as_u64() {
                Some(201) => println!(
                    "{name}: stored as {} version {}",
                    version["statement_id"], version["version"]
                ),
                Some(200) => println!(
                    "{name}: unchanged as {} version {}",
                    version["statement_id"], version["version"]
                ),
                _ => {
                    failures += 1;
                    eprintln!("{name}: {}: {}", result["status"], result["problem"]["detail"]);
                }
            }
        }
        anyhow::ensure!(
            answered == names.len(),
            "the service answered {answered} of {} lines; send the batch again",
            names.len()
        );
    }
    anyhow::ensure!(failures == 0, "{failures} file(s) were refused");
    Ok(())
}
