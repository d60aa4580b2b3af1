//! The registry on PostgreSQL (a throwaway cluster of the installed server binaries, see
//! tests/common/postgres.rs): two `provenance serve` nodes on one database taking interleaved
//! writes to the same statements; fsck finding damage made with SQL; a sled registry moved to
//! PostgreSQL by export and import.

mod common;

use common::postgres;
use provenance::domain::{Content, Draft, Metadata, SourceUrl};
use provenance::startup::{open_store, KeyUse};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Output};

/// `provenance ARGS --store URL --data-dir DIR`.
fn provenance(args: &[&str], url: &str, data_dir: &Path) -> Output {
    Command::new(common::binary())
        .args(args)
        .args(["--store", url, "--data-dir"])
        .arg(data_dir)
        .output()
        .expect("the binary runs")
}

/// Creates a writer key in the database `url` (no node serving it yet); its token.
fn create_writer_key(url: &str, data_dir: &Path) -> String {
    let created = provenance(
        &["keys", "create", "--name", "desk", "--role", "writer"],
        url,
        data_dir,
    );
    assert!(created.status.success(), "{}", common::output_text(&created));
    String::from_utf8(created.stdout).unwrap().trim().to_owned()
}

/// Starts a node on the database `url`, its own files in `data_dir`, signing with `key`.
fn start_node(url: &str, data_dir: &Path, key: Option<&Path>) -> (Child, String) {
    let mut command = Command::new(common::binary());
    command.args(common::serve_args(data_dir)).args(["--store", url]);
    if let Some(key) = key {
        command.arg("--signing-key").arg(key);
    }
    common::spawn_server(command)
}

struct Stop(Vec<Child>);

impl Drop for Stop {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_database_interleave_writes_and_agree() {
    let url = postgres::fresh_database();
    let folder = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (folder.path().join("a"), folder.path().join("b"));
    let token = create_writer_key(&url, &a_dir);
    let (a, a_address) = start_node(&url, &a_dir, None);
    let key = a_dir.join(provenance::config::DEFAULT_KEY_FILE);
    let (b, b_address) = start_node(&url, &b_dir, Some(&key));
    let _stop = Stop(vec![a, b]);
    let client = reqwest::Client::new();

