//! A statement's page (its provenance, media contacts, the timeline of its versions and its
//! current text) and one version's page.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::layout::{
    compare_path, count, evidence_links, name_of, page, page_with_feed, published, quoted, short_hash,
    source_link, statement_path, text, utc, version_path, Nav,
};
use super::{given, ok, params, Ctx, PageError};
use crate::api::blocking;
use crate::domain::{ContentType, Statement, StatementId, Version, VersionNo};
use crate::find::diff::Change;
use crate::find::history::{history, read_version, Entry, ReadVersion};

/// The most versions one page of a history lists.
pub const HISTORY_PAGE: u32 = 100;

/// Parses the `{statement_id}` of a page's path.
pub fn statement_id(raw: &str) -> Result<StatementId, PageError> {
    StatementId::parse("statement_id", raw).map_err(|_| {
        PageError::bad_request(
            "That is not a statement id",
            "A statement id is 32 lowercase hexadecimal digits, as in the address of a statement's page.",
        )
        .with_next("/", "Find the statement by its web address")
    })
}

/// Parses a version number given as `field`.
pub fn version_number(field: &str, raw: &str) -> Result<VersionNo, PageError> {
    VersionNo::parse(field, raw).map_err(|_| {
        PageError::bad_request(
            "That is not a version number",
            format!("The {field} must be a whole number from 1: version 1, 2, 3…"),
        )
    })
}

pub fn unknown_statement(id: &StatementId) -> PageError {
    PageError::not_found(
        "No such statement",
        format!("The registry holds no statement with the id {id}."),
    )
    .with_next("/", "Find a statement by its web address or words")
}

pub fn unknown_version(id: &StatementId, n: VersionNo) -> PageError {
    PageError::not_found("No such version", format!("This statement has no version {n}."))
        .with_next(statement_path(id), "See the versions it has")
}

/// `GET /statements/{statement_id}[?until=N]`.
pub async fn statement(
    ctx: Ctx,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let id = statement_id(&path)?;
    let params = params(req.query_string().as_bytes());
    let until = given(&params, "until")
        .map(|raw| version_number("until", raw))
        .transpose()?;
    let (store, pages) = (ctx.store.into_inner(), ctx.pages.into_inner());
    let found = ctx
        .heavy
        .run(move || {
            let Some(history) = history(&store, &id, until, HISTORY_PAGE, &pages.changes)? else {
                return Ok(None);
            };
            let current = read_version(&store, &id, history.statement.latest.version)?;
            Ok(current.map(|current| (history, current)))
        })
        .await?;
    let (history, current) = found.ok_or_else(|| unknown_statement(&id))?;
    let statement = &history.statement;
    let latest = &statement.latest;
    let feed = crate::api::statement_feed(&statement.id);
    let body = html! {
        header.statement {
            p.kicker { "Statement" }
            h1 { (name_of(latest)) }
            dl.facts {
                (facts(latest, current.dateline.as_deref()))
                dt { "Versions" }
                dd {
                    (count(statement.version_count() as usize, "version", "versions"))
                    ", first recorded " (utc(statement.first_seen_at))
                    @if statement.version_count() > 1 { ", last changed " (utc(statement.last_changed_at())) }
                }
                dt { "Statement id" }
                dd { code { (statement.id) } }
            }
            p.jump { a href="#text" { "Read the current text" } }
        }
        (contacts(latest))
        section aria-labelledby="history-heading" {
            h2 #history-heading { "History" }
            p.help {
                "Newest first. A version is never changed or deleted; each one is an entry of the log. "
                a href=(feed) type="application/atom+xml" { "Follow new versions in a feed reader" } "."
            }
            ol.timeline {
                @for entry in &history.entries { (timeline_entry(statement, entry)) }
            }
            @if let Some(older) = history.older {
                p { a href={ (statement_path(&statement.id)) "?until=" (older) } { "Older versions" } }
            }
        }
        section #text aria-labelledby="text-heading" {
            h2 #text-heading { "Text of version " (latest.version) ", the current one" }
            (text_block(&current))
        }
    };
    let title = title_of(latest);
    let feed_title = format!("Versions of {title}");
    Ok(ok(page_with_feed(
        &title,
        Nav::Find,
        Some((&feed, &feed_title)),
        body,
    )))
}

/// `GET /statements/{statement_id}/versions/{version}`.
pub async fn version(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, PageError> {
    let id = statement_id(&path.0)?;
    let n = version_number("version", &path.1)?;
    let store = ctx.store.into_inner();
    let found = blocking(move || {
        let Some(statement) = store.statement(&id)? else {
            return Ok(Err(unknown_statement(&id)));
        };
        let Some(read) = read_version(&store, &id, n)? else {
            return Ok(Err(unknown_version(&id, n)));
        };
        let next = match n.next() {
            Some(next) if next <= statement.latest.version => store.version(&id, next)?,
            _ => None,
        };
        Ok(Ok((statement, read, next)))
    })
    .await??;
    let (statement, read, next) = found;
    let version = &read.version;
    let latest = statement.latest.version;
    let previous = VersionNo::from_u32(n.get() - 1);
    let body = html! {
        header.statement {
            p.kicker { a href=(statement_path(&id)) { "Statement" } " · version " (n) " of " (latest) }
            h1 { (name_of(version)) }
            @match &next {
                None => p.verdict.current { "This is the current version." }
                Some(next) => p.verdict.superseded {
                    "Superseded: version " (next.version) " was recorded " (utc(next.ingested_at)) ". "
                    a href=(compare_path(&id, n, next.version)) { "See what changed" }
                }
            }
            dl.facts {
                (facts(version, read.dateline.as_deref()))
                @if let Some(captured_at) = version.captured_at {
                    dt { "Captured" }
                    dd { (utc(captured_at)) " " (AS_ITS_SUBMITTER_SAYS) }
                }
                dt { "Recorded" }
                dd { (utc(version.ingested_at)) " by " (submitter(version)) }
                dt { "SHA-256" }
                dd { code.hash.whole { (version.sha256.to_hex()) } }
            }
            nav.links aria-label="This version" {
                ul {
                    @if let Some(previous) = previous {
                        li { a href=(version_path(&id, previous)) { "Version " (previous) } }
                        li { a href=(compare_path(&id, previous, n)) { "Compare with version " (previous) } }
                    }
                    @if let Some(next) = &next {
                        li { a href=(version_path(&id, next.version)) { "Version " (next.version) } }
                    }
                    @if n < latest {
                        li { a href=(compare_path(&id, n, latest)) { "Compare with the current version" } }
                    }
                    li { (evidence_links(version)) }
                }
            }
        }
        (contacts(version))
        section #text aria-labelledby="text-heading" {
            h2 #text-heading { "Text of version " (n) }
            (text_block(&read))
        }
    };
    let title = format!("{}, version {n}", title_of(version));
    Ok(ok(page(&title, Nav::Find, body)))
}

