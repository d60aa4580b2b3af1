//! A webhook receiver for the tests, on loopback: it records every delivery (headers and exact
//! body) and answers each path with the statuses the test queued (200 once they run out).
#![allow(dead_code)]

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    /// Every header, names lowercase.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// What the receiver answered.
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a delivery's body is JSON")
    }
}

#[derive(Default)]
struct State {
    answers: HashMap<String, VecDeque<u16>>,
    received: Vec<Received>,
}

pub struct Receiver {
    pub address: String,
    state: Arc<Mutex<State>>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = web::Data::from(Arc::clone(&state));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("the receiver listens")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            address: format!("http://127.0.0.1:{port}"),
            state,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Answers the next requests to `path` with `statuses`, in order.
    pub fn answer(&self, path: &str, statuses: &[u16]) {
        self.state
            .lock()
            .unwrap()
            .answers
            .entry(path.to_owned())
            .or_default()
            .extend(statuses);
    }

    /// The deliveries to `path` so far, in arrival order.
    pub fn received(&self, path: &str) -> Vec<Received> {
        let state = self.state.lock().unwrap();
        state
            .received
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Waits (at most `within`) until `path` got deliveries for which `done` holds; returns them.
    pub async fn wait(
        &self,
        path: &str,
        within: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let started = std::time::Instant::now();
        loop {
            let received = self.received(path);
            if done(&received) {
                return received;
            }
            assert!(
                started.elapsed() < within,
                "{path} did not get the deliveries awaited within {within:?}; it got {received:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<Mutex<State>>) -> HttpResponse {
    let mut state = state.lock().unwrap();
    let path = req.path().to_owned();
    let answered = state
        .answers
        .get_mut(&path)
        .and_then(VecDeque::pop_front)
        .unwrap_or(200);
    let headers = req
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    state.received.push(Received {
        path,
        headers,
        body: body.to_vec(),
        answered,
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(answered).unwrap()).finish()
}
