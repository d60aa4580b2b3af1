//! Load driver: the real service (release build, fresh sled folder, loopback) under concurrent
//! HTTP clients, with a baseline server in the same process that answers the same bytes from
//! memory, so read figures are ratios measured in the same run.
//!
//!     cargo run --release --example load -- [SECONDS_PER_SCENARIO] [CLIENT_COUNTS]
//!
//! e.g. `cargo run --release --example load -- 10 1,16,64`. Scenarios: durable ingest of ~3 KB
//! statements (new statements and new versions) at each client count; GET of a version record
//! and of its content against the baseline at 16 clients; GET /v1/hashes/{sha256}. Prints
//! requests/s and p50/p99 latencies, peak RSS and disk bytes per stored version.

#[path = "support/mod.rs"]
mod support;

use actix_web::{web, App, HttpResponse, HttpServer};
use provenance::domain::{KeyName, Role};
use provenance::startup::Application;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{bench_settings, folder_bytes, peak_rss_kib, percentile};

struct Outcome {
    requests: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn line(&self, name: &str) -> String {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |p: f64| percentile(&sorted, p);
        format!(
            "{name:<44} {:>9.0} req/s   p50 {:>9.3} ms   p99 {:>9.3} ms",
            self.rate(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3
        )
    }

    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Runs `clients` tasks issuing `request` back to back for `duration`; every answer must have
/// the expected status.
async fn drive<F, Fut>(clients: usize, duration: Duration, request: F) -> Outcome
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = reqwest::StatusCode> + Send,
{
    let request = Arc::new(request);
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (request, counter) = (request.clone(), counter.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let t = Instant::now();
                    let status = request(n).await;
                    latencies.push(t.elapsed());
                    assert!(status.is_success(), "request {n} answered {status}");
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client task"));
    }
    Outcome {
        requests: latencies.len() as u64,
        elapsed: started.elapsed(),
        latencies,
    }
}

/// A ~3 KB statement whose 14 paragraphs differ by their numbers, so that its word shingles
/// are not all the same.
fn statement_text(n: u64) -> String {
    let paragraphs: String = (0..14)
        .map(|i| {
            format!(
                "Across the United States, police have protected their ability to fight crime by \
                 deciding that they will not let immigration enforcement get in the way of their \
                 core public safety mission ({i} of {n}).\n"
            )
        })
        .collect();
    format!("MIAMI— Statement {n}.\n\n{paragraphs}")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let client_counts: Vec<usize> = args
        .next()
        .unwrap_or_else(|| "1,16,64".to_owned())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let duration = Duration::from_secs(seconds);

    let data = tempfile::tempdir()?;
    let app = Application::build(&bench_settings(data.path().join("data")))?;
    let store = app.store();
    let address = format!("http://127.0.0.1:{}", app.port());
    let name = KeyName::parse("name", "load-driver")?;
    let (_, token) = app
        .store()
        .create_key(name, Role::Writer, chrono::Utc::now())?
        .map_err(anyhow::Error::msg)?;
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    println!(
        "service at {address}, {seconds} s per scenario, statements of {} bytes",
        statement_text(0).len()
    );

    let mut committed = store.commit_counts();
    for &clients in &client_counts {
        let (client, address, token) = (client.clone(), address.clone(), token.clone());
        let run = u64::try_from(clients)?;
        let outcome = drive(clients, duration, move |n| {
            let (client, address, token) = (client.clone(), address.clone(), token.clone());
            async move {
                // Half the posts start statements, half add versions to one of 100 statements.
                let url = if n % 2 == 0 {
                    format!("https://load.example/new/{run}/{n}")
                } else {
                    format!("https://load.example/hot/{}", n % 100)
                };
                let body = json!({"source_url": url, "content": statement_text(n), "publisher": "Load Test"});
                client
                    .post(format!("{address}/v1/statements"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status())
                    .unwrap_or_default()
            }
        })
        .await;
        let (groups, versions) = store.commit_counts();
        let (groups, versions) = (groups - committed.0, versions - committed.1);
        committed = store.commit_counts();
        println!("{}", outcome.line(&format!("durable ingest, {clients} clients")));
        println!(
            "{:<44} {:>9.1}   ({versions} versions in {groups} flushed groups)",
            "  versions per flush (group commit)",
            versions as f64 / groups.max(1) as f64
        );
    }

    // A version record and its content, and a baseline server answering the same bytes from memory.
    let sample = client
        .post(format!("{address}/v1/statements"))
        .bearer_auth(&token)
        .json(&json!({"source_url": "https://load.example/sample", "content": statement_text(7)}))
        .send()
        .await?;
    let location = sample.headers()["location"].to_str()?.to_owned();
    let record_bytes = client
        .get(format!("{address}{location}"))
        .send()
        .await?
        .bytes()
        .await?;
    let content_bytes = client
        .get(format!("{address}{location}/content"))
        .send()
        .await?
        .bytes()
        .await?;
    let sha = serde_json::from_slice::<serde_json::Value>(&record_bytes)?["sha256"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (record_copy, content_copy) = (
        web::Bytes::from(record_bytes.to_vec()),
        web::Bytes::from(content_bytes.to_vec()),
    );
    let baseline = HttpServer::new(move || {
        let (record, content) = (record_copy.clone(), content_copy.clone());
        App::new()
            .route(
                "/record",
                web::get().to(move || {
                    let record = record.clone();
                    async move { HttpResponse::Ok().content_type("application/json").body(record) }
                }),
            )
            .route(
                "/content",
                web::get().to(move || {
                    let content = content.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("text/plain; charset=utf-8")
                            .body(content)
                    }
                }),
            )
    })
    .workers(2)
    .bind("127.0.0.1:0")?;
    let baseline_address = format!("http://{}", baseline.addrs()[0]);
    tokio::spawn(baseline.run());

    let reads = [
        (
            "GET version record",
            format!("{address}{location}"),
            format!("{baseline_address}/record"),
        ),
        (
            "GET version content",
            format!("{address}{location}/content"),
            format!("{baseline_address}/content"),
        ),
    ];
    let get = |url: String| {
        let client = client.clone();
        move |_| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                client
                    .get(url)
                    .send()
                    .await
                    .map(|r| r.status())
                    .unwrap_or_default()
            }
        }
    };
    for (name, real, memory) in reads {
        let base = drive(16, duration, get(memory)).await;
        let service = drive(16, duration, get(real)).await;
        println!(
            "{}",
            base.line(&format!("{name}, baseline from memory, 16 clients"))
        );
        println!("{}", service.line(&format!("{name}, service, 16 clients")));
        println!(
            "{:<44} {:>9.2}",
            format!("{name}: service / baseline"),
            service.rate() / base.rate()
        );
    }
    let hashes = drive(16, duration, get(format!("{address}/v1/hashes/{sha}"))).await;
    println!("{}", hashes.line("GET /v1/hashes/{sha256}, 16 clients"));

    let checkpoint = client
        .get(format!("{address}/v1/log/checkpoint"))
        .send()
        .await?
        .text()
        .await?;
    let size: u64 = checkpoint
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    println!(
        "stored versions: {size}; peak RSS {} MiB (service and clients in one process)",
        peak_rss_kib() / 1024
    );
    println!(
        "disk: {:.0} bytes per stored version",
        folder_bytes(&data.path().join("data")) as f64 / size.max(1) as f64
    );
    Ok(())
}
