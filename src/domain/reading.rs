//! What the registry reads from a statement's content when it ingests it: the provenance
//! fields the client left out, filled from the extractor (the client's values always win, and
//! each filled field is marked `extracted`), and the [`Reading`] that copies and passages are
//! matched by: the `norm-v1` hash of the text without its page boilerplate, and the
//! fingerprints of its word shingles.

use chrono::{DateTime, Utc};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{
    Contact, Content, ContentType, Email, FieldSources, KeyName, Metadata, Phone, PublishedAt, Sha256,
    Source, SourceUrl, Submission, Text, MAX_CONTACTS, MAX_CONTACT_TEXT_CHARS, MAX_TITLE_CHARS,
};
use crate::extract::{extract, ContentKind, Extraction, MediaContact};
use crate::text::normalize::normalize;
use crate::text::passage::shingle_hashes;
use crate::text::winnow::winnow;
use crate::text::words::{words, Word};

/// A parsed ingest request whose content the registry has not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub source_url: SourceUrl,
    pub content: Content,
    pub metadata: Metadata,
    /// The key that submitted it, when the request was authenticated.
    pub submitted_by: Option<KeyName>,
    /// Which metadata fields the client sent.
    pub sources: FieldSources,
    /// When the content was captured, as the client asserts it (a crawler's `WARC-Date`).
    pub captured_at: Option<DateTime<Utc>>,
}

impl Draft {
    /// Reads the content: fills each field the client did not send (title, publication date,
    /// media contacts) from the extraction, and computes the reading. CPU-heavy (about half a
    /// millisecond for 5 KB): run it off the async workers.
    pub fn read(mut self) -> Submission {
        let extraction = read_content(self.content.as_str(), self.metadata.content_type);
        if let Some(extraction) = &extraction {
            fill_unsent(&mut self.metadata, &mut self.sources, extraction);
        }
        self.into_submission(extraction)
    }

    /// Computes the reading only, for a version whose metadata is final (an import).
    pub fn read_exactly(self) -> Submission {
        let extraction = read_content(self.content.as_str(), self.metadata.content_type);
        self.into_submission(extraction)
    }

    fn into_submission(self, extraction: Option<Extraction>) -> Submission {
        let comparable = match extraction {
            Some(extraction) => ComparableText::of(extraction),
            None => ComparableText::whole(self.content.as_str()),
        };
        Submission {
            reading: comparable.reading(),
            source_url: self.source_url,
            content: self.content,
            metadata: self.metadata,
            submitted_by: self.submitted_by,
            sources: self.sources,
            captured_at: self.captured_at,
        }
    }
}

/// What copies and passages are matched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// SHA-256 of the `norm-v1` normalization of the text without its page boilerplate.
    pub normalized_sha256: Sha256,
    /// The distinct fingerprints chosen from the text's word shingles (see
    /// [`crate::text::winnow`]), ascending.
    pub fingerprints: Vec<u64>,
}

/// A statement's text as it is compared: the text a reader sees (the content itself for plain
/// text and markdown, the text of the page for HTML), with the byte ranges of page boilerplate
/// that comparisons ignore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparableText {
    pub text: String,
    pub ignore: Vec<Range<usize>>,
}

impl ComparableText {
    /// Reads `content` with the extractor, or takes it whole should the extractor ever fail.
    pub fn read(content: &str, content_type: ContentType) -> Self {
        match read_content(content, content_type) {
            Some(extraction) => Self::of(extraction),
            None => Self::whole(content),
        }
    }

    pub fn of(extraction: Extraction) -> Self {
        let ignore = extraction
            .boilerplate
            .iter()
            .map(|furniture| furniture.span.start..furniture.span.end)
            .collect();
        Self {
            text: extraction.text,
            ignore,
        }
    }

    /// `text` with nothing ignored.
    pub fn whole(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            ignore: Vec::new(),
        }
    }

    pub fn words(&self) -> Vec<Word> {
        words(&self.text, &self.ignore)
    }

    /// The SHA-256 of the `norm-v1` normalization of the text outside the ignored ranges.
    pub fn normalized_sha256(&self) -> Sha256 {
        Sha256::of(normalize(&self.text, &self.ignore).as_bytes())
    }

    /// The distinct fingerprints chosen from the text's word shingles, ascending.
    pub fn fingerprints(&self) -> Vec<u64> {
        let mut fingerprints = winnow(&shingle_hashes(&self.text, &self.ignore));
        fingerprints.sort_unstable();
        fingerprints.dedup();
        fingerprints
    }

    pub fn reading(&self) -> Reading {
        Reading {
            normalized_sha256: self.normalized_sha256(),
            fingerprints: self.fingerprints(),
        }
    }
}

/// The extractor's reading of the content, or `None` should it ever fail: extraction must
/// never fail an ingest (nor a page that shows a statement). The one guarded call of the
/// extractor.
pub fn read_content(content: &str, content_type: ContentType) -> Option<Extraction> {
    let kind = ContentKind::from_media_type(content_type.as_str());
    catch_unwind(AssertUnwindSafe(|| extract(content, kind))).ok()
}

