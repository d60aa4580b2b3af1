//! Handler of `/v1/hashes/{digest}`: where has this exact text appeared? Asked by the
//! registry's SHA-256 or by the SHA-1 web archives name content by.

use actix_web::{get, web};

use super::model::{
    BadRequestProblem, HashMatches, PageQuery, RateLimitedProblem, UnauthorizedProblem, VersionRecord,
};
use super::problem::ApiError;
use super::{blocking, page_params};
use crate::domain::Digest;
use crate::store::Store;

/// Find versions by content hash.
///
/// Every version, of any statement, whose content has this SHA-256 (64 hex digits) or SHA-1
/// (32 base32 characters, optionally prefixed `sha1:`, the Wayback CDX `digest` and WARC
/// `WARC-Payload-Digest` form), ordered by hash index (statement id, then version). An unknown
/// hash gives an empty list.
#[utoipa::path(
    get,
    path = "/v1/hashes/{digest}",
    tag = "hashes",
    operation_id = "get_hash",
    params(("digest" = String, Path, pattern = "^([0-9a-fA-F]{64}|[A-Za-z2-7]{32})$", description = "SHA-256 of the content (64 hex digits) or its SHA-1 (32 base32 characters). The SHA-1 may also be prefixed `sha1:`, the colon sent as it is (an escaped `%3A` is refused, as every needless escape in a path is)"), PageQuery),
    responses(
        (status = 200, description = "The versions with this content (possibly none).", body = HashMatches),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/hashes/{digest}")]
pub async fn get_hash(
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<HashMatches>, ApiError> {
    let digest = Digest::parse("digest", &path).map_err(ApiError::BadRequest)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let (sha256, sha1) = match &digest {
        Digest::Sha256(sha) => (Some(sha.to_hex()), None),
        Digest::Sha1(sha1) => (None, Some(sha1.to_base32())),
    };
    let store = store.into_inner();
    let page = blocking(move || match digest {
        Digest::Sha256(sha) => store.versions_with_hash(&sha, cursor.as_ref(), limit),
        Digest::Sha1(sha1) => store.versions_with_sha1(&sha1, cursor.as_ref(), limit),
    })
    .await?;
    Ok(web::Json(HashMatches {
        sha256,
        sha1,
        items: page.items.iter().map(VersionRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}
