//! `POST /v1/statements/batch`, bulk ingest: one ingest request per line of an NDJSON body,
//! each parsed and refused exactly as `POST /v1/statements` would ([`super::statements`]), all
//! of them committed through the store's group-commit queue together, and one result line
//! answered per request line, in order, each only once what it reports is durable.
//!
//! The body is read whole (within [`MAX_BATCH_BYTES`]) and its lines counted (within
//! [`MAX_BATCH_LINES`]) before any line is looked at, so a batch that is too large, or that
//! does not arrive complete, changes nothing. Then the lines are read in chunks of
//! [`CHUNK_LINES`] on the blocking pool (a few chunks at once, one per core), and each chunk's
//! good lines enter the store as one run ([`Store::ingest_all`]), chunk after chunk, so that
//! lines of one statement become its versions in line order. Each chunk's results are sent as
//! soon as its commit is flushed.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use futures_util::{stream, StreamExt};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

use super::access::require;
use super::body::{media_type, parse_json, read_limited, BodyLimit};
use super::model::{
    ForbiddenProblem, IngestRequest, RateLimitedProblem, TooLargeProblem, UnauthorizedProblem,
    UnsupportedMediaTypeProblem, VersionRecord,
};
use super::problem::{ApiError, Problem};
use super::statements::{answer, draft_of};
use super::{blocking, version_path, HeavyReads, HEAVY_READ_WAIT};
use crate::domain::{KeyName, Role, Submission};
use crate::store::{Ingested, Store, StoreError};

/// The most lines one batch may hold.
pub const MAX_BATCH_LINES: usize = 1000;

/// The largest batch body, in bytes. Each line must also be within the body limit of a single
/// ingest (`--max-body-bytes`), or that line alone is refused with 413.
pub const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

/// Lines read and committed together: a full batch of 1,000 lines is four commit groups (more
/// when a statement appears in it more than once: each later line of it waits for the next
/// group), and its first results are sent while its last lines are still being read.
const CHUNK_LINES: usize = 250;

/// How many batches run at once (one per core; the others wait up to [`HEAVY_READ_WAIT`],
/// then get 503 with `Retry-After`), and how many chunks of one batch are read at once.
pub struct Batches {
    turns: HeavyReads,
    readers: usize,
}

impl Batches {
    pub fn new(cores: usize) -> Self {
        Self {
            turns: HeavyReads::new(cores, HEAVY_READ_WAIT),
            readers: cores.max(1),
        }
    }
}

/// The answer to one line of a batch: one JSON object per line of the response, in the order
/// of the request's lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchLine {
    /// The line's number in the request, from 1.
    pub line: usize,
    /// What `POST /v1/statements` answers for the same request: 201, a new version was
    /// stored; 200, the line repeats the statement's latest version, nothing was created;
    /// otherwise the status of `problem`.
    pub status: u16,
    /// Path of the version, as `POST /v1/statements` sends in `Location` (with 200 and 201).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The version record (with 200 and 201).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionRecord>,
    /// Why the line was refused (any other status); nothing of it was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Ingest many statements.
