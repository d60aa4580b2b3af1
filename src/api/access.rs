//! Who may do what: every request's API key is checked once, here, before any handler runs.
//! Reads are public unless the registry requires a key for them; writes need a writer key,
//! key management an admin key. Each key, and each address without a key, has a rate limit,
//! and an address that keeps presenting bad keys is throttled.
//!
//! Every decision is taken on the path the router matches (`match_info`, percent-escapes of
//! ordinary characters decoded), never on the raw request path: `/%761/statements` is
//! `/v1/statements` to the router, so it is to the access check too. Such non-canonical
//! spellings are then refused with 400 ([`super::canonical`]). Refusals are answered as
//! responses (not errors) so that the log line, CORS and the security headers of the outer
//! middleware see them, and every 401, 403 and 429 is logged with the key id, never the secret.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::canonical;
use super::problem::ApiError;
use crate::domain::{Role, Token};
use crate::store::{ApiKey, Store};

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// How many remembered rate-limit buckets trigger forgetting the idle ones.
const BUCKETS_BEFORE_PRUNING: usize = 10_000;

/// Bad keys (malformed, unknown or revoked) one address may present per
/// [`BAD_KEY_WINDOW`]; beyond them, every request of that address that carries a key gets 429
/// until the window is over.
pub const BAD_KEYS_PER_WINDOW: u32 = 20;

/// The window over which bad keys are counted.
pub const BAD_KEY_WINDOW: Duration = Duration::from_secs(60);

/// The registry's access rules, built from the settings.
pub struct AccessPolicy {
    reads_need_key: bool,
    per_key: Option<Limiter>,
    per_address: Option<Limiter>,
    /// Off with the per-address limit: behind a proxy every client has the proxy's address.
    bad_keys: Option<BadKeys>,
}

impl AccessPolicy {
    /// `per_key` and `per_address` are sustained requests per second (bursts of twice that);
    /// 0 turns a limit off (`per_address` 0 also turns off the throttle of bad keys).
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
            bad_keys: (per_address > 0).then(BadKeys::default),
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

/// Bad keys per address, counted in fixed windows of [`BAD_KEY_WINDOW`].
#[derive(Default)]
struct BadKeys {
    windows: Mutex<HashMap<IpAddr, BadKeyWindow>>,
}

struct BadKeyWindow {
    started: Instant,
    count: u32,
}

impl BadKeys {
    /// When `address` has used up its bad keys: 429 until its window ends.
    fn check(&self, address: IpAddr, now: Instant) -> Result<(), ApiError> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match windows.get(&address) {
            Some(window) if window.count >= BAD_KEYS_PER_WINDOW => {
                let left = BAD_KEY_WINDOW.saturating_sub(now.saturating_duration_since(window.started));
                if left.is_zero() {
                    Ok(())
                } else {
                    Err(ApiError::TooManyRequests {
                        retry_after_secs: left.as_secs() + 1,
                    })
                }
            }
            _ => Ok(()),
        }
    }

    /// Counts one bad key from `address`.
    fn record(&self, address: IpAddr, now: Instant) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > BUCKETS_BEFORE_PRUNING {
            windows.retain(|_, window| now.saturating_duration_since(window.started) < BAD_KEY_WINDOW);
        }
        let window = windows.entry(address).or_insert(BadKeyWindow {
            started: now,
            count: 0,
        });
        if now.saturating_duration_since(window.started) >= BAD_KEY_WINDOW {
            *window = BadKeyWindow {
                started: now,
                count: 0,
            };
        }
        window.count = window.count.saturating_add(1);
    }
}

/// Who is calling, as the access check found out; handlers read it with [`require`].
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Key(ApiKey),
}

/// The paths anyone may read, even when reads need a key: liveness, the API document and the
/// docs page. Everything else (every route, and every path that routes nowhere) is private
/// when reads need a key.
fn is_open(path: &str) -> bool {
    matches!(path, "/healthz" | "/openapi.json" | "/docs") || path.starts_with("/docs/")
}

/// The access check, run as middleware in front of every route.
pub async fn check_access(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let response = match admit(&req).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.call(req).await?.map_into_left_body()
        }
        Err(refusal) => match crate::web::refusal_page(req.request(), refusal) {
            Ok(page) => req.into_response(page).map_into_right_body(),
            Err(refusal) => req.error_response(refusal).map_into_right_body(),
        },
    };
    log_refusal(&response);
    Ok(response)
}

/// Decides whether the request may reach its handler, and as whom.
async fn admit(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let (Some(policy), Some(store)) = (
        req.app_data::<web::Data<AccessPolicy>>(),
        req.app_data::<web::Data<Store>>(),
    ) else {
        return Ok(Caller::Anonymous);
    };
    let routed = req.match_info().as_str();
    let address = peer_address(req.request());
    let caller = if is_open(routed) {
        Caller::Anonymous // the key of a request for the docs page is not looked at
    } else {
        identify(req, policy, store, address).await?
    };
    match &caller {
        Caller::Key(key) => policy.check_rate(policy.per_key.as_ref(), key.key_id.clone())?,
        Caller::Anonymous => policy.check_rate(
            policy.per_address.as_ref(),
            address.map_or_else(String::new, |ip| ip.to_string()),
        )?,
    }
    canonical::check(req.path(), routed)?;
    if matches!(caller, Caller::Anonymous) && policy.reads_need_key && !is_open(routed) {
        return Err(ApiError::Unauthorized(
            "this registry requires an API key for reads too (all but /healthz, /openapi.json and /docs)"
                .into(),
        ));
    }
    Ok(caller)
}

