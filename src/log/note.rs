//! C2SP signed notes with Ed25519 keys, and the C2SP tlog-checkpoint text they carry: how the log signs
//! its tree heads and how anyone checks them. Compatible with `golang.org/x/mod/sumdb/note`.
//!
//! - Key name: non-empty, no Unicode whitespace, no `+`.
//! - Key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || 32-byte public key).
//! - Verifier key: `<name>+<8 hex digits of key id>+<base64(0x01 || public key)>`.
//! - Private key (the Go "skey" form): `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`.
//! - Signed note: the text (non-empty, ending in a newline, no ASCII control character but newline),
//!   a blank line, then signature lines `— <name> <base64(key id || signature)>` each ending in a
//!   newline.
//! - Checkpoint text: `<origin>\n<tree size>\n<base64 root hash>\n`, then optional extension lines.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::merkle::Hash;

/// Signature type byte of Ed25519 in key ids and key encodings.
const ED25519_TYPE: u8 = 0x01;
/// What starts every signature line: EM DASH (U+2014) and a space.
const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";
/// What starts a private key string.
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";
/// Signature lines beyond this many make a note malformed (the spec asks for at least 16; Go uses 100).
const MAX_SIGNATURE_LINES: usize = 100;
/// Length of a key id.
const KEY_ID_LEN: usize = 4;

/// Why a key, a note or a checkpoint was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// A key name is empty or contains whitespace or '+'.
    #[error("invalid key name {0:?}: it must be non-empty, without whitespace or '+'")]
    InvalidKeyName(String),
    /// A verifier key string does not have the `name+keyid+key` form.
    #[error("malformed verifier key: {0}")]
    MalformedVerifierKey(&'static str),
    /// A private key string does not have the `PRIVATE+KEY+name+keyid+key` form.
    #[error("malformed private key: {0}")]
    MalformedPrivateKey(&'static str),
    /// A key names another signature algorithm than Ed25519.
    #[error("unsupported signature type {0:#04x}: only Ed25519 (0x01) is supported")]
    UnsupportedKeyType(u8),
    /// The key id written in a key string is not the one its name and key give.
    #[error("key id {written} does not match the key, whose id is {computed}")]
    KeyIdMismatch {
        /// The key id in the string, hex.
        written: String,
        /// The key id computed from the name and public key, hex.
        computed: String,
    },
    /// A text to sign is not a valid note text.
    #[error("invalid note text: {0}")]
    InvalidText(&'static str),
    /// A signed note does not have the signed-note form.
    #[error("malformed signed note: {0}")]
    MalformedNote(&'static str),
    /// A signature line of the verifier's key does not verify.
    #[error("the signature by {name}+{key_id} does not verify")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key id, hex.
        key_id: String,
    },
    /// The note has no signature line by the verifier's key.
    #[error("the note is not signed by {name}+{key_id}")]
    NotSignedByKey {
        /// The key name.
        name: String,
        /// The key id, hex.
        key_id: String,
    },
    /// The operating system's random number generator failed.
    #[error("could not get randomness for a new key: {0}")]
    Randomness(String),
    /// A text is not a valid tlog-checkpoint.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(&'static str),
}

/// Signs notes with an Ed25519 key under a key name. Its `Debug` output shows no secret.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key_id: [u8; KEY_ID_LEN],
    signing_key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &hex::encode(self.key_id))
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// A new key named `name`, from the operating system's randomness.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let mut seed = [0_u8; 32];
        getrandom::fill(&mut seed).map_err(|error| NoteError::Randomness(error.to_string()))?;
        Ok(Self::from_seed(name, &seed))
    }

    /// Parses the private key string `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>` (the
    /// form [`NoteSigner::private_key`] writes and Go's `note.GenerateKey` returns), checking that the
    /// key id matches the key.
    pub fn from_private_key(encoded: &str) -> Result<Self, NoteError> {
        let malformed = NoteError::MalformedPrivateKey;
        let rest = encoded
            .strip_prefix(PRIVATE_KEY_PREFIX)
            .ok_or(malformed("it must start with PRIVATE+KEY+"))?;
        let (name, written_key_id, seed) =
            parse_key_parts(rest, malformed, "expected PRIVATE+KEY+<name>+<key id>+<key>")?;
        let signer = Self::from_seed(name, &seed);
        check_key_id(written_key_id, signer.key_id)?;
        Ok(signer)
    }

    /// The private key string `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`, for the key
    /// file. Secret.
    pub fn private_key(&self) -> String {
        format!(
            "{PRIVATE_KEY_PREFIX}{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            BASE64.encode(typed_key(self.signing_key.as_bytes()))
        )
    }

    /// The verifier of this key's signatures.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            verifying_key: self.signing_key.verifying_key(),
        }
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Signs `text` and returns the whole signed note: the text, a blank line and one signature line.
    /// The text must be non-empty, end in a newline and contain no ASCII control character but newline.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        check_note_text(text)?;
        let signature = self.signing_key.sign(text.as_bytes());
        let signed = [self.key_id.as_slice(), &signature.to_bytes()].concat();
        Ok(format!(
            "{text}\n{SIGNATURE_LINE_PREFIX}{} {}\n",
            self.name,
            BASE64.encode(signed)
        ))
    }

    /// The signer for a checked key name and a 32-byte Ed25519 seed.
    fn from_seed(name: &str, seed: &[u8; 32]) -> Self {
        let signing_key = SigningKey::from_bytes(seed);
        let key_id = key_id(name, &signing_key.verifying_key());
        Self {
            name: name.to_owned(),
            key_id,
            signing_key,
        }
    }
}