/// Fills each field of `metadata` that `sources` shows unsent (title, publication date, media
/// contacts) from `extraction`, and marks it extracted.
pub fn fill_unsent(metadata: &mut Metadata, sources: &mut FieldSources, extraction: &Extraction) {
    if sources.title.is_none() {
        metadata.title = extraction
            .title
            .as_ref()
            .and_then(|title| Text::parse("title", &title.text, MAX_TITLE_CHARS).ok());
        sources.title = metadata.title.as_ref().map(|_| Source::Extracted);
    }
    if sources.published_at.is_none() {
        metadata.published_at = extraction
            .published_at
            .as_ref()
            .and_then(|date| PublishedAt::parse("published_at", &date.value).ok());
        sources.published_at = metadata.published_at.as_ref().map(|_| Source::Extracted);
    }
    if sources.media_contacts.is_none() {
        let mut contacts: Vec<Contact> = Vec::new();
        for contact in extraction.media_contacts.iter().filter_map(registry_contact) {
            if contacts.len() < MAX_CONTACTS && !contacts.contains(&contact) {
                contacts.push(contact);
            }
        }
        sources.media_contacts = (!contacts.is_empty()).then_some(Source::Extracted);
        metadata.media_contacts = contacts;
    }
}

/// The registry's form of an extracted contact: its parts that parse as a client's would (the
/// phone as written, else its E.164 form), or `None` when no part does.
fn registry_contact(found: &MediaContact) -> Option<Contact> {
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .and_then(|raw| Text::parse("", raw, MAX_CONTACT_TEXT_CHARS).ok())
    };
    let phone = [&found.phone, &found.phone_e164]
        .into_iter()
        .flatten()
        .find_map(|raw| Phone::parse("", raw).ok());
    let email = found.email.as_deref().and_then(|raw| Email::parse("", raw).ok());
    Contact::new(text(&found.name), text(&found.organization), phone, email).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = "ACLU Sues Over Border Searches\n\nAugust 16, 2017\n\nMIAMI — The American Civil \
Liberties Union filed suit today.\n\n\"This is unconstitutional,\" said Jane Doe, staff attorney.\n\n\
Media Contact: Jane Doe, (786) 363-2737, media@aclufl.org\n";

    fn draft(metadata: Metadata, sources: FieldSources) -> Draft {
        Draft {
            source_url: SourceUrl::parse("source_url", "https://example.org/release").unwrap(),
            content: Content::parse("content", RELEASE.to_owned()).unwrap(),
            metadata,
            submitted_by: None,
            sources,
            captured_at: None,
        }
    }

    #[test]
    fn unsent_fields_are_filled_and_marked_extracted() {
        let submission = draft(Metadata::default(), FieldSources::default()).read();
        assert!(submission.metadata.title.is_some());
        assert_eq!(
            submission.metadata.published_at.map(|date| date.to_string()),
            Some("2017-08-16".to_owned())
        );
        let contact = &submission.metadata.media_contacts[0];
        assert_eq!(
            contact.phone.as_ref().map(Phone::digits),
            Some("7863632737".to_owned())
        );
        assert_eq!(submission.sources.title, Some(Source::Extracted));
        assert_eq!(submission.sources.published_at, Some(Source::Extracted));
        assert_eq!(submission.sources.media_contacts, Some(Source::Extracted));
        assert_eq!(submission.sources.publisher, None);
    }

    #[test]
    fn the_clients_values_win_and_an_empty_contact_list_counts_as_sent() {
        let metadata = Metadata {
            title: Some(Text::parse("title", "Our own title", 100).unwrap()),
            ..Metadata::default()
        };
        let sources = FieldSources {
            title: Some(Source::Supplied),
            media_contacts: Some(Source::Supplied),
            ..FieldSources::default()
        };
        let submission = draft(metadata, sources).read();
        assert_eq!(submission.metadata.title.unwrap().as_ref(), "Our own title");
        assert_eq!(submission.sources.title, Some(Source::Supplied));
        assert!(submission.metadata.media_contacts.is_empty());
        assert_eq!(submission.sources.media_contacts, Some(Source::Supplied));
        assert_eq!(submission.sources.published_at, Some(Source::Extracted));
    }

    #[test]
    fn nothing_found_leaves_the_fields_empty() {
        let mut draft = draft(Metadata::default(), FieldSources::default());
        draft.content = Content::parse("content", "ok".to_owned()).unwrap();
        let submission = draft.read();
        assert_eq!(submission.metadata, Metadata::default());
        assert_eq!(submission.sources, FieldSources::default());
    }

    #[test]
    fn an_exact_reading_keeps_the_metadata_as_given() {
        let submission = draft(Metadata::default(), FieldSources::default()).read_exactly();
        assert_eq!(submission.metadata, Metadata::default());
        assert_eq!(
            submission.reading,
            draft(Metadata::default(), FieldSources::default()).read().reading
        );
    }

    #[test]
    fn the_reading_ignores_line_breaks_quotes_and_boilerplate() {
        let plain = ComparableText::read(
            "\"We will win,\" she said. Share this on Facebook",
            ContentType::Plain,
        );
        let rewrapped = ComparableText::read("\u{201c}We  will\nwin,\u{201d} she said.", ContentType::Plain);
        assert_eq!(
            rewrapped.normalized_sha256(),
            ComparableText::whole("\"We will win,\" she said.").normalized_sha256()
        );
        assert_ne!(plain.reading().fingerprints, Vec::<u64>::new());
    }
}
