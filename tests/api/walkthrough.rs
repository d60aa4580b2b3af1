//! The README's curl session (`examples/walkthrough.sh`) runs green as a newcomer would run it:
//! from a fresh working folder, twice in a row, starting its own throw-away service, and leaving
//! nothing behind, neither in the checkout nor in the temporary folder.

use std::path::{Path, PathBuf};

fn checkout_status(repo: &Path) -> String {
    let output = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(repo)
        .output()
        .expect("git runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn readme_curl_session_runs_twice_and_leaves_nothing() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = repo.join("examples/walkthrough.sh");
    let before = checkout_status(&repo);
    for run in 1..=2 {
        let working = tempfile::tempdir().unwrap();
        let temporary = tempfile::tempdir().unwrap();
        let output = tokio::process::Command::new("bash")
            .arg(&script)
            .current_dir(working.path())
            .env("TMPDIR", temporary.path())
            .env("PROVENANCE_BIN", env!("CARGO_BIN_EXE_provenance"))
            .env("PROVENANCE_BIND", "127.0.0.1:0")
            .output()
            .await
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("walkthrough complete"),
            "run {run} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("\"verdict\": \"superseded\""),
            "run {run}: {stdout}"
        );
        let left: Vec<_> = std::fs::read_dir(temporary.path())
            .unwrap()
            .chain(std::fs::read_dir(working.path()).unwrap())
            .map(|entry| entry.unwrap().path())
            .collect();
        assert!(left.is_empty(), "run {run} left {left:?}");
    }
    assert_eq!(
        checkout_status(&repo),
        before,
        "the session wrote into the checkout"
    );
}
