//! Handler of `/healthz`: is the service up, and can it read its store?

use actix_web::{get, web};

use super::blocking;
use super::model::Health;
use super::problem::ApiError;
use crate::store::Store;

/// Service health.
///
/// Checks, on the blocking pool, that the store answers: it reads the latest signed checkpoint
/// and verifies its signature with the log's key (a few microseconds), and checks the free
/// space its disk has for writes. A store that cannot be read answers 503 (or 500 when its
/// checkpoint does not verify); a full disk does not fail the check, it shows as
/// `accepting_writes: false`.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "get_health",
    responses(
        (status = 200, description = "The service is up and reads its store.", body = Health),
        (status = 500, description = "The stored checkpoint fails its own checks."),
        (status = 503, response = crate::api::model::UnavailableProblem),
    )
)]
#[get("/healthz")]
pub async fn healthz(store: web::Data<Store>) -> Result<web::Json<Health>, ApiError> {
    let store = store.into_inner();
    let (log_size, accepting_writes) = blocking(move || {
        let (_, checkpoint) = store.latest_checkpoint()?;
        Ok((checkpoint.size, store.has_free_space()))
    })
    .await?;
    Ok(web::Json(Health {
        status: "ok".to_owned(),
        log_size,
        accepting_writes,
    }))
}
