//! Verifying a copy: which versions of which statements hold exactly its bytes, or the same
//! text once normalized (`norm-v1`), whether each is still the statement's current wording,
//! and the proof of each in the log.
//!
//! The verdict is given per statement ([`Standing`]) and overall. The overall verdict never
//! hides an edit: a copy is `current` only when no statement holding its text has replaced it,
//! so a text that is current at one URL and was edited at another is `superseded`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{ComparableText, Sha256, SourceUrl, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError, VersionProof};

/// The most matches one verification lists (each carries a proof bundle).
pub const MAX_MATCHES: usize = 50;

/// How a copy relates to a version or a statement, strongest first; overall, see
/// [`Verification::verdict`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Identical bytes to the latest version of a statement (overall: of some statement, and
    /// no statement holding the text has replaced it since).
    Current,
    /// Identical bytes to an older version of a statement (overall: to a version of some
    /// statement, and at least one statement holding the text has replaced it since).
    Superseded,
    /// Not byte-identical, but the same text once normalized by `norm-v1`.
    NormalizedMatch,
    /// Not in the registry.
    #[default]
    Unknown,
}

/// The copy to verify: its bytes' hash, and its text when the client sent it.
pub struct HeldCopy {
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
    pub proof: VersionProof,
}

/// How a copy stands at one statement: what its listed matches there say.
pub struct Standing {
    pub statement_id: StatementId,
    pub source_url: SourceUrl,
    /// The strongest verdict of the statement's matches.
    pub verdict: Verdict,
    /// Whether the statement's latest version holds the copy's text, byte for byte or once
    /// normalized: the wording has not moved on there.
    pub current: bool,
    /// The statement's versions the copy matches, in order.
    pub versions: Vec<VersionNo>,
    /// The statement's latest version number.
    pub latest: VersionNo,
    /// The version that replaced the newest matched one, when that is not the latest.
    pub replaced_by: Option<Version>,
}

impl Standing {
    /// Whether the statement has replaced the copy's wording (byte-identical only to older
    /// versions, or not holding the text in its latest version at all).
    pub fn moved_on(&self) -> bool {
        self.verdict == Verdict::Superseded || !self.current
    }
}

/// What the registry says of a copy; by default, that it is not in the registry.
#[derive(Default)]
pub struct Verification {
    /// Overall: `Unknown` without a match; `NormalizedMatch` without a byte-identical one;
    /// `Current` when some statement's latest version has the copy's bytes and no statement
    /// holding its text has moved on ([`Standing::moved_on`]); otherwise `Superseded`.
    pub verdict: Verdict,
    /// Every statement the listed matches belong to, in the order of its first match.
    pub statements: Vec<Standing>,
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
        self.statements
            .iter()
            .find(|standing| standing.statement_id == id)
            .map_or(Verdict::Unknown, |standing| standing.verdict)
    }
}

/// The statements `matches` belong to, each with its standing.
fn standings(matches: &[CopyMatch]) -> Vec<Standing> {
    let mut standings: Vec<Standing> = Vec::new();
    for found in matches {
        let version = &found.version;
        let index = match standings
            .iter()
            .position(|standing| standing.statement_id == version.statement_id)
        {
            Some(index) => index,
            None => {
                standings.push(Standing {
                    statement_id: version.statement_id,
                    source_url: version.source_url.clone(),
                    verdict: found.verdict,
                    current: false,
                    versions: Vec::new(),
                    latest: found.latest,
                    replaced_by: None,
                });
                standings.len() - 1
            }
        };
        let standing = &mut standings[index];
        standing.verdict = standing.verdict.min(found.verdict);
        standing.current |= version.version == found.latest;
        standing.versions.push(version.version);
        if standing.versions.iter().max() == Some(&version.version) {
            standing.replaced_by = found.replaced_by.clone();
        }
    }
    for standing in &mut standings {
        standing.versions.sort_unstable();
    }
    standings
}

/// The overall verdict of a copy with these standings (see [`Verification::verdict`]).
fn overall(standings: &[Standing]) -> Verdict {
    let verdicts = || standings.iter().map(|standing| standing.verdict);
    if standings.is_empty() {
        Verdict::Unknown
    } else if verdicts().all(|verdict| verdict == Verdict::NormalizedMatch) {
        Verdict::NormalizedMatch
    } else if verdicts().any(|verdict| verdict == Verdict::Current)
        && !standings.iter().any(Standing::moved_on)
    {
        Verdict::Current
    } else {
        Verdict::Superseded
    }
}

/// Finds every version `copy` matches, byte for byte or once normalized.
pub fn verify(store: &Store, copy: &HeldCopy) -> Result<Verification, StoreError> {
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
    let statements = standings(&matches);
    Ok(Verification {
        verdict: overall(&statements),
        statements,
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
    proof: VersionProof,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(url: &str, verdict: Verdict, current: bool) -> Standing {
        let source_url = SourceUrl::parse("source_url", url).unwrap();
        Standing {
            statement_id: StatementId::for_url(&source_url),
            source_url,
            verdict,
            current,
            versions: vec![VersionNo::FIRST],
            latest: VersionNo::FIRST,
            replaced_by: None,
        }
    }

    #[test]
    fn the_overall_verdict_never_hides_an_edit() {
        use Verdict::*;
        // The standings (verdict, current) of the statements, the overall verdict, the case.
        type Case<'a> = (&'a [(Verdict, bool)], Verdict, &'a str);
        let cases: &[Case] = &[
            (&[], Unknown, "no match"),
            (&[(Current, true)], Current, "one statement, latest version"),
            (&[(Current, true), (Current, true)], Current, "current everywhere"),
            (&[(Superseded, false)], Superseded, "an older version"),
            (
                &[(Current, true), (Superseded, false)],
                Superseded,
                "current at one URL, edited at another",
            ),
            (
                &[(Superseded, true)],
                Superseded,
                "older bytes, the latest version the same text reformatted",
            ),
            (
                &[(Current, true), (NormalizedMatch, true)],
                Current,
                "the same text, reformatted, current elsewhere",
            ),
            (
                &[(Current, true), (NormalizedMatch, false)],
                Superseded,
                "the text was edited at another statement that held it reformatted",
            ),
            (&[(NormalizedMatch, true)], NormalizedMatch, "only normalized"),
            (
                &[(NormalizedMatch, false), (NormalizedMatch, true)],
                NormalizedMatch,
                "only normalized, one moved on",
            ),
        ];
        for (given, expected, case) in cases {
            let standings: Vec<Standing> = given
                .iter()
                .enumerate()
                .map(|(n, (verdict, current))| {
                    standing(&format!("https://s{n}.example/"), *verdict, *current)
                })
                .collect();
            assert_eq!(overall(&standings), *expected, "{case}");
        }
    }
}
