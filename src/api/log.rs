//! Handlers of `/v1/log/…` and of a version's proof bundle: the transparency log's checkpoint,
//! key, proofs and entries.

use actix_web::{get, web, HttpResponse};

use super::model::*;
use super::problem::ApiError;
use super::statements::{unknown_version, version_address};
use super::{base64, blocking, off_workers, page_params, query_number};
use crate::log::merkle::{self, Hash};
use crate::store::Store;

const TEXT: &str = "text/plain; charset=utf-8";

/// The latest signed checkpoint.
///
/// A C2SP tlog-checkpoint (origin, tree size, base64 root) signed as a C2SP signed note with
/// the log's Ed25519 key. It covers every version stored so far.
#[utoipa::path(
    get,
    path = "/v1/log/checkpoint",
    tag = "log",
    operation_id = "get_checkpoint",
    responses(
        (status = 200, description = "The signed checkpoint.", content_type = "text/plain",
        body = String, example = "provenance.localhost/log\n20\nrYBJug9SAPMFh8fObkzDMWuRAbfFXFDaWej+D9V6ETo=\n\n— provenance.localhost/log AqiJZxA/aetTSXuqWFtwKTqI0L26XcE8m/8ooe1IlKlHd+V4V2semO0P6RrYpUAZuiDXKne9/JBHy4B/BLFMFd90/QM=\n"),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/log/checkpoint")]
pub async fn get_checkpoint(store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let store = store.into_inner();
    let checkpoint = blocking(move || store.checkpoint()).await?;
    Ok(HttpResponse::Ok().content_type(TEXT).body(checkpoint))
}

/// The log's verifier key.
///
/// In signed-note form, `<name>+<key id>+<base64(0x01 ‖ Ed25519 public key)>`. Verifiers should
/// pin it once, through a channel they trust, rather than fetch it with every check.
#[utoipa::path(
    get,
    path = "/v1/log/key",
    tag = "log",
    operation_id = "get_log_key",
    responses(
        (status = 200, description = "The verifier key.", content_type = "text/plain", body = String,
        example = "provenance.localhost/log+02a88967+AV0ct5ayJ8dVD2g7wXYb6dXgbpkNXrPqtC9Ftk0ZPzD3"),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/log/key")]
pub async fn get_log_key(store: web::Data<Store>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(TEXT)
        .body(format!("{}\n", store.verifier().encoded()))
}

/// Prove that an entry is in the log.
#[utoipa::path(
    get,
    path = "/v1/log/proof/inclusion",
    tag = "log",
    operation_id = "get_inclusion_proof",
    params(InclusionQuery),
    responses(
        (status = 200, description = "The inclusion proof.", body = InclusionProof),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/log/proof/inclusion")]
pub async fn get_inclusion_proof(
    query: web::Query<InclusionQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<InclusionProof>, ApiError> {
    let index = required_number("index", query.index.as_deref())?;
    let asked_size = optional_size("tree_size", query.tree_size.as_deref())?;
    let store = store.into_inner();
    off_workers(move || {
        let (checkpoint, latest_size) = latest(&store)?;
        let tree_size = asked_size.unwrap_or(latest_size);
        let proof = store.inclusion_proof(index, tree_size)?.map_err(beyond_the_log)?;
        let root = root(&store, "tree_size", tree_size)?;
        let leaf = store
            .log_entries(index, 1)?
            .into_iter()
            .next()
            .map(|(_, leaf)| leaf)
            .unwrap_or_default();
        Ok(web::Json(InclusionProof {
            index,
            tree_size,
            leaf_hash: base64(&merkle::leaf_hash(&leaf)),
            root: base64(&root),
            proof: proof.iter().map(|hash| base64(hash)).collect(),
            checkpoint,
        }))
    })
    .await
}

/// Prove that the log only grew.
#[utoipa::path(
    get,
    path = "/v1/log/proof/consistency",
    tag = "log",
    operation_id = "get_consistency_proof",
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "The consistency proof.", body = ConsistencyProof),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/log/proof/consistency")]
pub async fn get_consistency_proof(
    query: web::Query<ConsistencyQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<ConsistencyProof>, ApiError> {
    let from = optional_size("from", query.from.as_deref())?
        .ok_or_else(|| ApiError::bad_request("from", "is required"))?;
    let asked_to = optional_size("to", query.to.as_deref())?;
    let store = store.into_inner();
    off_workers(move || {
        let (checkpoint, latest_size) = latest(&store)?;
        let to = asked_to.unwrap_or(latest_size);
        if from > to && from <= latest_size {
            // Both sizes are in the log, the wrong way round: the client's mistake, not a missing proof.
            return Err(ApiError::bad_request(
                "from",
                format!("must not be greater than to ({to})"),
            ));
        }
        let proof = store.consistency_proof(from, to)?.map_err(beyond_the_log)?;
        Ok(web::Json(ConsistencyProof {
            from,
            to,
            from_root: base64(&root(&store, "from", from)?),
            to_root: base64(&root(&store, "to", to)?),
            proof: proof.iter().map(|hash| base64(hash)).collect(),
            checkpoint,
        }))
    })
    .await
}

/// Read log entries in order.
///
/// For auditors and mirrors: each entry's exact leaf and leaf hash.
#[utoipa::path(
    get,
    path = "/v1/log/entries",
    tag = "log",
    operation_id = "list_log_entries",
    params(EntriesQuery),
    responses(
        (status = 200, description = "A run of entries.", body = LogEntries),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/log/entries")]
pub async fn list_log_entries(
    query: web::Query<EntriesQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<LogEntries>, ApiError> {
    let start = optional_number("start", query.start.as_deref())?.unwrap_or(0);
    let (limit, _) = page_params(query.limit.as_deref(), None)?;
    let store = store.into_inner();
    let (entries, size) = blocking(move || Ok((store.log_entries(start, limit)?, store.log_size()?))).await?;
    let next = match entries.last() {
        Some((last, _)) if last + 1 < size => Some(last + 1),
        _ => None,
    };
    Ok(web::Json(LogEntries {
        entries: entries
            .into_iter()
            .map(|(index, leaf)| LogEntry {
                index,
                leaf_hash: base64(&merkle::leaf_hash(&leaf)),
                leaf: String::from_utf8_lossy(&leaf).into_owned(),
            })
            .collect(),
        next,
    }))
}

/// Get a version's proof bundle.
///
/// Everything needed to verify the version offline: its record, its leaf, the leaf's inclusion
/// proof and the signed checkpoint the proof leads to. See `examples/verify_bundle.py`.
#[utoipa::path(
    get,
    path = "/v1/statements/{statement_id}/versions/{version}/proof",
    tag = "log",
    operation_id = "get_version_proof",
    params(
        ("statement_id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The statement's id (32 lowercase hex digits)"),
        ("version" = u32, Path, minimum = 1, description = "The version number"),
    ),
    responses(
        (status = 200, description = "The proof bundle.", body = ProofBundle),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/statements/{statement_id}/versions/{version}/proof")]
pub async fn get_version_proof(
    path: web::Path<(String, String)>,
    store: web::Data<Store>,
) -> Result<web::Json<ProofBundle>, ApiError> {
    let (id, n) = version_address(&path)?;
    let store = store.into_inner();
    let bundle = blocking(move || store.proof_bundle(&id, n))
        .await?
        .ok_or_else(|| unknown_version(&id, n))?;
    Ok(web::Json(ProofBundle::from(&bundle)))
}

/// The latest signed checkpoint and its size.
fn latest(store: &Store) -> Result<(String, u64), ApiError> {
    let (signed, checkpoint) = store.latest_checkpoint()?;
    Ok((signed, checkpoint.size))
}

fn root(store: &Store, field: &str, size: u64) -> Result<Hash, ApiError> {
    store.log_root(field, size)?.map_err(beyond_the_log)
}

/// A well-formed request for a proof the log cannot give (a tree larger than the log, an
/// index outside the tree): there is no such resource, 404.
fn beyond_the_log(error: crate::domain::FieldError) -> ApiError {
    ApiError::NotFound(error.to_string())
}

fn optional_number(field: &str, raw: Option<&str>) -> Result<Option<u64>, ApiError> {
    raw.map(|raw| {
        query_number(raw).ok_or_else(|| {
            ApiError::bad_request(field, format!("must be a whole number from 0 to {}", i64::MAX))
        })
    })
    .transpose()
}

fn required_number(field: &str, raw: Option<&str>) -> Result<u64, ApiError> {
    optional_number(field, raw)?.ok_or_else(|| ApiError::bad_request(field, "is required"))
}

/// A tree size: a whole number from 1.
fn optional_size(field: &str, raw: Option<&str>) -> Result<Option<u64>, ApiError> {
    match optional_number(field, raw)? {
        Some(0) => Err(ApiError::bad_request(field, "must be at least 1")),
        size => Ok(size),
    }
}
