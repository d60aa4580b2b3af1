//! People and organizations in short phrases: a person's name with the title before it
//! (`Attorney General Jeff Sessions`), the role and affiliation around it (`ACLU of Florida
//! staff attorney`, `director of … at the American Civil Liberties Union`), and whether a
//! fragment of a contact line is a person, an office or a role.

use std::ops::Range;

use super::lexicon::{is_not_name, is_organization_word, is_title_word};
use super::tokens::{Token, TokenKind};
use super::Span;

/// Lower-case words that may sit inside a name (`Ana de la Cruz`).
const NAME_PARTICLES: [&str; 9] = ["de", "la", "van", "von", "da", "del", "der", "bin", "di"];

/// Lower-case words that may sit inside an organization's name.
const CONNECTORS: [&str; 6] = ["of", "and", "the", "&", "for", "on"];

/// Words that open a relative clause after a name (`Jane Doe, who…`): no role there.
const RELATIVES: [&str; 5] = ["who", "which", "whose", "that", "where"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMention {
    pub name: String,
    pub span: Span,
    pub role: Option<String>,
    pub affiliation: Option<String>,
}

/// Who a phrase names as the speaker of a quotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpeakerReference {
    Person(PersonMention),
    /// A lone capitalized word (`Sessions said`): a surname to resolve.
    Surname {
        surname: String,
        span: Span,
    },
    /// `the attorney general said`: a role to resolve, lower case.
    Role(String),
    /// `he said`.
    Pronoun,
}

/// The text from the first to the last token, trimmed of edge punctuation and a possessive.
pub fn phrase(text: &str, tokens: &[Token]) -> Option<String> {
    let first = tokens.iter().position(|token| token.kind != TokenKind::Punct)?;
    let last = tokens.iter().rposition(|token| token.kind != TokenKind::Punct)?;
    let start = tokens.get(first)?.span.start;
    let end = tokens.get(last)?.span.end;
    let raw = text.get(start..end)?.trim();
    let trimmed = raw
        .strip_suffix("’s")
        .or_else(|| raw.strip_suffix("'s"))
        .unwrap_or(raw);
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn is_initial(token: &Token) -> bool {
    let mut chars = token.text.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(letter), Some('.'), None) if letter.is_uppercase())
}

fn is_acronym(token: &Token) -> bool {
    token.is_all_caps() && !is_initial(token)
}

/// A word that can be part of a person's name: capitalized, not an acronym, not a title, an
/// organization word or a word that never names anyone.
fn is_name_word(token: &Token) -> bool {
    if is_initial(token) {
        return true;
    }
    let folded = token.folded();
    token.is_capitalized()
        && !is_acronym(token)
        && !is_title_word(&folded)
        && !is_organization_word(&folded)
        && !is_not_name(&folded)
        && token
            .text
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
}

/// `de` in `Ana de la Cruz`: a particle followed, maybe after another one, by a name.
fn is_particle_before_name(tokens: &[Token], index: usize) -> bool {
    let is_particle = |at: usize| {
        tokens
            .get(at)
            .is_some_and(|token| NAME_PARTICLES.contains(&token.text))
    };
    let is_capitalized = |at: usize| tokens.get(at).is_some_and(Token::is_capitalized);
    is_particle(index) && (is_capitalized(index + 1) || is_particle(index + 1) && is_capitalized(index + 2))
}

