//! `norm-v1`: the published normalization under which two texts that differ only in page
//! boilerplate, Unicode form, quote and dash styles, invisible characters or spacing compare
//! equal.
//!
//! The algorithm is versioned: its output may be stored or recomputed by scripts outside this
//! project, so it never changes under this name; a different algorithm gets a new name.
//!
//! # The algorithm
//!
//! Input: a UTF-8 text and a list of byte ranges of it to ignore. Output: a UTF-8 text.
//!
//! 1. **Ignore.** Every character any of whose bytes lies in an ignored range `start..end`
//!    (`start` included, `end` excluded) is dropped, and each maximal run of dropped
//!    characters is replaced by one space (U+0020). Ranges may overlap or come in any order;
//!    one with `start >= end` drops nothing; byte offsets past the end of the text match no
//!    character.
//! 2. **Substitute.** Each character of the table below is replaced by its replacement; every
//!    other character is kept.
//! 3. **NFKC.** The text is put in Unicode Normalization Form KC (Unicode Standard Annex #15).
//! 4. **Substitute again** with the same table, because NFKC produces some of its characters
//!    (U+2011 becomes U+2010, U+FE58 becomes U+2014). Step 2 must come first all the same:
//!    NFKC would split `″` into two primes.
//! 5. **Whitespace.** Each maximal run of characters with the Unicode `White_Space` property
//!    (U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
//!    U+202F, U+205F, U+3000) is replaced by one space, and a space at the start or the end
//!    is removed.
//!
//! The table of steps 2 and 4:
//!
//! | characters | replacement |
//! | --- | --- |
//! | U+2018 `‘`, U+2019 `’`, U+201A `‚`, U+201B `‛`, U+2032 `′` | U+0027 `'` |
//! | U+201C `“`, U+201D `”`, U+201E `„`, U+201F `‟`, U+2033 `″`, U+00AB `«`, U+00BB `»` | U+0022 `"` |
//! | U+2010 `‐`, U+2011 `‑`, U+2012 `‒`, U+2013 `–`, U+2014 `—`, U+2015 `―`, U+2212 `−` | U+002D `-` |
//! | U+2026 `…` | `...` (three U+002E) |
//! | U+00AD, U+200B, U+200C, U+200D, U+2060, U+FEFF (invisible: see below) | nothing: removed |
//!
//! The invisible characters are the soft hyphen (U+00AD), the zero-width space, non-joiner and
//! joiner (U+200B–U+200D), the word joiner (U+2060) and the zero-width no-break space or byte
//! order mark (U+FEFF).
//!
//! Example: `“Hello”⏎␣␣world — ok` becomes `"Hello" world - ok`.
//!
//! The result is its own normal form: normalizing it again (with nothing ignored) returns it
//! unchanged.
//!
//! # Case
//!
//! Case is kept. The normalized text stands for the statement as written, and case carries
//! meaning there (`ICE` the agency, `ice`; `Bush`, `bush`); Unicode case folding also depends
//! on language (Turkish `İ`) and changes lengths (`ß` → `ss`), which would make the algorithm
//! harder to reimplement exactly. Comparisons that should ignore case use the word keys of
//! [`super::words`], which are lower case.
//!
//! # Stability
//!
//! Unicode's normalization stability policy guarantees that NFKC of an assigned character never
//! changes between Unicode versions; only characters unassigned in the Unicode version of an
//! implementation (this one: [`unicode_normalization::UNICODE_VERSION`]) may normalize
//! differently in a later one.

use std::ops::Range;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::ignore::kept_parts;

/// The name of the algorithm [`normalize`] implements, to store next to its output.
pub const NORMALIZATION: &str = "norm-v1";

/// `text` under `norm-v1` (see the module documentation), with the byte ranges in `ignore`
/// left out.
pub fn normalize(text: &str, ignore: &[Range<usize>]) -> String {
    let mut substituted = String::with_capacity(text.len());
    for (position, (_, part)) in kept_parts(text, ignore).into_iter().enumerate() {
        if position > 0 {
            substituted.push(' ');
        }
        push_substituted(part, &mut substituted);
    }
    // Most statements are already in NFKC once substituted (ASCII always is); then step 4
    // has nothing to replace either, since step 2 left none of the table's characters.
    if substituted.is_ascii() || is_nfkc_quick(substituted.chars()) == IsNormalized::Yes {
        return collapse_whitespace(&substituted);
    }
    let composed: String = substituted.nfkc().collect();
    let mut substituted_again = String::with_capacity(composed.len());
    push_substituted(&composed, &mut substituted_again);
    collapse_whitespace(&substituted_again)
}

/// Whether `character` is one of the invisible characters `norm-v1` removes: the soft hyphen
/// and the zero-width characters. They may sit inside a word without splitting it.
pub fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The replacement of `character` in the table of the module documentation, if it has one.
fn substitute(character: char) -> Option<&'static str> {
    match character {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some("'"),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => {
            Some("\"")
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Some("-"),
        '\u{2026}' => Some("..."),
        invisible if is_invisible(invisible) => Some(""),
        _ => None,
    }
}

