//! The web archives' own tools against our output: Python `surt` (the reference SURT keys
//! pywb and the Wayback Machine sort by), warcio (checks and indexes the WARC export) and
//! pywb (indexes it and replays it), installed by `scripts/setup/60-archive-tools.sh` into
//! `target/archive-venv` (scripts/test runs it first).

mod common;

use base64::Engine;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use provenance::archive::surt::Surt;
use provenance::config::LogSettings;
use provenance::domain::{Content, ContentType, Draft, Metadata, Sha1, SourceUrl, Version};
use provenance::startup::{open_store, KeyUse};
use provenance::store::Ingested;

/// The virtualenv's Python, with warcio, surt and pywb.
fn archive_python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/archive-venv/bin/python");
    assert!(
        python.exists(),
        "the archive tools are missing: run scripts/setup/60-archive-tools.sh"
    );
    python
}

#[test]
fn surt_keys_are_those_of_python_surt() {
    let urls = [
        "http://www.archive.org/",
        "https://WWW.Example.ORG/News/Item/",
        "https://www2.example.org/a/",
        "https://wwwx.example.org/",
        "https://www.example.org:8443/a?b=1",
        "http://example.org:80/a",
        "https://sub.domain.example.co.uk/path/to/page.html",
        "https://example.org//a//b/",
        "https://bücher.example/straße/ä?q=ü",
        "https://example.org/a%20b%3Ac%2Fd",
        "https://example.org/?q=%2541",
        "https://example.org/x?B=2&a=1&c",
        "https://example.org/x?a=2&b&a=1",
        "https://example.org/x?a=&a",
        "http://archive.org/index.php?PHPSESSID=0123456789abcdefghijklemopqrstuv&action=profile;u=4221",
        "https://example.org/page?jsessionid=0123456789ABCDEF0123456789ABCDEF&x=1",
        "http://192.168.1.254/info/",
        "http://[2001:db8::1]/a",
        "https://example.org/~user/%7Efile",
        "https://example.org/a/b/c/",
        "https://example.org/search?q=a+b&Z=1",
        "https://example.org/",
        "https://example.org",
    ];
    let canonical: Vec<SourceUrl> = urls
        .iter()
        .map(|raw| SourceUrl::parse("url", raw).unwrap())
        .collect();
    let mut child = Command::new(archive_python())
        .args([
            "-c",
            "import sys, surt\nfor line in sys.stdin.read().splitlines(): print(surt.surt(line))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = canonical.iter().map(|url| format!("{url}\n")).collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let expected = String::from_utf8(output.stdout).unwrap();
    for (url, expected) in canonical.iter().zip(expected.lines()) {
        assert_eq!(Surt::of(url).as_str(), expected, "SURT of {url}");
    }
    assert_eq!(expected.lines().count(), urls.len());
}

/// The versions the WARC tests export: (URL, content type, text, ingested at). Three versions
/// of one page, two of another, one in Markdown with non-ASCII text; some dates have a
/// fraction of a second, which WARC-Date keeps and the 14-digit timestamps drop.
const VERSIONS: [(&str, ContentType, &str, &str); 6] = [
    (
        "https://example.org/news/a",
        ContentType::Html,
        "<html><head><title>A</title></head><body><p>First.</p></body></html>",
        "2026-01-02T03:04:05Z",
    ),
    (
        "https://example.org/plain",
        ContentType::Plain,
        "Plain text,\r\nwith CRLF.\n",
        "2026-01-02T03:05:00.250Z",
    ),
    (
        "https://example.org/news/a",
        ContentType::Html,
        "<html><head><title>A</title></head><body><p>Second.</p></body></html>",
        "2026-01-03T00:00:00.000001Z",
    ),
    (
        "https://example.org/notes",
        ContentType::Markdown,
        "# Notes\n\nÄrger über *Straßen* — «ok» 日本\n",
        "2026-01-04T10:00:00Z",
    ),
    (
        "https://example.org/plain",
        ContentType::Plain,
        "Plain text, changed.",
        "2026-01-05T00:00:00Z",
    ),
    (
        "https://example.org/news/a",
        ContentType::Html,
        "<html><body><p>Third.</p></body></html>",
        "2026-02-01T12:30:45.5Z",
    ),
];

fn log_settings() -> LogSettings {
    LogSettings {
        log_origin: provenance::config::DEFAULT_ORIGIN.to_owned(),
        signing_key: None,
        allow_readable_signing_key: false,
    }
}

/// A data folder holding [`VERSIONS`], ingested at their dates; returns the stored records.
fn registry(data: &Path) -> Vec<Version> {
    let store = open_store(data, &log_settings(), KeyUse::CreateIfMissing).unwrap();
    let versions = VERSIONS
        .iter()
        .map(|(url, content_type, text, at)| {
            let submission = Draft {
                source_url: SourceUrl::parse("url", url).unwrap(),
                content: Content::parse("content", (*text).to_owned()).unwrap(),
                metadata: Metadata {
                    content_type: *content_type,
                    ..Metadata::default()
                },
                submitted_by: None,
                sources: Default::default(),
                captured_at: None,
            }
            .read_exactly();
            match store.ingest(submission, at.parse().unwrap()).unwrap() {
                Ingested::Created(version) => version,
                other => panic!("{url} at {at}: {other:?}"),
            }
        })
        .collect();
    store.flush().unwrap();
    versions
}

/// Runs `provenance export --format warc` on `data` into `file`.
fn export_warc(data: &Path, file: &Path) {
    let output = Command::new(common::binary())
        .args(["export", "--format", "warc", "--data-dir"])
        .arg(data)
        .arg("-o")
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::output_text(&output));
}

/// Runs a tool of the archive virtualenv in `dir`; returns its standard output.
fn archive_tool(dir: &Path, tool: &str, args: &[&str], input: &str) -> String {
    let bin = archive_python().parent().unwrap().join(tool);
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{tool} {args:?}: {}",
        common::output_text(&output)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The export's records as warcio reads them: headers and the payload's SHA-1 computed by
/// Python's hashlib, one JSON object per record.
const READ_RECORDS: &str = r#"
import base64, hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
with open(sys.argv[1], "rb") as f:
    for record in ArchiveIterator(f):
        body = record.content_stream().read()
        print(json.dumps({
            "type": record.rec_type,
            "headers": dict(record.rec_headers.headers),
            "sha1": "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode(),
            "body": base64.b64encode(body).decode(),
        }))
"#;

/// pywb's own WSGI app, asked for each path on standard input; prints status and body.
const PYWB_REPLAY: &str = r#"
import base64, io, json, sys
from pywb.apps.frontendapp import FrontEndApp
app = FrontEndApp()
for path in sys.stdin.read().splitlines():
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
           "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
           "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
           "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": False,
           "wsgi.run_once": False, "wsgi.version": (1, 0)}
    answer = {}
    def start(status, headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict(headers)
    body = b"".join(app(env, start))
    answer["body"] = base64.b64encode(body).decode()
    print("answer", json.dumps(answer))
"#;

/// The answers [`PYWB_REPLAY`] printed, in order (pywb prints notices of its own on standard
/// output).
fn pywb_answers(printed: &str) -> Vec<serde_json::Value> {
    printed
        .lines()
        .filter_map(|line| line.strip_prefix("answer "))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn base64_bytes(value: &serde_json::Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().unwrap())
        .unwrap()
}

#[test]
fn the_warc_export_passes_warcio_and_indexes_every_record_with_its_digests() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let versions = registry(&data);
    let file = dir.path().join("export.warc.gz");
    export_warc(&data, &file);
    let path = file.to_str().unwrap();
    archive_tool(dir.path(), "warcio", &["check", "-v", path], "");

    let index = json_lines(&archive_tool(
        dir.path(),
        "warcio",
        &[
            "index",
            "-f",
            "warc-type,warc-target-uri,warc-date,warc-payload-digest,warc-block-digest,warc-record-id,warc-concurrent-to,content-type,offset",
            path,
        ],
        "",
    ));
    assert_eq!(index.len(), 1 + 2 * versions.len(), "{index:#?}");
    assert_eq!(index[0]["warc-type"], "warcinfo");
    let records = json_lines(&archive_tool(
        dir.path(),
        "python",
        &["-c", READ_RECORDS, path],
        "",
    ));
    let info = String::from_utf8(base64_bytes(&records[0]["body"])).unwrap();
    assert!(
        info.contains("log-origin: provenance.localhost/log\r\n"),
        "{info}"
    );
    assert!(info.contains("log-key: provenance.localhost/log+"), "{info}");
    assert!(info.contains("log-size: 6\r\n"), "{info}");
    assert!(info.contains("log-checkpoint: "), "{info}");

    for (n, version) in versions.iter().enumerate() {
        let (resource, metadata) = (&index[1 + 2 * n], &index[2 + 2 * n]);
        let (url, content_type, text, _) = VERSIONS[n];
        let digest = format!("sha1:{}", Sha1::of(text.as_bytes()).to_base32());
        let what = format!("version {n}: {url}");
        assert_eq!(resource["warc-type"], "resource", "{what}");
        assert_eq!(
            resource["warc-target-uri"],
            version.source_url.to_string(),
            "{what}"
        );
        assert_eq!(
            resource["warc-date"],
            version
                .ingested_at
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            "{what}"
        );
        assert_eq!(resource["warc-payload-digest"], digest, "{what}");
        assert_eq!(resource["warc-block-digest"], digest, "{what}");
        assert_eq!(
            resource["content-type"],
            format!("{}; charset=utf-8", content_type.as_str()),
            "{what}"
        );
        assert_eq!(records[1 + 2 * n]["sha1"], digest, "{what}: hashlib agrees");
        assert_eq!(
            base64_bytes(&records[1 + 2 * n]["body"]),
            text.as_bytes(),
            "{what}"
        );

        assert_eq!(metadata["warc-type"], "metadata", "{what}");
        assert_eq!(
            metadata["warc-concurrent-to"], resource["warc-record-id"],
            "{what}"
        );
        assert_eq!(
            metadata["warc-block-digest"],
            records[2 + 2 * n]["sha1"],
            "{what}"
        );
        let bundle: serde_json::Value =
            serde_json::from_slice(&base64_bytes(&records[2 + 2 * n]["body"])).unwrap();
        assert_eq!(bundle["format"], "provenance-proof-bundle/1", "{what}");
        assert_eq!(bundle["version"]["sha256"], version.sha256.to_string(), "{what}");
        assert_eq!(bundle["tree_size"], 6, "{what}");
    }

    // Deterministic record ids: a second export names every version's records the same.
    let again = dir.path().join("again.warc.gz");
    export_warc(&data, &again);
    let ids = |file: &Path| {
        json_lines(&archive_tool(
            dir.path(),
            "warcio",
            &["index", "-f", "warc-record-id", file.to_str().unwrap()],
            "",
        ))
    };
    assert_eq!(ids(&file), ids(&again));
}

#[test]
fn pywb_indexes_the_export_and_replays_each_versions_exact_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let versions = registry(&data);
    let file = dir.path().join("export.warc.gz");
    export_warc(&data, &file);
    let root = dir.path().join("pywb");
    std::fs::create_dir(&root).unwrap();
    archive_tool(&root, "wb-manager", &["init", "registry"], "");
    archive_tool(
        &root,
        "wb-manager",
        &["add", "registry", file.to_str().unwrap()],
        "",
    );
    let paths: String = versions
        .iter()
        .map(|version| {
            format!(
                "/registry/{}id_/{}\n",
                version.ingested_at.format("%Y%m%d%H%M%S"),
                version.source_url
            )
        })
        .collect();
    let printed = archive_tool(&root, "python", &["-c", PYWB_REPLAY], &paths);
    let answers = pywb_answers(&printed);
    assert_eq!(answers.len(), versions.len());
    for (n, answer) in answers.iter().enumerate() {
        let (url, _, text, at) = VERSIONS[n];
        assert!(
            answer["status"].as_str().unwrap().starts_with("200"),
            "{url} at {at}: {answer}"
        );
        assert_eq!(
            String::from_utf8(base64_bytes(&answer["body"])).unwrap(),
            text,
            "pywb replays {url} at {at} exactly"
        );
    }
}

