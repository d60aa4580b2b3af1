//! What web archives speak, as pure code: SURT keys ([`surt`]), Wayback timestamps and
//! Memento dates ([`timestamp`]), Memento paths and links ([`memento`]), CDX queries
//! ([`cdx`]), WARC records written ([`warc`]) and read ([`warc_read`]); and the registry's
//! WARC export ([`export`]), which reads through the store chunk by chunk. The HTTP handlers
//! that use them are in `crate::api`.

pub mod cdx;
pub mod export;
pub mod memento;
pub mod surt;
pub mod timestamp;
pub mod warc;
pub mod warc_read;
