//! The transparency log inside the store: perfect-subtree hashes and leaves in the registry
//! tree (written in the same batch as their version), the latest signed checkpoint, and the
//! checkpoint *witness*, a file beside sled's own that holds the newest checkpoint known to
//! be durable. The witness lets the store notice at start that sled lost or changed history
//! (sled truncates its log at a corrupt record and carries on), which no check inside sled
//! can see.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread::JoinHandle;

use super::rows::Reader;
use super::{keys, StoreError};
use crate::log::merkle::{self, Hash, NodeSource, PerfectNode, TreeError};
use crate::log::note::{Checkpoint, NoteVerifier};

/// File name of the witness in the data folder.
pub const WITNESS_FILE: &str = "checkpoint";

impl<E: Into<StoreError>> From<TreeError<E>> for StoreError {
    fn from(error: TreeError<E>) -> Self {
        match error {
            TreeError::Source(error) => error.into(),
            TreeError::OutOfRange(message) => StoreError::Corrupt(format!("log tree: {message}")),
        }
    }
}

/// Perfect nodes as stored under `T`.
pub struct TreeNodes<'a>(pub &'a dyn Reader);

impl NodeSource for TreeNodes<'_> {
    type Error = StoreError;

    fn node(&self, level: u8, index: u64) -> Result<Hash, StoreError> {
        let bytes = self
            .0
            .get(&keys::node(level, index))?
            .ok_or_else(|| StoreError::Corrupt(format!("log node ({level}, {index}) is missing")))?;
        <Hash>::try_from(bytes.as_ref())
            .map_err(|_| StoreError::Corrupt(format!("log node ({level}, {index}) is not 32 bytes")))
    }
}

/// Stored nodes plus the ones a pending batch is about to add.
pub struct WithPending<'a> {
    pub stored: TreeNodes<'a>,
    pub pending: &'a [PerfectNode],
}

impl NodeSource for WithPending<'_> {
    type Error = StoreError;

    fn node(&self, level: u8, index: u64) -> Result<Hash, StoreError> {
        match self.pending.iter().find(|(l, i, _)| *l == level && *i == index) {
            Some((_, _, hash)) => Ok(*hash),
            None => self.stored.node(level, index),
        }
    }
}

/// Reads and checks a signed checkpoint. One that another key signed is refused with the
/// origin and key it was made with, and what to do.
pub fn open_checkpoint(verifier: &NoteVerifier, signed: &str, what: &str) -> Result<Checkpoint, StoreError> {
    let text = verifier.verify(signed).map_err(|error| {
        let origin = signed.lines().next().unwrap_or_default();
        let signers: Vec<String> = crate::log::note::signers(signed)
            .into_iter()
            .map(|(name, key_id)| format!("{name:?} (key id {key_id})"))
            .collect();
        StoreError::Integrity(format!(
            "{what} does not verify with the log's key {} (key id {}): {error}. It is a checkpoint of \
             the log {origin:?}, signed by {}: this data folder's log was created with that origin and \
             key. Start it with --log-origin {origin:?} and the --signing-key it was created with, or \
             start a new log in a new data folder",
            verifier.name(),
            hex::encode(verifier.key_id()),
            if signers.is_empty() {
                "no key it names".to_owned()
            } else {
                signers.join(", ")
            }
        ))
    })?;
    Checkpoint::parse(text).map_err(|error| StoreError::Integrity(format!("{what} is malformed: {error}")))
}

/// Checks that the tree of `size` leaves in `tree` has the root `checkpoint` names.
pub fn check_against(
    tree: &dyn Reader,
    size: u64,
    checkpoint: &Checkpoint,
    what: &str,
) -> Result<(), StoreError> {
    if checkpoint.size > size {
        return Err(StoreError::Integrity(format!(
            "{what} covers {} log entries but the store holds only {size}: the store has lost \
             acknowledged data; restore it from a backup (provenance import)",
            checkpoint.size
        )));
    }
    let root = merkle::root(&TreeNodes(tree), checkpoint.size)?;
    if root != checkpoint.root {
        return Err(StoreError::Integrity(format!(
            "the store's first {} log entries do not hash to the root {what} signed: its history was altered",
            checkpoint.size
        )));
    }
    Ok(())
}

