//! Page furniture that is not part of the statement: browser warnings, archive notices, form
//! consent, sign-up and share prompts, navigation, form labels, activity feeds, image captions
//! the publisher's "about" paragraph and the page's tail of teasers, found by the phrases such
//! furniture is made of and by where it stands.

use std::sync::LazyLock;

use super::document::{Document, Line};
use super::phrases::PhraseSet;
use super::{Boilerplate, BoilerplateReason, Span};

/// Phrases that make their whole paragraph furniture, wherever they stand in it.
const PARAGRAPH_PHRASES: [(&str, BoilerplateReason); 37] = [
    ("outdated browser", BoilerplateReason::OutdatedBrowser),
    ("upgrade your browser", BoilerplateReason::OutdatedBrowser),
    ("update your browser", BoilerplateReason::OutdatedBrowser),
    ("browser is not supported", BoilerplateReason::OutdatedBrowser),
    ("browser is out of date", BoilerplateReason::OutdatedBrowser),
    ("unsupported browser", BoilerplateReason::OutdatedBrowser),
    ("enable javascript", BoilerplateReason::OutdatedBrowser),
    ("javascript is disabled", BoilerplateReason::OutdatedBrowser),
    ("this is an archived", BoilerplateReason::ArchiveNotice),
    ("archived page", BoilerplateReason::ArchiveNotice),
    ("archived article", BoilerplateReason::ArchiveNotice),
    ("archived content", BoilerplateReason::ArchiveNotice),
    ("archived story", BoilerplateReason::ArchiveNotice),
    ("wayback machine", BoilerplateReason::ArchiveNotice),
    ("internet archive", BoilerplateReason::ArchiveNotice),
    ("has been archived", BoilerplateReason::ArchiveNotice),
    ("no longer being updated", BoilerplateReason::ArchiveNotice),
    ("this page is no longer updated", BoilerplateReason::ArchiveNotice),
    ("by completing this form", BoilerplateReason::FormConsent),
    ("by submitting this form", BoilerplateReason::FormConsent),
    ("by clicking", BoilerplateReason::FormConsent),
    ("i agree to receive", BoilerplateReason::FormConsent),
    ("you agree to receive", BoilerplateReason::FormConsent),
    ("by providing your", BoilerplateReason::FormConsent),
    ("message and data rates", BoilerplateReason::FormConsent),
    ("sign up for email", BoilerplateReason::EmailSignup),
    ("get email updates", BoilerplateReason::EmailSignup),
    ("sign up to receive", BoilerplateReason::EmailSignup),
    ("join our mailing list", BoilerplateReason::EmailSignup),
    ("subscribe to our newsletter", BoilerplateReason::EmailSignup),
    ("(credit:", BoilerplateReason::ImageCaption),
    ("(photo:", BoilerplateReason::ImageCaption),
    ("is a nonprofit", BoilerplateReason::AboutPublisher),
    ("whose mission is", BoilerplateReason::AboutPublisher),
    ("to stop receiving these emails", BoilerplateReason::EmailSignup),
    ("unsubscribe here", BoilerplateReason::EmailSignup),
    ("all rights reserved", BoilerplateReason::Copyright),
];

/// Openings of short lines that are furniture.
const LINE_OPENINGS: [(&str, BoilerplateReason); 24] = [
    ("sign up for", BoilerplateReason::EmailSignup),
    ("subscribe to", BoilerplateReason::EmailSignup),
    ("share this", BoilerplateReason::SharePrompt),
    ("share on", BoilerplateReason::SharePrompt),
    ("share:", BoilerplateReason::SharePrompt),
    ("tweet this", BoilerplateReason::SharePrompt),
    ("the latest in", BoilerplateReason::Navigation),
    ("learn more", BoilerplateReason::Navigation),
    ("read more", BoilerplateReason::Navigation),
    ("related", BoilerplateReason::Navigation),
    ("more from", BoilerplateReason::Navigation),
    ("skip to", BoilerplateReason::Navigation),
    ("back to", BoilerplateReason::Navigation),
    ("see all", BoilerplateReason::Navigation),
    ("view all", BoilerplateReason::Navigation),
    ("you are here", BoilerplateReason::Navigation),
    ("most popular", BoilerplateReason::Navigation),
    ("photo by", BoilerplateReason::ImageCaption),
    ("photo credit", BoilerplateReason::ImageCaption),
    ("recent participants", BoilerplateReason::ActivityFeed),
    ("recent signers", BoilerplateReason::ActivityFeed),
    ("recent activity", BoilerplateReason::ActivityFeed),
    ("about the ", BoilerplateReason::AboutPublisher),
    ("about us", BoilerplateReason::AboutPublisher),
];

