//! Criterion benchmarks of the CPU work behind one ingest and one query, on a 5 KB press
//! release: extraction, the whole read of a submission, `norm-v1`, locating a passage, a word
//! diff, and SHA-256 of the same bytes as the baseline measured in the same run.
//!
//!     cargo bench --bench reading

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use provenance::domain::{Content, Draft, Metadata, Sha256, SourceUrl};
use provenance::extract::{extract, ContentKind};
use provenance::text::diff::diff_words;
use provenance::text::normalize::normalize;
use provenance::text::passage::locate;
use provenance::text::words::words;

#[path = "../examples/support/release.rs"]
mod release;
use release::press_release;

fn benchmarks(c: &mut Criterion) {
    let text = press_release();
    let edited = text.replacen("will not let it stand", "will fight it in every court", 2);
    let passage = "This law was written to keep eligible voters from casting a ballot in county 7, and we \
                   will not let it stand";
    let document_words = words(&text, &[]);
    let passage_words = words(passage, &[]);
    let draft = Draft {
        source_url: SourceUrl::parse("source_url", "https://example.org/release").unwrap(),
        content: Content::parse("content", text.clone()).unwrap(),
        metadata: Metadata::default(),
        submitted_by: None,
        sources: Default::default(),
        captured_at: None,
    };
    let mut group = c.benchmark_group("5 KB press release");
    group.bench_function("sha256 (baseline)", |b| {
        b.iter(|| Sha256::of(black_box(text.as_bytes())))
    });
    group.bench_function("extract", |b| {
        b.iter(|| extract(black_box(&text), ContentKind::Plain))
    });
    group.bench_function("read a submission (extract, fill, norm-v1, fingerprints)", |b| {
        b.iter(|| black_box(draft.clone()).read())
    });
    group.bench_function("normalize (norm-v1)", |b| {
        b.iter(|| normalize(black_box(&text), &[]))
    });
    group.bench_function("locate a 21-word passage", |b| {
        b.iter(|| locate(black_box(&passage_words), black_box(&document_words)))
    });
    group.bench_function("diff_words, two edits", |b| {
        b.iter(|| diff_words(black_box(&text), black_box(&edited)))
    });
    group.finish();
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