///
/// The body is NDJSON (`application/x-ndjson`): one ingest request per line, each with
/// exactly the fields and rules of `POST /v1/statements` (the same writer key, too). At most
/// 1,000 lines and 16 MiB, each line within the single-ingest body limit; a larger batch is
/// refused with 413 before any line is read, as is a body that does not arrive whole (then
/// nothing is stored).
///
/// The answer (200, `application/x-ndjson`) has one line per request line, in order: its
/// `status` is what `POST /v1/statements` would have answered, with the version record (201
/// stored, 200 unchanged) or the problem document. A refused line changes nothing and never
/// affects its neighbours. Lines of the same statement become consecutive versions in line
/// order. Each result is sent only once what it reports is durable on disk; should the
/// connection break, a line without a result may or may not have been stored: send it again
/// (a repeat is answered 200).
///
/// A batch counts as one request against the key's rate limit; at most one batch per CPU
/// core is processed at a time, the others wait for their turn (503 with `Retry-After` after
/// 10 s).
#[utoipa::path(
    post,
    path = "/v1/statements/batch",
    tag = "statements",
    operation_id = "create_statements_batch",
    security(("bearer" = [])),
    request_body(
        content = IngestRequest,
        content_type = "application/x-ndjson",
        description = "One ingest request (a JSON object, as for `POST /v1/statements`) per line.",
        example = json!("{\"source_url\": \"https://www.justice.gov/opa/pr/1\", \"content\": \"WASHINGTON — The Department announced…\"}\n{\"source_url\": \"https://www.justice.gov/opa/pr/2\", \"content\": \"MIAMI — Attorney General…\", \"publisher\": \"U.S. Department of Justice\"}\n{\"source_url\": \"ftp://example.org/3\", \"content\": \"…\"}\n")
    ),
    responses(
        (status = 200, description = "One result per request line, in order (NDJSON).",
            content_type = "application/x-ndjson", body = BatchLine,
            example = json!("{\"line\":1,\"status\":201,\"location\":\"/v1/statements/3f2a…/versions/1\",\"version\":{\"statement_id\":\"3f2a…\",\"version\":1,\"…\":\"…\"}}\n{\"line\":2,\"status\":200,\"location\":\"/v1/statements/9c41…/versions/4\",\"version\":{\"statement_id\":\"9c41…\",\"version\":4,\"…\":\"…\"}}\n{\"line\":3,\"status\":422,\"problem\":{\"type\":\"urn:provenance:problem:invalid-field\",\"title\":\"A field of the request is invalid\",\"status\":422,\"detail\":\"source_url: must use the http or https scheme\",\"field\":\"source_url\",\"errors\":[{\"field\":\"source_url\",\"detail\":\"must use the http or https scheme\"}]}}\n")),
        (status = 400, description = "The body holds no line.", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = UnauthorizedProblem),
        (status = 403, response = ForbiddenProblem),
        (status = 408, description = "The body did not arrive in time; nothing was stored.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = TooLargeProblem),
        (status = 415, response = UnsupportedMediaTypeProblem),
        (status = 429, response = RateLimitedProblem),
        (status = 503, description = "Too many batches are running; retry after `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/statements/batch")]
pub async fn create_statements_batch(
    req: HttpRequest,
    payload: web::Payload,
    store: web::Data<Store>,
    limit: web::Data<BodyLimit>,
    batches: web::Data<Batches>,
) -> Result<HttpResponse, ApiError> {
    let caller = require(&req, Role::Writer)?;
    if media_type(&req) != "application/x-ndjson" {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/x-ndjson (one ingest request, a JSON object, per line)",
        });
    }
    let batch_limit = BodyLimit {
        bytes: MAX_BATCH_BYTES,
        timeout: limit.timeout,
    };
    let body = read_limited(&req, payload, batch_limit).await?;
    let lines = lines_of(&body)?;
    let turn = batches.turns.turn().await?;
    let (store, line_limit, by) = (store.into_inner(), limit.bytes, caller.name);
    let chunks: Vec<(usize, Vec<web::Bytes>)> = lines
        .chunks(CHUNK_LINES)
        .enumerate()
        .map(|(k, chunk)| (k * CHUNK_LINES, chunk.to_vec()))
        .collect();
    let reads = stream::iter(chunks)
        .map(move |(first, chunk)| {
            let by = by.clone();
            let count = chunk.len();
            let read = web::block(move || read_chunk(&chunk, line_limit, &by));
            async move {
                let read = read
                    .await
                    .unwrap_or_else(|_| (0..count).map(|_| Err(ApiError::Overloaded)).collect());
                (first, read)
            }
        })
        .buffered(batches.readers);
    let results = reads.then(move |(first, read)| {
        let store = Arc::clone(&store);
        async move { Ok::<_, actix_web::Error>(commit_chunk(store, first, read).await) }
    });
    // The turn is held until the last result is sent (or the client goes away).
    let results = results.map(move |chunk| {
        let _ = &turn;
        chunk
    });
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(results))
}

/// The lines of an NDJSON body (a final line break ends the last line rather than starting an
/// empty one; `\r\n` counts as a line break too). 400 for a body without a line, 413 for more
/// than [`MAX_BATCH_LINES`].
fn lines_of(body: &web::Bytes) -> Result<Vec<web::Bytes>, ApiError> {
    let text = body.strip_suffix(b"\n").unwrap_or(body);
    if text.is_empty() {
        return Err(ApiError::bad_request(
            "body",
            "holds no line: send one ingest request (a JSON object) per line",
        ));
    }
    let count = text.iter().filter(|&&byte| byte == b'\n').count() + 1;
    if count > MAX_BATCH_LINES {
        return Err(ApiError::TooManyLines {
            limit: MAX_BATCH_LINES,
        });
    }
    let mut lines = Vec::with_capacity(count);
    let mut start = 0;
    for line in text.split(|&byte| byte == b'\n') {
        let end = start + line.len();
        let line_end = if line.ends_with(b"\r") { end - 1 } else { end };
        lines.push(body.slice(start..line_end));
        start = end + 1;
    }
    Ok(lines)
}

