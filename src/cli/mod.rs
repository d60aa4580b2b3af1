//! The commands besides `serve`. On a stopped data folder: `fsck` checks it, `export` writes it
//! as JSON Lines (or WARC), `import` loads such a JSON Lines file into a new folder. Against a
//! registry: `verify` checks a copy through a server, `import-warc` ingests the captures of WARC
//! files through a server, `verify-bundle` checks a proof bundle offline. `keys` manages API
//! keys either way.

mod backup;
mod fsck;
mod import_warc;
mod keys;
mod verify;
mod verify_copy;
mod warc;

/// What to do when a running service holds the folder an offline command needs.
const STOP_FIRST: &str = "stop the service first (on SIGTERM it finishes the requests in flight and \
     flushes the store), then run the command again";

pub use backup::{export, import};
pub use fsck::fsck;
pub use import_warc::{import_warc, ImportReport};
pub use keys::keys;
pub use verify::{check_bundle, verify_bundle};
pub use verify_copy::{verify_file, CopyReport, Outcome};
pub use warc::export_warc;