/// The WARC records of a gzipped WARC file, uncompressed, from the second record on (after
/// the `warcinfo` record, which is dated when it is written).
fn records_after_warcinfo(gzipped: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(gzipped)
        .read_to_end(&mut plain)
        .unwrap();
    let second = plain
        .windows(22)
        .skip(1)
        .position(|w| w == b"WARC/1.1\r\nWARC-Type: r")
        .unwrap();
    plain.split_off(second + 1)
}

#[test]
fn the_export_endpoint_streams_the_cli_export_to_admin_keys_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    registry(&data);
    let file = dir.path().join("export.warc.gz");
    export_warc(&data, &file);
    let admin = common::create_key(&data, "archivist", "admin");
    let reader = common::create_key(&data, "reader", "reader");
    let (mut service, address) = common::start(&data);
    let client = reqwest::blocking::Client::new();
    let url = format!("{address}/v1/export.warc.gz");
    assert_eq!(client.get(&url).send().unwrap().status(), 401);
    assert_eq!(
        client.get(&url).bearer_auth(&reader).send().unwrap().status(),
        403
    );
    let answer = client.get(&url).bearer_auth(&admin).send().unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/gzip");
    let served = answer.bytes().unwrap();
    service.kill().unwrap();
    service.wait().unwrap();
    let streamed = dir.path().join("streamed.warc.gz");
    std::fs::write(&streamed, &served).unwrap();
    archive_tool(dir.path(), "warcio", &["check", streamed.to_str().unwrap()], "");
    assert_eq!(
        records_after_warcinfo(&served),
        records_after_warcinfo(&std::fs::read(&file).unwrap()),
        "the same records as the command's export"
    );
}

