//! What changed between two versions of a statement: word operations with byte ranges into
//! both versions, a conventional unified diff of lines, an HTML rendering of the word
//! operations, and whether the change is only cosmetic.
//!
//! # Word operations
//!
//! [`diff_words`] cuts both texts into tokens: maximal runs of word characters (letters,
//! digits, combining marks: [`is_word_char`]), maximal runs of whitespace, and every other
//! character on its own. The token sequences are diffed with the patience algorithm of the
//! `similar` crate, then:
//!
//! - adjacent changes merge, and a run of spaces or tabs (no line break) between two changes
//!   joins them, so a rewritten phrase reads as one deletion and one insertion rather than a
//!   word-by-word interleaving;
//! - each change becomes a [`DiffKind::Delete`] of its old text (when it has one) followed by an
//!   [`DiffKind::Insert`] of its new text (when it has one).
//!
//! So no two adjacent operations have the same kind, the `old` ranges of the operations tile
//! the old text in order and their `new` ranges tile the new text: the texts of the `equal` and
//! `insert` operations, concatenated, are the new text, and those of the `equal` and `delete`
//! operations are the old one. An `insert` has an empty `old` range at the place it goes in the
//! old text, a `delete` an empty `new` range.
//!
//! # Bounded work
//!
//! A diff's time, memory and (through `similar`'s recursion) stack grow with the number of
//! tokens compared: two 4 MB versions of two-word text overflowed a 2 MiB stack, and 3.7 MB of
//! real text took 25 s. So the tokens are words only while both texts together have at most
//! [`MAX_DIFF_TOKENS`] of them ([`Granularity::Words`]); beyond, they are lines, again up to
//! [`MAX_DIFF_TOKENS`] ([`Granularity::Lines`]); beyond that, the common first and last lines
//! are kept and everything between is one change ([`Granularity::Whole`]), found in one linear
//! pass with no recursion. The same holds for [`unified`]. At the bound, a diff takes about
//! 0.2 s and a few tens of KiB of stack (measured in release; the unit test
//! `a_diff_at_the_bound_fits_a_small_stack` runs one on a 1 MiB stack).

use std::ops::Range;

use serde::Serialize;
use similar::udiff::UnifiedHunkHeader;
use similar::{capture_diff_slices, group_diff_ops, Algorithm, DiffOp as LineOp, DiffTag};

use super::words::{is_word_char, words, Word};

/// The kind of a [`DiffOp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
}

/// One operation of a [`WordDiff`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffOp {
    pub kind: DiffKind,
    /// A byte range of the old text (empty for an insertion: where it goes).
    pub old: Range<usize>,
    /// A byte range of the new text (empty for a deletion: where it was).
    pub new: Range<usize>,
    /// The text of the operation: the old text's for `delete`, the new text's otherwise.
    pub text: String,
}

/// The most tokens (words, spaces and punctuation, or lines) of both texts together that a
/// diff compares one by one (see the module documentation): about 150 KiB of prose a side.
pub const MAX_DIFF_TOKENS: usize = 100_000;

/// What the operations of a [`WordDiff`] are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// Words, white space and punctuation: both texts have at most [`MAX_DIFF_TOKENS`] tokens.
    Words,
    /// Whole lines: the texts have more tokens, but at most [`MAX_DIFF_TOKENS`] lines.
    Lines,
    /// The common first and last lines, and everything between them as one change.
    Whole,
}

/// What changed from an old text to a new one (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordDiff {
    pub ops: Vec<DiffOp>,
    /// The characters (not bytes) of the `insert` operations.
    pub chars_added: usize,
    /// The characters (not bytes) of the `delete` operations.
    pub chars_removed: usize,
    /// What the operations are made of: words unless the texts are too long.
    pub granularity: Granularity,
}

impl WordDiff {
    /// The words ([`words`]) of the `insert` operations.
    pub fn words_added(&self) -> usize {
        self.words_of(DiffKind::Insert)
    }

    /// The words ([`words`]) of the `delete` operations.
    pub fn words_removed(&self) -> usize {
        self.words_of(DiffKind::Delete)
    }

    fn words_of(&self, kind: DiffKind) -> usize {
        self.ops
            .iter()
            .filter(|op| op.kind == kind)
            .map(|op| words(&op.text, &[]).len())
            .sum()
    }
}

