//! The commands besides `serve`. On a stopped data folder: `fsck` checks it, `export` writes it
//! as JSON Lines, `import` loads such a file into a new folder. Against a registry: `verify`
//! checks a copy through a server, `verify-bundle` checks a proof bundle offline. `keys` manages
//! API keys either way.

mod backup;
mod fsck;
mod keys;
mod verify;

pub use backup::{export, import};
pub use fsck::fsck;
pub use keys::keys;
pub use verify::{check_bundle, verify_bundle, verify_file};
