//! Where did this passage appear? Word shingles to index documents and find candidates, a
//! near-exact alignment that locates a passage in one document, and the rules that decide a
//! match.
//!
//! Everything works on the [`Word`]s of [`super::words`], so line breaks, quote and dash
//! styles, case and punctuation never matter.
//!
//! # Shingles
//!
//! A shingle is [`SHINGLE_WORDS`] consecutive words of one run (words between two gaps, see
//! [`super::words::runs`]): a run of `n >= 5` words has `n - 4` shingles, one starting at
//! each of its words but the last four, and a run shorter than five words is one shingle of
//! all its words (so a text of one to four words has one shingle, and an empty text none).
//! Shingles never span a gap.
//!
//! The hash of a shingle is the first 8 bytes, read as a big-endian unsigned integer, of the
//! SHA-256 of its words' keys joined with one space (U+0020), in UTF-8: the shingle
//! `“Hello, world` … has the hash of `hello world …`. Hashes are stored on disk: this definition,
//! the key of [`super::words`] and [`SHINGLE_WORDS`] never change; changing any of them means
//! reindexing every document.
//!
//! Five words: four-word shingles are too often stock phrases (`the Trump administration
//! and`), and six-word ones break too easily: one changed word spoils every shingle that
//! contains it, so with five, a ten-word quote with a word changed in its middle still keeps a
//! shingle intact.
//!
//! # Locating a passage in a document
//!
//! [`locate`] aligns the passage's word keys with the document's: a local alignment in the
//! manner of Smith–Waterman (with Gotoh's affine gaps on the document side), computed row by
//! row in `O(passage words × document words)` time and `O(document words)` memory. An
//! alignment walks both texts in order; each step adds to its total:
//!
//! | step | total |
//! | --- | --- |
//! | a passage word equal to the document word: a *matched* word | +1 |
//! | a passage word against a different document word (a word changed) | −1 |
//! | a passage word the document leaves out | −1 |
//! | a document word the passage does not have, the first of a run | −1 |
//! | … each further one of the same run | −¼ |
//! | at a gap of the passage (an ellipsis), skipping up to [`MAX_GAP_WORDS`] document words | 0 |
//!
//! Runs of inserted document words cost less after their first word because articles cut
//! quotes with their attribution (`," said Lorella Praeli, the group's director. "`): nine
//! inserted words cost 3, so the quote's second half still joins its first.
//!
//! The alignment with the highest total wins (the first one in the document on a tie). It
//! starts and ends on matched words, so it never reaches into the text around the passage,
//! and it stops where the passage stops matching: the words it does not cover are unmatched.
//!
//! - `score` = matched passage words / passage words, in `0..=1`.
//! - `span` = from the first to the last matched document word, in the document's text.
//! - `exact` = every passage word matched, in order, with no document word between them.
//!
//! The work is bounded. A passage longer than [`MAX_PASSAGE_WORDS`] is located by its first
//! `MAX_PASSAGE_WORDS` words (and `passage_words` says so). When passage words × document words
//! exceeds [`MAX_ALIGNMENT_CELLS`], the alignment only covers the stretch of the document, as
//! many words as the budget allows, that holds the most of the passage's shingles, and a
//! document that holds none of them has no match. Measured on a shared, busy machine (release
//! build): about 10 ns per passage word × document word, so 0.3 ms for an 84-word quote in a
//! 5 KB document, 4 ms for a 5 KB document against itself, and at most about 20 ms.
//!
//! # Deciding a match
//!
//! [`is_match`]: a score of at least [`MIN_MATCH_SCORE`] (0.8) and at least [`MIN_MATCH_WORDS`]
//! (8) matched words. 0.8 lets a quote keep its identity through the edits a newspaper makes
//! (one passage word in five changed or left out; words the document inserts and the stretches
//! skipped at an ellipsis do not lower the score while the alignment spans them), while a
//! passage a fifth of whose words are missing from the document is a paraphrase. Eight
//! words is longer than stock phrases (`the Trump administration`, `public safety`, `in the
//! United States of America`): a short passage found whole is still no evidence of where it
//! came from.
//!
//! # Choosing candidates (what the service does before [`locate`])
//!
//! 1. Take the distinct hashes of [`shingles`] of the passage's words.
//! 2. Look each up in the index of document shingles (documents indexed by
//!    `shingles(&words(text, boilerplate))`, so page furniture is never indexed). A shingle in
//!    more than [`COMMON_SHINGLE_DOCUMENTS`] documents is *common* ([`is_common_shingle`]): it
//!    is ignored, because stock phrases and repeated furniture say nothing about origin. The
//!    others are the passage's *rare* shingles.
//! 3. Each document that holds at least one rare shingle is a candidate, with
//!    `candidate_score(rare shingles it holds, rare shingles of the passage)`; candidates are
//!    tried by decreasing score (ties: oldest first), about twenty of them, with [`locate`] and
//!    [`is_match`]. A passage with no rare shingle has no candidates: it is stock language, or
//!    quoted in so many documents that its shingles became common (a service that wants to
//!    answer for those too can fall back to the passage's least common shingles).
//!
//! The candidate score only ranks: one changed word in five can spoil every shingle of a passage
//! that [`is_match`] still accepts, so no threshold on it should reject a candidate.

