//! Media contacts: the blocks under "Media Contact", "CONTACT:", "For more information
//! contact" and the like, split into people and offices with their phone numbers and e-mail
//! addresses. Postal addresses in such blocks are set aside: they are not contacts.

use super::boilerplate::is_furniture;
use super::dateline::find_dateline;
use super::dates::dates_in;
use super::document::{Document, Line};
use super::links::{find_emails, find_phones, has_phone, PhoneMatch};
use super::names::{classify_fragment, Fragment};
use super::tokens::{tokenize, Token, TokenKind};
use super::{floor_char_boundary, Boilerplate, ContactKind, MediaContact, Span};

/// Headings that open a contact block, lower case, longest first.
const HEADINGS: [&str; 18] = [
    "for more information, please contact",
    "for more information please contact",
    "for further information, contact",
    "for further information contact",
    "for more information, contact",
    "for more information contact",
    "for media inquiries, contact",
    "for media inquiries",
    "media contacts",
    "media contact",
    "press contacts",
    "press contact",
    "media inquiries",
    "press inquiries",
    "media relations",
    "contact information",
    "contacts",
    "contact",
];

/// Bytes enough to hold the longest heading.
const LONGEST_HEADING_BYTES: usize = 40;

/// Single words that label what follows on a contact line (`Phone:`, `E-mail`, `Fax`).
const LABELS: [&str; 22] = [
    "phone",
    "tel",
    "telephone",
    "cell",
    "mobile",
    "office",
    "direct",
    "main",
    "work",
    "email",
    "e-mail",
    "mail",
    "fax",
    "p",
    "t",
    "c",
    "m",
    "o",
    "e",
    "f",
    "ph",
    "web",
];

/// Lines past which a contact block does not run.
const MAX_BLOCK_LINES: usize = 16;

/// Whether a line opens a contact block, and where the contacts on the line itself begin (for
/// `CONTACT: Jane Doe, 212-…`).
fn heading(content: &str) -> Option<Option<usize>> {
    let bare = content.trim_start_matches(['*', '_', '#', ' ']);
    let skipped = content.len() - bare.len();
    let opening = bare
        .get(..floor_char_boundary(bare, LONGEST_HEADING_BYTES))
        .unwrap_or("");
    let prefix = HEADINGS.iter().find(|prefix| {
        opening
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    })?;
    let rest = bare.get(prefix.len()..)?;
    let after_marks = rest
        .trim_start_matches(['*', '_', ' ', ':', '-', '–', '—'])
        .trim_end_matches(['*', '_']);
    let had_colon = rest
        .trim_start_matches(['*', '_', ' '])
        .starts_with([':', '-', '–', '—']);
    if after_marks.trim().is_empty() {
        return Some(None);
    }
    let inline_allowed = had_colon || prefix.starts_with("for ") && rest.starts_with(' ');
    inline_allowed.then(|| Some(skipped + prefix.len() + (rest.len() - after_marks.len())))
}

/// A postal address line: `125 Broad Street`, `18th Floor`, `New York, NY 10004`, `United States`.
fn is_address_line(content: &str) -> bool {
    let tokens = tokenize(content, 0);
    let folded = content.to_lowercase();
    let starts_with_number = tokens
        .first()
        .is_some_and(|token| token.kind == TokenKind::Number)
        && tokens.get(1).is_some_and(Token::is_word);
    let ends_with_postal_code = matches!(
        tokens.as_slice(),
        [.., state, code] if state.is_all_caps() && state.text.len() == 2
            && code.kind == TokenKind::Number && code.text.len() == 5
    );
    let country = matches!(
        folded.trim_end_matches('.'),
        "united states" | "usa" | "u.s.a" | "united states of america"
    );
    let postal_words = [
        "suite ", "floor", "p.o. box", "po box", " street", " avenue", " ave.", " blvd",
    ]
    .iter()
    .any(|word| folded.contains(word));
    starts_with_number || ends_with_postal_code || country || postal_words
}

#[derive(Debug)]
enum Item {
    Fragment(Fragment, Span),
    Label { fax: bool },
    Phone(PhoneMatch),
    Email(String, Span),
}