/// The person named in one comma-free segment: the range of the name, and of the capitalized
/// title and organization words right before it (`ACLU Executive Director`).
pub fn person_in_segment(tokens: &[Token]) -> Option<(Range<usize>, Range<usize>)> {
    let mut index = 0;
    while index < tokens.len() {
        let run_start = index;
        while tokens.get(index).is_some_and(|token| {
            token.is_capitalized()
                || is_initial(token)
                || index > run_start && is_particle_before_name(tokens, index)
        }) {
            index += 1;
        }
        if index > run_start {
            let run = tokens.get(run_start..index).unwrap_or(&[]);
            let name_start = run
                .iter()
                .rposition(|token| {
                    let folded = token.folded();
                    is_title_word(&folded) || is_organization_word(&folded) || is_acronym(token)
                })
                .map_or(0, |last| last + 1);
            let name = run.get(name_start..).unwrap_or(&[]);
            let valid = (2..=4).contains(&name.len())
                && name
                    .first()
                    .is_some_and(|first| is_name_word(first) && !is_initial(first))
                && name
                    .last()
                    .is_some_and(|last| is_name_word(last) && !is_initial(last))
                && name
                    .iter()
                    .all(|token| is_name_word(token) || NAME_PARTICLES.contains(&token.text));
            if valid {
                let name = run_start + name_start..index;
                // `City spokesman Mike Ross`: a title in lower case before the name.
                let titled = |at: usize| tokens.get(at).is_some_and(|token| is_title_word(&token.folded()));
                let mut prefix_start = run_start;
                if name_start == 0 && prefix_start > 0 && titled(prefix_start - 1) {
                    while prefix_start > 0
                        && (titled(prefix_start - 1)
                            || tokens.get(prefix_start - 1).is_some_and(Token::is_capitalized))
                    {
                        prefix_start -= 1;
                    }
                }
                return Some((name, prefix_start..run_start + name_start));
            }
        }
        index = index.max(run_start + 1);
    }
    None
}

/// Splits a role phrase into the role and the organization it names: `ACLU of Florida staff
/// attorney`, `director of immigration policy at the American Civil Liberties Union`,
/// `Executive Director of the ACLU`, `Attorney General`.
pub fn role_and_affiliation(text: &str, tokens: &[Token]) -> (Option<String>, Option<String>) {
    let mut tokens = tokens;
    while let Some((first, rest)) = tokens.split_first() {
        if first.kind == TokenKind::Punct || matches!(first.folded().as_str(), "the" | "a" | "an" | "and") {
            tokens = rest;
        } else {
            break;
        }
    }
    if tokens.is_empty()
        || tokens
            .first()
            .is_some_and(|first| RELATIVES.contains(&first.folded().as_str()))
    {
        return (None, None);
    }
    // `the ACLU’s legal director`, `the group's medical director`.
    if let Some((owner, role)) = tokens.split_first().filter(|(first, rest)| {
        first.is_word() && (first.text.ends_with("'s") || first.text.ends_with("’s")) && !rest.is_empty()
    }) {
        let organization = owner
            .is_capitalized()
            .then(|| phrase(text, std::slice::from_ref(owner)))
            .flatten();
        return (phrase(text, role), organization);
    }
    let starts_organization = |index: usize| {
        let mut next = index + 1;
        if tokens.get(next).is_some_and(|token| token.folded() == "the") {
            next += 1;
        }
        tokens
            .get(next)
            .is_some_and(Token::is_capitalized)
            .then_some(next)
    };
    for preposition in ["at", "with", "for"] {
        let split = tokens.iter().enumerate().find_map(|(index, token)| {
            (token.is_word() && token.text == preposition)
                .then(|| starts_organization(index).map(|after| (index, after)))?
        });
        if let Some((index, after)) = split {
            return (
                phrase(text, tokens.get(..index).unwrap_or(&[])),
                phrase(text, tokens.get(after..).unwrap_or(&[])),
            );
        }
    }
    if let Some(index) = tokens
        .iter()
        .position(|token| token.is_word() && token.text == "of")
    {
        let before = tokens.get(..index).unwrap_or(&[]);
        let titled = before.iter().any(|token| is_title_word(&token.folded()));
        let after = starts_organization(index).filter(|after| {
            tokens
                .get(*after)
                .is_some_and(|token| is_acronym(token) || index > 0 && token.is_capitalized())
                && tokens
                    .get(index + 1)
                    .is_some_and(|next| next.folded() == "the" || is_acronym(next))
        });
        if let (true, Some(after)) = (titled, after) {
            return (
                phrase(text, before),
                phrase(text, tokens.get(after..).unwrap_or(&[])),
            );
        }
    }
    let role_start = tokens.iter().position(|token| {
        let folded = token.folded();
        token.is_word()
            && (token.is_capitalized() && is_title_word(&folded)
                || !token.is_capitalized() && !CONNECTORS.contains(&folded.as_str()))
    });
    match role_start {
        Some(0) => (phrase(text, tokens), None),
        Some(start) => {
            let organization = tokens.get(..start).unwrap_or(&[]);
            let organization_end = organization
                .iter()
                .rposition(|token| !CONNECTORS.contains(&token.folded().as_str()))
                .map_or(0, |last| last + 1);
            (
                phrase(text, tokens.get(start..).unwrap_or(&[])),
                phrase(text, organization.get(..organization_end).unwrap_or(&[])),
            )
        }
        None => (None, phrase(text, tokens)),
    }
}