/// The caller named by the `Authorization` header: anonymous without one, the key when it is
/// valid, 401 when it is not (429 once the address has sent too many bad keys). The key is
/// looked up on the blocking pool, off the async workers.
async fn identify(
    req: &ServiceRequest,
    policy: &AccessPolicy,
    store: &web::Data<Store>,
    address: Option<IpAddr>,
) -> Result<Caller, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let now = Instant::now();
    let throttle = policy.bad_keys.as_ref().zip(address);
    if let Some((bad_keys, address)) = throttle {
        bad_keys.check(address, now)?;
    }
    let refused = |reason: &str| {
        if let Some((bad_keys, address)) = throttle {
            bad_keys.record(address, now);
        }
        ApiError::Unauthorized(reason.to_owned())
    };
    let token = match bearer_credentials(value) {
        Credentials::NotBearer => {
            return Err(refused(
                "the Authorization header must use the Bearer scheme: `Bearer <API key>`",
            ))
        }
        Credentials::Bearer(token) => Token::parse(token)
            .ok_or_else(|| refused("the API key is malformed: a key reads pvk_<key id>_<secret>"))?,
    };
    let store = store.clone().into_inner();
    let key = super::blocking(move || store.authenticate(&token, chrono::Utc::now()))
        .await?
        .ok_or_else(|| refused("the API key is unknown or revoked"))?;
    Ok(Caller::Key(key))
}

/// What an `Authorization` header holds.
enum Credentials<'a> {
    /// The credentials of the Bearer scheme (RFC 6750; the scheme name is case-insensitive).
    Bearer(&'a str),
    /// Another scheme, or no text at all.
    NotBearer,
}

fn bearer_credentials(value: &header::HeaderValue) -> Credentials<'_> {
    let Ok(text) = value.to_str() else {
        return Credentials::NotBearer;
    };
    match text.trim().split_once(' ') {
        Some((scheme, credentials)) if scheme.eq_ignore_ascii_case("bearer") => {
            Credentials::Bearer(credentials.trim())
        }
        _ => Credentials::NotBearer,
    }
}

/// The key id a request presents, for the log: the public part of the token, never the secret.
fn presented_key_id(req: &HttpRequest) -> Option<String> {
    match bearer_credentials(req.headers().get(header::AUTHORIZATION)?) {
        Credentials::Bearer(token) => Token::parse(token).map(|token| token.key_id),
        Credentials::NotBearer => None,
    }
}

fn peer_address(req: &HttpRequest) -> Option<IpAddr> {
    req.peer_addr().map(|peer| peer.ip())
}

/// Logs a refused request (401, 403, 429) with its address, key id and reason.
fn log_refusal<B>(response: &ServiceResponse<B>) {
    let status = response.status();
    if !matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
    ) {
        return;
    }
    let req = response.request();
    let reason = response
        .response()
        .error()
        .map_or_else(String::new, ToString::to_string);
    let address = peer_address(req).map_or_else(String::new, |ip| ip.to_string());
    let key_id = presented_key_id(req);
    let key_sent = req.headers().contains_key(header::AUTHORIZATION);
    tracing::warn!(
        target: "provenance::access",
        status = status.as_u16(),
        address = %address,
        method = %req.method(),
        path = %req.path(),
        key_id = key_id.as_deref().unwrap_or(if key_sent { "(malformed)" } else { "(none)" }),
        reason = %reason,
        "request refused"
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let value = |text: &'static str| header::HeaderValue::from_static(text);
        for (text, expected) in [
            ("Bearer pvk_x", Some("pvk_x")),
            ("bearer pvk_x", Some("pvk_x")),
            ("BEARER   pvk_x ", Some("pvk_x")),
            ("Basic dXNlcjpwdw==", None),
            ("Bearer", None),
            ("pvk_x", None),
        ] {
            let header = value(text);
            let found = match bearer_credentials(&header) {
                Credentials::Bearer(token) => Some(token),
                Credentials::NotBearer => None,
            };
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn bad_keys_are_counted_per_address_and_window() {
        let bad_keys = BadKeys::default();
        let (one, other) = (IpAddr::from([192, 0, 2, 1]), IpAddr::from([192, 0, 2, 2]));
        let start = Instant::now();
        for _ in 0..BAD_KEYS_PER_WINDOW {
            assert!(bad_keys.check(one, start).is_ok());
            bad_keys.record(one, start);
        }
        assert!(bad_keys.check(one, start).is_err(), "the budget is used up");
        assert!(bad_keys.check(other, start).is_ok(), "another address is not");
        let later = start + BAD_KEY_WINDOW;
        assert!(bad_keys.check(one, later).is_ok(), "a new window");
        bad_keys.record(one, later);
        assert!(bad_keys.check(one, later).is_ok(), "counted afresh");
    }
}