/// The items of one contact line, in order.
fn items_of_line(text: &str, span: Span) -> Vec<Item> {
    let Some(line) = text.get(span.start..span.end) else {
        return Vec::new();
    };
    let mut located: Vec<(Span, Item)> = Vec::new();
    for phone in find_phones(line, span.start) {
        located.push((phone.span, Item::Phone(phone)));
    }
    for (email, email_span) in find_emails(line, span.start) {
        located.push((email_span, Item::Email(email, email_span)));
    }
    located.sort_by_key(|(located_span, _)| located_span.start);
    let mut items = Vec::new();
    let mut cursor = span.start;
    let gaps: Vec<Span> = located
        .iter()
        .map(|(located_span, _)| {
            let gap = Span::new(cursor, located_span.start.max(cursor));
            cursor = cursor.max(located_span.end);
            gap
        })
        .collect();
    let last_gap = Span::new(cursor, span.end.max(cursor));
    for (gap, (_, item)) in gaps.into_iter().zip(located) {
        items.extend(fragments(text, gap));
        items.push(item);
    }
    items.extend(fragments(text, last_gap));
    items
}

fn is_split_mark(token: &Token) -> bool {
    let marks = [',', ';', '|', '/', '•', '·', ':', '(', ')', '[', ']', '–', '—'];
    token.kind == TokenKind::Punct
        && (marks.iter().any(|mark| token.is_punct(*mark)) || token.is_punct('-') && token.space_before)
        || token.is_word() && matches!(token.text, "or" | "and" | "at")
}

/// The fragments of the text between phone numbers and e-mail addresses.
fn fragments(text: &str, gap: Span) -> Vec<Item> {
    let Some(slice) = text.get(gap.start..gap.end) else {
        return Vec::new();
    };
    let tokens = tokenize(slice, gap.start);
    tokens
        .split(is_split_mark)
        .filter(|group| group.iter().any(|token| token.kind != TokenKind::Punct))
        .filter_map(|group| {
            let span = Span::new(group.first()?.span.start, group.last()?.span.end);
            if let [only] = group
                .iter()
                .filter(|token| token.kind != TokenKind::Punct)
                .collect::<Vec<_>>()
                .as_slice()
            {
                let folded = only.folded();
                if LABELS.contains(&folded.as_str()) {
                    return Some(Item::Label {
                        fax: folded == "fax" || folded == "f",
                    });
                }
            }
            Some(Item::Fragment(classify_fragment(text, group), span))
        })
        .collect()
}

#[derive(Debug, Default)]
struct Draft {
    name: Option<String>,
    organization: Option<String>,
    role: Option<String>,
    phone: Option<PhoneMatch>,
    email: Option<String>,
    span: Option<Span>,
}

impl Draft {
    fn reached(&self) -> bool {
        self.phone.is_some() || self.email.is_some()
    }

    fn cover(&mut self, span: Span) {
        self.span = Some(self.span.map_or(span, |current| {
            Span::new(current.start.min(span.start), current.end.max(span.end))
        }));
    }

    fn finish(self) -> Option<MediaContact> {
        if !self.reached() && self.name.is_none() {
            return None;
        }
        let span = self.span?;
        let valid_phone = self.phone.as_ref().is_some_and(|phone| phone.e164.is_some());
        let confidence =
            0.5 + if valid_phone || self.email.is_some() {
                0.3
            } else {
                0.0
            } + if self.name.is_some() || self.organization.is_some() {
                0.15
            } else {
                0.0
            };
        Some(MediaContact {
            kind: if self.name.is_some() {
                ContactKind::Person
            } else {
                ContactKind::Office
            },
            name: self.name,
            organization: self.organization,
            role: self.role,
            phone: self.phone.as_ref().map(|phone| phone.raw.clone()),
            phone_e164: self.phone.and_then(|phone| phone.e164),
            email: self.email,
            span,
            confidence,
        })
    }
}

