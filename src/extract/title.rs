//! The statement's headline: its first level-one heading when the markup has one, else the
//! first short line above the body that is not a date, a label, a byline or a contact.

use super::dates::dates_in;
use super::document::Document;
use super::links::{find_emails, has_phone};
use super::tokens::tokenize;
use super::{Span, Title};

/// Lines that label the kind of page rather than title it.
const LABELS: [&str; 9] = [
    "for immediate release",
    "press release",
    "news release",
    "statement",
    "press statement",
    "media statement",
    "news",
    "update",
    "breaking news",
];

/// Labels before an e-mail's subject line.
const SUBJECT_LABELS: [&str; 2] = ["subject:", "subj:"];

const MIN_WORDS: usize = 3;
const MAX_WORDS: usize = 35;
const MAX_CHARS: usize = 250;

/// A line that could be a headline.
fn is_headline_like(content: &str) -> bool {
    let words = content.split_whitespace().count();
    let folded = content.to_lowercase();
    let tokens = tokenize(content, 0);
    let mostly_date = dates_in(&tokens)
        .iter()
        .any(|(_, range)| range.len() * 2 >= tokens.len());
    (MIN_WORDS..=MAX_WORDS).contains(&words)
        && content.chars().count() <= MAX_CHARS
        && !content.ends_with([':', ',', ';'])
        && !folded.starts_with("by ")
        && !LABELS.contains(&folded.trim_end_matches([':', '.']))
        && !mostly_date
        && !has_phone(content)
        && find_emails(content, 0).is_empty()
        && !content.contains("://")
}

/// The headline, looking at paragraphs before `body_start` only, and at the spans `usable` allows.
pub fn find_title(document: &Document, usable: &dyn Fn(Span) -> bool, body_start: usize) -> Option<Title> {
    let heading = document.lines.iter().find(|line| {
        line.heading_level == Some(1) && usable(line.content) && !document.content(line).trim().is_empty()
    });
    if let Some(line) = heading {
        return Some(Title {
            text: document.content(line).trim().to_owned(),
            span: line.content,
            confidence: 0.9,
        });
    }
    document
        .paragraphs
        .iter()
        .take(body_start)
        .enumerate()
        .find_map(|(index, paragraph)| {
            let [line] = document.lines_of(paragraph) else {
                return None;
            };
            let content = document.content(line);
            // An e-mail's subject line is its headline.
            let subject = SUBJECT_LABELS.iter().find_map(|label| {
                let start = content
                    .get(..label.len())
                    .filter(|start| start.eq_ignore_ascii_case(label))?;
                Some(content.get(start.len()..)?.trim_start())
            });
            let headline = subject.unwrap_or(content);
            let span = Span::new(line.content.end - headline.len(), line.content.end);
            (usable(line.content) && is_headline_like(headline)).then(|| Title {
                text: headline.to_owned(),
                span,
                confidence: if index == 0 { 0.85 } else { 0.7 },
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ContentKind;

    #[test]
    fn takes_the_first_short_line_above_the_body() {
        let cases: &[(&str, ContentKind, usize, Option<&str>, &str)] = &[
            (
                "ACLU Comment on Threats to Jurisdictions\n\nJanuary 24, 2018\n\nBody.",
                ContentKind::Plain,
                2,
                Some("ACLU Comment on Threats to Jurisdictions"),
                "first line",
            ),
            (
                "FOR IMMEDIATE RELEASE\n\nCourt Blocks the Law\n\nBody.",
                ContentKind::Plain,
                2,
                Some("Court Blocks the Law"),
                "label skipped",
            ),
            (
                "August 16, 2017\n\nBody.",
                ContentKind::Plain,
                1,
                None,
                "a date is no title",
            ),
            (
                "By Jane Doe\n\nBody.",
                ContentKind::Plain,
                1,
                None,
                "a byline is no title",
            ),
            (
                "Site Name\n\n# The Real Headline Here\n\nBody.",
                ContentKind::Markdown,
                2,
                Some("The Real Headline Here"),
                "markdown heading",
            ),
            (
                "Body text.",
                ContentKind::Plain,
                0,
                None,
                "no line above the body",
            ),
            (
                "Subject: We did it!\n\nBody.",
                ContentKind::Plain,
                1,
                Some("We did it!"),
                "e-mail subject line",
            ),
        ];
        for (text, kind, body_start, expected, message) in cases {
            let document = Document::new(text, *kind, &[]);
            let title = find_title(&document, &|_| true, *body_start);
            assert_eq!(title.map(|title| title.text).as_deref(), *expected, "{message}");
        }
    }
}
