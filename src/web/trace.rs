//! Tracing a quote: where a passage first appeared, with the matching words marked in their
//! context, then every later appearance, from [`crate::find::passages::trace`] as for
//! `POST /v1/passages/search`.

use std::ops::Range;

use actix_web::{HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::layout::{name_of, page, published, source_link, text, utc, version_path, Nav};
use super::{given, ok, params, Ctx, PageError};
use crate::find::passages::{trace as trace_passage, Trace, Traced};
use crate::text::passage::MIN_MATCH_WORDS;
use crate::text::words::words;

/// How many bytes of text around a match are shown, on each side.
const CONTEXT_BYTES: usize = 240;

/// The most appearances listed.
const MAX_APPEARANCES: usize = 20;

/// `GET /trace[?passage=]`.
pub async fn trace(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let params = params(req.query_string().as_bytes());
    let results = match params.get("passage") {
        None => None,
        Some(_) => {
            let Some(passage) = given(&params, "passage") else {
                return Err(PageError::unprocessable(
                    "Nothing to trace",
                    "Paste the passage you want to trace: a quote, a sentence or a paragraph.",
                )
                .with_next("/trace", "Back to the form"));
            };
            let passage = passage.to_owned();
            let store = ctx.store.into_inner();
            let query = passage.clone();
            let traces = ctx.heavy.run(move || trace_passage(&store, &query)).await?;
            Some((passage, traces))
        }
    };
    let body = html! {
        h1 { "Trace a quote" }
        p.lead {
            "Paste a passage to see where it first appeared in the registry, and every statement "
            "that carried it later. Line breaks, quote marks, dashes and case do not matter; “…” "
            "marks words left out."
        }
        form.trace action="/trace" method="get" {
            div.field {
                label for="passage" { "The passage" }
                textarea #passage name="passage" rows="5" required aria-describedby="passage-help" {
                    @if let Some((passage, _)) = &results { (passage) }
                }
                p #passage-help .help { "At least " (MIN_MATCH_WORDS) " words." }
            }
            button type="submit" { "Trace" }
        }
        @if let Some((passage, traces)) = &results { (self::results(passage, traces)) }
    };
    Ok(ok(page("Trace a quote", Nav::Trace, body)))
}

/// Where `passage` appeared: the first appearance, then the later ones.
pub fn results(passage: &str, traced: &Traced) -> Markup {
    let passage_words = words(passage, &[]).len();
    let traces = &traced.traces;
    html! {
        @if passage_words < MIN_MATCH_WORDS {
            p.notice {
                "This has " (passage_words) " words. A passage needs at least " (MIN_MATCH_WORDS)
                " words to show where a text came from: shorter phrases are found in too many places."
            }
        } @else if traces.is_empty() {
            p.notice { "No statement in the registry contains this passage, exactly or nearly." }
        } @else {
            @if let Some(first) = traces.first() {
                section aria-labelledby="first-heading" {
                    h2 #first-heading { "First appeared" }
                    (appearance(first))
                }
            }
            @if traces.len() > 1 {
                section aria-labelledby="later-heading" {
                    h2 #later-heading { "Later appearances" }
                    ol.appearances {
                        @for later in traces.iter().skip(1).take(MAX_APPEARANCES - 1) { li { (appearance(later)) } }
                    }
                    @if traces.len() > MAX_APPEARANCES { p { "Only the first " (MAX_APPEARANCES) " are listed." } }
                }
            }
        }
        @if traced.unread_candidates > 0 {
            p.notice {
                (traced.unread_candidates) " more statements that may hold the passage were not read: "
                "the search reads a bounded amount of text. A longer or more distinctive passage narrows it."
            }
        }
    }
}

/// One statement carrying the passage, with the match marked in its context.
fn appearance(trace: &Trace) -> Markup {
    let version = &trace.version;
    let found = &trace.found;
    let shown = context(&trace.text, found.span.clone());
    html! {
        article.appearance {
            h3 { a href=(version_path(&version.statement_id, version.version)) { (name_of(version)) } }
            p.meta {
                @match &version.metadata.published_at {
                    Some(at) => { "Published " (published(at)) }
                    None => { "No publication date; recorded " (utc(version.ingested_at)) }
                }
                " · version " (version.version)
                @if !trace.also_in.is_empty() {
                    " (also in "
                    @for (i, n) in trace.also_in.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(version_path(&version.statement_id, *n)) { (n) }
                    }
                    ")"
                }
                " · "
                @if found.exact { "exact match" } @else {
                    (format!("{:.0}", found.score * 100.0)) "% of the passage's words, in order"
                }
            }
            p.url { (source_link(version)) }
            blockquote.context dir="auto" {
                @if shown.cut_before { "…" }
                (text(shown.before))
                mark { (text(shown.matched)) }
                (text(shown.after))
                @if shown.cut_after { "…" }
            }
        }
    }
}

/// A match in its context.
#[derive(Debug, PartialEq, Eq)]
struct Context<'a> {
    before: &'a str,
    matched: &'a str,
    after: &'a str,
    /// Whether text before `before` (after `after`) was left out.
    cut_before: bool,
    cut_after: bool,
}

/// The text before the match (up to [`CONTEXT_BYTES`], from a word's start), the match, and
/// the text after it (up to [`CONTEXT_BYTES`], to a word's end), trimmed of the white space at
/// the cuts.
fn context(text: &str, span: Range<usize>) -> Context<'_> {
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start.min(text.len()));
    let end = floor(span.end.min(text.len())).max(start);
    let mut from = floor(start.saturating_sub(CONTEXT_BYTES));
    if from > 0 {
        from = text[from..start]
            .find(char::is_whitespace)
            .map_or(start, |at| from + at);
    }
    let mut to = floor((end + CONTEXT_BYTES).min(text.len()));
    if to < text.len() {
        to = text[end..to]
            .rfind(char::is_whitespace)
            .map_or(end, |at| end + at);
    }
    Context {
        before: text[from..start].trim_start(),
        matched: &text[start..end],
        after: text[end..to].trim_end(),
        cut_before: from > 0,
        cut_after: to < text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_stays_on_character_and_word_boundaries() {
        let text = format!("{}MATCH here{}", "é word ".repeat(100), " après ".repeat(100));
        let start = text.find("MATCH").unwrap();
        let shown = context(&text, start..start + 10);
        assert_eq!(shown.matched, "MATCH here");
        assert!(shown.before.len() <= CONTEXT_BYTES);
        assert!(
            shown.before.starts_with("é ") || shown.before.starts_with("word "),
            "starts with a whole word"
        );
        assert!(shown.after.len() <= CONTEXT_BYTES && shown.after.ends_with("après"));
        assert!(shown.cut_before && shown.cut_after);
        let end = context("short match\n", 6..11);
        assert_eq!((end.before, end.matched, end.after), ("short ", "match", ""));
        assert!(!end.cut_before && !end.cut_after, "nothing was left out");
        let start = context("short match", 0..5);
        assert_eq!(
            (start.before, start.after, start.cut_before),
            ("", " match", false)
        );
    }
}
