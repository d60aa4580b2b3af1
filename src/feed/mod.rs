//! Atom 1.0 feeds (RFC 4287) of the registry, as pure code: what an entry for a version or a
//! withdrawal says (its stable id, title, links, time and summary) and the document, paged as
//! RFC 5005 says (`rel="next"`). The handlers (`src/api/feeds.rs`) read the store and hand
//! the values here; everything a statement says goes through [`xml`]'s escaping.

pub mod xml;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::{StatementId, Version, VersionNo, Withdrawal};
use crate::find::diff::Change;
use crate::find::summary::count;

/// The media type feeds are served with.
pub const ATOM: &str = "application/atom+xml";

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// One `<link>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub rel: &'static str,
    pub href: String,
    pub media_type: &'static str,
    pub title: Option<String>,
}

impl Link {
    fn new(rel: &'static str, href: String, media_type: &'static str) -> Self {
        Self {
            rel,
            href,
            media_type,
            title: None,
        }
    }

    fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// One `<entry>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// A URN that never changes for what the entry reports.
    pub id: String,
    pub title: String,
    pub updated: DateTime<Utc>,
    /// The publisher, when the statement names one.
    pub author: Option<String>,
    pub links: Vec<Link>,
    pub summary: String,
}

/// A page of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub id: String,
    pub title: String,
    /// The newest entry's time (the Unix epoch for an empty feed, which has none).
    pub updated: DateTime<Utc>,
    /// This page (`self`), the feed's first page (`first`), the HTML page it follows
    /// (`alternate`) and the next page (`next`) when there is one.
    pub links: Vec<Link>,
    pub entries: Vec<Entry>,
}

/// Where a feed is served and how it links: `base` is the scheme and authority the client
/// reached the service at (links are absolute, so a reader needs no base to resolve them).
pub struct Place<'a> {
    pub base: &'a str,
    /// The path and query of this page.
    pub this: &'a str,
    /// The path and query of the first page.
    pub first: &'a str,
    /// The path and query of the next page, when there is one.
    pub next: Option<&'a str>,
    /// The path of the HTML page the feed follows.
    pub alternate: &'a str,
}

impl Feed {
    /// A page titled `title`, identified by `id`, of `entries` (newest first).
    pub fn new(id: String, title: String, place: &Place<'_>, entries: Vec<Entry>) -> Self {
        let base = place.base;
        let mut links = vec![
            Link::new("self", format!("{base}{}", place.this), ATOM),
            Link::new("first", format!("{base}{}", place.first), ATOM),
            Link::new("alternate", format!("{base}{}", place.alternate), "text/html"),
        ];
        if let Some(next) = place.next {
            links.push(Link::new("next", format!("{base}{next}"), ATOM));
        }
        let updated = entries
            .iter()
            .map(|entry| entry.updated)
            .max()
            .unwrap_or(DateTime::UNIX_EPOCH);
        Self {
            id,
            title,
            updated,
            links,
            entries,
        }
    }

    /// The document.
    pub fn render(&self) -> String {
        let mut out = xml::Writer::default();
        out.open("feed", &[("xmlns", ATOM_NS)])
            .text("id", &[], &self.id)
            .text("title", &[("type", "text")], &self.title)
            .text("updated", &[], &atom_time(self.updated))
            .open("author", &[])
            .text("name", &[], "Provenance")
            .close()
            .text("generator", &[], "Provenance");
        for link in &self.links {
            write_link(&mut out, link);
        }
        for entry in &self.entries {
            out.open("entry", &[])
                .text("id", &[], &entry.id)
                .text("title", &[("type", "text")], &entry.title)
                .text("updated", &[], &atom_time(entry.updated));
            if let Some(author) = &entry.author {
                out.open("author", &[]).text("name", &[], author).close();
            }
            for link in &entry.links {
                write_link(&mut out, link);
            }
            out.text("summary", &[("type", "text")], &entry.summary).close();
        }
        out.finish()
    }
}

fn write_link(out: &mut xml::Writer, link: &Link) {
    let mut attributes = vec![
        ("rel", link.rel),
        ("href", link.href.as_str()),
        ("type", link.media_type),
    ];
    if let Some(title) = &link.title {
        attributes.push(("title", title.as_str()));
    }
    out.empty("link", &attributes);
}

/// Atom dates are RFC 3339; ours are UTC to the microsecond, as in the records.
fn atom_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The stable id of the entry for version `n` of statement `id`.
pub fn version_entry_id(id: &StatementId, n: VersionNo) -> String {
    format!("urn:provenance:statement:{id}:version:{n}")
}

/// A statement's name: its title, or its source URL when it has none.
fn name_of(version: &Version) -> &str {
    version
        .metadata
        .title
        .as_ref()
        .map_or(version.source_url.as_str(), |title| title.as_ref())
}

