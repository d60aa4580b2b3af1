//! The verifiers against a live server: `provenance verify`, `provenance verify-bundle`, and the
//! standalone Python script (an implementation independent of this crate) all accept genuine
//! bundles and copies, and refuse tampered ones.

use provenance::log::note::NoteSigner;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::helpers::{spawn_app_with, TestApp};

/// Runs `program` with `args`; returns its exit code and output.
fn run_for_code(program: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output: Output = Command::new(program)
        .args(args)
        .output()
        .expect("the verifier runs");
    (output.status.code(), crate::common::output_text(&output))
}

fn run(program: &Path, args: &[&str]) -> (bool, String) {
    let (code, text) = run_for_code(program, args);
    (code == Some(0), text)
}

/// Python with the standard library alone: `-I -S` leaves out the environment and every
/// site-packages folder, so the verifier cannot lean on an installed package.
fn bare_python(script_and_args: &[&str]) -> (bool, String) {
    let mut args = vec!["-I", "-S"];
    args.extend_from_slice(script_and_args);
    run(Path::new("python3"), &args)
}

struct Fixture {
    app: TestApp,
    key: String,
    dir: tempfile::TempDir,
    first: Value,
}

/// A log key whose base64 part contains `+`, the separator of the key's other parts: the case
/// a naive parser gets wrong.
fn key_file_with_plus(dir: &Path) -> PathBuf {
    let signer = std::iter::repeat_with(|| NoteSigner::generate("provenance.localhost/log").unwrap())
        .find(|signer| {
            signer
                .verifier()
                .encoded()
                .splitn(3, '+')
                .nth(2)
                .is_some_and(|key| key.contains('+'))
        })
        .unwrap();
    let path = dir.join("log.key");
    provenance::owner_only::write_new_file(&path, &signer.private_key()).unwrap();
    path
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file_with_plus(dir.path());
    let app = spawn_app_with(|settings| settings.log.signing_key = Some(key_file)).await;
    let body = json!({"source_url": "https://aclu.example/release", "content": "Original wording.\n",
        "title": "Statement on “Sanctuary” Policies", "published_at": "2017-08-16",
        "media_contacts": [{"organization": "ACLU of Florida", "phone": "(786) 363-2737"}, {"name": "Ryan Karerat"}]});
    let first = app.ingest_ok(&body, StatusCode::CREATED).await;
    let mut edited = body.clone();
    edited["content"] = json!("Edited wording.\n");
    app.ingest_ok(&edited, StatusCode::CREATED).await;
    let key = app
        .get("/v1/log/key")
        .await
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("original.txt"), "Original wording.\n").unwrap();
    std::fs::write(dir.path().join("edited.txt"), "Edited wording.\n").unwrap();
    std::fs::write(dir.path().join("unknown.txt"), "Never ingested.\n").unwrap();
    Fixture { app, key, dir, first }
}

impl Fixture {
    async fn bundle(&self) -> Value {
        let path = format!(
            "/v1/statements/{}/versions/1/proof",
            self.first["statement_id"].as_str().unwrap()
        );
        self.app.get_json(&path).await
    }

    fn write(&self, name: &str, bundle: &Value) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn tampered(&self, bundle: &Value) -> Vec<(&'static str, String)> {
        let mut title = bundle.clone();
        title["version"]["title"] = json!("Another title");
        let mut proof = bundle.clone();
        proof["inclusion_proof"][0] = json!(base64_of_zeroes());
        let mut contacts = bundle.clone();
        contacts["version"]["media_contacts"][1]["name"] = json!("Someone Else");
        let mut size = bundle.clone();
        size["tree_size"] = json!(1);
        vec![
            ("altered title", self.write("title.json", &title)),
            ("altered proof", self.write("proof.json", &proof)),
            ("altered contacts", self.write("contacts.json", &contacts)),
            ("altered tree size", self.write("size.json", &size)),
        ]
    }
}

fn base64_of_zeroes() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode([0u8; 32])
}

fn other_key() -> String {
    NoteSigner::generate("provenance.localhost/log")
        .unwrap()
        .verifier()
        .encoded()
}