/// A loopback origin whose pages change between two crawls, crawled by warcio's
/// `capture_http` (with requests) and by `wget --warc-file` into the WARC files named on the
/// command line. Prints the origin's address.
const CRAWL: &str = r#"
import sys, threading, subprocess, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from warcio.capture_http import capture_http
import requests

pages = {
    "/a": (200, "text/html; charset=utf-8", "<html><body><p>First wording.</p></body></html>".encode()),
    "/b": (200, "text/plain", "Plain statement.".encode()),
    "/x": (200, "application/xhtml+xml", "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>X</p></body></html>".encode()),
    "/gone": (404, "text/html", b"<p>Not here</p>"),
    "/logo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n"),
    "/latin": (200, "text/plain; charset=iso-8859-1", "Caf\u00e9".encode("latin-1")),
}

class Origin(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        status, kind, body = pages[self.path]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=server.serve_forever, daemon=True).start()
origin = "http://127.0.0.1:%d" % server.server_port
with capture_http(sys.argv[1]):
    for path in ["/a", "/b", "/x", "/gone", "/logo.png", "/latin"]:
        requests.get(origin + path)
# WARC-Dates are to the second: the second crawl is a later second.
time.sleep(1.1)
pages["/a"] = (200, "text/html; charset=utf-8", "<html><body><p>Second wording.</p></body></html>".encode())
with capture_http(sys.argv[2]):
    requests.get(origin + "/a")
    requests.get(origin + "/b")
