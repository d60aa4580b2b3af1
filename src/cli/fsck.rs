//! `provenance fsck`: re-hash every version's content, check every index and the journal, and
//! report each inconsistency found.

use std::io::Write;

use crate::config::DataDir;

/// Checks the store of `data`, writing a report to `out`. Returns whether it is sound.
pub fn fsck(data: &DataDir, out: &mut impl Write) -> anyhow::Result<bool> {
    let store = super::backup::open_stopped(data)?;
    let (data_dir, postgres) = data.resolved();
    let place = postgres.map_or_else(
        || data_dir.display().to_string(),
        |url| crate::store::redacted(&url),
    );
    let problems = store.audit()?;
    let versions = store.log_size()?;
    if problems.is_empty() {
        writeln!(out, "{place}: ok, {versions} versions checked")?;
        writeln!(out, "log checkpoint:\n{}", store.checkpoint()?)?;
    } else {
        for problem in &problems {
            writeln!(out, "{problem}")?;
        }
        writeln!(out, "{place}: {} problem(s) found", problems.len())?;
    }
    Ok(problems.is_empty())
}