/// Verifies the signatures of one Ed25519 key in signed notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: [u8; KEY_ID_LEN],
    verifying_key: VerifyingKey,
}

/// Parses the `<name>+<hex key id>+<base64(0x01 ‖ 32 key bytes)>` part shared by private and
/// verifier keys, reporting malformed parts with `malformed`.
fn parse_key_parts<'a>(
    encoded: &'a str,
    malformed: fn(&'static str) -> NoteError,
    expected_form: &'static str,
) -> Result<(&'a str, [u8; KEY_ID_LEN], [u8; 32]), NoteError> {
    let (name, written_key_id, key) = split_key_string(encoded).ok_or(malformed(expected_form))?;
    check_key_name(name)?;
    let written_key_id = parse_key_id(written_key_id).ok_or(malformed("the key id must be 8 hex digits"))?;
    let key = BASE64
        .decode(key)
        .map_err(|_| malformed("the key is not valid base64"))?;
    let key = ed25519_key_bytes(&key, malformed("wrong key length"))?;
    Ok((name, written_key_id, key))
}

impl NoteVerifier {
    /// Parses the verifier key string `<name>+<hex key id>+<base64(0x01 || public key)>`, checking that
    /// the key id matches the key.
    pub fn parse(encoded: &str) -> Result<Self, NoteError> {
        let malformed = NoteError::MalformedVerifierKey;
        let (name, written_key_id, public_key) =
            parse_key_parts(encoded, malformed, "expected <name>+<key id>+<key>")?;
        let verifying_key = VerifyingKey::from_bytes(&public_key)
            .map_err(|_| malformed("the key is not a valid Ed25519 public key"))?;
        let computed_key_id = key_id(name, &verifying_key);
        check_key_id(written_key_id, computed_key_id)?;
        Ok(Self {
            name: name.to_owned(),
            key_id: computed_key_id,
            verifying_key,
        })
    }

