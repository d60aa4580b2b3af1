//! The dispatcher: delivers the outbox's events to the webhook endpoints that want them.
//!
//! - **Fan-out**: events not yet fanned out (written with what they report, see
//!   [`crate::store::WebhookBook`]) become one delivery per enabled endpoint that subscribes
//!   to their type and whose filters match the version, in one batch.
//! - **Delivery**: due deliveries are made at most `--webhook-concurrency` at a time, each a
//!   POST of the payload ([`payload`]) with the Standard Webhooks headers (`webhook-id`: the
//!   event's id, the same on every attempt; `webhook-timestamp`: the attempt's time;
//!   `webhook-signature`: `v1,` and the HMAC-SHA256 by each valid secret), through the same
//!   guarded client as the fetcher (no private addresses unless allowed; no redirects).
//! - **Outcome**: 2xx is delivered; 410 unsubscribes (the endpoint is disabled); anything else
//!   is retried after `base`·2^(attempt−1) (at most an hour, ±25 %) until the retry window
//!   since the first attempt is over. An endpoint whose every delivery failed for a whole
//!   window is disabled, with the reason. Each attempt goes to the endpoint's delivery log.
//! - **Never blocking the async workers**: store reads and writes, and payloads (a change
//!   summary reads two contents), run on the blocking pool.

pub mod payload;

use chrono::Utc;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::config::WebhookSettings;
use crate::domain::{
    retry_delay, signature, Attempt, AttemptOutcome, Disabled, Endpoint, Event, EventId, StatementId,
    Version, VersionFilter, VersionNo, WebhookId,
};
use crate::find::history::Changes;
use crate::outbound::{Outbound, OutboundError};
use crate::store::{AfterAttempt, DueDelivery, Store, StoreError};
use crate::watch::blocking;

/// How often the outbox is looked at when there is nothing to do.
const POLL: Duration = Duration::from_millis(200);
/// Events fanned out per batch.
const FAN_OUT_BATCH: usize = 500;

pub struct Dispatcher {
    store: Arc<Store>,
    outbound: Outbound,
    settings: WebhookSettings,
    /// The service's public URL, without a trailing slash, for the payloads' links.
    base: String,
    changes: Arc<Changes>,
    /// The deliveries being made (endpoint, event), so that none is made twice at once.
    in_flight: Mutex<HashSet<(WebhookId, EventId)>>,
    wake: tokio::sync::Notify,
    stopping: AtomicBool,
}

impl Dispatcher {
    pub fn new(store: Arc<Store>, outbound: Outbound, settings: WebhookSettings, base: String) -> Self {
        Self {
            store,
            outbound,
            settings,
            base: base.trim_end_matches('/').to_owned(),
            changes: Arc::default(),
            in_flight: Mutex::default(),
            wake: tokio::sync::Notify::new(),
            stopping: AtomicBool::new(false),
        }
    }

