//! The frame of every page (head, header, navigation, footer) and the small pieces the pages
//! share: dates with their time zone, statement text isolated for bidi, links to a statement,
//! its source, its exact bytes and its proof.
//!
//! Every string that comes from a statement (title, publisher, URL, contact, text) is shown
//! through maud's escaping, and inline ones inside `<bdi>`, so that a right-to-left override in
//! a title cannot reorder the words around it.

use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use super::assets;
use crate::api::{VERSIONS_FEED, WITHDRAWN_FEED};
use crate::domain::{PublishedAt, StatementId, Version, VersionNo};
use crate::feed::ATOM;
pub use crate::find::summary::{and_list, count, field_name};

/// Which part of the site a page belongs to, for the navigation's `aria-current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Find,
    Verify,
    Trace,
    Log,
    None,
}

/// A whole page: `title` (already plain text) and its `main` content. Its head links the
/// registry's Atom feeds of new versions and of withdrawn statements.
pub fn page(title: &str, nav: Nav, main: Markup) -> Markup {
    page_with_feed(title, nav, None, main)
}

/// A feed a page links in its head besides the registry's: its path and its title.
pub type FeedLink<'a> = (&'a str, &'a str);

/// [`page`], with the head also linking `feed` (a statement's page links its own).
pub fn page_with_feed(title: &str, nav: Nav, feed: Option<FeedLink<'_>>, main: Markup) -> Markup {
    let item = |href: &str, label: &str, this: Nav| {
        html! {
            li {
                @if nav == this {
                    a href=(href) aria-current="page" { (label) }
                } @else {
                    a href=(href) { (label) }
                }
            }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Provenance" }
                link rel="stylesheet" href=(assets::href("app.css"));
                link rel="icon" type="image/svg+xml" href=(assets::href("icon.svg"));
                script src=(assets::href("app.js")) defer {}
                @if let Some((href, feed_title)) = feed {
                    link rel="alternate" type=(ATOM) href=(href) title=(feed_title);
                }
                link rel="alternate" type=(ATOM) href=(VERSIONS_FEED) title="Provenance: new versions";
                link rel="alternate" type=(ATOM) href=(WITHDRAWN_FEED) title="Provenance: withdrawn statements";
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.site {
                    a.brand href="/" { span.mark aria-hidden="true" { "P" } "Provenance" }
                    nav aria-label="Main" {
                        ul {
                            (item("/", "Find", Nav::Find))
                            (item("/verify", "Verify a copy", Nav::Verify))
                            (item("/trace", "Trace a quote", Nav::Trace))
                            (item("/log", "The log", Nav::Log))
                        }
                    }
                }
                main #main tabindex="-1" { (main) }
                footer.site {
                    p {
                        "A verifiable registry of public statements. Every version is kept, hashed and "
                        "entered in a signed, append-only log. "
                        a href="/docs/" { "JSON API" }
                        " · "
                        a href="/log" { "How to verify offline" }
                    }
                }
            }
        }
    }
}

/// Text from a statement, inline: escaped, its bidi controls shown ([`text`]), and isolated
/// from the text around it.
pub fn quoted(shown: &str) -> Markup {
    html! { bdi { (text(shown)) } }
}

/// The explicit bidi controls (embeddings, overrides, isolates and their ends), with the short
/// name a reader is shown. A right-to-left override can make `txt.exe` read `exe.txt`; a
/// registry of evidence shows that it is there rather than applying it.
const BIDI_CONTROLS: [(char, &str, &str); 9] = [
    ('\u{202a}', "LRE", "left-to-right embedding"),
    ('\u{202b}', "RLE", "right-to-left embedding"),
    ('\u{202c}', "PDF", "end of a bidi embedding or override"),
    ('\u{202d}', "LRO", "left-to-right override"),
    ('\u{202e}', "RLO", "right-to-left override"),
    ('\u{2066}', "LRI", "left-to-right isolate"),
    ('\u{2067}', "RLI", "right-to-left isolate"),
    ('\u{2068}', "FSI", "first-strong isolate"),
    ('\u{2069}', "PDI", "end of a bidi isolate"),
];

/// Text from a statement, escaped, with each explicit bidi control shown as a visible mark
/// (`[RLO]`) instead of being applied. Everything else is shown as it is.
pub fn text(shown: &str) -> Markup {
    let control = |c: char| BIDI_CONTROLS.iter().find(|(control, _, _)| *control == c);
    let mut pieces: Vec<Result<&str, &(char, &str, &str)>> = Vec::new();
    let mut start = 0;
    for (at, c) in shown.char_indices() {
        if let Some(found) = control(c) {
            if start < at {
                pieces.push(Ok(&shown[start..at]));
            }
            pieces.push(Err(found));
            start = at + c.len_utf8();
        }
    }
    if start < shown.len() {
        pieces.push(Ok(&shown[start..]));
    }
    html! {
        @for piece in pieces {
            @match piece {
                Ok(plain) => (plain),
                Err((code, short, name)) => {
                    span.control title=(format!("{name} (U+{:04X}), shown here, not applied", u32::from(*code))) {
                        "[" (short) "]"
                    }
                }
            }
        }
    }
}

