//! Answers that take several reads of the store and some reading of text: is this copy
//! authentic and current ([`verify`]), where did this passage first appear ([`passages`]), what
//! changed between two versions ([`diff`]), and how a statement changed over time
//! ([`history`]), and such a change in words ([`summary`]). Blocking: call these off the async workers.

pub mod diff;
pub mod history;
pub mod passages;
pub mod summary;
pub mod verify;
