//! What web archives speak, as pure code: SURT keys ([`surt`]), Wayback timestamps and
//! Memento dates ([`timestamp`]), Memento paths and links ([`memento`]) and CDX queries
//! ([`cdx`]). The HTTP handlers that use them are in `crate::api`.

pub mod cdx;
pub mod memento;
pub mod surt;
pub mod timestamp;
