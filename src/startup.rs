//! Building the service: open the store, bind the listener, assemble the app. Tests use the
//! same path with port 0.

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::{dev::Server, middleware, web, App, HttpServer};
use anyhow::Context;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::api::access::{check_access, AccessPolicy};
use crate::api::headers::security_headers;
use crate::api::{self, BodyLimit, HeavyReads};
use crate::config::{DataDir, LogSettings, Settings, ADMIN_KEY_FILE};
use crate::domain::{KeyName, Role};
use crate::extract::{extract, ContentKind};
use crate::log::keyfile;
use crate::store::{Store, StoreError, StoreOptions};

pub struct Application {
    port: u16,
    server: Server,
    store: Arc<Store>,
    /// Fetches the watched sources while the server runs.
    watcher: Arc<crate::watch::Watcher>,
    /// Delivers webhook events while the server runs.
    dispatcher: Arc<crate::webhook::Dispatcher>,
}

impl Application {
    /// Opens the store of `settings.data_dir` and `settings.store` and binds `settings.bind`;
    /// the service starts answering once [`Application::run_until_stopped`] is awaited.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let (data_dir, postgres) = settings.resolved();
        let options = StoreOptions {
            postgres,
            passage_segment_versions: settings.passage_segment_versions,
            cache_bytes: settings.cache_bytes,
        };
        let store =
            open_store_with(&data_dir, &settings.log, KeyUse::CreateIfMissing, options).map_err(|error| {
                explain_in_use(
                    error,
                    "stop that service first, or give this one a data folder of its own (--data-dir)",
                )
            })?;
        store.keep_free(settings.min_free_bytes);
        if !settings.no_admin_key_file {
            bootstrap_admin_key(&store, &data_dir)?;
        }
        let store = web::Data::new(store);
        warm_up_extractor();
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let limit = web::Data::new(BodyLimit {
            bytes: settings.max_body_bytes,
            timeout: Duration::from_secs(settings.body_timeout_secs),
        });
        let policy = web::Data::new(AccessPolicy::new(
            settings.reads_need_key,
            settings.rate_limit_key,
            settings.rate_limit_ip,
        ));
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let heavy = web::Data::new(HeavyReads::new(cores, api::HEAVY_READ_WAIT));
        let batches = web::Data::new(api::Batches::new(cores));
        let served = web::Data::new(api::Served::default());
        let pages = web::Data::new(crate::web::Pages::default());
        let outbound = crate::outbound::Outbound::new(&settings.fetch.outbound())
            .map_err(|error| anyhow::anyhow!("cannot build the outbound HTTP client: {error}"))?;
        let watcher = Arc::new(crate::watch::Watcher::new(
            store.clone().into_inner(),
            outbound,
            settings.watch.clone(),
        ));
        let app_watcher = web::Data::from(Arc::clone(&watcher));
        let deliveries = crate::outbound::Outbound::new(&settings.webhook.outbound(&settings.fetch))
            .map_err(|error| anyhow::anyhow!("cannot build the webhook HTTP client: {error}"))?;
        let public_url = match &settings.public_url {
            Some(url) => url.clone(),
            None => format!("http://{}", listener.local_addr()?),
        };
        let dispatcher = Arc::new(crate::webhook::Dispatcher::new(
            store.clone().into_inner(),
            deliveries,
            settings.webhook.clone(),
            public_url,
        ));
        let app_dispatcher = web::Data::from(Arc::clone(&dispatcher));
        let app_store = store.clone();
        let origins = settings.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            let cors = origins
                .iter()
                .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin));
            let cors = cors
                .allowed_methods(["GET", "POST", "DELETE"])
                .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::IF_NONE_MATCH])
                .expose_headers([header::LOCATION, header::ETAG, header::RETRY_AFTER])
                .max_age(3600);
            App::new()
                .wrap(middleware::from_fn(check_access))
                .wrap(cors)
                .wrap(middleware::from_fn(security_headers))
                .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms").log_target("provenance::http"))
                .app_data(app_store.clone())
                .app_data(limit.clone())
                .app_data(policy.clone())
                .app_data(heavy.clone())
                .app_data(batches.clone())
                .app_data(served.clone())
                .app_data(pages.clone())
                .app_data(app_watcher.clone())
                .app_data(app_dispatcher.clone())
                .configure(crate::web::configure)
                .configure(api::configure)
        })
        .client_request_timeout(Duration::from_secs(settings.head_timeout_secs))
        .keep_alive(Duration::from_secs(settings.keep_alive_secs))
        .shutdown_timeout(30);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.disable_signals().listen(listener)?.run();
        Ok(Self {
            port,
            server,
            store: store.into_inner(),
            watcher,
            dispatcher,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The store the service writes to, for checks of its invariants ([`Store::audit`]).
    pub fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }

    /// Stops the server gracefully on SIGTERM or SIGINT: it stops accepting, finishes what is in
    /// flight (up to 30 s), and `run_until_stopped` then flushes the store. The handlers are in
    /// place when this returns, so call it before announcing that the service is ready.
    pub fn stop_on_signals(&self) -> std::io::Result<()> {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            futures_util::future::select(Box::pin(terminate.recv()), Box::pin(interrupt.recv())).await;
            tracing::info!("stopping: finishing requests in flight, then flushing the store");
            handle.stop(true).await;
        });
        Ok(())
    }

    /// A handle that stops the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves (and fetches watched sources, and delivers webhooks) until stopped (SIGINT,
    /// SIGTERM or the handle), then flushes the store and closes it: when this returns, the
    /// data folder is free for the next process (or the next `Application` of this one).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let dispatching = tokio::spawn(Arc::clone(&self.dispatcher).run());
        let watching = Box::pin(Arc::clone(&self.watcher).run());
        match futures_util::future::select(self.server, watching).await {
            futures_util::future::Either::Left((served, _)) => served?,
            futures_util::future::Either::Right(((), server)) => server.await?,
        }
        // The fetch in hand is finished and recorded; no new one starts.
        let watcher = self.watcher;
        if actix_web::rt::time::timeout(Duration::from_secs(60), watcher.stop())
            .await
            .is_err()
        {
            tracing::warn!("a watched source's fetch did not finish within 60 s of stopping");
        }
        drop(watcher);
        // The deliveries in flight are finished and recorded; no new one starts.
        self.dispatcher.stop();
        if actix_web::rt::time::timeout(Duration::from_secs(30), dispatching)
            .await
            .is_err()
        {
            tracing::warn!("a webhook delivery did not finish within 30 s of stopping");
        }
        drop(self.dispatcher);
        let store = self.store;
        let flushing = Arc::clone(&store);
        web::block(move || flushing.flush())
            .await
            .context("flushing the store on shutdown")??;
        close(store).await;
        Ok(())
    }
}

