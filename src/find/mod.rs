//! Answers that take several reads of the store and some reading of text: is this copy
//! authentic and current ([`verify`]), where did this passage first appear ([`passages`]), and
//! what changed between two versions ([`diff`]). Blocking: call these off the async workers.

pub mod diff;
pub mod passages;
pub mod verify;
