//! The parts of a text left once the ignored byte ranges (page boilerplate) are taken out.

use std::ops::Range;

/// The maximal runs of `text` whose characters lie outside every range of `ignore`, each with
/// its byte offset in `text`, in order. A character is ignored when any of its bytes lies in a
/// range; empty and reversed ranges ignore nothing, and ranges past the end are cut at it.
pub(crate) fn kept_parts<'a>(text: &'a str, ignore: &[Range<usize>]) -> Vec<(usize, &'a str)> {
    // Each range widened to the whole characters it touches: from the start of the character
    // holding its first byte to the end of the one holding its last (cut at the text's end).
    let mut cuts: Vec<(usize, usize)> = ignore
        .iter()
        .filter(|range| range.start < range.end && range.start < text.len())
        .map(|range| {
            let mut start = range.start;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = range.end.min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            (start, end)
        })
        .collect();
    cuts.sort_unstable();
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut kept_from = 0;
    for (start, end) in cuts {
        push_part(text, kept_from..start, &mut parts);
        kept_from = kept_from.max(end);
    }
    push_part(text, kept_from..text.len(), &mut parts);
    parts
}

fn push_part<'a>(text: &'a str, range: Range<usize>, parts: &mut Vec<(usize, &'a str)>) {
    if let Some(part) = text.get(range.clone()).filter(|part| !part.is_empty()) {
        parts.push((range.start, part));
    }
}

/// Ranges from `(start, end)` pairs, which tests write more plainly than ranges.
#[cfg(test)]
pub(crate) fn to_ranges(pairs: &[(usize, usize)]) -> Vec<Range<usize>> {
    pairs.iter().map(|&(start, end)| start..end).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_no_range_touches() {
        let text = "aé b—c";
        // Bytes: a 0, é 1..3, space 3, b 4, — 5..8, c 8.
        let cases = [
            (&[][..], vec![(0, "aé b—c")], "nothing ignored"),
            (&[(4, 5)], vec![(0, "aé "), (5, "—c")], "one char in the middle"),
            (
                &[(2, 3)],
                vec![(0, "a"), (3, " b—c")],
                "a range inside é ignores all of é",
            ),
            (
                &[(6, 6), (7, 3)],
                vec![(0, "aé b—c")],
                "empty and reversed ranges",
            ),
            (&[(8, 100)], vec![(0, "aé b—")], "past the end"),
            (
                &[(4, 6), (0, 2), (5, 5), (1, 4)],
                vec![(8, "c")],
                "unsorted and overlapping",
            ),
            (&[(0, 1), (1, 9)], vec![], "everything"),
        ];
        for (ignore, expected, message) in cases {
            assert_eq!(kept_parts(text, &to_ranges(ignore)), expected, "{message}");
        }
        assert_eq!(kept_parts("", &to_ranges(&[(0, 4)])), vec![], "empty text");
    }
}
