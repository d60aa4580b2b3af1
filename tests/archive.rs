//! The web archives' own tools against our output: Python `surt` (the reference SURT keys
//! pywb and the Wayback Machine sort by), installed by `scripts/setup/60-archive-tools.sh`
//! into `target/archive-venv` (scripts/test runs it first).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use provenance::archive::surt::Surt;
use provenance::domain::SourceUrl;

/// The virtualenv's Python, with warcio and surt.
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
