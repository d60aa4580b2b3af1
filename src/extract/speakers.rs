//! People quoted in a statement and what each said: quotations attributed by the words after
//! them (`…,” said Jane Doe`), before them (`Jane Doe said, “…`), or by the paragraph that
//! introduces them (`…issued the following statement:`); a surname, a role (`the attorney
//! general said`) or a pronoun is resolved to a person named earlier.

use std::cell::LazyCell;

use super::boilerplate::is_furniture;
use super::document::Document;
use super::lexicon::is_speech_verb;
use super::names::{people_mentioned, speaker_reference, PersonMention, SpeakerReference};
use super::quotes::{find_quotations, Quotation};
use super::tokens::{tokenize, Token, TokenKind};
use super::{ceil_char_boundary, floor_char_boundary, Boilerplate, Quote, Span, Speaker};

/// Fewer words than this between quotation marks is a term in scare quotes, not a quotation.
const MIN_QUOTE_WORDS: usize = 4;

/// A quotation whose closing mark never comes is less sure to end where it is cut.
const UNCLOSED_FACTOR: f64 = 0.8;

/// How far after a quotation its attribution is looked for, in bytes.
const TRAILING_WINDOW: usize = 300;

/// How far before a quotation its attribution is looked for, in bytes.
const LEADING_WINDOW: usize = 400;

/// Tokens before the verb that a subject may have (`Jane Doe, executive director of X, said`).
const MAX_SUBJECT_TOKENS: usize = 30;

/// Nouns that introduce a statement without a verb of speech (`Statement from Jane Doe:`,
/// `Jane Doe had this reaction:`).
const STATEMENT_NOUNS: [&str; 6] = [
    "statement",
    "reaction",
    "remarks",
    "comment",
    "response",
    "comments",
];

/// Verbs that introduce a statement noun (`had this reaction`, `gave the following response`).
const INTRODUCING_VERBS: [&str; 5] = ["had", "has", "gave", "provided", "delivered"];

/// The most paragraphs an introduced statement without quotation marks runs over.
const MAX_UNMARKED_PARAGRAPHS: usize = 6;

/// Fewer words than this make a paragraph a heading, not part of a statement.
const MIN_STATEMENT_PARAGRAPH_WORDS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Attribution {
    Introduced,
    Explicit,
    Resolved,
    Carried,
}

impl Attribution {
    fn confidence(self) -> f64 {
        match self {
            Self::Introduced | Self::Explicit => 0.9,
            Self::Resolved => 0.75,
            Self::Carried => 0.6,
        }
    }
}

fn is_mark(token: &Token) -> bool {
    token.kind == TokenKind::Punct && ['“', '”', '"', '„'].iter().any(|mark| token.is_punct(*mark))
}

fn ends_sentence(token: &Token) -> bool {
    token.kind == TokenKind::Punct && ['.', '!', '?'].iter().any(|mark| token.is_punct(*mark))
}

/// The subject of the first verb of speech among `tokens`: the tokens before it, or after it
/// when the verb comes first (`said Jane Doe, director of X`).
fn subject_of_verb<'t, 'a>(tokens: &'t [Token<'a>]) -> Option<&'t [Token<'a>]> {
    let verb = tokens
        .iter()
        .position(|token| token.is_word() && is_speech_verb(&token.folded()))?;
    if verb == 0 {
        return tokens.get(1..);
    }
    (verb <= MAX_SUBJECT_TOKENS).then(|| tokens.get(..verb)).flatten()
}

/// `…,” said Jane Doe.`, `…,” Sessions said.`, `…,” the attorney general said.`
fn trailing_reference(
    document: &Document,
    quotation: &Quotation,
    paragraph_end: usize,
) -> Option<SpeakerReference> {
    let end = floor_char_boundary(
        document.text,
        paragraph_end.min(quotation.outer.end + TRAILING_WINDOW),
    );
    let after = document.text.get(quotation.outer.end..end)?;
    let tokens = tokenize(after, quotation.outer.end);
    let start = tokens
        .iter()
        .position(|token| token.kind != TokenKind::Punct || is_mark(token))?;
    let tokens = tokens.get(start..)?;
    if tokens.first().is_some_and(is_mark) {
        return None;
    }
    let sentence_end = tokens
        .iter()
        .position(|token| ends_sentence(token) || is_mark(token))
        .unwrap_or(tokens.len());
    let sentence = tokens.get(..sentence_end)?;
    let according = sentence.len() > 2
        && sentence
            .first()
            .is_some_and(|token| token.folded() == "according")
        && sentence.get(1).is_some_and(|token| token.folded() == "to");
    let subject = if according {
        sentence.get(2..)?
    } else {
        subject_of_verb(sentence)?
    };
    speaker_reference(document.text, subject)
}