/// The operations that turn `old` into `new`: word by word, unless the texts are too long
/// (see the module documentation).
pub fn diff_words(old: &str, new: &str) -> WordDiff {
    let (stretches, granularity) = match token_bounds_within(old, new, MAX_DIFF_TOKENS, word_bounds) {
        Some((old_bounds, new_bounds)) => (
            diff_tokens(old, &old_bounds, new, &new_bounds),
            Granularity::Words,
        ),
        None => match token_bounds_within(old, new, MAX_DIFF_TOKENS, line_bounds) {
            Some((old_bounds, new_bounds)) => (
                diff_tokens(old, &old_bounds, new, &new_bounds),
                Granularity::Lines,
            ),
            None => (whole_change(old, new), Granularity::Whole),
        },
    };
    let mut diff = WordDiff {
        ops: Vec::new(),
        chars_added: 0,
        chars_removed: 0,
        granularity,
    };
    for stretch in stretches {
        let old_text = old.get(stretch.old.clone()).unwrap_or_default();
        let new_text = new.get(stretch.new.clone()).unwrap_or_default();
        if !stretch.changed {
            diff.ops.push(DiffOp {
                kind: DiffKind::Equal,
                old: stretch.old,
                new: stretch.new,
                text: new_text.to_owned(),
            });
            continue;
        }
        if !old_text.is_empty() {
            diff.chars_removed += old_text.chars().count();
            diff.ops.push(DiffOp {
                kind: DiffKind::Delete,
                old: stretch.old.clone(),
                new: stretch.new.start..stretch.new.start,
                text: old_text.to_owned(),
            });
        }
        if !new_text.is_empty() {
            diff.chars_added += new_text.chars().count();
            diff.ops.push(DiffOp {
                kind: DiffKind::Insert,
                old: stretch.old.end..stretch.old.end,
                new: stretch.new,
                text: new_text.to_owned(),
            });
        }
    }
    diff
}