/// Contacts from the items of one block: a new contact starts when a name (or an
/// organization) comes after the current contact already has a way to be reached.
fn assemble(items: Vec<Item>) -> Vec<MediaContact> {
    let mut contacts = Vec::new();
    let mut draft = Draft::default();
    let mut next_is_fax = false;
    for item in items {
        match item {
            Item::Label { fax } => next_is_fax = fax,
            Item::Fragment(Fragment::Person(name), span) => {
                if draft.name.is_some() || draft.reached() {
                    contacts.extend(std::mem::take(&mut draft).finish());
                }
                draft.name = Some(name);
                draft.cover(span);
            }
            Item::Fragment(Fragment::Organization(organization), span) => {
                if draft.reached() || draft.organization.is_some() && draft.name.is_some() {
                    contacts.extend(std::mem::take(&mut draft).finish());
                }
                if draft.organization.is_none() {
                    draft.organization = Some(organization);
                    draft.cover(span);
                }
            }
            Item::Fragment(Fragment::Role(role), span) => {
                if draft.role.is_none() {
                    draft.role = Some(role);
                    draft.cover(span);
                }
            }
            Item::Fragment(Fragment::Other, _) => {}
            Item::Phone(phone) => {
                if !std::mem::take(&mut next_is_fax) && draft.phone.is_none() {
                    draft.cover(phone.span);
                    draft.phone = Some(phone);
                }
            }
            Item::Email(email, span) => {
                if draft.email.is_some() {
                    contacts.extend(std::mem::take(&mut draft).finish());
                }
                draft.email = Some(email);
                draft.cover(span);
            }
        }
    }
    contacts.extend(draft.finish());
    contacts
}

/// What the contact search found: the contacts, and the spans of the headings and blocks
/// (which other extractors leave alone).
#[derive(Debug, Default)]
pub struct ContactFindings {
    pub contacts: Vec<MediaContact>,
    pub headings: Vec<Span>,
    pub blocks: Vec<Span>,
}

fn ends_block(document: &Document, line: &Line) -> bool {
    let content = document.content(line);
    let tokens = document.tokens_of(line);
    let is_date = dates_in(tokens)
        .first()
        .is_some_and(|(_, range)| range.start == 0);
    is_date
        || heading(content).is_some()
        || find_dateline(document.text, tokens).is_some()
        || content.split_whitespace().count() > 30
}

fn reachable(document: &Document, line: &Line) -> bool {
    let content = document.content(line);
    has_phone(content) || !find_emails(content, 0).is_empty()
}

/// The lines of the block a heading on line `heading_line` opens: the rest of its paragraph,
/// or the next paragraph when the heading stands alone, then any following short paragraphs
/// that still hold a phone number or an e-mail address.
fn block_lines(document: &Document, heading_line: usize) -> Vec<Line> {
    let mut block = Vec::new();
    let lines = &document.lines;
    let mut index = heading_line + 1;
    while lines.get(index).is_some_and(|line| !line.content.is_empty()) {
        block.extend(lines.get(index).copied());
        index += 1;
    }
    let mut first_paragraph = block.is_empty();
    loop {
        while lines.get(index).is_some_and(|line| line.content.is_empty()) {
            index += 1;
        }
        let start = index;
        while lines.get(index).is_some_and(|line| !line.content.is_empty()) {
            index += 1;
        }
        let paragraph = lines.get(start..index).unwrap_or(&[]);
        let short = paragraph.len() <= 6 && paragraph.iter().all(|line| line.content.len() <= 160);
        let continues = first_paragraph || short && paragraph.iter().any(|line| reachable(document, line));
        if paragraph.is_empty() || !continues || block.len() >= MAX_BLOCK_LINES {
            break;
        }
        let kept: Vec<Line> = paragraph
            .iter()
            .take_while(|line| !ends_block(document, line))
            .copied()
            .collect();
        let stopped = kept.len() < paragraph.len();
        block.extend(kept);
        if stopped {
            break;
        }
        first_paragraph = false;
    }
    block.retain(|line| !ends_block(document, line));
    block.truncate(MAX_BLOCK_LINES);
    block
}