    // 3 statements, 8 versions each, every other one through the other node, all at once.
    let posts = (0..24).map(|i| {
        let (client, token) = (client.clone(), token.clone());
        let address = if i % 2 == 0 {
            a_address.clone()
        } else {
            b_address.clone()
        };
        async move {
            let content = format!("Statement {} in its version {}.", i % 3, i / 3);
            let body = json!({
                "source_url": format!("https://nodes.example/{}", i % 3),
                "content": content,
            });
            let response = client
                .post(format!("{address}/v1/statements"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201, "{body}");
            (response.json::<Value>().await.unwrap(), content)
        }
    });
    let (records, contents): (Vec<Value>, Vec<String>) =
        futures_util::future::join_all(posts).await.into_iter().unzip();

    let mut log_indexes: Vec<u64> = records.iter().map(|r| r["log_index"].as_u64().unwrap()).collect();
    log_indexes.sort();
    assert_eq!(
        log_indexes,
        (0..24).collect::<Vec<_>>(),
        "one leaf per version, no gap"
    );
    for (record, content) in records.iter().zip(&contents) {
        for address in [&a_address, &b_address] {
            common::assert_version_kept(&client, address, record, content).await;
        }
    }
    for n in 0..3 {
        let id = records
            .iter()
            .find(|r| r["source_url"] == format!("https://nodes.example/{n}"))
            .unwrap()["statement_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut seen = Vec::new();
        for address in [&a_address, &b_address] {
            let page: Value = client
                .get(format!("{address}/v1/statements/{id}/versions"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let numbers: Vec<u64> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["version"].as_u64().unwrap())
                .collect();
            assert_eq!(
                numbers,
                (1..=8).collect::<Vec<_>>(),
                "contiguous versions of {id}"
            );
            seen.push(page["items"].clone());
        }
        assert_eq!(seen[0], seen[1], "both nodes list the same versions of {id}");
    }
    let mut checkpoints = Vec::new();
    for address in [&a_address, &b_address] {
        let checkpoint = client
            .get(format!("{address}/checkpoint"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(checkpoint.lines().nth(1) == Some("24"), "{checkpoint}");
        checkpoints.push(checkpoint);
    }
    assert_eq!(
        checkpoints[0], checkpoints[1],
        "one tree of each size, whichever node signed it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fsck_on_postgres_finds_a_flipped_content_byte_and_a_missing_log_node() {
    let url = postgres::fresh_database();
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("node");
    let token = create_writer_key(&url, &data);
    {
        let (node, address) = start_node(&url, &data, None);
        let _stop = Stop(vec![node]);
        let client = reqwest::Client::new();
        for (i, text) in ["One.", "Two.", "Three."].iter().enumerate() {
            let response = client
                .post(format!("{address}/v1/statements"))
                .bearer_auth(&token)
                .json(&json!({"source_url": format!("https://fsck.example/{i}"), "content": text}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
        }
    }
    let clean = provenance(&["fsck"], &url, &data);
    assert!(clean.status.success(), "{}", common::output_text(&clean));

    let database = url.rsplit('/').next().unwrap();
    let cluster = postgres::cluster();
    // One content blob (key `B` ‖ SHA-256) gets its first byte flipped…
    cluster
        .psql(
            database,
            "UPDATE registry SET value = set_byte(value, 0, get_byte(value, 0) # 1) \
             WHERE key = (SELECT key FROM registry WHERE get_byte(key, 0) = 66 ORDER BY key LIMIT 1)",
        )
        .unwrap();
    // …and the tree node (level 0, index 0) goes: the root of 3 leaves does not need it.
    cluster
        .psql(
            database,
            "DELETE FROM registry WHERE key = '\\x54000000000000000000'::bytea",
        )
        .unwrap();
    let damaged = provenance(&["fsck"], &url, &data);
    let report = common::output_text(&damaged);
    assert!(!damaged.status.success(), "{report}");
    assert!(report.contains("content does not hash to"), "{report}");
    assert!(report.contains("tree nodes where"), "{report}");
}

#[test]
fn a_sled_registry_moves_to_postgres_with_its_ids_versions_hashes_and_root() {
    let folder = tempfile::tempdir().unwrap();
    let sled_dir = folder.path().join("sled");
    {
        let log = provenance::config::LogSettings::default();
        let store = open_store(&sled_dir, &log, KeyUse::CreateIfMissing).unwrap();
        for (i, text) in [
            "First words.",
            "First words, edited.",
            "Other words.",
            "First words.",
        ]
        .iter()
        .enumerate()
        {
            let submission = Draft {
                source_url: SourceUrl::parse("url", &format!("https://move.example/{}", i % 2)).unwrap(),
                content: Content::parse("content", (*text).to_owned()).unwrap(),
                metadata: Metadata::default(),
                submitted_by: None,
                sources: Default::default(),
                captured_at: None,
            }
            .read_exactly();
            store.ingest(submission, chrono::Utc::now()).unwrap();
        }
    }
    let export = folder.path().join("registry.jsonl");
    let exported = Command::new(common::binary())
        .args(["export", "--output"])
        .arg(&export)
        .arg("--data-dir")
        .arg(&sled_dir)
        .output()
        .unwrap();
    assert!(exported.status.success(), "{}", common::output_text(&exported));

    let url = postgres::fresh_database();
    let node = folder.path().join("node");
    let key = sled_dir.join(provenance::config::DEFAULT_KEY_FILE);
    let imported = Command::new(common::binary())
        .arg("import")
        .arg(&export)
        .args(["--store", &url, "--data-dir"])
        .arg(&node)
        .arg("--signing-key")
        .arg(&key)
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", common::output_text(&imported));

    let sled_fsck = Command::new(common::binary())
        .arg("fsck")
        .arg("--data-dir")
        .arg(&sled_dir)
        .output()
        .unwrap();
    let pg_fsck = Command::new(common::binary())
        .args(["fsck", "--store", &url, "--data-dir"])
        .arg(&node)
        .arg("--signing-key")
        .arg(&key)
        .output()
        .unwrap();
    assert!(pg_fsck.status.success(), "{}", common::output_text(&pg_fsck));
    let checkpoint = |output: &Output| {
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let body = text
            .split("log checkpoint:\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        // Origin, size and root: the signature lines may differ in nothing either, same key.
        body.lines().take(3).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(
        checkpoint(&pg_fsck),
        checkpoint(&sled_fsck),
        "the same log root at the same size"
    );

    let again = folder.path().join("again.jsonl");
    let reexported = Command::new(common::binary())
        .args(["export", "--output"])
        .arg(&again)
        .args(["--store", &url, "--data-dir"])
        .arg(&node)
        .arg("--signing-key")
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        reexported.status.success(),
        "{}",
        common::output_text(&reexported)
    );
    let lines = |path: &Path| -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        lines(&again),
        lines(&export),
        "the same ids, versions, hashes and contents, in order"
    );
}
