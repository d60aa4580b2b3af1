//! A short, human-written text field (a title, a publisher, a contact's name): trimmed,
//! non-empty, bounded in length and free of control characters, and of the invisible
//! characters that make a text read differently from what it is ([`is_deceptive`]).

use serde::{Deserialize, Serialize};
use std::fmt;

use super::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    /// Parses `raw` for the input field `field`, allowing at most `max_chars` characters.
    /// Surrounding white space is dropped; each inner run of white space (line breaks, tabs)
    /// becomes a single space.
    /// Bidirectional overrides, embeddings and isolates, and zero-width spaces, are refused
    /// ([`is_deceptive`]).
    pub fn parse(field: &str, raw: &str, max_chars: usize) -> Result<Self, FieldError> {
        if let Some(c) = raw.chars().find(|c| is_deceptive(*c)) {
            return Err(FieldError::new(
                field,
                format!(
                    "must not contain invisible bidirectional controls or zero-width spaces (found U+{:04X})",
                    c as u32
                ),
            ));
        }
        Self::parse_recorded(field, raw, max_chars)
    }

    /// [`Text::parse`] for a value read back from a version record, which versions stored
    /// before deceptive characters were refused may hold: a record must always read back as it
    /// was logged.
    pub fn parse_recorded(field: &str, raw: &str, max_chars: usize) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if trimmed.chars().count() > max_chars {
            return Err(FieldError::new(
                field,
                format!("must be at most {max_chars} characters"),
            ));
        }
        let mut text = String::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            match c {
                c if c.is_whitespace() => {
                    if !text.ends_with(' ') {
                        text.push(' ');
                    }
                }
                c if c.is_control() => {
                    return Err(FieldError::new(
                        field,
                        format!("must not contain control characters (found U+{:04X})", c as u32),
                    ))
                }
                c => text.push(c),
            }
        }
        Ok(Self(text))
    }

    /// The form used to match this text in filters: lower-cased, inner white space folded.
    pub fn folded(&self) -> String {
        self.0
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
}

/// Whether `c` is an invisible character that changes how the text around it is shown or
/// compared without being seen: the bidirectional overrides, embeddings and isolates
/// (U+202A–U+202E, U+2066–U+2069, the "Trojan Source" characters), and the zero-width space,
/// word joiner, zero-width no-break space (BOM) and Mongolian vowel separator. The zero-width
/// joiner and non-joiner (U+200C, U+200D) and the left-to-right and right-to-left marks
/// (U+200E, U+200F) are kept: Arabic, Persian and Indic names and emoji sequences need them.
pub fn is_deceptive(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_folds_line_breaks() {
        let text = Text::parse("title", "  ACLU\r\n Statement\t ", 100).unwrap();
        assert_eq!(text.as_ref(), "ACLU Statement");
    }

    #[test]
    fn rejects_empty_long_and_control_text() {
        let cases = [
            ("   ", "must not be empty"),
            ("abcdef", "at most 5"),
            ("a\u{0}b", "control"),
        ];
        for (raw, expected) in cases {
            let err = Text::parse("title", raw, 5).unwrap_err();
            assert_eq!(err.field, "title");
            assert!(err.message.contains(expected), "{raw:?}: {}", err.message);
        }
    }

    #[test]
    fn refuses_bidi_controls_and_zero_width_spaces() {
        for raw in [
            "ACLU\u{202E}adirolF",
            "AC\u{200B}LU",
            "\u{2066}ACLU\u{2069}",
            "\u{FEFF}ACLU",
            "AC\u{2060}LU",
        ] {
            let err = Text::parse("publisher", raw, 100).unwrap_err();
            assert!(err.message.contains("found U+"), "{raw:?}: {}", err.message);
            assert!(
                Text::parse_recorded("publisher", raw, 100).is_ok(),
                "a stored record reads back"
            );
        }
        for kept in ["مهدی\u{200C}زاده", "👩\u{200D}💻 desk", "\u{200F}שלום"] {
            assert!(Text::parse("name", kept, 100).is_ok(), "{kept:?}");
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Text::parse("title", "ééééé", 5).is_ok());
    }

    #[test]
    fn folded_form_ignores_case_and_spacing() {
        let text = Text::parse("publisher", "ACLU  of   Florida", 100).unwrap();
        assert_eq!(text.folded(), "aclu of florida");
    }
}
