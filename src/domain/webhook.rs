//! Signed webhooks: endpoints, the events of the outbox, one delivery's state and record, the
//! retry schedule, and the Standard Webhooks signature (HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}` with a `whsec_` secret).

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

use super::{FieldError, StatementId, VersionNo, Withdrawal};

super::short_id::short_id!(
    /// A webhook endpoint's id: 8 random bytes, written as 16 lowercase hex digits.
    WebhookId,
    "webhook id",
    "webhook_id"
);

/// What happened, as named in a payload's `type` and in an endpoint's `events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "version.created")]
    VersionCreated,
    #[serde(rename = "statement.withdrawn")]
    StatementWithdrawn,
    #[serde(rename = "statement.restored")]
    StatementRestored,
}

impl EventKind {
    pub const ALL: [Self; 3] = [
        Self::VersionCreated,
        Self::StatementWithdrawn,
        Self::StatementRestored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VersionCreated => "version.created",
            Self::StatementWithdrawn => "statement.withdrawn",
            Self::StatementRestored => "statement.restored",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    "must be version.created, statement.withdrawn or statement.restored",
                )
            })
    }
}

/// An event's id, the `webhook-id` of every delivery of it: `msg_` and its outbox sequence
/// number in 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub u64);

impl EventId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        raw.strip_prefix("msg_")
            .filter(|hex| hex.len() == 16 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            .map(Self)
            .ok_or_else(|| FieldError::new(field, "must be an event id: msg_ and 16 lowercase hex digits"))
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "msg_{:016x}", self.0)
    }
}

/// One event of the outbox, written in the same batch as what it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub statement_id: StatementId,
    /// The new version, for `version.created`.
    pub version: Option<VersionNo>,
    /// When it happened: the version's ingestion, or the observation that withdrew or restored.
    pub at: DateTime<Utc>,
    /// The withdrawal as it was then, for `statement.withdrawn` and `statement.restored`.
    pub withdrawal: Option<Withdrawal>,
}

/// The filters of an endpoint, as the admin gave them; all given must match the version (for
/// a withdrawal, the statement's latest version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointFilters {
    pub publisher: Option<String>,
    pub contact: Option<String>,
    pub source_prefix: Option<String>,
}

/// A signing secret: random bytes (32 when made here), shown as `whsec_` and their base64.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A new random secret; `None` when the system's random source fails.
    pub fn random() -> Option<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).ok()?;
        Some(Self(bytes.to_vec()))
    }

    fn key(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(&self.0)
        )
    }
}

/// Never printed by accident: `Debug` hides the key.
impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl From<Secret> for String {
    fn from(secret: Secret) -> Self {
        secret.to_string()
    }
}

impl TryFrom<String> for Secret {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        raw.strip_prefix("whsec_")
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .filter(|bytes| (16..=64).contains(&bytes.len()))
            .map(Self)
            .ok_or_else(|| "not a whsec_ secret: whsec_ and the base64 of 16 to 64 bytes".to_owned())
    }
}

/// Why an endpoint gets no more deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disabled {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// A registered webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: WebhookId,
    /// An absolute http(s) URL.
    pub url: String,
    pub events: Vec<EventKind>,
    pub filters: EndpointFilters,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub secret: Secret,
    /// The secret before the last rotation, and until when deliveries are signed with it too.
    pub previous_secret: Option<(Secret, DateTime<Utc>)>,
    pub disabled: Option<Disabled>,
    /// Since when every delivery to it has failed (cleared by a success).
    pub failing_since: Option<DateTime<Utc>>,
}

impl Endpoint {
    pub fn wants(&self, kind: EventKind) -> bool {
        self.disabled.is_none() && self.events.contains(&kind)
    }

    /// The secrets a delivery at `now` is signed with: the current one, and the previous one
    /// during its grace period.
    pub fn secrets(&self, now: DateTime<Utc>) -> Vec<&Secret> {
        let previous = self
            .previous_secret
            .as_ref()
            .filter(|(_, until)| *until > now)
            .map(|(secret, _)| secret);
        std::iter::once(&self.secret).chain(previous).collect()
    }
}

