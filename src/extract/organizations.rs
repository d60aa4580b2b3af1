//! Organizations a statement mentions: runs of capitalized words that end with an
//! organization word (`American Civil Liberties Union`, `Justice Department`), start with one
//! (`Department of Justice`), or extend an acronym (`ACLU of Florida`), and acronyms used as
//! names (`CNN`, `the ACLU`, `ACLU’s`).

use std::collections::HashMap;

use super::lexicon::{is_organization_word, is_title_word};
use super::tokens::{Token, TokenKind};
use super::{Organization, Span};

/// Words that join the parts of an organization's name.
const CONNECTORS: [&str; 5] = ["of", "and", "for", "the", "&"];

/// Capitalized words that open sentences rather than names.
const OPENERS: [&str; 24] = [
    "the", "a", "an", "this", "that", "these", "our", "their", "his", "her", "its", "my", "your", "in", "on",
    "at", "for", "by", "with", "as", "but", "and", "after", "under",
];

/// Organization words that name a single institution on their own.
const SINGLE_WORD_INSTITUTIONS: [&str; 2] = ["senate", "congress"];

/// Endings that name an office of an organization, not another organization.
const OFFICE_ENDINGS: [[&str; 2]; 5] = [
    ["media", "office"],
    ["press", "office"],
    ["communications", "office"],
    ["media", "relations"],
    ["news", "desk"],
];

/// Capital-letter words that are not organizations.
const NOT_ACRONYMS: [&str; 44] = [
    "US", "USA", "AM", "PM", "EDT", "EST", "CDT", "CST", "MDT", "MST", "PDT", "PST", "UTC", "GMT", "TV",
    "OK", "ID", "FAQ", "PDF", "URL", "CEO", "NO", "YES", "NOT", "YOU", "AND", "THE", "FOR", "NOW", "ALL",
    "ACT", "STOP", "RSVP", "DC", "AG", "PT", "ET", "II", "III", "IV", "LGBT", "LGBTQ", "COVID", "DACA",
];

fn is_acronym(token: &Token) -> bool {
    let letters = token.text.chars().filter(|c| c.is_alphabetic()).count();
    token.is_all_caps()
        && (3..=6).contains(&letters)
        && !token.text.contains('.')
        && !NOT_ACRONYMS.contains(&token.text)
}

/// `ACLU’s` → `ACLU`.
fn without_possessive(text: &str) -> &str {
    text.strip_suffix("’s")
        .or_else(|| text.strip_suffix("'s"))
        .unwrap_or(text)
}

fn is_connector(token: &Token) -> bool {
    CONNECTORS.contains(&token.folded().as_str())
}

/// Runs of capitalized words joined by connectors, as token ranges.
fn capitalized_runs(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        if !tokens.get(index).is_some_and(Token::is_capitalized) {
            index += 1;
            continue;
        }
        let start = index;
        let mut end = index + 1;
        loop {
            let next = tokens.get(end);
            if next.is_some_and(Token::is_capitalized) {
                end += 1;
            } else if next.is_some_and(|token| is_connector(token) || token.is_punct('&'))
                && tokens.get(end + 1).is_some_and(Token::is_capitalized)
            {
                end += 2;
            } else if next.is_some_and(is_connector)
                && tokens.get(end + 1).is_some_and(|token| token.folded() == "the")
                && tokens.get(end + 2).is_some_and(Token::is_capitalized)
            {
                end += 3;
            } else {
                break;
            }
        }
        runs.push(start..end);
        index = end;
    }
    runs
}

