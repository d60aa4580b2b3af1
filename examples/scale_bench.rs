//! Lookups at scale: fills a registry with synthetic statements up to each size given, and at
//! each size measures, over HTTP on loopback against the real service, `GET /v1/hashes/{sha256}`,
//! `POST /v1/verify` (an exact copy and a re-wrapped one), `POST /v1/passages/search` (a
//! 20-word passage, a third of them with one word changed) and, as the baseline of the same
//! run, `GET /healthz`. Prints p50/p95/p99, how often the passage's source was found, ingest
//! rate while filling, peak RSS, disk bytes per statement and passage-index entries per
//! statement. Run in release mode:
//!
//!     cargo run --release --example scale_bench -- 100000,1000000 [DATA_DIR]
//!
//! Statements are ~2.5 KB of words drawn (skewed, like real vocabulary) from 8,000 synthetic
//! words, each with a few sentences of stock phrases that many statements share.

#[path = "support/mod.rs"]
mod support;

use provenance::domain::{Content, Draft, Metadata, SourceUrl};
use provenance::startup::Application;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{bench_settings, folder_bytes, peak_rss_kib, percentile};

const QUERIES: u64 = 400;
const VOCABULARY: u64 = 8_000;
const STOCK_SENTENCES: [&str; 6] = [
    "The Trump administration has made clear that it will continue to target immigrant communities.",
    "Public safety depends on trust between law enforcement and the communities they serve.",
    "We will continue to fight in the courts, in the streets and at the ballot box.",
    "For more information, visit our website or follow us on social media.",
    "This is an attack on the Constitution and on the values we hold dear.",
    "Local officials must stand up for every resident, regardless of immigration status.",
];

/// A deterministic pseudo-random sequence (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A word index, skewed towards small indexes as word frequencies are.
    fn word(&mut self) -> u64 {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((u * u * u) * VOCABULARY as f64) as u64
    }
}

fn word(index: u64) -> String {
    const SYLLABLES: [&str; 20] = [
        "ka", "lo", "mi", "ter", "an", "sol", "ve", "ri", "dun", "pa", "tho", "gre", "ul", "nes", "bi",
        "cor", "fa", "mun", "sta", "ly",
    ];
    let mut n = index + 1;
    let mut text = String::new();
    while n > 0 {
        text.push_str(SYLLABLES[(n % 20) as usize]);
        n /= 20;
    }
    text
}

/// The words of statement `n`'s body.
fn body_words(n: u64) -> Vec<String> {
    let mut random = Random(n);
    (0..380).map(|_| word(random.word())).collect()
}

fn statement_text(n: u64) -> String {
    let words = body_words(n);
    let mut text = format!("WASHINGTON — Statement {n}.\n\n");
    for (i, chunk) in words.chunks(60).enumerate() {
        text.push_str(&chunk.join(" "));
        text.push_str(". ");
        text.push_str(STOCK_SENTENCES[((n as usize) + i) % STOCK_SENTENCES.len()]);
        text.push_str("\n\n");
    }
    text
}

fn url(n: u64) -> String {
    format!("https://scale.example/statements/{n}")
}

/// Threads filling the registry: more than the cores, so that group commit has company.
const FILL_THREADS: usize = 8;

/// Ingests statements `from..to` from [`FILL_THREADS`] threads through the store itself
/// (durable, as the service's ingest); returns the mean number of passage-index entries per
/// statement.
fn fill(store: &Arc<provenance::store::Store>, from: u64, to: u64) -> anyhow::Result<f64> {
    let next = Arc::new(AtomicU64::new(from));
    let fingerprints = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..FILL_THREADS)
        .map(|_| {
            let (store, next, fingerprints) = (store.clone(), next.clone(), fingerprints.clone());
            std::thread::spawn(move || -> anyhow::Result<()> {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= to {
                        return Ok(());
                    }
                    let submission = Draft {
                        source_url: SourceUrl::parse("source_url", &url(n))?,
                        content: Content::parse("content", statement_text(n))?,
                        metadata: Metadata::default(),
                        submitted_by: None,
                        sources: Default::default(),
                        captured_at: None,
                    }
                    .read();
                    fingerprints.fetch_add(submission.reading.fingerprints.len() as u64, Ordering::Relaxed);
                    store.ingest(submission, chrono::Utc::now())?;
                }
            })
        })
        .collect();
    for worker in workers {
        worker
            .join()
            .map_err(|_| anyhow::anyhow!("an ingest thread panicked"))??;
    }
    Ok(fingerprints.load(Ordering::Relaxed) as f64 / (to - from).max(1) as f64)
}

