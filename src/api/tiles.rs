//! Handlers of the log as C2SP tlog-tiles (<https://c2sp.org/tlog-tiles>): `/checkpoint`,
//! `/tile/{L}/{N}[.p/{W}]` and `/tile/entries/{N}[.p/{W}]`, static resources that mirrors,
//! monitors and caches copy with standard tooling. Paths are parsed by [`Tile::parse`]; the
//! bytes come from [`Store::tile`], up to the newest durable checkpoint.

use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Compress;
use actix_web::{get, web, HttpRequest, HttpResponse, ResponseError};
use utoipa::ToSchema;

use super::blocking;
use super::model::{BadRequestProblem, NotFoundProblem, RateLimitedProblem, UnauthorizedProblem};
use super::problem::ApiError;
use crate::log::tiles::Tile;
use crate::store::Store;

/// Tiles never change once they exist (their paths name their width), so caches may keep
/// them for good; the spec asks for long-lived caching of partial tiles and bundles too.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The checkpoint moves with every commit group: caches must ask again each time.
const REVALIDATE: &str = "no-cache";
/// A tile the tree does not have yet may exist a moment later: a 404 is not to be kept.
const NOT_KEPT: &str = "no-store";

/// The raw bytes of a tile or an entry bundle.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(
    dead_code,
    reason = "only the OpenAPI document's name for a binary body; never built"
)]
pub struct TileBytes(Vec<u8>);

/// The log's checkpoint, for tlog-tiles clients.
///
/// The newest signed checkpoint known to be durable (a C2SP signed note, as at
/// `/v1/log/checkpoint`, which may be a moment ahead while a commit is flushed): every tile of
/// its tree is served. `Cache-Control: no-cache`.
#[utoipa::path(
    get,
    path = "/checkpoint",
    tag = "log",
    operation_id = "get_tiles_checkpoint",
    responses(
        (status = 200, description = "The signed checkpoint.", content_type = "text/plain; charset=utf-8",
        body = String, headers(("Cache-Control" = String, description = "`no-cache`")),
        example = "provenance.localhost/log\n300\nrYBJug9SAPMFh8fObkzDMWuRAbfFXFDaWej+D9V6ETo=\n\n— provenance.localhost/log AqiJZxA/aetTSXuqWFtwKTqI0L26XcE8m/8ooe1IlKlHd+V4V2semO0P6RrYpUAZuiDXKne9/JBHy4B/BLFMFd90/QM=\n"),
        (status = 401, response = UnauthorizedProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/checkpoint")]
pub async fn get_tiles_checkpoint(store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let signed = blocking(move || store.durable_checkpoint()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, REVALIDATE))
        .body(signed))
}

/// A tile of Merkle tree hashes.
///
/// `/tile/{level}/{index}` is a full tile: the 256 hashes (8,192 bytes) of tree level
/// 8·`level` from index 256·`index`; level 0 holds the leaf hashes. The rightmost tile of a
/// level is partial, `/tile/{level}/{index}.p/{width}`, with `width` (1 to 255) hashes.
/// `index` is written in zero-padded groups of three digits, all but the last prefixed with
/// `x` and each a path segment of its own: tile 1234067 is `/tile/0/x001/x234/067` (OpenAPI
/// cannot say that a parameter spans segments; the pattern given covers indices below 1000).
/// A tile beyond the tree of `/checkpoint` is a 404; a path in any other form is a 400. Tiles
/// never change: `Cache-Control: public, max-age=31536000, immutable`.
#[utoipa::path(
    get,
    path = "/tile/{level}/{index}",
    tag = "log",
    operation_id = "get_tile",
    params(
        ("level" = u8, Path, minimum = 0, maximum = 63, description = "The tile level: tree level 8·`level`"),
        ("index" = String, Path, pattern = "^[0-9]{3}$", description = "The tile's index in 3-digit groups (`067`, `x001/x234/067`), optionally followed by `.p/{width}` for a partial tile"),
    ),
    responses(
        (status = 200, description = "The tile's hashes, 32 bytes each.", content_type = "application/octet-stream",
        body = TileBytes, headers(("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"))),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/tile/{level}/{index:.*}")]
pub async fn get_tile(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    serve(&req, store).await
}

/// An entry bundle: the log's leaves.
///
/// `/tile/entries/{index}` holds the 256 leaves whose hashes the level-0 tile of the same
/// index holds; the last bundle is partial, `/tile/entries/{index}.p/{width}`. Each entry is a
/// big-endian uint16 length followed by the leaf's bytes (`provenance-leaf/1` canonical JSON),
/// so that SHA-256(0x00 ‖ leaf) is the matching hash of the level-0 tile. `index` is written as
/// for hash tiles. Compressed when the client accepts it (`Accept-Encoding`). Bundles never
/// change: `Cache-Control: public, max-age=31536000, immutable`.
#[utoipa::path(
    get,
    path = "/tile/entries/{index}",
    tag = "log",
    operation_id = "get_entry_bundle",
    params(
        ("index" = String, Path, pattern = "^[0-9]{3}$", description = "The bundle's index in 3-digit groups (`067`, `x001/x234/067`), optionally followed by `.p/{width}` for a partial bundle"),
    ),
    responses(
        (status = 200, description = "The entries, each as a big-endian uint16 length and the leaf's bytes.",
        content_type = "application/octet-stream", body = TileBytes,
        headers(("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"))),
        (status = 400, response = BadRequestProblem),
        (status = 401, response = UnauthorizedProblem),
        (status = 404, response = NotFoundProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/tile/entries/{index:.*}", wrap = "Compress::default()")]
pub async fn get_entry_bundle(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    serve(&req, store).await
}

/// Parses the request's path as a tile's and answers with its bytes, or a problem.
async fn serve(req: &HttpRequest, store: web::Data<Store>) -> HttpResponse {
    let path = req.path().strip_prefix("/tile/").unwrap_or_default();
    let tile = match Tile::parse(path) {
        Ok(tile) => tile,
        Err(error) => return ApiError::bad_request("path", error.to_string()).error_response(),
    };
    match blocking(move || store.tile(&tile)).await {
        Ok(Some(bytes)) => HttpResponse::Ok()
            .content_type("application/octet-stream")
            .insert_header((header::CACHE_CONTROL, IMMUTABLE))
            .body(bytes),
        Ok(None) => {
            let mut response = ApiError::NotFound(format!(
                "the log's tree has no {tile} yet: see /checkpoint for its size"
            ))
            .error_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(NOT_KEPT));
            response
        }
        Err(error) => error.error_response(),
    }
}
