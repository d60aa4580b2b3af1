//! Crash test: the real server binary is killed with SIGKILL at random moments while several
//! clients ingest (every fifth time stopped with SIGTERM instead, which must end in a clean exit
//! within the shutdown bound), then restarted on the same data folder. Some clients ingest one
//! statement per request, others send large bulk batches (`POST /v1/statements/batch`) whose
//! streamed results they record line by line as they arrive. Every version that was
//! acknowledged (200/201, or a result line saying so) must read back byte-identical with its
//! hash and record (capture times included: half the single ingests carry one), version numbers must stay contiguous and never be reused for other content, and `fsck`
//! must find the store sound.
//!
//! `PROVENANCE_CRASH_KILLS` sets the number of kills (50 by default, the CI form);
//! `PROVENANCE_CRASH_SEED` replays a run (the seed is printed).
//!
//! A second test kills the service during ingests and webhook deliveries: afterwards every
//! acknowledged version's event has reached the receiver at least once, and every event
//! received names a version the store has (`PROVENANCE_WEBHOOK_CRASH_KILLS`, 12 by default).

mod common;
#[path = "outbound/receiver.rs"]
mod receiver;

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENTS: usize = 8;
const URLS: u64 = 12;
/// Clients sending bulk batches, besides the single-ingest ones.
const BULK_CLIENTS: usize = 2;
/// Lines per batch: several chunks, and so several commit groups, per batch.
const BATCH_LINES: usize = 600;
/// Statements the batches write to: most lines start or extend one of these, and some extend
/// the statements the single-ingest clients write to.
const BULK_URLS: u64 = 400;

/// How many batch lines were acknowledged, over the whole run.
static BULK_ACKNOWLEDGED: AtomicUsize = AtomicUsize::new(0);

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

/// What the writing tasks of a round share: the service and what they record.
struct Writers<'a> {
    client: &'a reqwest::Client,
    address: &'a str,
    token: &'a str,
    acknowledged: &'a Acknowledged,
}

impl Writers<'_> {
    /// `count` tasks running `writer` ([`client_loop`] or [`bulk_loop`]), each with its own seed.
    fn spawn<F, Fut>(&self, count: usize, writer: F, rng: &mut Rng) -> Vec<tokio::task::JoinHandle<()>>
    where
        F: Fn(reqwest::Client, String, String, u64, Acknowledged) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        (0..count)
            .map(|_| {
                tokio::spawn(writer(
                    self.client.clone(),
                    self.address.to_owned(),
                    self.token.to_owned(),
                    rng.next(),
                    self.acknowledged.clone(),
                ))
            })
            .collect()
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
        let content = revision(&url, &mut rng);
        let mut body = json!({"source_url": url, "content": content});
        // Every other write carries a capture time (the client's clock), which must survive
        // with the record.
        let captured = rng.below(2) == 0;
        if captured {
            body["captured_at"] = json!(chrono::Utc::now().to_rfc3339());
        }
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
        if captured && status == StatusCode::CONFLICT {
            // Another writer's version of this URL landed after this capture time: refused,
            // so that the URL's Memento-Datetimes never go back.
            assert_eq!(record["field"], "captured_at", "{record}");
            continue;
        }
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}: {record}"
        );
        acknowledge(&acknowledged, content, record);
    }
}

/// Sends batches of [`BATCH_LINES`] lines back to back, recording each result line as soon as
/// it arrives, until the server goes away.
async fn bulk_loop(
    client: reqwest::Client,
    address: String,
    token: String,
    seed: u64,
    acknowledged: Acknowledged,
) {
    let mut rng = Rng(seed | 1);
    loop {
        let mut contents = Vec::with_capacity(BATCH_LINES);
        let mut body = String::new();
        for _ in 0..BATCH_LINES {
            let url = match rng.below(10) {
                0 => format!("https://crash.example/{}", rng.below(URLS)),
                _ => format!("https://crash.example/bulk/{}", rng.below(BULK_URLS)),
            };
            let content = revision(&url, &mut rng);
            body.push_str(&format!("{}\n", json!({"source_url": url, "content": content})));
            contents.push(content);
        }
        let Ok(mut response) = client
            .post(format!("{address}/v1/statements/batch"))
            .bearer_auth(&token)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
        else {
            return;
        };
        match response.status() {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => continue, // waited too long for a turn
            status => panic!("a batch answered {status}"),
        }
        let mut buffer = Vec::new();
        let mut answered = 0;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => buffer.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(_) => return, // the server is gone mid-answer: the rest is not acknowledged
            }
            while let Some(end) = buffer.iter().position(|&byte| byte == b'\n') {
                let line: Vec<u8> = buffer.drain(..=end).collect();
                let result: Value = serde_json::from_slice(&line).expect("a JSON result line");
                assert_eq!(result["line"], answered + 1, "results in line order");
                let content = contents[answered].clone();
                answered += 1;
                let status = result["status"].as_u64().unwrap();
                assert!(status == 201 || status == 200, "line {answered}: {result}");
                acknowledge(&acknowledged, content, result["version"].clone());
                BULK_ACKNOWLEDGED.fetch_add(1, Ordering::Relaxed);
            }
        }
        assert_eq!(answered, BATCH_LINES, "a complete answer has a result per line");
    }
}

