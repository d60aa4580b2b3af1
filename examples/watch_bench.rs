//! Watcher throughput and memory: the real service in this process watches N pages of a
//! loopback origin spread over H hosts (the loopback addresses 127.0.0.2 … 127.0.0.(H+1), one
//! port each), robots.txt honoured (the origin answers 404 to it, so one extra request per
//! host), no delay between requests to a host (`--watch-host-delay-ms 0`; the fetcher's own
//! capacity, not its politeness, is measured), at most one request at a time per host as
//! always. In the same run:
//!
//! - **baseline**: plain GETs of the same N URLs by one HTTP client, one at a time per host,
//!   the H hosts at once: what the origin and loopback allow;
//! - **first round**: the watches are stored before the service starts, all due at once (as
//!   after a restart); the watcher's first fetch of every page, each a new version ingested
//!   through the write path (extraction, log leaf, indexes, observation);
//! - **the next N fetches**: conditional requests the origin answers 304 (an observation, no
//!   version), as the watches come due again `every` later, spread by the schedule's jitter:
//!   its figure is CPU time per fetch rather than a rate.
//!
//! Memory is the process's resident set (service, origin and client together) before the
//! watches, with them stored and after each round. Run in release mode:
//!
//!     cargo run --release --example watch_bench -- 10000 100 40s

mod support;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use provenance::domain::{Interval, KeyName, SourceUrl, Watch, WatchId};
use provenance::startup::Application;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{bench_settings, cpu_seconds, peak_rss_kib, rss_kib};

/// The origin's counts: page requests, and those that were conditional.
#[derive(Default)]
struct Served {
    pages: AtomicU64,
    conditional: AtomicU64,
}

/// Page `n`, with an ETag; 304 when the request already holds it.
async fn page(req: HttpRequest, served: web::Data<Served>, n: web::Path<u64>) -> HttpResponse {
    let n = n.into_inner();
    let tag = format!("\"page-{n}\"");
    served.pages.fetch_add(1, Ordering::Relaxed);
    let held = req.headers().get("if-none-match").and_then(|v| v.to_str().ok());
    if held.is_some() {
        served.conditional.fetch_add(1, Ordering::Relaxed);
    }
    if held == Some(tag.as_str()) {
        return HttpResponse::NotModified().insert_header(("etag", tag)).finish();
    }
    HttpResponse::Ok()
        .insert_header(("etag", tag))
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "Statement {n}. The organization {} will publish its annual report on 3 December \
             2026, said its spokesperson. Media contact: press{}@bench.example, +44 20 7946 0{:03}.",
            n % 97,
            n % 13,
            n % 1000
        ))
}

/// The origin on `hosts` loopback addresses; returns its base URLs.
fn origin(
    hosts: u64,
    served: web::Data<Served>,
) -> anyhow::Result<(Vec<String>, actix_web::dev::ServerHandle)> {
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(served.clone())
            .route("/page/{n}", web::get().to(page))
            .default_service(web::to(HttpResponse::NotFound))
    })
    .workers(1)
    .disable_signals();
    let mut bases = Vec::new();
    for host in 0..hosts {
        let listener = std::net::TcpListener::bind(format!("127.0.0.{}:0", host + 2))?;
        bases.push(format!("http://{}", listener.local_addr()?));
        server = server.listen(listener)?;
    }
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok((bases, handle))
}

/// The URL of page `n`: pages are dealt to the hosts in turn.
fn url_of(bases: &[String], n: u64) -> String {
    format!("{}/page/{n}", bases[(n % bases.len() as u64) as usize])
}

