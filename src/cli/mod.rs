//! The offline commands, run on a stopped data folder: `fsck` checks it, `export` writes it as
//! JSON Lines, `import` loads such a file into a new folder.

mod backup;
mod fsck;

pub use backup::{export, import};
pub use fsck::fsck;