/// The entry for `version`, which `change` (`None` for version 1) made: its pages (the
/// version, the comparison with the one before), its record and its diff in the API.
pub fn version_entry(base: &str, version: &Version, change: Option<&Change>) -> Entry {
    let (id, n) = (version.statement_id, version.version);
    let mut links = vec![
        Link::new(
            "alternate",
            format!("{base}/statements/{id}/versions/{n}"),
            "text/html",
        ),
        Link::new(
            "describedby",
            format!("{base}/v1/statements/{id}/versions/{n}"),
            "application/json",
        )
        .titled("The version record"),
    ];
    let summary = match (change, VersionNo::from_u32(n.get() - 1)) {
        (Some(change), Some(previous)) => {
            links.push(
                Link::new(
                    "related",
                    format!("{base}/statements/{id}/compare?from={previous}&to={n}"),
                    "text/html",
                )
                .titled(format!("What changed from version {previous}")),
            );
            links.push(
                Link::new(
                    "related",
                    format!("{base}/v1/statements/{id}/diff?from={previous}&to={n}"),
                    "application/json",
                )
                .titled(format!("The diff from version {previous}")),
            );
            let cosmetic = if change.cosmetic { " (cosmetic)" } else { "" };
            format!("Version {n}{cosmetic}: {}", change.summary())
        }
        _ => format!(
            "Version {n}: the first version recorded, from {}.",
            version.source_url
        ),
    };
    Entry {
        id: version_entry_id(&id, n),
        title: name_of(version).to_owned(),
        updated: version.ingested_at,
        author: version.metadata.publisher.as_ref().map(|p| p.as_ref().to_owned()),
        links,
        summary,
    }
}