/// A conventional unified diff of the lines of `old` and `new` (`---`/`+++` headers with the
/// labels, `@@` hunks with three lines of context, `\ No newline at end of file` where it
/// applies); empty when the texts are equal. Line breaks in the labels become spaces. Beyond
/// [`MAX_DIFF_TOKENS`] lines, the lines between the common first and last ones are one change.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    let one_line = |label: &str| label.replace(['\r', '\n'], " ");
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = if old_lines.len() + new_lines.len() <= MAX_DIFF_TOKENS {
        capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines)
    } else {
        whole_line_change(&old_lines, &new_lines)
    };
    let mut output = String::new();
    for (index, hunk) in group_diff_ops(ops, 3).into_iter().enumerate() {
        if index == 0 {
            output.push_str(&format!(
                "--- {}\n+++ {}\n",
                one_line(old_label),
                one_line(new_label)
            ));
        }
        output.push_str(&format!("{}\n", UnifiedHunkHeader::new(&hunk)));
        for op in &hunk {
            let (old_range, new_range) = (op.old_range(), op.new_range());
            let (removed, kept, added) = match op.tag() {
                DiffTag::Equal => (0..0, new_range, 0..0),
                DiffTag::Delete => (old_range, 0..0, 0..0),
                DiffTag::Insert => (0..0, 0..0, new_range),
                DiffTag::Replace => (old_range, 0..0, new_range),
            };
            for (tag, lines) in [
                ('-', &old_lines[removed]),
                (' ', &new_lines[kept]),
                ('+', &new_lines[added]),
            ] {
                for line in lines {
                    output.push(tag);
                    output.push_str(line);
                    if !line.ends_with('\n') {
                        output.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
        }
    }
    output
}

/// The line operations of [`Granularity::Whole`]: the common first and last lines equal, the
/// lines between one replacement.
fn whole_line_change(old: &[&str], new: &[&str]) -> Vec<LineOp> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    let mut ops = Vec::new();
    if prefix > 0 {
        ops.push(LineOp::Equal {
            old_index: 0,
            new_index: 0,
            len: prefix,
        });
    }
    match (old_end - prefix, new_end - prefix) {
        (0, 0) => {}
        (0, new_len) => ops.push(LineOp::Insert {
            old_index: prefix,
            new_index: prefix,
            new_len,
        }),
        (old_len, 0) => ops.push(LineOp::Delete {
            old_index: prefix,
            old_len,
            new_index: prefix,
        }),
        (old_len, new_len) => ops.push(LineOp::Replace {
            old_index: prefix,
            old_len,
            new_index: prefix,
            new_len,
        }),
    }
    if suffix > 0 {
        ops.push(LineOp::Equal {
            old_index: old_end,
            new_index: new_end,
            len: suffix,
        });
    }
    ops
}

/// The operations of `diff` as HTML: for each operation in order, its text HTML-escaped
/// (`&`, `<`, `>`, `"`, `'`), as is for `equal`, within `<del>…</del>` for `delete` and
/// `<ins>…</ins>` for `insert`. Line breaks and other whitespace are kept as they are, for a
/// `<pre>` element or `white-space: pre-wrap`; there is no other markup.
pub fn html(diff: &WordDiff) -> String {
    let mut output = String::new();
    for op in &diff.ops {
        let (open, close) = match op.kind {
            DiffKind::Equal => ("", ""),
            DiffKind::Insert => ("<ins>", "</ins>"),
            DiffKind::Delete => ("<del>", "</del>"),
        };
        output.push_str(open);
        push_escaped(&op.text, &mut output);
        output.push_str(close);
    }
    output
}

/// Whether `old` and `new` differ only in whitespace, punctuation, quote and dash styles,
/// letter case, Unicode form, or within their ignored ranges (page boilerplate): whether their
/// word keys ([`super::words`]) are the same. True for equal texts too.
pub fn is_cosmetic(old: &str, new: &str, old_ignore: &[Range<usize>], new_ignore: &[Range<usize>]) -> bool {
    same_words(&words(old, old_ignore), &words(new, new_ignore))
}

/// Whether two texts' words ([`words`]) have the same keys in the same order: [`is_cosmetic`]
/// for words already cut, so that a text compared with several others is cut once.
pub fn same_words(old: &[Word], new: &[Word]) -> bool {
    old.iter()
        .map(|word| &word.key)
        .eq(new.iter().map(|word| &word.key))
}

/// A stretch of both texts, changed or not, in byte ranges.
struct Stretch {
    changed: bool,
    old: Range<usize>,
    new: Range<usize>,
}

/// Appends `stretch`, merging it into the change before it, and joining two changes
/// separated by nothing but spaces or tabs.
fn push_stretch(old: &str, stretch: Stretch, stretches: &mut Vec<Stretch>) {
    if stretch.changed {
        if let [.., before_blank, blank] = stretches.as_slice() {
            let is_blank = |range: &Range<usize>| {
                old.get(range.clone()).is_some_and(|text| {
                    text.chars()
                        .all(|character| character == ' ' || character == '\t')
                })
            };
            if before_blank.changed && !blank.changed && is_blank(&blank.old) {
                stretches.pop();
            }
        }
        if let Some(previous) = stretches.last_mut().filter(|previous| previous.changed) {
            previous.old.end = stretch.old.end;
            previous.new.end = stretch.new.end;
            return;
        }
    }
    stretches.push(stretch);
}

/// The stretches of a diff of the tokens between consecutive `old_bounds` and `new_bounds`.
fn diff_tokens(old: &str, old_bounds: &[usize], new: &str, new_bounds: &[usize]) -> Vec<Stretch> {
    let old_tokens = tokens(old, old_bounds);
    let new_tokens = tokens(new, new_bounds);
    let byte_range = |bounds: &[usize], tokens: Range<usize>| {
        let start = bounds.get(tokens.start).copied().unwrap_or_default();
        start..bounds.get(tokens.end).copied().unwrap_or(start)
    };
    let mut stretches: Vec<Stretch> = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &old_tokens, &new_tokens) {
        let (tag, old_tokens, new_tokens) = op.as_tag_tuple();
        let stretch = Stretch {
            changed: tag != DiffTag::Equal,
            old: byte_range(old_bounds, old_tokens),
            new: byte_range(new_bounds, new_tokens),
        };
        push_stretch(old, stretch, &mut stretches);
    }
    stretches
}

