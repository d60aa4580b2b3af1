//! Who may do what: every request's API key is checked once, here, before any handler runs.
//! Reads are public unless the registry requires a key for them; writes need a writer key,
//! key management an admin key. Each key, and each address without a key, has a rate limit.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;

use super::problem::ApiError;
use crate::domain::{Role, Token};
use crate::store::{ApiKey, Store};

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// The POST endpoints that only read: public like every read, unless reads need a key.
const QUERIES_SENT_AS_POST: &[&str] = &["/v1/extract", "/v1/verify", "/v1/passages/search"];

/// How many remembered rate-limit buckets trigger forgetting the idle ones.
const BUCKETS_BEFORE_PRUNING: usize = 10_000;

/// The registry's access rules, built from the settings.
pub struct AccessPolicy {
    reads_need_key: bool,
    per_key: Option<Limiter>,
    per_address: Option<Limiter>,
}

impl AccessPolicy {
    /// `per_key` and `per_address` are sustained requests per second (bursts of twice that);
    /// 0 turns a limit off.
    pub fn new(reads_need_key: bool, per_key: u32, per_address: u32) -> Self {
        let limiter = |per_second: u32| {
            NonZeroU32::new(per_second).map(|rate| {
                let burst = rate.saturating_mul(NonZeroU32::MIN.saturating_add(1));
                RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
            })
        };
        Self {
            reads_need_key,
            per_key: limiter(per_key),
            per_address: limiter(per_address),
        }
    }

    fn check_rate(&self, limiter: Option<&Limiter>, bucket: String) -> Result<(), ApiError> {
        let Some(limiter) = limiter else { return Ok(()) };
        if limiter.len() > BUCKETS_BEFORE_PRUNING {
            limiter.retain_recent();
        }
        limiter.check_key(&bucket).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs() + 1,
            }
        })
    }
}

/// Who is calling, as the access check found out; handlers read it with [`require`].
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Key(ApiKey),
}

/// The access check, run as middleware in front of every route.
pub async fn check_access(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let caller = identify(&req)?;
    req.extensions_mut().insert(caller);
    next.call(req).await
}

fn identify(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let (Some(policy), Some(store)) = (
        req.app_data::<web::Data<AccessPolicy>>(),
        req.app_data::<web::Data<Store>>(),
    ) else {
        return Ok(Caller::Anonymous);
    };
    let path = req.path();
    if !path.starts_with("/v1/") {
        return Ok(Caller::Anonymous); // health, the API document and the docs page stay open
    }
    let caller = match req.headers().get(header::AUTHORIZATION) {
        None => Caller::Anonymous,
        Some(value) => {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .and_then(Token::parse)
                .ok_or_else(|| {
                    ApiError::Unauthorized("the Authorization header must be `Bearer <API key>`".into())
                })?;
            let key = store
                .authenticate(&token, chrono::Utc::now())?
                .ok_or_else(|| ApiError::Unauthorized("the API key is unknown or revoked".into()))?;
            Caller::Key(key)
        }
    };
    match &caller {
        Caller::Key(key) => policy.check_rate(policy.per_key.as_ref(), key.key_id.clone())?,
        Caller::Anonymous => {
            let address = req
                .peer_addr()
                .map_or_else(String::new, |peer| peer.ip().to_string());
            policy.check_rate(policy.per_address.as_ref(), address)?;
            let reading =
                matches!(*req.method(), Method::GET | Method::HEAD) || QUERIES_SENT_AS_POST.contains(&path);
            if reading && policy.reads_need_key {
                return Err(ApiError::Unauthorized(
                    "this registry requires an API key for reads".into(),
                ));
            }
        }
    }
    Ok(caller)
}

/// The key of the caller, if its role allows `needed`: 401 without a key, 403 with too weak a one.
pub fn require(req: &HttpRequest, needed: Role) -> Result<ApiKey, ApiError> {
    match req.extensions().get::<Caller>() {
        Some(Caller::Key(key)) if key.role.allows(needed) => Ok(key.clone()),
        Some(Caller::Key(key)) => Err(ApiError::Forbidden(format!(
            "the key {} has the role {}; this needs {}",
            key.name,
            key.role.as_str(),
            needed.as_str()
        ))),
        _ => Err(ApiError::Unauthorized(format!(
            "this needs an API key with the role {}",
            needed.as_str()
        ))),
    }
}
