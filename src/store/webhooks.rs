//! Webhooks in the store: the endpoints, the outbox of events, the deliveries still to make,
//! and each endpoint's delivery log.
//!
//! # Invariants
//! 1. **The event goes with what it reports**: an event (`E`, with its fan-out marker `j`) is
//!    staged by [`stage_event`] into the very batch that adds the version, or records the
//!    withdrawal or restoration, it reports. No crash can keep one without the other: there is
//!    an event for every acknowledged version and none for a version that was not written.
//! 2. **Events are permanent and ordered**: `E(seq)` is only ever inserted, with `seq` from
//!    the backend's persistent counter; it stays for redelivery. `j(seq)` names an `E`.
//! 3. **Fan-out is one batch**: the deliveries (`J`) of an event to every endpoint that wants
//!    it are inserted in the batch that removes its `j`: after a crash an event is either
//!    still to fan out or has all its deliveries (at least once: never none).
//! 4. **Deliveries name what exists**: every `J` and `G` names an existing endpoint (deleting
//!    an endpoint removes its entries, under [`Lock::Webhooks`]) and an existing event.
//! 5. An endpoint's creation, rotation, enabling, disabling and deletion are flushed before
//!    they return. Delivery bookkeeping (fan-out, attempts) is not flushed on its own: losing
//!    it in a crash means delivering again, which at-least-once allows.

use chrono::{DateTime, Utc};

use super::rows::{Batch, Lock, PrefixReader, Reader, Rows, Txn};
use super::{codec, keys, Cursor, Page, StoreError};
use crate::domain::{Attempt, Delivery, Disabled, Endpoint, Event, EventId, WebhookId};

/// Adds `event` to `batch` (with its fan-out marker) and returns its id; invariant 1.
pub(super) fn stage_event(txn: &dyn Txn, batch: &mut Batch, event: &Event) -> Result<EventId, StoreError> {
    let record = codec::encode(event)?;
    let sequence = txn.generate_id()?;
    // Nothing is added unless both can be.
    batch.insert(keys::event(keys::EVENT, sequence), record);
    batch.insert(keys::event(keys::FAN_OUT, sequence), &[][..]);
    Ok(EventId(sequence))
}

/// A delivery due, with what it needs.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub endpoint: WebhookId,
    pub event: EventId,
    pub delivery: Delivery,
}

/// What to do with a delivery after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterAttempt {
    /// Delivered, or given up: no more attempts.
    Done,
    /// Try again then.
    Retry(DateTime<Utc>),
    /// The endpoint is disabled (410, or failing for the whole window): drop its deliveries.
    Disable(Disabled),
}

/// The webhook endpoints and deliveries of a registry; shares the registry's tree.
/// Changes of an endpoint and its entries (delete against a delivery's result) hold
/// [`Lock::Webhooks`].
pub struct WebhookBook {
    rows: Rows,
}

impl WebhookBook {
    pub(super) fn new(rows: Rows) -> Self {
        Self { rows }
    }

    /// Stores a new endpoint. Durable when it returns.
    pub fn create(&self, endpoint: &Endpoint) -> Result<(), StoreError> {
        self.rows.exclusive(Lock::Webhooks, |txn| {
            txn.apply(Batch::single(
                keys::webhook(&endpoint.id),
                codec::encode(endpoint)?,
            ))
        })?;
        self.rows.flush()
    }

    pub fn get(&self, id: &WebhookId) -> Result<Option<Endpoint>, StoreError> {
        endpoint_in(&*self.rows, id)
    }

    /// Every endpoint, in id order.
    pub fn all(&self) -> Result<Vec<Endpoint>, StoreError> {
        all_in(&*self.rows)
    }

    /// A page of the endpoints, in id order.
    pub fn list(&self, after: Option<&Cursor>, limit: usize) -> Result<Page<Endpoint>, StoreError> {
        super::watches::page_after(&*self.rows, &[keys::WEBHOOK], after, limit, |_, value| {
            codec::decode("webhook endpoint", value)
        })
    }

    /// Changes endpoint `id` by `change` (its deliveries are dropped when it ends disabled);
    /// returns it changed, or `None` when there is none. Durable when it returns.
    pub fn update(
        &self,
        id: &WebhookId,
        change: impl FnOnce(&mut Endpoint),
    ) -> Result<Option<Endpoint>, StoreError> {
        let result = self.rows.exclusive(Lock::Webhooks, |txn| {
            let Some(mut endpoint) = endpoint_in(txn, id)? else {
                return Ok(None);
            };
            change(&mut endpoint);
            let mut batch = Batch::default();
            batch.insert(keys::webhook(id), codec::encode(&endpoint)?);
            if endpoint.disabled.is_some() {
                drop_entries(txn, &mut batch, keys::DELIVERY, id)?;
            }
            txn.apply(batch)?;
            Ok(Some(endpoint))
        })?;
        self.rows.flush()?;
        Ok(result)
    }