/// Appends `text` to `output` with the table's substitutions made, copying runs of ASCII (which
/// the table never touches) whole.
fn push_substituted(text: &str, output: &mut String) {
    let mut rest = text;
    while let Some(non_ascii) = rest.bytes().position(|byte| !byte.is_ascii()) {
        let (ascii, tail) = rest.split_at(non_ascii);
        output.push_str(ascii);
        let mut characters = tail.chars();
        if let Some(character) = characters.next() {
            match substitute(character) {
                Some(replacement) => output.push_str(replacement),
                None => output.push(character),
            }
        }
        rest = characters.as_str();
    }
    output.push_str(rest);
}

/// `text` with each run of whitespace made one space, and none at either end.
fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let (word_end, next) = first_whitespace(rest).unwrap_or((rest.len(), rest.len()));
        if word_end > 0 {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(&rest[..word_end]);
        }
        if next == rest.len() {
            return collapsed;
        }
        rest = &rest[next..];
    }
}

/// Where the first whitespace character of `text` starts and ends.
fn first_whitespace(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte.is_ascii() {
            // `char::is_whitespace` in ASCII: U+0009 to U+000D and the space.
            if matches!(byte, b'\t'..=b'\r' | b' ') {
                return Some((index, index + 1));
            }
            index += 1;
        } else {
            let character = text.get(index..)?.chars().next()?;
            let end = index + character.len_utf8();
            if character.is_whitespace() {
                return Some((index, end));
            }
            index = end;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::ignore::to_ranges;
    use proptest::prelude::*;

    #[test]
    fn normalizes_as_documented() {
        let cases = [
            (
                "“Hello”\n  world — ok",
                "\"Hello\" world - ok",
                "the documented example",
            ),
            ("‘a’ ‚b‛ 5′", "'a' 'b' 5'", "single quotes and the prime"),
            ("„a‟ «b» 6″", "\"a\" \"b\" 6\"", "double quotes; ″ stays one mark"),
            ("a‐b‑c‒d–e—f―g−h", "a-b-c-d-e-f-g-h", "every dash"),
            ("wait… what", "wait... what", "the ellipsis"),
            (
                "in\u{AD}vis\u{200B}i\u{200C}b\u{200D}l\u{2060}e\u{FEFF}",
                "invisible",
                "invisible chars",
            ),
            (
                "a\u{A0}b\u{2003}c\u{3000}d\u{2028}e\r\n\tf",
                "a b c d e f",
                "every kind of space",
            ),
            ("  \n\t ", "", "only whitespace"),
            ("", "", "empty"),
            ("ﬁle ² Ｆｕｌｌ", "file 2 Full", "NFKC compatibility forms"),
            ("cafe\u{301}", "café", "NFKC composes"),
            (
                "a\u{FE58}b ＂c＂",
                "a-b \"c\"",
                "dashes and quotes that NFKC produces",
            ),
            ("Mayor GIMENEZ", "Mayor GIMENEZ", "case is kept"),
        ];
        for (text, expected, message) in cases {
            assert_eq!(normalize(text, &[]), expected, "{message}");
        }
    }

    #[test]
    fn ignored_ranges_become_one_space() {
        let text = "Share this\nThe law is clear.\nDonate now";
        assert_eq!(normalize(text, &[0..11, 29..39]), "The law is clear.");
        assert_eq!(
            normalize("one[x]two", &to_ranges(&[(3, 6)])),
            "one two",
            "an ignored run separates words"
        );
        assert_eq!(
            normalize(
                "aé",
                &to_ranges(&[(2, 3), (40, 50), (1, 0), (usize::MAX, usize::MAX)])
            ),
            "a",
            "a range inside a char drops the char; others are harmless"
        );
    }

    #[test]
    fn substitutes_before_and_after_nfkc() {
        // Without step 2, NFKC would turn ″ into two primes, hence two apostrophes.
        assert_eq!(normalize("″", &[]), "\"");
        // Without step 4, U+2011 would survive as the U+2010 NFKC maps it to.
        assert_eq!(normalize("non\u{2011}binding", &[]), "non-binding");
    }

    fn ranges() -> impl Strategy<Value = Vec<Range<usize>>> {
        proptest::collection::vec(
            (0_usize..64, 0_usize..64).prop_map(|(start, end)| start..end),
            0..4,
        )
    }

    proptest! {
        #[test]
        fn normalizing_is_idempotent(text in any::<String>(), ignore in ranges()) {
            let once = normalize(&text, &ignore);
            prop_assert_eq!(normalize(&once, &[]), once.clone());
        }

        #[test]
        fn normalizing_typographic_text_is_idempotent(
            text in concat!(
                "[a-zé \u{301}\u{308}‘’‚‛′“”„‟″«»‐‑‒–—―−…",
                "\u{AD}\u{200B}\u{A0}\n\u{FE58}ﬁ\u{1100}\u{1161}\u{FF02}]{0,40}",
            ),
        ) {
            let once = normalize(&text, &[]);
            prop_assert_eq!(normalize(&once, &[]), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        }
    }
}
