//! The command line as a person meets it, through the real binary: help that reads, output
//! that may be piped into `head`, errors that say what to do when a service holds the data
//! folder, keys that do not fix the log's identity, owner-only files, and the first admin key.

mod common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use common::{binary, start};

fn provenance(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .output()
        .expect("the binary runs")
}

use common::output_text as text;

/// Starts `serve` on `data` as tests/common does, with `extra` flags.
fn serve_with(data: &Path, extra: &[&str]) -> (Child, String) {
    let mut command = Command::new(binary());
    command.args(common::serve_args(data)).args(extra);
    common::spawn_server(command)
}

/// Stops a service the test started.
fn stop(mut service: Child) {
    service.kill().unwrap();
    service.wait().unwrap();
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn every_command_has_one_line_of_help() {
    let help = text(&provenance(&["--help"]));
    let line = help
        .lines()
        .find(|line| line.trim_start().starts_with("verify-bundle"))
        .unwrap_or_else(|| panic!("{help}"));
    assert!(
        line.contains("/proof)"),
        "the verify-bundle line is whole: {help}"
    );
    assert!(!help.contains("{n}"), "{help}");
}

#[test]
fn output_piped_into_a_reader_that_leaves_is_no_error() {
    let mut child = Command::new(binary())
        .arg("openapi")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes, as `head` does
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_folder_in_use_by_a_service_is_said_to_be_so_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (service, _) = start(&data);
    let folder = data.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "keys",
                "create",
                "--name",
                "desk",
                "--role",
                "writer",
                "--data-dir",
                folder,
            ],
            "--server URL",
        ),
        (&["fsck", "--data-dir", folder], "stop the service first"),
        (&["export", "--data-dir", folder], "stop the service first"),
        (
            &["serve", "--bind", "127.0.0.1:0", "--data-dir", folder],
            "give this one a data folder of its own (--data-dir)",
        ),
    ];
    for (args, what_to_do) in cases {
        let output = provenance(args);
        let said = text(&output);
        assert!(!output.status.success(), "{args:?}: {said}");
        assert!(
            said.contains(&format!("the data folder {folder} is in use by another process"))
                && said.contains(what_to_do),
            "{args:?}: {said}"
        );
        assert!(!said.contains("WouldBlock"), "{args:?}: {said}");
    }
    stop(service);
}

#[test]
fn keys_made_on_a_fresh_folder_leave_the_log_to_the_first_serve() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = common::create_key(&data, "desk", "writer");
    assert!(token.starts_with("pvk_"));
    assert!(!data.join("log-signing.key").exists(), "no signing key yet");
    common::create_key(&data, "ops", "admin");
    let folder = data.to_str().unwrap();
    let refused = provenance(&["keys", "revoke", "ops", "--data-dir", folder]);
    let said = text(&refused);
    assert!(
        !refused.status.success() && said.contains("ops is the last live admin key"),
        "offline too: {said}"
    );
    let (service, address) = serve_with(&data, &["--log-origin", "news.example/log"]);
    let key = reqwest::blocking::get(format!("{address}/v1/log/key"))
        .unwrap()
        .text()
        .unwrap();
    assert!(key.starts_with("news.example/log+"), "{key}");
    stop(service);

    // Started again with another origin, it says which one the log has and what to do.
    let output = provenance(&[
        "fsck",
        "--data-dir",
        data.to_str().unwrap(),
        "--log-origin",
        "other.example/log",
    ]);
    let said = text(&output);
    assert!(
        !output.status.success() && said.contains("start it with --log-origin \"news.example/log\""),
        "{said}"
    );
}

#[test]
fn the_data_folder_is_its_owners_only_and_so_must_the_signing_key_be() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (service, _) = start(&data);
    stop(service);
    assert_eq!(mode(&data), 0o700);
    let mut files = 0;
    let mut pending = vec![data.clone()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path) & 0o077, 0, "{} is {:o}", path.display(), mode(&path));
            files += 1;
            if path.is_dir() {
                pending.push(path);
            }
        }
    }
    assert!(files >= 4, "db, conf, the key, the witness… ({files})");

    let key = data.join("log-signing.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let folder = data.to_str().unwrap();
    let refused = provenance(&["serve", "--bind", "127.0.0.1:0", "--data-dir", folder]);
    let said = text(&refused);
    assert!(!refused.status.success(), "{said}");
    assert!(
        said.contains("may be read by others (mode 644)")
            && said.contains(&format!("chmod 600 {}", key.display())),
        "{said}"
    );
    let (allowed, _) = serve_with(&data, &["--allow-readable-signing-key"]);
    stop(allowed);
}

#[test]
fn the_first_start_writes_an_admin_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (service, address) = start(&data);
    let file = data.join("admin-key");
    assert_eq!(mode(&file), 0o600);
    let token = std::fs::read_to_string(&file).unwrap().trim().to_owned();
    let created = Command::new(binary())
        .args([
            "keys", "create", "--name", "desk", "--role", "writer", "--server", &address,
        ])
        .env("PROVENANCE_ADMIN_KEY", &token)
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", text(&created));
    stop(service);

    // A live admin key exists: a restart makes no other, and writes no file.
    std::fs::remove_file(&file).unwrap();
    let (service, address) = start(&data);
    assert!(!file.exists());
    let listed = Command::new(binary())
        .args(["keys", "list", "--server", &address, "--admin-key", &token])
        .output()
        .unwrap();
    let listing = text(&listed);
    assert!(listed.status.success(), "{listing}");
    let admins = listing
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("admin"))
        .count();
    assert_eq!(admins, 1, "{listing}");
    stop(service);

    let quiet = tempfile::tempdir().unwrap();
    let (service, _) = serve_with(quiet.path(), &["--no-admin-key-file"]);
    assert!(!quiet.path().join("admin-key").exists());
    stop(service);
}

#[test]
fn a_folder_started_with_another_signing_key_says_which_key_made_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (service, _) = start(&data);
    stop(service);
    let created = std::fs::read_to_string(data.join("log-signing.key")).unwrap();
    let key_id = created.trim().split('+').nth(3).unwrap().to_owned();
    let other = dir.path().join("other.key");
    let (elsewhere, _) = serve_with(
        &dir.path().join("elsewhere"),
        &["--signing-key", other.to_str().unwrap()],
    );
    stop(elsewhere);
    let output = provenance(&[
        "fsck",
        "--data-dir",
        data.to_str().unwrap(),
        "--signing-key",
        other.to_str().unwrap(),
    ]);
    let said = text(&output);
    assert!(!output.status.success());
    assert!(
        said.contains(&format!(
            "signed by \"provenance.localhost/log\" (key id {key_id})"
        )) && said.contains("the --signing-key it was created with"),
        "{said}"
    );
}