    /// Removes endpoint `id` with its deliveries and its log; returns whether there was one.
    /// Durable when it returns.
    pub fn delete(&self, id: &WebhookId) -> Result<bool, StoreError> {
        let result = self.rows.exclusive(Lock::Webhooks, |txn| {
            if !txn.contains(&keys::webhook(id))? {
                return Ok(false);
            }
            let mut batch = Batch::default();
            batch.remove(keys::webhook(id));
            drop_entries(txn, &mut batch, keys::DELIVERY, id)?;
            drop_entries(txn, &mut batch, keys::DELIVERY_LOG, id)?;
            txn.apply(batch)?;
            Ok(true)
        })?;
        self.rows.flush()?;
        Ok(result)
    }

    pub fn event(&self, id: EventId) -> Result<Option<Event>, StoreError> {
        event_in(&*self.rows, id)
    }

    /// Fans out up to `limit` events not yet fanned out, oldest first: a delivery, due `now`,
    /// to each endpoint `wanted` says wants it; invariant 3. Returns how many events it took.
    pub fn fan_out(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        mut wanted: impl FnMut(&Endpoint, &Event) -> Result<bool, StoreError>,
    ) -> Result<usize, StoreError> {
        if self.rows.scan_prefix(&[keys::FAN_OUT]).next().is_none() {
            return Ok(0);
        }
        // Taken under the lock, so that two nodes never fan out one event.
        let result = self.rows.exclusive(Lock::Webhooks, |txn| {
            let pending: Vec<Vec<u8>> = txn
                .scan_prefix(&[keys::FAN_OUT])
                .map(|entry| entry.map(|(key, _)| key))
                .take(limit)
                .collect::<Result<_, _>>()?;
            let endpoints = all_in(txn)?;
            let mut batch = Batch::default();
            let delivery = codec::encode(&Delivery {
                attempts: 0,
                next_at: now,
                first_at: now,
            })?;
            for key in &pending {
                let sequence = keys::journal_sequence(key)
                    .ok_or_else(|| StoreError::Corrupt(format!("malformed fan-out key {key:?}")))?;
                if let Some(event) = event_in(txn, EventId(sequence))? {
                    for endpoint in &endpoints {
                        if endpoint.wants(event.kind) && wanted(endpoint, &event)? {
                            batch.insert(
                                keys::endpoint_entry(keys::DELIVERY, &endpoint.id, sequence),
                                delivery.as_slice(),
                            );
                        }
                    }
                }
                batch.remove(key);
            }
            txn.apply(batch)?;
            Ok(pending.len())
        })?;
        Ok(result)
    }

