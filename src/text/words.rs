//! The words of a text as passages are compared: each with a key that ignores case, quotes,
//! dashes and punctuation, its byte span in the original text, and whether an ellipsis (a gap
//! in a quoted passage) comes before it.
//!
//! # Words
//!
//! A word is a maximal run of *word characters* (letters, digits and combining marks: Rust's
//! `char::is_alphanumeric` or Unicode's `Mark` category, apostrophes excepted), where
//! apostrophes (U+0027 `'`, U+2018 `‘`, U+2019 `’`, U+02BC `ʼ`, which Unicode counts as a
//! letter) and the invisible characters of `norm-v1` (soft hyphen, zero-width characters)
//! also belong to the word when word characters stand on both sides of them: `Trump’s` and
//! `in\u{AD}visible` are one word each. Everything else (whitespace, punctuation, quotes,
//! dashes, symbols) separates words, so `Miami-Dade` is two words and `287(g)` is `287` and
//! `g`; characters in the ignored ranges separate words too.
//!
//! The **key** of a word is its text put in NFKC, lower-cased (Unicode's full lower-case
//! mapping, no language rules) and stripped of every character that is not a word character:
//! `“Hello,` and `"hello` both have the key `hello`, `Trump’s` and `Trump's` both `trumps`.
//! Keys never contain a space and are never empty (a word whose key would be empty is left
//! out). Keys feed the shingle hashes stored on disk, so this definition never changes; only
//! characters that a later Unicode version assigns (Rust's and `unicode-normalization`'s
//! tables follow Unicode) can get other keys as the toolchain moves on.
//!
//! # Gaps
//!
//! A word has a **gap before it** when the text between it and the previous word (ignored
//! ranges left out), once its whitespace is removed and it is put in NFKC, contains `...`:
//! `…`, `...`, `. . .`, `[...]` and `[…]` all mark a gap. A quoted passage leaves words out
//! there, so shingles never span a gap and [`super::passage::locate`] lets the document skip
//! text at it. The first word never has a gap before it. [`runs`] splits words at the gaps.

use std::ops::Range;

use serde::Serialize;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::ignore::kept_parts;
use super::normalize::is_invisible;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// What words are compared by (see the module documentation): `“Hello,` gives `hello`.
    pub key: String,
    /// Where the word is written: a byte range of the original text, on char boundaries.
    pub span: Range<usize>,
    /// Whether an ellipsis separates this word from the previous one.
    pub gap_before: bool,
}

/// Whether `character` is a letter, a digit or a combining mark, other than an apostrophe:
/// what words are made of.
pub fn is_word_char(character: char) -> bool {
    if character.is_ascii() {
        // No ASCII character is a combining mark, and `'` is not alphanumeric.
        return character.is_ascii_alphanumeric();
    }
    (character.is_alphanumeric() || is_combining_mark(character)) && !is_apostrophe(character)
}

/// The apostrophes, `ʼ` included although Unicode counts it as a letter.
fn is_apostrophe(character: char) -> bool {
    matches!(character, '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}')
}

/// Whether `character` belongs to a word when word characters stand on both sides of it.
fn joins_words(character: char) -> bool {
    is_apostrophe(character) || is_invisible(character)
}

/// The words of `text` outside the byte ranges in `ignore`, in order.
pub fn words(text: &str, ignore: &[Range<usize>]) -> Vec<Word> {
    let mut found = Vec::new();
    for_each_word(text, ignore, |key, span, gap_before| {
        found.push(Word {
            key: key.to_owned(),
            span,
            gap_before,
        });
    });
    found
}

/// Calls `visit` with the key, the span and the gap of each word of `text` outside `ignore`,
/// in order: what [`words`] collects, without a string for each key.
pub(crate) fn for_each_word(
    text: &str,
    ignore: &[Range<usize>],
    mut visit: impl FnMut(&str, Range<usize>, bool),
) {
    let mut any_word = false;
    let mut key = String::new();
    // The text since the previous word, without whitespace: where gaps are seen.
    let mut separator = String::new();
    let mut joiners = String::new();
    for (offset, part) in kept_parts(text, ignore) {
        let mut characters = part.char_indices().peekable();
        while let Some((index, character)) = characters.next() {
            if !is_word_char(character) {
                if !character.is_whitespace() {
                    separator.push(character);
                }
                continue;
            }
            let mut end = index + character.len_utf8();
            // Extends the word over word characters, and over joiners followed by one.
            joiners.clear();
            while let Some(&(next_index, next)) = characters.peek() {
                if is_word_char(next) {
                    joiners.clear();
                    end = next_index + next.len_utf8();
                } else if joins_words(next) {
                    joiners.push(next);
                } else {
                    break;
                }
                characters.next();
            }
            key.clear();
            push_key(part.get(index..end).unwrap_or_default(), &mut key);
            if !key.is_empty() {
                let gap_before = any_word && marks_gap(&separator);
                visit(&key, offset + index..offset + end, gap_before);
                any_word = true;
                separator.clear();
            }
            // Joiners that ended the word (a closing `’`) belong to the separator.
            separator.push_str(&joiners);
        }
    }
}

/// Appends the key of a word written `word_text` (see the module documentation) to `key`.
fn push_key(word_text: &str, key: &mut String) {
    if word_text.is_ascii() {
        // What the general case gives for ASCII, which NFKC leaves as it is, faster.
        key.extend(
            word_text
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|byte| char::from(byte.to_ascii_lowercase())),
        );
        return;
    }
    key.extend(
        word_text
            .nfkc()
            .flat_map(char::to_lowercase)
            .filter(|&character| is_word_char(character)),
    );
}

