//! The home page (search, the latest changes, the log's state) and `/search`: a statement's
//! URL or id opens its history, a SHA-256 lists the versions with that content, and words are
//! traced as a passage.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::layout::{
    and_list, field_name, name_of, page, short_hash, source_link, statement_path, utc, version_path, Nav,
};
use super::{given, ok, params, trace, Ctx, PageError};
use crate::api::blocking;
use crate::domain::{Sha256, SourceUrl, StatementId, Version};
use crate::find::passages::trace as trace_passage;

/// How many statements the home page lists as the latest changes.
const RECENT: usize = 20;

/// How many of the versions committed last the latest changes are drawn from: a bounded read
/// (that many journal and record reads), however large the registry.
const RECENT_WINDOW: usize = 200;

/// The most versions a hash search lists.
const HASH_MATCHES: usize = 50;

/// `GET /`.
pub async fn home(ctx: Ctx) -> Result<HttpResponse, PageError> {
    let store = ctx.store.into_inner();
    let (recent, size) = blocking(move || {
        let recent = latest_by_statement(store.recent_versions(RECENT_WINDOW)?, RECENT);
        let (_, checkpoint) = store.latest_checkpoint()?;
        Ok((recent, checkpoint.size))
    })
    .await?;
    let body = html! {
        h1 { "Find a statement" }
        p.lead {
            "Every version of every statement in this registry is kept exactly as it was published, "
            "with the hash of its bytes, and entered in a signed log that anyone can check."
        }
        (search_form(""))
        section aria-labelledby="log-heading" {
            h2 #log-heading { "The log" }
            p {
                @match recent.first() {
                    Some(newest) => {
                        "The log holds " strong { (size) } " entries. Its latest signed checkpoint "
                        "covers them all; the newest was recorded " (utc(newest.version.ingested_at)) ". "
                    }
                    None => { "The log is empty: nothing has been recorded yet. " }
                }
                a href="/log" { "See the checkpoint and how to verify offline" }
            }
        }
        section aria-labelledby="changes-heading" {
            h2 #changes-heading { "Latest changes" }
            @if recent.is_empty() {
                p { "No statement has been recorded yet." }
            } @else {
                ol.changes {
                    @for change in &recent { li { (change_line(change)) } }
                }
            }
        }
    };
    Ok(ok(page("Find a statement", Nav::Find, body)))
}

/// The search form, filled with `query`.
pub fn search_form(query: &str) -> Markup {
    html! {
        form.search role="search" action="/search" method="get" {
            label for="q" { "A statement's web address, a SHA-256, or words from it" }
            div.row {
                input #q type="search" name="q" value=(query) required
                    autocomplete="off" spellcheck="false" aria-describedby="q-help";
                button type="submit" { "Search" }
            }
            p #q-help .help {
                "Paste a URL to open its history, a 64-digit SHA-256 to find the versions with "
                "exactly those bytes, or a passage of at least 8 words to see where it appeared."
            }
        }
    }
}

/// A statement's newest version among the versions committed last, and how many of its
/// earlier versions were among them too.
struct Change {
    version: Version,
    earlier: usize,
}

/// The versions `recent` (newest first) grouped by statement: one [`Change`] per statement, in
/// the order of their newest versions, at most `limit` of them. A statement edited many times
/// in a row takes one line, not the whole list.
fn latest_by_statement(recent: Vec<Version>, limit: usize) -> Vec<Change> {
    let mut changes: Vec<Change> = Vec::new();
    for version in recent {
        let seen = changes
            .iter()
            .position(|change| change.version.statement_id == version.statement_id);
        match seen {
            Some(at) => changes[at].earlier += 1,
            None if changes.len() < limit => changes.push(Change { version, earlier: 0 }),
            None => {}
        }
    }
    changes
}

/// One line of the latest changes: which statement, which version, what changed, when, and how
/// many of its earlier versions are recent too.
fn change_line(change: &Change) -> Markup {
    let version = &change.version;
    let changed: Vec<&str> = version.changed.iter().map(|field| field_name(*field)).collect();
    html! {
        a href=(version_path(&version.statement_id, version.version)) { (name_of(version)) }
        span.meta {
            @if version.version.get() == 1 {
                "New statement"
            } @else {
                "Version " (version.version) ": " (and_list(&changed)) " changed"
            }
            " · " (utc(version.ingested_at))
            @match change.earlier {
                0 => {}
                1 => " · with 1 earlier version among the latest",
                n => { " · with " (n) " earlier versions among the latest" }
            }
        }
        span.source { (source_link(version)) }
    }
}

/// What a search box holds.
enum Query {
    Statement(StatementId),
    Url(SourceUrl),
    Hash(Sha256),
    Words(String),
}

