//! Verifying a copy: the form (paste a text, drop a file, or give a SHA-256; "check the hash
//! only" hashes in the browser and sends only the hash), and the verdict in plain words, with
//! every match's proof bundle checked by the registry and, when scripts run, by the browser
//! against the log key shown on the page.
//!
//! The verdicts come from [`crate::find::verify`], as for `POST /v1/verify`; this page groups
//! the matches by statement and words the verdict of each, so that a copy current at one
//! source and superseded at another says exactly that.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::layout::{
    and_list, compare_path, field_name, name_of, page, published, source_link, utc, version_path, Nav,
};
use super::{given, ok, params, Ctx, PageError};
use crate::api::model::ProofBundle;
use crate::api::problem::ApiError;
use crate::api::{read_limited, BodyLimit};
use crate::cli::check_bundle;
use crate::domain::{ComparableText, Content, ContentType, Sha256};
use crate::find::verify::{verify, CopyMatch, HeldCopy, Verdict, Verification};

/// `GET /verify`: the form.
pub async fn form(_ctx: Ctx) -> HttpResponse {
    let body = html! {
        h1 { "Verify a copy" }
        p.lead {
            "Is the text you hold what was published? Paste it or drop its file: the registry "
            "tells you whether it is the current wording of a statement, an older wording that was "
            "changed since, the same words with other formatting, or not in the registry at all."
        }
        (verify_form())
    };
    ok(page("Verify a copy", Nav::Verify, body))
}

fn verify_form() -> Markup {
    html! {
        form #verify-form .verify action="/verify" method="post" {
            div.field {
                label for="text" { "The text of your copy" }
                textarea #text name="text" rows="12" spellcheck="false" aria-describedby="text-help" {}
                p #text-help .help {
                    "Pasted text is compared with its line breaks as you see them. For an exact "
                    "comparison of the bytes, drop the file itself."
                }
            }
            div #drop .drop hidden {
                label for="file" { "Or choose or drop the file of your copy" }
                input #file type="file" accept=".txt,.html,.htm,.md,text/plain,text/html,text/markdown";
                p #file-name .help aria-live="polite" {}
            }
            div.field {
                label for="content_type" { "The copy is" }
                select #content_type name="content_type" {
                    option value="text/plain" selected { "plain text" }
                    option value="text/html" { "an HTML page (its source)" }
                    option value="text/markdown" { "markdown" }
                }
            }
            fieldset #local .local hidden {
                legend { "Keep the text on this computer" }
                div.check {
                    input #hash_only type="checkbox" name="hash_only" value="on" aria-describedby="hash-only-help";
                    label for="hash_only" { "Check the hash only" }
                }
                p #hash-only-help .help {
                    "Your browser computes the SHA-256 of your copy and sends only that: the text never "
                    "leaves this computer. Only byte-identical copies are found this way."
                }
            }
            p #no-local .help hidden {
                "This browser cannot compute a SHA-256 here (it needs a secure connection), so "
                "checking the hash only is not offered."
            }
            details.field {
                summary { "Already have the SHA-256?" }
                label for="sha256" { "SHA-256 of your copy (64 hexadecimal digits)" }
                input #sha256 type="text" name="sha256" inputmode="latin" autocomplete="off"
                    spellcheck="false" pattern="[0-9a-fA-F]{64}" aria-describedby="sha-help";
                p #sha-help .help { "For example from " code { "sha256sum copy.txt" } ". Only the hash is checked." }
            }
            input #file_sha256 type="hidden" name="file_sha256";
            button type="submit" { "Verify" }
        }
    }
}

/// What the form sent, parsed.
enum Sent {
    /// The text (and, for a dropped file, the SHA-256 of its exact bytes).
    Text {
        content: Content,
        content_type: ContentType,
        bytes_sha256: Option<Sha256>,
    },
    /// Only the hash.
    Hash { sha256: Sha256, hashed_here: bool },
}

