//! Pure extraction of what a statement says about itself: its headline, publication date,
//! dateline, media contacts, quoted speakers, organizations, URLs, kind and page furniture.
//!
//! [`extract`] does no I/O and never panics. HTML is first reduced to text that keeps its
//! paragraph breaks; every span of the result is a byte range on char boundaries of
//! [`Extraction::text`], and every item carries a confidence in `0.0..=1.0`. What the text
//! does not say is left out, never guessed.

mod boilerplate;
mod contacts;
mod dateline;
mod dates;
mod document;
mod html;
mod kind;
mod lexicon;
mod links;
mod names;
mod organizations;
mod phrases;
mod quotes;
mod speakers;
mod title;
mod tokens;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use boilerplate::{find_boilerplate, is_furniture};
use contacts::find_contacts;
use dateline::find_dateline;
use dates::{publication_date, DateLine};
use document::Document;
use kind::{classify, Structure};
use links::find_urls;
use organizations::find_organizations;
use speakers::find_speakers;
use title::find_title;

/// The format of the content handed to [`extract`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Plain,
    Html,
    Markdown,
}

impl ContentKind {
    /// The kind for a media type such as `text/html; charset=utf-8`: HTML, markdown, or plain
    /// text for anything else.
    pub fn from_media_type(media_type: &str) -> Self {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/html" | "application/xhtml+xml" => Self::Html,
            "text/markdown" | "text/x-markdown" => Self::Markdown,
            _ => Self::Plain,
        }
    }
}

/// A byte range `start..end` of [`Extraction::text`], on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `other` lies within this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Everything extracted from one statement.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Extraction {
    /// The text the spans refer to: the input itself for plain text and markdown, the text a
    /// reader sees for HTML.
    pub text: String,
    pub title: Option<Title>,
    pub published_at: Option<PublicationDate>,
    pub dateline: Option<Dateline>,
    pub media_contacts: Vec<MediaContact>,
    pub speakers: Vec<Speaker>,
    pub organizations: Vec<Organization>,
    pub urls: Vec<UrlMention>,
    pub kind: StatementKind,
    pub kind_confidence: f64,
    pub boilerplate: Vec<Boilerplate>,
}

/// The statement's headline.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Title {
    pub text: String,
    pub span: Span,
    pub confidence: f64,
}

/// When the statement was published.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicationDate {
    /// `YYYY-MM-DD`, or RFC 3339 with its offset (`2009-07-15T13:33:00-04:00`) when the text
    /// gives both a time and a zone.
    pub value: String,
    /// `16:30` when the text gives a time without a zone (then `value` is the date only).
    pub published_time_local: Option<String>,
    pub span: Span,
    pub confidence: f64,
}

/// The place a statement is issued from (`MIAMI` in `MIAMI— …`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Dateline {
    pub place: String,
    pub span: Span,
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Person,
    Office,
}

/// A person or an office to call about the statement.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MediaContact {
    pub kind: ContactKind,
    pub name: Option<String>,
    pub organization: Option<String>,
    /// The contact's job as written (`Communications Director`).
    pub role: Option<String>,
    /// As written: `(786) 363-2737`.
    pub phone: Option<String>,
    /// `+17863632737`, when the number is valid (default region US).
    pub phone_e164: Option<String>,
    pub email: Option<String>,
    pub span: Span,
    pub confidence: f64,
}

/// A person quoted in the statement.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Speaker {
    pub name: String,
    /// As the text gives it: `director of immigration policy and campaigns`.
    pub role: Option<String>,
    /// The organization the text ties the role to: `American Civil Liberties Union`.
    pub affiliation: Option<String>,
    /// Where the name is written.
    pub span: Span,
    pub confidence: f64,
    pub quotes: Vec<Quote>,
}

