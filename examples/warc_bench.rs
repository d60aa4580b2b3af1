//! WARC export throughput: fills a data folder with N versions (N/5 URLs × 5 versions of
//! ~3 KB of HTML, through the store's group commit), then times, on the same stopped folder in
//! the same run, `export` as JSON Lines (the baseline) and `export --format warc`, each into a
//! counting sink. Prints versions/s and MB/s (output bytes, and content bytes) and the ratio.
//! Version `v` of page `p` is captured at 2025-01-01 00:00:00 UTC + `v` days + `p` seconds
//! (its Memento-Datetime), so the 14-digit timestamps of every memento are known to a load
//! driver (`examples/archive_paths.lua`). Run in release mode:
//!
//!     cargo run --release --example warc_bench -- 10000 [KEEP_DIR]
//!
//! With `KEEP_DIR`, the data folder is `KEEP_DIR/data` and stays (`examples/pywb_bench.sh`
//! serves it and exports it for pywb).

use provenance::config::{LogSettings, DEFAULT_ORIGIN};
use provenance::domain::{Content, ContentType, Draft, Metadata, SourceUrl};
use provenance::startup::{open_store, KeyUse};
use std::io::Write;
use std::time::Instant;

/// A writer that only counts.
#[derive(Default)]
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// ~3 KB of HTML for version `v` of page `page`.
fn page(page: u64, v: u64) -> String {
    let mut body = format!(
        "<html><head><title>Statement {page}</title></head><body><h1>Statement {page}, version {v}</h1>"
    );
    let mut n = page.wrapping_mul(2_654_435_761).wrapping_add(v);
    while body.len() < 3_000 {
        n = n
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        body.push_str(&format!(
            "<p>Paragraph {} of the statement, word{} word{} word{}.</p>",
            n % 97,
            n % 8000,
            (n >> 13) % 8000,
            (n >> 29) % 8000
        ));
    }
    body.push_str("</body></html>");
    body
}

fn main() -> anyhow::Result<()> {
    let total: u64 = std::env::args().nth(1).map_or(Ok(10_000), |raw| raw.parse())?;
    let dir = tempfile::tempdir()?;
    let data = match std::env::args().nth(2) {
        Some(keep) => std::path::PathBuf::from(keep).join("data"),
        None => dir.path().join("data"),
    };
    let first_capture: chrono::DateTime<chrono::Utc> = "2025-01-01T00:00:00Z".parse()?;
    let log = LogSettings {
        log_origin: DEFAULT_ORIGIN.to_owned(),
        signing_key: None,
        allow_readable_signing_key: false,
    };
    let urls = (total / 5).max(1);
    let mut content_bytes = 0u64;
    {
        let store = open_store(&data, &log, KeyUse::CreateIfMissing)?;
        for v in 0..5 {
            for chunk in (0..urls).collect::<Vec<_>>().chunks(500) {
                let submissions = chunk
                    .iter()
                    .map(|&p| {
                        let text = page(p, v);
                        content_bytes += text.len() as u64;
                        Draft {
                            source_url: SourceUrl::parse(
                                "url",
                                &format!("https://example.org/statements/{p}"),
                            )
                            .unwrap(),
                            content: Content::parse("content", text).unwrap(),
                            metadata: Metadata {
                                content_type: ContentType::Html,
                                ..Metadata::default()
                            },
                            submitted_by: None,
                            sources: Default::default(),
                            captured_at: Some(
                                first_capture
                                    + chrono::Duration::days(v as i64)
                                    + chrono::Duration::seconds(p as i64),
                            ),
                        }
                        .read_exactly()
                    })
                    .collect();
                for outcome in store.ingest_all(submissions, chrono::Utc::now()) {
                    outcome?;
                }
            }
        }
        store.flush()?;
    }
    let versions = urls * 5;
    println!(
        "{versions} versions, {:.1} MB of content",
        content_bytes as f64 / 1e6
    );
    let folder = provenance::config::DataDir {
        data_dir: data.clone(),
        store: None,
        log: log.clone(),
    };
    let mut rates = Vec::new();
    for (name, warc) in [("JSON Lines (baseline)", false), ("WARC", true)] {
        let mut sink = Count::default();
        let started = Instant::now();
        let written = if warc {
            provenance::cli::export_warc(&folder, None, &mut sink)?
        } else {
            provenance::cli::export(&folder, &mut sink)?
        };
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(written, versions);
        let rate = versions as f64 / seconds;
        println!(
            "{name:22} {seconds:6.2} s  {rate:8.0} versions/s  {:6.1} MB/s written ({:.1} MB)  {:6.1} MB/s of content",
            sink.0 as f64 / 1e6 / seconds,
            sink.0 as f64 / 1e6,
            content_bytes as f64 / 1e6 / seconds
        );
        rates.push(rate);
    }
    println!(
        "WARC / JSON Lines: {:.2} of the baseline's versions/s",
        rates[1] / rates[0]
    );
    Ok(())
}