/// Keeps the witness file up to date from a background thread, so that writing it never
/// delays an acknowledgement. It is only ever given checkpoints whose batch is flushed, and
/// only moves forward.
pub struct Witness {
    path: PathBuf,
    sender: Mutex<Option<mpsc::Sender<(u64, String)>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// The newest checkpoint [`Witness::publish`] was given, with its size: the newest one
    /// known to be durable, which the log's tiles are served up to ([`Witness::durable`]).
    durable: Mutex<Option<(u64, String)>>,
}

impl Witness {
    pub fn start(data_dir: &Path, written_size: u64) -> Self {
        let path = data_dir.join(WITNESS_FILE);
        let (sender, receiver) = mpsc::channel::<(u64, String)>();
        let target = path.clone();
        let writer = std::thread::Builder::new()
            .name("checkpoint-witness".to_owned())
            .spawn(move || {
                let mut written = written_size;
                while let Ok(mut latest) = receiver.recv() {
                    while let Ok(newer) = receiver.try_recv() {
                        if newer.0 > latest.0 {
                            latest = newer;
                        }
                    }
                    if latest.0 > written {
                        match write_atomically(&target, &latest.1) {
                            Ok(()) => written = latest.0,
                            Err(error) => tracing::error!(%error, "cannot update the checkpoint witness"),
                        }
                    }
                }
            })
            .ok();
        Self {
            path,
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(writer),
            durable: Mutex::new(None),
        }
    }

    /// The witness as last written, if any.
    pub fn read(data_dir: &Path) -> Result<Option<String>, StoreError> {
        match std::fs::read_to_string(data_dir.join(WITNESS_FILE)) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// The witness file of this store as it is now, if any.
    pub fn current(&self) -> Result<Option<String>, StoreError> {
        match self.path.parent() {
            Some(folder) => Self::read(folder),
            None => Ok(None),
        }
    }

    /// Records a durable checkpoint of `size` entries: the stored one at open, then each
    /// group's once it is flushed. Concurrent groups may publish out of order; only a larger
    /// size replaces the one held.
    pub fn publish(&self, size: u64, signed: String) {
        {
            let mut durable = self.durable.lock().unwrap_or_else(|e| e.into_inner());
            if durable.as_ref().is_none_or(|(held, _)| size > *held) {
                *durable = Some((size, signed.clone()));
            }
        }
        if let Some(sender) = self.sender.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = sender.send((size, signed));
        }
    }

    /// The newest checkpoint published, with its size; `None` before the store has checked
    /// its log at open. Every entry it covers is on disk, so nothing served up to it can be
    /// lost in a crash and later replaced.
    pub fn durable(&self) -> Option<(u64, String)> {
        self.durable.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Writes `signed` now, on the caller's thread (after an import, by a process that does not
    /// serve: it leaves [`Witness::durable`] as it was).
    pub fn write_now(&self, signed: &str) -> Result<(), StoreError> {
        Ok(write_atomically(&self.path, signed)?)
    }
}

impl Drop for Witness {
    /// Lets the writer finish its last checkpoint before the store closes.
    fn drop(&mut self) {
        self.sender.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = writer.join();
        }
    }
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let staging = path.with_extension("tmp");
    let mut file = crate::owner_only::create_file(&staging)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&staging, path)?;
    if let Some(folder) = path.parent() {
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_durable_checkpoint_only_moves_forward() {
        let folder = tempfile::tempdir().unwrap();
        let witness = Witness::start(folder.path(), 0);
        assert_eq!(witness.durable(), None);
        witness.publish(0, "empty".to_owned());
        witness.publish(5, "five".to_owned());
        // A group flushed earlier but answered later publishes a smaller tree: it is ignored.
        witness.publish(3, "three".to_owned());
        witness.publish(5, "five again".to_owned());
        assert_eq!(witness.durable(), Some((5, "five".to_owned())));
        witness.publish(6, "six".to_owned());
        assert_eq!(witness.durable(), Some((6, "six".to_owned())));
    }
}