    /// The verifier key string `<name>+<hex key id>+<base64(0x01 || public key)>`; [`NoteVerifier::parse`]
    /// reads it back.
    pub fn encoded(&self) -> String {
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            BASE64.encode(typed_key(self.verifying_key.as_bytes()))
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> [u8; KEY_ID_LEN] {
        self.key_id
    }

    /// Checks `signed_note` and returns its text (which ends in a newline) when a signature line of this
    /// key verifies.
    ///
    /// Lines of other keys (another name or key id) are ignored, but must be well-formed. A line of this
    /// key that does not verify rejects the whole note, as the C2SP spec recommends, even when another
    /// line of this key verifies.
    pub fn verify<'a>(&self, signed_note: &'a str) -> Result<&'a str, NoteError> {
        let malformed = NoteError::MalformedNote;
        if has_control_character(signed_note) {
            return Err(malformed(
                "it contains an ASCII control character other than newline",
            ));
        }
        // The text ends at the last blank line; it keeps its final newline.
        let split = signed_note
            .rfind("\n\n")
            .ok_or(malformed("no blank line before the signatures"))?;
        let (text, signature_block) = (&signed_note[..=split], &signed_note[split + 2..]);
        let signature_lines = signature_block
            .strip_suffix('\n')
            .ok_or(malformed("the signatures must end with a newline"))?;
        let mut verified = false;
        for (count, line) in signature_lines.split('\n').enumerate() {
            if count == MAX_SIGNATURE_LINES {
                return Err(malformed("too many signature lines"));
            }
            let (name, key_id, signature) = parse_signature_line(line)?;
            if name != self.name || key_id != self.key_id {
                continue;
            }
            let invalid = || NoteError::InvalidSignature {
                name: self.name.clone(),
                key_id: hex::encode(self.key_id),
            };
            let signature = Signature::from_slice(&signature).map_err(|_| invalid())?;
            self.verifying_key
                .verify_strict(text.as_bytes(), &signature)
                .map_err(|_| invalid())?;
            verified = true;
        }
        if verified {
            Ok(text)
        } else {
            Err(NoteError::NotSignedByKey {
                name: self.name.clone(),
                key_id: hex::encode(self.key_id),
            })
        }
    }
}

/// Who signed `signed_note`, by the names and hex key ids of its well-formed signature lines,
/// whether or not they verify: to say which key a note was made with when it is not the one
/// expected.
pub fn signers(signed_note: &str) -> Vec<(String, String)> {
    let Some(split) = signed_note.rfind("\n\n") else {
        return Vec::new();
    };
    signed_note[split + 2..]
        .lines()
        .take(MAX_SIGNATURE_LINES)
        .filter_map(|line| parse_signature_line(line).ok())
        .map(|(name, key_id, _)| (name.to_owned(), hex::encode(key_id)))
        .collect()
}

/// A C2SP tlog-checkpoint: the log's tree head, the text of the notes the log signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity: non-empty, one line, no ASCII control character.
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 6962 root hash of the tree of `size` leaves.
    pub root: Hash,
}

