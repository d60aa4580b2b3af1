//! Load driver: the real service (release build, fresh sled folder, loopback, 2 workers) in a
//! process of its own, a baseline server in a third process that answers the same bytes from
//! memory, and the clients here, so that read figures are ratios measured in the same run and
//! every process's CPU is read apart from `/proc`.
//!
//!     cargo run --release --example load -- [SECONDS_PER_SCENARIO] [CLIENT_COUNTS] [FILL_VERSIONS]
//!
//! e.g. `cargo run --release --example load -- 8 1,64`. Scenarios: bulk ingest (2 clients, batches of
//! 1,000 statements of ~3 KB through `POST /v1/statements/batch`); durable single ingest of the same
//! statements (new statements and new versions) at each client count; GET of a version record and
//! of its content against the baseline at 16 clients; GET /v1/hashes/{sha256}. With
//! FILL_VERSIONS, bulk ingest then goes on until the store holds that many versions, and the
//! service's memory is read there. Prints requests/s, p50/p99 latencies, the service's CPU per
//! request, each process's share of the machine's CPU, the service's RSS and disk bytes per version.
//! The same executable runs the service (`--serve DIR`) and the baseline (`--baseline FILE FILE`).

#[path = "support/mod.rs"]
mod support;

use actix_web::{web, App, HttpResponse, HttpServer};
use provenance::domain::{KeyName, Role};
use provenance::startup::Application;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{bench_settings, folder_bytes, percentile};

/// Statements per bulk request.
const BATCH: u64 = 1000;
/// Bulk clients, each with one batch in flight.
const BULK_CLIENTS: usize = 2;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = |threads| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    };
    match args.first().map(String::as_str) {
        Some("--serve") => runtime(1)?.block_on(serve(Path::new(&args[1]))),
        Some("--baseline") => runtime(1)?.block_on(baseline(Path::new(&args[1]), Path::new(&args[2]))),
        _ => runtime(2)?.block_on(drive_all(&args)),
    }
}

/// The service: prints its port and a writer key's token, then serves until killed.
async fn serve(data: &Path) -> anyhow::Result<()> {
    let app = Application::build(&bench_settings(data.to_owned()))?;
    let name = KeyName::parse("name", "load-driver")?;
    let (_, token) = app
        .store()
        .create_key(name, Role::Writer, chrono::Utc::now())?
        .map_err(anyhow::Error::msg)?;
    println!("{} {token}", app.port());
    app.run_until_stopped().await
}

/// The baseline: the bytes of a version record and of its content, from memory.
async fn baseline(record: &Path, content: &Path) -> anyhow::Result<()> {
    let (record, content) = (
        web::Bytes::from(std::fs::read(record)?),
        web::Bytes::from(std::fs::read(content)?),
    );
    let server = HttpServer::new(move || {
        let (record, content) = (record.clone(), content.clone());
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
    println!("{} -", server.addrs()[0].port());
    server.run().await?;
    Ok(())
}

/// Starts this executable with `args` and reads the port and token it prints.
fn child(args: &[&std::ffi::OsStr]) -> anyhow::Result<(Child, u16, String)> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("a piped stdout")).read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let port = words.next().unwrap_or_default().parse()?;
    Ok((child, port, words.next().unwrap_or_default().to_owned()))
}

