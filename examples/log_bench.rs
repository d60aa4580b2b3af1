//! Measures the transparency log at scale: append throughput through the store's one write path
//! up to N leaves (default 1,000,000), proof latency at N, and storage per leaf, against a
//! baseline measured in the same run: raw sled inserts of the same version record and content
//! (what a store without indexes or log would write).
//!
//!     cargo run --release --example log_bench -- [LEAVES] [FOLDER]
//!
//! Appends go through `Store::import` (the write path of ingest, without a flush per version,
//! so the figure is the write path's own cost; durable ingest is bounded by fsync instead and
//! measured by the load driver). FOLDER (default: a temporary folder) must have room for about
//! 2 KB per leaf.

#[path = "support/mod.rs"]
mod support;

use chrono::Utc;
use provenance::domain::{Content, Draft, Metadata, Placement, Salt, SourceUrl, Succession, Text, Version};
use provenance::log::note::NoteSigner;
use provenance::store::Store;
use std::time::{Duration, Instant};
use support::{folder_bytes, peak_rss_kib, percentile};

/// The n-th synthetic version: a distinct statement with a ~600-byte text.
fn version(n: u64) -> (Version, String) {
    let text = format!(
        "WASHINGTON — Statement number {n}. The Department of Justice today issued letters to 23 jurisdictions \
         demanding documents and threatening subpoenas over these localities' supposed non-compliance with a \
         federal law that addresses information sharing between local law enforcement and federal immigration \
         authorities. “This is just the latest in an escalating campaign,” said a spokesperson. {}\n",
        "Padding to a realistic paragraph length. ".repeat(6)
    );
    let submission = Draft {
        source_url: SourceUrl::parse("source_url", &format!("https://bench.example/statements/{n}")).unwrap(),
        content: Content::parse("content", text.clone()).unwrap(),
        metadata: Metadata {
            title: Some(Text::parse("title", &format!("Statement {n}"), 100).unwrap()),
            ..Metadata::default()
        },
        submitted_by: None,
        sources: Default::default(),
        captured_at: None,
    }
    .read_exactly();
    let mut salt = [0u8; 32];
    salt[..8].copy_from_slice(&n.to_be_bytes());
    let placement = Placement {
        log_index: n,
        contacts_salt: Salt::from_bytes(salt),
    };
    match Version::succeed(None, &submission, Utc::now(), placement) {
        Succession::New(version) => (*version, text),
        _ => unreachable!("a first version"),
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let leaves: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000_000);
    let scratch = tempfile::tempdir()?;
    let root = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| scratch.path().to_path_buf());
    let (registry_dir, baseline_dir) = (root.join("registry"), root.join("baseline"));
    let report_every = (leaves / 10).max(1);

    // Baseline: the same record and content written to plain sled, one batch each.
    let baseline = sled::open(&baseline_dir)?;
    let started = Instant::now();
    for n in 0..leaves {
        let (version, text) = version(n);
        let mut batch = sled::Batch::default();
        batch.insert(format!("V{n:016}").as_bytes(), serde_json::to_vec(&version)?);
        batch.insert(format!("B{n:016}").as_bytes(), text.as_bytes());
        baseline.apply_batch(batch)?;
    }
    baseline.flush()?;
    let baseline_time = started.elapsed();
    drop(baseline);

    let store = Store::open(&registry_dir, NoteSigner::generate("bench.example/log")?)?;
    let started = Instant::now();
    let mut lap = Instant::now();
    for n in 0..leaves {
        let (version, text) = version(n);
        store
            .import(&version, text.as_bytes())?
            .map_err(anyhow::Error::msg)?;
        if (n + 1) % report_every == 0 {
            let rate = report_every as f64 / lap.elapsed().as_secs_f64();
            println!(
                "  {:>9} leaves: {rate:>8.0} appends/s over the last {report_every}",
                n + 1
            );
            lap = Instant::now();
        }
    }
    store.finish_import()?;
    let append_time = started.elapsed();

    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |below: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % below
    };
    let samples = 10_000;
    let mut inclusion = Vec::with_capacity(samples);
    let mut consistency = Vec::with_capacity(samples);
    for _ in 0..samples {
        let index = next(leaves);
        let t = Instant::now();
        let proof = store
            .inclusion_proof(index, leaves)?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        inclusion.push(t.elapsed());
        assert!(proof.len() <= 64);
        let from = 1 + next(leaves);
        let t = Instant::now();
        store
            .consistency_proof(from, leaves)?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        consistency.push(t.elapsed());
    }
    inclusion.sort();
    consistency.sort();
    let t = Instant::now();
    let bundle_samples = 1000;
    for _ in 0..bundle_samples {
        let (version, _) = version(next(leaves));
        store
            .proof_bundle(&version.statement_id, version.version)?
            .expect("stored");
    }
    let bundle_time = t.elapsed() / bundle_samples;
    drop(store);

    let (registry_bytes, baseline_bytes) = (folder_bytes(&registry_dir), folder_bytes(&baseline_dir));
    let per_second = |time: Duration| leaves as f64 / time.as_secs_f64();
    println!("leaves: {leaves}");
    println!(
        "baseline (raw sled, record + content): {:.0} appends/s",
        per_second(baseline_time)
    );
    println!(
        "registry (store write path with log):  {:.0} appends/s",
        per_second(append_time)
    );
    println!(
        "ratio registry / baseline throughput:  {:.2}",
        per_second(append_time) / per_second(baseline_time)
    );
    println!(
        "inclusion proof at {leaves}: p50 {:?}, p99 {:?}; consistency proof: p50 {:?}, p99 {:?}; proof bundle: mean {:?}",
        percentile(&inclusion, 0.5),
        percentile(&inclusion, 0.99),
        percentile(&consistency, 0.5),
        percentile(&consistency, 0.99),
        bundle_time
    );
    println!(
        "disk: registry {:.0} bytes/leaf, baseline {:.0} bytes/leaf, overhead {:.0} bytes/leaf (indexes, journal, leaf, tree nodes, checkpoint)",
        registry_bytes as f64 / leaves as f64,
        baseline_bytes as f64 / leaves as f64,
        (registry_bytes as f64 - baseline_bytes as f64) / leaves as f64
    );
    println!("peak RSS: {} MiB", peak_rss_kib() / 1024);
    Ok(())
}
