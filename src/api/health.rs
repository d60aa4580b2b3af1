//! Handler of `/healthz`: is the service up?

use actix_web::{get, web};

use super::model::Health;

/// Service health.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "get_health",
    responses((status = 200, description = "The service is up.", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".to_owned(),
    })
}
