//! A small tokenizer for one line of text: words (with the dots of abbreviations), numbers and
//! single punctuation marks, each with its byte span, so that the date, name and organization
//! parsers work on tokens while every result still points back into the original text.

use super::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, with inner hyphens and apostrophes (`Miami-Dade`, `O’Brien`) and the dots of
    /// initials and letter abbreviations (`U.S.`, `D.C.`, `J.`, `p.m.`).
    Word,
    /// A run of ASCII digits.
    Number,
    /// Any other single visible character.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    pub span: Span,
    /// Whether whitespace separates this token from the one before it (or it starts the line).
    pub space_before: bool,
}

impl Token<'_> {
    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    pub fn is_punct(&self, mark: char) -> bool {
        self.kind == TokenKind::Punct && self.text.starts_with(mark)
    }

    /// A word whose first letter is upper case (`Miami`, `ACLU`, `U.S.`).
    pub fn is_capitalized(&self) -> bool {
        self.is_word() && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// A word written in capitals only, with at least two letters (`ACLU`, `NEW`, `U.S.`).
    pub fn is_all_caps(&self) -> bool {
        self.is_capitalized()
            && self.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !self.text.chars().any(char::is_lowercase)
    }

    /// The word without a trailing abbreviation dot, in ASCII lower case: what lexicons
    /// compare. Empty for words no lexicon holds (longer ones, or with other letters).
    pub fn folded(&self) -> Folded {
        Folded::of(self.text.trim_end_matches('.'))
    }
}

/// A short ASCII word in lower case, kept on the stack: tokens are folded often, so folding
/// must not allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    bytes: [u8; Folded::CAPACITY],
    len: usize,
}

impl Folded {
    const CAPACITY: usize = 24;

    fn of(word: &str) -> Self {
        let mut bytes = [0; Self::CAPACITY];
        let fits = word.len() <= Self::CAPACITY && word.is_ascii();
        let len = if fits { word.len() } else { 0 };
        for (slot, byte) in bytes.iter_mut().zip(word.bytes().take(len)) {
            *slot = byte.to_ascii_lowercase();
        }
        Self { bytes, len }
    }

    pub fn as_str(&self) -> &str {
        self.bytes
            .get(..self.len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

impl std::ops::Deref for Folded {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<&str> for Folded {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Abbreviations whose dot belongs to the word, lower case: titles, name suffixes, months,
/// states and company forms (`Dr.`, `Jr.`, `Sept.`, `Fla.`, `Inc.`).
const ABBREVIATIONS: [&str; 37] = [
    "dr", "mr", "mrs", "ms", "sen", "rep", "gov", "lt", "gen", "col", "sgt", "capt", "rev", "prof", "jr",
    "sr", "st", "mt", "ft", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "fla",
    "calif", "ariz", "penn", "inc", "corp", "co", "ltd",
];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Tokens of `line`, whose first byte is at `offset` in the whole text.
pub fn tokenize(line: &str, offset: usize) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    let mut space_before = true;
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            space_before = true;
            continue;
        }
        let mut end = start + c.len_utf8();
        let kind = if c.is_alphabetic() {
            let mut letters_since_dot = 1usize;
            let mut only_initials = true;
            while let Some(&(position, next)) = chars.peek() {
                let joins_letters = || {
                    let after = line
                        .get(position + next.len_utf8()..)
                        .and_then(|rest| rest.chars().next());
                    after.is_some_and(char::is_alphabetic)
                };
                if next.is_alphabetic() {
                    letters_since_dot += 1;
                    if letters_since_dot > 1 {
                        only_initials = false;
                    }
                } else if next == '-' || is_apostrophe(next) {
                    if !joins_letters() {
                        break;
                    }
                    only_initials = false;
                } else if next == '.' {
                    // `U.S.`, `D.C.`, `J.`, `p.m.`: a dot after a single letter belongs to the word.
                    if !(only_initials && letters_since_dot == 1) {
                        break;
                    }
                    letters_since_dot = 0;
                } else {
                    break;
                }
                end = position + next.len_utf8();
                chars.next();
            }
            let word = line.get(start..end).unwrap_or("");
            if line.get(end..).is_some_and(|rest| rest.starts_with('.'))
                && ABBREVIATIONS
                    .iter()
                    .any(|abbreviation| abbreviation.eq_ignore_ascii_case(word))
            {
                end += 1;
                chars.next();
            }
            TokenKind::Word
        } else if c.is_ascii_digit() {
            while let Some(&(position, next)) = chars.peek() {
                if !next.is_ascii_digit() {
                    break;
                }
                end = position + next.len_utf8();
                chars.next();
            }
            TokenKind::Number
        } else {
            TokenKind::Punct
        };
        if let Some(text) = line.get(start..end) {
            tokens.push(Token {
                kind,
                text,
                span: Span::new(offset + start, offset + end),
                space_before,
            });
        }
        space_before = false;
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<&str> {
        tokenize(line, 0).iter().map(|token| token.text).collect()
    }

    #[test]
    fn splits_lines_into_words_numbers_and_marks() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "Aug. 16, 2017",
                &["Aug.", "16", ",", "2017"],
                "abbreviated month keeps its dot",
            ),
            (
                "said Dr. Sam Lee.",
                &["said", "Dr.", "Sam", "Lee", "."],
                "a title keeps its dot, a sentence ends",
            ),
            (
                "U.S. Immigration",
                &["U.S.", "Immigration"],
                "letter abbreviation is one word",
            ),
            (
                "Anthony D. Romero",
                &["Anthony", "D.", "Romero"],
                "middle initial keeps its dot",
            ),
            (
                "4:30 p.m. EDT",
                &["4", ":", "30", "p.m.", "EDT"],
                "a.m./p.m. is one word",
            ),
            (
                "Miami-Dade’s O'Brien",
                &["Miami-Dade’s", "O'Brien"],
                "inner hyphens and apostrophes join",
            ),
            (
                "15th 01:33pm",
                &["15", "th", "01", ":", "33", "pm"],
                "digits and letters split",
            ),
            (
                "MIAMI— Attorney",
                &["MIAMI", "—", "Attorney"],
                "dash after a word is its own mark",
            ),
            (
                "“Quote,” said",
                &["“", "Quote", ",", "”", "said"],
                "quote marks are marks",
            ),
            ("", &[], "empty line has no token"),
            ("end.", &["end", "."], "a sentence dot is not part of a long word"),
        ];
        for (line, expected, message) in cases {
            assert_eq!(texts(line), *expected, "{message}: {line:?}");
        }
    }

    #[test]
    fn folds_short_ascii_words_only() {
        let cases = [
            ("Attorney", "attorney", "capitalized"),
            ("Aug.", "aug", "abbreviation dot dropped"),
            ("ACLU", "aclu", "acronym"),
            ("Jiménez", "", "other letters fold to nothing"),
            (
                "Supercalifragilisticexpialidocious",
                "",
                "too long for any lexicon",
            ),
        ];
        for (word, expected, message) in cases {
            let token = Token {
                kind: TokenKind::Word,
                text: word,
                span: Span::new(0, word.len()),
                space_before: true,
            };
            assert_eq!(token.folded().as_str(), expected, "{message}");
        }
    }

    #[test]
    fn spans_are_offset_and_record_spacing() {
        let tokens = tokenize("a  b,c", 10);
        let spans: Vec<(usize, usize, bool)> = tokens
            .iter()
            .map(|token| (token.span.start, token.span.end, token.space_before))
            .collect();
        assert_eq!(
            spans,
            vec![(10, 11, true), (13, 14, true), (14, 15, false), (15, 16, false)]
        );
    }
}
