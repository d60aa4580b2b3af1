//! `provenance fsck`: re-hash every version's content, check every index and the journal, and
//! report each inconsistency found.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

use crate::store::Store;

/// Checks the store in `data_dir`, writing a report to `out`. Returns whether it is sound.
pub fn fsck(data_dir: &Path, out: &mut impl Write) -> anyhow::Result<bool> {
    anyhow::ensure!(data_dir.is_dir(), "{} is not a data folder", data_dir.display());
    let store =
        Store::open(data_dir).with_context(|| format!("cannot open the store in {}", data_dir.display()))?;
    let problems = store.audit().context("the store could not be read to the end")?;
    let versions = store.journal().count();
    if problems.is_empty() {
        writeln!(out, "{}: ok, {versions} versions checked", data_dir.display())?;
    } else {
        for problem in &problems {
            writeln!(out, "{problem}")?;
        }
        writeln!(out, "{}: {} problem(s) found", data_dir.display(), problems.len())?;
    }
    Ok(problems.is_empty())
}
