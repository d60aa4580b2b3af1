//! `provenance export --format warc`: the registry of a stopped data folder as a gzipped
//! WARC/1.1 file (see `crate::archive::export`).

use std::io::Write;

use crate::archive::export::{WarcExport, CHUNK_VERSIONS};
use crate::config::DataDir;

/// Writes every version of the store of `data` to `out` as WARC records, the `warcinfo`
/// record naming `filename`; returns how many versions.
pub fn export_warc(data: &DataDir, filename: Option<&str>, out: &mut impl Write) -> anyhow::Result<u64> {
    let store = super::backup::open_stopped(data)?;
    let mut export = WarcExport::start(&store)?;
    out.write_all(&export.warcinfo(&store, chrono::Utc::now(), filename))?;
    let bar = super::backup::progress(export.versions(), "exporting");
    let mut written = 0;
    while let Some((chunk, count)) = export.next_chunk(&store, CHUNK_VERSIONS)? {
        out.write_all(&chunk)?;
        written += count;
        bar.inc(count);
    }
    bar.finish_and_clear();
    out.flush()?;
    Ok(written)
}