/// Whether the text between two words, without its whitespace, holds an ellipsis.
fn marks_gap(separator: &str) -> bool {
    separator.contains("...") || !separator.is_ascii() && separator.nfkc().collect::<String>().contains("...")
}

/// The index ranges of `words` between gaps: every word is in exactly one run, and no run is
/// empty. A text without ellipses is one run (none when it has no words).
pub fn runs(words: &[Word]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (index, word) in words.iter().enumerate().skip(1) {
        if word.gap_before {
            runs.push(start..index);
            start = index;
        }
    }
    if start < words.len() {
        runs.push(start..words.len());
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::ignore::to_ranges;
    use proptest::prelude::*;

    fn keys(text: &str) -> Vec<String> {
        words(text, &[]).into_iter().map(|word| word.key).collect()
    }

    #[test]
    fn keys_ignore_case_quotes_and_punctuation() {
        let cases = [
            ("“Hello,", vec!["hello"], "curly quote and comma"),
            ("\"hello", vec!["hello"], "straight quote"),
            (
                "Trump’s Trump's TRUMPʼS",
                vec!["trumps"; 3],
                "apostrophes inside a word",
            ),
            (
                "‘sanctuary cities’",
                vec!["sanctuary", "cities"],
                "single quotes around words",
            ),
            (
                "Miami-Dade — the law",
                vec!["miami", "dade", "the", "law"],
                "dashes separate",
            ),
            ("ground—the", vec!["ground", "the"], "an em dash without spaces"),
            (
                "287(g) $4 73.9%",
                vec!["287", "g", "4", "73", "9"],
                "numbers and symbols",
            ),
            (
                "in\u{AD}vis\u{200B}ible",
                vec!["invisible"],
                "invisible chars inside a word",
            ),
            ("ﬁne Ｆｕｌｌ", vec!["fine", "full"], "NFKC"),
            (
                "Café CAFÉ cafe\u{301}",
                vec!["café"; 3],
                "composed, upper and decomposed",
            ),
            ("— ‘ ’ ' , . !", vec![], "punctuation only"),
            ("", vec![], "empty"),
        ];
        for (text, expected, message) in cases {
            assert_eq!(keys(text), expected, "{message}");
        }
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "“We’re grateful,” she said.";
        let spans: Vec<&str> = words(text, &[])
            .iter()
            .map(|word| &text[word.span.clone()])
            .collect();
        assert_eq!(spans, ["We’re", "grateful", "she", "said"]);
    }

    #[test]
    fn ignored_ranges_hold_no_words_and_separate_them() {
        let text = "Share this page\nThe law is clear.";
        assert_eq!(
            words(text, &to_ranges(&[(0, 16)]))
                .iter()
                .map(|word| word.key.as_str())
                .collect::<Vec<_>>(),
            ["the", "law", "is", "clear"]
        );
        assert_eq!(keys_ignoring("onetwo", &[(3, 3)]), ["onetwo"], "an empty range");
        assert_eq!(keys_ignoring("one[x]two", &[(3, 6)]), ["one", "two"]);
    }

    fn keys_ignoring(text: &str, ignore: &[(usize, usize)]) -> Vec<String> {
        words(text, &to_ranges(ignore))
            .into_iter()
            .map(|word| word.key)
            .collect()
    }

    #[test]
    fn ellipses_mark_gaps() {
        let cases = [
            ("a … b", vec![false, true], "the ellipsis character"),
            ("a... b", vec![false, true], "three dots"),
            ("a [...] b", vec![false, true], "bracketed"),
            ("a […] b", vec![false, true], "bracketed character"),
            ("a . . . b", vec![false, true], "spaced dots"),
            ("… a b", vec![false, false], "not before the first word"),
            ("a. b.. c", vec![false, false, false], "one or two dots"),
            ("a ’… b", vec![false, true], "after a closing quote"),
        ];
        for (text, expected, message) in cases {
            let gaps: Vec<bool> = words(text, &[]).iter().map(|word| word.gap_before).collect();
            assert_eq!(gaps, expected, "{message}");
        }
    }

    #[test]
    fn runs_split_at_gaps() {
        let cases = [
            ("", vec![], "no words"),
            ("one two three", vec![(0, 3)], "no gap"),
            (
                "one two … three [...] four five",
                vec![(0, 2), (2, 3), (3, 5)],
                "two gaps",
            ),
        ];
        for (text, expected, message) in cases {
            assert_eq!(runs(&words(text, &[])), to_ranges(&expected), "{message}");
        }
    }

    proptest! {
        #[test]
        fn spans_lie_on_char_boundaries_outside_ignored_ranges(
            text in any::<String>(),
            ignore in proptest::collection::vec((0_usize..48, 0_usize..48), 0..3),
        ) {
            let ignore: Vec<Range<usize>> = ignore.into_iter().map(|(start, end)| start..end).collect();
            let found = words(&text, &ignore);
            let mut previous_end = 0;
            for word in &found {
                prop_assert!(previous_end <= word.span.start && word.span.start < word.span.end);
                prop_assert!(text.get(word.span.clone()).is_some());
                prop_assert!(!word.key.is_empty() && !word.key.contains(' '));
                let overlaps =
                    |range: &Range<usize>| range.start < word.span.end && word.span.start < range.end;
                prop_assert!(!ignore.iter().filter(|range| range.start < range.end).any(overlaps));
                previous_end = word.span.end;
            }
            let run_lengths: usize = runs(&found).iter().map(|run| run.len()).sum();
            prop_assert_eq!(run_lengths, found.len());
        }

        #[test]
        fn typographic_variants_give_the_same_keys(text in "[A-Za-z ]{0,30}") {
            let typographic = format!("“{}” —", text.replace(' ', "\u{A0}\n"));
            prop_assert_eq!(keys(&typographic), keys(&text.to_lowercase()));
        }
    }
}
