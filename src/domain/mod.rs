//! Pure domain types of the registry: every value a request carries is parsed into one of these
//! once, at the edge, and nothing downstream handles the raw strings again.
//!
//! No I/O happens here. Each type has a private representation, is built only through its
//! `parse` (or a constructor that cannot fail), and is unit-tested in its own file.

mod contact;
mod content;
mod digest;
mod field_error;
mod filter;
mod key;
mod leaf;
mod published_at;
mod reading;
mod record;
mod sha1;
mod sha256;
mod short_id;
mod source_url;
mod statement_id;
mod text;
mod version_no;
mod watch;
mod webhook;

pub use contact::{Contact, Email, Phone, MAX_CONTACT_TEXT_CHARS};
pub use content::{Content, ContentType};
pub use digest::Digest;
pub use field_error::{FieldError, FieldErrors};
pub use filter::{contact_term, latest_terms, LatestTerm, StatementFilter, VersionFilter};
pub use key::{KeyName, Role, Token};
pub use leaf::{contacts_commitment, leaf_bytes, Salt, LEAF_FORMAT};
pub use published_at::PublishedAt;
pub use reading::{fill_unsent, read_content, ComparableText, Draft, Reading};
pub use record::{
    parse_captured_at, Field, FieldSources, Metadata, Placement, Source, Statement, Submission, Succession,
    Version, MAX_CONTACTS, MAX_PUBLISHER_CHARS, MAX_TITLE_CHARS,
};
pub use sha1::Sha1;
pub use sha256::Sha256;
pub use source_url::SourceUrl;
pub use statement_id::StatementId;
pub use text::Text;
pub use version_no::VersionNo;
pub use watch::{
    Interval, Observation, Outcome, Watch, WatchId, Withdrawal, WithdrawalChange, MAX_INTERVAL_SECS,
};
pub use webhook::{
    retry_delay, signature, Attempt, AttemptOutcome, Delivery, Disabled, Endpoint, EndpointFilters, Event,
    EventId, EventKind, Secret, WebhookId,
};
