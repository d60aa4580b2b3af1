//! Times `provenance::extract::extract`: the median of 1,000 runs for each seed statement of the
//! shared corpus and for a 5 KB press release. Run in release mode:
//! `cargo run --release --example extract_bench` (seeds from `../shared/corpus/seeds`, or
//! `PROVENANCE_CORPUS`).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use provenance::extract::{extract, ContentKind};

const RUNS: usize = 1_000;
const STATEMENT_BYTES: usize = 5 * 1024;

fn median_of_runs(content: &str, content_type: ContentKind) -> Duration {
    let mut timings: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            black_box(extract(black_box(content), content_type));
            started.elapsed()
        })
        .collect();
    timings.sort();
    timings.get(RUNS / 2).copied().unwrap_or_default()
}

/// A press release of at least 5 KB with every part the extractor looks for.
fn five_kilobyte_statement() -> String {
    let mut statement = String::from(
        "Coalition Sues State Over New Voter ID Law\n\nMarch 2, 2022\n\nMedia Contact:\nJane Doe\n\
         Florida Immigrant Coalition\n213.977.5252\njane.doe@example.org\n\n\
         TALLAHASSEE— A coalition of civil rights groups filed a lawsuit today challenging the state's \
         new voter identification law.\n\n",
    );
    let paragraph = "“This law was written to keep eligible voters from casting a ballot, and we will not let \
        it stand,” said Maria Lopez, executive director of the Florida Immigrant Coalition. The complaint, \
        filed in the U.S. District Court, says the law burdens voters (see https://example.org/complaint).\n\n";
    while statement.len() < STATEMENT_BYTES {
        statement.push_str(paragraph);
    }
    statement.push_str("Sign up for email updates\n\nYou are using an outdated browser.\n");
    statement
}

fn main() {
    let seeds = std::env::var_os("PROVENANCE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds"));
    let mut inputs: Vec<(String, String)> = match std::fs::read_dir(&seeds) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter_map(|path| {
                let name = path.file_name()?.to_string_lossy().into_owned();
                Some((name, std::fs::read_to_string(&path).ok()?))
            })
            .collect(),
        Err(error) => {
            eprintln!("no seeds in {}: {error}", seeds.display());
            Vec::new()
        }
    };
    inputs.sort();
    inputs.push((
        "synthetic 5 KB press release".to_owned(),
        five_kilobyte_statement(),
    ));
    // The first call loads libphonenumber's metadata and builds the phrase automata.
    if let Some((name, content)) = inputs.first() {
        let started = Instant::now();
        black_box(extract(black_box(content), ContentKind::Plain));
        println!(
            "first call (cold, {name}): {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    println!("median of {RUNS} runs of extract():");
    for (name, content) in &inputs {
        let median = median_of_runs(content, ContentKind::Plain);
        println!(
            "{name:<36} {:>6} bytes  {:>8.1} µs",
            content.len(),
            median.as_secs_f64() * 1e6
        );
    }
}