/// Reads each line into a submission by the key named `by`, as `POST /v1/statements` reads its
/// body: 413 past `line_limit`, then the JSON and its fields, then the content. CPU-heavy: on
/// the blocking pool.
fn read_chunk(lines: &[web::Bytes], line_limit: usize, by: &KeyName) -> Vec<Result<Submission, ApiError>> {
    lines
        .iter()
        .map(|line| {
            if line.len() > line_limit {
                return Err(ApiError::PayloadTooLarge { limit: line_limit });
            }
            let request: IngestRequest = parse_json(line)?;
            Ok(draft_of(request, by.clone())?.read())
        })
        .collect()
}

/// Commits the good lines of a chunk (numbered from `first` + 1) as one run through the store,
/// and returns the chunk's result lines once they are durable.
async fn commit_chunk(
    store: Arc<Store>,
    first: usize,
    read: Vec<Result<Submission, ApiError>>,
) -> web::Bytes {
    let mut submissions = Vec::new();
    let refusals: Vec<Option<ApiError>> = read
        .into_iter()
        .map(|line| match line {
            Ok(submission) => {
                submissions.push(submission);
                None
            }
            Err(refusal) => Some(refusal),
        })
        .collect();
    let count = submissions.len();
    let outcomes: Vec<Result<Ingested, ApiError>> = if count == 0 {
        Vec::new()
    } else {
        match blocking(move || Ok::<_, StoreError>(store.ingest_all(submissions, Utc::now()))).await {
            Ok(outcomes) => outcomes
                .into_iter()
                .map(|outcome| outcome.map_err(ApiError::from))
                .collect(),
            Err(_) => (0..count).map(|_| Err(ApiError::Overloaded)).collect(),
        }
    };
    let mut outcomes = outcomes.into_iter();
    let mut out = Vec::new();
    for (offset, refusal) in refusals.into_iter().enumerate() {
        let outcome = match refusal {
            Some(refusal) => Err(refusal),
            None => outcomes.next().unwrap_or(Err(ApiError::Overloaded)),
        };
        let line = result_line(first + offset + 1, outcome);
        // A result line is plain data; it always serializes.
        if serde_json::to_writer(&mut out, &line).is_ok() {
            out.push(b'\n');
        }
    }
    web::Bytes::from(out)
}

/// The result line of request line `line`.
fn result_line(line: usize, outcome: Result<Ingested, ApiError>) -> BatchLine {
    match outcome {
        Ok(ingested) => {
            let (status, version) = answer(ingested);
            BatchLine {
                line,
                status: status.as_u16(),
                location: Some(version_path(&version.statement_id, version.version)),
                version: Some(VersionRecord::from(&version)),
                problem: None,
            }
        }
        Err(refusal) => {
            let problem = refusal.logged_problem();
            BatchLine {
                line,
                status: problem.status,
                location: None,
                version: None,
                problem: Some(problem),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::StatusCode;

    fn lines(body: &'static [u8]) -> Result<Vec<String>, u16> {
        use actix_web::ResponseError;
        lines_of(&web::Bytes::from_static(body))
            .map(|lines| {
                lines
                    .iter()
                    .map(|line| String::from_utf8_lossy(line).into_owned())
                    .collect()
            })
            .map_err(|error| error.status_code().as_u16())
    }

    #[test]
    fn lines_are_split_at_line_breaks_and_counted_before_anything_is_read() {
        assert_eq!(
            lines(b"{}\n{\"a\":1}\n"),
            Ok(vec!["{}".into(), "{\"a\":1}".into()])
        );
        assert_eq!(lines(b"{}\r\n{}"), Ok(vec!["{}".into(), "{}".into()]));
        assert_eq!(
            lines(b"{}\n\n{}\n"),
            Ok(vec!["{}".into(), "".into(), "{}".into()])
        );
        assert_eq!(lines(b"\n"), Err(400));
        assert_eq!(lines(b""), Err(400));
        let full: &'static [u8] = "{}\n".repeat(MAX_BATCH_LINES).leak().as_bytes();
        assert_eq!(lines(full).map(|l| l.len()), Ok(MAX_BATCH_LINES));
        let over: &'static [u8] = "{}\n".repeat(MAX_BATCH_LINES + 1).leak().as_bytes();
        assert_eq!(lines(over), Err(StatusCode::PAYLOAD_TOO_LARGE.as_u16()));
    }
}
