//! Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003): choosing the shingles of a text that
//! are indexed, so that the passage index holds about a third of them and still finds every
//! passage that shares enough consecutive words with the text.
//!
//! In every window of [`WINDOW`] consecutive shingles, the one with the least hash is chosen
//! (the rightmost on a tie); a text with fewer shingles than that chooses its least one. The
//! guarantee: two texts that share a stretch of at least `WINDOW + SHINGLE_WORDS - 1` (10)
//! consecutive words of one run share at least one chosen hash, because that stretch holds a
//! whole window of the same shingles and both texts choose that window's minimum. A passage is
//! looked up by all its shingles, so any passage with 10 unchanged consecutive words finds the
//! texts that contain it.

use super::passage::Shingle;

/// Shingles per window. Random hashes make about `2 / (WINDOW + 1)` of the shingles chosen:
/// 0.29 here.
pub const WINDOW: usize = 6;

/// The hashes chosen by winnowing `shingles` (in text order), each once, in order of choice.
pub fn fingerprints(shingles: &[Shingle]) -> Vec<u64> {
    let hashes: Vec<u64> = shingles.iter().map(|shingle| shingle.hash).collect();
    let mut found: Vec<u64> = Vec::new();
    for hash in winnow(&hashes) {
        if !found.contains(&hash) {
            found.push(hash);
        }
    }
    found
}

/// The hashes winnowing chooses from the shingle hashes `hashes` (in text order), in order of
/// choice, once per position chosen: a hash chosen at two positions comes twice.
pub fn winnow(hashes: &[u64]) -> Vec<u64> {
    if hashes.is_empty() {
        return Vec::new();
    }
    let width = WINDOW.min(hashes.len());
    let mut chosen: Vec<u64> = Vec::with_capacity(hashes.len() / 2);
    let mut last_chosen = None;
    for (start, window) in hashes.windows(width).enumerate() {
        let least = window
            .iter()
            .enumerate()
            .rev()
            .min_by_key(|(_, hash)| **hash)
            .map_or(start, |(offset, _)| start + offset);
        if last_chosen != Some(least) {
            last_chosen = Some(least);
            chosen.push(hashes[least]);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::passage::shingles;
    use crate::text::words::words;
    use proptest::prelude::*;

    fn chosen(text: &str) -> Vec<u64> {
        fingerprints(&shingles(&words(text, &[])))
    }

    #[test]
    fn short_texts_choose_their_least_shingle() {
        assert_eq!(chosen(""), Vec::<u64>::new());
        assert_eq!(chosen("one two three").len(), 1);
    }

    #[test]
    fn about_a_third_of_the_shingles_are_chosen() {
        let text: String = (0..2000).map(|i| format!("word{i} ")).collect();
        let count = chosen(&text).len();
        assert!((400..800).contains(&count), "{count} of 1996 shingles chosen");
    }

    proptest! {
        #[test]
        fn ten_shared_words_always_share_a_fingerprint(
            before in proptest::collection::vec("[a-z]{1,8}", 0..40),
            shared in proptest::collection::vec("[a-z]{1,8}", 10..30),
            after in proptest::collection::vec("[a-z]{1,8}", 0..40),
            other_before in proptest::collection::vec("[A-Z]{1,8}", 0..40),
        ) {
            let text = [before, shared.clone(), after].concat().join(" ");
            let other = [other_before, shared.clone()].concat().join(" ");
            let passage = shared.join(" ");
            let in_text = chosen(&text);
            let in_other = chosen(&other);
            let passage_hashes: Vec<u64> = shingles(&words(&passage, &[])).iter().map(|s| s.hash).collect();
            prop_assert!(in_text.iter().any(|hash| passage_hashes.contains(hash)));
            prop_assert!(in_other.iter().any(|hash| in_text.contains(hash)));
        }
    }
}
