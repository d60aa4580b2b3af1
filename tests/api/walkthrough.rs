//! The README's curl session (`examples/walkthrough.sh`) runs green against a live server, so
//! the README stays true to the service.

use std::path::PathBuf;

use crate::helpers::spawn_app;

#[tokio::test]
async fn readme_curl_session_runs() {
    let app = spawn_app().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/walkthrough.sh");
    let output = tokio::process::Command::new("bash")
        .arg(script)
        .arg(&app.address)
        .env("PROVENANCE_KEY", &app.token)
        .output()
        .await
        .expect("bash runs");
    assert!(
        output.status.success(),
        "walkthrough failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("walkthrough complete"), "{stdout}");
    app.assert_store_consistent();
}