/// Segments of a phrase between commas, semicolons, parentheses, dashes and sentence ends.
fn segments<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    tokens
        .split(|token| {
            token.kind == TokenKind::Punct
                && [',', ';', '(', ')', '—', '–', '.', '!', '?']
                    .iter()
                    .any(|mark| token.is_punct(*mark))
        })
        .filter(|segment| !segment.is_empty())
        .collect()
}

/// `D-Wash.`, `R-Texas`: a legislator's party and state, neither a role nor an affiliation.
fn is_party_designation(segment: &[Token]) -> bool {
    let [only] = segment else {
        return false;
    };
    let mut parts = only.text.splitn(2, '-');
    matches!((parts.next(), parts.next()), (Some("D" | "R" | "I"), Some(state)) if state.starts_with(char::is_uppercase))
}

/// The person a phrase names, with the role and affiliation the phrase gives.
pub fn person_in_phrase(text: &str, tokens: &[Token]) -> Option<PersonMention> {
    let parts = segments(tokens);
    parts.iter().enumerate().find_map(|(index, segment)| {
        let (name_range, prefix_range) = person_in_segment(segment)?;
        let name_tokens = segment.get(name_range)?;
        let span = Span::new(name_tokens.first()?.span.start, name_tokens.last()?.span.end);
        let name = text.get(span.start..span.end)?.to_owned();
        let following: Vec<&[Token]> = parts
            .iter()
            .skip(index + 1)
            .copied()
            .filter(|segment| !is_party_designation(segment))
            .collect();
        let (mut role, mut affiliation) = match following.first() {
            Some(appositive) => role_and_affiliation(text, appositive),
            None => (None, None),
        };
        if role.is_some() && affiliation.is_none() {
            if let Some(second) = following.get(1) {
                if let (None, Some(organization)) = role_and_affiliation(text, second) {
                    affiliation = Some(organization);
                }
            }
        }
        if role.is_none() && affiliation.is_none() {
            (role, affiliation) = role_and_affiliation(text, segment.get(prefix_range).unwrap_or(&[]));
        }
        Some(PersonMention {
            name,
            span,
            role,
            affiliation,
        })
    })
}

/// Who a subject phrase before or after a verb of speech names.
pub fn speaker_reference(text: &str, tokens: &[Token]) -> Option<SpeakerReference> {
    let words: Vec<&Token> = tokens.iter().filter(|token| token.is_word()).collect();
    let first = words.first()?.folded();
    if words.len() <= 2 && matches!(first.as_str(), "he" | "she" | "they") {
        return Some(SpeakerReference::Pronoun);
    }
    if let Some(person) = person_in_phrase(text, tokens) {
        return Some(SpeakerReference::Person(person));
    }
    if let [only] = words.as_slice() {
        if is_name_word(only) && !is_initial(only) {
            return Some(SpeakerReference::Surname {
                surname: only.text.to_owned(),
                span: only.span,
            });
        }
    }
    let rest = words.get(1..).unwrap_or(&[]);
    if first == "the"
        && (1..=5).contains(&rest.len())
        && rest
            .iter()
            .all(|token| !token.is_capitalized() || is_title_word(&token.folded()))
    {
        let role: Vec<String> = rest.iter().map(|token| token.text.to_lowercase()).collect();
        return Some(SpeakerReference::Role(role.join(" ")));
    }
    None
}