/// Openings of a form's instructions, which may run to a sentence.
const FORM_INSTRUCTIONS: [&str; 6] = [
    "use the form",
    "lookup your",
    "look up your",
    "fill out the form",
    "enter your",
    "complete the form",
];

/// The most words a form's instruction may have.
const INSTRUCTION_WORDS: usize = 20;

/// Short lines that are furniture when they are all the line says.
const WHOLE_LINES: [(&str, BoilerplateReason); 29] = [
    ("home", BoilerplateReason::Navigation),
    ("menu", BoilerplateReason::Navigation),
    ("search", BoilerplateReason::Navigation),
    ("main menu", BoilerplateReason::Navigation),
    ("next", BoilerplateReason::Navigation),
    ("previous", BoilerplateReason::Navigation),
    ("donate", BoilerplateReason::CallToAction),
    ("donate now", BoilerplateReason::CallToAction),
    ("act now", BoilerplateReason::CallToAction),
    ("sign now", BoilerplateReason::CallToAction),
    ("add your name", BoilerplateReason::CallToAction),
    ("take action", BoilerplateReason::CallToAction),
    ("take action now", BoilerplateReason::CallToAction),
    ("send your message", BoilerplateReason::CallToAction),
    ("send your message now", BoilerplateReason::CallToAction),
    ("sign the petition", BoilerplateReason::CallToAction),
    ("sign the petition now", BoilerplateReason::CallToAction),
    ("share", BoilerplateReason::SharePrompt),
    ("print", BoilerplateReason::SharePrompt),
    ("your message", BoilerplateReason::FormField),
    ("your name", BoilerplateReason::FormField),
    ("first name", BoilerplateReason::FormField),
    ("last name", BoilerplateReason::FormField),
    ("email address", BoilerplateReason::FormField),
    ("email", BoilerplateReason::FormField),
    ("zip code", BoilerplateReason::FormField),
    ("phone number", BoilerplateReason::FormField),
    ("submit", BoilerplateReason::FormField),
    ("required", BoilerplateReason::FormField),
];

/// Endings of short lines that are an image's alternative text (`Immigration issue image`).
const IMAGE_ENDINGS: [&str; 5] = [" image", " photo", " thumbnail", " icon", " logo"];

/// Longer lines are prose, never a label, a link or an instruction.
const MAX_LINE_BYTES: usize = 200;

/// The most words a line may have to be taken for a label, a button or a link.
const SHORT_LINE_WORDS: usize = 8;

/// `[First Name] [Last Name]`, `[The Form Label field is hidden]`: placeholders only.
fn is_bracketed_only(content: &str) -> bool {
    let mut rest = content.trim();
    if rest.is_empty() {
        return false;
    }
    while let Some(inner) = rest.strip_prefix('[') {
        match inner.find(']') {
            Some(close) => rest = inner.get(close + 1..).unwrap_or("").trim_start(),
            None => return false,
        }
    }
    rest.is_empty()
}

/// Separators of a breadcrumb trail (`Home > News > Statements`, `Home / Press`).
const CRUMB_SEPARATORS: [&str; 5] = [" > ", " / ", " › ", " » ", " | "];

