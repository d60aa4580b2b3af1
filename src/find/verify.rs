//! Verifying a copy: which versions of which statements hold exactly its bytes, or the same
//! text once normalized (`norm-v1`), whether each is still the statement's current wording,
//! and the proof of each in the log.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{ComparableText, Sha256, SourceUrl, StatementId, Version, VersionNo};
use crate::store::{ProofBundle, Store, StoreError};

/// The most matches one verification lists (each carries a proof bundle).
pub const MAX_MATCHES: usize = 50;

/// How a copy relates to a version, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Identical bytes to the latest version of a statement.
    Current,
    /// Identical bytes to an older version of a statement.
    Superseded,
    /// Not byte-identical, but the same text once normalized by `norm-v1`.
    NormalizedMatch,
    /// Not in the registry.
    Unknown,
}

/// The copy to verify: its bytes' hash, and its text when the client sent it.
pub struct Copy {
    pub sha256: Sha256,
    pub text: Option<ComparableText>,
}

/// One version the copy matches.
pub struct CopyMatch {
    pub verdict: Verdict,
    pub version: Version,
    /// The statement's latest version number.
    pub latest: VersionNo,
    /// The version that replaced the matched one, when it is not the latest.
    pub replaced_by: Option<Version>,
    pub proof: ProofBundle,
}

/// What the registry says of a copy.
pub struct Verification {
    /// The strongest verdict of any match; `Unknown` without one.
    pub verdict: Verdict,
    /// The `norm-v1` hash of the copy's text, when its text was sent.
    pub normalized_sha256: Option<Sha256>,
    /// Byte-identical matches first, then normalized ones; each version once.
    pub matches: Vec<CopyMatch>,
    /// Whether more than [`MAX_MATCHES`] versions matched.
    pub truncated: bool,
}

impl Verification {
    /// The verdict for the one statement of `url`: the strongest of its matches.
    pub fn verdict_for(&self, url: &SourceUrl) -> Verdict {
        let id = StatementId::for_url(url);
        self.matches
            .iter()
            .filter(|found| found.version.statement_id == id)
            .map(|found| found.verdict)
            .min()
            .unwrap_or(Verdict::Unknown)
    }
}

/// Finds every version `copy` matches, byte for byte or once normalized.
pub fn verify(store: &Store, copy: &Copy) -> Result<Verification, StoreError> {
    let exact = store.versions_with_hash(&copy.sha256, None, MAX_MATCHES + 1)?;
    let normalized_sha256 = copy.text.as_ref().map(ComparableText::normalized_sha256);
    let normalized = match &normalized_sha256 {
        Some(sha) => store.versions_with_normalized_hash(sha, None, MAX_MATCHES + 1)?,
        None => crate::store::Page {
            items: Vec::new(),
            next: None,
        },
    };
    let truncated = exact.next.is_some() || normalized.next.is_some();
    let exact_keys: Vec<(StatementId, VersionNo)> = exact.items.iter().map(address).collect();
    let candidates: Vec<(bool, Version)> = exact
        .items
        .into_iter()
        .map(|version| (true, version))
        .chain(
            normalized
                .items
                .into_iter()
                .filter(|version| !exact_keys.contains(&address(version)))
                .map(|version| (false, version)),
        )
        .collect();
    let truncated = truncated || candidates.len() > MAX_MATCHES;
    let candidates: Vec<(bool, Version)> = candidates.into_iter().take(MAX_MATCHES).collect();
    let proofs = store.proof_bundles(candidates.iter().map(|(_, version)| version.clone()).collect())?;
    let matches = candidates
        .into_iter()
        .zip(proofs)
        .map(|((identical, version), proof)| describe(store, identical, version, proof))
        .collect::<Result<Vec<_>, _>>()?;
    let verdict = matches
        .iter()
        .map(|found| found.verdict)
        .min()
        .unwrap_or(Verdict::Unknown);
    Ok(Verification {
        verdict,
        normalized_sha256,
        matches,
        truncated,
    })
}

fn address(version: &Version) -> (StatementId, VersionNo) {
    (version.statement_id, version.version)
}

/// A match with its verdict, its statement's latest version and what replaced it.
fn describe(
    store: &Store,
    identical: bool,
    version: Version,
    proof: ProofBundle,
) -> Result<CopyMatch, StoreError> {
    let (id, n) = address(&version);
    let missing = |what: &str| StoreError::Corrupt(format!("{what} of indexed version {id} v{n} is missing"));
    let statement = store.statement(&id)?.ok_or_else(|| missing("the statement"))?;
    let latest = statement.latest.version;
    let replaced_by = match n.next() {
        Some(next) if n < latest => Some(
            store
                .version(&id, next)?
                .ok_or_else(|| missing("the successor"))?,
        ),
        _ => None,
    };
    let verdict = match (identical, replaced_by.is_some()) {
        (true, false) => Verdict::Current,
        (true, true) => Verdict::Superseded,
        (false, _) => Verdict::NormalizedMatch,
    };
    Ok(CopyMatch {
        verdict,
        version,
        latest,
        replaced_by,
        proof,
    })
}
