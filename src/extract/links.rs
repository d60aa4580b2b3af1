//! URLs, e-mail addresses and phone numbers in running text. `linkify` finds URLs and e-mail
//! addresses (with trailing punctuation and brackets handled); phone numbers are found by a
//! scanner and normalized to E.164 by `phonenumber` (libphonenumber's rules, default region US).

use linkify::{LinkFinder, LinkKind};
use phonenumber::country::Id;

use super::Span;

/// URLs with a scheme (`https://…`) or starting with `www.`, in text order.
pub fn find_urls(text: &str) -> Vec<(String, Span)> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    finder
        .links(text)
        .filter(|link| {
            let url = link.as_str();
            url.contains("://")
                || url
                    .get(..4)
                    .is_some_and(|start| start.eq_ignore_ascii_case("www."))
        })
        .map(|link| (link.as_str().to_owned(), Span::new(link.start(), link.end())))
        .collect()
}

/// E-mail addresses in `text`, whose first byte is at `offset`.
pub fn find_emails(text: &str, offset: usize) -> Vec<(String, Span)> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Email]);
    finder
        .links(text)
        .map(|link| {
            (
                link.as_str().to_owned(),
                Span::new(offset + link.start(), offset + link.end()),
            )
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneMatch {
    /// As written: `(786) 363-2737`.
    pub raw: String,
    /// `+17863632737`, when the number is a valid one.
    pub e164: Option<String>,
    pub span: Span,
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}' | '‑' | '–')
}

/// The number's E.164 form if libphonenumber holds it valid (a US number without `+1`).
pub fn e164(raw: &str) -> Option<String> {
    let number = phonenumber::parse(Some(Id::US), raw).ok()?;
    phonenumber::is_valid(&number).then(|| number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Whether a run of digits is a phone number's worth: ten, eleven starting with 1, or eight
/// to fifteen after a `+`.
fn has_phone_digits(digits: &str, international: bool) -> bool {
    match digits.len() {
        10 => true,
        11 => international || digits.starts_with('1'),
        8..=15 => international,
        _ => false,
    }
}

/// Phone numbers in `text`, whose first byte is at `offset`, as written and normalized:
/// `(786) 363-2737`, `212-284-7388`, `213.977.5252`, `+1 202 675 2312`.
pub fn find_phones(text: &str, offset: usize) -> Vec<PhoneMatch> {
    phone_spans(text)
        .into_iter()
        .filter_map(|span| {
            let raw = text.get(span.start..span.end)?;
            Some(PhoneMatch {
                raw: raw.to_owned(),
                e164: e164(raw),
                span: Span::new(offset + span.start, offset + span.end),
            })
        })
        .collect()
}

/// Whether `text` holds a phone number, without normalizing it.
pub fn has_phone(text: &str) -> bool {
    !phone_spans(text).is_empty()
}

/// Where the phone numbers of `text` are, relative to `text`.
fn phone_spans(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let starts_number = (c.is_ascii_digit() || c == '+' || c == '(')
            && !previous.is_some_and(|before| before.is_alphanumeric() || before == '+' || before == '.');
        previous = Some(c);
        if !starts_number {
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut digits: String = c.is_ascii_digit().then_some(c).into_iter().collect();
        let mut separators_in_a_row = 0;
        while let Some(&(position, next)) = chars.peek() {
            if next.is_ascii_digit() {
                digits.push(next);
                separators_in_a_row = 0;
                end = position + next.len_utf8();
            } else if is_separator(next) && separators_in_a_row < 2 {
                separators_in_a_row += 1;
            } else {
                break;
            }
            previous = Some(next);
            chars.next();
            if digits.len() > 15 {
                break;
            }
        }
        let after = text.get(end..).and_then(|rest| rest.chars().next());
        if after.is_some_and(|next| next.is_alphanumeric()) || !has_phone_digits(&digits, c == '+') {
            continue;
        }
        found.push(Span::new(start, end));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phone_numbers_as_written() {
        // The text, each number found as written with its E.164 form, and what the case shows.
        type Case<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)], &'a str);
        let cases: &[Case] = &[
            (
                "call (786) 363-2737 or",
                &[("(786) 363-2737", Some("+17863632737"))],
                "parentheses",
            ),
            (
                "Ryan, 212-284-7388,",
                &[("212-284-7388", Some("+12122847388"))],
                "hyphens",
            ),
            ("213.977.5252", &[("213.977.5252", Some("+12139775252"))], "dots"),
            (
                "+1 202 675 2312",
                &[("+1 202 675 2312", Some("+12026752312"))],
                "international",
            ),
            (
                "1-800-555-0199",
                &[("1-800-555-0199", Some("+18005550199"))],
                "leading one",
            ),
            (
                "555-555-5555",
                &[("555-555-5555", None)],
                "a fictional number has no E.164 form",
            ),
            ("New York, NY 10004", &[], "a postal code"),
            ("on 2017-08-16 at", &[], "a date"),
            ("case no. 1:17-cv-04321", &[], "a docket number"),
            (
                "(786) 363-2737 or 212-284-7388",
                &[
                    ("(786) 363-2737", Some("+17863632737")),
                    ("212-284-7388", Some("+12122847388")),
                ],
                "two numbers",
            ),
            ("ID A2122847388", &[], "digits glued to letters"),
        ];
        for (text, expected, message) in cases {
            let found: Vec<(String, Option<String>)> = find_phones(text, 0)
                .into_iter()
                .map(|phone| (phone.raw, phone.e164))
                .collect();
            let expected: Vec<(String, Option<String>)> = expected
                .iter()
                .map(|(raw, e164)| ((*raw).to_owned(), e164.map(str::to_owned)))
                .collect();
            assert_eq!(found, expected, "{message}: {text}");
        }
    }

    #[test]
    fn finds_urls_with_a_scheme_or_www() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "here:\nhttps://www.aclu.org/blog/x-y",
                &["https://www.aclu.org/blog/x-y"],
                "https",
            ),
            (
                "(see www.example.org/page).",
                &["www.example.org/page"],
                "www in brackets",
            ),
            ("Sessions.He said report.pdf", &[], "no scheme, no www"),
            ("mail media@aclu.org", &[], "an e-mail address is not a URL"),
        ];
        for (text, expected, message) in cases {
            let found: Vec<String> = find_urls(text).into_iter().map(|(url, _)| url).collect();
            assert_eq!(found, *expected, "{message}");
        }
    }

    #[test]
    fn finds_email_addresses() {
        let found = find_emails("ACLU: Jane Doe, media@aclu.org.", 10);
        assert_eq!(found, vec![("media@aclu.org".to_owned(), Span::new(26, 40))]);
    }
}
