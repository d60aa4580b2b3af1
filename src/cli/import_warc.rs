//! `provenance import-warc FILE… --server URL --key KEY`: the captures of WARC files (from
//! wget `--warc-file`, warcio, Browsertrix, Heritrix, or our own export) ingested into a
//! running registry through `POST /v1/statements/batch`, in capture-date order.
//!
//! Which records: `response` records with an HTTP 2xx status and `resource` records, of type
//! text/html, application/xhtml+xml (ingested as text/html), text/plain or text/markdown, in
//! UTF-8 (see `crate::archive::warc_read`); every other record is skipped and counted by
//! reason. Idempotent: before sending anything, each distinct SHA-256 of the captures is looked
//! up (`GET /v1/hashes/{sha256}`, [`LOOKUPS_IN_FLIGHT`] at a time), and a capture whose text
//! the registry already holds as a version of the same URL is skipped; so importing a file
//! again creates nothing, while a page that went back to an earlier wording within one file
//! still gets that version.
//!
//! Each capture is sent with its `WARC-Date` as `captured_at`: the version records it as the
//! client's claim (its `ingested_at` stays the registry's own time) and takes it as its
//! Memento-Datetime. Captures out of order: within one import they are sorted first; a capture
//! of new content older than the latest version already in the registry for its URL (a crawl
//! imported after a newer one) is refused by the server, so the statement's timeline stays in
//! capture order, and counted as skipped ("captured before the latest version of its URL").
//!
//! The captures of all files are held in memory to be sorted by date: import very large crawls
//! file by file.

use anyhow::{bail, Context};
use futures_util::{StreamExt, TryStreamExt};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::api::model::HashMatches;
use crate::api::{MAX_BATCH_BYTES, MAX_BATCH_LINES};
use crate::archive::warc_read::{capture_of, read_record, Capture};
use crate::domain::{Sha256, SourceUrl};

/// Hash lookups (`GET /v1/hashes/{sha256}`) in flight at once: one at a time, a round trip
/// per distinct text dominated the import.
const LOOKUPS_IN_FLIGHT: usize = 16;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub records: u64,
    pub created: u64,
    pub unchanged: u64,
    /// Skipped records and refused lines, by reason.
    pub skipped: BTreeMap<String, u64>,
}

impl ImportReport {
    fn skip(&mut self, reason: String) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// The report as lines of text.
    pub fn write_text(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{} records read: {} versions created, {} unchanged, {} skipped",
            self.records,
            self.created,
            self.unchanged,
            self.skipped.values().sum::<u64>()
        )?;
        for (reason, count) in &self.skipped {
            writeln!(out, "  skipped {count}: {reason}")?;
        }
        Ok(())
    }
}

/// Imports the captures of `files` into the registry at `server` with the writer key `key`.
pub async fn import_warc(files: &[PathBuf], server: &str, key: &str) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut captures = Vec::new();
    for file in files {
        read_captures(file, &mut captures, &mut report)
            .with_context(|| format!("cannot read {}", file.display()))?;
    }
    // Stable: captures of one date keep their order in the files.
    captures.sort_by_key(|capture| capture.captured_at);
    let server = server.trim_end_matches('/');
    let http = reqwest::Client::new();
    let mut parsed = Vec::new();
    for capture in captures {
        match SourceUrl::parse("source_url", &capture.url) {
            Ok(url) => parsed.push((Sha256::of(capture.text.as_bytes()), url, capture)),
            Err(_) => report.skip("a URL the registry does not take".to_owned()),
        }
    }
    let shas: BTreeSet<Sha256> = parsed.iter().map(|(sha, _, _)| *sha).collect();
    let known: BTreeMap<Sha256, HashSet<String>> = futures_util::stream::iter(shas)
        .map(|sha| {
            let http = &http;
            async move { Ok::<_, anyhow::Error>((sha, urls_holding(http, server, &sha).await?)) }
        })
        .buffer_unordered(LOOKUPS_IN_FLIGHT)
        .try_collect()
        .await?;
    let mut to_send = Vec::new();
    for (sha, url, capture) in parsed {
        if known[&sha].contains(&url.to_string()) {
            report.skip("already in the registry".to_owned());
        } else {
            to_send.push(capture);
        }
    }
    send(&http, server, key, &to_send, &mut report).await?;
    Ok(report)
}