/// What a speaker said: the words between the quotation marks (paragraphs separated by a
/// blank line, the marks that reopen them left out).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Quote {
    pub text: String,
    pub span: Span,
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Organization {
    pub name: String,
    /// Its first mention.
    pub span: Span,
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UrlMention {
    pub url: String,
    /// Its first mention.
    pub span: Span,
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    ActionAlert,
    PressRelease,
    Statement,
    Email,
    NewsArticle,
    Unknown,
}

/// Page furniture: text on the page that is not part of the statement.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Boilerplate {
    pub reason: BoilerplateReason,
    pub span: Span,
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoilerplateReason {
    OutdatedBrowser,
    ArchiveNotice,
    FormConsent,
    /// Sign-up prompts, and the unsubscribe footer of an e-mail.
    EmailSignup,
    SharePrompt,
    Navigation,
    CallToAction,
    FormField,
    ActivityFeed,
    ImageCaption,
    AboutPublisher,
    /// Teasers, section headings and blurbs of other content after the page's widgets.
    RelatedContent,
    Copyright,
}

/// The least char boundary of `text` at or after `index`.
fn ceil_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

/// The greatest char boundary of `text` at or before `index`.
fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The most paragraphs from the top searched for a dateline.
const DATELINE_PARAGRAPHS: usize = 15;

/// A paragraph of running prose has at least this many words.
const PROSE_WORDS: usize = 20;

/// Extracts everything [`Extraction`] holds from `content`.
pub fn extract(content: &str, content_type: ContentKind) -> Extraction {
    let (text, headings) = match content_type {
        ContentKind::Html => {
            let converted = html::html_to_text(content);
            (converted.text, converted.headings)
        }
        ContentKind::Plain | ContentKind::Markdown => (content.to_owned(), Vec::new()),
    };
    let mut extraction = analyse(&text, content_type, &headings);
    extraction.text = text;
    extraction
}

/// Everything but the text itself, which the caller moves in.
fn analyse(text: &str, content_type: ContentKind, headings: &[(Span, u8)]) -> Extraction {
    let document = Document::new(text, content_type, headings);
    let boilerplate = find_boilerplate(&document);
    let contacts = find_contacts(&document, &boilerplate);
    let contact_spans: Vec<Span> = contacts
        .headings
        .iter()
        .chain(&contacts.blocks)
        .copied()
        .collect();
    let in_statement = |span: Span| {
        !is_furniture(&boilerplate, span) && !contact_spans.iter().any(|contact| contact.contains(span))
    };
    let statement_paragraphs: Vec<(usize, &document::Paragraph)> = document
        .paragraphs
        .iter()
        .enumerate()
        .filter(|(_, paragraph)| in_statement(paragraph.span))
        .collect();

    let found_dateline =
        statement_paragraphs
            .iter()
            .take(DATELINE_PARAGRAPHS)
            .find_map(|(index, paragraph)| {
                let line = document.lines_of(paragraph).first()?;
                find_dateline(text, document.tokens_of(line)).map(|found| (*index, found))
            });
    let is_prose = |paragraph: &document::Paragraph| {
        let words = document.slice(paragraph.span).split_whitespace().count();
        words >= PROSE_WORDS
            && document
                .slice(paragraph.span)
                .trim_end()
                .ends_with(['.', '!', '?', '”', '"', ':'])
    };
    let prose_start = statement_paragraphs
        .iter()
        .find(|(_, paragraph)| is_prose(paragraph))
        .map(|(index, _)| *index);
    let body_start = found_dateline
        .as_ref()
        .map(|(index, _)| *index)
        .into_iter()
        .chain(prose_start)
        .min()
        .unwrap_or(document.paragraphs.len());

    let date_lines = statement_paragraphs.iter().flat_map(|(index, paragraph)| {
        document
            .lines_of(paragraph)
            .iter()
            .filter(|line| in_statement(line.content))
            .map(|line| DateLine {
                tokens: document.tokens_of(line),
                above_body: *index < body_start,
            })
    });
    let published_at = publication_date(
        found_dateline.as_ref().and_then(|(_, found)| found.date),
        found_dateline
            .as_ref()
            .map(|(_, found)| found.dateline.place.as_str()),
        date_lines,
    );

    let title = find_title(&document, &in_statement, body_start);
    let speakers = find_speakers(&document, &boilerplate, &contact_spans);
    // Headlines capitalize every word: only their acronyms count as organizations.
    let organization_lines: Vec<(&[tokens::Token], bool)> = document
        .lines
        .iter()
        .filter(|line| {
            !is_furniture(&boilerplate, line.content) && !contacts.headings.contains(&line.content)
        })
        .map(|line| {
            let is_title = title.as_ref().is_some_and(|title| title.span == line.content);
            (document.tokens_of(line), is_title || line.heading_level.is_some())
        })
        .collect();
    let every_token = document.lines.iter().flat_map(|line| document.tokens_of(line));
    let organizations = find_organizations(text, every_token, &organization_lines);
    let mut urls: Vec<UrlMention> = Vec::new();
    for (url, span) in find_urls(text) {
        if !is_furniture(&boilerplate, span) && !urls.iter().any(|known| known.url == url) {
            let confidence = if url.contains("://") { 0.95 } else { 0.8 };
            urls.push(UrlMention {
                url,
                span,
                confidence,
            });
        }
    }
    let dateline = found_dateline.map(|(_, found)| found.dateline);
    let structure = Structure {
        has_contact_heading: !contacts.headings.is_empty(),
        has_dateline: dateline.is_some(),
        title: title.as_ref().map(|title| title.text.as_str()),
    };
    let (kind, kind_confidence) = classify(text, structure);
    Extraction {
        text: String::new(),
        title,
        published_at,
        dateline,
        media_contacts: contacts.contacts,
        speakers,
        organizations,
        urls,
        kind,
        kind_confidence,
        boilerplate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_media_types() {
        let cases = [
            (
                "text/html; charset=utf-8",
                ContentKind::Html,
                "HTML with a parameter",
            ),
            ("TEXT/MARKDOWN", ContentKind::Markdown, "markdown, upper case"),
            ("text/plain", ContentKind::Plain, "plain text"),
            ("application/octet-stream", ContentKind::Plain, "anything else"),
        ];
        for (media_type, expected, message) in cases {
            assert_eq!(ContentKind::from_media_type(media_type), expected, "{message}");
        }
    }

    #[test]
    fn rounds_to_char_boundaries() {
        let cases = [
            ("aé", 2, 1, "inside é"),
            ("aé", 3, 3, "at the end"),
            ("abc", 10, 3, "past the end"),
            ("", 0, 0, "empty"),
        ];
        for (text, index, expected, message) in cases {
            assert_eq!(floor_char_boundary(text, index), expected, "{message}");
        }
        let ceilings = [
            ("aé", 2, 3, "inside é"),
            ("abc", 10, 3, "past the end"),
            ("", 0, 0, "empty"),
        ];
        for (text, index, expected, message) in ceilings {
            assert_eq!(ceil_char_boundary(text, index), expected, "{message}");
        }
    }

    #[test]
    fn html_spans_refer_to_the_extracted_text() {
        let html = "<html><head><title>x</title><script>var a = \"“quoted text here now”\";</script></head>\
            <body><nav>Home | About</nav><h1>Court Blocks the Law</h1>\
            <p>MIAMI — “This ruling protects every voter in the state,” said Jane Doe, director at the Voting Rights Project.</p></body></html>";
        let extraction = extract(html, ContentKind::Html);
        assert!(
            !extraction.text.contains("var a"),
            "scripts do not leak: {}",
            extraction.text
        );
        assert!(
            !extraction.text.contains("Home"),
            "navigation does not leak: {}",
            extraction.text
        );
        let title = extraction
            .title
            .as_ref()
            .map(|title| extraction.text.get(title.span.start..title.span.end));
        assert_eq!(
            title,
            Some(Some("Court Blocks the Law")),
            "the title's span is in the text"
        );
        assert_eq!(
            extraction.dateline.map(|dateline| dateline.place).as_deref(),
            Some("MIAMI")
        );
        let speaker = extraction.speakers.first().map(|speaker| speaker.name.as_str());
        assert_eq!(speaker, Some("Jane Doe"));
    }
}