/// `Jane Doe said, “…` and `He said Miami-Dade is an example of “…`: the sentence before the
/// opening mark, in the same paragraph.
fn leading_reference(
    document: &Document,
    quotation: &Quotation,
    paragraph_start: usize,
) -> Option<SpeakerReference> {
    let start = ceil_char_boundary(
        document.text,
        quotation.outer.start.saturating_sub(LEADING_WINDOW),
    )
    .max(paragraph_start);
    let before = document.text.get(start..quotation.outer.start)?;
    let tokens = tokenize(before, start);
    let sentence_start = tokens
        .iter()
        .rposition(|token| ends_sentence(token) || is_mark(token))
        .map_or(0, |last| last + 1);
    let subject = subject_of_verb(tokens.get(sentence_start..)?)?;
    speaker_reference(document.text, subject)
}

/// A paragraph ending with a colon that names who speaks next: `Jane Doe, X, issued the
/// following statement:`, `Amien Kacou, staff attorney said:`, `Statement from Jane Doe:`.
fn introduction_reference(document: &Document, paragraph_index: usize) -> Option<SpeakerReference> {
    let paragraph = document.paragraphs.get(paragraph_index)?;
    let text = document.slice(paragraph.span);
    if !text.trim_end().ends_with(':') {
        return None;
    }
    let tokens = tokenize(text, paragraph.span.start);
    let body = tokens.get(..tokens.len().saturating_sub(1))?;
    let sentence_start = body
        .iter()
        .enumerate()
        .filter(|(index, token)| {
            ends_sentence(token) && body.get(index + 1).is_some_and(|next| next.space_before)
        })
        .map(|(index, _)| index + 1)
        .next_back()
        .unwrap_or(0);
    let sentence = body.get(sentence_start..)?;
    if let Some(subject) = subject_of_verb(sentence) {
        return speaker_reference(document.text, subject);
    }
    let noun = sentence
        .iter()
        .position(|token| STATEMENT_NOUNS.contains(&token.folded().as_str()))?;
    let after = sentence.get(noun + 1..)?;
    if after
        .first()
        .is_some_and(|token| matches!(token.folded().as_str(), "from" | "by" | "of"))
    {
        return speaker_reference(document.text, after.get(1..)?);
    }
    // `Jane Smith, president of the NAACP, had this reaction:`
    let verb = sentence
        .get(..noun)?
        .iter()
        .rposition(|token| INTRODUCING_VERBS.contains(&token.folded().as_str()))?;
    speaker_reference(document.text, sentence.get(..verb)?)
}

/// The people the statement names, found only when a reference needs resolving.
type Mentioned<'d> = LazyCell<Vec<PersonMention>, Box<dyn FnOnce() -> Vec<PersonMention> + 'd>>;

/// Whether a paragraph may belong to a statement quoted without marks: prose, not a heading,
/// not the end mark of a release, not another introduction, not a quotation of its own.
fn continues_unmarked_statement(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.split_whitespace().count() >= MIN_STATEMENT_PARAGRAPH_WORDS
        && trimmed.ends_with(['.', '!', '?'])
        && !trimmed.contains(['“', '”', '"', '„'])
        && !trimmed.contains("###")
}

