//! One fetch of a watched source: the conditional request, what its answer is (an
//! [`Observation`]), and the new version the bytes may be, ingested through the store's one
//! write path ([`Store::ingest`]: extraction, log leaf, indexes) in the watch's key's name.

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, IF_MODIFIED_SINCE, IF_NONE_MATCH};

use crate::domain::{
    Content, ContentType, Draft, Metadata, Observation, Outcome, Sha256, SourceUrl, StatementId, VersionNo,
    Watch,
};
use crate::outbound::{Fetched, Outbound, OutboundError};
use crate::store::{Ingested, Store};

/// Fetches `watch`'s URL (conditionally, with the validators of its last 200) at `at`; a
/// changed page is ingested before this returns. The store work runs on the blocking pool.
pub async fn fetch(
    outbound: &Outbound,
    store: &std::sync::Arc<Store>,
    watch: &Watch,
    at: DateTime<Utc>,
) -> Observation {
    let unanswered = |outcome, reason| Observation::unanswered(watch.id, at, outcome, reason);
    let url = match url::Url::parse(watch.source_url.as_str()) {
        Ok(url) => url,
        Err(error) => return unanswered(Outcome::Error, error.to_string()),
    };
    let fetched = match outbound.get(&url, &conditional_headers(watch)).await {
        Ok(fetched) => fetched,
        Err(OutboundError::Dns(host)) => return unanswered(Outcome::Gone, format!("cannot resolve {host}")),
        Err(error) => return unanswered(Outcome::Error, error.to_string()),
    };
    let success = (200..300).contains(&fetched.status);
    let observation = Observation {
        status: Some(fetched.status),
        final_url: Some(fetched.url.to_string()),
        etag: fetched.header("etag").map(str::to_owned),
        last_modified: fetched.header("last-modified").map(str::to_owned),
        sha256: success.then(|| Sha256::of(&fetched.body)),
        reason: None,
        ..unanswered(Outcome::Error, String::new())
    };
    let moved = fetched.redirects > 0
        && SourceUrl::parse("final_url", fetched.url.as_str()).ok().as_ref() != Some(&watch.source_url);
    match fetched.status {
        304 => Observation {
            outcome: Outcome::NotModified,
            ..observation
        },
        404 | 410 => failed(observation, Outcome::Gone, format!("HTTP {}", fetched.status)),
        _ if moved => failed(
            observation,
            Outcome::Redirected,
            format!("redirected to {}", fetched.url),
        ),
        _ if success => {
            let store = std::sync::Arc::clone(store);
            let watch = watch.clone();
            let ingested = tokio::task::spawn_blocking(move || ingest(&store, &watch, &fetched, at)).await;
            match ingested {
                Ok(Ok((outcome, version))) => Observation {
                    outcome,
                    version: Some(version),
                    ..observation
                },
                Ok(Err(reason)) => failed(observation, Outcome::Error, reason),
                Err(_) => failed(observation, Outcome::Error, "the ingest was abandoned".to_owned()),
            }
        }
        status => failed(observation, Outcome::Error, format!("HTTP {status}")),
    }
}

fn failed(observation: Observation, outcome: Outcome, reason: String) -> Observation {
    Observation {
        outcome,
        reason: Some(reason),
        ..observation
    }
}

/// `If-None-Match` and `If-Modified-Since` from the watch's last 200 answer.
fn conditional_headers(watch: &Watch) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        (IF_NONE_MATCH, &watch.etag),
        (IF_MODIFIED_SINCE, &watch.last_modified),
    ] {
        if let Some(value) = value
            .as_deref()
            .and_then(|value| HeaderValue::from_str(value).ok())
        {
            headers.insert(name, value);
        }
    }
    headers
}

/// Ingests the body of a 2xx answer as the statement's next version, unless its text is the
/// latest version's; the outcome and the version the text is, or why it cannot be stored.
fn ingest(
    store: &Store,
    watch: &Watch,
    fetched: &Fetched,
    at: DateTime<Utc>,
) -> Result<(Outcome, VersionNo), String> {
    let (content_type, text) = read_body(fetched)?;
    let content = Content::parse("content", text).map_err(|error| error.to_string())?;
    let id = StatementId::for_url(&watch.source_url);
    let latest = store.statement(&id).map_err(|error| error.to_string())?;
    if let Some(statement) = latest.filter(|statement| statement.latest.sha256 == content.sha256()) {
        return Ok((Outcome::Unchanged, statement.latest.version));
    }
    let draft = Draft {
        source_url: watch.source_url.clone(),
        content,
        metadata: Metadata {
            content_type,
            ..Metadata::default()
        },
        submitted_by: Some(watch.owner.clone()),
        sources: Default::default(),
        captured_at: None,
    };
    match store.ingest(draft.read(), at) {
        Ok(Ingested::Created(version)) => Ok((Outcome::NewVersion, version.version)),
        Ok(Ingested::Unchanged(version)) => Ok((Outcome::Unchanged, version.version)),
        Err(error) => Err(error.to_string()),
    }
}

/// The media type and text of an answer: `text/html`, `text/plain` or `text/markdown` (plain
/// text when undeclared), in UTF-8 or its declared charset (WHATWG labels).
fn read_body(fetched: &Fetched) -> Result<(ContentType, String), String> {
    let declared = fetched.header(CONTENT_TYPE.as_str()).unwrap_or("text/plain");
    let mut parts = declared.split(';');
    let media = parts.next().unwrap_or("").trim();
    let content_type = ContentType::parse("Content-Type", media)
        .map_err(|_| format!("the media type {media} is not stored"))?;
    let charset = parts.find_map(|part| {
        let (name, value) = part.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    });
    let encoding = match charset {
        None => encoding_rs::UTF_8,
        Some(label) => encoding_rs::Encoding::for_label(label.as_bytes())
            .filter(|encoding| *encoding != encoding_rs::REPLACEMENT)
            .ok_or_else(|| format!("the charset {label} is unknown"))?,
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(&fetched.body)
        .map(|text| (content_type, text.into_owned()))
        .ok_or_else(|| format!("the body is not {} text", encoding.name()))
}