/// The `<title>` of a statement's pages: its title, or its source URL.
fn title_of(version: &Version) -> String {
    version
        .metadata
        .title
        .as_ref()
        .map_or_else(|| version.source_url.to_string(), ToString::to_string)
}

/// Source, publisher, publication date and dateline of a version, as rows of a `dl`.
fn facts(version: &Version, dateline: Option<&str>) -> Markup {
    let metadata = &version.metadata;
    html! {
            dt { "Source" }
            dd { (source_link(version)) }
            dt { "Publisher" }
            dd { @match &metadata.publisher { Some(p) => (quoted(p.as_ref())), None => span.none { "not given" } } }
            dt { "Published" }
            dd {
                @match &metadata.published_at {
                    Some(at) => (published(at)),
                    None => span.none { "no date given" },
                }
            }
            @if let Some(place) = dateline {
                dt { "Dateline" }
                dd { (quoted(place)) }
            }
    }
}

/// The media contacts of a version.
fn contacts(version: &Version) -> Markup {
    let contacts = &version.metadata.media_contacts;
    html! {
        section aria-labelledby="contacts-heading" {
            h2 #contacts-heading { "Media contacts" }
            @if contacts.is_empty() {
                p.none { "This version names no media contact." }
            } @else {
                ul.contacts {
                    @for contact in contacts {
                        li {
                            @if let Some(name) = &contact.name { strong { (quoted(name.as_ref())) } }
                            @if let Some(organization) = &contact.organization { span { (quoted(organization.as_ref())) } }
                            @if let Some(phone) = &contact.phone {
                                a href={ "tel:" (phone.digits()) } { (phone.as_ref()) }
                            }
                            @if let Some(email) = &contact.email {
                                a href={ "mailto:" (email.as_ref()) } { (quoted(email.as_ref())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// After a version's capture time: it is its submitter's claim (an importer's `WARC-Date`, say),
/// not a time the registry saw, which is its recorded time.
const AS_ITS_SUBMITTER_SAYS: &str = "(as its submitter says; not checked by the registry)";

/// Who submitted a version: the name of the API key that ingested it.
fn submitter(version: &Version) -> Markup {
    match &version.ingested_by {
        Some(name) => html! { "the key " strong.key { (quoted(name.as_ref())) } },
        None => html! { "an unnamed submitter" },
    }
}

/// One version in the timeline.
fn timeline_entry(statement: &Statement, entry: &Entry) -> Markup {
    let version = &entry.version;
    let id = &statement.id;
    let n = version.version;
    let heading = format!("version-{n}");
    html! {
        li id=(heading) {
            h3 {
                a href=(version_path(id, n)) { "Version " (n) }
                @if n == statement.latest.version { " " span.badge.current { "current" } }
                @if entry.change.as_ref().is_some_and(|change| change.cosmetic) {
                    " " span.badge.cosmetic { "cosmetic only" }
                }
            }
            p.meta {
                @if let Some(captured_at) = version.captured_at {
                    "Captured " (utc(captured_at)) " " (AS_ITS_SUBMITTER_SAYS) " · "
                }
                "Recorded " (utc(version.ingested_at)) " by " (submitter(version))
            }
            p.change {
                @match &entry.change {
                    None => "The first version recorded.",
                    Some(change) => (change_words(change)),
                }
            }
            p.links {
                @if let Some(previous) = VersionNo::from_u32(n.get() - 1) {
                    a href=(compare_path(id, previous, n)) { "What changed from version " (previous) }
                    " · "
                }
                (evidence_links(version))
                " · SHA-256 " (short_hash(&version.sha256.to_hex()))
            }
        }
    }
}

/// What a change did, in words ([`Change::text_summary`], the feeds' words too).
fn change_words(change: &Change) -> Markup {
    html! {
        (change.text_summary())
        @if let Some(fields) = change.fields_summary() {
            " " span.fields { (fields) }
        }
    }
}

/// The text of a version as a reader sees it; HTML statements as their text, never as markup.
fn text_block(read: &ReadVersion) -> Markup {
    html! {
        @if read.version.metadata.content_type == ContentType::Html {
            p.note {
                "This statement was recorded as an HTML page. It is shown here as the text a reader "
                "sees; its markup is not shown and never run. Its exact bytes can be downloaded."
            }
        }
        div.statement-text dir="auto" { (text(&read.text)) }
    }
}