/// Statements a paragraph ending with a colon introduces without quotation marks
/// (`Jane Doe issued the following statement:` and then plain paragraphs), as quotations.
fn unmarked_statements(document: &Document, in_statement: impl Fn(Span) -> bool) -> Vec<Quotation> {
    let mut found = Vec::new();
    for (index, paragraph) in document.paragraphs.iter().enumerate() {
        let introduces = document.slice(paragraph.span).trim_end().ends_with(':')
            && in_statement(paragraph.span)
            && introduction_reference(document, index).is_some();
        if !introduces {
            continue;
        }
        let body: Vec<(usize, Span)> = document
            .paragraphs
            .iter()
            .enumerate()
            .skip(index + 1)
            .take(MAX_UNMARKED_PARAGRAPHS)
            .take_while(|(_, next)| {
                in_statement(next.span) && continues_unmarked_statement(document.slice(next.span))
            })
            .map(|(next_index, next)| (next_index, next.span))
            .collect();
        if let (Some((first, start)), Some((last, end))) = (body.first(), body.last()) {
            let span = Span::new(start.start, end.end);
            let text: Vec<String> = body
                .iter()
                .map(|(_, part)| {
                    document
                        .slice(*part)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            found.push(Quotation {
                outer: span,
                inner: span,
                text: text.join("\n\n"),
                paragraphs: *first..=*last,
                closed: true,
            });
        }
    }
    found
}

/// The speakers found so far, and the people the statement names, to resolve references.
struct Cast<'d> {
    speakers: Vec<Speaker>,
    mentioned: Mentioned<'d>,
    last_speaker: Option<usize>,
}

impl Cast<'_> {
    fn index_of(&self, name: &str) -> Option<usize> {
        self.speakers.iter().position(|speaker| speaker.name == name)
    }

    fn known(&self) -> impl Iterator<Item = PersonMention> + '_ {
        let speakers = self.speakers.iter().map(|speaker| PersonMention {
            name: speaker.name.clone(),
            span: speaker.span,
            role: speaker.role.clone(),
            affiliation: speaker.affiliation.clone(),
        });
        speakers.chain(self.mentioned.iter().cloned())
    }

    /// The person a reference names, and how sure the resolution is.
    fn resolve(&self, reference: SpeakerReference) -> Option<(PersonMention, Attribution)> {
        match reference {
            SpeakerReference::Person(mut person) => {
                if person.role.is_none() && person.affiliation.is_none() {
                    if let Some(known) = self.known().find(|known| known.name == person.name) {
                        person.role = known.role;
                        person.affiliation = known.affiliation;
                    }
                }
                Some((person, Attribution::Explicit))
            }
            SpeakerReference::Surname { surname, .. } => self
                .known()
                .find(|known| known.name.split_whitespace().last() == Some(surname.as_str()))
                .map(|known| (known, Attribution::Resolved)),
            SpeakerReference::Role(role) => self
                .known()
                .find(|known| {
                    known
                        .role
                        .as_deref()
                        .is_some_and(|known_role| known_role.to_lowercase() == role)
                })
                .map(|known| (known, Attribution::Resolved)),
            SpeakerReference::Pronoun => {
                let speaker = self.speakers.get(self.last_speaker?)?;
                let person = PersonMention {
                    name: speaker.name.clone(),
                    span: speaker.span,
                    role: speaker.role.clone(),
                    affiliation: speaker.affiliation.clone(),
                };
                Some((person, Attribution::Carried))
            }
        }
    }

    fn attribute(&mut self, person: PersonMention, quote: Quote) -> usize {
        let index = match self.index_of(&person.name) {
            Some(index) => index,
            None => {
                self.speakers.push(Speaker {
                    name: person.name,
                    role: person.role,
                    affiliation: person.affiliation,
                    span: person.span,
                    confidence: quote.confidence,
                    quotes: Vec::new(),
                });
                self.speakers.len() - 1
            }
        };
        if let Some(speaker) = self.speakers.get_mut(index) {
            speaker.confidence = speaker.confidence.max(quote.confidence);
            speaker.quotes.push(quote);
        }
        self.last_speaker = Some(index);
        index
    }
}

