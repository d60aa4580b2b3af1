//! The dateline that opens a statement's first paragraph (`MIAMI—`, `WASHINGTON —`,
//! `NEW YORK –`, `BOSTON -`, `WASHINGTON, D.C., June 14, 2023 —`): the place, whatever the
//! dash, and the date when the dateline carries one.

use super::dates::{parse_date_at, DateExpression};
use super::tokens::{Token, TokenKind};
use super::{Dateline, Span};

const DASHES: [char; 6] = ['—', '–', '-', '―', '−', '‒'];

/// Capitalized openings that are labels, not places.
const NOT_PLACES: [&str; 10] = [
    "update",
    "updated",
    "breaking",
    "note",
    "correction",
    "photos",
    "video",
    "watch",
    "live",
    "editor's",
];

#[derive(Debug, Clone, PartialEq)]
pub struct FoundDateline {
    pub dateline: Dateline,
    pub date: Option<DateExpression>,
}

/// A dash token at `index`, and the index after it (`--` counts as one dash).
fn dash_at(tokens: &[Token], index: usize) -> Option<usize> {
    let token = tokens.get(index)?;
    if token.kind != TokenKind::Punct || !DASHES.iter().any(|dash| token.is_punct(*dash)) {
        return None;
    }
    let next = index + 1;
    if token.is_punct('-') {
        if tokens
            .get(next)
            .is_some_and(|after| after.is_punct('-') && !after.space_before)
        {
            return Some(next + 1);
        }
        let spaced = token.space_before || tokens.get(next).is_some_and(|after| after.space_before);
        return spaced.then_some(next);
    }
    Some(next)
}

/// Upper-case words (and their abbreviation dots) from `index`: `NEW YORK`, `ST. LOUIS`.
fn upper_case_place(tokens: &[Token], mut index: usize) -> usize {
    let mut words = 0;
    while let Some(token) = tokens.get(index) {
        let upper_word = token.is_word() && !token.text.chars().any(char::is_lowercase);
        let abbreviation_dot = token.is_punct('.') && !token.space_before && words > 0;
        if !(upper_word || abbreviation_dot) || words > 5 {
            break;
        }
        words += usize::from(upper_word);
        index += 1;
    }
    index
}

/// After a comma: a state or country (`D.C.`, `Fla.`, `CA`, `N.Y.`), at most three words.
fn qualifier(tokens: &[Token], mut index: usize) -> usize {
    let start = index;
    while let Some(token) = tokens.get(index) {
        let fits = token.is_capitalized() || token.is_punct('.') && !token.space_before && index > start;
        if !fits || index - start >= 5 {
            break;
        }
        index += 1;
    }
    index
}

/// Whether the emphasis mark at `index` closes before a dash (`**MIAMI** —`).
fn index_is_before_dash(tokens: &[Token], index: usize) -> bool {
    let next = tokens
        .iter()
        .skip(index)
        .find(|token| !(token.is_punct('*') || token.is_punct('_')));
    next.is_some_and(|token| DASHES.iter().any(|dash| token.is_punct(*dash)))
}