impl Checkpoint {
    /// A checkpoint, checking that `origin` can be written as a checkpoint's first line.
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, NoteError> {
        check_origin(origin)?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
        })
    }

    /// The checkpoint text `<origin>\n<size>\n<base64 root>\n`, without extension lines.
    /// [`Checkpoint::parse`] reads it back when the origin is valid (always for checkpoints made with
    /// [`Checkpoint::new`]).
    pub fn to_text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, BASE64.encode(self.root))
    }

    /// Parses a checkpoint text (a verified note's text): origin, tree size in decimal without leading
    /// zeros, base64 root hash of 32 bytes, each on its own line, then optional non-empty extension
    /// lines, which are checked and dropped.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let malformed = NoteError::MalformedCheckpoint;
        let body = text
            .strip_suffix('\n')
            .ok_or(malformed("it must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        let size = lines.next().ok_or(malformed("the tree size line is missing"))?;
        let root = lines.next().ok_or(malformed("the root hash line is missing"))?;
        if lines.any(str::is_empty) {
            return Err(malformed("extension lines must not be empty"));
        }
        check_origin(origin)?;
        let size = parse_tree_size(size).ok_or(malformed(
            "the tree size must be a decimal number without leading zeros",
        ))?;
        let root = BASE64
            .decode(root)
            .ok()
            .and_then(|root| Hash::try_from(root).ok())
            .ok_or(malformed("the root hash must be the base64 of 32 bytes"))?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}

/// Key id of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || public key)[..4].
fn key_id(name: &str, verifying_key: &VerifyingKey) -> [u8; KEY_ID_LEN] {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', ED25519_TYPE])
        .chain_update(verifying_key.as_bytes())
        .finalize();
    let mut key_id = [0; KEY_ID_LEN];
    key_id.copy_from_slice(&digest[..KEY_ID_LEN]);
    key_id
}

/// `0x01 || key`: a key as key strings encode it.
fn typed_key(key: &[u8; 32]) -> Vec<u8> {
    [[ED25519_TYPE].as_slice(), key].concat()
}

/// The 32 key bytes of a decoded `0x01 || key`, or `wrong_length`.
fn ed25519_key_bytes(typed: &[u8], wrong_length: NoteError) -> Result<[u8; 32], NoteError> {
    match typed.split_first() {
        Some((&ED25519_TYPE, key)) => <[u8; 32]>::try_from(key).map_err(|_| wrong_length),
        Some((&other, _)) => Err(NoteError::UnsupportedKeyType(other)),
        None => Err(wrong_length),
    }
}

/// Splits `<name>+<key id>+<key>` at its first two '+' (base64 keys may contain more).
fn split_key_string(encoded: &str) -> Option<(&str, &str, &str)> {
    let (name, rest) = encoded.split_once('+')?;
    let (key_id, key) = rest.split_once('+')?;
    Some((name, key_id, key))
}

/// Parses exactly 8 hex digits.
fn parse_key_id(hex_digits: &str) -> Option<[u8; KEY_ID_LEN]> {
    let mut key_id = [0; KEY_ID_LEN];
    hex::decode_to_slice(hex_digits, &mut key_id).ok()?;
    Some(key_id)
}

fn check_key_id(written: [u8; KEY_ID_LEN], computed: [u8; KEY_ID_LEN]) -> Result<(), NoteError> {
    if written == computed {
        Ok(())
    } else {
        Err(NoteError::KeyIdMismatch {
            written: hex::encode(written),
            computed: hex::encode(computed),
        })
    }
}

fn check_key_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.contains(char::is_whitespace) || name.contains('+') {
        Err(NoteError::InvalidKeyName(name.to_owned()))
    } else {
        Ok(())
    }
}

fn check_note_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::InvalidText(
            "it must be non-empty and end with a newline",
        ));
    }
    if has_control_character(text) {
        return Err(NoteError::InvalidText(
            "it must not contain ASCII control characters other than newline",
        ));
    }
    Ok(())
}

/// Whether `text` has an ASCII control character (below U+0020) other than newline, which signed notes
/// must not contain.
fn has_control_character(text: &str) -> bool {
    text.bytes().any(|byte| byte < 0x20 && byte != b'\n')
}

/// Splits a signature line `— <name> <base64(key id || signature)>` (without its newline) into name,
/// key id and signature bytes, checking its form.
fn parse_signature_line(line: &str) -> Result<(&str, [u8; KEY_ID_LEN], Vec<u8>), NoteError> {
    let malformed = NoteError::MalformedNote;
    let rest = line.strip_prefix(SIGNATURE_LINE_PREFIX).ok_or(malformed(
        "a signature line must start with an em dash and a space",
    ))?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or(malformed("a signature line needs a key name and a signature"))?;
    if check_key_name(name).is_err() {
        return Err(malformed("a signature line has an invalid key name"));
    }
    let decoded = BASE64
        .decode(encoded)
        .map_err(|_| malformed("a signature is not valid base64"))?;
    if decoded.len() <= KEY_ID_LEN {
        return Err(malformed("a signature is too short"));
    }
    let (key_id, signature) = decoded.split_at(KEY_ID_LEN);
    let mut key_id_bytes = [0; KEY_ID_LEN];
    key_id_bytes.copy_from_slice(key_id);
    Ok((name, key_id_bytes, signature.to_vec()))
}

