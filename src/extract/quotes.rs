//! Quotations in double quotes, curly or straight, including those that run over several
//! paragraphs (a paragraph that opens a quotation without closing it continues into the next,
//! whether or not that one reopens it).

use std::ops::RangeInclusive;

use super::document::Document;
use super::Span;

/// How many paragraphs one quotation may run over before an unclosed mark is taken for a typo.
const MAX_PARAGRAPHS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// From the opening mark to the closing mark included (to the end of the paragraph when
    /// the mark is never closed).
    pub outer: Span,
    /// The words between the marks.
    pub inner: Span,
    /// The quoted words, one paragraph per paragraph, without the marks that reopen them.
    pub text: String,
    /// Indexes of the first and last paragraphs it covers.
    pub paragraphs: RangeInclusive<usize>,
    pub closed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Opening,
    Closing,
}

/// What a quotation mark at `position` (of `length` bytes) does, from the mark and its
/// neighbours: `“` opens, `”` closes, and a straight `"` opens before a word and closes after one.
fn mark_at(text: &str, position: usize, c: char) -> Option<Mark> {
    let before = text.get(..position).and_then(|head| head.chars().next_back());
    let after = text
        .get(position + c.len_utf8()..)
        .and_then(|tail| tail.chars().next());
    match c {
        '“' | '„' => Some(Mark::Opening),
        '”' => Some(Mark::Closing),
        '"' => {
            let opens_before = before.is_none_or(|b| b.is_whitespace() || "([{—–-/:".contains(b));
            let word_after = after.is_some_and(|a| !a.is_whitespace());
            if opens_before && word_after {
                Some(Mark::Opening)
            } else if before.is_some_and(|b| !b.is_whitespace()) {
                Some(Mark::Closing)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The marks of one paragraph span, in order, with their byte positions.
fn marks_in(text: &str, span: Span) -> Vec<(usize, char, Mark)> {
    let Some(slice) = text.get(span.start..span.end) else {
        return Vec::new();
    };
    slice
        .char_indices()
        .filter(|(_, c)| matches!(c, '“' | '„' | '”' | '"'))
        .filter_map(|(offset, c)| {
            let position = span.start + offset;
            mark_at(text, position, c).map(|mark| (position, c, mark))
        })
        .collect()
}

/// The text between `start` and `end`, its paragraphs' lines joined by spaces, its paragraphs
/// by blank lines, without a mark reopening a paragraph.
fn quoted_text(document: &Document, start: usize, end: usize, paragraphs: RangeInclusive<usize>) -> String {
    let mut pieces = Vec::new();
    for index in paragraphs {
        let Some(paragraph) = document.paragraphs.get(index) else {
            continue;
        };
        let from = paragraph.span.start.max(start);
        let to = paragraph.span.end.min(end);
        let piece = document.text.get(from..to).unwrap_or("");
        let piece = piece.trim().trim_start_matches(['“', '„', '"']);
        let piece: Vec<&str> = piece.split_whitespace().collect();
        if !piece.is_empty() {
            pieces.push(piece.join(" "));
        }
    }
    pieces.join("\n\n")
}

/// Every quotation of the document, in text order.
pub fn find_quotations(document: &Document) -> Vec<Quotation> {
    let text = document.text;
    let marks: Vec<Vec<(usize, char, Mark)>> = document
        .paragraphs
        .iter()
        .map(|paragraph| marks_in(text, paragraph.span))
        .collect();
    let mut quotations = Vec::new();
    let mut paragraph_index = 0;
    let mut resume_at = 0;
    while let Some(paragraph_marks) = marks.get(paragraph_index) {
        let opening = paragraph_marks
            .iter()
            .find(|(position, _, mark)| *position >= resume_at && *mark == Mark::Opening)
            .copied();
        let Some((open, open_char, _)) = opening else {
            paragraph_index += 1;
            continue;
        };
        let inner_start = open + open_char.len_utf8();
        let mut found_close = None;
        'search: for (offset, later_marks) in marks
            .iter()
            .enumerate()
            .skip(paragraph_index)
            .take(MAX_PARAGRAPHS)
        {
            let continuing = offset > paragraph_index;
            let paragraph_start = document
                .paragraphs
                .get(offset)
                .map_or(0, |paragraph| paragraph.span.start);
            for (position, c, mark) in later_marks.iter().filter(|(position, _, _)| *position > open) {
                let reopens_paragraph = continuing && *position == paragraph_start;
                match mark {
                    Mark::Closing if !reopens_paragraph => {
                        found_close = Some((offset, *position, *c));
                        break 'search;
                    }
                    Mark::Opening if continuing && !reopens_paragraph => break 'search,
                    _ => {}
                }
            }
        }
        let paragraph_end = document
            .paragraphs
            .get(paragraph_index)
            .map_or(inner_start, |paragraph| paragraph.span.end);
        let (last_paragraph, inner_end, outer_end, closed) = match found_close {
            Some((last, close, c)) => (last, close, close + c.len_utf8(), true),
            None => (paragraph_index, paragraph_end, paragraph_end, false),
        };
        let paragraphs = paragraph_index..=last_paragraph;
        quotations.push(Quotation {
            outer: Span::new(open, outer_end),
            inner: Span::new(inner_start, inner_end.max(inner_start)),
            text: quoted_text(document, inner_start, inner_end, paragraphs.clone()),
            paragraphs,
            closed,
        });
        paragraph_index = last_paragraph;
        resume_at = outer_end;
    }
    quotations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ContentKind;

    fn quotations(text: &str) -> Vec<(String, bool)> {
        let document = Document::new(text, ContentKind::Plain, &[]);
        find_quotations(&document)
            .into_iter()
            .map(|quotation| (quotation.text, quotation.closed))
            .collect()
    }

    fn owned(expected: &[(&str, bool)]) -> Vec<(String, bool)> {
        expected
            .iter()
            .map(|(text, closed)| ((*text).to_owned(), *closed))
            .collect()
    }

    #[test]
    fn finds_quotations() {
        // The text, each quotation found with whether it closes, and what the case shows.
        type Case<'a> = (&'a str, &'a [(&'a str, bool)], &'a str);
        let cases: &[Case] = &[
            (
                "He said “curly words here.”",
                &[("curly words here.", true)],
                "curly",
            ),
            (
                "He said \"straight words here.\"",
                &[("straight words here.", true)],
                "straight",
            ),
            (
                "“One,” she said. “Two.”",
                &[("One,", true), ("Two.", true)],
                "two in a paragraph",
            ),
            (
                "“First paragraph.\n\n“Second paragraph.”",
                &[("First paragraph.\n\nSecond paragraph.", true)],
                "reopened paragraph continues the quotation",
            ),
            (
                "“First paragraph.\n\nSecond paragraph.\n\nThird.”",
                &[("First paragraph.\n\nSecond paragraph.\n\nThird.", true)],
                "unmarked paragraphs continue the quotation",
            ),
            (
                "“Never closed.\n\nThen “a new one” here.",
                &[("Never closed.", false), ("a new one", true)],
                "a new mark mid-paragraph ends an unclosed one",
            ),
            (
                "the “sanctuary jurisdiction\" label",
                &[("sanctuary jurisdiction", true)],
                "mixed marks",
            ),
            ("a 12\" ruler and a 6\" one", &[], "inch marks"),
            ("no quotes at all", &[], "none"),
            ("“", &[("", false)], "a lone mark"),
        ];
        for (text, expected, message) in cases {
            assert_eq!(quotations(text), owned(expected), "{message}: {text:?}");
        }
    }

    #[test]
    fn spans_cover_the_marks_and_the_words() {
        let text = "Intro\n\n“Quoted.” Rest";
        let document = Document::new(text, ContentKind::Plain, &[]);
        let found = find_quotations(&document);
        let spans: Vec<(&str, &str)> = found
            .iter()
            .map(|quotation| (document.slice(quotation.outer), document.slice(quotation.inner)))
            .collect();
        assert_eq!(spans, vec![("“Quoted.”", "Quoted.")]);
    }
}
