//! Building the service: open the store, bind the listener, assemble the app. Tests use the
//! same path with port 0.

use actix_web::{dev::Server, middleware, web, App, HttpServer};
use anyhow::Context;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use crate::api::{self, BodyLimit};
use crate::config::{LogSettings, Settings};
use crate::log::keyfile;
use crate::store::Store;

pub struct Application {
    port: u16,
    server: Server,
    store: Arc<Store>,
}

impl Application {
    /// Opens the store in `settings.data_dir` and binds `settings.bind`; the service starts
    /// answering once [`Application::run_until_stopped`] is awaited.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = open_store(&settings.data_dir, &settings.log, KeyUse::CreateIfMissing)?;
        let store = web::Data::new(store);
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let limit = web::Data::new(BodyLimit(settings.max_body_bytes));
        let app_store = store.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms").log_target("provenance::http"))
                .app_data(app_store.clone())
                .app_data(limit.clone())
                .configure(api::configure)
        })
        .shutdown_timeout(30);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
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
    let key_path = log.key_path(data_dir);
    if key_use == KeyUse::CreateIfMissing {
        std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    }
    let signer = match key_use {
        KeyUse::CreateIfMissing => keyfile::load_or_create(&key_path, &log.log_origin)?,
        KeyUse::MustExist => keyfile::load(&key_path, &log.log_origin)?,
    };
    Store::open(data_dir, signer).with_context(|| format!("cannot open the store in {}", data_dir.display()))
}
