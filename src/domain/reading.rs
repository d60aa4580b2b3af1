//! Filling the provenance fields a client left out with what the extractor read from the
//! content. The client's values always win; each filled field is marked `extracted`; what
//! the extractor did not find, or found in a shape the registry would refuse from a client,
//! stays empty.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{
    Contact, Email, FieldSources, Metadata, Phone, PublishedAt, Source, Submission, Text, MAX_CONTACTS,
    MAX_CONTACT_TEXT_CHARS, MAX_TITLE_CHARS,
};
use crate::extract::{extract, ContentKind, Extraction, MediaContact};

impl Submission {
    /// Whether the client left out a field the extractor can fill.
    pub fn lacks_extractable_fields(&self) -> bool {
        let sources = &self.sources;
        sources.title.is_none() || sources.published_at.is_none() || sources.media_contacts.is_none()
    }

    /// The extractor's reading of the content, or `None` should it ever fail: extraction must
    /// never fail an ingest.
    pub fn read_content(&self) -> Option<Extraction> {
        let kind = ContentKind::from_media_type(self.metadata.content_type.as_str());
        catch_unwind(AssertUnwindSafe(|| extract(self.content.as_str(), kind))).ok()
    }

    /// Fills each field the client did not send (title, publication date, media contacts)
    /// from `extraction`, and records it as extracted. An explicit empty contact list counts
    /// as sent.
    pub fn fill_from(&mut self, extraction: &Extraction) {
        fill_unsent(&mut self.metadata, &mut self.sources, extraction);
    }
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
    use crate::domain::{Content, SourceUrl};

    const RELEASE: &str = "ACLU Sues Over Border Searches\n\nAugust 16, 2017\n\nMIAMI — The American Civil \
Liberties Union filed suit today.\n\n\"This is unconstitutional,\" said Jane Doe, staff attorney.\n\n\
Media Contact: Jane Doe, (786) 363-2737, media@aclufl.org\n";

    fn submission(metadata: Metadata, sources: FieldSources) -> Submission {
        Submission {
            source_url: SourceUrl::parse("source_url", "https://example.org/release").unwrap(),
            content: Content::parse("content", RELEASE.to_owned()).unwrap(),
            metadata,
            submitted_by: None,
            sources,
        }
    }

    fn filled(mut submission: Submission) -> Submission {
        let extraction = submission
            .read_content()
            .expect("the extractor reads the release");
        submission.fill_from(&extraction);
        submission
    }

    #[test]
    fn unsent_fields_are_filled_and_marked_extracted() {
        let submission = filled(submission(Metadata::default(), FieldSources::default()));
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
        let submission = filled(submission(metadata, sources));
        assert_eq!(submission.metadata.title.unwrap().as_ref(), "Our own title");
        assert_eq!(submission.sources.title, Some(Source::Supplied));
        assert!(submission.metadata.media_contacts.is_empty());
        assert_eq!(submission.sources.media_contacts, Some(Source::Supplied));
        assert_eq!(submission.sources.published_at, Some(Source::Extracted));
    }

    #[test]
    fn nothing_found_leaves_the_fields_empty() {
        let mut submission = submission(Metadata::default(), FieldSources::default());
        submission.content = Content::parse("content", "ok".to_owned()).unwrap();
        let submission = filled(submission);
        assert_eq!(submission.metadata, Metadata::default());
        assert_eq!(submission.sources, FieldSources::default());
        assert!(submission.lacks_extractable_fields());
    }
}
