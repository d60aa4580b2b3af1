//! What web archives speak, as pure code: SURT keys ([`surt`]) and Wayback timestamps and
//! Memento dates ([`timestamp`]). The HTTP handlers that use them are in `crate::api`.

pub mod memento;
pub mod surt;
pub mod timestamp;
