//! The log's signing key on disk: created on first start (readable by the owner only) or loaded
//! from a configured file, in the `PRIVATE+KEY+<name>+<id>+<base64>` form of signed notes.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::note::NoteSigner;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the signing key {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot create the signing key {path}: {source}")]
    Create { path: String, source: std::io::Error },
    #[error("the signing key {path} is malformed: {reason}")]
    Malformed { path: String, reason: String },
    #[error("the signing key {path} is named {found:?}, but the log's origin is {expected:?}")]
    WrongName {
        path: String,
        found: String,
        expected: String,
    },
    #[error("there is no signing key at {0}")]
    Missing(String),
}

/// Loads the key at `path`, which must be named `origin`.
pub fn load(path: &Path, origin: &str) -> Result<NoteSigner, KeyFileError> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(KeyFileError::Missing(shown));
    }
    let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Read {
        path: shown.clone(),
        source,
    })?;
    let signer = NoteSigner::from_private_key(text.trim()).map_err(|error| KeyFileError::Malformed {
        path: shown.clone(),
        reason: error.to_string(),
    })?;
    if signer.name() != origin {
        return Err(KeyFileError::WrongName {
            path: shown,
            found: signer.name().to_owned(),
            expected: origin.to_owned(),
        });
    }
    Ok(signer)
}

/// Loads the key at `path`, or creates a new one named `origin` there (mode 0600, flushed).
pub fn load_or_create(path: &Path, origin: &str) -> Result<NoteSigner, KeyFileError> {
    if path.exists() {
        return load(path, origin);
    }
    let shown = path.display().to_string();
    let signer = NoteSigner::generate(origin).map_err(|error| KeyFileError::Malformed {
        path: shown.clone(),
        reason: error.to_string(),
    })?;
    let create = |source| KeyFileError::Create {
        path: shown.clone(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(create)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(create)?;
    file.write_all(format!("{}\n", signer.private_key()).as_bytes())
        .map_err(create)?;
    file.sync_all().map_err(create)?;
    Ok(signer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn creates_once_then_loads_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/log.key");
        let created = load_or_create(&path, "example.org/log").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let loaded = load_or_create(&path, "example.org/log").unwrap();
        assert_eq!(created.verifier(), loaded.verifier());
        assert!(matches!(
            load(&path, "other.org/log"),
            Err(KeyFileError::WrongName { .. })
        ));
        assert!(matches!(
            load(&dir.path().join("none"), "x"),
            Err(KeyFileError::Missing(_))
        ));
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            load(&path, "example.org/log"),
            Err(KeyFileError::Malformed { .. })
        ));
    }
}