/// A breadcrumb trail: short items between separators, starting at `Home` or with two
/// separators at least.
fn is_breadcrumb(content: &str) -> bool {
    let holds_data = content.contains(|c: char| c.is_ascii_digit() || c == '@' || c == ':');
    if content.len() > MAX_LINE_BYTES || holds_data || !content.contains(['>', '/', '›', '»', '|']) {
        return false;
    }
    let separators = CRUMB_SEPARATORS
        .iter()
        .map(|separator| content.matches(separator).count())
        .sum::<usize>();
    let items_are_short = content
        .split(|c| ['>', '/', '›', '»', '|'].contains(&c))
        .all(|item| (1..=4).contains(&item.split_whitespace().count()));
    let from_home = content.to_lowercase().starts_with("home") && separators >= 1;
    items_are_short && (separators >= 2 || from_home)
}

fn line_reason(content: &str) -> Option<BoilerplateReason> {
    if is_bracketed_only(content) {
        return Some(BoilerplateReason::FormField);
    }
    if content.starts_with('©') || content.to_lowercase().starts_with("copyright ©") {
        return Some(BoilerplateReason::Copyright);
    }
    if is_breadcrumb(content) {
        return Some(BoilerplateReason::Navigation);
    }
    if content.len() > MAX_LINE_BYTES {
        return None;
    }
    let words = content.split_whitespace().count();
    let folded = content.to_lowercase();
    if words <= INSTRUCTION_WORDS
        && FORM_INSTRUCTIONS
            .iter()
            .any(|opening| folded.starts_with(opening))
    {
        return Some(BoilerplateReason::FormField);
    }
    if words > SHORT_LINE_WORDS {
        return None;
    }
    let bare = folded.trim_end_matches(['.', '!', ':', '»', '›', '>', ' ']);
    if let Some((_, reason)) = WHOLE_LINES.iter().find(|(line, _)| *line == bare) {
        return Some(*reason);
    }
    let link_like = !content.ends_with('.');
    if let Some((_, reason)) = LINE_OPENINGS
        .iter()
        .filter(|(_, reason)| link_like || *reason != BoilerplateReason::Navigation)
        .find(|(opening, _)| bare.starts_with(opening))
    {
        return Some(*reason);
    }
    (link_like && IMAGE_ENDINGS.iter().any(|ending| bare.ends_with(ending)))
        .then_some(BoilerplateReason::ImageCaption)
}

static PARAGRAPH_PHRASE_SET: LazyLock<PhraseSet> =
    LazyLock::new(|| PhraseSet::new(PARAGRAPH_PHRASES.iter().map(|(phrase, _)| *phrase)));

fn paragraph_reason(text: &str) -> Option<BoilerplateReason> {
    let first = PARAGRAPH_PHRASE_SET.first_listed_in(text)?;
    PARAGRAPH_PHRASES.get(first).map(|(_, reason)| *reason)
}

/// Furniture that shows the statement has ended and the page's own widgets have begun.
const PAGE_WIDGETS: [BoilerplateReason; 5] = [
    BoilerplateReason::FormConsent,
    BoilerplateReason::EmailSignup,
    BoilerplateReason::SharePrompt,
    BoilerplateReason::Navigation,
    BoilerplateReason::ActivityFeed,
];

/// The most words a paragraph of the page's tail may have: teasers and section headings.
const TAIL_PARAGRAPH_WORDS: usize = 60;

/// Once a page widget stands in the second half of the document and only short paragraphs
/// without quotations or contacts follow it, those paragraphs (and the lines after the widget
/// in its own paragraph) are the page's tail: teasers, section headings and blurbs of other
/// content.
fn page_tail(document: &Document, found: &[Boilerplate]) -> Vec<Boilerplate> {
    let half = document.text.len() / 2;
    let Some(widget) = found
        .iter()
        .find(|item| item.span.start >= half && PAGE_WIDGETS.contains(&item.reason))
    else {
        return Vec::new();
    };
    let after: Vec<Span> = document
        .paragraphs
        .iter()
        .filter(|paragraph| paragraph.span.end > widget.span.end)
        .filter_map(|paragraph| {
            let rest = document
                .lines_of(paragraph)
                .iter()
                .find(|line| line.content.start > widget.span.end)?;
            Some(Span::new(rest.content.start, paragraph.span.end))
        })
        .collect();
    let is_tail = |span: &Span| {
        let text = document.slice(*span);
        let folded = text.to_lowercase();
        text.split_whitespace().count() <= TAIL_PARAGRAPH_WORDS
            && !text.contains(['“', '”', '"', '@'])
            && !folded.contains("contact")
    };
    if !after.iter().all(is_tail) {
        return Vec::new();
    }
    after
        .into_iter()
        .filter(|span| {
            !found
                .iter()
                .any(|item| item.span.contains(*span) || span.contains(item.span))
        })
        .map(|span| Boilerplate {
            reason: BoilerplateReason::RelatedContent,
            span,
            confidence: 0.6,
        })
        .collect()
}