use std::collections::{HashSet, VecDeque};
use std::ops::Range;

use serde::Serialize;
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

use super::words::{for_each_word, runs, Word};

/// The number of words in a shingle (see the module documentation).
pub const SHINGLE_WORDS: usize = 5;

/// The most document words that [`locate`] skips at a gap (an ellipsis) of the passage:
/// about two or three paragraphs, what a quotation elides; parts of a passage further apart are
/// not one passage.
pub const MAX_GAP_WORDS: usize = 250;

/// A longer passage is located by its first `MAX_PASSAGE_WORDS` words (about 6 KB of text,
/// more than the body of most press releases).
pub const MAX_PASSAGE_WORDS: usize = 1_000;

/// The most alignment steps (passage words × document words) [`locate`] computes: about
/// 20 ms, and room for a document stretch twice as long as the longest passage.
pub const MAX_ALIGNMENT_CELLS: usize = 2_000_000;

/// The least score of a match.
pub const MIN_MATCH_SCORE: f64 = 0.8;

/// The least number of matched words of a match.
pub const MIN_MATCH_WORDS: usize = 8;

/// A shingle held by more documents than this is common, and ignored when choosing candidates:
/// a real passage is copied into a few dozen documents at most (the statement, its cross-posts,
/// the articles quoting it); a phrase found in more is stock language or page furniture.
pub const COMMON_SHINGLE_DOCUMENTS: usize = 50;

/// [`SHINGLE_WORDS`] (or fewer) consecutive words of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Shingle {
    /// See the module documentation; stable forever.
    pub hash: u64,
    /// The index of its first word in the words it was made from.
    pub first_word: usize,
}

/// Where a passage appears in a document, and how closely.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassageMatch {
    /// From the first to the last matched word: a byte range of the document's text.
    pub span: Range<usize>,
    /// `matched_words / passage_words`, in `0..=1`.
    pub score: f64,
    pub matched_words: usize,
    /// The passage words that were aligned: all of them, up to [`MAX_PASSAGE_WORDS`].
    pub passage_words: usize,
    /// Every passage word matched, in order, with no document word between them.
    pub exact: bool,
}

/// The shingles of `words`, in order of their first word.
pub fn shingles(words: &[Word]) -> Vec<Shingle> {
    let mut found = Vec::new();
    let mut joined = Vec::new();
    for run in runs(words) {
        let Some(run_words) = words.get(run.clone()) else {
            continue;
        };
        let width = SHINGLE_WORDS.min(run_words.len()).max(1);
        for (offset, shingle_words) in run_words.windows(width).enumerate() {
            found.push(Shingle {
                hash: joined_keys_hash(shingle_words, &mut joined),
                first_word: run.start + offset,
            });
        }
    }
    found
}

/// The hash of the shingle made of `words` (see the module documentation).
pub fn shingle_hash(words: &[Word]) -> u64 {
    joined_keys_hash(words, &mut Vec::new())
}

/// The hash of `words`' keys joined with spaces, joined in `buffer`.
fn joined_keys_hash(words: &[Word], buffer: &mut Vec<u8>) -> u64 {
    buffer.clear();
    for (position, word) in words.iter().enumerate() {
        if position > 0 {
            buffer.push(b' ');
        }
        buffer.extend_from_slice(word.key.as_bytes());
    }
    hash_of_joined(buffer)
}

