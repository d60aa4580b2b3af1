//! `provenance verify` and `verify-bundle`: check that a copy of a statement is in the registry
//! and that the registry's log commits to it, with nothing but the log's key to trust.
//!
//! A bundle verifies when the leaf rebuilt from its version record is the bundle's leaf, the
//! checkpoint's signature verifies with the pinned key, the checkpoint is for the bundle's tree
//! size, and the inclusion proof leads from the leaf's hash to the checkpoint's root. A copy
//! verifies when, in addition, its SHA-256 is the record's.

use anyhow::{bail, Context};
use base64::Engine;
use std::path::Path;

use crate::api::model::{HashMatches, ProofBundle, StatementRecord, BUNDLE_FORMAT};
use crate::domain::{leaf_bytes, Sha256, Version};
use crate::log::merkle::{self, Hash};
use crate::log::note::{Checkpoint, NoteVerifier};

/// Checks `bundle` against the log key `verifier`, and the content hash against `copy` when
/// given. Returns the verified version.
pub fn check_bundle(
    bundle: &ProofBundle,
    verifier: &NoteVerifier,
    copy: Option<Sha256>,
) -> anyhow::Result<Version> {
    anyhow::ensure!(
        bundle.format == BUNDLE_FORMAT,
        "unknown bundle format {:?}",
        bundle.format
    );
    let version = Version::try_from(&bundle.version)
        .map_err(|errors| anyhow::anyhow!("the version record is malformed: {}", describe(&errors)))?;
    anyhow::ensure!(
        leaf_bytes(&version) == bundle.leaf.as_bytes(),
        "the bundle's leaf is not the leaf of its version record"
    );
    anyhow::ensure!(
        bundle.log_index == version.log_index,
        "the bundle's log index differs from the record's"
    );
    let text = verifier
        .verify(&bundle.checkpoint)
        .context("the checkpoint's signature does not verify")?;
    let checkpoint = Checkpoint::parse(text).context("the checkpoint is malformed")?;
    anyhow::ensure!(
        checkpoint.size == bundle.tree_size,
        "the checkpoint is for {} entries, the proof for {}",
        checkpoint.size,
        bundle.tree_size
    );
    let proof = bundle
        .inclusion_proof
        .iter()
        .map(|hash| decode_hash(hash))
        .collect::<anyhow::Result<Vec<Hash>>>()?;
    merkle::verify_inclusion(
        &merkle::leaf_hash(bundle.leaf.as_bytes()),
        bundle.log_index,
        bundle.tree_size,
        &proof,
        &checkpoint.root,
    )
    .context("the inclusion proof does not lead to the checkpoint's root")?;
    if let Some(copy) = copy {
        anyhow::ensure!(
            copy == version.sha256,
            "the copy's SHA-256 is {copy}, the record's {}",
            version.sha256
        );
    }
    Ok(version)
}

fn describe(errors: &crate::domain::FieldErrors) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn decode_hash(b64: &str) -> anyhow::Result<Hash> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .context("a proof hash is not base64")?;
    Hash::try_from(bytes.as_slice()).map_err(|_| anyhow::anyhow!("a proof hash is not 32 bytes"))
}

fn describe_version(version: &Version) -> String {
    format!(
        "statement {} version {} ({}), ingested {}, log entry {}",
        version.statement_id,
        version.version,
        version.source_url,
        version.ingested_at.to_rfc3339(),
        version.log_index
    )
}

/// `verify-bundle`: checks a bundle file offline; with `copy`, also the copy's hash.
pub fn verify_bundle(
    bundle_file: &Path,
    key: &str,
    copy: Option<&Path>,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let verifier = NoteVerifier::parse(key.trim()).context("the key is not a signed-note verifier key")?;
    let bundle: ProofBundle =
        serde_json::from_slice(&std::fs::read(bundle_file)?).context("the file is not a proof bundle")?;
    let copy_hash = copy
        .map(std::fs::read)
        .transpose()?
        .map(|bytes| Sha256::of(&bytes));
    let version = check_bundle(&bundle, &verifier, copy_hash)?;
    writeln!(out, "verified: {}", describe_version(&version))?;
    Ok(())
}

/// `verify`: hashes `file`, asks `server` which versions hold exactly those bytes, and checks
/// each one's proof bundle against `key` (or, when no key is pinned, the server's own key,
/// which proves consistency but not authenticity). Fails unless at least one version verifies
/// and none fails.
pub async fn verify_file(
    file: &Path,
    server: &str,
    key: Option<&str>,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let sha = Sha256::of(&bytes);
    let server = server.trim_end_matches('/');
    let client = reqwest::Client::new();
    let get = |path: String| {
        let request = client.get(format!("{server}{path}"));
        async move {
            let response = request.send().await?.error_for_status()?;
            anyhow::Ok(response)
        }
    };
    let verifier = match key {
        Some(key) => NoteVerifier::parse(key.trim()).context("the key is not a signed-note verifier key")?,
        None => {
            writeln!(
                out,
                "warning: no --key pinned; trusting the key the server presents"
            )?;
            NoteVerifier::parse(get("/v1/log/key".into()).await?.text().await?.trim())?
        }
    };
    writeln!(out, "{}: sha256 {sha}", file.display())?;
    let mut matches = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: HashMatches = get(format!("/v1/hashes/{sha}?limit=200{cursor}"))
            .await?
            .json()
            .await?;
        matches.extend(page.items);
        match page.next {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    if matches.is_empty() {
        bail!("unknown: no version in {server} has exactly this text");
    }
    for record in &matches {
        let path = format!(
            "/v1/statements/{}/versions/{}",
            record.statement_id, record.version
        );
        let bundle: ProofBundle = get(format!("{path}/proof")).await?.json().await?;
        let version = check_bundle(&bundle, &verifier, Some(sha))?;
        let statement: StatementRecord = get(format!("/v1/statements/{}", record.statement_id))
            .await?
            .json()
            .await?;
        let standing = if statement.version_count == version.version.get() {
            "current".to_owned()
        } else {
            format!(
                "superseded (the statement has {} versions)",
                statement.version_count
            )
        };
        writeln!(out, "verified: {}: {standing}", describe_version(&version))?;
    }
    Ok(())
}
