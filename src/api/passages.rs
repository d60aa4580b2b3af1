//! Handler of `/v1/passages/search`: where did this passage first appear?

use actix_web::{post, web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{read_json, BodyLimit};
use super::model::*;
use super::problem::ApiError;
use super::{rfc3339, HeavyReads};
use crate::domain::FieldError;
use crate::find::passages::{trace, Trace};
use crate::store::Store;
use crate::text::passage::MIN_MATCH_WORDS;
use crate::text::words::words;

/// The most results one search returns.
pub const MAX_RESULTS: usize = 50;

/// A passage to trace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"passage": "Sanctuary city policies improve public safety by building trust between law enforcement and the communities they serve."}))]
pub struct PassageQuery {
    /// The passage: a quote, a sentence, a paragraph, of at least 8 words (a shorter one is
    /// refused with 422: it is no evidence of where it came from). Line breaks, quote marks,
    /// dashes, case and punctuation do not matter; `...` or `…` marks words left out.
    #[schema(required = true, value_type = String)]
    pub passage: Option<String>,
    /// The most results to return, 1 to 50 (10 by default).
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub limit: Option<serde_json::Number>,
}

/// The statements that contain a passage, earliest publication first.
#[derive(Serialize, ToSchema)]
pub struct PassageResults {
    pub items: Vec<PassageHit>,
    /// Candidate statements left unread because the search had read 4 MiB of content already
    /// (see the README's limits). When above 0, a statement containing the passage may be
    /// missing: search with a longer or more distinctive passage.
    pub unread_candidates: usize,
}

/// A statement that contains the passage.
#[derive(Serialize, ToSchema)]
pub struct PassageHit {
    pub statement_id: String,
    pub source_url: String,
    pub title: Option<String>,
    /// The earliest version that contains the passage.
    pub version: u32,
    /// Later versions that contain it too.
    pub also_in_versions: Vec<u32>,
    /// The version's publication date as the source gave it.
    pub published_at: Option<String>,
    /// When that version was ingested (RFC 3339, UTC).
    pub ingested_at: String,
    /// What the results are ordered by: the publication date (its midnight, UTC, for a date)
    /// or, without one, the ingestion time.
    pub appeared_at: String,
    /// Matched passage words / passage words (see the README for the scoring).
    pub score: f64,
    /// Every word of the passage found in order, nothing between.
    pub exact: bool,
    pub matched_words: usize,
    pub passage_words: usize,
    /// Byte range of the match in the version's text: its content for plain text and
    /// markdown, the text a reader sees for HTML.
    pub span: TextSpan,
    /// The matched text itself.
    pub matched_text: String,
}

/// A byte range `start..end`.
#[derive(Serialize, ToSchema)]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
}

/// Trace a passage.
///
/// Returns the statements whose versions contain the passage, exactly or nearly (re-wrapped,
/// other quote marks, an ellipsis, a small edit), with a score and the matching span, ordered
/// by earliest publication (falling back to first-seen time): the first result is where the
/// passage first appeared. Statements that only share stock phrases are not returned.
#[utoipa::path(
    post,
    path = "/v1/passages/search",
    tag = "hashes",
    operation_id = "search_passages",
    request_body(content = PassageQuery, content_type = "application/json"),
    responses(
        (status = 200, description = "The statements containing the passage (possibly none).", body = PassageResults),
        QueryErrors,
    )
)]
#[post("/v1/passages/search")]
pub async fn search_passages(
    req: HttpRequest,
    payload: web::Payload,
    store: web::Data<Store>,
    limit: web::Data<BodyLimit>,
    heavy: web::Data<HeavyReads>,
) -> Result<web::Json<PassageResults>, ApiError> {
    let query: PassageQuery = read_json(&req, payload, **limit).await?;
    let passage = query
        .passage
        .ok_or_else(|| ApiError::Invalid(FieldError::new("passage", "is required").into()))?;
    // JSON has one kind of number: 10 and 10.0 are the same integer.
    let results = match query.limit.map(|n| n.as_f64().unwrap_or(f64::NAN)) {
        None => 10,
        Some(n) if n.fract() == 0.0 && (1.0..=MAX_RESULTS as f64).contains(&n) => n as usize,
        Some(_) => {
            return Err(ApiError::Invalid(
                FieldError::new("limit", "must be a whole number from 1 to 50").into(),
            ))
        }
    };
    let store = store.into_inner();
    let traced = heavy
        .run(move || {
            let count = words(&passage, &[]).len();
            if count < MIN_MATCH_WORDS {
                return Ok(Err(too_short(count)));
            }
            trace(&store, &passage).map(Ok)
        })
        .await??;
    Ok(web::Json(PassageResults {
        items: traced.traces.iter().take(results).map(hit).collect(),
        unread_candidates: traced.unread_candidates,
    }))
}

/// The answer to a passage of `count` words, fewer than [`MIN_MATCH_WORDS`].
fn too_short(count: usize) -> ApiError {
    let message = format!(
        "must have at least {MIN_MATCH_WORDS} words (it has {count}): a shorter phrase is no evidence of \
         where it came from"
    );
    ApiError::Invalid(FieldError::new("passage", message).into())
}

fn hit(trace: &Trace) -> PassageHit {
    let version = &trace.version;
    let found = &trace.found;
    PassageHit {
        statement_id: version.statement_id.to_string(),
        source_url: version.source_url.to_string(),
        title: version.metadata.title.as_ref().map(ToString::to_string),
        version: version.version.get(),
        also_in_versions: trace.also_in.iter().map(|n| n.get()).collect(),
        published_at: version.metadata.published_at.map(|date| date.to_string()),
        ingested_at: rfc3339(version.ingested_at),
        appeared_at: rfc3339(trace.appeared_at()),
        score: found.score,
        exact: found.exact,
        matched_words: found.matched_words,
        passage_words: found.passage_words,
        span: TextSpan {
            start: found.span.start,
            end: found.span.end,
        },
        matched_text: trace.text.get(found.span.clone()).unwrap_or_default().to_owned(),
    }
}
