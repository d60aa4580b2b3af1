//! The watcher: fetches every watched source on its schedule, politely, and records what it
//! observed.
//!
//! - **Schedule**: in memory, a set of (next run, watch) loaded from the store at start and
//!   fed by new watches; each watch's next run is stored with its observation, so a restart
//!   picks up where it was (overdue watches run at once).
//! - **Politeness**: due watches go to a queue per host, worked by at most one task per host:
//!   one request at a time to a host, and at least the configured delay between the end of
//!   one request to it and the start of the next (robots.txt requests included). robots.txt
//!   is read once a day per site and honoured unless the operator says otherwise.
//! - **Never blocking the async workers**: the store's reads and writes, and ingests, run on
//!   the blocking pool.
//! - A fetch is recorded in one batch with the watch's new state ([`crate::store::WatchBook`]):
//!   a crash during a fetch loses nothing acknowledged, and the fetch is simply made again.

mod fetch;
pub mod robots;

use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::config::WatchSettings;
use crate::domain::{Observation, Outcome, StatementId, Watch, WatchId};
use crate::outbound::{Outbound, OutboundError};
use crate::store::Store;
use robots::Robots;

/// The product token robots.txt rules are matched against.
pub const ROBOTS_PRODUCT: &str = "provenance";

/// How long a site's robots.txt is trusted once read (RFC 9309 §2.4: at most 24 hours).
const ROBOTS_FRESH: Duration = Duration::from_secs(24 * 3600);
/// How long a robots.txt that could not be read (5xx, timeout) keeps its site disallowed.
const ROBOTS_RETRY: Duration = Duration::from_secs(600);
/// The longest the scheduler sleeps without looking at its schedule.
const LONGEST_NAP: Duration = Duration::from_secs(60);

/// One watch in the schedule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Due {
    at: DateTime<Utc>,
    id: WatchId,
    host: String,
}

pub struct Watcher {
    store: Arc<Store>,
    outbound: Outbound,
    settings: WatchSettings,
    schedule: Mutex<BTreeSet<Due>>,
    /// Wakes the scheduler when a watch is added.
    wake: tokio::sync::Notify,
    /// The waiting watches of each host with a running worker (its presence means there is one).
    hosts: Mutex<HashMap<String, VecDeque<WatchId>>>,
    /// Each site's robots.txt (by origin) and until when it holds.
    robots: Mutex<HashMap<String, (Robots, Instant)>>,
    /// Set when the service stops: workers finish the fetch in hand and take no more.
    stopping: AtomicBool,
    /// Told whenever a host's worker ends.
    worker_ended: tokio::sync::Notify,
}

impl Watcher {
    pub fn new(store: Arc<Store>, outbound: Outbound, settings: WatchSettings) -> Self {
        Self {
            store,
            outbound,
            settings,
            schedule: Mutex::default(),
            wake: tokio::sync::Notify::new(),
            hosts: Mutex::default(),
            robots: Mutex::default(),
            stopping: AtomicBool::new(false),
            worker_ended: tokio::sync::Notify::new(),
        }
    }