#[tokio::test]
async fn python_verifier_accepts_genuine_bundles_and_refuses_tampered_ones() {
    let fixture = fixture().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/verify_bundle.py");
    let script = script.to_str().unwrap();
    let bundle = fixture.bundle().await;
    let genuine = fixture.write("bundle.json", &bundle);
    let original = fixture.dir.path().join("original.txt");

    let (ok, text) = bare_python(&[
        script,
        &genuine,
        "--key",
        &fixture.key,
        "--content",
        original.to_str().unwrap(),
    ]);
    assert!(ok, "{text}");
    assert!(text.contains("verified: statement"), "{text}");

    let edited = fixture.dir.path().join("edited.txt");
    let (ok, text) = bare_python(&[
        script,
        &genuine,
        "--key",
        &fixture.key,
        "--content",
        edited.to_str().unwrap(),
    ]);
    assert!(!ok && text.contains("NOT VERIFIED"), "another text: {text}");
    let (ok, text) = bare_python(&[script, &genuine, "--key", &other_key()]);
    assert!(!ok && text.contains("NOT VERIFIED"), "another key: {text}");
    for (case, file) in fixture.tampered(&bundle) {
        let (ok, text) = bare_python(&[script, &file, "--key", &fixture.key]);
        assert!(!ok && text.contains("NOT VERIFIED"), "{case}: {text}");
    }
}

/// The script's own Ed25519 (RFC 8032) against the C2SP signed-note example and RFC 8032's
/// test vectors 1 and 2, with a flipped bit, another message and a small-order key refused.
#[test]
fn python_ed25519_passes_the_signed_note_and_rfc_8032_vectors() {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let vectors =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/test-vectors/signed-note/example.json");
    let program = format!(
        r#"
import json, sys
sys.path.insert(0, {examples:?})
import verify_bundle as vb
v = json.load(open({vectors:?}))
assert vb.open_signed_note(v["signed_note"], vb.parse_verifier_key(v["verifier_key"])) == "This is an example message.\n"
other = v["signed_note"].replace("example message", "example massage")
try:
    vb.open_signed_note(other, vb.parse_verifier_key(v["verifier_key"]))
    raise SystemExit("an altered note verified")
except vb.NotVerified:
    pass
cases = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]
for key, message, signature in cases:
    key, message, signature = bytes.fromhex(key), bytes.fromhex(message), bytes.fromhex(signature)
    assert vb.ed25519_verify(key, message, signature)
    assert not vb.ed25519_verify(key, message + b"x", signature)
    flipped = bytearray(signature); flipped[5] ^= 1
    assert not vb.ed25519_verify(key, message, bytes(flipped))
identity = (1).to_bytes(32, "little")
assert not vb.ed25519_verify(identity, b"", identity + bytes(32)), "a small-order key"
print("vectors pass")
"#
    );
    let (ok, text) = bare_python(&["-c", &program]);
    assert!(ok && text.contains("vectors pass"), "{text}");
}

#[tokio::test]
async fn verify_bundle_command_checks_offline() {
    let fixture = fixture().await;
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_provenance"));
    let bundle = fixture.bundle().await;
    let genuine = fixture.write("bundle.json", &bundle);
    let original = fixture.dir.path().join("original.txt");
    let (ok, text) = run(
        &binary,
        &[
            "verify-bundle",
            &genuine,
            "--key",
            &fixture.key,
            "--content",
            original.to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    assert!(text.contains("verified: statement"), "{text}");
    let (ok, text) = run(&binary, &["verify-bundle", &genuine, "--key", &other_key()]);
    assert!(!ok && text.contains("NOT VERIFIED"), "another key: {text}");
    for (case, file) in fixture.tampered(&bundle) {
        let (ok, text) = run(&binary, &["verify-bundle", &file, "--key", &fixture.key]);
        assert!(!ok && text.contains("NOT VERIFIED"), "{case}: {text}");
    }
}

/// Runs `provenance verify` with `args`, off the test's runtime; returns its exit code and output.
fn verify_command(args: Vec<String>) -> tokio::task::JoinHandle<(Option<i32>, String)> {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = std::iter::once("verify")
            .chain(args.iter().map(String::as_str))
            .collect();
        run_for_code(Path::new(env!("CARGO_BIN_EXE_provenance")), &args)
    })
}