/// Adds the captures of the WARC file `file` (gzipped or not) to `captures`.
fn read_captures(file: &Path, captures: &mut Vec<Capture>, report: &mut ImportReport) -> anyhow::Result<()> {
    let mut raw = BufReader::new(std::fs::File::open(file)?);
    let gzipped = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let mut input: Box<dyn BufRead> = if gzipped {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(raw)))
    } else {
        Box::new(raw)
    };
    while let Some(record) = read_record(&mut input)? {
        report.records += 1;
        match capture_of(&record) {
            Ok(capture) => captures.push(capture),
            Err(skip) => report.skip(skip.to_string()),
        }
    }
    Ok(())
}

/// The canonical source URLs of the versions whose content has the SHA-256 `sha`.
async fn urls_holding(http: &reqwest::Client, server: &str, sha: &Sha256) -> anyhow::Result<HashSet<String>> {
    let mut urls = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = http
            .get(format!("{server}/v1/hashes/{sha}"))
            .query(&[("limit", "200")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let answer = request.send().await.context("the server cannot be reached")?;
        if answer.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(urls);
        }
        if !answer.status().is_success() {
            bail!("GET /v1/hashes/{sha}: {}", answer.status());
        }
        let page: HashMatches = answer.json().await?;
        urls.extend(page.items.into_iter().map(|version| version.source_url));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(urls),
        }
    }
}

/// Sends `captures` in batches of at most [`MAX_BATCH_LINES`] lines and [`MAX_BATCH_BYTES`]
/// bytes, with a progress bar on a terminal.
async fn send(
    http: &reqwest::Client,
    server: &str,
    key: &str,
    captures: &[Capture],
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let bar = super::backup::progress(captures.len() as u64, "importing");
    let mut body = Vec::new();
    let mut lines = 0;
    for (n, capture) in captures.iter().enumerate() {
        let line = serde_json::to_vec(&serde_json::json!({
            "source_url": capture.url,
            "content": capture.text,
            "content_type": capture.content_type,
            "captured_at": capture.captured_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        }))?;
        if lines > 0 && body.len() + line.len() + 1 > MAX_BATCH_BYTES {
            post_batch(http, server, key, std::mem::take(&mut body), report).await?;
            bar.inc(lines);
            lines = 0;
        }
        body.extend_from_slice(&line);
        body.push(b'\n');
        lines += 1;
        if lines == MAX_BATCH_LINES as u64 || n + 1 == captures.len() {
            post_batch(http, server, key, std::mem::take(&mut body), report).await?;
            bar.inc(lines);
            lines = 0;
        }
    }
    bar.finish_and_clear();
    Ok(())
}

/// Posts one NDJSON batch and counts its result lines.
async fn post_batch(
    http: &reqwest::Client,
    server: &str,
    key: &str,
    body: Vec<u8>,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let answer = http
        .post(format!("{server}/v1/statements/batch"))
        .bearer_auth(key)
        .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
        .body(body)
        .send()
        .await
        .context("the server cannot be reached")?;
    let status = answer.status();
    let text = answer.text().await?;
    if !status.is_success() {
        bail!("POST /v1/statements/batch: {status}: {text}");
    }
    for line in text.lines() {
        let result: serde_json::Value = serde_json::from_str(line)?;
        match result["status"].as_u64() {
            Some(201) => report.created += 1,
            Some(200) => report.unchanged += 1,
            Some(409) if result["problem"]["field"] == "captured_at" => {
                report.skip("captured before the latest version of its URL".to_owned())
            }
            status => report.skip(format!(
                "refused by the server ({}): {}",
                status.unwrap_or(0),
                result["problem"]["detail"].as_str().unwrap_or("")
            )),
        }
    }
    Ok(())
}
