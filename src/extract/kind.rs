//! What kind of statement a text is (press release, statement, action alert or petition,
//! e-mail, news article), scored from the phrases and the structure each kind is made of.

use std::sync::LazyLock;

use super::names::person_in_segment;
use super::phrases::PhraseSet;
use super::tokens::tokenize;
use super::StatementKind;

/// Phrases, lower case, with the kind they point to and their weight.
const PHRASES: [(&str, StatementKind, u32); 33] = [
    ("take action", StatementKind::ActionAlert, 3),
    ("petition", StatementKind::ActionAlert, 3),
    ("add your name", StatementKind::ActionAlert, 2),
    ("send your message", StatementKind::ActionAlert, 2),
    ("send a message to", StatementKind::ActionAlert, 1),
    ("[first name]", StatementKind::ActionAlert, 3),
    ("sign now", StatementKind::ActionAlert, 2),
    ("for immediate release", StatementKind::PressRelease, 3),
    ("press release", StatementKind::PressRelease, 2),
    ("news release", StatementKind::PressRelease, 2),
    ("\n###", StatementKind::PressRelease, 2),
    ("issued the following statement", StatementKind::Statement, 2),
    ("released the following statement", StatementKind::Statement, 2),
    ("statement of ", StatementKind::Statement, 1),
    ("statement from ", StatementKind::Statement, 1),
    ("statement by ", StatementKind::Statement, 1),
    ("unsubscribe", StatementKind::Email, 3),
    ("forward this email", StatementKind::Email, 2),
    ("view this email", StatementKind::Email, 2),
    ("this email was sent", StatementKind::Email, 3),
    ("here's what you can do", StatementKind::Email, 1),
    ("your friends", StatementKind::Email, 1),
    ("chip in", StatementKind::Email, 1),
    ("(credit:", StatementKind::NewsArticle, 2),
    ("archived article", StatementKind::NewsArticle, 2),
    ("archived story", StatementKind::NewsArticle, 2),
    ("(ap)", StatementKind::NewsArticle, 2),
    ("associated press", StatementKind::NewsArticle, 2),
    ("reuters", StatementKind::NewsArticle, 2),
    ("staff writer", StatementKind::NewsArticle, 2),
    ("according to", StatementKind::NewsArticle, 1),
    (" reported", StatementKind::NewsArticle, 1),
    ("told reporters", StatementKind::NewsArticle, 1),
];

static KIND_PHRASES: LazyLock<PhraseSet> =
    LazyLock::new(|| PhraseSet::new(PHRASES.iter().map(|(phrase, _, _)| *phrase)));

/// The most a repeated phrase adds.
const MAX_REPEATS: u32 = 2;

/// Verbs that open an action alert's headline (`Tell the City to…`).
const IMPERATIVES: [&str; 10] = [
    "tell", "urge", "demand", "stop", "sign", "join", "protect", "help", "call", "stand",
];

/// E-mail greetings and sign-offs, lower case.
const GREETINGS: [&str; 5] = ["dear ", "hi ", "hello ", "friend,", "friends,"];
const SIGN_OFFS: [&str; 9] = [
    "sincerely,",
    "thanks,",
    "thank you,",
    "best,",
    "in solidarity,",
    "warmly,",
    "onward,",
    "yours,",
    "regards,",
];

/// Sign-offs and signatures are short lines.
const SHORT_LINE_BYTES: usize = 80;

/// What the other extractors found that tells the kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct Structure<'a> {
    pub has_contact_heading: bool,
    pub has_dateline: bool,
    pub title: Option<&'a str>,
}

/// `Jane Roe, Chair`: a person's name and a short role, alone on a line.
fn is_signature(line: &str) -> bool {
    let Some((name, role)) = line.split_once(',') else {
        return false;
    };
    let tokens = tokenize(name, 0);
    let role_words = role.split_whitespace().count();
    (1..=6).contains(&role_words)
        && !role.trim_end().ends_with('.')
        && person_in_segment(&tokens)
            .is_some_and(|(range, prefix)| range.start == 0 && prefix.is_empty() && range.end == tokens.len())
}