/// A new revision of the statement at `url`.
fn revision(url: &str, rng: &mut Rng) -> String {
    format!("{url} revision {:016x}\nBody text — “quoted”.\n", rng.next())
}

/// Records that `record`, a version record with `content`, was acknowledged.
fn acknowledge(acknowledged: &Acknowledged, content: String, record: Value) {
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
        let writers = Writers {
            client: &client,
            address: &address,
            token: &token,
            acknowledged: &acknowledged,
        };
        let mut clients = writers.spawn(CLIENTS, client_loop, &mut rng);
        clients.extend(writers.spawn(BULK_CLIENTS, bulk_loop, &mut rng));
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
    common::assert_fsck_passes(data.path(), "after the crashes");
    let count = acknowledged.lock().unwrap().len();
    let bulk = BULK_ACKNOWLEDGED.load(Ordering::Relaxed);
    println!("{count} acknowledged versions ({bulk} batch lines) survived {kills} kills");
    assert!(bulk > 0, "some batch lines were acknowledged before a kill");
    assert!(
        count > kills,
        "the clients got writes acknowledged between kills ({count})"
    );
}

/// Starts the service on `data_dir`, allowed to deliver to loopback, retrying fast.
fn start_delivering(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let mut command = Command::new(common::binary());
    command.args(common::serve_args(data_dir)).args([
        "--fetch-allow-private",
        "--webhook-retry-base-ms",
        "50",
    ]);
    common::spawn_server(command)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_version_is_announced_through_kills() {
    let kills: usize = std::env::var("PROVENANCE_WEBHOOK_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("webhook crash test: {kills} kills, seed {seed}");
    let mut rng = Rng(seed | 1);
    let receiver = receiver::Receiver::start().await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let token = common::create_key(data.path(), "crash-writer", "writer");
    let admin = common::create_key(data.path(), "crash-admin", "admin");
    let acknowledged: Acknowledged = Arc::default();
    for round in 0..=kills {
        let (mut child, address) = start_delivering(data.path());
        if round == 0 {
            let created = client
                .post(format!("{address}/v1/webhooks"))
                .bearer_auth(&admin)
                .json(&json!({ "url": receiver.url("/crash"), "events": ["version.created"] }))
                .send()
                .await
                .unwrap();
            assert_eq!(created.status(), StatusCode::CREATED);
        }
        if round == kills {
            // The last start: every acknowledged version's event arrives, at least once.
            let wanted: Vec<(String, u64)> = acknowledged.lock().unwrap().keys().cloned().collect();
            let received = receiver
                .wait("/crash", Duration::from_secs(120), |received| {
                    let seen: std::collections::BTreeSet<(String, u64)> =
                        received.iter().map(announced).collect();
                    wanted.iter().all(|key| seen.contains(key))
                })
                .await;
            for delivery in &received {
                let (id, n) = announced(delivery);
                let stored = client
                    .get(format!("{address}/v1/statements/{id}/versions/{n}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    stored.status(),
                    StatusCode::OK,
                    "an event for {id} v{n}, which does not exist"
                );
            }
            println!(
                "{} acknowledged versions announced by {} deliveries over {kills} kills",
                wanted.len(),
                received.len()
            );
            assert!(wanted.len() > kills, "writes were acknowledged between kills");
            child.kill().unwrap();
            child.wait().unwrap();
            break;
        }
        let writers = Writers {
            client: &client,
            address: &address,
            token: &token,
            acknowledged: &acknowledged,
        };
        let clients = writers.spawn(4, client_loop, &mut rng);
        tokio::time::sleep(Duration::from_millis(100 + rng.below(500))).await;
        child.kill().unwrap(); // SIGKILL, during ingests and deliveries
        child.wait().unwrap();
        for task in clients {
            task.await.unwrap();
        }
    }
    common::assert_fsck_passes(data.path(), "after the crashes");
}

/// The (statement id, version) a delivery announces.
fn announced(delivery: &receiver::Received) -> (String, u64) {
    let payload = delivery.json();
    let version = &payload["data"]["version"];
    (
        version["statement_id"].as_str().unwrap().to_owned(),
        version["version"].as_u64().unwrap(),
    )
}