pages["/w"] = (200, "text/html", "<html><body><p>Fetched by wget.</p></body></html>".encode())
subprocess.run(["wget", "-q", "-O", "/dev/null", "--warc-file=" + sys.argv[3][:-len(".warc.gz")],
                origin + "/w"], check=True)
print(origin)
"#;

/// Runs `provenance import-warc` on `files` against `address`; returns its report.
fn import_warc(address: &str, key: &str, files: &[PathBuf]) -> String {
    let output = Command::new(common::binary())
        .arg("import-warc")
        .args(files)
        .args(["--server", address, "--key", key])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::output_text(&output));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn captures_of_warcio_and_wget_import_in_date_order_once() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = ["one.warc.gz", "two.warc.gz", "wget.warc.gz"]
        .iter()
        .map(|name| dir.path().join(name))
        .collect();
    let names: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let origin = archive_tool(
        dir.path(),
        "python",
        &[&["-c", CRAWL][..], &names[..]].concat(),
        "",
    );
    let origin = origin.trim();
    let data = dir.path().join("data");
    let writer = common::create_key(&data, "crawler", "writer");
    let (mut service, address) = common::start(&data);

    let report = import_warc(&address, &writer, &files);
    for line in [
        ": 5 versions created, 1 unchanged,",
        "skipped 1: HTTP status 404",
        "skipped 1: content type image/png",
        "skipped 1: not UTF-8",
        // wget's own log and arguments, as resource records at metadata:// URLs.
        "skipped 2: a URL the registry does not take",
        "skipped 1: metadata record",
    ] {
        assert!(report.contains(line), "{line}: {report}");
    }

    let client = reqwest::blocking::Client::new();
    let versions = |path: &str| -> Vec<String> {
        records_of(&client, &address, &format!("{origin}{path}"))
            .iter()
            .map(|version| {
                let (id, n) = (version["statement_id"].as_str().unwrap(), &version["version"]);
                client
                    .get(format!("{address}/v1/statements/{id}/versions/{n}/content"))
                    .send()
                    .unwrap()
                    .text()
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(
        versions("/a"),
        [
            "<html><body><p>First wording.</p></body></html>",
            "<html><body><p>Second wording.</p></body></html>"
        ]
    );
    assert_eq!(versions("/b"), ["Plain statement."]);
    assert_eq!(versions("/x").len(), 1, "xhtml is ingested as HTML");
    assert_eq!(
        versions("/w"),
        ["<html><body><p>Fetched by wget.</p></body></html>"]
    );

    // Each version keeps its capture's WARC-Date as captured_at, its Memento-Datetime.
    let records = records_of(&client, &address, &format!("{origin}/a"));
    let time = |record: &serde_json::Value, field: &str| {
        chrono::DateTime::parse_from_rfc3339(
            record[field]
                .as_str()
                .unwrap_or_else(|| panic!("{field}: {record}")),
        )
        .unwrap()
    };
    for record in &records {
        let captured = time(record, "captured_at");
        assert!(captured <= time(record, "ingested_at"), "{record}");
        assert_eq!(
            time(record, "memento_datetime"),
            chrono::Timelike::with_nanosecond(&captured, 0).unwrap(),
            "{record}"
        );
    }
    assert!(time(&records[0], "captured_at") < time(&records[1], "captured_at"));
    let cdx = client
        .get(format!("{address}/cdx"))
        .query(&[("url", format!("{origin}/a").as_str()), ("fl", "timestamp")])
        .send()
        .unwrap()
        .text()
        .unwrap();
    let stamps: Vec<String> = records
        .iter()
        .map(|r| time(r, "captured_at").format("%Y%m%d%H%M%S").to_string())
        .collect();
    assert_eq!(
        cdx.lines().collect::<Vec<_>>(),
        stamps,
        "CDX timestamps are the capture times"
    );

    let again = import_warc(&address, &writer, &files);
    assert!(again.contains(": 0 versions created, 0 unchanged"), "{again}");
    assert!(again.contains("skipped 6: already in the registry"), "{again}");
    service.kill().unwrap();
    service.wait().unwrap();

    // The later crawl imported first: the earlier crawl's older wording of /a comes after the
    // latest version, and is refused rather than put out of order.
    let data = dir.path().join("data-out-of-order");
    let writer = common::create_key(&data, "crawler", "writer");
    let (mut service, address) = common::start(&data);
    let first = import_warc(&address, &writer, &files[1..2]);
    assert!(first.contains(": 2 versions created"), "{first}");
    let later = import_warc(&address, &writer, &files[0..1]);
    assert!(
        later.contains("skipped 1: captured before the latest version of its URL"),
        "{later}"
    );
    assert!(
        later.contains("skipped 1: already in the registry"),
        "/b: {later}"
    );
    let records = records_of(&client, &address, &format!("{origin}/a"));
    assert_eq!(records.len(), 1, "{records:?}");
    service.kill().unwrap();
    service.wait().unwrap();
}

/// The version records of the statement at `url`.
fn records_of(client: &reqwest::blocking::Client, address: &str, url: &str) -> Vec<serde_json::Value> {
    let id = provenance::domain::StatementId::for_url(&SourceUrl::parse("u", url).unwrap());
    let list: serde_json::Value = client
        .get(format!("{address}/v1/statements/{id}/versions"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{url}: {list}"))
        .clone()
}

/// pywb's configuration naming the service at `{address}` as two remote sources: a Memento
/// source (`memento+`: TimeGates, TimeMaps and `id_` mementos under `/web/`) and a CDX
/// server source (`cdx+`, replaying from `/web/`).
const PYWB_REMOTE: &str = "collections:
  viamemento: memento+{address}/web/
  viacdx: cdx+{address}/cdx /web
";

/// The mementos of a link-format TimeMap as `(datetime, target)`, in its order.
fn timemap_mementos(timemap: &str) -> Vec<(String, String)> {
    timemap
        .split(",\n")
        .filter(|entry| entry.contains("memento\""))
        .map(|entry| {
            let target = entry[entry.find('<').unwrap() + 1..entry.find('>').unwrap()].to_owned();
            let at = entry.split("datetime=\"").nth(1).unwrap();
            (at[..at.find('"').unwrap()].to_owned(), target)
        })
        .collect()
}

#[test]
fn pywb_with_the_service_as_its_remote_memento_and_cdx_source_answers_for_our_urls() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let versions = registry(&data);
    let (mut service, address) = common::start(&data);
    let root = dir.path().join("pywb");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(
        root.join("config.yaml"),
        PYWB_REMOTE.replace("{address}", &address),
    )
    .unwrap();
    let urls = ["https://example.org/news/a", "https://example.org/plain"];
    let mut paths = String::new();
    for collection in ["viamemento", "viacdx"] {
        for url in urls {
            paths.push_str(&format!("/{collection}/timemap/link/{url}\n"));
        }
        for version in &versions {
            paths.push_str(&format!(
                "/{collection}/{}id_/{}\n",
                version.ingested_at.format("%Y%m%d%H%M%S"),
                version.source_url
            ));
        }
    }
    let printed = archive_tool(&root, "python", &["-c", PYWB_REPLAY], &paths);
    service.kill().unwrap();
    service.wait().unwrap();
    let mut answers = pywb_answers(&printed).into_iter();

    for collection in ["viamemento", "viacdx"] {
        for url in urls {
            let answer = answers.next().unwrap();
            let what = format!("pywb's {collection} TimeMap of {url}");
            assert!(
                answer["status"].as_str().unwrap().starts_with("200"),
                "{what}: {answer}"
            );
            let timemap = String::from_utf8(base64_bytes(&answer["body"])).unwrap();
            let expected: Vec<(String, String)> = versions
                .iter()
                .filter(|version| version.source_url.to_string() == url)
                .map(|version| {
                    let at = version.ingested_at;
                    (
                        at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                        format!(
                            "http://localhost/{collection}/{}mp_/{url}",
                            at.format("%Y%m%d%H%M%S")
                        ),
                    )
                })
                .collect();
            assert_eq!(timemap_mementos(&timemap), expected, "{what}:\n{timemap}");
        }
        for (n, version) in versions.iter().enumerate() {
            let answer = answers.next().unwrap();
            let (url, _, text, at) = VERSIONS[n];
            let what = format!("pywb's {collection} replay of {url} at {at}");
            assert!(
                answer["status"].as_str().unwrap().starts_with("200"),
                "{what}: {answer}"
            );
            assert_eq!(
                String::from_utf8(base64_bytes(&answer["body"])).unwrap(),
                text,
                "{what}: the exact bytes"
            );
            assert_eq!(
                answer["headers"]["Memento-Datetime"],
                version
                    .ingested_at
                    .format("%a, %d %b %Y %H:%M:%S GMT")
                    .to_string(),
                "{what}"
            );
        }
    }
    assert!(answers.next().is_none());
}