    /// Stops fetching: every worker finishes the fetch in hand (and records it) and takes no
    /// more. Returns once all have ended.
    pub async fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        loop {
            let ended = self.worker_ended.notified();
            if self
                .hosts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty()
            {
                return;
            }
            ended.await;
        }
    }

    pub fn settings(&self) -> &WatchSettings {
        &self.settings
    }

    /// The outbound client, whose checks also vet watched URLs when they are registered.
    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }

    /// Takes `watch` (just stored) into the schedule.
    pub fn schedule(&self, watch: &Watch) {
        self.schedule
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(due(watch));
        self.wake.notify_one();
    }

    /// Runs the schedule until dropped: loads the stored watches, then hands every due watch
    /// to its host's queue as its time comes.
    pub async fn run(self: Arc<Self>) {
        let store = Arc::clone(&self.store);
        match tokio::task::spawn_blocking(move || store.watches().all()).await {
            Ok(Ok(watches)) => {
                let mut schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
                schedule.extend(watches.iter().map(due));
            }
            Ok(Err(error)) => tracing::error!(%error, "cannot read the watches: none will run"),
            Err(error) => tracing::error!(%error, "cannot read the watches: none will run"),
        }
        loop {
            let now = Utc::now();
            let (ready, next) = {
                let mut schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
                let mut ready = Vec::new();
                while schedule.first().is_some_and(|first| first.at <= now) {
                    ready.extend(schedule.pop_first());
                }
                (ready, schedule.first().map(|first| first.at))
            };
            for due in ready {
                self.enqueue(due);
            }
            let nap = next
                .and_then(|at| (at - now).to_std().ok())
                .unwrap_or(LONGEST_NAP)
                .min(LONGEST_NAP);
            tokio::select! {
                () = tokio::time::sleep(nap) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// Puts a due watch in its host's queue, starting the host's worker if it has none.
    fn enqueue(self: &Arc<Self>, due: Due) {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        if self.stopping.load(Ordering::SeqCst) {
            return;
        }
        if let Some(queue) = hosts.get_mut(&due.host) {
            queue.push_back(due.id);
            return;
        }
        hosts.insert(due.host.clone(), VecDeque::from([due.id]));
        tokio::spawn(Arc::clone(self).work_host(due.host));
    }

    /// Works one host's queue, one watch at a time, until it is empty; its entry in `hosts`
    /// goes only after the delay that follows its last request, so a new worker for the host
    /// cannot start early.
    async fn work_host(self: Arc<Self>, host: String) {
        loop {
            let next = {
                let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
                let stopping = self.stopping.load(Ordering::SeqCst);
                match hosts.get_mut(&host).and_then(VecDeque::pop_front) {
                    Some(id) if !stopping => id,
                    _ => {
                        hosts.remove(&host);
                        self.worker_ended.notify_waiters();
                        return;
                    }
                }
            };
            if let Err(error) = self.run_watch(next).await {
                tracing::error!(%error, watch = %next, "a watched source's fetch could not be recorded");
            }
        }
    }

    /// Fetches one watch (robots.txt permitting), records the observation and schedules the
    /// next run.
    async fn run_watch(&self, id: WatchId) -> Result<(), crate::store::StoreError> {
        let store = Arc::clone(&self.store);
        let Some(mut watch) = blocking(move || store.watches().get(&id)).await? else {
            return Ok(());
        };
        let at = Utc::now();
        let observation = match self.robots_refusal(&watch).await {
            Some(reason) => Observation::unanswered(watch.id, at, Outcome::Error, reason),
            None => {
                let observation = fetch::fetch(&self.outbound, &self.store, &watch, at).await;
                self.pause().await;
                observation
            }
        };
        let statement = StatementId::for_url(&watch.source_url);
        let threshold = self.settings.watch_withdraw_after;
        let store = Arc::clone(&self.store);
        let jitter = random_permille();
        let recorded = blocking(move || {
            let current = store.watches().withdrawal(&statement)?;
            let change = watch.observe(observation.clone(), threshold, current.as_ref());
            watch.next_run_at = watch.every.next_after(at, jitter);
            let exists = store
                .watches()
                .record(&statement, &watch, &observation, &change)?;
            Ok(exists.then_some(watch))
        })
        .await?;
        if let Some(watch) = recorded {
            self.schedule(&watch);
        }
        Ok(())
    }

    /// Why robots.txt keeps the watch's URL from being fetched, if it does; reads the site's
    /// robots.txt first when it is not known (then pauses, as after any request to the host).
    async fn robots_refusal(&self, watch: &Watch) -> Option<String> {
        if self.settings.watch_ignore_robots {
            return None;
        }
        let url = url::Url::parse(watch.source_url.as_str()).ok()?;
        let origin = url.origin().ascii_serialization();
        let known = {
            let robots = self.robots.lock().unwrap_or_else(PoisonError::into_inner);
            robots
                .get(&origin)
                .filter(|(_, until)| *until > Instant::now())
                .map(|(rules, _)| rules.clone())
        };
        let rules = match known {
            Some(rules) => rules,
            None => {
                let read = self.read_robots(&url).await;
                self.pause().await;
                let (rules, fresh) = read?;
                self.robots
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(origin, (rules.clone(), Instant::now() + fresh));
                rules
            }
        };
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        (!rules.allows(ROBOTS_PRODUCT, &path)).then(|| "robots.txt disallows this URL".to_owned())
    }

    /// The site's robots.txt and how long to keep it; `None` when the site cannot be reached in
    /// a way the page fetch will report better (refused, or the name does not resolve).
    async fn read_robots(&self, url: &url::Url) -> Option<(Robots, Duration)> {
        let robots_url = url.join("/robots.txt").ok()?;
        match self.outbound.get(&robots_url, &Default::default()).await {
            Ok(fetched) if (200..300).contains(&fetched.status) => Some((
                Robots::parse(&String::from_utf8_lossy(&fetched.body)),
                ROBOTS_FRESH,
            )),
            Ok(fetched) if (400..500).contains(&fetched.status) => Some((Robots::allow_all(), ROBOTS_FRESH)),
            Ok(_) | Err(OutboundError::Timeout | OutboundError::Connect(_) | OutboundError::Http(_)) => {
                Some((Robots::disallow_all(), ROBOTS_RETRY))
            }
            Err(_) => None,
        }
    }

    /// The delay between two requests to one host.
    async fn pause(&self) {
        tokio::time::sleep(Duration::from_millis(self.settings.watch_host_delay_ms)).await;
    }
}

fn due(watch: &Watch) -> Due {
    let host = url::Url::parse(watch.source_url.as_str())
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    Due {
        at: watch.next_run_at,
        id: watch.id,
        host,
    }
}

/// A random number in [-1000, 1000], for the schedule's jitter.
pub fn random_permille() -> i64 {
    let mut bytes = [0u8; 2];
    if getrandom::fill(&mut bytes).is_err() {
        return 0;
    }
    i64::from(u16::from_be_bytes(bytes) % 2001) - 1000
}

/// Runs store work of the background tasks (the watcher, the webhook dispatcher) on the
/// blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, crate::store::StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| crate::store::StoreError::Corrupt(format!("a store task failed: {error}")))?
}