/// An instant as UTC, written out (`16 August 2017, 14:05 UTC`), machine-readable too.
pub fn utc(time: DateTime<Utc>) -> Markup {
    html! {
        time datetime=(time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
            (time.format("%-d %B %Y, %H:%M UTC"))
        }
    }
}

/// A publication date as the source gave it: a date alone, or a date and time with the
/// source's own offset (`24 January 2018, 16:30 UTC-05:00`).
pub fn published(at: &PublishedAt) -> Markup {
    match at {
        PublishedAt::Date(date) => html! {
            time datetime=(date.format("%Y-%m-%d")) { (date.format("%-d %B %Y")) }
        },
        PublishedAt::DateTime(moment) => {
            let offset = moment.offset().to_string();
            let zone = if offset == "+00:00" {
                "UTC".to_owned()
            } else {
                format!("UTC{offset}")
            };
            html! {
                time datetime=(at.to_string()) { (moment.format("%-d %B %Y, %H:%M")) " " (zone) }
            }
        }
    }
}

/// The path of a statement's page.
pub fn statement_path(id: &StatementId) -> String {
    format!("/statements/{id}")
}

/// The path of one version's page.
pub fn version_path(id: &StatementId, n: VersionNo) -> String {
    format!("/statements/{id}/versions/{n}")
}

/// The path of the comparison of two versions.
pub fn compare_path(id: &StatementId, from: VersionNo, to: VersionNo) -> String {
    format!("/statements/{id}/compare?from={from}&to={to}")
}

/// A version's title, or its source URL when it has none.
pub fn name_of(version: &Version) -> Markup {
    match &version.metadata.title {
        Some(title) => quoted(title.as_ref()),
        None => quoted(version.source_url.as_str()),
    }
}

/// A link to the statement's source, outside the registry. Source URLs are `http` or `https`
/// by construction ([`crate::domain::SourceUrl`]), so the link cannot run script.
pub fn source_link(version: &Version) -> Markup {
    let url = version.source_url.as_str();
    html! {
        a.url href=(url) rel="noopener noreferrer nofollow external" { (quoted(url)) }
    }
}

/// Links to a version's exact bytes and proof bundle. The bytes are downloaded, never shown on
/// the service's origin (an HTML statement would be a page of its own there).
pub fn evidence_links(version: &Version) -> Markup {
    let api = crate::api::version_path(&version.statement_id, version.version);
    let extension = match version.metadata.content_type.as_str() {
        "text/html" => "html",
        "text/markdown" => "md",
        _ => "txt",
    };
    let file = format!(
        "statement-{}-v{}.{extension}",
        version.statement_id, version.version
    );
    html! {
        a href={ (api) "/content" } download=(file) type=(version.metadata.content_type.as_str()) {
            "Exact bytes"
        }
        " · "
        a href={ (api) "/proof" } type="application/json" { "Proof bundle" }
    }
}

/// A short hash for people: its first 12 hex digits, the whole in the title and for copying.
pub fn short_hash(hex: &str) -> Markup {
    html! { code.hash title=(hex) { (hex.get(..12).unwrap_or(hex)) "…" } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_carry_their_zone() {
        let at = |raw| published(&PublishedAt::parse("p", raw).unwrap()).into_string();
        assert!(at("2017-08-16").contains(">16 August 2017<"));
        assert!(at("2018-01-24T16:30:00-05:00").contains("24 January 2018, 16:30 UTC-05:00"));
        assert!(at("2018-01-24T16:30:00Z").contains("16:30 UTC<"));
        let instant = DateTime::parse_from_rfc3339("2026-11-23T14:05:09.5Z")
            .unwrap()
            .to_utc();
        assert!(utc(instant).into_string().contains("23 November 2026, 14:05 UTC"));
    }

    #[test]
    fn statement_text_is_escaped_and_isolated() {
        let shown = quoted("<script>alert(1)</script>").into_string();
        assert_eq!(shown, "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>");
    }

    #[test]
    fn bidi_controls_are_shown_not_applied() {
        let shown = text("file \u{202e}txt.exe\u{202c} — עברית").into_string();
        assert!(
            !shown.contains('\u{202e}') && !shown.contains('\u{202c}'),
            "{shown}"
        );
        assert!(shown.starts_with("file <span class=\"control\" title=\"right-to-left override (U+202E), shown here, not applied\">[RLO]</span>txt.exe"));
        assert!(
            shown.ends_with("[PDF]</span> — עברית"),
            "other text stays as it is: {shown}"
        );
        assert_eq!(text("plain").into_string(), "plain");
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["text"]), "text");
        assert_eq!(
            and_list(&["text", "title", "publisher"]),
            "text, title and publisher"
        );
        assert_eq!(count(1, "word", "words"), "1 word");
        assert_eq!(count(3, "word", "words"), "3 words");
    }
}