/// Plain GETs of every page, one at a time per host, all hosts at once.
async fn baseline(bases: &[String], total: u64) -> anyhow::Result<Duration> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for host in 0..bases.len() as u64 {
        let urls: Vec<String> = (host..total)
            .step_by(bases.len())
            .map(|n| url_of(bases, n))
            .collect();
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for url in urls {
                let answer = client.get(&url).send().await?;
                anyhow::ensure!(answer.status() == 200, "{url}: {}", answer.status());
                answer.bytes().await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
}

/// Waits until every watch has been fetched at least once; says every 10 s what the last
/// fetches are.
async fn until_all_fetched(store: &Arc<provenance::store::Store>, total: usize) -> anyhow::Result<Instant> {
    let mut told = Instant::now();
    loop {
        let store = Arc::clone(store);
        let watches = tokio::task::spawn_blocking(move || store.watches().all()).await??;
        if watches.iter().filter(|w| w.last_fetch.is_some()).count() == total {
            return Ok(Instant::now());
        }
        if told.elapsed() > Duration::from_secs(10) {
            told = Instant::now();
            let mut seen = std::collections::BTreeMap::new();
            for watch in &watches {
                let last = watch
                    .last_fetch
                    .as_ref()
                    .map(|o| format!("{:?} {}", o.outcome, o.reason.as_deref().unwrap_or("")));
                *seen
                    .entry(last.unwrap_or_else(|| "not fetched".to_owned()))
                    .or_insert(0) += 1;
            }
            eprintln!("waiting for {total} first fetches: {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the origin has served `count` page requests, or, once it has served some, none
/// more for 10 s (then [`until_all_fetched`] says what happened).
async fn until_served(counter: &AtomicU64, count: u64) {
    let (mut last, mut since) = (0, Instant::now());
    loop {
        let now = counter.load(Ordering::Relaxed);
        if now >= count || (now > 0 && since.elapsed() > Duration::from_secs(10)) {
            return;
        }
        if now != last {
            (last, since) = (now, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn mib(kib: u64) -> u64 {
    kib / 1024
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let total: u64 = args.next().map_or(Ok(10_000), |raw| raw.parse())?;
    let hosts: u64 = args.next().map_or(Ok(100), |raw| raw.parse())?;
    let every = args.next().unwrap_or_else(|| "40s".to_owned());
    anyhow::ensure!((1..=250).contains(&hosts), "between 1 and 250 hosts");

    let served = web::Data::new(Served::default());
    let (bases, origin_handle) = origin(hosts, served.clone())?;
    let baseline = baseline(&bases, total).await?;
    served.pages.store(0, Ordering::Relaxed);

    let dir = tempfile::tempdir()?;
    let mut settings = bench_settings(dir.path().join("data"));
    settings.no_admin_key_file = true;
    settings.fetch.fetch_allow_private = true;
    settings.watch.watch_min_interval_secs = 1;
    settings.watch.watch_host_delay_ms = 0;
    let app = Application::build(&settings)?;
    let store = app.store();
    let rss_before = rss_kib();
    // The watches go into the store before the service runs, all due now, as after a restart:
    // the watcher loads them when it starts, and the first round is one burst.
    let owner = KeyName::parse("name", "bench")?;
    let interval = Interval::parse("every", &every, 1)?;
    let now = chrono::Utc::now();
    for n in 0..total {
        let watch = Watch {
            id: WatchId::from_bytes((n + 1).to_be_bytes()),
            source_url: SourceUrl::parse("source_url", &url_of(&bases, n))?,
            every: interval,
            owner: owner.clone(),
            created_at: now,
            next_run_at: now,
            etag: None,
            last_modified: None,
            last_fetch: None,
            misses: Vec::new(),
        };
        store
            .watches()
            .create(&watch, usize::MAX)?
            .map_err(|refusal| anyhow::anyhow!("{refusal:?}"))?;
    }
    let rss_registered = rss_kib();

    let handle = app.handle();
    let started = Instant::now();
    let service = tokio::spawn(app.run_until_stopped());
    until_served(&served.pages, total).await;
    let first_done = until_all_fetched(&store, total as usize).await?;
    let versions = store.log_size()?;
    let rss_first = rss_kib();

    // The next round: as many conditional fetches (304s) as there are watches, as they come due.
    let (conditional_before, cpu_before) = (served.conditional.load(Ordering::Relaxed), cpu_seconds());
    let second_started = Instant::now();
    until_served(&served.conditional, conditional_before + total).await;
    let second = second_started.elapsed();
    let cpu_second = cpu_seconds() - cpu_before;
    let rss_second = rss_kib();

    handle.stop(true).await;
    service.await??;
    origin_handle.stop(false).await;

    let rate = |d: Duration| total as f64 / d.as_secs_f64();
    let first = first_done - started;
    println!("{total} watches on {hosts} loopback hosts, every {every}, no delay between requests to a host");
    println!(
        "baseline, plain GETs one at a time per host: {:.2} s, {:.0} GETs/s",
        baseline.as_secs_f64(),
        rate(baseline)
    );
    println!(
        "first round: {:.2} s, {:.0} fetches/s ({versions} versions ingested); {:.1}x the baseline's time",
        first.as_secs_f64(),
        rate(first),
        first.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "next {total} fetches (304s, as they came due over {:.1} s): {:.2} CPU s, {:.0} µs of CPU per fetch",
        second.as_secs_f64(),
        cpu_second,
        cpu_second * 1e6 / total as f64
    );
    println!(
        "RSS: {} MiB before the watches, {} MiB with them stored, {} MiB after the first round, {} MiB after the next; peak {} MiB",
        mib(rss_before),
        mib(rss_registered),
        mib(rss_first),
        mib(rss_second),
        mib(peak_rss_kib())
    );
    Ok(())
}