/// The hashes of the shingles of the words of `text` outside `ignore`, in order: what
/// `shingles(&words(text, ignore))` gives, without building the words.
pub fn shingle_hashes(text: &str, ignore: &[Range<usize>]) -> Vec<u64> {
    let mut hashes = Vec::new();
    // The keys of the current run joined with spaces, and where each key starts in it.
    let mut joined = String::new();
    let mut starts: Vec<usize> = Vec::new();
    let end_run = |joined: &mut String, starts: &mut Vec<usize>, hashes: &mut Vec<u64>| {
        // A run shorter than a shingle is one shingle of all its words.
        if (1..SHINGLE_WORDS).contains(&starts.len()) {
            hashes.push(hash_of_joined(joined.as_bytes()));
        }
        joined.clear();
        starts.clear();
    };
    for_each_word(text, ignore, |key, _, gap_before| {
        if gap_before {
            end_run(&mut joined, &mut starts, &mut hashes);
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        starts.push(joined.len());
        joined.push_str(key);
        if let Some(&first) = starts
            .len()
            .checked_sub(SHINGLE_WORDS)
            .and_then(|first| starts.get(first))
        {
            hashes.push(hash_of_joined(&joined.as_bytes()[first..]));
        }
    });
    end_run(&mut joined, &mut starts, &mut hashes);
    hashes
}

/// The first 8 bytes of the SHA-256 of `message`, as a big-endian integer. Shingles are short:
/// one that fits in one SHA-256 block (55 bytes or fewer) is padded here and compressed once.
fn hash_of_joined(message: &[u8]) -> u64 {
    const INITIAL_STATE: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let length = message.len();
    if length > 55 {
        let digest = Sha256::digest(message);
        let mut first_bytes = [0_u8; 8];
        first_bytes.copy_from_slice(&digest[..8]);
        return u64::from_be_bytes(first_bytes);
    }
    let mut block = [0_u8; 64];
    block[..length].copy_from_slice(message);
    block[length] = 0x80;
    block[56..].copy_from_slice(&(length as u64 * 8).to_be_bytes());
    let mut state = INITIAL_STATE;
    sha2::compress256(&mut state, std::slice::from_ref(GenericArray::from_slice(&block)));
    (u64::from(state[0]) << 32) | u64::from(state[1])
}

/// Where `passage` appears in `document`, exactly or nearly (see the module documentation):
/// the best alignment, however weak, or `None` when no passage word is in the document (or,
/// beyond [`MAX_ALIGNMENT_CELLS`], no shingle). [`is_match`] says whether it is a match.
pub fn locate(passage: &[Word], document: &[Word]) -> Option<PassageMatch> {
    let passage = passage.get(..MAX_PASSAGE_WORDS).unwrap_or(passage);
    if passage.is_empty() || document.is_empty() {
        return None;
    }
    let window = alignment_window(passage, document)?;
    let document = document.get(window)?;
    let alignment = align(passage, document)?;
    let first = document.get(alignment.start)?;
    let last = document.get(alignment.end)?;
    let passage_words = passage.len();
    Some(PassageMatch {
        span: first.span.start..last.span.end,
        score: alignment.matched as f64 / passage_words as f64,
        matched_words: alignment.matched,
        passage_words,
        exact: alignment.matched == passage_words && alignment.end - alignment.start + 1 == passage_words,
    })
}

/// Whether `found` is a match: a score of at least [`MIN_MATCH_SCORE`] and at least
/// [`MIN_MATCH_WORDS`] matched words.
pub fn is_match(found: &PassageMatch) -> bool {
    found.score >= MIN_MATCH_SCORE && found.matched_words >= MIN_MATCH_WORDS
}

/// Whether a shingle held by `document_count` documents is common (see
/// [`COMMON_SHINGLE_DOCUMENTS`]).
pub fn is_common_shingle(document_count: usize) -> bool {
    document_count > COMMON_SHINGLE_DOCUMENTS
}

/// The share of the passage's rare shingles a candidate document holds, in `0..=1` (0 when the
/// passage has none): what candidates are ranked by.
pub fn candidate_score(matched_shingle_count: usize, passage_shingle_count: usize) -> f64 {
    if passage_shingle_count == 0 {
        return 0.0;
    }
    matched_shingle_count.min(passage_shingle_count) as f64 / passage_shingle_count as f64
}

/// The document words the alignment covers: all of them within the budget, otherwise the
/// stretch that holds the most of the passage's shingles; `None` when it holds none.
fn alignment_window(passage: &[Word], document: &[Word]) -> Option<Range<usize>> {
    if passage.len().saturating_mul(document.len()) <= MAX_ALIGNMENT_CELLS {
        return Some(0..document.len());
    }
    let width = MAX_ALIGNMENT_CELLS / passage.len();
    let passage_hashes: HashSet<u64> = shingles(passage).iter().map(|shingle| shingle.hash).collect();
    let hits: Vec<usize> = shingles(document)
        .iter()
        .filter(|shingle| passage_hashes.contains(&shingle.hash))
        .map(|shingle| shingle.first_word)
        .collect();
    // The most hits `first..=last` whose shingles fit in `width` words.
    let mut densest: Option<(usize, usize)> = None;
    let mut last = 0;
    for (first, &start) in hits.iter().enumerate() {
        last = last.max(first);
        while hits
            .get(last + 1)
            .is_some_and(|&next| next + SHINGLE_WORDS <= start + width)
        {
            last += 1;
        }
        if densest.is_none_or(|(best_first, best_last)| last - first > best_last - best_first) {
            densest = Some((first, last));
        }
    }
    let (first, last) = densest?;
    let cluster_start = *hits.get(first)?;
    let cluster_end = (*hits.get(last)? + SHINGLE_WORDS).min(document.len());
    // The words around the cluster, as many on each side, for the passage's unshingled ends.
    let margin = width.saturating_sub(cluster_end - cluster_start) / 2;
    let end = (cluster_start.saturating_sub(margin) + width).min(document.len());
    Some(end.saturating_sub(width)..end)
}

/// The best local alignment found by [`align`], in indices of the aligned document words.
struct Alignment {
    start: usize,
    end: usize,
    matched: usize,
}

// What each step of an alignment adds to its total (see the module documentation), in
// quarters so that totals stay integers.
const MATCHED: i64 = 4;
const CHANGED: i64 = -4;
const PASSAGE_WORD_LEFT_OUT: i64 = -4;
const DOCUMENT_WORD_INSERTED: i64 = -4;
const DOCUMENT_WORD_INSERTED_AFTER_ANOTHER: i64 = -1;

/// The best alignment ending at one cell: its total, its matched words and where it starts.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    total: i64,
    matched: usize,
    start: usize,
}