/// What `POST /v1/verify` says of `content`.
async fn api_answer(fixture: &Fixture, content: &str) -> Value {
    let response = fixture
        .app
        .post_json_anonymously("/v1/verify", &json!({ "content": content }))
        .await;
    response.json().await.unwrap()
}

#[tokio::test]
async fn verify_command_gives_the_apis_verdicts_with_distinct_exit_codes() {
    let fixture = fixture().await;
    let server = fixture.app.address.clone();
    let path = |name: &str| fixture.dir.path().join(name).to_str().unwrap().to_owned();
    std::fs::write(fixture.dir.path().join("rewrapped.txt"), "Original   wording.").unwrap();
    let check = |file: String, key: String, extra: &[&str]| {
        let mut args = vec![
            file,
            "--server".to_owned(),
            server.clone(),
            "--key".to_owned(),
            key,
        ];
        args.extend(extra.iter().map(|arg| arg.to_string()));
        verify_command(args)
    };
    let (code, text) = check(path("original.txt"), fixture.key.clone(), &[])
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("version 1")
            && text.contains("superseded by version 2")
            && text.contains("VERIFIED: superseded"),
        "{text}"
    );
    let (code, text) = check(path("edited.txt"), fixture.key.clone(), &[]).await.unwrap();
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("version 2") && text.contains("VERIFIED: current"),
        "{text}"
    );

    // A re-wrapped genuine copy: the API says normalized_match, and so does the CLI, having
    // compared the version's own bytes, normalized, with the copy's.
    let api = api_answer(&fixture, "Original   wording.").await;
    assert_eq!(api["verdict"], "normalized_match");
    let (code, text) = check(path("rewrapped.txt"), fixture.key.clone(), &[])
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("VERIFIED: normalized_match"), "{text}");

    let (code, text) = check(path("unknown.txt"), fixture.key.clone(), &[])
        .await
        .unwrap();
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("NOT VERIFIED: unknown"), "{text}");
    let (code, text) = check(path("original.txt"), other_key(), &[]).await.unwrap();
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("NOT VERIFIED") && text.contains("signature"),
        "{text}"
    );

    // Could not check: a missing file, a server that is not there.
    let (code, text) = check(path("missing.txt"), fixture.key.clone(), &[])
        .await
        .unwrap();
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("COULD NOT CHECK: cannot read"), "{text}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (code, text) = verify_command(vec![
        path("original.txt"),
        "--server".into(),
        nowhere,
        "--key".into(),
        fixture.key.clone(),
    ])
    .await
    .unwrap();
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("COULD NOT CHECK: cannot reach"), "{text}");

    // --json for scripts: the same verdicts as the API, the outcome and every match checked.
    let (code, text) = check(path("original.txt"), fixture.key.clone(), &["--json"])
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{text}");
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}"));
    let api = api_answer(&fixture, "Original wording.\n").await;
    assert_eq!(report["outcome"], "verified");
    assert_eq!(report["verdict"], api["verdict"]);
    assert_eq!(report["statements"], api["statements"]);
    assert_eq!(report["checked"][0]["verified"], true);
    let (code, text) = check(path("unknown.txt"), fixture.key.clone(), &["--json"])
        .await
        .unwrap();
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (&report["outcome"], &report["verdict"]),
        (&json!("not_verified"), &json!("unknown"))
    );
}

#[tokio::test]
async fn verify_bundle_command_tells_a_bad_bundle_from_a_missing_file() {
    let fixture = fixture().await;
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_provenance"));
    let code = |args: &[&str]| Command::new(&binary).args(args).output().unwrap().status.code();
    let bundle = fixture.write("bundle.json", &fixture.bundle().await);
    assert_eq!(code(&["verify-bundle", &bundle, "--key", &fixture.key]), Some(0));
    assert_eq!(code(&["verify-bundle", &bundle, "--key", &other_key()]), Some(1));
    let missing = fixture.dir.path().join("none.json");
    assert_eq!(
        code(&["verify-bundle", missing.to_str().unwrap(), "--key", &fixture.key]),
        Some(2)
    );
    assert_eq!(code(&["verify-bundle", &bundle, "--key", "not a key"]), Some(2));
}