impl Sent {
    fn parse(form: &std::collections::HashMap<String, String>) -> Result<Self, PageError> {
        let hash = |field: &str| {
            given(form, field)
                .map(|raw| {
                    Sha256::parse(field, raw).map_err(|_| {
                        PageError::bad_request(
                            "That is not a SHA-256",
                            format!(
                                "A SHA-256 is 64 hexadecimal digits (0–9, a–f); what was sent has {} characters.",
                                raw.chars().count()
                            ),
                        )
                        .with_next("/verify", "Try again")
                    })
                })
                .transpose()
        };
        let sha256 = hash("sha256")?;
        let bytes_sha256 = hash("file_sha256")?;
        if given(form, "hash_only").is_some() {
            // The script sends the hash without the text; if it did not run, nothing is checked.
            return match sha256 {
                Some(sha256) => Ok(Self::Hash {
                    sha256,
                    hashed_here: true,
                }),
                None => Err(PageError::unprocessable(
                    "The hash was not computed",
                    "“Check the hash only” needs your browser to compute the SHA-256, and it did not. \
                     Nothing was checked.",
                )
                .with_next("/verify", "Try again")),
            };
        }
        // A form sends every line break as CRLF; the text as pasted had the browser's LF.
        let text = form
            .get("text")
            .map(|text| text.replace("\r\n", "\n"))
            .filter(|text| !text.trim().is_empty());
        match (text, sha256) {
            (Some(text), sha256) => {
                let content_type = given(form, "content_type")
                    .map(|raw| ContentType::parse("content_type", raw))
                    .transpose()
                    .map_err(|error| PageError::bad_request("That is not a format of copies", error.message))?
                    .unwrap_or_default();
                let content = Content::parse("text", text)
                    .map_err(|error| PageError::unprocessable("Nothing to verify", error.message))?;
                if sha256.is_some_and(|claimed| claimed != content.sha256()) {
                    return Err(PageError::unprocessable(
                        "The SHA-256 is not the text's",
                        "The SHA-256 given is not the hash of the text pasted. Send one or the other.",
                    )
                    .with_next("/verify", "Try again"));
                }
                Ok(Self::Text {
                    content,
                    content_type,
                    bytes_sha256,
                })
            }
            (None, Some(sha256)) => Ok(Self::Hash {
                sha256,
                hashed_here: false,
            }),
            (None, None) => Err(PageError::unprocessable(
                "Nothing to verify",
                "Paste the text of your copy, drop its file, or give its SHA-256.",
            )
            .with_next("/verify", "Back to the form")),
        }
    }

    /// The copy to verify, its text read (CPU-heavy: off the async workers).
    fn read(&self) -> HeldCopy {
        match self {
            Self::Text {
                content,
                content_type,
                bytes_sha256,
            } => HeldCopy {
                sha256: bytes_sha256.unwrap_or_else(|| content.sha256()),
                text: Some(ComparableText::read(content.as_str(), *content_type)),
            },
            Self::Hash { sha256, .. } => HeldCopy {
                sha256: *sha256,
                text: None,
            },
        }
    }
}

/// A match, with what the registry's own check of its proof bundle found.
struct Checked<'a> {
    found: &'a CopyMatch,
    bundle: ProofBundle,
    server_check: Result<(), String>,
}