fn check_origin(origin: &str) -> Result<(), NoteError> {
    if origin.is_empty() {
        return Err(NoteError::MalformedCheckpoint("the origin must not be empty"));
    }
    if origin.bytes().any(|byte| byte < 0x20) {
        return Err(NoteError::MalformedCheckpoint(
            "the origin must be one line without control characters",
        ));
    }
    Ok(())
}

/// Parses a tree size: ASCII decimal digits, no sign, no leading zero (but "0" itself).
fn parse_tree_size(digits: &str) -> Option<u64> {
    let canonical = !digits.is_empty()
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if canonical {
        digits.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example key pair and note of Go's `golang.org/x/mod/sumdb/note` documentation.
    const GO_PRIVATE_KEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_VERIFIER_KEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                           then you don't know what your problem is.\n";
    const GO_SIGNATURE_LINE: &str = "\u{2014} PeterNeumann \
        x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    fn signer(name: &str) -> NoteSigner {
        NoteSigner::generate(name).expect("key generation")
    }

    #[test]
    fn go_reference_keys_and_signature_are_reproduced() {
        let signer = NoteSigner::from_private_key(GO_PRIVATE_KEY).expect("Go private key parses");
        assert_eq!(signer.private_key(), GO_PRIVATE_KEY);
        assert_eq!(signer.verifier().encoded(), GO_VERIFIER_KEY);
        let note = signer.sign(GO_TEXT).expect("sign");
        assert_eq!(note, format!("{GO_TEXT}\n{GO_SIGNATURE_LINE}"));
        let verifier = NoteVerifier::parse(GO_VERIFIER_KEY).expect("Go verifier key parses");
        assert_eq!(verifier, signer.verifier());
        assert_eq!(verifier.verify(&note), Ok(GO_TEXT));
    }

    #[test]
    fn go_reference_bad_keys_are_rejected() {
        // From Go's note_test.go: a wrong-length key and an unknown type, both with matching key ids.
        assert!(matches!(
            NoteVerifier::parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="),
            Err(NoteError::MalformedVerifierKey(_))
        ));
        assert_eq!(
            NoteVerifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            Err(NoteError::UnsupportedKeyType(0x65))
        );
    }

    #[test]
    fn every_substring_and_bumped_byte_of_a_key_string_is_rejected() {
        // As Go's TestNewVerifier and TestNewSigner do.
        for (encoded, parses) in [
            (
                GO_VERIFIER_KEY,
                (|key| NoteVerifier::parse(key).is_ok()) as fn(&str) -> bool,
            ),
            (GO_PRIVATE_KEY, |key| NoteSigner::from_private_key(key).is_ok()),
        ] {
            assert!(parses(encoded));
            let bytes = encoded.as_bytes();
            for start in 0..bytes.len() {
                for end in start + 1..=bytes.len() {
                    if (start, end) != (0, bytes.len()) {
                        assert!(!parses(&encoded[start..end]), "{:?} parsed", &encoded[start..end]);
                    }
                }
                let mut bumped = bytes.to_vec();
                bumped[start] += 1;
                let bumped = String::from_utf8(bumped).expect("ASCII stays ASCII");
                assert!(!parses(&bumped), "{bumped:?} parsed");
            }
        }
    }

    #[test]
    fn sign_then_verify_returns_the_text() {
        let signer = signer("example.com/log");
        for text in [
            "hello\n",
            "\n",
            "two\n\nparagraphs\n\n",
            "— looks like a signature\n",
            "ünïcödé\n",
        ] {
            let note = signer.sign(text).expect("sign");
            assert_eq!(signer.verifier().verify(&note), Ok(text));
        }
    }

    #[test]
    fn invalid_texts_are_not_signed() {
        let signer = signer("example.com/log");
        for text in ["", "no newline", "tab\there\n", "carriage\r\n", "nul\0\n"] {
            assert!(
                matches!(signer.sign(text), Err(NoteError::InvalidText(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn key_strings_round_trip() {
        let signer = signer("example.com/log");
        let restored = NoteSigner::from_private_key(&signer.private_key()).expect("private key parses");
        assert_eq!(restored.private_key(), signer.private_key());
        assert_eq!(restored.verifier(), signer.verifier());
        assert_eq!(restored.name(), "example.com/log");
        let verifier = NoteVerifier::parse(&signer.verifier().encoded()).expect("verifier key parses");
        assert_eq!(verifier, signer.verifier());
        assert_eq!(verifier.encoded(), signer.verifier().encoded());
        assert!(!format!("{signer:?}").contains(&signer.private_key()[40..]));
    }

    #[test]
    fn key_id_follows_the_spec() {
        let signer = signer("example.com/log");
        let verifier = signer.verifier();
        let public_key = BASE64
            .decode(verifier.encoded().splitn(3, '+').nth(2).expect("key part"))
            .expect("base64");
        assert_eq!(public_key.len(), 33);
        assert_eq!(public_key[0], 0x01);
        let digest = Sha256::digest([b"example.com/log\n".as_slice(), &public_key].concat());
        assert_eq!(verifier.key_id(), digest[..4]);
        assert_eq!(verifier.name(), "example.com/log");
        assert!(verifier
            .encoded()
            .starts_with(&format!("example.com/log+{}+", hex::encode(&digest[..4]))));
    }

    #[test]
    fn invalid_key_names_are_rejected() {
        for name in ["", "a b", "a+b", "tab\t", "nbsp\u{a0}"] {
            assert_eq!(
                NoteSigner::generate(name).err(),
                Some(NoteError::InvalidKeyName(name.to_owned()))
            );
        }
    }

    #[test]
    fn a_key_with_the_same_name_does_not_verify() {
        let (ours, theirs) = (signer("example.com/log"), signer("example.com/log"));
        let note = theirs.sign("hello\n").expect("sign");
        // Another key id: the line is ignored, so nothing verifies.
        assert!(matches!(
            ours.verifier().verify(&note),
            Err(NoteError::NotSignedByKey { .. })
        ));
        // Their signature under our name and key id: the line is ours, and it fails.
        let (text_and_name, encoded) = note.trim_end_matches('\n').rsplit_once(' ').expect("signature");
        let mut signature = BASE64.decode(encoded).expect("base64");
        signature[..4].copy_from_slice(&ours.verifier().key_id());
        let forged = format!("{text_and_name} {}\n", BASE64.encode(&signature));
        assert!(matches!(
            ours.verifier().verify(&forged),
            Err(NoteError::InvalidSignature { .. })
        ));
    }

    #[test]
    fn unknown_signature_lines_are_ignored_and_a_bad_known_line_rejects() {
        let (ours, theirs) = (signer("example.com/log"), signer("witness.example/w"));
        let ours_note = ours.sign("hello\n").expect("sign");
        let theirs_note = theirs.sign("hello\n").expect("sign");
        let theirs_line = theirs_note.strip_prefix("hello\n\n").expect("prefix");
        let cosigned = format!("{ours_note}{theirs_line}");
        assert_eq!(ours.verifier().verify(&cosigned), Ok("hello\n"));
        assert_eq!(theirs.verifier().verify(&cosigned), Ok("hello\n"));
        // A second line of our key over another text makes the whole note fail.
        let other_line = ours
            .sign("other\n")
            .expect("sign")
            .strip_prefix("other\n\n")
            .expect("prefix")
            .to_owned();
        let mixed = format!("{cosigned}{other_line}");
        assert!(matches!(
            ours.verifier().verify(&mixed),
            Err(NoteError::InvalidSignature { .. })
        ));
    }

    #[test]
    fn malformed_notes_are_rejected() {
        let signer = signer("example.com/log");
        let note = signer.sign("hello\n").expect("sign");
        let line = note
            .strip_prefix("hello\n\n")
            .expect("prefix")
            .trim_end_matches('\n')
            .to_owned();
        let (_, signature) = line.rsplit_once(' ').expect("signature");
        let many_lines = format!("hello\n\n{}", format!("{line}\n").repeat(MAX_SIGNATURE_LINES + 1));
        for malformed in [
            "hello\n".to_owned(),
            format!("hello\n{line}\n"),
            format!("hello\n\n{line}"),
            format!("hello\n\n{line}\n\n"),
            format!("hello\n\n- example.com/log {signature}\n"),
            "hello\n\n\u{2014} example.com/log\n".to_owned(),
            format!("hello\n\n\u{2014} example.com/log {signature}=\n"),
            format!(
                "hello\n\n\u{2014} example.com/log {}\n",
                BASE64.encode([1, 2, 3, 4])
            ),
            format!("hello\n\n\u{2014} bad+name {signature}\n"),
            format!("hel\rlo\n\n{line}\n"),
            many_lines,
        ] {
            assert!(
                matches!(
                    signer.verifier().verify(&malformed),
                    Err(NoteError::MalformedNote(_))
                ),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn checkpoints_round_trip() {
        let checkpoint = Checkpoint::new("example.com/log", 20852163, [7; 32]).expect("checkpoint");
        let text = checkpoint.to_text();
        assert_eq!(
            text,
            format!("example.com/log\n20852163\n{}\n", BASE64.encode([7; 32]))
        );
        assert_eq!(Checkpoint::parse(&text), Ok(checkpoint));
        let empty = Checkpoint::new("o", 0, [0; 32]).expect("checkpoint");
        assert_eq!(Checkpoint::parse(&empty.to_text()), Ok(empty));
    }

    #[test]
    fn the_spec_example_checkpoint_parses() {
        let text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let checkpoint = Checkpoint::parse(text).expect("parses");
        assert_eq!(
            (checkpoint.origin.as_str(), checkpoint.size),
            ("example.com/behind-the-sofa", 20852163)
        );
        assert_eq!(checkpoint.to_text(), text);
        let extended = format!("{text}extension one\nextension two\n");
        assert_eq!(Checkpoint::parse(&extended), Ok(checkpoint));
    }

    #[test]
    fn malformed_checkpoints_are_rejected() {
        let root = BASE64.encode([7; 32]);
        for size in [
            "",
            "-1",
            "+1",
            "01",
            "00",
            " 1",
            "1 ",
            "0x1",
            "1.0",
            "18446744073709551616",
            "١",
        ] {
            let text = format!("origin\n{size}\n{root}\n");
            assert!(
                matches!(Checkpoint::parse(&text), Err(NoteError::MalformedCheckpoint(_))),
                "{size:?}"
            );
        }
        let short_root = BASE64.encode([7; 31]);
        let long_root = BASE64.encode([7; 33]);
        let unpadded_root = root.trim_end_matches('=');
        for bad_root in [
            "",
            "not base64!",
            short_root.as_str(),
            long_root.as_str(),
            unpadded_root,
        ] {
            let text = format!("origin\n1\n{bad_root}\n");
            assert!(
                matches!(Checkpoint::parse(&text), Err(NoteError::MalformedCheckpoint(_))),
                "{bad_root:?}"
            );
        }
        for text in [
            String::new(),
            "\n".to_owned(),
            format!("origin\n1\n{root}"),
            format!("\n1\n{root}\n"),
            "origin\n1\n".to_owned(),
            format!("origin\n1\n{root}\n\n"),
            format!("origin\n1\n{root}\nextension\n\n"),
            format!("ori\tgin\n1\n{root}\n"),
        ] {
            assert!(
                matches!(Checkpoint::parse(&text), Err(NoteError::MalformedCheckpoint(_))),
                "{text:?}"
            );
        }
        assert!(Checkpoint::new("", 1, [0; 32]).is_err());
        assert!(Checkpoint::new("two\nlines", 1, [0; 32]).is_err());
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_parses_back() {
        let signer = signer("example.com/log");
        let checkpoint = Checkpoint::new(signer.name(), 42, [9; 32]).expect("checkpoint");
        let note = signer.sign(&checkpoint.to_text()).expect("sign");
        let text = signer.verifier().verify(&note).expect("verifies");
        assert_eq!(Checkpoint::parse(text), Ok(checkpoint));
    }
}
