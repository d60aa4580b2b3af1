//! Many phrases searched for at once, ignoring ASCII case, in one pass over the text
//! (`aho-corasick`): how the boilerplate and kind lexicons are matched without lower-casing
//! the text or scanning it once per phrase.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind};

pub struct PhraseSet {
    /// `None` only if the automaton could not be built, which the unit tests rule out: then
    /// nothing matches.
    matcher: Option<AhoCorasick>,
    len: usize,
}

impl PhraseSet {
    pub fn new<'p>(phrases: impl IntoIterator<Item = &'p str>) -> Self {
        let phrases: Vec<&str> = phrases.into_iter().collect();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&phrases)
            .ok();
        Self {
            matcher,
            len: phrases.len(),
        }
    }

    /// How often each phrase occurs in `text` (matches do not overlap), by the phrase's index.
    pub fn counts(&self, text: &str) -> Vec<usize> {
        let mut counts = vec![0; self.len];
        for found in self.matcher.iter().flat_map(|matcher| matcher.find_iter(text)) {
            if let Some(count) = counts.get_mut(found.pattern().as_usize()) {
                *count += 1;
            }
        }
        counts
    }

    /// The index of the first phrase of the list that occurs in `text`.
    pub fn first_listed_in(&self, text: &str) -> Option<usize> {
        let matcher = self.matcher.as_ref()?;
        matcher
            .find_overlapping_iter(text)
            .map(|found| found.pattern().as_usize())
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_in_any_case() {
        let phrases = PhraseSet::new(["take action", "petition", "action"]);
        assert!(phrases.matcher.is_some(), "the automaton builds");
        let cases = [
            (
                "Take Action now and sign the PETITION",
                vec![1, 1, 0],
                Some(0),
                "mixed case, overlapping",
            ),
            ("petition, petition", vec![0, 2, 0], Some(1), "repeated"),
            ("nothing here", vec![0, 0, 0], None, "no phrase"),
            ("", vec![0, 0, 0], None, "empty text"),
        ];
        for (text, counts, first, message) in cases {
            assert_eq!(phrases.counts(text), counts, "{message}");
            assert_eq!(phrases.first_listed_in(text), first, "{message}");
        }
    }
}
