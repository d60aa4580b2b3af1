//! The spec-driven fuzz run, bounded as CI runs it: schemathesis (through `scripts/api-fuzz`)
//! against the binary cargo built, started on a fresh data folder with an admin key and no
//! rate limits, testing every operation of the OpenAPI document the service serves. The test
//! fails with schemathesis's report when any of its checks fails.
//!
//! The first run installs schemathesis from PyPI into `<target>/api-fuzz-venv` (about a
//! minute); later runs reuse it. `PROVENANCE_API_FUZZ=skip` skips the run, for a machine
//! without python3 or PyPI: CI never sets it. `scripts/api-fuzz --long` is the longer form, for
//! local use.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

/// Stops the service when the test ends, passed or not.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The target folder cargo builds into (the binary is `<target>/<profile>/provenance`), where
/// the script keeps its virtual environment.
fn target_dir() -> PathBuf {
    let binary = Path::new(common::binary());
    binary
        .parent()
        .and_then(Path::parent)
        .expect("the binary lies in <target>/<profile>/")
        .to_path_buf()
}

#[test]
fn schemathesis_finds_no_failure() {
    if std::env::var("PROVENANCE_API_FUZZ").as_deref() == Ok("skip") {
        eprintln!("PROVENANCE_API_FUZZ=skip: the spec-driven fuzz run is skipped");
        return;
    }
    let data = tempfile::tempdir().expect("a temporary folder");
    let data_dir = data.path().join("data");
    let token = common::create_key(&data_dir, "api-fuzz", "admin");
    let (child, address) = common::start(&data_dir);
    let _service = Service(child);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/api-fuzz");
    let started = Instant::now();
    let output = Command::new(&script)
        .arg(&address)
        .env("PROVENANCE_FUZZ_KEY", &token)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap_or_else(|error| panic!("{} runs: {error}", script.display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "scripts/api-fuzz failed ({}) after {:.0?}:\n{report}",
        output.status,
        started.elapsed()
    );
    println!("{report}\nscripts/api-fuzz passed in {:.0?}", started.elapsed());
}