/// Every quoted speaker of the document, in order of first quotation.
pub fn find_speakers(document: &Document, boilerplate: &[Boilerplate], excluded: &[Span]) -> Vec<Speaker> {
    let in_statement = |span: Span| {
        !is_furniture(boilerplate, span) && !excluded.iter().any(|excluded| excluded.contains(span))
    };
    let mentioned = move || -> Vec<PersonMention> {
        let statement_lines = document
            .paragraphs
            .iter()
            .filter(|paragraph| in_statement(paragraph.span))
            .flat_map(|paragraph| document.lines_of(paragraph));
        statement_lines
            .flat_map(|line| people_mentioned(document.text, document.tokens_of(line)))
            .collect()
    };
    let mut cast = Cast {
        speakers: Vec::new(),
        mentioned: LazyCell::new(Box::new(mentioned)),
        last_speaker: None,
    };
    let mut quotations: Vec<Quotation> = find_quotations(document)
        .into_iter()
        .filter(|quotation| {
            in_statement(quotation.inner) && quotation.text.split_whitespace().count() >= MIN_QUOTE_WORDS
        })
        .collect();
    quotations.extend(unmarked_statements(document, in_statement));
    quotations.sort_by_key(|quotation| quotation.outer.start);
    // The speaker of the last attributed quotation, with its paragraph.
    let mut previous: Option<(usize, usize)> = None;
    for quotation in quotations {
        let first = *quotation.paragraphs.start();
        let last = *quotation.paragraphs.end();
        let (Some(first_paragraph), Some(last_paragraph)) =
            (document.paragraphs.get(first), document.paragraphs.get(last))
        else {
            continue;
        };
        let opens_paragraph = quotation.outer.start == first_paragraph.span.start;
        let explicit = trailing_reference(document, &quotation, last_paragraph.span.end)
            .or_else(|| leading_reference(document, &quotation, first_paragraph.span.start))
            .and_then(|reference| cast.resolve(reference));
        let introduced = || {
            let introduction = first.checked_sub(1)?;
            let reference = introduction_reference(document, introduction)?;
            cast.resolve(reference)
                .map(|(person, _)| (person, Attribution::Introduced))
        };
        let found = explicit.or_else(|| opens_paragraph.then(introduced).flatten());
        let carried = || {
            let (speaker, paragraph) = previous?;
            let same_or_next = paragraph == first || opens_paragraph && paragraph + 1 == first;
            let person = cast.speakers.get(speaker)?;
            same_or_next.then(|| {
                let person = PersonMention {
                    name: person.name.clone(),
                    span: person.span,
                    role: person.role.clone(),
                    affiliation: person.affiliation.clone(),
                };
                (person, Attribution::Carried)
            })
        };
        let Some((person, attribution)) = found.or_else(carried) else {
            continue;
        };
        let quote = Quote {
            text: quotation.text,
            span: quotation.inner,
            confidence: attribution.confidence() * if quotation.closed { 1.0 } else { UNCLOSED_FACTOR },
        };
        let speaker = cast.attribute(person, quote);
        previous = Some((speaker, last));
    }
    cast.speakers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ContentKind;

    /// A speaker's name, role, affiliation and quotes.
    type Summary = (String, Option<String>, Option<String>, Vec<String>);

    fn speakers(text: &str) -> Vec<Summary> {
        let document = Document::new(text, ContentKind::Plain, &[]);
        find_speakers(&document, &[], &[])
            .into_iter()
            .map(|speaker| {
                let quotes = speaker.quotes.into_iter().map(|quote| quote.text).collect();
                (speaker.name, speaker.role, speaker.affiliation, quotes)
            })
            .collect()
    }

    fn expected(name: &str, role: Option<&str>, affiliation: Option<&str>, quotes: &[&str]) -> Summary {
        (
            name.to_owned(),
            role.map(str::to_owned),
            affiliation.map(str::to_owned),
            quotes.iter().map(|quote| (*quote).to_owned()).collect(),
        )
    }

    #[test]
    fn attributes_quotations_to_their_speakers() {
        let cases = [
            (
                "Jane Doe, staff attorney at the ACLU of Texas, issued the following statement:\n\n“This law is unconstitutional and we will fight it.\n\n“We will see the state in court.”",
                vec![expected(
                    "Jane Doe",
                    Some("staff attorney"),
                    Some("ACLU of Texas"),
                    &["This law is unconstitutional and we will fight it.\n\nWe will see the state in court."],
                )],
                "introduced, over two paragraphs",
            ),
            (
                "“The ruling protects every voter in the state,” said John Roe, executive director of the Voting Rights Project.",
                vec![expected(
                    "John Roe",
                    Some("executive director"),
                    Some("Voting Rights Project"),
                    &["The ruling protects every voter in the state,"],
                )],
                "speaker named after the quote",
            ),
            (
                "Mayor Ana Ruiz spoke today.\n\n\"We cannot wait any longer for action,\" Ruiz said. \"The time is now for all of us.\"",
                vec![expected(
                    "Ana Ruiz",
                    Some("Mayor"),
                    None,
                    &["We cannot wait any longer for action,", "The time is now for all of us."],
                )],
                "surname, straight quotes, and a second quotation carried",
            ),
            (
                "Attorney General Jeff Sessions spoke.\n\n\"Work with us on this please,\" the attorney general said.\n\nHe said the city is an example of \"the good that comes from following the law.\"",
                vec![expected(
                    "Jeff Sessions",
                    Some("Attorney General"),
                    None,
                    &["Work with us on this please,", "the good that comes from following the law."],
                )],
                "role and pronoun",
            ),
            (
                "Sessions narrowed the definition of “sanctuary” to places that “willfully refuse to comply” with law.",
                vec![],
                "scare quotes and unattributed words",
            ),
            (
                "Here's an example: \"Trump's hate should be rejected by all of us.\"",
                vec![],
                "an example with no speaker",
            ),
            (
                "Jane Smith, president of the state NAACP, had this reaction:\n\nThe court has affirmed what \
                 we have said all along.\n\nWe look forward to fair maps in time for the next election.\n\n###",
                vec![expected(
                    "Jane Smith",
                    Some("president of the state NAACP"),
                    None,
                    &["The court has affirmed what we have said all along.\n\nWe look forward to fair maps in time for the next election."],
                )],
                "a statement introduced without quotation marks",
            ),
            (
                "Here's what you can do:\n\nCall the mayor's office first thing in the morning today.",
                vec![],
                "an introduction without a speaker",
            ),
        ];
        for (text, expected, message) in cases {
            assert_eq!(speakers(text), expected, "{message}");
        }
    }
}
