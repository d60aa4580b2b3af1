//! Comparing two versions of a statement: the metadata that changed with both values, and the
//! word diff of the text, inline and side by side, with cosmetic changes marked as such.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::layout::{
    count, field_name, name_of, page, published, quoted, source_link, statement_path, utc, version_path, Nav,
};
use super::statements::{statement_id, unknown_statement, unknown_version, version_number};
use super::{given, ok, params, Ctx, PageError};
use crate::api::blocking;
use crate::domain::{ContentType, Field, Metadata, Version};
use crate::find::diff::{diff_with_defaults, Refusal, VersionDiff};
use crate::text::diff::{DiffKind, DiffOp};

/// `GET /statements/{statement_id}/compare?from=&to=`: `to` is by default the latest version,
/// `from` the one before `to`, as for the diff endpoint.
pub async fn compare(ctx: Ctx, path: web::Path<String>, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let id = statement_id(&path)?;
    let params = params(req.query_string().as_bytes());
    let from = given(&params, "from")
        .map(|raw| version_number("from", raw))
        .transpose()?;
    let to = given(&params, "to")
        .map(|raw| version_number("to", raw))
        .transpose()?;
    let store = ctx.store.into_inner();
    let (compared, latest) = blocking(move || {
        let compared = diff_with_defaults(&store, &id, from, to)?;
        let latest = store
            .statement(&id)?
            .map(|statement| statement.latest.version.get());
        Ok((compared, latest))
    })
    .await?;
    let compared = compared.map_err(|refusal| match refusal {
        Refusal::UnknownStatement => unknown_statement(&id),
        Refusal::UnknownVersion(n) => unknown_version(&id, n),
        Refusal::FromAfterTo { to } => PageError::bad_request(
            "Those versions are the wrong way round",
            format!("The first version to compare must not come after the second ({to})."),
        )
        .with_next(statement_path(&id), "Back to the statement"),
    })?;
    let (old, new) = (&compared.from, &compared.to);
    let change = compared.change();
    let body = html! {
        header.statement {
            p.kicker { a href=(statement_path(&id)) { "Statement" } }
            h1 { "What changed" }
            p.lead { (name_of(new)) }
            p { (source_link(new)) }
        }
        (pick_form(&compared, latest.unwrap_or(new.version.get())))
        section.summary aria-labelledby="summary-heading" {
            h2 #summary-heading .visually-hidden { "Summary" }
            p {
                a href=(version_path(&id, old.version)) { "Version " (old.version) } ", recorded " (utc(old.ingested_at))
                " → "
                a href=(version_path(&id, new.version)) { "version " (new.version) } ", recorded " (utc(new.ingested_at))
            }
            @if old.version == new.version {
                p.verdict { "These are the same version." }
            } @else if !change.content_changed && change.metadata_changes.is_empty() {
                p.verdict.current { "Nothing changed: the two versions are identical in text and details." }
            } @else if change.cosmetic {
                p.verdict.cosmetic {
                    span.badge.cosmetic { "Cosmetic only" }
                    " The words are the same: only white space, punctuation, quote or dash styles or page "
                    "furniture changed. The marks below show where."
                }
            } @else if change.content_changed {
                p.verdict.superseded {
                    (count(change.words_added, "word", "words")) " added and "
                    (count(change.words_removed, "word", "words")) " removed ("
                    (count(change.chars_added, "character", "characters")) " added, "
                    (count(change.chars_removed, "character", "characters")) " removed)."
                }
            } @else {
                p.verdict.superseded { "The text did not change; some details did." }
            }
        }
        @if !compared.metadata_changes.is_empty() {
            (metadata_table(&compared))
        }
        @if change.content_changed {
            @if new.metadata.content_type == ContentType::Html || old.metadata.content_type == ContentType::Html {
                p.note { "This statement is an HTML page: the comparison shows its source, as text." }
            }
            section aria-labelledby="inline-heading" {
                h2 #inline-heading { "The text, with the changes marked" }
                p.legend { ins { "added" } " " del { "removed" } }
                div.statement-text.diff.cosmetic[change.cosmetic] dir="auto" {
                    @for op in &compared.words.ops { (inline_op(op)) }
                }
            }
            section aria-labelledby="side-heading" {
                h2 #side-heading { "Side by side" }
                div.columns {
                    div {
                        h3 { "Version " (old.version) }
                        div.statement-text.diff dir="auto" {
                            @for op in &compared.words.ops {
                                @match op.kind {
                                    DiffKind::Equal => (op.text),
                                    DiffKind::Delete => del { (op.text) },
                                    DiffKind::Insert => {},
                                }
                            }
                        }
                    }
                    div {
                        h3 { "Version " (new.version) }
                        div.statement-text.diff dir="auto" {
                            @for op in &compared.words.ops {
                                @match op.kind {
                                    DiffKind::Equal => (op.text),
                                    DiffKind::Insert => ins { (op.text) },
                                    DiffKind::Delete => {},
                                }
                            }
                        }
                    }
                }
            }
        } @else {
            p { "The text is the same in both versions." }
        }
    };
    let title = format!("What changed from version {} to {}", old.version, new.version);
    Ok(ok(page(&title, Nav::Find, body)))
}