/// `POST /verify`: the verdict.
pub async fn check(
    ctx: Ctx,
    req: HttpRequest,
    payload: web::Payload,
    limit: web::Data<BodyLimit>,
) -> Result<HttpResponse, PageError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/x-www-form-urlencoded",
        }
        .into());
    }
    let body = read_limited(&req, payload, **limit).await?;
    let sent = Sent::parse(&params(&body))?;
    let store = ctx.store.into_inner();
    let (sent, copy_sha256, verification, checks, key) = ctx
        .heavy
        .run(move || {
            let copy = sent.read();
            let verification = verify(&store, &copy)?;
            let checks: Vec<Result<(), String>> = verification
                .matches
                .iter()
                .map(|found| {
                    let identical = found.verdict != Verdict::NormalizedMatch;
                    check_bundle(
                        &ProofBundle::from(&found.proof),
                        store.verifier(),
                        identical.then_some(copy.sha256),
                    )
                    .map(drop)
                    .map_err(|error| format!("{error:#}"))
                })
                .collect();
            Ok((
                sent,
                copy.sha256,
                verification,
                checks,
                store.verifier().encoded(),
            ))
        })
        .await?;
    let checked: Vec<Checked> = verification
        .matches
        .iter()
        .zip(checks)
        .map(|(found, server_check)| Checked {
            found,
            bundle: ProofBundle::from(&found.proof),
            server_check,
        })
        .collect();
    let body = verdict_page(&sent, copy_sha256, &verification, &checked, &key);
    Ok(ok(page("Verdict", Nav::Verify, body)))
}

/// The matches of one statement, with the copy's verdict for it.
struct Source<'a, 'b> {
    verdict: Verdict,
    matches: Vec<&'b Checked<'a>>,
}

/// The matches grouped by the statements of [`Verification::statements`], each group with its
/// statement's verdict: superseded ones first, then same-words ones, then current ones, each
/// kind in the order the verification lists them.
fn by_source<'a, 'b>(verification: &Verification, checked: &'b [Checked<'a>]) -> Vec<Source<'a, 'b>> {
    let sources = verification.statements.iter().map(|standing| Source {
        verdict: standing.verdict,
        matches: checked
            .iter()
            .filter(|item| item.found.version.statement_id == standing.statement_id)
            .collect(),
    });
    // What changed comes first: a reader checking a quote needs the warning before the reassurance.
    let rank = |verdict: Verdict| match verdict {
        Verdict::Superseded => 0,
        Verdict::NormalizedMatch => 1,
        Verdict::Current => 2,
        Verdict::Unknown => 3,
    };
    let mut sources: Vec<Source> = sources.collect();
    sources.sort_by_key(|source| rank(source.verdict));
    sources
}

/// The verdict in a few words, from the verdicts of the statements the copy matches.
fn headline(verdicts: &[Verdict]) -> &'static str {
    let mut kinds = verdicts.to_vec();
    kinds.sort();
    kinds.dedup();
    match kinds.as_slice() {
        [] => "Not in the registry",
        [Verdict::Current] => "This is the current wording",
        [Verdict::Superseded] => "This wording was changed since",
        [Verdict::NormalizedMatch] => "Same words, different formatting",
        [Verdict::Current, Verdict::Superseded] => "Current at one source, changed at another",
        _ => "The answer differs from one source to another",
    }
}

/// A verdict's badge text.
fn badge(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Current => "current",
        Verdict::Superseded => "changed since",
        Verdict::NormalizedMatch => "same words",
        Verdict::Unknown => "not found",
    }
}

/// The heading's colour: a verdict's own when every source agrees, a warning's when they differ.
fn heading_class(verdicts: &[Verdict]) -> &'static str {
    match verdicts {
        [] => class_of(Verdict::Unknown),
        [first, rest @ ..] if rest.iter().all(|v| v == first) => class_of(*first),
        _ => class_of(Verdict::Superseded),
    }
}

fn class_of(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Current => "current",
        Verdict::Superseded => "superseded",
        Verdict::NormalizedMatch => "cosmetic",
        Verdict::Unknown => "unknown",
    }
}