    /// Up to `limit` deliveries due by `now`, for which `skip` is false (those in flight).
    pub fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        skip: impl Fn(&WebhookId, EventId) -> bool,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let mut due = Vec::new();
        for entry in self.rows.scan_prefix(&[keys::DELIVERY]) {
            let (key, value) = entry?;
            let (endpoint, sequence) = keys::split_endpoint_entry(&key)
                .ok_or_else(|| StoreError::Corrupt(format!("malformed delivery key {key:?}")))?;
            let delivery: Delivery = codec::decode("delivery", &value)?;
            if delivery.next_at <= now && !skip(&endpoint, EventId(sequence)) {
                due.push(DueDelivery {
                    endpoint,
                    event: EventId(sequence),
                    delivery,
                });
                if due.len() >= limit {
                    break;
                }
            }
        }
        Ok(due)
    }

    /// Records `attempt` of `due` in the endpoint's log and does `after`; the endpoint's
    /// failure streak starts or ends with it. Nothing is recorded when the endpoint is gone.
    pub fn record(
        &self,
        due: &DueDelivery,
        attempt: &Attempt,
        after: &AfterAttempt,
    ) -> Result<(), StoreError> {
        self.rows.exclusive(Lock::Webhooks, |txn| {
            let Some(mut endpoint) = endpoint_in(txn, &due.endpoint)? else {
                return Ok(());
            };
            let mut batch = Batch::default();
            let task = keys::endpoint_entry(keys::DELIVERY, &due.endpoint, due.event.0);
            let log = keys::endpoint_entry(keys::DELIVERY_LOG, &due.endpoint, txn.generate_id()?);
            batch.insert(log, codec::encode(attempt)?);
            let delivered = attempt.outcome == crate::domain::AttemptOutcome::Delivered;
            let failing_since = match delivered {
                true => None,
                false => endpoint.failing_since.or(Some(attempt.at)),
            };
            let mut changed = failing_since != endpoint.failing_since;
            endpoint.failing_since = failing_since;
            match after {
                AfterAttempt::Done => batch.remove(task),
                AfterAttempt::Retry(at) => batch.insert(
                    task,
                    codec::encode(&Delivery {
                        attempts: attempt.attempt,
                        next_at: *at,
                        first_at: due.delivery.first_at,
                    })?,
                ),
                AfterAttempt::Disable(disabled) => {
                    drop_entries(txn, &mut batch, keys::DELIVERY, &due.endpoint)?;
                    endpoint.disabled = Some(disabled.clone());
                    changed = true;
                }
            }
            if changed {
                batch.insert(keys::webhook(&due.endpoint), codec::encode(&endpoint)?);
            }
            txn.apply(batch)
        })
    }

    /// Queues event `event` again for endpoint `id`, due `now`, as a new delivery. Returns
    /// `false` when either does not exist. Durable when it returns.
    pub fn redeliver(&self, id: &WebhookId, event: EventId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let result = self.rows.exclusive(Lock::Webhooks, |txn| {
            if !txn.contains(&keys::webhook(id))? || event_in(txn, event)?.is_none() {
                return Ok(false);
            }
            let delivery = Delivery {
                attempts: 0,
                next_at: now,
                first_at: now,
            };
            let mut batch = Batch::default();
            batch.insert(
                keys::endpoint_entry(keys::DELIVERY, id, event.0),
                codec::encode(&delivery)?,
            );
            txn.apply(batch)?;
            Ok(true)
        })?;
        self.rows.flush()?;
        Ok(result)
    }

    /// A page of the delivery log of endpoint `id`, oldest first.
    pub fn deliveries(
        &self,
        id: &WebhookId,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<Attempt>, StoreError> {
        super::watches::page_after(
            &*self.rows,
            &keys::endpoint_prefix(keys::DELIVERY_LOG, id),
            after,
            limit,
            |_, value| codec::decode("delivery attempt", value),
        )
    }

    /// How many deliveries are still to make, and events still to fan out.
    pub fn backlog(&self) -> (usize, usize) {
        (
            self.rows.scan_prefix(&[keys::DELIVERY]).count(),
            self.rows.scan_prefix(&[keys::FAN_OUT]).count(),
        )
    }

    /// Checks invariants 2 and 4: events decode and name versions `version_exists` knows;
    /// every fan-out marker, delivery and log entry names an existing event and endpoint.
    pub fn audit(
        &self,
        version_exists: impl Fn(&Event) -> Result<bool, StoreError>,
    ) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        for entry in self.rows.scan_prefix(&[keys::EVENT]) {
            let (key, value) = entry?;
            match codec::decode::<Event>("event", &value) {
                Ok(event) if !version_exists(&event)? => problems.push(format!(
                    "event {key:?} reports a version of {} that does not exist",
                    event.statement_id
                )),
                Ok(_) => {}
                Err(error) => problems.push(error.to_string()),
            }
        }
        for entry in self.rows.scan_prefix(&[keys::FAN_OUT]) {
            let (key, _) = entry?;
            match keys::journal_sequence(&key) {
                Some(sequence) if self.rows.contains(&keys::event(keys::EVENT, sequence))? => {}
                _ => problems.push(format!("fan-out marker {key:?} names no event")),
            }
        }
        for tag in [keys::DELIVERY, keys::DELIVERY_LOG] {
            for entry in self.rows.scan_prefix(&[tag]) {
                let (key, value) = entry?;
                let Some((endpoint, sequence)) = keys::split_endpoint_entry(&key) else {
                    problems.push(format!("malformed delivery key {key:?}"));
                    continue;
                };
                if !self.rows.contains(&keys::webhook(&endpoint))? {
                    problems.push(format!("delivery entry {key:?} names no endpoint"));
                }
                let event = match tag == keys::DELIVERY {
                    true => codec::decode::<Delivery>("delivery", &value).map(|_| EventId(sequence)),
                    false => {
                        codec::decode::<Attempt>("delivery attempt", &value).map(|attempt| attempt.event)
                    }
                };
                match event {
                    Ok(event) if self.event(event)?.is_none() => {
                        problems.push(format!("delivery entry {key:?} names no event ({event})"))
                    }
                    Ok(_) => {}
                    Err(error) => problems.push(error.to_string()),
                }
            }
        }
        Ok(problems)
    }
}

/// Endpoint `id` as `rows` has it.
fn endpoint_in(rows: &dyn Reader, id: &WebhookId) -> Result<Option<Endpoint>, StoreError> {
    rows.get(&keys::webhook(id))?
        .map(|bytes| codec::decode("webhook endpoint", &bytes))
        .transpose()
}

/// Every endpoint as `rows` has them, in id order.
fn all_in(rows: &dyn Reader) -> Result<Vec<Endpoint>, StoreError> {
    rows.scan_prefix(&[keys::WEBHOOK])
        .map(|entry| codec::decode("webhook endpoint", &entry?.1))
        .collect()
}

/// Event `id` as `rows` has it.
fn event_in(rows: &dyn Reader, id: EventId) -> Result<Option<Event>, StoreError> {
    rows.get(&keys::event(keys::EVENT, id.0))?
        .map(|bytes| codec::decode("event", &bytes))
        .transpose()
}

/// Adds to `batch` the removal of every entry of endpoint `id` under `tag`.
fn drop_entries(txn: &dyn Txn, batch: &mut Batch, tag: u8, id: &WebhookId) -> Result<(), StoreError> {
    for entry in txn.scan_prefix(&keys::endpoint_prefix(tag, id)) {
        batch.remove(entry?.0);
    }
    Ok(())
}
