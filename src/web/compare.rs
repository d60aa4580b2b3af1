//! Comparing two versions of a statement: the metadata that changed with both values, and the
//! word diff of the text, inline and side by side, with cosmetic changes marked as such.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::layout::{
    count, field_name, name_of, page, published, quoted, source_link, statement_path, text, utc,
    version_path, Nav,
};
use super::statements::{statement_id, unknown_statement, unknown_version, version_number};
use super::{given, ok, params, Ctx, PageError};
use crate::domain::{Field, Metadata, Version};
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
    let (compared, latest) = ctx
        .heavy
        .run(move || {
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
    let words = compared.reader_words();
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
        @if change.content_changed && words.ops.iter().all(|op| op.kind == DiffKind::Equal) {
            p { "Only the page's markup changed: the text a reader sees is the same in both versions." }
        } @else if change.content_changed {
            @if compared.is_html() {
                p.note {
                    "This statement is an HTML page: this compares the text a reader sees, not its "
                    "markup. The changes to its source are in the "
                    a href={ "/v1/statements/" (id) "/diff?from=" (old.version) "&to=" (new.version) "&format=unified" } {
                        "unified diff"
                    } "."
                }
            }
            section aria-labelledby="inline-heading" {
                h2 #inline-heading { "The text, with the changes marked" }
                p.legend { ins { "added" } " " del { "removed" } " Long unchanged passages are folded; open them to read them." }
                div.statement-text.diff.cosmetic[change.cosmetic] dir="auto" { (ops(&words.ops, Shown::Both)) }
            }
            section aria-labelledby="side-heading" {
                h2 #side-heading { "Side by side" }
                div.columns {
                    div {
                        h3 { "Version " (old.version) }
                        div.statement-text.diff dir="auto" { (ops(&words.ops, Shown::Old)) }
                    }
                    div {
                        h3 { "Version " (new.version) }
                        div.statement-text.diff dir="auto" { (ops(&words.ops, Shown::New)) }
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

/// Which side of a diff to show.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    Both,
    Old,
    New,
}

/// Unchanged text longer than this is folded, but for [`KEEP`] bytes on each side of a change.
const FOLD_OVER: usize = 900;
const KEEP: usize = 300;

/// The operations of a word diff for one side (or both), unchanged stretches folded.
fn ops(ops: &[DiffOp], shown: Shown) -> Markup {
    let last = ops.len().saturating_sub(1);
    html! {
        @for (index, op) in ops.iter().enumerate() {
            @match op.kind {
                DiffKind::Equal => (unchanged(&op.text, index > 0, index < last)),
                DiffKind::Insert if shown != Shown::Old => ins { (text(&op.text)) },
                DiffKind::Delete if shown != Shown::New => del { (text(&op.text)) },
                _ => {},
            }
        }
    }
}

/// An unchanged stretch: whole when short, otherwise its ends next to the changes around it
/// (`after_change`, `before_change`) with the middle folded in a `<details>`.
fn unchanged(stretch: &str, after_change: bool, before_change: bool) -> Markup {
    if stretch.len() <= FOLD_OVER {
        return text(stretch);
    }
    let head_end = if after_change {
        cut_at_line(stretch, KEEP, true)
    } else {
        0
    };
    let tail_start = if before_change {
        cut_at_line(stretch, stretch.len() - KEEP, false)
    } else {
        stretch.len()
    };
    if head_end >= tail_start {
        return text(stretch);
    }
    let folded = &stretch[head_end..tail_start];
    let lines = folded.lines().filter(|line| !line.trim().is_empty()).count();
    html! {
        (text(&stretch[..head_end]))
        details.unchanged {
            summary { "… " (count(lines.max(1), "unchanged line", "unchanged lines")) }
            (text(folded))
        }
        (text(&stretch[tail_start..]))
    }
}

/// A byte position near `at` in `stretch` on a line break (after it), else on white space,
/// looking forward from `at` when `forward`, back otherwise; always a char boundary.
fn cut_at_line(stretch: &str, at: usize, forward: bool) -> usize {
    let mut at = at.min(stretch.len());
    while !stretch.is_char_boundary(at) {
        at -= 1;
    }
    let (window, offset) = if forward {
        (&stretch[at..], at)
    } else {
        (&stretch[..at], 0)
    };
    let found = if forward {
        window.find('\n').or_else(|| window.find(char::is_whitespace))
    } else {
        window.rfind('\n').or_else(|| window.rfind(char::is_whitespace))
    };
    found.map_or(at, |position| offset + position + 1)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::diff::diff_words;

    #[test]
    fn long_unchanged_stretches_are_folded_next_to_the_changes() {
        let paragraph = "An unchanged paragraph of the statement, long enough to matter.\n\n";
        let old = format!(
            "{}The mayor caved to threats.\n\n{}",
            paragraph.repeat(30),
            paragraph.repeat(30)
        );
        let new = old.replace("caved", "yielded");
        let shown = ops(&diff_words(&old, &new).ops, Shown::Both).into_string();
        assert_eq!(
            shown.matches("<details class=\"unchanged\">").count(),
            2,
            "{shown}"
        );
        assert!(shown.contains("<del>caved</del><ins>yielded</ins>"));
        let unfolded = shown
            .replace("<details class=\"unchanged\">", "")
            .replace("</details>", "");
        let without_summaries: String = unfolded
            .split("<summary>")
            .map(|part| part.split_once("</summary>").map_or(part, |(_, rest)| rest))
            .collect();
        let plain = without_summaries
            .replace("<del>caved</del>", "")
            .replace("<ins>", "")
            .replace("</ins>", "");
        assert_eq!(plain, new, "nothing is lost, only folded");
        let short = ops(&diff_words("a b c", "a x c").ops, Shown::Old).into_string();
        assert_eq!(short, "a <del>b</del> c");
    }
}
