//! Pure text comparison for statements: the published normalization `norm-v1`, the words and
//! word shingles that find where a passage first appeared, and word diffs between versions.
//!
//! - [`normalize`]: `norm-v1`, a named and versioned normalization that scripts outside this
//!   project can reimplement from its documentation.
//! - [`words`]: the words of a text with their comparison keys and byte spans, and the gaps
//!   (`...`, `…`, `[...]`) that cut a passage into runs.
//! - [`passage`]: word shingles (stable hashes, stored on disk), locating a passage in a
//!   document exactly or nearly, and the rules that decide a match and choose candidates.
//! - [`winnow`]: which shingles of a text the passage index holds.
//! - [`diff`]: what changed between two versions, as word operations, a unified diff or HTML,
//!   and whether a change is only cosmetic.
//!
//! Nothing here does I/O or panics. Every function that takes `ignore` ranges (page boilerplate
//! found by the extractor) accepts any ranges: unsorted, overlapping, reversed, out of bounds or
//! not on char boundaries; a character is ignored when any of its bytes lies in a range.

pub mod diff;
mod ignore;
pub mod normalize;
pub mod passage;
pub mod winnow;
pub mod words;