/// Whether opening a store may create its signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Serving and importing: a new data folder gets a new key.
    CreateIfMissing,
    /// Checking and exporting: the key must already be there.
    MustExist,
}

/// Opens the sled store in `data_dir` with the log key `log` names, checking the log's
/// integrity.
pub fn open_store(data_dir: &Path, log: &LogSettings, key_use: KeyUse) -> anyhow::Result<Store> {
    open_store_with(data_dir, log, key_use, StoreOptions::default())
}

/// Opens the store of `data` (its folder, and its database when it has one) with the log key
/// its log settings name, checking the log's integrity.
pub fn open_configured(data: &DataDir, key_use: KeyUse) -> anyhow::Result<Store> {
    let (data_dir, postgres) = data.resolved();
    let options = StoreOptions {
        postgres,
        ..StoreOptions::default()
    };
    open_store_with(&data_dir, &data.log, key_use, options)
}

/// [`open_store`] with `options`. The data folder is created owner-only (0700) and sled's files
/// in it are made owner-only; the signing key must be its owner's only unless `log` allows
/// otherwise.
pub fn open_store_with(
    data_dir: &Path,
    log: &LogSettings,
    key_use: KeyUse,
    options: StoreOptions,
) -> anyhow::Result<Store> {
    let key_path = log.key_path(data_dir);
    if key_use == KeyUse::CreateIfMissing {
        crate::owner_only::create_dir(data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
    }
    let signer = match key_use {
        KeyUse::CreateIfMissing => keyfile::load_or_create(&key_path, &log.log_origin, log.exposure())?,
        KeyUse::MustExist => keyfile::load(&key_path, &log.log_origin, log.exposure())?,
    };
    let place = match &options.postgres {
        Some(url) => format!("the database {}", crate::store::redacted(url)),
        None => data_dir.display().to_string(),
    };
    Store::open_with(data_dir, signer, options).with_context(|| format!("cannot open the store in {place}"))
}

/// `error`, or, when it comes from another process holding the data folder, that said in words
/// with `what_to_do` instead of sled's lock error.
pub fn explain_in_use(error: anyhow::Error, what_to_do: &str) -> anyhow::Error {
    match error.chain().find_map(|cause| cause.downcast_ref::<StoreError>()) {
        Some(in_use @ StoreError::InUse(_)) => anyhow::anyhow!("{in_use}: {what_to_do}"),
        _ => error,
    }
}

/// How long a stopped service waits for the last holders of its store (an HTTP worker thread
/// still dropping its app, a blocking read whose client left) before it returns anyway.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

/// Drops the last hold on `store`, which closes sled and releases the data folder's lock.
/// The server future resolves before every worker thread has dropped its copy of the app
/// data, so other holders may still be letting go: wait for them (at most [`CLOSE_WAIT`]),
/// then drop it on the blocking pool (closing writes to disk).
async fn close(store: Arc<Store>) {
    let started = std::time::Instant::now();
    while Arc::strong_count(&store) > 1 {
        if started.elapsed() >= CLOSE_WAIT {
            tracing::warn!(
                holders = Arc::strong_count(&store) - 1,
                "the store is still held {} s after stopping; the data folder stays locked until they end",
                CLOSE_WAIT.as_secs()
            );
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    // Only errors of the blocking pool itself (shut down) can come back; nothing to do then.
    let _ = web::block(move || drop(store)).await;
}

/// Creates the first admin key when the registry has no live one, and writes its token once to
/// `admin-key` in the data folder (mode 0600), so that keys can be managed through the running
/// service from its first start. A file already there is never overwritten (then no key is made).
fn bootstrap_admin_key(store: &Store, data_dir: &Path) -> anyhow::Result<()> {
    let keys = store.api_keys()?;
    if keys.iter().any(|key| key.is_live_admin()) {
        return Ok(());
    }
    let path = data_dir.join(ADMIN_KEY_FILE);
    let mut file = match crate::owner_only::create_new_file(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            tracing::warn!(file = %path.display(), "the registry has no live admin key, but the admin key file exists: \
                 no key was created. Remove the file and restart to get a new one");
            return Ok(());
        }
        Err(error) => return Err(error).with_context(|| format!("cannot create {}", path.display())),
    };
    let taken = |name: &str| keys.iter().any(|key| key.name.as_ref() == name);
    let name = std::iter::once("admin".to_owned())
        .chain((2..).map(|n| format!("admin-{n}")))
        .find(|name| !taken(name))
        .unwrap_or_default();
    let created = KeyName::parse("name", &name)
        .map_err(anyhow::Error::msg)
        .and_then(|name| {
            store
                .create_key(name, Role::Admin, chrono::Utc::now())?
                .map_err(anyhow::Error::msg)
        });
    let (_, token) = match created {
        Ok(created) => created,
        Err(error) => {
            let _ = std::fs::remove_file(&path);
            return Err(error.context("cannot create the first admin key"));
        }
    };
    use std::io::Write;
    file.write_all(format!("{token}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the first admin key's token to {}", path.display()))?;
    tracing::warn!(
        file = %path.display(),
        "created the first admin key, `{name}`; its token is in the file, readable by this user only: \
         move it somewhere safe and delete the file"
    );
    Ok(())
}

/// Loads the extractor's tables (phone-number metadata takes about 0.1 s) on a thread of its
/// own at start, so that the first ingest does not pay for it.
fn warm_up_extractor() {
    std::thread::spawn(|| {
        extract(
            "MIAMI — Media Contact: (786) 363-2737, media@example.org",
            ContentKind::Plain,
        )
    });
}
