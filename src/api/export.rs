//! `GET /v1/export.warc.gz`: the whole registry as a gzipped WARC/1.1 file, for admin keys,
//! streamed: each chunk of versions is read and encoded on the blocking pool while the
//! previous one is sent, so the file is never in memory whole.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use futures_util::stream::{self, StreamExt};

use super::access::require;
use super::blocking;
use super::model::*;
use super::problem::ApiError;
use crate::archive::export::{WarcExport, CHUNK_VERSIONS};
use crate::domain::Role;
use crate::store::Store;

/// The file name offered to a browser.
const FILENAME: &str = "provenance-export.warc.gz";

/// Export the registry as WARC.
///
/// WARC/1.1, one gzip member per record: a `warcinfo` record naming the log's origin, its
/// verifier key and the signed checkpoint the export stands on (`log-checkpoint`, base64);
/// then, per version in log order, a `resource` record with the exact bytes (target URI the
/// source URL, date `ingested_at`, SHA-1 payload and block digests) and a `metadata` record
/// (`WARC-Concurrent-To` the resource) holding the version's proof bundle against that
/// checkpoint. Versions ingested during the export are left to the next one. Admin keys only.
#[utoipa::path(
    get,
    path = "/v1/export.warc.gz",
    tag = "archive",
    operation_id = "export_warc",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The WARC file, gzipped record by record.",
         content_type = "application/gzip", body = String),
        (status = 401, response = UnauthorizedProblem),
        (status = 403, response = ForbiddenProblem),
        (status = 429, response = RateLimitedProblem),
    )
)]
#[get("/v1/export.warc.gz")]
pub async fn export_warc(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    require(&req, Role::Admin)?;
    let store = store.into_inner();
    let (export, warcinfo) = blocking({
        let store = std::sync::Arc::clone(&store);
        move || {
            let export = WarcExport::start(&store)?;
            let warcinfo = export.warcinfo(&store, chrono::Utc::now(), Some(FILENAME));
            Ok((export, warcinfo))
        }
    })
    .await?;
    let chunks = stream::unfold(Some(export), move |state| {
        let store = std::sync::Arc::clone(&store);
        async move {
            let mut export = state?;
            let read = web::block(move || {
                let chunk = export.next_chunk(&store, CHUNK_VERSIONS)?;
                Ok::<_, crate::store::StoreError>((export, chunk))
            })
            .await;
            match read {
                Ok(Ok((_, None))) => None,
                Ok(Ok((export, Some((chunk, _))))) => Some((Ok(Bytes::from(chunk)), Some(export))),
                // The status is sent: all that is left is to cut the file short, which every
                // reader notices (the last gzip member or record is incomplete).
                Ok(Err(error)) => {
                    tracing::error!(%error, "the WARC export stopped");
                    Some((Err(std::io::Error::other("the WARC export stopped")), None))
                }
                Err(_) => Some((Err(std::io::Error::other("the WARC export stopped")), None)),
            }
        }
    });
    let body = stream::once(async move { Ok(Bytes::from(warcinfo)) }).chain(chunks);
    Ok(HttpResponse::Ok()
        .content_type("application/gzip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{FILENAME}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}