/// The furniture of a document, in text order.
pub fn find_boilerplate(document: &Document) -> Vec<Boilerplate> {
    let mut found = paragraph_and_line_furniture(document);
    found.extend(page_tail(document, &found));
    found.sort_by_key(|item| item.span.start);
    found
}

fn paragraph_and_line_furniture(document: &Document) -> Vec<Boilerplate> {
    let mut found = Vec::new();
    for paragraph in &document.paragraphs {
        if let Some(reason) = paragraph_reason(document.slice(paragraph.span)) {
            found.push(Boilerplate {
                reason,
                span: paragraph.span,
                confidence: 0.85,
            });
            continue;
        }
        let lines: &[Line] = document.lines_of(paragraph);
        for line in lines {
            if let Some(reason) = line_reason(document.content(line)) {
                found.push(Boilerplate {
                    reason,
                    span: line.content,
                    confidence: 0.75,
                });
            }
        }
    }
    found
}

/// Whether `span` lies inside furniture.
pub fn is_furniture(boilerplate: &[Boilerplate], span: Span) -> bool {
    boilerplate.iter().any(|item| item.span.contains(span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ContentKind;

    #[test]
    fn recognises_furniture_lines() {
        let cases: &[(&str, Option<BoilerplateReason>, &str)] = &[
            (
                "[First Name] [Last Name]",
                Some(BoilerplateReason::FormField),
                "placeholders",
            ),
            (
                "[The Form Label field is hidden on message forms]",
                Some(BoilerplateReason::FormField),
                "label",
            ),
            ("Your Message", Some(BoilerplateReason::FormField), "form label"),
            (
                "Use the form to send a message to your commissioner.",
                Some(BoilerplateReason::FormField),
                "form instruction",
            ),
            ("Take Action Now", Some(BoilerplateReason::CallToAction), "button"),
            (
                "Send your message now.",
                Some(BoilerplateReason::CallToAction),
                "button sentence",
            ),
            (
                "Recent participants",
                Some(BoilerplateReason::ActivityFeed),
                "activity feed",
            ),
            (
                "The latest in Immigrants' Rights",
                Some(BoilerplateReason::Navigation),
                "section link",
            ),
            (
                "Learn More About Voting Rights",
                Some(BoilerplateReason::Navigation),
                "section link",
            ),
            (
                "Immigration Rights issue image",
                Some(BoilerplateReason::ImageCaption),
                "alternative text",
            ),
            (
                "Share this page",
                Some(BoilerplateReason::SharePrompt),
                "share prompt",
            ),
            (
                "Read more at our website.",
                None,
                "a sentence that starts like a link",
            ),
            (
                "Home > News > Statements",
                Some(BoilerplateReason::Navigation),
                "breadcrumb",
            ),
            (
                "Home / Press",
                Some(BoilerplateReason::Navigation),
                "breadcrumb from home",
            ),
            (
                "© 2024 Justice Now",
                Some(BoilerplateReason::Copyright),
                "copyright line",
            ),
            (
                "Miami / Dade and Broward counties agreed",
                None,
                "a slash in prose",
            ),
            (
                "Media Contact: Jane Doe | 202-675-2312 | jdoe@example.org",
                None,
                "a contact line is no breadcrumb",
            ),
            ("[Bracketed] then words", None, "text after a bracket"),
            (
                "Related to this case, the court ruled on Monday that the policy was unlawful",
                None,
                "long prose",
            ),
            (
                "Take Action: Tell Congress to Protect Voters",
                None,
                "a headline that starts like a button",
            ),
            ("We support the photo.", None, "a sentence"),
        ];
        for (line, expected, message) in cases {
            assert_eq!(line_reason(line), *expected, "{message}: {line}");
        }
    }

    #[test]
    fn recognises_furniture_paragraphs() {
        let cases: &[(&str, Option<BoilerplateReason>, &str)] = &[
            (
                "Notice: you are using an outdated browser. Please upgrade.",
                Some(BoilerplateReason::OutdatedBrowser),
                "browser warning",
            ),
            (
                "This is an archived article and may be outdated.",
                Some(BoilerplateReason::ArchiveNotice),
                "archive",
            ),
            (
                "By completing this form, I agree to receive occasional emails.",
                Some(BoilerplateReason::FormConsent),
                "consent",
            ),
            (
                "Sign up for email updates, and join us at meetings.",
                Some(BoilerplateReason::EmailSignup),
                "sign up",
            ),
            (
                "Jane Doe speaks in Miami. (Credit: CNN)",
                Some(BoilerplateReason::ImageCaption),
                "caption",
            ),
            (
                "The ACLU is a nonprofit organization.",
                Some(BoilerplateReason::AboutPublisher),
                "about",
            ),
            (
                "The court ruled today that the policy is unlawful.",
                None,
                "the statement itself",
            ),
        ];
        for (text, expected, message) in cases {
            assert_eq!(paragraph_reason(text), *expected, "{message}");
        }
    }

    #[test]
    fn marks_the_page_tail_after_its_widgets() {
        let text = "Headline\n\nThe statement itself, long enough to be the body of the page.\n\n\
            Sign up for email updates\n\nOur Vision\n\nA teaser for another story";
        let document = Document::new(text, ContentKind::Plain, &[]);
        let found: Vec<(&str, BoilerplateReason)> = find_boilerplate(&document)
            .iter()
            .map(|item| (document.slice(item.span), item.reason))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Sign up for email updates", BoilerplateReason::EmailSignup),
                ("Our Vision", BoilerplateReason::RelatedContent),
                ("A teaser for another story", BoilerplateReason::RelatedContent),
            ]
        );
        let listed = "Headline\n\nThe statement itself, long enough to be the body of the page.\n\n\
            Related Articles\nClark Votes to Protect Social Security";
        let document = Document::new(listed, ContentKind::Plain, &[]);
        let found: Vec<(&str, BoilerplateReason)> = find_boilerplate(&document)
            .iter()
            .map(|item| (document.slice(item.span), item.reason))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Related Articles", BoilerplateReason::Navigation),
                (
                    "Clark Votes to Protect Social Security",
                    BoilerplateReason::RelatedContent
                ),
            ],
            "teasers listed under their heading"
        );
        let quoted =
            "Headline\n\nBody of the statement here.\n\nShare this\n\n“A quotation follows the widget.”";
        let document = Document::new(quoted, ContentKind::Plain, &[]);
        let reasons: Vec<BoilerplateReason> = find_boilerplate(&document)
            .iter()
            .map(|item| item.reason)
            .collect();
        assert_eq!(
            reasons,
            vec![BoilerplateReason::SharePrompt],
            "a quotation after a widget is still the statement"
        );
    }

    #[test]
    fn marks_whole_paragraphs_or_single_lines() {
        let text =
            "Headline\n\nThis is an archived page.\nSecond line.\n\nBody text here.\nRecent participants";
        let document = Document::new(text, ContentKind::Plain, &[]);
        let found: Vec<(&str, BoilerplateReason)> = find_boilerplate(&document)
            .iter()
            .map(|item| (document.slice(item.span), item.reason))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "This is an archived page.\nSecond line.",
                    BoilerplateReason::ArchiveNotice
                ),
                ("Recent participants", BoilerplateReason::ActivityFeed),
            ]
        );
    }
}
