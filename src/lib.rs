//! Provenance: a verifiable registry of public statements.
//!
//! - [`domain`]: pure types every input is parsed into once (URLs, hashes, dates, contacts,
//!   versions) and the rule that decides when a submission is a new version.
//! - [`store`]: the only code that touches sled: key layout, encoding, invariants, the one
//!   write path.
//! - [`log`]: the transparency log: RFC 6962 Merkle tree maths and C2SP signed checkpoints.
//! - [`extract`]: pure text extraction from a statement's content: title, date, dateline,
//!   media contacts, speakers and quotes, organizations, URLs, kind and page boilerplate.
//! - [`text`]: pure text comparison: the `norm-v1` normalization, word shingles and passage
//!   alignment, word diffs.
//! - [`find`]: answers composed of store reads and text comparison: verifying a copy, tracing
//!   a passage, diffing two versions, a statement's history.
//! - [`feed`]: pure Atom 1.0 feeds: the entries of versions and withdrawals, the document,
//!   written with every statement's text escaped.
//! - [`archive`]: pure code of the web archives' protocols: SURT keys, Wayback timestamps.
//! - [`outbound`]: the guarded HTTP client every request to another server goes through
//!   (watched sources, webhooks): public addresses only, checked on every hop.
//! - [`owner_only`]: the data folder and secret files, readable by their owner only.
//! - [`api`]: the HTTP interface (actix-web), its OpenAPI document and its one error type.
//! - [`web`]: pages for people (server-rendered HTML, a little plain JavaScript) over the same
//!   store and `find` functions as the API.
//! - [`watch`]: the watcher: fetches watched sources on their schedule, politely (one request
//!   at a time per host, robots.txt), ingests what changed and records every observation.
//! - [`webhook`]: the dispatcher: fans each event of the outbox out to the endpoints that want
//!   it and delivers it, signed as Standard Webhooks say, retrying with backoff.
//! - [`config`]: the command line and settings; [`startup`]: assembling the service;
//!   [`cli`]: the commands besides `serve`: on a stopped data folder (fsck, export, import),
//!   against a running service (verify, keys with `--server`) and offline (verify-bundle).

pub mod api;
pub mod archive;
pub mod cli;
pub mod config;
pub mod domain;
pub mod extract;
pub mod feed;
pub mod find;
pub mod log;
pub mod outbound;
pub mod owner_only;
pub mod startup;
pub mod store;
pub mod text;
pub mod watch;
pub mod web;
pub mod webhook;