    /// The outbound client, whose checks also vet endpoint URLs when they are registered.
    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }

    /// Looks at the outbox now (a delivery was queued by hand).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Makes no new delivery; [`Dispatcher::run`] returns once those in flight are recorded.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Fans out and delivers until stopped.
    pub async fn run(self: Arc<Self>) {
        let concurrency = usize::try_from(self.settings.webhook_concurrency).unwrap_or(8);
        let mut running = tokio::task::JoinSet::new();
        while !self.stopping.load(Ordering::SeqCst) {
            while running.try_join_next().is_some() {}
            let this = Arc::clone(&self);
            let room = concurrency.saturating_sub(running.len());
            let (fanned, due) = match blocking(move || this.look(room)).await {
                Ok(found) => found,
                Err(error) => {
                    tracing::error!(%error, "cannot read the webhook outbox");
                    (0, Vec::new())
                }
            };
            let started = !due.is_empty();
            for delivery in due {
                running.spawn(Arc::clone(&self).deliver(delivery));
            }
            if fanned == FAN_OUT_BATCH {
                continue;
            }
            if running.len() >= concurrency || (!started && !running.is_empty()) {
                let _ = tokio::time::timeout(POLL, running.join_next()).await;
            } else if !started {
                let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
            }
        }
        while running.join_next().await.is_some() {}
    }

    /// Fans out what is pending and takes up to `room` due deliveries (marked in flight).
    fn look(&self, room: usize) -> Result<(usize, Vec<DueDelivery>), StoreError> {
        let now = Utc::now();
        let book = self.store.webhooks();
        let mut matching = Matching::default();
        let fanned = book.fan_out(now, FAN_OUT_BATCH, |endpoint, event| {
            matching.matches(&self.store, endpoint, event)
        })?;
        if room == 0 {
            return Ok((fanned, Vec::new()));
        }
        let mut in_flight = self.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        let due = book.due(now, room, |endpoint, event| {
            in_flight.contains(&(*endpoint, event))
        })?;
        in_flight.extend(due.iter().map(|due| (due.endpoint, due.event)));
        Ok((fanned, due))
    }

    async fn deliver(self: Arc<Self>, due: DueDelivery) {
        if let Err(error) = self.attempt(&due).await {
            tracing::error!(%error, endpoint = %due.endpoint, event = %due.event, "a webhook delivery could not be recorded");
        }
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(due.endpoint, due.event));
    }

    /// Makes one attempt of `due` and records it.
    async fn attempt(&self, due: &DueDelivery) -> Result<(), StoreError> {
        let (store, changes, base) = (
            Arc::clone(&self.store),
            Arc::clone(&self.changes),
            self.base.clone(),
        );
        let (endpoint, event) = (due.endpoint, due.event);
        let prepared = blocking(move || {
            let book = store.webhooks();
            let (Some(endpoint), Some(event)) = (book.get(&endpoint)?, book.event(event)?) else {
                return Ok(None);
            };
            let body = payload::body(&store, &changes, &base, &event)?;
            Ok(Some((endpoint, event, body)))
        })
        .await?;
        let Some((endpoint, event, body)) = prepared else {
            // The endpoint was deleted meanwhile (its deliveries with it).
            return Ok(());
        };
        if endpoint.disabled.is_some() {
            return Ok(());
        }
        let now = Utc::now();
        let id = due.event.to_string();
        let mut headers = HeaderMap::new();
        let signed = signature(&endpoint.secrets(now), &id, now.timestamp(), &body);
        for (name, value) in [
            ("webhook-id", id),
            ("webhook-timestamp", now.timestamp().to_string()),
            ("webhook-signature", signed),
        ] {
            let value = HeaderValue::from_str(&value).map_err(|error| StoreError::Bug(error.to_string()))?;
            headers.insert(HeaderName::from_static(name), value);
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let started = Instant::now();
        let answer = match url::Url::parse(&endpoint.url) {
            Ok(url) => self.outbound.post(&url, headers, body).await,
            Err(error) => Err(OutboundError::Scheme(error.to_string())),
        };
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (attempt, after) = self.judge(
            &endpoint,
            due,
            &event,
            answer.map(|fetched| fetched.status),
            now,
            latency_ms,
        );
        let store = Arc::clone(&self.store);
        let due = due.clone();
        blocking(move || store.webhooks().record(&due, &attempt, &after)).await
    }

    /// What an answer (`status`, or why there was none) means for the delivery.
    fn judge(
        &self,
        endpoint: &Endpoint,
        due: &DueDelivery,
        event: &Event,
        answer: Result<u16, OutboundError>,
        now: chrono::DateTime<Utc>,
        latency_ms: u64,
    ) -> (Attempt, AfterAttempt) {
        let number = due.delivery.attempts + 1;
        let (status, error) = match &answer {
            Ok(status) => (Some(*status), None),
            Err(error) => (None, Some(error.to_string())),
        };
        let window = chrono::Duration::seconds(
            i64::try_from(self.settings.webhook_retry_window_secs).unwrap_or(i64::MAX / 1000),
        );
        let base = Duration::from_millis(self.settings.webhook_retry_base_ms);
        let next = now
            + chrono::Duration::from_std(retry_delay(base, number, crate::watch::random_permille()))
                .unwrap_or(chrono::Duration::hours(1));
        let (outcome, after) = match status {
            Some(200..=299) => (AttemptOutcome::Delivered, AfterAttempt::Done),
            Some(410) => (
                AttemptOutcome::Unsubscribed,
                AfterAttempt::Disable(Disabled {
                    at: now,
                    reason: "the endpoint answered 410 Gone: it unsubscribed".to_owned(),
                }),
            ),
            _ if next <= due.delivery.first_at + window => {
                (AttemptOutcome::Failed, AfterAttempt::Retry(next))
            }
            _ => {
                // Had it been retried, it would have been failing for the whole window.
                let since = endpoint.failing_since.unwrap_or(now);
                let after = match since + window <= next {
                    true => AfterAttempt::Disable(Disabled {
                        at: now,
                        reason: format!(
                            "every delivery failed for {} s, since {}",
                            self.settings.webhook_retry_window_secs,
                            crate::api::rfc3339(since)
                        ),
                    }),
                    false => AfterAttempt::Done,
                };
                (AttemptOutcome::GaveUp, after)
            }
        };
        let error = error.or_else(|| {
            (outcome != AttemptOutcome::Delivered).then(|| format!("answered {}", status.unwrap_or(0)))
        });
        let attempt = Attempt {
            event: due.event,
            kind: event.kind,
            at: now,
            attempt: number,
            status,
            latency_ms,
            outcome,
            error,
        };
        (attempt, after)
    }
}

/// What one fan-out has worked out so far: each filtering endpoint's [`VersionFilter`] (built
/// once, not once per event) and each event's version (read once, not once per endpoint).
#[derive(Default)]
struct Matching {
    filters: HashMap<WebhookId, VersionFilter>,
    /// By statement and version number (none: the statement's latest, for a withdrawal).
    versions: HashMap<(StatementId, Option<VersionNo>), Option<Version>>,
}

impl Matching {
    /// Whether `event`'s version passes `endpoint`'s filters.
    fn matches(&mut self, store: &Store, endpoint: &Endpoint, event: &Event) -> Result<bool, StoreError> {
        let filters = &endpoint.filters;
        if filters == &Default::default() {
            return Ok(true);
        }
        let filter = self
            .filters
            .entry(endpoint.id)
            .or_insert_with(|| VersionFilter::of_endpoint(filters));
        let version = match self.versions.entry((event.statement_id, event.version)) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(unknown) => unknown.insert(payload::version_of(store, event)?),
        };
        Ok(version.as_ref().is_some_and(|version| filter.matches(version)))
    }
}
