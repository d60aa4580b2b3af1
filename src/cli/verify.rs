//! Proof bundles and `provenance verify-bundle`: check that the registry's log commits to a
//! version, with nothing but the log's key to trust (`verify` builds on it, in
//! [`super::verify_copy`]).
//!
//! A bundle verifies when the leaf rebuilt from its version record is the bundle's leaf, the
//! checkpoint's signature verifies with the pinned key, the checkpoint is for the bundle's tree
//! size, and the inclusion proof leads from the leaf's hash to the checkpoint's root. A copy
//! verifies when, in addition, its SHA-256 is the record's.

use anyhow::Context;
use base64::Engine;
use std::path::Path;

use super::verify_copy::Outcome;
use crate::api::model::{ProofBundle, BUNDLE_FORMAT};
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

/// A version in words, as the verifiers print it.
pub(super) fn describe_version(version: &Version) -> String {
    format!(
        "statement {} version {} ({}), ingested {}, log entry {}",
        version.statement_id,
        version.version,
        version.source_url,
        version.ingested_at.to_rfc3339(),
        version.log_index
    )
}

/// `verify-bundle`: checks a bundle file offline; with `copy`, also the copy's hash. Writes the
/// result to `out` and returns the outcome (its exit code): a file or key that cannot be read
/// is [`Outcome::CouldNotCheck`], a bundle that does not verify [`Outcome::NotVerified`].
pub fn verify_bundle(
    bundle_file: &Path,
    key: &str,
    copy: Option<&Path>,
    out: &mut impl std::io::Write,
) -> std::io::Result<Outcome> {
    let read = || -> anyhow::Result<_> {
        let verifier =
            NoteVerifier::parse(key.trim()).context("the key is not a signed-note verifier key")?;
        let bundle =
            std::fs::read(bundle_file).with_context(|| format!("cannot read {}", bundle_file.display()))?;
        let copy_hash = copy
            .map(|path| std::fs::read(path).with_context(|| format!("cannot read {}", path.display())))
            .transpose()?
            .map(|bytes| Sha256::of(&bytes));
        Ok((verifier, bundle, copy_hash))
    };
    let (verifier, bundle, copy_hash) = match read() {
        Ok(read) => read,
        Err(error) => {
            writeln!(out, "COULD NOT CHECK: {error:#}")?;
            return Ok(Outcome::CouldNotCheck);
        }
    };
    let checked = serde_json::from_slice::<ProofBundle>(&bundle)
        .context("the file is not a proof bundle")
        .and_then(|bundle| check_bundle(&bundle, &verifier, copy_hash));
    match checked {
        Ok(version) => {
            writeln!(out, "verified: {}", describe_version(&version))?;
            Ok(Outcome::Verified)
        }
        Err(error) => {
            writeln!(out, "NOT VERIFIED: {error:#}")?;
            Ok(Outcome::NotVerified)
        }
    }
}