/// Times `QUERIES` sequential requests; `request(i)` returns whether the answer was right.
async fn time<F, Fut>(name: &str, request: F) -> anyhow::Result<()>
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let mut latencies = Vec::new();
    let mut right = 0;
    for i in 0..QUERIES {
        let started = Instant::now();
        right += u64::from(request(i).await?);
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {name:<42} p50 {:>8.3} ms  p95 {:>8.3} ms  p99 {:>8.3} ms  right {right}/{QUERIES}",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let sizes: Vec<u64> = args
        .next()
        .unwrap_or_else(|| "100000".to_owned())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let scratch = tempfile::tempdir()?;
    let data = args
        .next()
        .map_or_else(|| scratch.path().join("data"), Into::into);
    let app = Application::build(&bench_settings(data.clone()))?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let mut stored = store.log_size()?;
    for size in sizes {
        let started = Instant::now();
        let store_for_fill = store.clone();
        let from = stored;
        let per_statement = tokio::task::spawn_blocking(move || fill(&store_for_fill, from, size)).await??;
        let filled = size.saturating_sub(stored);
        println!(
            "{size} statements: filled {filled} in {:.0} s ({:.0}/s), {per_statement:.1} passage-index entries per statement",
            started.elapsed().as_secs_f64(),
            filled as f64 / started.elapsed().as_secs_f64().max(1e-9)
        );
        stored = size;
        let pick = |i: u64| (i.wrapping_mul(2_654_435_761)) % size;

        time("GET /healthz (baseline)", |_| {
            let request = client.get(format!("{address}/healthz"));
            async move { Ok(request.send().await?.status().is_success()) }
        })
        .await?;
        time("GET /v1/hashes/{sha256}", |i| {
            let sha = provenance::domain::Sha256::of(statement_text(pick(i)).as_bytes()).to_hex();
            let request = client.get(format!("{address}/v1/hashes/{sha}"));
            async move {
                let found: serde_json::Value = request.send().await?.json().await?;
                Ok(found["items"].as_array().is_some_and(|items| items.len() == 1))
            }
        })
        .await?;
        for (name, rewrap) in [
            ("POST /v1/verify, exact copy", false),
            ("POST /v1/verify, re-wrapped copy", true),
        ] {
            time(name, |i| {
                let text = statement_text(pick(i));
                let copy = if rewrap {
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                } else {
                    text
                };
                let expected = if rewrap { "normalized_match" } else { "current" };
                let request = client
                    .post(format!("{address}/v1/verify"))
                    .header("content-type", "text/plain")
                    .body(copy);
                async move {
                    let answer: serde_json::Value = request.send().await?.json().await?;
                    Ok(answer["verdict"] == expected)
                }
            })
            .await?;
        }
        time("POST /v1/passages/search (20 words)", |i| {
            let n = pick(i);
            let mut words = body_words(n)[100..120].to_vec();
            if i % 3 == 0 {
                words[10] = "changed".to_owned();
            }
            let body = serde_json::json!({"passage": words.join(" ")});
            let request = client.post(format!("{address}/v1/passages/search")).json(&body);
            let source = url(n);
            async move {
                let answer: serde_json::Value = request.send().await?.json().await?;
                Ok(answer["items"]
                    .as_array()
                    .is_some_and(|items| items.iter().any(|item| item["source_url"] == source.as_str())))
            }
        })
        .await?;
        store.flush()?;
        let disk = folder_bytes(&data);
        println!(
            "  peak RSS {} MiB, disk {} bytes per statement",
            peak_rss_kib() / 1024,
            disk / size.max(1)
        );
    }
    Ok(())
}
