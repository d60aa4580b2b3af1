//! A short, human-written text field (a title, a publisher, a contact's name): trimmed,
//! non-empty, bounded in length and free of control characters.

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
    pub fn parse(field: &str, raw: &str, max_chars: usize) -> Result<Self, FieldError> {
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
    fn counts_characters_not_bytes() {
        assert!(Text::parse("title", "ééééé", 5).is_ok());
    }

    #[test]
    fn folded_form_ignores_case_and_spacing() {
        let text = Text::parse("publisher", "ACLU  of   Florida", 100).unwrap();
        assert_eq!(text.folded(), "aclu of florida");
    }
}