fn verdict_page(
    sent: &Sent,
    copy_sha256: Sha256,
    verification: &Verification,
    checked: &[Checked],
    key: &str,
) -> Markup {
    let sources = by_source(verification, checked);
    let verdicts: Vec<Verdict> = sources.iter().map(|source| source.verdict).collect();
    let tally = |verdict: Verdict| verdicts.iter().filter(|v| **v == verdict).count();
    html! {
        h1.verdict-heading.(heading_class(&verdicts)) { (headline(&verdicts)) }
        @if sources.len() > 1 {
            ul.tally {
                @for verdict in [Verdict::Current, Verdict::Superseded, Verdict::NormalizedMatch] {
                    @if tally(verdict) > 0 {
                        li { span.badge.(class_of(verdict)) { (badge(verdict)) } " at "
                            (super::layout::count(tally(verdict), "source", "sources")) }
                    }
                }
            }
        }
        @if sources.is_empty() {
            p.lead {
                "No version of any statement in the registry has "
                @match sent { Sent::Text { .. } => "these bytes or these words.", Sent::Hash { .. } => "these bytes." }
            }
            @if matches!(sent, Sent::Hash { .. }) {
                p { "Only the hash was checked, so only a byte-identical copy could be found. A copy with "
                    "other line breaks or formatting is found only when its text is sent." }
            }
        }
        (copy_facts(sent, copy_sha256))
        @for source in &sources { (source_section(source, copy_sha256)) }
        @if verification.truncated {
            p { "More versions hold this text than the 50 listed here." }
        }
        @if !sources.is_empty() {
            section.key aria-labelledby="key-heading" {
                h2 #key-heading { "The log key" }
                p { "The proofs above are checked against this key. To be sure of it, compare it with the "
                    "key you pinned from a source you trust." }
                p { code #log-key .whole { (key) } }
            }
        }
        p { a href="/verify" { "Verify another copy" } }
    }
}

/// What was checked of the copy.
fn copy_facts(sent: &Sent, copy_sha256: Sha256) -> Markup {
    html! {
        section.copy aria-labelledby="copy-heading" {
            h2 #copy-heading { "Your copy" }
            dl.facts {
                dt { "SHA-256 of its bytes" }
                dd { code.hash.whole #copy-sha256 { (copy_sha256.to_hex()) } }
                dt { "Checked" }
                dd {
                    @match sent {
                        Sent::Text { bytes_sha256: Some(_), .. } =>
                            "its exact bytes (hashed in your browser) and its words",
                        Sent::Text { .. } => "its bytes and its words",
                        Sent::Hash { hashed_here: true, .. } =>
                            "its SHA-256 only, computed in your browser: the text was not sent",
                        Sent::Hash { .. } => "the SHA-256 you gave, only",
                    }
                }
            }
        }
    }
}

/// One statement the copy matches: its verdict in words, and each matching version.
fn source_section(source: &Source, copy_sha256: Sha256) -> Markup {
    let Some(first) = source.matches.first() else {
        return html! {};
    };
    let version = &first.found.version;
    html! {
        article.source {
            h2 {
                (name_of(version)) " "
                span.badge.(class_of(source.verdict)) { (badge(source.verdict)) }
            }
            p.url { (source_link(version)) }
            @for item in &source.matches { (match_block(item, copy_sha256)) }
        }
    }
}

/// One matching version: what it means, and its proof.
fn match_block(item: &Checked, copy_sha256: Sha256) -> Markup {
    let found = item.found;
    let version = &found.version;
    let id = &version.statement_id;
    let when_published = html! {
        @if let Some(at) = &version.metadata.published_at { ", published " (published(at)) }
    };
    let bundle = serde_json::to_string(&item.bundle).unwrap_or_default();
    let identical = found.verdict != Verdict::NormalizedMatch;
    html! {
        section.match {
            h3 { a href=(version_path(id, version.version)) { "Version " (version.version) " of " (found.latest) } }
            p {
                @match found.verdict {
                    Verdict::Current => {
                        "This is the current wording" (when_published) ", recorded "
                        (utc(version.ingested_at)) "."
                    }
                    Verdict::NormalizedMatch => {
                        "Same words, different formatting: your copy's bytes differ from this version"
                        (when_published) ", recorded " (utc(version.ingested_at)) ", but its words are "
                        "the same once line breaks, white space, quote and dash styles are set aside."
                    }
                    _ => {
                        "This is the wording" (when_published) ", recorded " (utc(version.ingested_at)) "."
                    }
                }
            }
            @if let Some(next) = &found.replaced_by {
                @let fields: Vec<&str> = next.changed.iter().map(|field| field_name(*field)).collect();
                p.changed {
                    "It was changed on " (utc(next.ingested_at)) ", when version " (next.version)
                    " was recorded (" (and_list(&fields)) " changed) — "
                    a href=(compare_path(id, version.version, next.version)) { "see what changed" }
                    @if next.version < found.latest {
                        " or "
                        a href=(compare_path(id, version.version, found.latest)) { "compare with the current version" }
                    }
                    "."
                }
            }
            div.proof data-bundle=(bundle) data-copy-sha256=(copy_sha256.to_hex())
                data-identical=(if identical { "true" } else { "false" }) {
                p.proof-server {
                    @match &item.server_check {
                        Ok(()) => {
                            "The registry checked this version's proof with its log key: "
                            strong.ok { "verified" }
                            " (its log entry, its inclusion in the log of "
                            (item.bundle.tree_size) " entries, the signed checkpoint"
                            @if identical { ", and your copy's SHA-256" }
                            ")."
                        }
                        Err(problem) => {
                            "The registry's check of this proof failed: " strong.bad { (problem) }
                        }
                    }
                }
                div.proof-browser role="status" aria-live="polite" {
                    "With scripts on, your browser checks the proof too."
                }
                p.links { (super::layout::evidence_links(version)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_follows_the_verdicts_of_the_sources() {
        use Verdict::*;
        assert_eq!(headline(&[]), "Not in the registry");
        assert_eq!(headline(&[Current, Current]), "This is the current wording");
        assert_eq!(headline(&[Superseded]), "This wording was changed since");
        assert_eq!(
            headline(&[Superseded, Current]),
            "Current at one source, changed at another"
        );
        assert_eq!(headline(&[NormalizedMatch]), "Same words, different formatting");
        assert_eq!(
            headline(&[Current, NormalizedMatch]),
            "The answer differs from one source to another"
        );
    }

    fn form(pairs: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn status(result: Result<Sent, PageError>) -> u16 {
        actix_web::ResponseError::status_code(&result.err().unwrap()).as_u16()
    }

    #[test]
    fn the_form_is_read_as_sent() {
        let pasted = Sent::parse(&form(&[("text", "Line one\r\nLine two\r\n")])).unwrap();
        let copy = pasted.read();
        assert_eq!(
            copy.sha256,
            Sha256::of(b"Line one\nLine two\n"),
            "CRLF of the form is LF again"
        );
        assert!(copy.text.is_some());
        let hash = "ab".repeat(32);
        let only = Sent::parse(&form(&[("hash_only", "on"), ("sha256", &hash), ("text", "")])).unwrap();
        assert!(matches!(
            only,
            Sent::Hash {
                hashed_here: true,
                ..
            }
        ));
        assert!(only.read().text.is_none());
        let file = Sent::parse(&form(&[("text", "A\r\nB"), ("file_sha256", &hash)])).unwrap();
        assert_eq!(
            file.read().sha256.to_hex(),
            hash,
            "a dropped file's own hash is its bytes'"
        );
        assert_eq!(
            status(Sent::parse(&form(&[("text", "  \r\n ")]))),
            422,
            "an empty paste"
        );
        assert_eq!(status(Sent::parse(&form(&[]))), 422);
        assert_eq!(
            status(Sent::parse(&form(&[("sha256", "abc")]))),
            400,
            "a malformed hash"
        );
        assert_eq!(
            status(Sent::parse(&form(&[("hash_only", "on"), ("text", "Secret")]))),
            422
        );
        assert_eq!(
            status(Sent::parse(&form(&[("text", "A"), ("sha256", &hash)]))),
            422
        );
    }
}