/// People named anywhere in a line, with the title before the name (`Attorney General Jeff
/// Sessions`) or the role after it (`Priya Shah, senior policy counsel at the ACLU`), to
/// resolve a later `Sessions said` or `the attorney general said`.
pub fn people_mentioned(text: &str, tokens: &[Token]) -> Vec<PersonMention> {
    let parts = segments(tokens);
    let mut people = Vec::new();
    for (index, segment) in parts.iter().enumerate() {
        let Some((name_range, prefix_range)) = person_in_segment(segment) else {
            continue;
        };
        let prefix = segment.get(prefix_range).unwrap_or(&[]);
        let titled = prefix.last().is_some_and(|token| is_title_word(&token.folded()));
        let appositive = parts.get(index + 1).filter(|next| {
            name_range.end == segment.len() && next.iter().any(|token| is_title_word(&token.folded()))
        });
        let (role, affiliation) = match (titled, appositive) {
            (true, _) => role_and_affiliation(text, prefix),
            (false, Some(next)) => role_and_affiliation(text, next),
            (false, None) => (None, None),
        };
        let name_tokens = segment.get(name_range).unwrap_or(&[]);
        if let (Some(first), Some(last)) = (name_tokens.first(), name_tokens.last()) {
            let span = Span::new(first.span.start, last.span.end);
            if let Some(name) = text.get(span.start..span.end) {
                people.push(PersonMention {
                    name: name.to_owned(),
                    span,
                    role,
                    affiliation,
                });
            }
        }
    }
    people
}

/// What a fragment of a contact line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    Person(String),
    Organization(String),
    Role(String),
    Other,
}

