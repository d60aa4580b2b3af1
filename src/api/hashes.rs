//! Handler of `/v1/hashes/{sha256}`: where has this exact text appeared?

use actix_web::{get, web};

use super::model::{
    BadRequestProblem, HashMatches, PageQuery, RateLimitedProblem, UnauthorizedProblem, VersionRecord,
};
use super::page_params;
use super::problem::ApiError;
use crate::domain::Sha256;
use crate::store::Store;

/// Find versions by content hash.
///
/// Every version, of any statement, whose content has this SHA-256, ordered by hash index
/// (statement id, then version). An unknown hash gives an empty list.
#[utoipa::path(
    get,
    path = "/v1/hashes/{sha256}",
    tag = "hashes",
    operation_id = "get_hash",
    params(("sha256" = String, Path, pattern = "^[0-9a-fA-F]{64}$", description = "SHA-256 of the content, 64 hex digits"), PageQuery),
    responses(
        (status = 200, description = "The versions with this content (possibly none).", body = HashMatches),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/hashes/{sha256}")]
pub async fn get_hash(
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    store: web::Data<Store>,
) -> Result<web::Json<HashMatches>, ApiError> {
    let sha = Sha256::parse("sha256", &path).map_err(ApiError::BadRequest)?;
    let (limit, cursor) = page_params(query.limit.as_deref(), query.cursor.as_deref())?;
    let page = store.versions_with_hash(&sha, cursor.as_ref(), limit)?;
    Ok(web::Json(HashMatches {
        sha256: sha.to_hex(),
        items: page.items.iter().map(VersionRecord::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    }))
}
