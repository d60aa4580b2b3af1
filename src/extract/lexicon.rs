//! The word lists the extractors share: verbs of speech, job titles, the words that end an
//! organization's name, and the capitalized words that never start a person's name. All are
//! lower case, sorted for binary search, and compared with [`super::tokens::Token::folded`].

/// Verbs that attribute a quotation to its speaker.
pub const SPEECH_VERBS: [&str; 40] = [
    "acknowledged",
    "added",
    "adds",
    "announced",
    "argued",
    "asserted",
    "cautioned",
    "commented",
    "comments",
    "concluded",
    "continued",
    "declared",
    "emphasized",
    "explained",
    "explains",
    "insisted",
    "issued",
    "noted",
    "notes",
    "observed",
    "offered",
    "reacted",
    "recalled",
    "released",
    "remarked",
    "responded",
    "said",
    "say",
    "says",
    "shared",
    "stated",
    "states",
    "stressed",
    "testified",
    "told",
    "tweeted",
    "urged",
    "warned",
    "writes",
    "wrote",
];

/// Words of job titles: a capitalized one before a name is a title, not part of the name
/// (`Attorney General Jeff Sessions`), and one after an organization starts the role
/// (`ACLU Executive Director`).
pub const TITLE_WORDS: [&str; 76] = [
    "acting",
    "advocate",
    "ambassador",
    "analyst",
    "assistant",
    "associate",
    "attorney",
    "capt",
    "ceo",
    "cfo",
    "chair",
    "chairman",
    "chairperson",
    "chairwoman",
    "chief",
    "co-founder",
    "col",
    "commissioner",
    "congressman",
    "congresswoman",
    "coo",
    "coordinator",
    "councilman",
    "councilmember",
    "councilwoman",
    "counsel",
    "deputy",
    "director",
    "dr",
    "editor",
    "executive",
    "fellow",
    "founder",
    "gen",
    "general",
    "gov",
    "governor",
    "head",
    "judge",
    "justice",
    "lawyer",
    "leader",
    "lt",
    "manager",
    "mayor",
    "minister",
    "mr",
    "mrs",
    "ms",
    "officer",
    "organizer",
    "pastor",
    "president",
    "principal",
    "prof",
    "professor",
    "rep",
    "representative",
    "rev",
    "reverend",
    "secretary",
    "sen",
    "senator",
    "senior",
    "sgt",
    "sheriff",
    "speaker",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "staff",
    "strategist",
    "superintendent",
    "treasurer",
    "trustee",
    "vice",
];

/// Words after which a run of capitalized words is an organization (`American Civil
/// Liberties Union`, `Justice Department`, `Miami Herald`).
pub const ORGANIZATION_WORDS: [&str; 63] = [
    "administration",
    "agency",
    "alliance",
    "association",
    "authority",
    "board",
    "bureau",
    "caucus",
    "center",
    "centre",
    "church",
    "clinic",
    "coalition",
    "collective",
    "college",
    "commission",
    "committee",
    "company",
    "congress",
    "corp",
    "corporation",
    "council",
    "court",
    "democrats",
    "dems",
    "department",
    "enforcement",
    "federation",
    "foundation",
    "fund",
    "group",
    "herald",
    "hospital",
    "inc",
    "initiative",
    "institute",
    "international",
    "journal",
    "league",
    "llc",
    "ministry",
    "network",
    "news",
    "office",
    "organisation",
    "organization",
    "partnership",
    "party",
    "post",
    "press",
    "project",
    "representatives",
    "republicans",
    "senate",
    "service",
    "services",
    "society",
    "times",
    "tribune",
    "trust",
    "union",
    "university",
    "watch",
];

/// Capitalized words that start sentences or headings but never a person's name.
pub const NOT_NAMES: [&str; 64] = [
    "a",
    "across",
    "after",
    "all",
    "an",
    "and",
    "as",
    "at",
    "before",
    "but",
    "by",
    "cell",
    "contact",
    "e-mail",
    "email",
    "every",
    "fax",
    "for",
    "he",
    "her",
    "here",
    "his",
    "i",
    "if",
    "immediate",
    "in",
    "it",
    "its",
    "learn",
    "media",
    "mobile",
    "more",
    "my",
    "new",
    "office",
    "on",
    "or",
    "our",
    "phone",
    "press",
    "read",
    "release",
    "share",
    "she",
    "sign",
    "statement",
    "take",
    "tel",
    "that",
    "the",
    "their",
    "there",
    "these",
    "they",
    "this",
    "those",
    "today",
    "under",
    "we",
    "when",
    "while",
    "with",
    "you",
    "your",
];

/// Month names and their abbreviations, with the month's number.
pub const MONTHS: [(&str, u32); 24] = [
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

pub const WEEKDAYS: [&str; 16] = [
    "fri",
    "friday",
    "mon",
    "monday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "thu",
    "thurs",
    "thursday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
];

pub fn month_number(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, number)| *number)
}

/// Whether a sorted lexicon holds `word`.
fn holds(lexicon: &[&str], word: &str) -> bool {
    lexicon.binary_search(&word).is_ok()
}

pub fn is_weekday(word: &str) -> bool {
    holds(&WEEKDAYS, word)
}

pub fn is_speech_verb(word: &str) -> bool {
    holds(&SPEECH_VERBS, word)
}

pub fn is_title_word(word: &str) -> bool {
    holds(&TITLE_WORDS, word)
}

pub fn is_organization_word(word: &str) -> bool {
    holds(&ORGANIZATION_WORDS, word)
}

pub fn is_not_name(word: &str) -> bool {
    holds(&NOT_NAMES, word) || month_number(word).is_some() || is_weekday(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_numbers() {
        let cases = [
            ("january", Some(1), "full name"),
            ("sept", Some(9), "four-letter abbreviation"),
            ("dec", Some(12), "december's abbreviation"),
            ("december", Some(12), "december in full"),
            ("smarch", None, "not a month"),
        ];
        for (word, expected, message) in cases {
            assert_eq!(month_number(word), expected, "{message}");
        }
    }

    #[test]
    fn lists_are_lower_case() {
        for word in SPEECH_VERBS
            .iter()
            .chain(&TITLE_WORDS)
            .chain(&ORGANIZATION_WORDS)
            .chain(&NOT_NAMES)
        {
            assert_eq!(
                *word,
                word.to_lowercase(),
                "every lexicon entry is lower case: {word}"
            );
        }
    }
}
