//! `provenance export` and `import`: the whole registry as JSON Lines, the backup and the
//! migration path.
//!
//! Format `provenance-export/1`: a header line `{"format": "provenance-export/1", "versions": N,
//! "exported_at": "…"}`, then one line per version in commit order: `{"version": <version
//! record as stored>, "content": "<the exact text>"}`. Import replays the lines through the
//! store's own checks (hash of the bytes, version numbering, `changed`), into a fresh folder
//! that only takes the target's name once every line is in and flushed.

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::config::DataDir;
use crate::domain::Version;
use crate::startup::{explain_in_use, open_configured, KeyUse};

pub const EXPORT_FORMAT: &str = "provenance-export/1";

/// How many lines of an export are read (their contents on every core) and written at once.
const IMPORT_CHUNK: usize = 512;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    versions: u64,
    exported_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, Deserialize)]
struct Line {
    version: Version,
    content: String,
}

/// A progress bar on a terminal's stderr, nothing when stderr is piped.
pub(super) fn progress(total: u64, verb: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!("{verb} {{bar:40}} {{pos}}/{{len}} versions ({{eta}})"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Writes every version of the store of `data` to `out`; returns how many.
pub fn export(data: &DataDir, out: &mut impl Write) -> anyhow::Result<u64> {
    let store = open_stopped(data)?;
    let total = store.log_size()?;
    let header = Header {
        format: EXPORT_FORMAT.to_owned(),
        versions: total,
        exported_at: chrono::Utc::now(),
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")?;
    let bar = progress(total, "exporting");
    let mut written = 0;
    for entry in store.journal() {
        let (version, bytes) = entry?;
        let content = String::from_utf8(bytes).context("stored content is not UTF-8")?;
        serde_json::to_writer(&mut *out, &Line { version, content })?;
        out.write_all(b"\n")?;
        written += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    out.flush()?;
    anyhow::ensure!(written == total, "the store changed during the export");
    Ok(written)
}

/// Opens the existing store of `data`: the data folder of a stopped service (sled), or a
/// database with this node's data folder (which may serve meanwhile).
pub(super) fn open_stopped(data: &DataDir) -> anyhow::Result<crate::store::Store> {
    let (data_dir, _) = data.resolved();
    anyhow::ensure!(data_dir.is_dir(), "{} is not a data folder", data_dir.display());
    open_configured(data, KeyUse::MustExist).map_err(|error| explain_in_use(error, super::STOP_FIRST))
}

/// Loads an export from `input` into the store of `data`, which must be new: a data folder that
/// does not exist yet or is empty, or a database holding no version. Returns how many versions
/// were imported. On any error a new data folder is left untouched; a database keeps the
/// versions imported before the error (import again into a new database).
pub fn import(data: &DataDir, input: impl BufRead) -> anyhow::Result<u64> {
    let (data_dir, postgres) = data.resolved();
    if postgres.is_some() {
        let store = open_configured(data, KeyUse::CreateIfMissing)?;
        anyhow::ensure!(
            store.is_empty()?,
            "the database holds versions already: import only into a new one"
        );
        return import_into(&store, input);
    }
    let data_dir = data_dir.as_path();
    if data_dir.exists() && data_dir.read_dir()?.next().is_some() {
        bail!(
            "{} is not empty: import only into a new data folder",
            data_dir.display()
        );
    }
    let staging = staging_folder(data_dir)?;
    let into_staging = DataDir {
        data_dir: staging.clone(),
        store: None,
        ..data.clone()
    };
    let result =
        open_configured(&into_staging, KeyUse::CreateIfMissing).and_then(|store| import_into(&store, input));
    match result {
        Ok(count) => {
            if data_dir.exists() {
                std::fs::remove_dir(data_dir)?;
            }
            std::fs::rename(&staging, data_dir)
                .with_context(|| format!("cannot move the imported store to {}", data_dir.display()))?;
            Ok(count)
        }
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(error)
        }
    }
}

fn staging_folder(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let name = data_dir
        .file_name()
        .context("the data folder needs a name")?
        .to_string_lossy();
    let staging = data_dir.with_file_name(format!(".{name}.importing-{}", std::process::id()));
    anyhow::ensure!(!staging.exists(), "{} is in the way", staging.display());
    Ok(staging)
}

fn import_into(store: &crate::store::Store, input: impl BufRead) -> anyhow::Result<u64> {
    let mut lines = input.lines();
    let header_line = lines.next().context("the export is empty")??;
    let header: Header = serde_json::from_str(&header_line).context("line 1 is not an export header")?;
    anyhow::ensure!(
        header.format == EXPORT_FORMAT,
        "unknown export format {:?}",
        header.format
    );
    let bar = progress(header.versions, "importing");
    let mut count = 0u64;
    let mut chunk: Vec<(Version, Vec<u8>)> = Vec::with_capacity(IMPORT_CHUNK);
    let mut lines = lines.peekable();
    while lines.peek().is_some() {
        chunk.clear();
        for line in lines.by_ref().take(IMPORT_CHUNK) {
            let line_no = count as usize + chunk.len() + 2;
            let entry: Line =
                serde_json::from_str(&line?).with_context(|| format!("line {line_no} is not a version"))?;
            chunk.push((entry.version, entry.content.into_bytes()));
        }
        if let Err((index, refusal)) = store.import_all(&chunk)? {
            bail!("line {}: {refusal}", count as usize + index + 2);
        }
        count += chunk.len() as u64;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    anyhow::ensure!(
        count == header.versions,
        "the header announces {} versions, the file holds {count}",
        header.versions
    );
    store.finish_import()?;
    let problems = store.audit()?;
    anyhow::ensure!(
        problems.is_empty(),
        "the imported store is inconsistent: {problems:?}"
    );
    Ok(count)
}
