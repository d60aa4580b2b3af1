//! Crash test: the real server binary is killed with SIGKILL at random moments while several
//! clients ingest (every fifth time stopped with SIGTERM instead, which must end in a clean exit
//! within the shutdown bound), then restarted on the same data folder. Every version that was
//! acknowledged (200/201) must read back byte-identical with its hash, version numbers must
//! stay contiguous and never be reused for other content, and `fsck` must find the store sound.
//!
//! `PROVENANCE_CRASH_KILLS` sets the number of kills (50 by default, the CI form);
//! `PROVENANCE_CRASH_SEED` replays a run (the seed is printed).

mod common;

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENTS: usize = 8;
const URLS: u64 = 12;

/// What a client was told: (statement id, version) → (content, record).
type Acknowledged = Arc<Mutex<BTreeMap<(String, u64), (String, Value)>>>;

/// A small deterministic generator (xorshift64*), so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

async fn client_loop(
    client: reqwest::Client,
    address: String,
    token: String,
    seed: u64,
    acknowledged: Acknowledged,
) {
    let mut rng = Rng(seed | 1);
    loop {
        let url = format!("https://crash.example/{}", rng.below(URLS));
        let content = format!("{url} revision {:016x}\nBody text — “quoted”.\n", rng.next());
        let body = json!({"source_url": url, "content": content});
        let Ok(response) = client
            .post(format!("{address}/v1/statements"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
        else {
            return; // the server is gone: this write was not acknowledged
        };
        let status = response.status();
        let Ok(record) = response.json::<Value>().await else {
            return;
        };
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}: {record}"
        );
        let key = (
            record["statement_id"].as_str().unwrap().to_owned(),
            record["version"].as_u64().unwrap(),
        );
        let mut acknowledged = acknowledged.lock().unwrap();
        if let Some((earlier, _)) = acknowledged.get(&key) {
            assert_eq!(
                earlier, &content,
                "version {key:?} was acknowledged twice with different content"
            );
        }
        acknowledged.insert(key, (content, record));
    }
}

async fn check_everything(client: &reqwest::Client, address: &str, acknowledged: &Acknowledged) {
    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut latest: BTreeMap<String, u64> = BTreeMap::new();
    for ((id, version), (content, record)) in &acknowledged {
        common::assert_version_kept(client, address, record, content).await;
        let entry = latest.entry(id.clone()).or_default();
        *entry = (*entry).max(*version);
    }
    for (id, highest_acknowledged) in latest {
        let mut numbers = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = common::send_for_json(
                client.get(format!("{address}/v1/statements/{id}/versions?limit=200{cursor}")),
            )
            .await;
            numbers.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v["version"].as_u64().unwrap()),
            );
            match page["next"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(
            numbers,
            (1..=numbers.len() as u64).collect::<Vec<_>>(),
            "{id}: contiguous versions"
        );
        assert!(
            numbers.len() as u64 >= highest_acknowledged,
            "{id}: acknowledged versions kept"
        );
    }
}

/// SIGTERM under load: the service must stop accepting, finish what is in flight, flush, and
/// exit cleanly within its 30-second shutdown bound (plus slack).
fn stop_gracefully(child: &mut std::process::Child) {
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "graceful shutdown exits cleanly: {status}");
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "graceful shutdown took more than 40 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_random_kills() {
    let kills: usize = std::env::var("PROVENANCE_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("PROVENANCE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("crash test: {kills} kills, PROVENANCE_CRASH_SEED={seed}");
    let mut rng = Rng(seed | 1);
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let acknowledged: Acknowledged = Arc::default();
    let token = common::create_key(data.path(), "crash-writer", "writer");

    for round in 0..kills {
        let (mut child, address) = common::start(data.path());
        if round % 10 == 0 {
            check_everything(&client, &address, &acknowledged).await;
        }
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                tokio::spawn(client_loop(
                    client.clone(),
                    address.clone(),
                    token.clone(),
                    rng.next(),
                    acknowledged.clone(),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20 + rng.below(180))).await;
        if round % 5 == 4 {
            stop_gracefully(&mut child);
        } else {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
        }
        for task in clients {
            task.await.unwrap();
        }
    }

    let (mut child, address) = common::start(data.path());
    check_everything(&client, &address, &acknowledged).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let fsck = Command::new(common::binary())
        .arg("fsck")
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        fsck.status.success(),
        "fsck after the crashes: {}",
        String::from_utf8_lossy(&fsck.stdout)
    );
    let count = acknowledged.lock().unwrap().len();
    println!("{count} acknowledged versions survived {kills} kills");
    assert!(
        count > kills,
        "the clients got writes acknowledged between kills ({count})"
    );
}
