//! Webhook throughput: the real service in this process, fed N statements by bulk ingest
//! (`POST /v1/statements/batch`, batches of 500), twice in the same run on fresh data folders:
//! without any endpoint (the baseline: each version's event is still written, to no one) and
//! with one endpoint on a loopback receiver that answers 204 at once. Prints ingest versions/s
//! of both and their ratio, and the events delivered per second (first ingest to last
//! delivery, and from the end of ingest to the last delivery). Run in release mode:
//!
//!     cargo run --release --example webhook_bench -- 5000

use actix_web::{web, App, HttpResponse, HttpServer};
use provenance::config::Settings;
use provenance::domain::{KeyName, Role};
use provenance::startup::Application;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BATCH: u64 = 500;

struct Run {
    ingest: Duration,
    /// From the first ingest to the last delivery, and from the end of ingest to it.
    delivered: Option<(Duration, Duration)>,
}

async fn run(total: u64, subscribed: bool) -> anyhow::Result<Run> {
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::new("127.0.0.1:0", dir.path().join("data"));
    settings.rate_limit_key = 0;
    settings.rate_limit_ip = 0;
    settings.no_admin_key_file = true;
    settings.fetch.fetch_allow_private = true;
    let app = Application::build(&settings)?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    let (_, writer) = store
        .create_key(KeyName::parse("name", "bench")?, Role::Writer, chrono::Utc::now())?
        .map_err(anyhow::Error::msg)?;
    let (_, admin) = store
        .create_key(
            KeyName::parse("name", "bench-admin")?,
            Role::Admin,
            chrono::Utc::now(),
        )?
        .map_err(anyhow::Error::msg)?;
    let handle = app.handle();
    let served = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    let received = Arc::new(AtomicU64::new(0));
    let counter = web::Data::from(Arc::clone(&received));
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let hook = format!("http://{}/hook", listener.local_addr()?);
    let receiver = HttpServer::new(move || {
        App::new().app_data(counter.clone()).default_service(web::to(
            |count: web::Data<AtomicU64>, _body: web::Bytes| async move {
                count.fetch_add(1, Ordering::Relaxed);
                HttpResponse::NoContent().finish()
            },
        ))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let receiver_handle = receiver.handle();
    tokio::spawn(receiver);
    if subscribed {
        let created = client
            .post(format!("{address}/v1/webhooks"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({ "url": hook, "events": ["version.created"] }))
            .send()
            .await?;
        anyhow::ensure!(created.status() == 201, "register: {}", created.text().await?);
    }

    let started = Instant::now();
    for first in (0..total).step_by(BATCH as usize) {
        let mut body = String::new();
        for n in first..(first + BATCH).min(total) {
            let line = serde_json::json!({
                "source_url": format!("https://bench.example/statement/{n}"),
                "content": format!("Statement {n}. We will act today, said the spokesperson of the organization {}.", n % 97),
            });
            body.push_str(&line.to_string());
            body.push('\n');
        }
        let answer = client
            .post(format!("{address}/v1/statements/batch"))
            .bearer_auth(&writer)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(answer.status() == 200, "batch: {}", answer.status());
        let lines = answer.text().await?;
        anyhow::ensure!(!lines.contains("\"error\""), "a line failed: {lines}");
    }
    let ingest = started.elapsed();
    let delivered = match subscribed {
        false => None,
        true => {
            while received.load(Ordering::Relaxed) < total {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Some((started.elapsed(), started.elapsed() - ingest))
        }
    };
    handle.stop(true).await;
    served.await??;
    receiver_handle.stop(false).await;
    Ok(Run { ingest, delivered })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let total: u64 = std::env::args().nth(1).map_or(Ok(5_000), |raw| raw.parse())?;
    let baseline = run(total, false).await?;
    let subscribed = run(total, true).await?;
    let rate = |d: Duration| total as f64 / d.as_secs_f64();
    println!("{total} versions, bulk ingest in batches of {BATCH}");
    println!(
        "no endpoint (baseline): ingest {:.2} s, {:.0} versions/s",
        baseline.ingest.as_secs_f64(),
        rate(baseline.ingest)
    );
    println!(
        "one endpoint:           ingest {:.2} s, {:.0} versions/s, ratio {:.2}x",
        subscribed.ingest.as_secs_f64(),
        rate(subscribed.ingest),
        baseline.ingest.as_secs_f64() / subscribed.ingest.as_secs_f64()
    );
    if let Some((all, after)) = subscribed.delivered {
        println!(
            "delivered {total} events: {:.2} s from the first ingest ({:.0} events/s), {:.2} s after the last ingest",
            all.as_secs_f64(),
            rate(all),
            after.as_secs_f64()
        );
    }
    Ok(())
}
