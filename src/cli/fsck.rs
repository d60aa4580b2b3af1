//! `provenance fsck`: re-hash every version's content, check every index and the journal, and
//! report each inconsistency found.

use std::io::Write;
use std::path::Path;

use crate::config::LogSettings;
use crate::startup::{explain_in_use, open_store, KeyUse};

/// Checks the store in `data_dir`, writing a report to `out`. Returns whether it is sound.
pub fn fsck(data_dir: &Path, log: &LogSettings, out: &mut impl Write) -> anyhow::Result<bool> {
    anyhow::ensure!(data_dir.is_dir(), "{} is not a data folder", data_dir.display());
    let store = open_store(data_dir, log, KeyUse::MustExist)
        .map_err(|error| explain_in_use(error, super::STOP_FIRST))?;
    let problems = store.audit()?;
    let versions = store.log_size()?;
    if problems.is_empty() {
        writeln!(out, "{}: ok, {versions} versions checked", data_dir.display())?;
        writeln!(out, "log checkpoint:\n{}", store.checkpoint()?)?;
    } else {
        for problem in &problems {
            writeln!(out, "{problem}")?;
        }
        writeln!(out, "{}: {} problem(s) found", data_dir.display(), problems.len())?;
    }
    Ok(problems.is_empty())
}