/// The organization a run of capitalized words names, with its confidence.
fn organization_in(text: &str, run: &[Token]) -> Option<(Span, f64)> {
    let mut run = run;
    while run
        .first()
        .is_some_and(|first| OPENERS.contains(&first.folded().as_str()))
    {
        run = run.get(1..)?;
    }
    let has_organization_word = run.iter().any(|token| is_organization_word(&token.folded()));
    let acronym_of_place = run.len() >= 3
        && run.first().is_some_and(is_acronym)
        && run
            .get(1)
            .is_some_and(|second| matches!(second.folded().as_str(), "of" | "for"));
    if !has_organization_word && !acronym_of_place {
        return None;
    }
    let is_title = |token: &Token| is_title_word(&token.folded());
    let title_before_name = (0..run.len()).find(|start| {
        let after_titles = run
            .iter()
            .skip(*start)
            .position(|token| !is_title(token))
            .map(|offset| start + offset);
        run.get(*start).is_some_and(is_title)
            && after_titles.and_then(|next| run.get(next)).is_some_and(|next| {
                next.is_capitalized() && !is_organization_word(&next.folded()) && !is_connector(next)
            })
    });
    match title_before_name {
        Some(0) => return None,
        Some(title) => run = run.get(..title)?,
        None => {}
    }
    while run
        .last()
        .is_some_and(|last| is_connector(last) || last.kind == TokenKind::Punct)
    {
        run = run.get(..run.len() - 1)?;
    }
    let span_of = |tokens: &[Token]| Some(Span::new(tokens.first()?.span.start, tokens.last()?.span.end));
    let ends_with_office = run.len() >= 2
        && run.get(run.len() - 2..).is_some_and(|ending| {
            OFFICE_ENDINGS.iter().any(|office| {
                ending
                    .iter()
                    .zip(office)
                    .all(|(token, word)| token.folded() == *word)
            })
        });
    if ends_with_office {
        run = run.get(..run.len().checked_sub(2).filter(|kept| *kept > 0)?)?;
    }
    // `U.S. District Court for the Eastern District`: the name goes on after its organization
    // word only through `of` or `for`.
    let mut continued_name = false;
    if let Some(last_word) = run
        .iter()
        .rposition(|token| is_organization_word(&token.folded()))
    {
        let continues = run
            .get(last_word + 1)
            .is_some_and(|next| matches!(next.folded().as_str(), "of" | "for"));
        continued_name = continues && last_word > 0;
        if last_word > 0 && !continues {
            run = run.get(..=last_word)?;
        }
    }
    let first = run.first()?;
    let last = run.last()?;
    let last_word = Token {
        text: without_possessive(last.text),
        ..*last
    }
    .folded();
    let joined_by_of = run
        .get(1)
        .is_some_and(|second| matches!(second.folded().as_str(), "of" | "for"));
    let ends_with_organization_word = run.len() >= 2 && is_organization_word(&last_word);
    let starts_with_organization_word =
        run.len() >= 3 && joined_by_of && is_organization_word(&first.folded());
    let confidence = if ends_with_organization_word || starts_with_organization_word || continued_name {
        0.75
    } else if run.len() >= 3 && joined_by_of && is_acronym(first) {
        0.8
    } else if run.len() == 1 && SINGLE_WORD_INSTITUTIONS.contains(&last_word.as_str()) {
        0.6
    } else {
        return None;
    };
    let span = span_of(run)?;
    let text_end = span.start + without_possessive(text.get(span.start..span.end)?).len();
    Some((Span::new(span.start, text_end), confidence))
}

