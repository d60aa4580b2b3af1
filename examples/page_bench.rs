//! Server time to render the pages, against the JSON endpoints that serve the same statement, in
//! one run: the real service (release build, fresh sled folder, 2 workers, loopback) holding the
//! corpus seed 001 as a statement of 50 versions, and one sequential client.
//!
//!     cargo run --release --example page_bench -- [REQUESTS]
//!
//! Each round requests every endpoint once, in turn, so that drift in the machine's load falls
//! on all of them alike; `REQUESTS` rounds (400 by default) after 50 rounds of warm-up. Prints
//! p50/p95/p99 of each and its p50 as a ratio to `GET /v1/statements/{id}` (the statement's
//! JSON record) and to `GET /healthz`; and, first, the time of the first render of the pages of
//! 10 other statements of 50 versions (before the pages know their changes). Reads the seeds from `../shared/corpus/seeds` or
//! `PROVENANCE_CORPUS`.

#[path = "support/mod.rs"]
mod support;

use provenance::domain::{KeyName, Role};
use provenance::startup::Application;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use support::{bench_settings, folder_bytes, peak_rss_kib, percentile};

/// Statements of 50 versions whose page is asked for once, for the first render's time.
const COLD_STATEMENTS: usize = 10;

fn seed(prefix: &str) -> anyhow::Result<String> {
    let dir = std::env::var_os("PROVENANCE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds"));
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with(prefix))
        {
            return Ok(std::fs::read_to_string(path)?);
        }
    }
    anyhow::bail!("no seed {prefix}* in {}", dir.display())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(400);
    let data = tempfile::tempdir()?;
    let app = Application::build(&bench_settings(data.path().join("data")))?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let (_, token) = app
        .store()
        .create_key(
            KeyName::parse("name", "page-bench")?,
            Role::Writer,
            chrono::Utc::now(),
        )?
        .map_err(anyhow::Error::msg)?;
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    // The statement of the browser test's page weight: seed 001, 50 versions a number apart;
    // and as many again at other URLs, each asked for once, for the first render's time (the
    // pages keep the changes between versions they have computed).
    let petition = seed("001_")?;
    let mut ids = Vec::new();
    for statement in 0..=COLD_STATEMENTS {
        let url = format!("https://www.aclu.org/action/miami-dade-commissioners-live/{statement}");
        for n in 1..=50 {
            let content = petition.replace(
                "a sharp rise in these agreements",
                &format!("{} new agreements like these", n + 10),
            );
            let record: serde_json::Value = client
                .post(format!("{address}/v1/statements"))
                .bearer_auth(&token)
                .json(&json!({"source_url": url, "content": content, "publisher": "ACLU"}))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            if n == 50 {
                ids.push(record["statement_id"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    let id = ids.remove(0);
    let mut cold = Vec::new();
    for other in &ids {
        let started = Instant::now();
        client
            .get(format!("{address}/statements/{other}"))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        cold.push(started.elapsed());
    }
    cold.sort();

    let endpoints = [
        ("GET /healthz (baseline)", "/healthz".to_owned()),
        (
            "GET /v1/statements/{id} (JSON record)",
            format!("/v1/statements/{id}"),
        ),
        (
            "GET /v1/statements/{id}/versions (JSON, 50)",
            format!("/v1/statements/{id}/versions"),
        ),
        (
            "GET /statements/{id} (page, 50 versions)",
            format!("/statements/{id}"),
        ),
        (
            "GET /statements/{id}/versions/50 (page)",
            format!("/statements/{id}/versions/50"),
        ),
        (
            "GET /statements/{id}/compare (page)",
            format!("/statements/{id}/compare?from=49&to=50"),
        ),
        ("GET / (home page)", "/".to_owned()),
    ];
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); endpoints.len()];
    let mut bytes = vec![0usize; endpoints.len()];
    for round in 0..rounds + 50 {
        for (index, (_, path)) in endpoints.iter().enumerate() {
            let started = Instant::now();
            let body = client
                .get(format!("{address}{path}"))
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await?;
            let elapsed = started.elapsed();
            if round >= 50 {
                latencies[index].push(elapsed);
                bytes[index] = body.len();
            }
        }
    }
    let p50 = |index: usize| {
        let mut sorted = latencies[index].clone();
        sorted.sort();
        percentile(&sorted, 0.5)
    };
    let (baseline, record) = (p50(0), p50(1));
    let cold_p50 = percentile(&cold, 0.5);
    println!(
        "first render of a statement page (50 versions), {} statements: p50 {:.3} ms, max {:.3} ms ({:.1}× record)",
        cold.len(),
        cold_p50.as_secs_f64() * 1e3,
        cold.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        cold_p50.as_secs_f64() / record.as_secs_f64()
    );
    println!("{rounds} rounds, one sequential client; body bytes, p50 / p95 / p99, p50 ratios");
    for (index, (name, _)) in endpoints.iter().enumerate() {
        let mut sorted = latencies[index].clone();
        sorted.sort();
        let ms = |p: f64| percentile(&sorted, p).as_secs_f64() * 1e3;
        println!(
            "{name:<46} {:>7} B  {:>7.3} / {:>7.3} / {:>7.3} ms   {:>6.1}× record  {:>6.1}× healthz",
            bytes[index],
            ms(0.5),
            ms(0.95),
            ms(0.99),
            p50(index).as_secs_f64() / record.as_secs_f64(),
            p50(index).as_secs_f64() / baseline.as_secs_f64(),
        );
    }
    println!(
        "peak RSS {} MiB; data folder {} KiB for {} versions",
        peak_rss_kib() / 1024,
        folder_bytes(data.path()) / 1024,
        (COLD_STATEMENTS + 1) * 50
    );
    Ok(())
}