/// The `webhook-signature` header's value: `v1,<base64 HMAC-SHA256>` for each of `secrets`,
/// space-separated, over `{id}.{timestamp}.{body}` (Standard Webhooks, "Signature scheme").
pub fn signature(secrets: &[&Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|secret| {
            // HMAC takes keys of any length, so this cannot fail.
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(secret.key()).expect("HMAC takes any key length");
            mac.update(format!("{id}.{timestamp}.").as_bytes());
            mac.update(body);
            let tag = mac.finalize().into_bytes();
            format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(tag))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A delivery still to make: of event `event` to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Attempts made so far.
    pub attempts: u32,
    pub next_at: DateTime<Utc>,
    /// When the first attempt was due: retries stop a retry window after it.
    pub first_at: DateTime<Utc>,
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// A 2xx answer.
    Delivered,
    /// Anything else; it will be tried again.
    Failed,
    /// Failed, and the retry window is over: no more attempts.
    GaveUp,
    /// 410 Gone: the endpoint unsubscribed and is disabled.
    Unsubscribed,
}

/// One attempt to deliver an event, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub event: EventId,
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    /// 1 for the first attempt of a delivery.
    pub attempt: u32,
    /// The HTTP status of the answer, when there was one.
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub outcome: AttemptOutcome,
    /// Why it failed, when it did without an answer (or the answer's status otherwise).
    pub error: Option<String>,
}

/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);

/// How long to wait after the `attempts`-th failed attempt: `base`·2^(attempts−1), at most
/// [`MAX_RETRY_DELAY`], then ±25 % by `jitter_permille` (in [-1000, 1000]).
pub fn retry_delay(base: Duration, attempts: u32, jitter_permille: i64) -> Duration {
    let doubled = base.saturating_mul(1u32 << attempts.saturating_sub(1).min(24));
    let delay = doubled.min(MAX_RETRY_DELAY).as_millis() as i64;
    let jitter = delay * jitter_permille.clamp(-1000, 1000) / 4000;
    Duration::from_millis(u64::try_from(delay + jitter).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification (and of its reference libraries' tests).
        let secret = Secret::try_from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()).unwrap();
        let signed = signature(
            &[&secret],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b"{\"test\": 2432232314}",
        );
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn signs_with_both_secrets_during_the_grace_period_only() {
        let now = Utc::now();
        let mut endpoint = Endpoint {
            id: WebhookId::from_bytes([1; 8]),
            url: "https://example.org/hook".into(),
            events: vec![EventKind::VersionCreated],
            filters: EndpointFilters::default(),
            description: None,
            created_at: now,
            secret: Secret(vec![1; 32]),
            previous_secret: Some((Secret(vec![2; 32]), now + chrono::Duration::seconds(60))),
            disabled: None,
            failing_since: None,
        };
        assert_eq!(endpoint.secrets(now).len(), 2);
        let header = signature(&endpoint.secrets(now), "msg_1", 1, b"{}");
        assert_eq!(header.split(' ').count(), 2);
        assert!(header.split(' ').all(|part| part.starts_with("v1,")));
        assert_eq!(endpoint.secrets(now + chrono::Duration::seconds(61)).len(), 1);
        assert!(endpoint.wants(EventKind::VersionCreated));
        assert!(!endpoint.wants(EventKind::StatementWithdrawn));
        endpoint.disabled = Some(Disabled {
            at: now,
            reason: "test".into(),
        });
        assert!(!endpoint.wants(EventKind::VersionCreated));
    }

    #[test]
    fn secrets_and_event_ids_round_trip_through_their_text() {
        let secret = Secret(vec![0xfe; 32]);
        let text = secret.to_string();
        assert!(text.starts_with("whsec_"));
        assert_eq!(Secret::try_from(text).unwrap(), secret);
        assert_eq!(format!("{secret:?}"), "Secret(…)");
        assert!(Secret::try_from("whsec_c2hvcnQ=".to_owned()).is_err());
        assert!(Secret::try_from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()).is_err());
        let id = EventId(0x1f);
        assert_eq!(id.to_string(), "msg_000000000000001f");
        assert_eq!(EventId::parse("event_id", &id.to_string()).unwrap(), id);
        assert!(EventId::parse("event_id", "msg_1f").is_err());
        assert!(EventId::parse("event_id", "000000000000001f").is_err());
        assert_eq!(
            EventKind::parse("events", "statement.restored").unwrap(),
            EventKind::StatementRestored
        );
        assert!(EventKind::parse("events", "version.deleted").is_err());
    }

    #[test]
    fn retries_back_off_exponentially_with_bounded_jitter() {
        let base = Duration::from_secs(5);
        assert_eq!(retry_delay(base, 1, 0), Duration::from_secs(5));
        assert_eq!(retry_delay(base, 2, 0), Duration::from_secs(10));
        assert_eq!(retry_delay(base, 4, 0), Duration::from_secs(40));
        assert_eq!(retry_delay(base, 40, 0), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(base, 1, 1000), Duration::from_millis(6250));
        assert_eq!(retry_delay(base, 1, -1000), Duration::from_millis(3750));
        assert_eq!(retry_delay(base, 40, 1000), Duration::from_millis(4_500_000));
    }
}
