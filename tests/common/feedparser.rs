//! Feeds as a feed reader reads them: the real `feedparser` from PyPI, installed into
//! `target/feed-venv` by `scripts/setup/61-feed-tools.sh` (scripts/test runs it first).
//! Shared by the test binaries that read the service's feeds.
#![allow(dead_code)]

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What feedparser makes of a document: `bozo` (whether it was not well-formed), `version`,
/// the feed's `title`, `id`, `updated` and `links`, and each entry's `id`, `title`,
/// `updated`, `summary`, `author` and `links` (each link with `rel`, `href`, `type`, `title`).
const READ: &str = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
links = lambda ls: [{k: l.get(k) for k in ("rel", "href", "type", "title")} for l in ls]
print(json.dumps({
    "bozo": bool(d.bozo),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "version": d.version,
    "title": d.feed.get("title"),
    "id": d.feed.get("id"),
    "updated": d.feed.get("updated"),
    "links": links(d.feed.get("links", [])),
    "entries": [{
        "id": e.get("id"), "title": e.get("title"), "updated": e.get("updated"),
        "summary": e.get("summary"), "author": e.get("author"), "links": links(e.get("links", [])),
    } for e in d.entries],
}))
"#;

fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/feed-venv/bin/python");
    assert!(
        python.exists(),
        "feedparser is missing: run scripts/setup/61-feed-tools.sh (scripts/test does)"
    );
    python
}

/// The document `body` as feedparser reads it.
pub fn parse_feed(body: &[u8]) -> Value {
    let mut child = Command::new(python())
        .args(["-c", READ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the feed venv's python runs");
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "feedparser failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the reader's JSON")
}

/// The feed `body` read by feedparser, asserted to be a well-formed Atom 1.0 feed.
pub fn parse_atom(body: &[u8]) -> Value {
    let feed = parse_feed(body);
    assert_eq!(
        feed["bozo"],
        false,
        "not well-formed: {}\n{}",
        feed["bozo_exception"],
        String::from_utf8_lossy(body)
    );
    assert_eq!(feed["version"], "atom10", "{feed}");
    feed
}

/// The `href` of the link of `rel` in `links`, if there is one.
pub fn link(links: &Value, rel: &str) -> Option<String> {
    links
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
        .map(str::to_owned)
}
