//! API tests: each starts the real service on 127.0.0.1:0 with a fresh sled folder and talks
//! HTTP to it. One binary for all of them, one file per concern.

mod access;
mod batch;
mod bodies;
mod bounds;
mod cdx;
#[path = "../common/mod.rs"]
mod common;
mod concurrency;
mod corpus;
mod diff;
mod digests;
mod docs;
mod errors;
mod extraction;
#[path = "../common/feedparser.rs"]
mod feedparser;
mod feeds;
mod headers;
mod helpers;
mod ingest;
mod keys;
mod listing;
mod log;
mod memento;
mod pages;
mod passages;
mod paths;
mod read;
mod refusals;
mod reserve;
mod restart;
mod tiles;
mod verifiers;
mod verify;
mod walkthrough;
