//! What a listing finds a statement or a version by, with no storage in it: the index terms of
//! a statement's latest version ([`latest_terms`]) and the filters of the statement listing and
//! the feeds, matched against records. A backend keeps the terms its own way (sled as keys,
//! `store::keys`) and must keep exactly [`latest_terms`] of each statement's latest version, so
//! that an index scan finds what [`StatementFilter::matches`] accepts.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{EndpointFilters, Metadata, Phone, SourceUrl, Statement, Text, Version};

/// A term a statement is found by through its latest version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum LatestTerm {
    /// The folded publisher name ([`Text::folded`]).
    Publisher(String),
    /// A media contact's match term ([`crate::domain::Contact::match_terms`], as
    /// [`contact_term`] makes them of a query).
    Contact(String),
    /// The calendar date of publication.
    PublishedOn(NaiveDate),
}

/// The terms of `version` when it is its statement's latest version.
pub fn latest_terms(version: &Version) -> BTreeSet<LatestTerm> {
    let metadata = &version.metadata;
    let mut terms = BTreeSet::new();
    if let Some(publisher) = &metadata.publisher {
        terms.insert(LatestTerm::Publisher(publisher.folded()));
    }
    for contact in &metadata.media_contacts {
        terms.extend(contact.match_terms().into_iter().map(LatestTerm::Contact));
    }
    if let Some(published_at) = &metadata.published_at {
        terms.insert(LatestTerm::PublishedOn(published_at.calendar_date()));
    }
    terms
}

/// The index term a `contact` query looks up: the digits of something that reads as a phone
/// number, otherwise the folded text (names, organizations, e-mail addresses).
pub fn contact_term(query: &str) -> String {
    match Phone::parse("contact", query) {
        Ok(phone) => phone.digits(),
        Err(_) => query
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    }
}

/// Filters on a statement's latest version. All given filters must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementFilter {
    pub source_url: Option<SourceUrl>,
    /// Folded publisher name ([`Text::folded`]).
    pub publisher: Option<String>,
    /// A contact term as made by [`contact_term`].
    pub contact: Option<String>,
    pub published_after: Option<NaiveDate>,
    pub published_before: Option<NaiveDate>,
}

impl StatementFilter {
    pub fn matches(&self, statement: &Statement) -> bool {
        let metadata = &statement.latest.metadata;
        let date = metadata.published_at.map(|p| p.calendar_date());
        self.source_url
            .as_ref()
            .is_none_or(|url| url == &statement.source_url)
            && names(metadata, self.publisher.as_deref(), self.contact.as_deref())
            && self
                .published_after
                .is_none_or(|after| date.is_some_and(|d| d >= after))
            && self
                .published_before
                .is_none_or(|before| date.is_some_and(|d| d <= before))
    }
}

/// Filters on each version (not only a statement's latest) of the registry's feed and of a
/// webhook endpoint. All given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionFilter {
    /// Folded publisher name ([`Text::folded`]).
    pub publisher: Option<String>,
    /// A contact term as made by [`contact_term`].
    pub contact: Option<String>,
    /// A prefix of the canonical source URL, as records show it.
    pub source_prefix: Option<String>,
}

impl VersionFilter {
    /// The filter on `publisher`, `contact` (each folded as their indexes are) and
    /// `source_prefix`, those given.
    pub fn new(publisher: Option<&Text>, contact: Option<&Text>, source_prefix: Option<String>) -> Self {
        Self {
            publisher: publisher.map(Text::folded),
            contact: contact.map(|contact| contact_term(&contact.folded())),
            source_prefix,
        }
    }

    /// The filter of a webhook endpoint's `filters` (their text was checked when the endpoint
    /// was registered; text that no longer parses filters nothing).
    pub fn of_endpoint(filters: &EndpointFilters) -> Self {
        let text = |raw: &Option<String>| {
            raw.as_deref()
                .and_then(|raw| Text::parse("filter", raw, 300).ok())
        };
        Self::new(
            text(&filters.publisher).as_ref(),
            text(&filters.contact).as_ref(),
            filters.source_prefix.clone(),
        )
    }

    pub fn matches(&self, version: &Version) -> bool {
        names(
            &version.metadata,
            self.publisher.as_deref(),
            self.contact.as_deref(),
        ) && self
            .source_prefix
            .as_ref()
            .is_none_or(|prefix| version.source_url.as_str().starts_with(prefix.as_str()))
    }
}

