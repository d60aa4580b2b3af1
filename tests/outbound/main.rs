//! Everything that reaches out: the guarded outbound client, watched sources, feeds and
//! webhooks, against origin servers and receivers on loopback.

mod client;
#[path = "../common/mod.rs"]
mod common;
#[path = "../common/feedparser.rs"]
mod feedparser;
mod feeds;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod origin;
mod receiver;
#[path = "../common/standardwebhooks.rs"]
mod standardwebhooks;
mod watches;
mod webhooks;