/// The entry for the withdrawal of statement `latest.statement_id` (whose latest version is
/// `latest`): withdrawn, and restored if it was. Its id names the withdrawal's time, so a
/// restoration updates the entry and a later withdrawal is a new one.
pub fn withdrawal_entry(base: &str, latest: &Version, withdrawal: &Withdrawal) -> Entry {
    let id = latest.statement_id;
    let statuses: Vec<String> = withdrawal
        .evidence
        .iter()
        .map(|seen| match (seen.status, &seen.reason) {
            (Some(status), _) => status.to_string(),
            (None, Some(reason)) => reason.clone(),
            (None, None) => "no answer".to_owned(),
        })
        .collect();
    let mut summary = format!(
        "The source {} stopped answering: {} in a row ({}), withdrawn at {}.",
        latest.source_url,
        count(withdrawal.evidence.len(), "fetch", "fetches"),
        statuses.join(", "),
        atom_time(withdrawal.withdrawn_at),
    );
    if let Some(restored) = withdrawal.restored_at {
        summary.push_str(&format!(
            " Restored at {}: it answers again.",
            atom_time(restored)
        ));
    }
    let state = if withdrawal.is_active() {
        "Withdrawn"
    } else {
        "Restored"
    };
    Entry {
        id: format!(
            "urn:provenance:statement:{id}:withdrawn:{}",
            withdrawal.withdrawn_at.timestamp_micros()
        ),
        title: format!("{state}: {}", name_of(latest)),
        updated: withdrawal.restored_at.unwrap_or(withdrawal.withdrawn_at),
        author: latest.metadata.publisher.as_ref().map(|p| p.as_ref().to_owned()),
        links: vec![
            Link::new("alternate", format!("{base}/statements/{id}"), "text/html"),
            Link::new(
                "describedby",
                format!("{base}/v1/statements/{id}"),
                "application/json",
            )
            .titled("The statement, with its withdrawal and evidence"),
            Link::new(
                "related",
                format!("{base}/v1/statements/{id}/observations"),
                "application/json",
            )
            .titled("Every fetch of its source"),
        ],
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Content, Draft, Field, Metadata, Observation, Outcome, Placement, Salt, SourceUrl, Succession, Text,
        WatchId,
    };

    fn version(n: u32, title: &str) -> Version {
        let draft = Draft {
            source_url: SourceUrl::parse("source_url", "https://example.org/release").unwrap(),
            content: Content::parse("content", "Text.".to_owned()).unwrap(),
            metadata: Metadata {
                title: Some(Text::parse("title", title, 300).unwrap()),
                publisher: Some(Text::parse("publisher", "ACLU & Co", 300).unwrap()),
                ..Metadata::default()
            },
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        };
        let placement = Placement {
            log_index: 0,
            contacts_salt: Salt::from_bytes([0; 32]),
        };
        let Succession::New(mut version) = Version::succeed(
            None,
            &draft.read_exactly(),
            chrono::DateTime::UNIX_EPOCH,
            placement,
        ) else {
            panic!("a first version")
        };
        version.version = VersionNo::from_u32(n).unwrap();
        *version
    }

    fn place() -> Place<'static> {
        Place {
            base: "http://h",
            this: "/v1/feeds/versions.atom?cursor=x",
            first: "/v1/feeds/versions.atom",
            next: Some("/v1/feeds/versions.atom?cursor=y&limit=2"),
            alternate: "/",
        }
    }

    #[test]
    fn a_version_entry_links_its_pages_record_and_diff() {
        let change = Change {
            content_changed: true,
            words_added: 2,
            words_removed: 1,
            chars_added: 9,
            chars_removed: 5,
            metadata_changes: vec![Field::Title],
            cosmetic: false,
        };
        let v2 = version(2, "Statement");
        let entry = version_entry("http://h", &v2, Some(&change));
        let id = v2.statement_id;
        assert_eq!(entry.id, format!("urn:provenance:statement:{id}:version:2"));
        assert_eq!(
            entry.summary,
            "Version 2: 2 words added, 1 word removed. Changed: title."
        );
        assert_eq!(entry.author.as_deref(), Some("ACLU & Co"));
        let hrefs: Vec<&str> = entry.links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                format!("http://h/statements/{id}/versions/2"),
                format!("http://h/v1/statements/{id}/versions/2"),
                format!("http://h/statements/{id}/compare?from=1&to=2"),
                format!("http://h/v1/statements/{id}/diff?from=1&to=2"),
            ]
        );
        let first = version_entry("http://h", &version(1, "Statement"), None);
        assert_eq!(first.links.len(), 2, "version 1 has no diff");
        assert!(first.summary.contains("first version"), "{}", first.summary);
    }

    #[test]
    fn hostile_titles_stay_text_in_a_well_formed_document() {
        let hostile = "<script>alert(1)</script> ]]> \u{1}\u{8}\u{1b}[31m & \"q\"";
        // Titles are parsed without control characters, but the writer does not count on it.
        let mut entry = version_entry("http://h", &version(1, "<script>alert(1)</script> ]]>"), None);
        assert_eq!(entry.title, "<script>alert(1)</script> ]]>");
        entry.title = hostile.to_owned();
        let feed = Feed::new("urn:x".to_owned(), "Feed".to_owned(), &place(), vec![entry]);
        let document = feed.render();
        assert!(!document.contains("<script"), "{document}");
        assert!(!document.contains("]]>"), "{document}");
        assert!(document.contains("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; [31m &amp; &quot;q&quot;"));
        assert!(
            document.chars().all(|c| xml::is_allowed(c) || c == '\n'),
            "no control character is written"
        );
        assert!(document
            .contains("<link rel=\"next\" href=\"http://h/v1/feeds/versions.atom?cursor=y&amp;limit=2\""));
        assert!(document.contains("<author><name>ACLU &amp; Co</name></author>"));
    }

    #[test]
    fn a_feed_is_as_new_as_its_newest_entry() {
        let mut old = version_entry("http://h", &version(1, "a"), None);
        let mut new = old.clone();
        old.updated = chrono::DateTime::from_timestamp(100, 0).unwrap();
        new.updated = chrono::DateTime::from_timestamp(200, 0).unwrap();
        let feed = Feed::new(
            "urn:x".to_owned(),
            "F".to_owned(),
            &place(),
            vec![new.clone(), old],
        );
        assert_eq!(feed.updated, new.updated);
        let empty = Feed::new("urn:x".to_owned(), "F".to_owned(), &place(), Vec::new());
        assert!(empty
            .render()
            .contains("<updated>1970-01-01T00:00:00.000000Z</updated>"));
    }

    #[test]
    fn a_withdrawal_entry_gives_the_evidence_and_the_restoration() {
        let latest = version(3, "Statement");
        let at = |minute: i64| chrono::DateTime::from_timestamp(minute * 60, 0).unwrap();
        let mut gone = Observation::unanswered(
            WatchId::from_bytes([1; 8]),
            at(1),
            Outcome::Gone,
            "no such host".into(),
        );
        let first = gone.clone();
        gone.status = Some(404);
        let mut withdrawal = Withdrawal {
            withdrawn_at: at(2),
            evidence: vec![first, gone],
            restored_at: None,
        };
        let entry = withdrawal_entry("http://h", &latest, &withdrawal);
        assert_eq!(entry.title, "Withdrawn: Statement");
        assert_eq!(entry.updated, at(2));
        assert!(
            entry.summary.contains("2 fetches in a row (no such host, 404)"),
            "{}",
            entry.summary
        );
        withdrawal.restored_at = Some(at(9));
        let restored = withdrawal_entry("http://h", &latest, &withdrawal);
        assert_eq!(restored.id, entry.id, "a restoration updates the entry");
        assert_eq!(
            (restored.title.as_str(), restored.updated),
            ("Restored: Statement", at(9))
        );
    }
}