/// Whether `metadata` names the publisher whose folded name is `publisher` and has a media
/// contact with the term `contact` ([`contact_term`]), those given.
fn names(metadata: &Metadata, publisher: Option<&str>, contact: Option<&str>) -> bool {
    publisher.is_none_or(|wanted| metadata.publisher.as_ref().is_some_and(|p| p.folded() == wanted))
        && contact.is_none_or(|wanted| {
            metadata
                .media_contacts
                .iter()
                .any(|contact| contact.match_terms().iter().any(|term| term == wanted))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Contact, Content, Draft, Placement, PublishedAt, Salt, Succession};

    fn version(
        url: &str,
        publisher: Option<&str>,
        contact: Option<(&str, &str)>,
        date: Option<&str>,
    ) -> Version {
        let metadata = Metadata {
            publisher: publisher.map(|p| Text::parse("publisher", p, 100).unwrap()),
            published_at: date.map(|d| PublishedAt::parse("published_at", d).unwrap()),
            media_contacts: contact
                .map(|(name, phone)| {
                    Contact::new(
                        Some(Text::parse("name", name, 100).unwrap()),
                        None,
                        Some(Phone::parse("phone", phone).unwrap()),
                        None,
                    )
                    .unwrap()
                })
                .into_iter()
                .collect(),
            ..Metadata::default()
        };
        let submission = Draft {
            source_url: SourceUrl::parse("source_url", url).unwrap(),
            content: Content::parse("content", "Text.".to_owned()).unwrap(),
            metadata,
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        }
        .read_exactly();
        let placement = Placement {
            log_index: 0,
            contacts_salt: Salt::from_bytes([1; 32]),
        };
        match Version::succeed(None, &submission, chrono::Utc::now(), placement) {
            Succession::New(version) => *version,
            other => panic!("{other:?}"),
        }
    }

    fn statement(latest: Version) -> Statement {
        Statement {
            id: latest.statement_id,
            source_url: latest.source_url.clone(),
            first_seen_at: latest.ingested_at,
            latest,
        }
    }

    #[test]
    fn a_statement_is_found_by_each_of_its_latest_terms_and_matches_their_filters() {
        let latest = version(
            "https://example.org/a",
            Some("Ministry of  EXAMPLES"),
            Some(("Ann Smith", "+44 20 7946 0000")),
            Some("2026-03-04"),
        );
        let terms = latest_terms(&latest);
        let date = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        assert!(
            terms.contains(&LatestTerm::Publisher("ministry of examples".to_owned())),
            "{terms:?}"
        );
        assert!(
            terms.contains(&LatestTerm::Contact("ann smith".to_owned())),
            "{terms:?}"
        );
        assert!(
            terms.contains(&LatestTerm::Contact(contact_term("+44 20 7946 0000"))),
            "{terms:?}"
        );
        assert!(terms.contains(&LatestTerm::PublishedOn(date)), "{terms:?}");
        let found = statement(latest.clone());
        for term in &terms {
            let filter = match term {
                LatestTerm::Publisher(p) => StatementFilter {
                    publisher: Some(p.clone()),
                    ..Default::default()
                },
                LatestTerm::Contact(c) => StatementFilter {
                    contact: Some(c.clone()),
                    ..Default::default()
                },
                LatestTerm::PublishedOn(d) => StatementFilter {
                    published_after: Some(*d),
                    published_before: Some(*d),
                    ..Default::default()
                },
            };
            assert!(filter.matches(&found), "{term:?}");
        }
        let others = [
            StatementFilter {
                publisher: Some("another ministry".to_owned()),
                ..Default::default()
            },
            StatementFilter {
                contact: Some(contact_term("Bob Jones")),
                ..Default::default()
            },
            StatementFilter {
                published_after: date.succ_opt(),
                ..Default::default()
            },
            StatementFilter {
                source_url: Some(SourceUrl::parse("url", "https://example.org/b").unwrap()),
                ..Default::default()
            },
        ];
        for filter in others {
            assert!(!filter.matches(&found), "{filter:?}");
        }
        // A version with no metadata has no term, and only the empty filter takes it.
        let bare = version("https://example.org/c", None, None, None);
        assert!(latest_terms(&bare).is_empty());
        assert!(StatementFilter::default().matches(&statement(bare)));
    }

    #[test]
    fn version_filters_fold_their_text_as_the_terms_are_folded() {
        let version = version(
            "https://example.org/news/1",
            Some("Ministry of Examples"),
            Some(("Ann Smith", "+44 20 7946 0000")),
            None,
        );
        let text = |raw: &str| Text::parse("filter", raw, 100).unwrap();
        let by = |publisher: Option<&str>, contact: Option<&str>, prefix: Option<&str>| {
            VersionFilter::new(
                publisher.map(text).as_ref(),
                contact.map(text).as_ref(),
                prefix.map(str::to_owned),
            )
        };
        assert!(by(None, None, None).matches(&version));
        assert!(by(Some("MINISTRY OF EXAMPLES"), None, None).matches(&version));
        assert!(by(None, Some("ann  SMITH"), None).matches(&version));
        assert!(by(None, Some("+44 20 7946 0000"), None).matches(&version));
        assert!(!by(None, Some("+44 20 7946 0001"), None).matches(&version));
        assert!(by(None, None, Some("https://example.org/news/")).matches(&version));
        assert!(!by(None, None, Some("https://example.org/other/")).matches(&version));
        assert!(!by(Some("Ministry"), None, None).matches(&version));
    }
}
