//! Files and folders only their owner may read: the data folder (sled's files hold key hashes
//! and media contacts), the log's signing key, the bootstrap admin key. Folders are 0700, files
//! 0600, whatever the process's umask.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The permission bits that let the group or others in.
pub const SHARED_BITS: u32 = 0o077;

/// Creates the folder `path` and its missing parents, each owner-only (0700). An existing
/// `path` that the group or others may enter is narrowed to its owner, with a warning.
pub fn create_dir(path: &Path) -> io::Result<()> {
    fs::DirBuilder::new().recursive(true).mode(0o700).create(path)?;
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & SHARED_BITS != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode & !SHARED_BITS & 0o7777))?;
        tracing::warn!(
            folder = %path.display(),
            "the folder was open to others (mode {:o}); it is now its owner's only",
            mode & 0o777
        );
    }
    Ok(())
}

/// Takes the group's and others' permissions off every file and folder under `path` (sled
/// creates its files with the process's umask, typically 0644).
pub fn restrict_contents(path: &Path) -> io::Result<()> {
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let metadata = entry.metadata()?;
        if metadata.is_symlink() {
            continue;
        }
        let mode = metadata.permissions().mode();
        if mode & SHARED_BITS != 0 {
            fs::set_permissions(
                entry.path(),
                fs::Permissions::from_mode(mode & !SHARED_BITS & 0o7777),
            )?;
        }
        if metadata.is_dir() {
            restrict_contents(&entry.path())?;
        }
    }
    Ok(())
}

/// Creates (or truncates) the file at `path` for writing; a file it creates is owner-only
/// (0600). For staging files, renamed into place once written.
pub fn create_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

/// Creates a new owner-only (0600) file at `path` for writing; fails if a file is there
/// already, so that nothing is ever overwritten.
pub fn create_new_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Writes `text` to a new owner-only file at `path`, as [`create_new_file`] makes it, and syncs it.
pub fn write_new_file(path: &Path, text: &str) -> io::Result<()> {
    let mut file = create_new_file(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// The permission bits of `path` (`0o644`).
pub fn mode(path: &Path) -> io::Result<u32> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        super::mode(path).unwrap()
    }

    #[test]
    fn folders_and_files_become_their_owners_only() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a/b");
        create_dir(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);

        let old = dir.path().join("old");
        fs::create_dir_all(old.join("inner")).unwrap();
        fs::write(old.join("db"), "x").unwrap();
        fs::write(old.join("inner/file"), "x").unwrap();
        for path in [&old, &old.join("inner")] {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        for path in [old.join("db"), old.join("inner/file")] {
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        }
        create_dir(&old).unwrap();
        restrict_contents(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
        assert_eq!(mode(&old.join("inner")), 0o700);
        assert_eq!(mode(&old.join("db")), 0o600);
        assert_eq!(mode(&old.join("inner/file")), 0o600);

        let token = dir.path().join("token");
        write_new_file(&token, "secret\n").unwrap();
        assert_eq!(mode(&token), 0o600);
        assert!(write_new_file(&token, "again").is_err(), "never overwrites");
        let staging = dir.path().join("staging");
        create_file(&staging).unwrap();
        assert_eq!(mode(&staging), 0o600);
    }
}
