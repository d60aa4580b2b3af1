//! Tracing a passage: the statements whose versions contain it, exactly or nearly, earliest
//! publication first, so that the first answers "where did this first appear?".
//!
//! Candidates come from the passage index ([`Store::versions_with_fingerprint`]: the segment
//! files and in-memory postings that list, for every shingle fingerprint of a version's text
//! outside its boilerplate, the versions holding it); shingles held by more than
//! [`COMMON_SHINGLE_DOCUMENTS`] versions are stock phrases and do not choose candidates (unless
//! the passage has no other). The best [`MAX_CANDIDATES`] candidates are then read again and
//! the passage is located in each with [`locate`]; only [`is_match`] results are answers. See
//! [`crate::text::passage`] for the scoring.
//!
//! Reading a candidate costs time in proportion to its length (the extractor reads it again:
//! about 0.2 s per MB), so one search reads at most [`MAX_CANDIDATE_BYTES`] of content, besides
//! its first candidate; the candidates it leaves unread are counted in the answer.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::domain::{ComparableText, Sha256, StatementId, Version, VersionNo};
use crate::store::{Store, StoreError};
use crate::text::passage::{
    is_common_shingle, is_match, locate, shingles, PassageMatch, COMMON_SHINGLE_DOCUMENTS, MIN_MATCH_WORDS,
};
use crate::text::words::{words, Word};

/// The most candidate statements read and aligned for one passage.
pub const MAX_CANDIDATES: usize = 20;

/// The most distinct shingles of a passage looked up in the index (spread over the passage).
pub const MAX_LOOKUPS: usize = 200;

/// The most content one search reads and aligns, besides its first candidate: a few hundred
/// ordinary statements, or one very long one.
pub const MAX_CANDIDATE_BYTES: u64 = 4 * 1024 * 1024;

/// The statements containing a passage, and how many candidates were left unread.
pub struct Traced {
    /// Earliest publication first.
    pub traces: Vec<Trace>,
    /// Candidate statements not (wholly) read because the search read
    /// [`MAX_CANDIDATE_BYTES`] already: when above 0, an answer may be missing.
    pub unread_candidates: usize,
}

/// What is left of a search's [`MAX_CANDIDATE_BYTES`].
struct ReadBudget {
    left: u64,
    read_any: bool,
}

impl ReadBudget {
    /// Whether a content of `bytes` may be read (the first always may), spending them.
    fn take(&mut self, bytes: u64) -> bool {
        if self.read_any && bytes > self.left {
            return false;
        }
        self.read_any = true;
        self.left = self.left.saturating_sub(bytes);
        true
    }
}

/// A statement that contains the passage.
pub struct Trace {
    /// The earliest version that contains it.
    pub version: Version,
    /// Where and how well it matches in that version's text.
    pub found: PassageMatch,
    /// The text the span refers to (the content, or the text of an HTML page).
    pub text: String,
    /// Later versions of the same statement that contain it too.
    pub also_in: Vec<VersionNo>,
}

impl Trace {
    /// When the statement says it was published (as an instant: a date counts from its
    /// midnight, UTC), else when its version was first seen.
    pub fn appeared_at(&self) -> DateTime<Utc> {
        self.version
            .metadata
            .published_at
            .map_or(self.version.ingested_at, |published| published.earliest_instant())
    }
}

/// The statements containing `passage`, earliest publication first. A passage of fewer than
/// [`MIN_MATCH_WORDS`] words matches nothing: a phrase that short is no evidence of origin.
pub fn trace(store: &Store, passage: &str) -> Result<Traced, StoreError> {
    let passage_words = words(passage, &[]);
    let mut traced = Traced {
        traces: Vec::new(),
        unread_candidates: 0,
    };
    if passage_words.len() < MIN_MATCH_WORDS {
        return Ok(traced);
    }
    let mut budget = ReadBudget {
        left: MAX_CANDIDATE_BYTES,
        read_any: false,
    };
    for (id, versions) in candidates(store, &passage_words)? {
        let (trace, unread) = trace_in_statement(store, &passage_words, id, &versions, &mut budget)?;
        traced.traces.extend(trace);
        traced.unread_candidates += usize::from(unread);
    }
    traced
        .traces
        .sort_by_key(|trace| (trace.appeared_at(), trace.version.statement_id));
    Ok(traced)
}

/// The candidate statements, best first, each with its candidate versions in order.
fn candidates(store: &Store, passage: &[Word]) -> Result<Vec<(StatementId, Vec<VersionNo>)>, StoreError> {
    let mut hashes: Vec<u64> = shingles(passage).iter().map(|shingle| shingle.hash).collect();
    hashes.sort_unstable();
    hashes.dedup();
    let step = hashes.len().div_ceil(MAX_LOOKUPS).max(1);
    let mut rare: HashMap<(StatementId, VersionNo), usize> = HashMap::new();
    let mut common: HashMap<(StatementId, VersionNo), usize> = HashMap::new();
    for hash in hashes.into_iter().step_by(step) {
        let (holders, _) = store.versions_with_fingerprint(hash, COMMON_SHINGLE_DOCUMENTS + 1)?;
        let hits = if is_common_shingle(holders.len()) {
            &mut common
        } else {
            &mut rare
        };
        for holder in holders {
            *hits.entry(holder).or_default() += 1;
        }
    }
    let hits = if rare.is_empty() { common } else { rare };
    let mut by_statement: BTreeMap<StatementId, (usize, Vec<VersionNo>)> = BTreeMap::new();
    for ((id, n), count) in hits {
        let entry = by_statement.entry(id).or_default();
        entry.0 = entry.0.max(count);
        entry.1.push(n);
    }
    let mut ranked: Vec<(StatementId, (usize, Vec<VersionNo>))> = by_statement.into_iter().collect();
    ranked.sort_by_key(|(id, (count, _))| (std::cmp::Reverse(*count), *id));
    Ok(ranked
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|(id, (_, mut versions))| {
            versions.sort_unstable();
            (id, versions)
        })
        .collect())
}

/// Locates the passage in each candidate version of one statement (reading each distinct
/// content once, as far as `budget` allows); the earliest matching version carries the
/// answer. Also says whether a candidate version was left unread.
fn trace_in_statement(
    store: &Store,
    passage: &[Word],
    id: StatementId,
    versions: &[VersionNo],
    budget: &mut ReadBudget,
) -> Result<(Option<Trace>, bool), StoreError> {
    let mut located: HashMap<Sha256, Option<(PassageMatch, String)>> = HashMap::new();
    let mut trace: Option<Trace> = None;
    let mut unread = false;
    for &n in versions {
        let Some(version) = store.version(&id, n)? else {
            continue;
        };
        let found = match located.entry(version.sha256) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(_) if !budget.take(version.content_length) => {
                unread = true;
                continue;
            }
            Entry::Vacant(unknown) => {
                let bytes = store.content_of(&version)?;
                let text =
                    ComparableText::read(&String::from_utf8_lossy(&bytes), version.metadata.content_type);
                unknown.insert(
                    locate(passage, &text.words())
                        .filter(is_match)
                        .map(|found| (found, text.text)),
                )
            }
        };
        let Some((found, text)) = found.clone() else {
            continue;
        };
        match &mut trace {
            Some(trace) => trace.also_in.push(n),
            None => {
                trace = Some(Trace {
                    version,
                    found,
                    text,
                    also_in: Vec::new(),
                })
            }
        }
    }
    Ok((trace, unread))
}
