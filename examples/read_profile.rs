//! Reads statements with `Draft::read` a given number of times, for instruction counts under
//! callgrind: the 5 KB press release of `cargo bench --bench reading` (`release`) or the
//! seeds of the shared corpus (`seeds`, from `../shared/corpus/seeds` or `PROVENANCE_CORPUS`).
//! Every statement is read once before the counted reads (the first read loads
//! libphonenumber's metadata and builds the phrase automata); the counted reads go through
//! `counted_read`, so callgrind can count them alone:
//!
//!     cargo build --release --example read_profile
//!     valgrind --tool=callgrind --toggle-collect='read_profile::counted_read' \
//!         target/release/examples/read_profile release 20
//!     # collected Ir / 20 = instructions per read (seeds: / (20 × 5))
//!
//! Without valgrind it also prints the median time of a read.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use provenance::domain::{Content, Draft, Metadata, SourceUrl, Submission};

#[path = "support/release.rs"]
mod release;

fn draft(text: &str) -> Draft {
    Draft {
        source_url: SourceUrl::parse("source_url", "https://example.org/release").expect("a valid URL"),
        content: Content::parse("content", text.to_owned()).expect("not blank"),
        metadata: Metadata::default(),
        submitted_by: None,
        sources: Default::default(),
        captured_at: None,
    }
}

/// One counted read: what callgrind is told to count.
#[inline(never)]
fn counted_read(draft: Draft) -> Submission {
    draft.read()
}

fn seeds() -> Vec<String> {
    let dir = std::env::var_os("PROVENANCE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("no seeds in {}: {error}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "release".to_owned());
    let reads: usize = args.next().and_then(|raw| raw.parse().ok()).unwrap_or(100);
    let texts = match which.as_str() {
        "release" => vec![release::press_release()],
        "seeds" => seeds(),
        other => panic!("read_profile release|seeds [reads], not {other:?}"),
    };
    let drafts: Vec<Draft> = texts.iter().map(|text| draft(text)).collect();
    for draft in &drafts {
        black_box(draft.clone().read());
    }
    let mut timings: Vec<Duration> = Vec::with_capacity(reads * drafts.len());
    for _ in 0..reads {
        for draft in &drafts {
            let draft = draft.clone();
            let started = Instant::now();
            black_box(counted_read(black_box(draft)));
            timings.push(started.elapsed());
        }
    }
    timings.sort();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{which}: {} statement(s), {bytes} bytes, {reads} reads each; median read {:.1} µs",
        drafts.len(),
        timings
            .get(timings.len() / 2)
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e6
    );
}