/// Every media contact of the document.
pub fn find_contacts(document: &Document, boilerplate: &[Boilerplate]) -> ContactFindings {
    let mut findings = ContactFindings::default();
    let mut index = 0;
    while let Some(line) = document.lines.get(index) {
        index += 1;
        let content = document.content(line);
        let Some(inline_start) = heading(content) else {
            continue;
        };
        if is_furniture(boilerplate, line.content) {
            continue;
        }
        findings.headings.push(line.content);
        let mut spans: Vec<Span> = Vec::new();
        if let Some(offset) = inline_start {
            spans.push(Span::new(line.content.start + offset, line.content.end));
        }
        let following = block_lines(document, index - 1);
        let consumed = following.last().map_or(index, |last| {
            document
                .lines
                .iter()
                .position(|candidate| candidate == last)
                .map_or(index, |position| position + 1)
        });
        spans.extend(
            following
                .iter()
                .filter(|line| !is_address_line(document.content(line)) || reachable(document, line))
                .map(|line| line.content),
        );
        let items: Vec<Item> = spans
            .iter()
            .flat_map(|span| items_of_line(document.text, *span))
            .collect();
        findings.contacts.extend(assemble(items));
        if let (Some(first), Some(last)) = (following.first(), following.last()) {
            findings
                .blocks
                .push(Span::new(first.content.start, last.content.end));
        }
        index = index.max(consumed);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ContentKind;

    type Expected<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>);

    fn contacts(text: &str) -> Vec<[Option<String>; 4]> {
        let document = Document::new(text, ContentKind::Plain, &[]);
        find_contacts(&document, &[])
            .contacts
            .into_iter()
            .map(|contact| [contact.name, contact.organization, contact.phone, contact.email])
            .collect()
    }

    fn owned(expected: &[Expected]) -> Vec<[Option<String>; 4]> {
        expected
            .iter()
            .map(|(name, organization, phone, email)| {
                [name, organization, phone, email].map(|value| value.map(str::to_owned))
            })
            .collect()
    }

    #[test]
    fn splits_contact_blocks_into_people_and_offices() {
        let cases: &[(&str, &[Expected], &str)] = &[
            (
                "Media Contact\n\nACLU of Florida Media Office,, (786) 363-2737 or Ryan Karerat, 212-284-7388,\n\nAugust 16, 2017",
                &[
                    (None, Some("ACLU of Florida Media Office"), Some("(786) 363-2737"), None),
                    (Some("Ryan Karerat"), None, Some("212-284-7388"), None),
                ],
                "two contacts on one line",
            ),
            (
                "Media contact: ACLU: Jane Doe, media@aclu.org",
                &[(Some("Jane Doe"), Some("ACLU"), None, Some("media@aclu.org"))],
                "organization and person together",
            ),
            (
                "Media Contact\n125 Broad Street\n18th Floor\nNew York, NY 10004\nUnited States\n\nWASHINGTON — The body.",
                &[],
                "an address is no contact",
            ),
            (
                "CONTACT:\nJane Doe\nFlorida Immigrant Coalition\n213.977.5252\njane@example.org\n\nJohn Roe\n+1 202 675 2312",
                &[
                    (Some("Jane Doe"), Some("Florida Immigrant Coalition"), Some("213.977.5252"), Some("jane@example.org")),
                    (Some("John Roe"), None, Some("+1 202 675 2312"), None),
                ],
                "one item a line, two paragraphs",
            ),
            (
                "For more information contact Jane Doe at (202) 675-2312 or jdoe@example.org.",
                &[(Some("Jane Doe"), None, Some("(202) 675-2312"), Some("jdoe@example.org"))],
                "inline sentence",
            ),
            (
                "Contact your representatives today and tell them to vote no.",
                &[],
                "a call to action is not a heading",
            ),
            (
                "Press contact: Jane Doe, Communications Director, (202) 675-2312, fax 202-675-2313",
                &[(Some("Jane Doe"), None, Some("(202) 675-2312"), None)],
                "a fax number is not the phone",
            ),
        ];
        for (text, expected, message) in cases {
            assert_eq!(contacts(text), owned(expected), "{message}");
        }
    }

    #[test]
    fn recognises_headings() {
        let cases = [
            ("Media Contact", Some(None), "heading alone"),
            ("**Media Contacts:**", Some(None), "markdown heading with colon"),
            ("CONTACT: Jane Doe", Some(Some(9)), "inline"),
            ("For more information contact Jane", Some(Some(29)), "sentence"),
            ("Contact your representatives", None, "verb"),
            ("Contact Us", None, "navigation link"),
        ];
        for (line, expected, message) in cases {
            assert_eq!(heading(line), expected, "{message}: {line}");
        }
    }

    #[test]
    fn recognises_address_lines() {
        let cases = [
            ("125 Broad Street", true, "street"),
            ("18th Floor", true, "floor"),
            ("New York, NY 10004", true, "city, state and code"),
            ("United States", true, "country"),
            ("Ryan Karerat", false, "a name"),
            ("(786) 363-2737", false, "a phone number"),
        ];
        for (line, expected, message) in cases {
            assert_eq!(is_address_line(line), expected, "{message}: {line}");
        }
    }
}