/// The stretches of [`Granularity::Whole`]: the common first lines, the common last lines,
/// and one change between them, in one pass over the bytes.
fn whole_change(old: &str, new: &str) -> Vec<Stretch> {
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let common = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(a, b)| a == b)
        .count();
    // Back to the start of the line the texts first differ in (both texts whole when equal).
    let prefix = if common == old.len() && common == new.len() {
        common
    } else {
        old_bytes[..common]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |newline| newline + 1)
    };
    let (old_rest, new_rest) = (&old_bytes[prefix..], &new_bytes[prefix..]);
    let common = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    // Forward to the start of a line: the common end is whole lines, unless it is all of the
    // shorter rest and that rest begins a line.
    let tail = &old_rest[old_rest.len() - common..];
    let suffix = if common == old_rest.len().min(new_rest.len()) {
        common
    } else {
        tail.iter()
            .position(|b| *b == b'\n')
            .map_or(0, |newline| common - newline - 1)
    };
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    let mut stretches = Vec::new();
    let mut push = |changed, old: Range<usize>, new: Range<usize>| {
        if !old.is_empty() || !new.is_empty() {
            stretches.push(Stretch { changed, old, new });
        }
    };
    push(false, 0..prefix, 0..prefix);
    push(true, prefix..old_end, prefix..new_end);
    push(false, old_end..old.len(), new_end..new.len());
    stretches
}

/// The token bounds of both texts by `bounds`, when they have at most `limit` tokens together.
fn token_bounds_within(
    old: &str,
    new: &str,
    limit: usize,
    bounds: fn(&str, usize) -> Option<Vec<usize>>,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let old_bounds = bounds(old, limit)?;
    let new_bounds = bounds(new, limit - (old_bounds.len() - 1))?;
    Some((old_bounds, new_bounds))
}

/// The byte offsets where the lines of `text` start, and then its length; `None` beyond
/// `limit` lines.
fn line_bounds(text: &str, limit: usize) -> Option<Vec<usize>> {
    let mut bounds = Vec::new();
    let mut start = 0;
    while start < text.len() {
        if bounds.len() == limit {
            return None;
        }
        bounds.push(start);
        start = text[start..]
            .find('\n')
            .map_or(text.len(), |newline| start + newline + 1);
    }
    bounds.push(text.len());
    Some(bounds)
}

/// The byte offsets where the tokens of `text` start, and then its length; `None` beyond
/// `limit` tokens.
fn word_bounds(text: &str, limit: usize) -> Option<Vec<usize>> {
    #[derive(PartialEq)]
    enum Class {
        Word,
        Space,
        Other,
    }
    let class = |character: char| {
        if is_word_char(character) {
            Class::Word
        } else if character.is_whitespace() {
            Class::Space
        } else {
            Class::Other
        }
    };
    let mut bounds = Vec::new();
    let mut previous = None;
    for (index, character) in text.char_indices() {
        let current = class(character);
        if current == Class::Other || previous.as_ref() != Some(&current) {
            if bounds.len() == limit {
                return None;
            }
            bounds.push(index);
        }
        previous = Some(current);
    }
    bounds.push(text.len());
    Some(bounds)
}

/// The tokens of `text` between consecutive `bounds`.
fn tokens<'a>(text: &'a str, bounds: &[usize]) -> Vec<&'a str> {
    bounds
        .windows(2)
        .map(|pair| text.get(pair[0]..pair[1]).unwrap_or_default())
        .collect()
}