/// The dateline opening a line of `text` given by its tokens, if any.
pub fn find_dateline(text: &str, tokens: &[Token]) -> Option<FoundDateline> {
    // `**MIAMI** —`: markdown emphasis around the place.
    let is_emphasis = |token: &Token| token.is_punct('*') || token.is_punct('_');
    let emphasis = tokens.iter().take_while(|token| is_emphasis(token)).count();
    let plain: Vec<Token> = tokens
        .iter()
        .enumerate()
        .filter(|(index, token)| {
            !(is_emphasis(token) && (*index < emphasis || index_is_before_dash(tokens, *index)))
        })
        .map(|(_, token)| *token)
        .collect();
    let tokens = if emphasis > 0 { plain.as_slice() } else { tokens };
    let first = tokens.first()?;
    let upper_end = upper_case_place(tokens, 0);
    let upper_letters: usize = tokens
        .get(..upper_end)?
        .iter()
        .map(|token| token.text.chars().filter(|c| c.is_alphabetic()).count())
        .sum();
    let (mut index, needs_qualifier) = if upper_letters >= 2 {
        (upper_end, false)
    } else {
        // A title-case place (`Washington, D.C. —`) only counts with its state.
        let words = tokens.iter().take_while(|token| token.is_capitalized()).count();
        ((1..=3).contains(&words).then_some(words)?, true)
    };
    let place_text = text.get(first.span.start..tokens.get(index.checked_sub(1)?)?.span.end)?;
    if NOT_PLACES.contains(&place_text.to_lowercase().as_str()) {
        return None;
    }
    let mut place_end = tokens.get(index.checked_sub(1)?)?.span.end;
    let mut date = None;
    let mut qualified = false;
    while tokens.get(index).is_some_and(|token| token.is_punct(',')) {
        if let Some((expression, next)) = parse_date_at(tokens, index + 1) {
            date = Some(expression);
            index = next;
        } else {
            let next = qualifier(tokens, index + 1);
            if next == index + 1 || date.is_some() {
                return None;
            }
            place_end = tokens.get(next - 1)?.span.end;
            qualified = true;
            index = next;
        }
    }
    if needs_qualifier && !qualified {
        return None;
    }
    if tokens.get(index).is_some_and(|token| token.is_punct('(')) {
        if let Some((expression, next)) = parse_date_at(tokens, index + 1) {
            if tokens.get(next).is_some_and(|token| token.is_punct(')')) {
                date.get_or_insert(expression);
            }
        }
        let close = tokens.iter().skip(index).position(|token| token.is_punct(')'))?;
        index += close + 1;
    }
    index = dash_at(tokens, index)?;
    if date.is_none() {
        if let Some((expression, next)) = parse_date_at(tokens, index) {
            if let Some(after_dash) = dash_at(tokens, next) {
                date = Some(expression);
                index = after_dash;
            }
        }
    }
    if tokens.len().saturating_sub(index) < 3 {
        return None;
    }
    let span = Span::new(first.span.start, place_end);
    let place = text.get(span.start..span.end)?.trim_end_matches(',').to_owned();
    Some(FoundDateline {
        dateline: Dateline {
            place,
            span,
            confidence: if needs_qualifier { 0.7 } else { 0.9 },
        },
        date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::tokenize;

    #[test]
    fn reads_the_place_whatever_the_dash() {
        let cases: &[(&str, Option<&str>, Option<&str>, &str)] = &[
            (
                "MIAMI— Attorney General Jeff Sessions will visit",
                Some("MIAMI"),
                None,
                "em dash, no space",
            ),
            (
                "WASHINGTON — The Department of Justice today",
                Some("WASHINGTON"),
                None,
                "spaced em dash",
            ),
            (
                "NEW YORK – The city said today that",
                Some("NEW YORK"),
                None,
                "en dash, two words",
            ),
            (
                "BOSTON - The state said today that",
                Some("BOSTON"),
                None,
                "hyphen with spaces",
            ),
            (
                "ST. LOUIS -- Officials said on Monday",
                Some("ST. LOUIS"),
                None,
                "double hyphen, abbreviation",
            ),
            (
                "WASHINGTON, D.C. — The ACLU filed a lawsuit",
                Some("WASHINGTON, D.C."),
                None,
                "with its district",
            ),
            (
                "Washington, DC — The ACLU filed a lawsuit",
                Some("Washington, DC"),
                None,
                "title case with its state",
            ),
            (
                "NEW YORK, June 14, 2023 — The ACLU said",
                Some("NEW YORK"),
                Some("2023-06-14"),
                "date in the dateline",
            ),
            (
                "MIAMI — June 14, 2023 — The ACLU said today",
                Some("MIAMI"),
                Some("2023-06-14"),
                "date after the dash",
            ),
            (
                "WASHINGTON (AP) — The Senate voted on",
                Some("WASHINGTON"),
                None,
                "agency in parentheses",
            ),
            (
                "RALEIGH (January 5, 2021) – The court struck down",
                Some("RALEIGH"),
                Some("2021-01-05"),
                "date in parentheses",
            ),
            (
                "Today — the city council voted to",
                None,
                None,
                "a title-case word without state",
            ),
            ("MIAMI-DADE is a county", None, None, "no dash after the place"),
            (
                "UPDATE — the hearing was moved to",
                None,
                None,
                "a label, not a place",
            ),
            ("The ACLU — a nonprofit — said", None, None, "prose"),
            ("MIAMI —", None, None, "nothing after the dash"),
            (
                "**MIAMI** — The county said on Monday",
                Some("MIAMI"),
                None,
                "markdown emphasis",
            ),
        ];
        for (line, place, date, message) in cases {
            let found = find_dateline(line, &tokenize(line, 0));
            assert_eq!(
                found.as_ref().map(|found| found.dateline.place.as_str()),
                *place,
                "{message}: {line}"
            );
            let found_date = found
                .and_then(|found| found.date)
                .map(|date| date.date.format("%Y-%m-%d").to_string());
            assert_eq!(found_date.as_deref(), *date, "{message}: {line}");
        }
    }
}