impl Query {
    fn parse(raw: &str) -> Result<Self, PageError> {
        let lowered = raw.to_ascii_lowercase();
        let is_hex = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_hexdigit());
        if is_hex && raw.len() == 32 {
            if let Ok(id) = StatementId::parse("q", &lowered) {
                return Ok(Self::Statement(id));
            }
        }
        if is_hex && raw.len() >= 40 {
            return Sha256::parse("q", raw).map(Self::Hash).map_err(|_| {
                PageError::bad_request(
                    "That is not a SHA-256",
                    format!(
                        "A SHA-256 has 64 hexadecimal digits; this has {}. Check that it was copied whole.",
                        raw.len()
                    ),
                )
                .with_next("/", "Search again")
            });
        }
        if lowered.starts_with("http://") || lowered.starts_with("https://") {
            return SourceUrl::parse("q", raw).map(Self::Url).map_err(|error| {
                PageError::bad_request(
                    "That web address cannot be looked up",
                    format!("The address {}.", error.message),
                )
                .with_next("/", "Search again")
            });
        }
        Ok(Self::Words(raw.to_owned()))
    }
}

/// `GET /search?q=`.
pub async fn search(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let params = params(req.query_string().as_bytes());
    let Some(raw) = given(&params, "q") else {
        return Err(PageError::unprocessable(
            "Nothing to search for",
            "Type or paste a statement's web address, a SHA-256, or some of its words.",
        )
        .with_next("/", "Back to the search"));
    };
    let query = Query::parse(raw)?;
    let store = ctx.store.into_inner();
    let body = match query {
        Query::Statement(id) => return Ok(see_other(&statement_path(&id))),
        Query::Url(url) => {
            let id = StatementId::for_url(&url);
            if blocking(move || store.statement(&id)).await?.is_some() {
                return Ok(see_other(&statement_path(&id)));
            }
            html! {
                h1 { "Not in the registry" }
                p.lead { "No statement from " code.url { (url.as_str()) } " has been recorded." }
                p { "Addresses are compared after removing tracking parameters and the fragment, so "
                    "this is the form the registry looked for." }
            }
        }
        Query::Hash(sha) => {
            let versions = blocking(move || store.versions_with_hash(&sha, None, HASH_MATCHES)).await?;
            html! {
                h1 { "Versions with this SHA-256" }
                p.lead { "SHA-256 " code.hash { (sha.to_hex()) } }
                @if versions.items.is_empty() {
                    p { "No version of any statement has exactly these bytes. A copy with other line breaks "
                        "or formatting has another hash: to find it by its words, "
                        a href="/verify" { "verify the copy itself" } "." }
                } @else {
                    ol.changes {
                        @for version in &versions.items {
                            li {
                                a href=(version_path(&version.statement_id, version.version)) { (name_of(version)) }
                                span.meta { "Version " (version.version) " · recorded " (utc(version.ingested_at))
                                    " · " (short_hash(&version.sha256.to_hex())) }
                                span.source { (source_link(version)) }
                            }
                        }
                    }
                    @if versions.next.is_some() { p { "Only the first " (HASH_MATCHES) " are listed." } }
                }
            }
        }
        Query::Words(words) => {
            let passage = words.clone();
            let traces = ctx.heavy.run(move || trace_passage(&store, &passage)).await?;
            html! {
                h1 { "Where these words appeared" }
                (trace::results(&words, &traces))
            }
        }
    };
    let body = html! { (search_form(raw)) (body) };
    Ok(ok(page("Search", Nav::Find, body)))
}

/// A redirect to a page, after a search (303: the search was a GET, the page is another).
fn see_other(path: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_read_by_its_form() {
        let id = "0123456789abcdef0123456789abcdef";
        assert!(matches!(Query::parse(id), Ok(Query::Statement(_))));
        assert!(matches!(
            Query::parse(&id.to_uppercase()),
            Ok(Query::Statement(_))
        ));
        assert!(matches!(Query::parse(&"ab".repeat(32)), Ok(Query::Hash(_))));
        assert!(matches!(
            Query::parse("https://www.aclu.org/news?utm_source=x"),
            Ok(Query::Url(_))
        ));
        assert!(matches!(
            Query::parse("caving to threats from the administration"),
            Ok(Query::Words(_))
        ));
        assert!(
            matches!(Query::parse("deadbeef"), Ok(Query::Words(_))),
            "short hex is a word"
        );
        let malformed = Query::parse(&"a".repeat(63)).err().unwrap();
        assert_eq!(actix_web::ResponseError::status_code(&malformed).as_u16(), 400);
        let not_a_url = Query::parse("https://").err().unwrap();
        assert_eq!(actix_web::ResponseError::status_code(&not_a_url).as_u16(), 400);
    }
}
