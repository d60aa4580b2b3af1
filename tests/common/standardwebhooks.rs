//! Deliveries as a receiver verifies them: the reference Standard Webhooks library for Python
//! (`standardwebhooks` from PyPI), installed into `target/webhook-venv` by
//! `scripts/setup/62-webhook-tools.sh` (scripts/test runs it first).
#![allow(dead_code)]

use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// For each delivery (secret, headers, body in base64): `{"ok": true, "payload": …}` when
/// `Webhook(secret).verify(body, headers)` accepts it, `{"ok": false, "error": …}` otherwise.
const VERIFY: &str = r#"
import base64, json, sys
from standardwebhooks.webhooks import Webhook
out = []
for d in json.load(sys.stdin):
    try:
        payload = Webhook(d["secret"]).verify(base64.b64decode(d["body"]), d["headers"])
        out.append({"ok": True, "payload": payload})
    except Exception as e:
        out.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
print(json.dumps(out))
"#;

fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/webhook-venv/bin/python");
    assert!(
        python.exists(),
        "standardwebhooks is missing: run scripts/setup/62-webhook-tools.sh (scripts/test does)"
    );
    python
}

/// What the library says of each `(secret, headers, body)`, in order.
pub fn verify_all(deliveries: &[(&str, &HashMap<String, String>, &[u8])]) -> Vec<Value> {
    let input: Vec<Value> = deliveries
        .iter()
        .map(|(secret, headers, body)| {
            json!({
                "secret": secret,
                "headers": headers,
                "body": base64::engine::general_purpose::STANDARD.encode(body),
            })
        })
        .collect();
    let mut child = Command::new(python())
        .args(["-c", VERIFY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the webhook venv's python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&serde_json::to_vec(&input).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the verifier failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the verifier's JSON")
}