/// CPU time a process has used (user and system, all threads).
fn cpu_of(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

/// A `/proc/PID/status` figure in KiB (`VmRSS`, `VmHWM`).
fn memory_of(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

struct Outcome {
    requests: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// CPU used during the scenario by the service (or the baseline) and by this driver.
    server_cpu: Duration,
    driver_cpu: Duration,
}

impl Outcome {
    fn line(&self, name: &str, per_request: u64) -> String {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |p: f64| percentile(&sorted, p).as_secs_f64() * 1e3;
        let items = (self.requests * per_request).max(1) as f64;
        let machine = self.elapsed.as_secs_f64() * cores() as f64;
        format!(
            "{name:<40} {:>8.0}/s  p50 {:>8.2} ms  p99 {:>8.2} ms  server {:>6.0} µs CPU each  CPU share: server {:>3.0}%, driver {:>3.0}%",
            self.rate() * per_request as f64,
            at(0.5),
            at(0.99),
            self.server_cpu.as_secs_f64() * 1e6 / items,
            self.server_cpu.as_secs_f64() * 100.0 / machine,
            self.driver_cpu.as_secs_f64() * 100.0 / machine,
        )
    }

    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Runs `clients` tasks issuing `request` back to back for `duration`; every request must
/// succeed. `server` is the process whose CPU is counted.
async fn drive<F, Fut>(clients: usize, duration: Duration, server: &str, request: F) -> Outcome
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let counter = Arc::new(AtomicU64::new(0));
    let (server_before, driver_before) = (cpu_of(server), cpu_of("self"));
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
                    let ok = request(n).await;
                    latencies.push(t.elapsed());
                    assert!(ok, "request {n} failed");
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
        server_cpu: cpu_of(server).saturating_sub(server_before),
        driver_cpu: cpu_of("self").saturating_sub(driver_before),
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

/// The `n`th ingest of run `run`: half start statements, half add versions to one of 100
/// (in a batch, one of 500, each at most once per batch).
fn ingest_body(run: &str, n: u64, hot: u64) -> serde_json::Value {
    let url = if n % 2 == 0 {
        format!("https://load.example/new/{run}/{n}")
    } else {
        format!("https://load.example/hot/{}", (n / 2) % hot)
    };
    json!({"source_url": url, "content": statement_text(n), "publisher": "Load Test"})
}

/// Posts batch `b` of run `run`; true when every line was stored or unchanged.
async fn post_batch(client: &reqwest::Client, address: &str, token: &str, run: &str, b: u64) -> bool {
    let body: String = (b * BATCH..(b + 1) * BATCH)
        .map(|n| format!("{}\n", ingest_body(run, n, BATCH / 2)))
        .collect();
    let Ok(response) = client
        .post(format!("{address}/v1/statements/batch"))
        .bearer_auth(token)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
    else {
        return false;
    };
    let text = response.text().await.unwrap_or_default();
    let good = text
        .lines()
        .filter(|line| line.contains("\"status\":201,") || line.contains("\"status\":200,"))
        .count();
    good as u64 == BATCH
}

async fn log_size(client: &reqwest::Client, address: &str) -> anyhow::Result<u64> {
    let checkpoint = client
        .get(format!("{address}/v1/log/checkpoint"))
        .send()
        .await?
        .text()
        .await?;
    Ok(checkpoint
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .unwrap_or(0))
}

async fn drive_all(args: &[String]) -> anyhow::Result<()> {
    let seconds: u64 = args.first().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let client_counts: Vec<usize> = args
        .get(1)
        .map_or("1,16,64", String::as_str)
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let fill: u64 = args.get(2).map(|a| a.parse()).transpose()?.unwrap_or(0);
    let duration = Duration::from_secs(seconds);

    let folder = tempfile::tempdir()?;
    let data: PathBuf = folder.path().join("data");
    let (mut service, port, token) = child(&["--serve".as_ref(), data.as_os_str()])?;
    let pid = service.id().to_string();
    let address = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    println!(
        "service at {address} (pid {pid}), {seconds} s per scenario, statements of {} bytes, {} cores",
        statement_text(0).len(),
        cores()
    );

    let bulk = {
        let (client, address, token) = (client.clone(), address.clone(), token.clone());
        drive(BULK_CLIENTS, duration, &pid, move |b| {
            let (client, address, token) = (client.clone(), address.clone(), token.clone());
            async move { post_batch(&client, &address, &token, "bulk", b).await }
        })
        .await
    };
    println!(
        "{}",
        bulk.line(
            &format!("bulk ingest, {BULK_CLIENTS}×{BATCH}-line batches"),
            BATCH
        )
    );

    for &clients in &client_counts {
        let (client, address, token) = (client.clone(), address.clone(), token.clone());
        let run = format!("single-{clients}");
        let outcome = drive(clients, duration, &pid, move |n| {
            let (client, address, token, run) = (client.clone(), address.clone(), token.clone(), run.clone());
            async move {
                client
                    .post(format!("{address}/v1/statements"))
                    .bearer_auth(&token)
                    .json(&ingest_body(&run, n, 100))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .await;
        println!(
            "{}",
            outcome.line(&format!("durable ingest, {clients} clients"), 1)
        );
    }

    // A version record and its content, and a baseline server answering the same bytes.
    let sample = client
        .post(format!("{address}/v1/statements"))
        .bearer_auth(&token)
        .json(&json!({"source_url": "https://load.example/sample", "content": statement_text(7)}))
        .send()
        .await?;
    let location = sample.headers()["location"].to_str()?.to_owned();
    let record = client
        .get(format!("{address}{location}"))
        .send()
        .await?
        .bytes()
        .await?;
    let content = client
        .get(format!("{address}{location}/content"))
        .send()
        .await?
        .bytes()
        .await?;
    let sha = serde_json::from_slice::<serde_json::Value>(&record)?["sha256"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (record_file, content_file) = (folder.path().join("record"), folder.path().join("content"));
    std::fs::write(&record_file, &record)?;
    std::fs::write(&content_file, &content)?;
    let (mut baseline, baseline_port, _) = child(&[
        "--baseline".as_ref(),
        record_file.as_os_str(),
        content_file.as_os_str(),
    ])?;
    let baseline_pid = baseline.id().to_string();
    let baseline_address = format!("http://127.0.0.1:{baseline_port}");
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
                    .is_ok_and(|r| r.status().is_success())
            }
        }
    };
    for (name, real, memory) in reads {
        let base = drive(16, duration, &baseline_pid, get(memory)).await;
        let service = drive(16, duration, &pid, get(real)).await;
        println!("{}", base.line(&format!("{name}, baseline, 16 clients"), 1));
        println!("{}", service.line(&format!("{name}, service, 16 clients"), 1));
        println!(
            "{:<40} {:>8.2}",
            format!("{name}: service / baseline"),
            service.rate() / base.rate()
        );
    }
    baseline.kill()?;
    baseline.wait()?;
    let hashes = drive(16, duration, &pid, get(format!("{address}/v1/hashes/{sha}"))).await;
    println!("{}", hashes.line("GET /v1/hashes/{sha256}, 16 clients", 1));

    let mut size = log_size(&client, &address).await?;
    if fill > size {
        let started = Instant::now();
        let batches = Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = (0..BULK_CLIENTS)
            .map(|_| {
                let (client, address, token, batches) =
                    (client.clone(), address.clone(), token.clone(), batches.clone());
                let todo = (fill - size).div_ceil(BATCH);
                tokio::spawn(async move {
                    loop {
                        let b = batches.fetch_add(1, Ordering::Relaxed);
                        if b >= todo {
                            return;
                        }
                        assert!(
                            post_batch(&client, &address, &token, "fill", b).await,
                            "fill batch {b}"
                        );
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await?;
        }
        size = log_size(&client, &address).await?;
        println!(
            "filled to {size} versions in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "service: {size} versions stored; RSS {} MiB now, peak {} MiB; disk {:.0} bytes per version",
        memory_of(&pid, "VmRSS:") / 1024,
        memory_of(&pid, "VmHWM:") / 1024,
        folder_bytes(&data) as f64 / size.max(1) as f64
    );
    service.kill()?;
    service.wait()?;
    Ok(())
}