/// Every organization in the given tokenized lines of `text` (each with whether only acronyms
/// count there, as in headlines), deduplicated, in order of first mention; `every_token` of
/// the text tells which acronyms are repeated.
pub fn find_organizations<'t, 'a: 't>(
    text: &str,
    every_token: impl Iterator<Item = &'t Token<'a>>,
    lines: &[(&[Token], bool)],
) -> Vec<Organization> {
    let mut acronym_counts: HashMap<&str, usize> = HashMap::new();
    for token in every_token {
        let bare = without_possessive(token.text);
        if is_acronym(&Token { text: bare, ..*token }) {
            *acronym_counts.entry(bare).or_default() += 1;
        }
    }
    let mut found: Vec<Organization> = Vec::new();
    let mut push = |span: Span, confidence: f64| {
        let Some(name) = text.get(span.start..span.end) else {
            return;
        };
        if !found.iter().any(|known| known.name.eq_ignore_ascii_case(name)) {
            found.push(Organization {
                name: name.to_owned(),
                span,
                confidence,
            });
        }
    };
    for (tokens, acronyms_only) in lines {
        let shouting = tokens.iter().filter(|token| token.is_all_caps()).count() * 2 > tokens.len().max(1);
        for run in capitalized_runs(tokens) {
            let run_tokens = tokens.get(run.clone()).unwrap_or(&[]);
            if !acronyms_only {
                if let Some((span, confidence)) = organization_in(text, run_tokens) {
                    push(span, confidence);
                    continue;
                }
            }
            if shouting {
                continue;
            }
            for (offset, token) in run_tokens.iter().enumerate() {
                let bare = without_possessive(token.text);
                let bare_token = Token { text: bare, ..*token };
                if !is_acronym(&bare_token) {
                    continue;
                }
                let position = run.start + offset;
                let previous = position.checked_sub(1).and_then(|before| tokens.get(before));
                let in_parentheses = previous.is_some_and(|before| before.is_punct('('));
                let after_the = previous.is_some_and(|before| before.folded() == "the");
                let possessive = bare.len() < token.text.len();
                let repeated = acronym_counts.get(bare).is_some_and(|count| *count >= 2);
                if !in_parentheses && (after_the || possessive || repeated) {
                    push(Span::new(token.span.start, token.span.start + bare.len()), 0.6);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::tokenize;

    fn names(text: &str) -> Vec<String> {
        let lines: Vec<Vec<Token>> = text
            .split('\n')
            .scan(0, |start, line| {
                let tokens = tokenize(line, *start);
                *start += line.len() + 1;
                Some(tokens)
            })
            .collect();
        let marked: Vec<(&[Token], bool)> = lines.iter().map(|tokens| (tokens.as_slice(), false)).collect();
        find_organizations(text, lines.iter().flatten(), &marked)
            .into_iter()
            .map(|organization| organization.name)
            .collect()
    }

    #[test]
    fn headlines_give_their_acronyms_only() {
        let text = "ACLU Comment on Department of Justice Threats to Jurisdictions\nThe ACLU said.";
        let tokens = tokenize(text, 0);
        let headline = tokens.iter().position(|token| token.text == "The").unwrap_or(0);
        let lines = [(&tokens[..headline], true)];
        let found: Vec<String> = find_organizations(text, tokens.iter(), &lines)
            .into_iter()
            .map(|found| found.name)
            .collect();
        assert_eq!(found, vec!["ACLU".to_owned()]);
    }

    #[test]
    fn finds_organizations() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "Lorella Praeli, American Civil Liberties Union director, spoke.",
                &["American Civil Liberties Union"],
                "ending with an organization word",
            ),
            (
                "The Department of Justice today issued letters.",
                &["Department of Justice"],
                "starting with one",
            ),
            (
                "Amien Kacou, ACLU of Florida staff attorney said:",
                &["ACLU of Florida"],
                "acronym of a place",
            ),
            (
                "ACLU of Florida Media Office,, (786) 363-2737",
                &["ACLU of Florida"],
                "an office is its organization",
            ),
            ("Press Office — (214) 744-3100", &[], "an office of no one"),
            (
                "alongside U.S. Immigration and Customs Enforcement Acting Director Tom Homan",
                &["U.S. Immigration and Customs Enforcement"],
                "cut before a title",
            ),
            (
                "the Miami Herald reported, and the Justice Department",
                &["Miami Herald", "Justice Department"],
                "two",
            ),
            ("CNN reported it.\n(Credit: CNN)", &["CNN"], "a repeated acronym"),
            (
                "We call on the ACLU and ACLU’s allies",
                &["ACLU"],
                "acronym after the, deduplicated",
            ),
            (
                "choosing to IGNORE a resolution",
                &[],
                "shouting is not an acronym",
            ),
            (
                "Attorney General Jeff Sessions spoke",
                &[],
                "a person is not an organization",
            ),
            (
                "Miami-Dade County and the City of Miami",
                &[],
                "places are not organizations",
            ),
            (
                "The bill was sent to the Senate in July.",
                &["Senate"],
                "a single-word institution",
            ),
            (
                "filed in the U.S. District Court for the Eastern District of North Carolina.",
                &["U.S. District Court for the Eastern District of North Carolina"],
                "a name that goes on after for",
            ),
            (
                "the Herald Tribune Editorial Board Meeting notes",
                &["Herald Tribune Editorial Board"],
                "cut after the last organization word",
            ),
        ];
        for (text, expected, message) in cases {
            assert_eq!(names(text), *expected, "{message}: {text}");
        }
    }
}