/// The form that picks two other versions.
fn pick_form(compared: &VersionDiff, latest: u32) -> Markup {
    html! {
        form.compare action={ (statement_path(&compared.from.statement_id)) "/compare" } method="get" {
            div.field {
                label for="from" { "From version" }
                input #from type="number" name="from" min="1" max=(latest) value=(compared.from.version) required;
            }
            div.field {
                label for="to" { "to version" }
                input #to type="number" name="to" min="1" max=(latest) value=(compared.to.version) required;
            }
            button type="submit" { "Compare" }
            span.help { "of " (latest) }
        }
    }
}

fn inline_op(op: &DiffOp) -> Markup {
    html! {
        @match op.kind {
            DiffKind::Equal => (op.text),
            DiffKind::Insert => ins { (op.text) },
            DiffKind::Delete => del { (op.text) },
        }
    }
}

/// The metadata fields that differ, with both values.
fn metadata_table(compared: &VersionDiff) -> Markup {
    html! {
        section aria-labelledby="details-heading" {
            h2 #details-heading { "Details that changed" }
            table.details {
                thead {
                    tr {
                        th scope="col" { "Detail" }
                        th scope="col" { "Version " (compared.from.version) }
                        th scope="col" { "Version " (compared.to.version) }
                    }
                }
                tbody {
                    @for field in &compared.metadata_changes {
                        tr {
                            th scope="row" { (field_name(*field)) }
                            td { (value(&compared.from, *field)) }
                            td { (value(&compared.to, *field)) }
                        }
                    }
                }
            }
        }
    }
}

/// A metadata field's value, for people.
fn value(version: &Version, field: Field) -> Markup {
    let Metadata {
        content_type,
        title,
        publisher,
        published_at,
        media_contacts,
    } = &version.metadata;
    let none = html! { span.none { "none" } };
    let text = |value: &Option<crate::domain::Text>| match value {
        Some(value) => quoted(value.as_ref()),
        None => none.clone(),
    };
    match field {
        Field::Content => html! {},
        Field::ContentType => html! { (content_type.as_str()) },
        Field::Title => text(title),
        Field::Publisher => text(publisher),
        Field::PublishedAt => match published_at {
            Some(at) => published(at),
            None => none.clone(),
        },
        Field::MediaContacts if media_contacts.is_empty() => none.clone(),
        Field::MediaContacts => html! {
            ul.plain {
                @for contact in media_contacts {
                    li {
                        @let parts: Vec<String> = [
                            contact.name.as_ref().map(ToString::to_string),
                            contact.organization.as_ref().map(ToString::to_string),
                            contact.phone.as_ref().map(|p| p.as_ref().to_owned()),
                            contact.email.as_ref().map(ToString::to_string),
                        ].into_iter().flatten().collect();
                        (quoted(&parts.join(", ")))
                    }
                }
            }
        },
    }
}
