//! The log's signing key on disk: created on first start (readable by the owner only) or loaded
//! from a configured file, in the `PRIVATE+KEY+<name>+<id>+<base64>` form of signed notes. A key
//! file the group or others may read is refused, unless the operator allows it
//! ([`Exposure::Allowed`]: then it is used with a warning).

use std::path::Path;

use super::note::NoteSigner;
use crate::owner_only;

/// Whether a signing key that others may read is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Refuse it: anyone who can read the key can sign checkpoints in the log's name.
    Refused,
    /// Use it, with a warning (`--allow-readable-signing-key`, e.g. for a key on a mounted
    /// secret volume whose permissions the operator does not control).
    Allowed,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the signing key {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot create the signing key {path}: {source}")]
    Create { path: String, source: std::io::Error },
    #[error("the signing key {path} is malformed: {reason}")]
    Malformed { path: String, reason: String },
    #[error(
        "the signing key {path} is named {found:?}, but the log's origin is {expected:?}: this data \
         folder's log was created with the origin {found:?}; start it with --log-origin {found:?}, \
         or start a new log in a new data folder"
    )]
    WrongName {
        path: String,
        found: String,
        expected: String,
    },
    #[error("there is no signing key at {0}")]
    Missing(String),
    #[error(
        "the signing key {path} may be read by others (mode {mode:o}); anyone who can read it can \
         sign checkpoints in the log's name. Run `chmod 600 {path}`, or pass \
         --allow-readable-signing-key to use it anyway"
    )]
    Exposed { path: String, mode: u32 },
}

/// Loads the key at `path`, which must be named `origin` and, unless `exposure` allows it, be
/// readable by its owner only.
pub fn load(path: &Path, origin: &str, exposure: Exposure) -> Result<NoteSigner, KeyFileError> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(KeyFileError::Missing(shown));
    }
    let mode = owner_only::mode(path).map_err(|source| KeyFileError::Read {
        path: shown.clone(),
        source,
    })?;
    if mode & owner_only::SHARED_BITS != 0 {
        match exposure {
            Exposure::Refused => return Err(KeyFileError::Exposed { path: shown, mode }),
            Exposure::Allowed => tracing::warn!(
                key = %shown,
                "THE LOG'S SIGNING KEY MAY BE READ BY OTHERS (mode {mode:o}): anyone who can read it \
                 can sign checkpoints in the log's name; used because --allow-readable-signing-key is set"
            ),
        }
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

/// Loads the key at `path` as [`load`] does, or creates a new one named `origin` there (mode
/// 0600, in an owner-only folder when it creates one, synced).
pub fn load_or_create(path: &Path, origin: &str, exposure: Exposure) -> Result<NoteSigner, KeyFileError> {
    if path.exists() {
        return load(path, origin, exposure);
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
        if !parent.exists() {
            owner_only::create_dir(parent).map_err(create)?;
        }
    }
    owner_only::write_new_file(path, &format!("{}\n", signer.private_key())).map_err(create)?;
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
        let created = load_or_create(&path, "example.org/log", Exposure::Refused).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let folder = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(folder, 0o700);
        let loaded = load_or_create(&path, "example.org/log", Exposure::Refused).unwrap();
        assert_eq!(created.verifier(), loaded.verifier());
        let wrong = load(&path, "other.org/log", Exposure::Refused).unwrap_err();
        assert!(matches!(wrong, KeyFileError::WrongName { .. }));
        assert!(
            wrong.to_string().contains("--log-origin \"example.org/log\""),
            "says which origin the log has: {wrong}"
        );
        assert!(matches!(
            load(&dir.path().join("none"), "x", Exposure::Refused),
            Err(KeyFileError::Missing(_))
        ));
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            load(&path, "example.org/log", Exposure::Refused),
            Err(KeyFileError::Malformed { .. })
        ));
    }

    #[test]
    fn a_key_others_may_read_is_refused_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.key");
        let created = load_or_create(&path, "example.org/log", Exposure::Refused).unwrap();
        for mode in [0o644, 0o640, 0o666, 0o604] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let refused = load_or_create(&path, "example.org/log", Exposure::Refused).unwrap_err();
            assert!(matches!(refused, KeyFileError::Exposed { .. }), "mode {mode:o}");
            let message = refused.to_string();
            assert!(
                message.contains(&format!("chmod 600 {}", path.display()))
                    && message.contains("--allow-readable-signing-key"),
                "says what to do: {message}"
            );
            let allowed = load(&path, "example.org/log", Exposure::Allowed).unwrap();
            assert_eq!(allowed.verifier(), created.verifier());
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        load(&path, "example.org/log", Exposure::Refused).expect("owner-only is fine");
    }
}