/// Points for each kind, in the order of [`StatementKind`]'s variants.
fn scores(text: &str, structure: Structure) -> [(StatementKind, u32); 5] {
    let mut scores = [
        (StatementKind::ActionAlert, 0),
        (StatementKind::PressRelease, 0),
        (StatementKind::Statement, 0),
        (StatementKind::Email, 0),
        (StatementKind::NewsArticle, 0),
    ];
    let mut add = |kind: StatementKind, points: u32| {
        if let Some((_, score)) = scores.iter_mut().find(|(candidate, _)| *candidate == kind) {
            *score += points;
        }
    };
    let counts = KIND_PHRASES.counts(text);
    for ((_, kind, weight), count) in PHRASES.iter().zip(counts) {
        let repeats = u32::try_from(count).unwrap_or(u32::MAX).min(MAX_REPEATS);
        let points = if *weight == 1 {
            repeats
        } else {
            weight * repeats.min(1)
        };
        add(*kind, points);
    }
    if structure.has_contact_heading {
        add(StatementKind::PressRelease, 3);
    }
    if structure.has_dateline {
        add(StatementKind::PressRelease, 3);
    }
    if let Some(title) = structure.title.map(str::to_lowercase) {
        if IMPERATIVES
            .iter()
            .any(|verb| title.starts_with(&format!("{verb} ")))
        {
            add(StatementKind::ActionAlert, 2);
        }
        if title.contains("statement") {
            add(StatementKind::Statement, 2);
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let first_lines = lines.iter().take(3).map(|line| line.to_lowercase());
    if first_lines
        .clone()
        .any(|line| GREETINGS.iter().any(|greeting| line.starts_with(greeting)) && line.ends_with(','))
    {
        add(StatementKind::Email, 3);
    }
    let short_lines = || lines.iter().filter(|line| line.len() <= SHORT_LINE_BYTES);
    if short_lines().any(|line| SIGN_OFFS.contains(&line.to_lowercase().as_str())) {
        add(StatementKind::Email, 2);
    }
    let lower_two_thirds = lines.get(lines.len() / 3..).unwrap_or(&[]);
    if lower_two_thirds
        .iter()
        .filter(|line| line.len() <= SHORT_LINE_BYTES)
        .any(|line| is_signature(line))
    {
        add(StatementKind::Email, 2);
    }
    scores
}

/// The kind of statement, and how sure the choice is.
pub fn classify(text: &str, structure: Structure) -> (StatementKind, f64) {
    let scores = scores(text, structure);
    let press = scores
        .iter()
        .find(|(kind, _)| *kind == StatementKind::PressRelease)
        .map_or(0, |(_, score)| *score);
    let best = scores.iter().fold(
        None,
        |best: Option<(StatementKind, u32)>, (kind, score)| match best {
            Some((_, best_score)) if best_score >= *score => best,
            _ => Some((*kind, *score)),
        },
    );
    match best {
        Some((StatementKind::Statement, score)) if press >= 3 && press + 2 >= score => {
            (StatementKind::PressRelease, confidence(press))
        }
        Some((kind, score)) if score >= 2 => (kind, confidence(score)),
        _ => (StatementKind::Unknown, 0.5),
    }
}

/// 0.5 for two points, rising by 0.05 a point up to 0.95.
fn confidence(score: u32) -> f64 {
    f64::from((45 + 5 * score).min(95)) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_phrases_and_structure() {
        let release = Structure {
            has_contact_heading: true,
            has_dateline: true,
            title: None,
        };
        let cases = [
            (
                "Take Action Now\n\nSign our petition.",
                Structure::default(),
                StatementKind::ActionAlert,
                "action alert",
            ),
            (
                "Body text.",
                release,
                StatementKind::PressRelease,
                "contact block and dateline",
            ),
            (
                "Jane Doe issued the following statement:\n\n“Words.”",
                Structure {
                    title: Some("Statement of Jane Doe on the ruling"),
                    ..Structure::default()
                },
                StatementKind::Statement,
                "statement without release furniture",
            ),
            (
                "Jane Doe issued the following statement:",
                release,
                StatementKind::PressRelease,
                "a statement sent as a release",
            ),
            (
                "Dear Friend,\n\nThe vote is tomorrow.\n\nIn solidarity,\nJane",
                Structure::default(),
                StatementKind::Email,
                "greeting and sign-off",
            ),
            (
                "Body.\n\nMore body.\n\nJuan Cuba, Chair\nCounty Dems",
                Structure::default(),
                StatementKind::Email,
                "signature",
            ),
            (
                "This is an archived article.\n\nThe city voted, the Herald reported. (Credit: CNN)",
                Structure::default(),
                StatementKind::NewsArticle,
                "news",
            ),
            (
                "Some words.",
                Structure::default(),
                StatementKind::Unknown,
                "nothing to go by",
            ),
        ];
        for (text, structure, expected, message) in cases {
            assert_eq!(classify(text, structure).0, expected, "{message}");
        }
    }
}
