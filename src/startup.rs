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
use crate::api::{self, BodyLimit};
use crate::config::{LogSettings, Settings};
use crate::extract::{extract, ContentKind};
use crate::log::keyfile;
use crate::store::{Store, StoreOptions};

pub struct Application {
    port: u16,
    server: Server,
    store: Arc<Store>,
}

impl Application {
    /// Opens the store in `settings.data_dir` and binds `settings.bind`; the service starts
    /// answering once [`Application::run_until_stopped`] is awaited.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let options = StoreOptions {
            passage_segment_versions: settings.passage_segment_versions,
        };
        let store = open_store_with(
            &settings.data_dir,
            &settings.log,
            KeyUse::CreateIfMissing,
            options,
        )?;
        store.keep_free(settings.min_free_bytes);
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
        let pages = web::Data::new(crate::web::Pages::new(settings.reads_need_key));
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
                .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms").log_target("provenance::http"))
                .app_data(app_store.clone())
                .app_data(limit.clone())
                .app_data(policy.clone())
                .app_data(pages.clone())
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

    /// Serves until stopped (SIGINT, SIGTERM or the handle), then flushes the store.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.server.await?;
        let store = self.store;
        web::block(move || store.flush())
            .await
            .context("flushing the store on shutdown")??;
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

/// Opens the store in `data_dir` with the log key `log` names, checking the log's integrity.
pub fn open_store(data_dir: &Path, log: &LogSettings, key_use: KeyUse) -> anyhow::Result<Store> {
    open_store_with(data_dir, log, key_use, StoreOptions::default())
}

/// [`open_store`] with `options`.
pub fn open_store_with(
    data_dir: &Path,
    log: &LogSettings,
    key_use: KeyUse,
    options: StoreOptions,
) -> anyhow::Result<Store> {
    let key_path = log.key_path(data_dir);
    if key_use == KeyUse::CreateIfMissing {
        std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    }
    let signer = match key_use {
        KeyUse::CreateIfMissing => keyfile::load_or_create(&key_path, &log.log_origin)?,
        KeyUse::MustExist => keyfile::load(&key_path, &log.log_origin)?,
    };
    Store::open_with(data_dir, signer, options)
        .with_context(|| format!("cannot open the store in {}", data_dir.display()))
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
