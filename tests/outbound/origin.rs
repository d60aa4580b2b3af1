//! An origin server for the tests, on loopback: pages the test sets and changes, with ETags,
//! redirects, error statuses and slow answers; it records every request it gets and the most
//! requests it ever served at once.
//!
//! Shared by the test modules, each of which uses only part of it.
#![allow(dead_code)]

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the origin answers at a path.
#[derive(Debug, Clone)]
pub enum Page {
    /// 200 with this HTML; with an ETag, `If-None-Match` with it gets 304.
    Html { body: String, etag: Option<String> },
    /// This status and a short body.
    Status(u16),
    /// 302 to this location.
    Redirect(String),
    /// 200 with this HTML, after a delay.
    Slow { body: String, delay: Duration },
}

/// One request the origin got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub started: Instant,
    pub finished: Instant,
    pub if_none_match: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Default)]
struct State {
    pages: HashMap<String, Page>,
    hits: Vec<Hit>,
    in_flight: usize,
    most_in_flight: usize,
}

pub struct Origin {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub port: u16,
    state: Arc<Mutex<State>>,
    handle: actix_web::dev::ServerHandle,
}

impl Origin {
    pub async fn start() -> Origin {
        Self::start_on("127.0.0.1").await
    }

    /// An origin listening on `ip` (a loopback address).
    pub async fn start_on(ip: &str) -> Origin {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = web::Data::from(Arc::clone(&state));
        let listener = std::net::TcpListener::bind((ip, 0)).expect("a loopback port");
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .default_service(web::to(serve))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("the origin listens")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Origin {
            address: format!("http://{ip}:{port}"),
            port,
            state,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn set(&self, path: &str, page: Page) {
        self.state.lock().unwrap().pages.insert(path.to_owned(), page);
    }

    pub fn html(&self, path: &str, body: &str) {
        self.set(
            path,
            Page::Html {
                body: body.to_owned(),
                etag: None,
            },
        );
    }

    /// The requests for `path` so far.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|hit| hit.path == path)
            .cloned()
            .collect()
    }

    /// Every request so far, in the order they finished.
    pub fn all_hits(&self) -> Vec<Hit> {
        self.state.lock().unwrap().hits.clone()
    }

    /// The most requests it served at once.
    pub fn most_in_flight(&self) -> usize {
        self.state.lock().unwrap().most_in_flight
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn serve(req: HttpRequest, state: web::Data<Mutex<State>>) -> HttpResponse {
    let started = Instant::now();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let page = {
        let mut state = state.lock().unwrap();
        state.in_flight += 1;
        state.most_in_flight = state.most_in_flight.max(state.in_flight);
        state.pages.get(req.path()).cloned()
    };
    let if_none_match = header("if-none-match");
    let response = match page {
        None => HttpResponse::NotFound().body("no such page"),
        Some(Page::Html { body, etag }) => match etag {
            Some(etag) if if_none_match.as_deref() == Some(etag.as_str()) => {
                HttpResponse::NotModified().insert_header(("etag", etag)).finish()
            }
            Some(etag) => HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header(("etag", etag))
                .body(body),
            None => HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(body),
        },
        Some(Page::Status(status)) => {
            HttpResponse::build(StatusCode::from_u16(status).unwrap()).body(format!("status {status}"))
        }
        Some(Page::Redirect(location)) => HttpResponse::Found()
            .insert_header(("location", location))
            .finish(),
        Some(Page::Slow { body, delay }) => {
            tokio::time::sleep(delay).await;
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(body)
        }
    };
    let mut state = state.lock().unwrap();
    state.in_flight -= 1;
    state.hits.push(Hit {
        path: req.path().to_owned(),
        started,
        finished: Instant::now(),
        if_none_match,
        user_agent: header("user-agent"),
    });
    response
}
