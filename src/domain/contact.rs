//! A media contact of a statement: a person or an office, with any of a name, an
//! organization, a phone number and an e-mail address (at least one of them).

use serde::{Deserialize, Serialize};
use std::fmt;

use super::{FieldError, Text};

/// The longest name or organization accepted, in characters.
pub const MAX_CONTACT_TEXT_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<Text>,
    pub organization: Option<Text>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

impl Contact {
    /// Builds a contact from already parsed parts; a contact with no part at all is refused.
    pub fn new(
        name: Option<Text>,
        organization: Option<Text>,
        phone: Option<Phone>,
        email: Option<Email>,
    ) -> Result<Self, FieldError> {
        if name.is_none() && organization.is_none() && phone.is_none() && email.is_none() {
            return Err(FieldError::new(
                "",
                "must have at least one of name, organization, phone, email",
            ));
        }
        Ok(Self {
            name,
            organization,
            phone,
            email,
        })
    }

    /// The values the `contact` filter matches against: folded name and organization,
    /// the phone's digits, the lower-cased e-mail address.
    pub fn match_terms(&self) -> Vec<String> {
        let mut terms = Vec::new();
        terms.extend(self.name.iter().map(Text::folded));
        terms.extend(self.organization.iter().map(Text::folded));
        terms.extend(self.phone.iter().map(|phone| phone.digits()));
        terms.extend(self.email.iter().map(|email| email.as_ref().to_lowercase()));
        terms
    }
}

/// A phone number as written by the source (`(786) 363-2737`, `+1 202 675 2312`, `212.284.7388 ext. 4`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || " +-.()/".contains(c) || "extEXT".contains(c);
        let digits = raw.chars().filter(char::is_ascii_digit).count();
        if raw.chars().count() > 40 || !raw.chars().all(allowed) || !(3..=20).contains(&digits) {
            return Err(FieldError::new(
                field,
                "must be a phone number: 3 to 20 digits with optional + - . ( ) / spaces and an ext.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Only the digits: how phone numbers are compared.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An e-mail address: one `@` between a non-empty local part and a dotted domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// An address with an invisible bidirectional control or zero-width space
    /// ([`super::text::is_deceptive`]) is refused.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.chars().any(super::text::is_deceptive) {
            return Err(FieldError::new(
                field,
                "must be an e-mail address such as media@aclu.org, without invisible characters",
            ));
        }
        Self::parse_recorded(field, raw)
    }

    /// [`Email::parse`] for an address read back from a version record (see
    /// [`super::Text::parse_recorded`]).
    pub fn parse_recorded(field: &str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let valid = match raw.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && raw.chars().count() <= 254
                    && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if !valid {
            return Err(FieldError::new(
                field,
                "must be an e-mail address such as media@aclu.org",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_phone_formats_seen_in_the_wild() {
        for raw in [
            "(786) 363-2737",
            "212-284-7388",
            "213.977.5252",
            "+1 202 675 2312",
            "212-549-2666 ext. 4",
        ] {
            assert!(Phone::parse("phone", raw).is_ok(), "{raw}");
        }
        assert_eq!(
            Phone::parse("phone", "(786) 363-2737").unwrap().digits(),
            "7863632737"
        );
    }

    #[test]
    fn rejects_what_is_not_a_phone_number() {
        for raw in ["", "12", "call us", "555-CALL-NOW", &"1".repeat(21)] {
            assert!(Phone::parse("phone", raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn checks_email_shape() {
        assert!(Email::parse("email", " media@aclu.org ").is_ok());
        for raw in [
            "",
            "media",
            "@aclu.org",
            "media@aclu",
            "media@.org",
            "me dia@aclu.org",
            "a@b@c.org",
            "media\u{200B}@aclu.org",
            "media@aclu\u{202E}gro.",
        ] {
            assert!(Email::parse("email", raw).is_err(), "{raw}");
        }
        // At most 254 characters, as documented, however many bytes they take.
        let local = |n| format!("{}@example.org", "é".repeat(n));
        assert!(Email::parse("email", &local(254 - 12)).is_ok());
        assert!(Email::parse("email", &local(255 - 12)).is_err());
    }

    #[test]
    fn a_contact_needs_at_least_one_part() {
        assert!(Contact::new(None, None, None, None).is_err());
        let office = Text::parse("organization", "ACLU of Florida Media Office", 300).unwrap();
        let contact = Contact::new(
            None,
            Some(office),
            Some(Phone::parse("phone", "(786) 363-2737").unwrap()),
            None,
        )
        .unwrap();
        assert_eq!(
            contact.match_terms(),
            ["aclu of florida media office", "7863632737"]
        );
    }
}