/// Classifies a comma-separated fragment of a contact block.
pub fn classify_fragment(text: &str, tokens: &[Token]) -> Fragment {
    let words: Vec<&Token> = tokens.iter().filter(|token| token.is_word()).collect();
    let Some(whole) = phrase(text, tokens) else {
        return Fragment::Other;
    };
    if words.is_empty() || tokens.iter().any(|token| token.kind == TokenKind::Number) {
        return Fragment::Other;
    }
    let has_organization_word = words.iter().any(|token| is_organization_word(&token.folded()));
    let has_acronym = words.iter().any(|token| is_acronym(token));
    if has_organization_word || has_acronym {
        return Fragment::Organization(whole);
    }
    if words.iter().any(|token| is_title_word(&token.folded())) {
        return Fragment::Role(whole);
    }
    match person_in_segment(tokens) {
        Some((name, _)) if name.start == 0 && name.end == tokens.len() => Fragment::Person(whole),
        _ => Fragment::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::tokenize;

    fn person(phrase_text: &str) -> Option<(String, Option<String>, Option<String>)> {
        let tokens = tokenize(phrase_text, 0);
        person_in_phrase(phrase_text, &tokens).map(|person| (person.name, person.role, person.affiliation))
    }

    fn owned(
        name: &str,
        role: Option<&str>,
        affiliation: Option<&str>,
    ) -> Option<(String, Option<String>, Option<String>)> {
        Some((
            name.to_owned(),
            role.map(str::to_owned),
            affiliation.map(str::to_owned),
        ))
    }

    #[test]
    fn finds_people_roles_and_affiliations() {
        let cases = [
            (
                "Lorella Praeli, American Civil Liberties Union director of immigration policy and campaigns",
                owned(
                    "Lorella Praeli",
                    Some("director of immigration policy and campaigns"),
                    Some("American Civil Liberties Union"),
                ),
                "organization before the role",
            ),
            (
                "Lorella Praeli, director of immigration policy and campaigns at the American Civil Liberties Union",
                owned(
                    "Lorella Praeli",
                    Some("director of immigration policy and campaigns"),
                    Some("American Civil Liberties Union"),
                ),
                "organization after at",
            ),
            (
                "Amien Kacou, ACLU of Florida staff attorney",
                owned("Amien Kacou", Some("staff attorney"), Some("ACLU of Florida")),
                "acronym organization",
            ),
            (
                "ACLU Executive Director Anthony D. Romero",
                owned("Anthony D. Romero", Some("Executive Director"), Some("ACLU")),
                "title before the name",
            ),
            ("Attorney General Jeff Sessions", owned("Jeff Sessions", Some("Attorney General"), None), "title only"),
            ("City spokesman Mike Ross", owned("Mike Ross", Some("spokesman"), Some("City")), "title in lower case"),
            (
                "Jane Doe, executive director of the ACLU of Texas",
                owned("Jane Doe", Some("executive director"), Some("ACLU of Texas")),
                "organization after of the",
            ),
            (
                "Maria Lopez, Executive Director, Florida Immigrant Coalition",
                owned("Maria Lopez", Some("Executive Director"), Some("Florida Immigrant Coalition")),
                "role and organization in two segments",
            ),
            (
                "In response, Ana de la Cruz, a staff attorney with the National Immigration Law Center",
                owned("Ana de la Cruz", Some("staff attorney"), Some("National Immigration Law Center")),
                "opening clause and particles",
            ),
            ("Jane Doe, who leads the group", owned("Jane Doe", None, None), "relative clause is no role"),
            ("Senator Amy Clark (D-Wash.)", owned("Amy Clark", Some("Senator"), None), "party designation"),
            ("Dr. Sam Lee, the group's medical director", owned("Sam Lee", Some("medical director"), None), "possessive"),
            (
                "Ann Fox, the ACLU’s legal director",
                owned("Ann Fox", Some("legal director"), Some("ACLU")),
                "possessive organization",
            ),
            ("The Department of Justice", None, "no person in an organization"),
            ("Here's an example", None, "no person"),
        ];
        for (text, expected, message) in cases {
            assert_eq!(person(text), expected, "{message}: {text}");
        }
    }

    #[test]
    fn resolves_references_to_speakers() {
        let cases = [
            ("he", Some(SpeakerReference::Pronoun), "pronoun"),
            (
                "Sessions",
                Some(SpeakerReference::Surname {
                    surname: "Sessions".into(),
                    span: Span::new(0, 8),
                }),
                "surname",
            ),
            (
                "the attorney general",
                Some(SpeakerReference::Role("attorney general".into())),
                "role",
            ),
            (
                "the city",
                Some(SpeakerReference::Role("city".into())),
                "any lower-case role",
            ),
            ("Here's an example", None, "no speaker"),
            ("The", None, "a lone article"),
        ];
        for (text, expected, message) in cases {
            let tokens = tokenize(text, 0);
            assert_eq!(speaker_reference(text, &tokens), expected, "{message}: {text}");
        }
    }

    #[test]
    fn classifies_contact_fragments() {
        let cases = [
            (
                "ACLU of Florida Media Office",
                Fragment::Organization("ACLU of Florida Media Office".into()),
                "office",
            ),
            ("Ryan Karerat", Fragment::Person("Ryan Karerat".into()), "person"),
            (
                "Communications Director",
                Fragment::Role("Communications Director".into()),
                "role",
            ),
            ("ACLU", Fragment::Organization("ACLU".into()), "acronym"),
            ("or", Fragment::Other, "conjunction"),
            ("125 Broad Street", Fragment::Other, "address"),
            ("", Fragment::Other, "empty"),
        ];
        for (text, expected, message) in cases {
            let tokens = tokenize(text, 0);
            assert_eq!(classify_fragment(text, &tokens), expected, "{message}: {text}");
        }
    }

    #[test]
    fn finds_people_mentioned_in_prose() {
        let text = "The event, alongside ICE Acting Director Tom Homan, started after Attorney General Jeff Sessions \
            spoke. Priya Shah, senior counsel at the ACLU, said the vote was a missed opportunity. Jane Roe, who";
        let tokens = tokenize(text, 0);
        let people: Vec<(String, Option<String>)> = people_mentioned(text, &tokens)
            .into_iter()
            .map(|person| (person.name, person.role))
            .collect();
        assert_eq!(
            people,
            vec![
                ("Tom Homan".to_owned(), Some("Acting Director".to_owned())),
                ("Jeff Sessions".to_owned(), Some("Attorney General".to_owned())),
                ("Priya Shah".to_owned(), Some("senior counsel".to_owned())),
                ("Jane Roe".to_owned(), None),
            ]
        );
    }
}