fn push_escaped(text: &str, output: &mut String) {
    for character in text.chars() {
        match character {
            '&' => output.push_str("&amp;"),
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '"' => output.push_str("&quot;"),
            '\'' => output.push_str("&#39;"),
            _ => output.push(character),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::ignore::to_ranges;
    use proptest::prelude::*;
    use DiffKind::{Delete, Equal, Insert};

    #[test]
    fn counts_the_words_added_and_removed() {
        let diff = diff_words(
            "The mayor caved to threats today.",
            "The mayor, under pressure, yielded to threats from the administration.",
        );
        assert_eq!((diff.words_added(), diff.words_removed()), (6, 2));
        let cosmetic = diff_words("It’s done.", "It's  done!");
        assert_eq!(
            (cosmetic.words_added(), cosmetic.words_removed()),
            (0, 0),
            "punctuation only"
        );
        assert_eq!(diff_words("Same", "Same").words_added(), 0);
    }

    /// The operations as `(kind, text)`, for compact expectations.
    fn ops(old: &str, new: &str) -> Vec<(DiffKind, String)> {
        diff_words(old, new)
            .ops
            .into_iter()
            .map(|op| (op.kind, op.text))
            .collect()
    }

    fn op(kind: DiffKind, text: &str) -> (DiffKind, String) {
        (kind, text.to_owned())
    }

    #[test]
    fn diffs_words() {
        assert_eq!(
            ops("The law is clear.", "The law is very clear!"),
            [
                op(Equal, "The law is "),
                op(Insert, "very "),
                op(Equal, "clear"),
                op(Delete, "."),
                op(Insert, "!"),
            ]
        );
        assert_eq!(
            ops("the quick brown fox", "a slow brown fox"),
            [
                op(Delete, "the quick"),
                op(Insert, "a slow"),
                op(Equal, " brown fox")
            ],
            "a space between two changes joins them"
        );
        assert_eq!(
            ops("one\ntwo", "uno\ndos"),
            [
                op(Delete, "one"),
                op(Insert, "uno"),
                op(Equal, "\n"),
                op(Delete, "two"),
                op(Insert, "dos"),
            ],
            "a line break keeps changes apart"
        );
        assert_eq!(ops("same", "same"), [op(Equal, "same")], "equal texts");
        assert_eq!(ops("", ""), [], "both empty");
    }

    #[test]
    fn diffs_from_and_to_nothing() {
        let added = diff_words("", "Né ici");
        assert_eq!(
            added.ops,
            [DiffOp {
                kind: Insert,
                old: 0..0,
                new: 0..7,
                text: "Né ici".to_owned(),
            }]
        );
        assert_eq!(
            (added.chars_added, added.chars_removed),
            (6, 0),
            "chars, not bytes"
        );
        let removed = diff_words("Né ici", "");
        assert_eq!(
            removed.ops,
            [DiffOp {
                kind: Delete,
                old: 0..7,
                new: 0..0,
                text: "Né ici".to_owned(),
            }]
        );
        assert_eq!((removed.chars_added, removed.chars_removed), (0, 6));
    }

    #[test]
    fn ranges_are_bytes_of_multibyte_text() {
        let old = "Café — “oui” 😀 fin";
        let new = "Café – «non» 😀 fin";
        let diff = diff_words(old, new);
        for op in &diff.ops {
            let source = if op.kind == Delete {
                &old[op.old.clone()]
            } else {
                &new[op.new.clone()]
            };
            assert_eq!(source, op.text, "{op:?}");
        }
        assert_eq!(
            ops(old, new),
            [
                op(Equal, "Café "),
                op(Delete, "— “oui”"),
                op(Insert, "– «non»"),
                op(Equal, " 😀 fin"),
            ]
        );
        assert_eq!((diff.chars_added, diff.chars_removed), (7, 7));
    }

    #[test]
    fn serializes_kinds_in_lower_case() {
        let json = serde_json::to_value(diff_words("a", "b")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "ops": [
                    {
                        "kind": "delete",
                        "old": {"start": 0, "end": 1},
                        "new": {"start": 0, "end": 0},
                        "text": "a",
                    },
                    {
                        "kind": "insert",
                        "old": {"start": 1, "end": 1},
                        "new": {"start": 0, "end": 1},
                        "text": "b",
                    },
                ],
                "chars_added": 1,
                "chars_removed": 1,
                "granularity": "words",
            })
        );
    }

    #[test]
    fn writes_a_unified_diff() {
        let old = "MIAMI — The law is clear.\nWe urge others to hold their ground.\n";
        let new = "MIAMI — The law is clear.\nWe urge every city to hold its ground.\n";
        assert_eq!(
            unified(old, new, "v1", "v2\nv3"),
            "--- v1\n+++ v2 v3\n@@ -1,2 +1,2 @@\n MIAMI — The law is clear.\n\
             -We urge others to hold their ground.\n+We urge every city to hold its ground.\n"
        );
        assert_eq!(
            unified("a", "b", "old", "new"),
            "--- old\n+++ new\n@@ -1 +1 @@\n\
             -a\n\\ No newline at end of file\n\
             +b\n\\ No newline at end of file\n"
        );
        assert_eq!(unified(old, old, "v1", "v2"), "", "equal texts");
        assert_eq!(unified("", "", "v1", "v2"), "", "empty texts");
    }

    #[test]
    fn renders_html() {
        let diff = diff_words("Say <b>\"no\"</b> & go", "Say <b>'yes'</b> & go\nnow");
        assert_eq!(
            html(&diff),
            "Say &lt;b&gt;<del>&quot;no&quot;</del><ins>&#39;yes&#39;</ins>&lt;/b&gt; \
             &amp; go<ins>\nnow</ins>"
        );
        assert_eq!(html(&diff_words("", "")), "");
    }

    #[test]
    fn cosmetic_changes_keep_the_words() {
        let release = "“We urge others to hold their ground — the law is on our side.”";
        let cases = [
            (release, release, &[][..], &[][..], true, "equal texts"),
            (
                release,
                "\"We urge others to hold their ground - the law\nis on our side\"",
                &[],
                &[],
                true,
                "quotes, dash, line break, punctuation",
            ),
            (
                release,
                "“WE URGE OTHERS TO HOLD THEIR GROUND — THE LAW IS ON OUR SIDE.”",
                &[],
                &[],
                true,
                "case",
            ),
            (
                release,
                "“We urge others to hold their ground — the law is not on our side.”",
                &[],
                &[],
                false,
                "a word added",
            ),
            (
                "Share this\nThe law is clear.",
                "Donate today\nThe law is clear.",
                &[(0, 10)],
                &[(0, 12)],
                true,
                "boilerplate",
            ),
            (
                "Share this\nThe law is clear.",
                "Donate today\nThe law is clear.",
                &[],
                &[],
                false,
                "boilerplate not ignored",
            ),
            ("", "   \n", &[], &[], true, "only whitespace"),
        ];
        for (old, new, old_ignore, new_ignore, expected, message) in cases {
            assert_eq!(
                is_cosmetic(old, new, &to_ranges(old_ignore), &to_ranges(new_ignore)),
                expected,
                "{message}"
            );
        }
    }

    /// Checks every documented property of the operations of `diff_words(old, new)`.
    fn check_operations(old: &str, new: &str) -> Result<(), TestCaseError> {
        let diff = diff_words(old, new);
        let (mut rebuilt_old, mut rebuilt_new) = (String::new(), String::new());
        let (mut old_end, mut new_end) = (0, 0);
        for (index, op) in diff.ops.iter().enumerate() {
            prop_assert!(
                index == 0 || diff.ops[index - 1].kind != op.kind,
                "adjacent kinds differ"
            );
            prop_assert_eq!((op.old.start, op.new.start), (old_end, new_end), "ranges tile");
            let old_text = old.get(op.old.clone());
            let new_text = new.get(op.new.clone());
            match op.kind {
                Equal => prop_assert!(old_text == Some(&op.text) && new_text == Some(&op.text)),
                Delete => prop_assert!(old_text == Some(&op.text) && op.new.is_empty()),
                Insert => prop_assert!(new_text == Some(&op.text) && op.old.is_empty()),
            }
            prop_assert!(!op.text.is_empty());
            if op.kind != Insert {
                rebuilt_old.push_str(&op.text);
            }
            if op.kind != Delete {
                rebuilt_new.push_str(&op.text);
            }
            (old_end, new_end) = (op.old.end, op.new.end);
        }
        prop_assert_eq!(rebuilt_old, old);
        prop_assert_eq!(rebuilt_new, new);
        let count = |kind| {
            diff.ops
                .iter()
                .filter(|op| op.kind == kind)
                .map(|op| op.text.chars().count())
                .sum::<usize>()
        };
        prop_assert_eq!(
            (diff.chars_added, diff.chars_removed),
            (count(Insert), count(Delete))
        );
        Ok(())
    }

    /// `words` words of `x` and `y` (a fixed pseudo-random sequence), separated by `separator`.
    fn two_words(words: usize, seed: u64, separator: &str) -> String {
        let mut state = seed;
        (0..words)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if state % 2 == 0 {
                    "x"
                } else {
                    "y"
                }
            })
            .collect::<Vec<_>>()
            .join(separator)
    }

    #[test]
    fn a_diff_at_the_bound_fits_a_small_stack() {
        // Two-word text is the worst case for similar's recursion (about 0.6 bytes of stack
        // per token in release): 4 MB of it overflowed the blocking pool's 2 MiB stack.
        let words = MAX_DIFF_TOKENS / 4 - 1; // a word and a space each, two texts
        let (old, new) = (two_words(words, 1, " "), two_words(words, 2, " "));
        let diff = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let diff = diff_words(&old, &new);
                check_operations(&old, &new).map(|()| diff)
            })
            .unwrap()
            .join()
            .expect("no stack overflow")
            .unwrap();
        assert_eq!(diff.granularity, Granularity::Words);
    }

    #[test]
    fn long_texts_are_diffed_by_lines_then_whole() {
        let cases = [
            (
                two_words(60_000, 1, "\n"),
                two_words(60_000, 2, " "),
                Granularity::Lines,
            ),
            (
                two_words(60_000, 1, " "),
                two_words(60_000, 2, " "),
                Granularity::Lines,
            ),
            (
                two_words(60_000, 1, "\n"),
                two_words(60_000, 2, "\n"),
                Granularity::Whole,
            ),
        ];
        for (old, new, granularity) in cases {
            assert_eq!(diff_words(&old, &new).granularity, granularity);
            check_operations(&old, &new).unwrap();
        }
        // Whole: the first and last lines that are the same stay equal.
        let body = |seed| two_words(60_000, seed, "\n");
        let old = format!("MIAMI\nfirst line\n{}\nold\nlast line\n", body(1));
        let new = format!("MIAMI\nfirst line\n{}\nnew\nlast line\n", body(2));
        let diff = diff_words(&old, &new);
        assert_eq!(diff.granularity, Granularity::Whole);
        let kinds: Vec<DiffKind> = diff.ops.iter().map(|op| op.kind).collect();
        assert_eq!(kinds, [Equal, Delete, Insert, Equal]);
        assert_eq!(diff.ops[0].text, "MIAMI\nfirst line\n");
        assert_eq!(diff.ops[3].text, "last line\n");
        check_operations(&old, &new).unwrap();
        let patch = unified(&old, &new, "v1", "v2");
        assert!(
            patch.starts_with("--- v1\n+++ v2\n@@ -1,60004 +1,60004 @@\n MIAMI\n first line\n-"),
            "{}",
            &patch[..60]
        );
        assert!(
            patch.ends_with("\n last line\n"),
            "{}",
            &patch[patch.len() - 40..]
        );
        let whole = diff_words(&old, &old);
        assert_eq!(whole.ops.len(), 1, "equal texts are one equal operation");
        assert_eq!(unified(&old, &old, "v1", "v2"), "");
    }

    proptest! {
        #[test]
        fn whole_changes_keep_every_property(
            old in "((law|is|é|😀)[ \n]{1,2}){0,12}",
            new in "((law|is|é|😀)[ \n]{1,2}){0,12}",
        ) {
            let stretches = whole_change(&old, &new);
            let (mut old_end, mut new_end) = (0, 0);
            for (index, stretch) in stretches.iter().enumerate() {
                prop_assert_eq!((stretch.old.start, stretch.new.start), (old_end, new_end));
                prop_assert!(old.is_char_boundary(stretch.old.end) && new.is_char_boundary(stretch.new.end));
                prop_assert!(index == 0 || stretches[index - 1].changed != stretch.changed);
                if !stretch.changed {
                    prop_assert_eq!(&old[stretch.old.clone()], &new[stretch.new.clone()]);
                }
                (old_end, new_end) = (stretch.old.end, stretch.new.end);
            }
            prop_assert_eq!((old_end, new_end), (old.len(), new.len()));
        }

        #[test]
        fn operations_rebuild_both_texts(old in any::<String>(), new in any::<String>()) {
            check_operations(&old, &new)?;
        }

        #[test]
        fn operations_rebuild_both_edited_texts(
            old in "((law|is|clear|é|😀|the)[ \t\n,.—“”]{1,2}){0,12}",
            new in "((law|is|clear|é|😀|the)[ \t\n,.—“”]{1,2}){0,12}",
        ) {
            check_operations(&old, &new)?;
            prop_assert!(html(&diff_words(&old, &new)).len() >= new.len());
        }
    }
}