impl Cell {
    /// The alignment of a first matched word.
    fn first_match(column: usize) -> Cell {
        Cell {
            total: MATCHED,
            matched: 1,
            start: column,
        }
    }

    /// Becomes `from` one step further, at `cost`, matching a word or not, if `from` has begun
    /// (a total of 0 is no alignment) and the result is better than this.
    fn keep_better(&mut self, from: Cell, cost: i64, matched: bool) {
        let total = from.total + cost;
        if from.total > 0 && total > self.total {
            *self = Cell {
                total,
                matched: from.matched + usize::from(matched),
                start: from.start,
            };
        }
    }
}

/// The local alignment of the module documentation; `None` when no word matches.
fn align(passage: &[Word], document: &[Word]) -> Option<Alignment> {
    // Keys become small integers, so the inner loop compares integers: a passage key's index
    // among the passage's distinct keys, `usize::MAX` for document keys not in the passage.
    let mut distinct: Vec<&str> = passage.iter().map(|word| word.key.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let id = |word: &Word| distinct.binary_search(&word.key.as_str()).unwrap_or(usize::MAX);
    let document_ids: Vec<usize> = document.iter().map(id).collect();

    // The best alignments ending at each document word, for the previous and current passage
    // word: `Cell::default()` where none has a positive total.
    let mut previous = vec![Cell::default(); document.len()];
    let mut current = previous.clone();
    // Indices of `previous` whose cells a passage word after a gap may follow, best first.
    let mut gap_candidates: VecDeque<usize> = VecDeque::new();
    // The best alignment so far and the document word it ends on.
    let mut best = (Cell::default(), 0);
    for (row, passage_word) in passage.iter().enumerate() {
        let passage_id = id(passage_word);
        let after_gap = row > 0 && passage_word.gap_before;
        gap_candidates.clear();
        // The best alignment of this row that ends on inserted document words.
        let mut inserting = Cell::default();
        for (column, &document_id) in document_ids.iter().enumerate() {
            let diagonal = match column.checked_sub(1) {
                None => Cell::default(),
                Some(newest) if after_gap => {
                    let newest_total = previous[newest].total;
                    while gap_candidates
                        .back()
                        .is_some_and(|&candidate| previous[candidate].total <= newest_total)
                    {
                        gap_candidates.pop_back();
                    }
                    gap_candidates.push_back(newest);
                    while gap_candidates
                        .front()
                        .is_some_and(|&oldest| oldest + MAX_GAP_WORDS < newest)
                    {
                        gap_candidates.pop_front();
                    }
                    gap_candidates
                        .front()
                        .map_or_else(Cell::default, |&candidate| previous[candidate])
                }
                Some(newest) => previous[newest],
            };
            let matched = passage_id == document_id;
            let mut cell = if matched {
                Cell::first_match(column)
            } else {
                Cell::default()
            };
            cell.keep_better(diagonal, if matched { MATCHED } else { CHANGED }, matched);
            cell.keep_better(previous[column], PASSAGE_WORD_LEFT_OUT, false);
            cell.keep_better(inserting, 0, false);
            current[column] = cell;
            if cell.total > best.0.total {
                best = (cell, column);
            }
            // The document word after this one, inserted: extending a run or starting one.
            let extended = inserting;
            inserting = Cell::default();
            inserting.keep_better(extended, DOCUMENT_WORD_INSERTED_AFTER_ANOTHER, false);
            inserting.keep_better(cell, DOCUMENT_WORD_INSERTED, false);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let (cell, end) = best;
    (cell.total > 0).then_some(Alignment {
        start: cell.start,
        end,
        matched: cell.matched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::words;
    use proptest::prelude::*;

    /// A press release in the style of the registry's statements.
    const RELEASE: &str =
        "Media Contact\n\nACLU of Florida Media Office, (786) 363-2737\n\nAugust 16, 2017\n\n\
        MIAMI— Attorney General Jeff Sessions will visit Miami, FL today to praise Miami-Dade County for \
        abandoning the so-called sanctuary cities policies.\n\n\
        Lorella Praeli, American Civil Liberties Union director of immigration policy and campaigns, \
        issued the following reaction:\n\n\
        “Sanctuary city policies improve public safety, protect immigrants, and promote trust between \
        communities and police. Instead of protecting Floridians, Mayor Carlos Gimenez turned his back on \
        the community and Miami-Dade County became an extension of Trump’s mass deportation force.\n\n\
        The federal government cannot force local law enforcement to cede their responsibilities to the \
        Trump administration’s anti-immigrant agenda, and it cannot threaten them by inventing new funding \
        rules.\n\n\
        We’re grateful for the many cities that have stood strong. We urge others to hold their ground — \
        the law is on our side. Public safety must not be another sacrifice of this administration.”";

    /// A news article quoting the release: other quote marks, dashes and line wrapping.
    const ARTICLE: &str = "Sessions praises Miami-Dade for dropping 'sanctuary' policy\n\n\
        Attorney General Jeff Sessions spoke in the Miami area on Wednesday about jurisdictions that have\n\
        cooperated with federal authorities on immigration enforcement.\n\n\
        The American Civil Liberties Union criticized the visit. \"Sanctuary city policies improve public\n\
        safety, protect immigrants, and promote trust between communities and police,\" said Lorella\n\
        Praeli, the group's director of immigration policy. \"Instead of protecting Floridians, Mayor\n\
        Carlos Gimenez turned his back on the community and Miami-Dade County became an extension of\n\
        Trump's mass deportation force.\"\n\n\
        The state of California on Monday said it would sue over the administration's threats.";

    /// The release cross-posted by an affiliate: another header, other line breaks.
    const CROSS_POST: &str = "News & Commentary | ACLU of Florida\n\nShare this:\n\n\
        MIAMI — Attorney General Jeff Sessions will visit Miami, FL today to praise Miami-Dade County\n\
        for abandoning the so-called sanctuary cities policies. Lorella Praeli, American Civil\n\
        Liberties Union director of immigration policy and campaigns, issued the following reaction:\n\
        \"Sanctuary city policies improve public safety, protect immigrants, and promote trust\n\
        between communities and police. Instead of protecting Floridians, Mayor Carlos Gimenez turned\n\
        his back on the community and Miami-Dade County became an extension of Trump's mass deportation\n\
        force. The federal government cannot force local law enforcement to cede their\n\
        responsibilities to the Trump administration's anti-immigrant agenda, and it cannot threaten\n\
        them by inventing new funding rules. We're grateful for the many cities that have stood\n\
        strong. We urge others to hold their ground - the law is on our side. Public safety must not\n\
        be another sacrifice of this administration.\"\n\nStay informed: sign up for updates.";

    const PETITION: &str = "Tell the City of Miami to Stop Diverting Local Funding to Federal Immigration \
        Efforts\n\nTake Action Now\n\n\
        I, along with the undersigned residents and voters of the City of Miami, strongly urge our City \
        Commissioners to vote NO on entering into any 287(g) agreements with Immigration and Customs \
        Enforcement (ICE).\n\n\
        As City of Miami residents, we stand firmly against these agreements that would damage our \
        community safety, waste taxpayer dollars, and contradict our city’s values.";

    /// Another organization's petition reusing a paragraph of [`PETITION`].
    const OTHER_PETITION: &str = "Stand With Immigrant Families in Miami\n\n\
        Add your name:\n\n\
          • As City of Miami residents, we stand firmly against these agreements that would damage\n\
            our community safety, waste taxpayer dollars, and contradict our city's values.\n\
          • Tell your commissioner before the June 12th meeting.";

    /// A statement that shares only stock phrases with [`RELEASE`].
    const UNRELATED: &str =
        "WASHINGTON — The Department of Justice today issued letters to 23 jurisdictions. \
        This is just the latest in an escalating campaign by the Trump administration to accomplish \
        through threats what they cannot through the courts. Communities that limit their entanglement \
        with deportation are on the right side of common sense and public safety.";

    fn locate_in(passage: &str, document: &str) -> Option<PassageMatch> {
        locate(&words(passage, &[]), &words(document, &[]))
    }

    fn matched_text<'a>(document: &'a str, found: &PassageMatch) -> &'a str {
        &document[found.span.clone()]
    }

    #[test]
    fn finds_a_quote_of_a_release_in_an_article() {
        let quote = "“Sanctuary city policies improve public safety, protect immigrants, and promote trust \
            between communities and police.";
        let found = locate_in(quote, ARTICLE).expect("found");
        assert!(found.exact && is_match(&found), "{found:?}");
        assert_eq!(
            (found.score, found.matched_words, found.passage_words),
            (1.0, 15, 15)
        );
        let text = matched_text(ARTICLE, &found);
        assert!(
            text.starts_with("Sanctuary city") && text.ends_with("and police"),
            "{text}"
        );
    }

    #[test]
    fn finds_a_quote_the_article_interrupts_with_its_speaker() {
        let quote = "“Sanctuary city policies improve public safety, protect immigrants, and promote trust \
            between communities and police. Instead of protecting Floridians, Mayor Carlos Gimenez turned \
            his back on the community.";
        let found = locate_in(quote, ARTICLE).expect("found");
        assert!(is_match(&found) && !found.exact, "{found:?}");
        assert_eq!(found.score, 1.0, "{found:?}");
        let text = matched_text(ARTICLE, &found);
        assert!(
            text.contains("said Lorella") && text.ends_with("the community"),
            "{text}"
        );
    }

    #[test]
    fn finds_a_cross_posted_release() {
        let body_start = RELEASE.find("MIAMI").unwrap();
        let found = locate_in(RELEASE, CROSS_POST).expect("found");
        // The release's header (contact, date) is not in the cross-post; all the rest is.
        let body_words = words(&RELEASE[body_start..], &[]).len();
        assert_eq!(found.matched_words, body_words, "{found:?}");
        assert!(is_match(&found) && !found.exact, "{found:?}");
        assert!(matched_text(CROSS_POST, &found).starts_with("MIAMI — Attorney General"));
        assert!(matched_text(CROSS_POST, &found).ends_with("of this administration"));
        // And the whole cross-post in the release, its header and footer aside.
        let back = locate_in(CROSS_POST, RELEASE).expect("found");
        assert!(is_match(&back), "{back:?}");
    }

    #[test]
    fn finds_a_reused_petition_paragraph() {
        let paragraph = &PETITION[PETITION.find("As City of Miami").unwrap()..];
        let found = locate_in(paragraph, OTHER_PETITION).expect("found");
        assert!(found.exact && is_match(&found), "{found:?}");
        assert!(matched_text(OTHER_PETITION, &found).ends_with("city's values"));
    }

    #[test]
    fn skips_text_at_an_ellipsis() {
        let passage =
            "“Sanctuary city policies improve public safety … Miami-Dade County became an extension \
            of Trump’s mass deportation force. […] We urge others to hold their ground”";
        let found = locate_in(passage, RELEASE).expect("found");
        assert_eq!(found.score, 1.0, "{found:?}");
        assert!(is_match(&found) && !found.exact);
        let text = matched_text(RELEASE, &found);
        assert!(
            text.starts_with("Sanctuary") && text.ends_with("their ground"),
            "{text}"
        );
        // Without the ellipsis marks, the skipped words count against the passage.
        let unmarked = passage.replace(['…', '[', ']'], " ");
        assert!(locate_in(&unmarked, RELEASE).expect("found").score < found.score);
    }

    #[test]
    fn tolerates_a_changed_inserted_or_dropped_word() {
        let original = "The federal government cannot force local law enforcement to cede their \
            responsibilities to the Trump administration’s anti-immigrant agenda";
        let cases = [
            (
                "The federal government can't force local law enforcement to cede their \
              responsibilities to the Trump administration’s anti-immigrant agenda",
                18,
                "changed",
            ),
            (
                "The federal government cannot force local law enforcement officers to cede their \
              responsibilities to the Trump administration’s anti-immigrant agenda",
                19,
                "inserted",
            ),
            (
                "The federal government cannot force law enforcement to cede their \
              responsibilities to the Trump administration’s anti-immigrant agenda",
                18,
                "dropped",
            ),
        ];
        assert_eq!(words(original, &[]).len(), 19);
        for (passage, matched, message) in cases {
            let found = locate_in(passage, RELEASE).expect("found");
            assert_eq!(found.matched_words, matched, "{message}: {found:?}");
            assert!(is_match(&found) && !found.exact, "{message}: {found:?}");
            assert!(
                matched_text(RELEASE, &found).starts_with("The federal"),
                "{message}"
            );
            assert!(matched_text(RELEASE, &found).ends_with("agenda"), "{message}");
        }
    }

    #[test]
    fn stock_phrases_are_not_matches() {
        let cases = [
            ("the Trump administration", RELEASE, "a stock phrase found whole"),
            ("public safety", RELEASE, "a shorter one"),
            (
                "Our police keep public safety first, and no city should bow to the Trump administration.",
                RELEASE,
                "a sentence sharing two stock phrases",
            ),
            (
                "Sanctuary city policies improve public safety, protect immigrants, and promote trust \
                 between communities and police.",
                UNRELATED,
                "a quote whose document only shares a stock phrase",
            ),
        ];
        for (passage, document, message) in cases {
            let found = locate_in(passage, document);
            assert!(!found.as_ref().is_some_and(is_match), "{message}: {found:?}");
        }
        assert_eq!(locate_in("deportation", "nothing in common here"), None);
        assert_eq!(locate_in("", RELEASE), None, "an empty passage");
        assert_eq!(locate_in(RELEASE, ""), None, "an empty document");
    }

    #[test]
    fn makes_shingles_within_runs() {
        let shingle_starts = |text: &str| {
            shingles(&words(text, &[]))
                .iter()
                .map(|shingle| shingle.first_word)
                .collect::<Vec<_>>()
        };
        let cases = [
            ("", vec![], "no words"),
            ("the law", vec![0], "shorter than a shingle: one"),
            ("one two three four five", vec![0], "exactly one shingle"),
            ("one two three four five six seven", vec![0, 1, 2], "sliding"),
            (
                "one two three four five six … seven eight",
                vec![0, 1, 6],
                "a gap",
            ),
        ];
        for (text, expected, message) in cases {
            assert_eq!(shingle_starts(text), expected, "{message}");
        }
    }

    #[test]
    fn shingle_hashes_are_stable() {
        // The first 8 bytes of SHA-256("hello world the law is"): stored on disk, never changes.
        let typographic = shingles(&words("“Hello, WORLD!” — the\nlaw… is", &[]));
        let plain = shingles(&words("hello world the law is", &[]));
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].hash, 0x4bb9_b71f_d897_aaf0);
        assert_eq!(typographic.len(), 2, "the ellipsis cuts the shingle");
        assert_eq!(
            shingles(&words("Hello, world — THE LAW IS", &[])),
            plain,
            "case, punctuation and dashes do not matter"
        );
    }

    #[test]
    fn one_block_hashes_are_sha256() {
        let message: Vec<u8> = (0..130_u8).map(|byte| b'a' + byte % 26).collect();
        for length in 0..message.len() {
            let digest = Sha256::digest(&message[..length]);
            let expected = u64::from_be_bytes(digest[..8].try_into().unwrap());
            assert_eq!(hash_of_joined(&message[..length]), expected, "{length} bytes");
        }
    }

    #[test]
    fn ranks_candidates_by_rare_shingles() {
        assert!(!is_common_shingle(COMMON_SHINGLE_DOCUMENTS));
        assert!(is_common_shingle(COMMON_SHINGLE_DOCUMENTS + 1));
        let cases = [(0, 0, 0.0), (0, 4, 0.0), (1, 4, 0.25), (4, 4, 1.0), (9, 4, 1.0)];
        for (matched, total, expected) in cases {
            assert_eq!(candidate_score(matched, total), expected, "{matched} of {total}");
        }
    }

    /// `count` words, each distinct from the others and from real text.
    fn filler(prefix: &str, count: usize) -> String {
        (0..count).map(|index| format!("{prefix}{index} ")).collect()
    }

    #[test]
    fn bounds_the_work_on_long_inputs() {
        let quote = &RELEASE[RELEASE.find("The federal").unwrap()..];
        // About 30 KB: over the alignment budget with a long passage.
        let document = format!("{}{quote} {}", filler("before", 2_000), filler("after", 2_000));
        let long_passage = format!("{}{quote}", filler("other", 600));
        let passage_words = words(&long_passage, &[]);
        assert!(passage_words.len() * words(&document, &[]).len() > MAX_ALIGNMENT_CELLS);
        let found = locate(&passage_words, &words(&document, &[])).expect("found by its shingles");
        assert_eq!(found.matched_words, words(quote, &[]).len());
        assert!(document[found.span.clone()].starts_with("The federal"));
        let too_long = format!("{}{}", filler("other", MAX_PASSAGE_WORDS), quote);
        let found = locate(&words(&too_long, &[]), &words(&too_long, &[])).expect("found");
        assert_eq!(
            found.passage_words, MAX_PASSAGE_WORDS,
            "only the first words are aligned"
        );
        assert!(found.exact);
        assert_eq!(
            locate(&passage_words, &words(&filler("after", 4_000), &[])),
            None,
            "no shingle in common"
        );
    }

    fn text_of_words() -> impl Strategy<Value = String> {
        let parts = [
            "law", "is", "clear", "the", "we", "urge", "…", "—", "“", "”", "é", "\n",
        ];
        proptest::collection::vec(proptest::sample::select(parts.to_vec()), 0..40)
            .prop_map(|parts| parts.join(" "))
    }

    proptest! {
        #[test]
        fn shingle_hashes_are_the_hashes_of_the_shingles(
            text in "([a-zé’'…. \n\u{AD}\u{301}-]{0,12} ){0,30}",
            ignore in proptest::collection::vec((0_usize..200, 0_usize..200), 0..3),
        ) {
            let ignore: Vec<Range<usize>> = ignore.into_iter().map(|(start, end)| start..end).collect();
            let expected: Vec<u64> = shingles(&words(&text, &ignore)).iter().map(|shingle| shingle.hash).collect();
            prop_assert_eq!(shingle_hashes(&text, &ignore), expected);
        }

        #[test]
        fn locating_never_panics_and_stays_in_the_document(
            passage in any::<String>(),
            document in any::<String>(),
        ) {
            if let Some(found) = locate_in(&passage, &document) {
                prop_assert!(document.get(found.span.clone()).is_some() && found.span.start < found.span.end);
                prop_assert!((0.0..=1.0).contains(&found.score));
                prop_assert!(found.matched_words <= found.passage_words);
            }
        }

        #[test]
        fn locates_repetitive_text_within_bounds(passage in text_of_words(), document in text_of_words()) {
            if let Some(found) = locate_in(&passage, &document) {
                prop_assert!(document.get(found.span.clone()).is_some());
                prop_assert!(found.matched_words >= 1 && found.matched_words <= found.passage_words);
                prop_assert_eq!(found.score, found.matched_words as f64 / found.passage_words as f64);
            }
        }

        #[test]
        fn a_slice_of_the_document_is_found_exactly(
            document in text_of_words(),
            from in 0_usize..40,
            length in 1_usize..40,
        ) {
            let document_words = words(&document, &[]);
            let from = from.min(document_words.len());
            let end = (from + length).min(document_words.len());
            // Without gaps, only the contiguous words score every word.
            let passage: Vec<Word> = document_words[from..end]
                .iter()
                .map(|word| Word { gap_before: false, ..word.clone() })
                .collect();
            let found = locate(&passage, &document_words);
            let expected = (!passage.is_empty()).then_some((1.0, true));
            prop_assert_eq!(found.as_ref().map(|found| (found.score, found.exact)), expected);
        }
    }
}
