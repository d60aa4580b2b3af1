//! The registry as a WARC/1.1 file, in bounded chunks: a `warcinfo` record naming the log
//! (origin, verifier key, the signed checkpoint the export stands on), then per version, in
//! commit order, a `resource` record with the exact bytes and a `metadata` record
//! (`WARC-Concurrent-To` the resource, target `metadata://ORIGIN/statements/ID/versions/N`)
//! holding the version's proof bundle (which holds its version record) against that checkpoint. Used by
//! `provenance export --format warc` and `GET /v1/export.warc.gz`; each chunk is read from
//! the store and encoded at once, so an export never holds more than one chunk in memory.
//!
//! The export covers exactly the versions of the checkpoint read at its start: versions
//! ingested while it runs are left to the next export, and every bundle verifies against the
//! one checkpoint of the `warcinfo` record.

use base64::Engine;
use chrono::{DateTime, Utc};

use super::warc::{warc_fields, Record, RecordId};
use crate::api::model::ProofBundle;
use crate::domain::{Sha1, Version};
use crate::store::{Store, StoreError};

/// Versions per chunk: a few megabytes at most (content is bounded by the ingest limit).
pub const CHUNK_VERSIONS: usize = 64;

/// An export under way: which checkpoint it stands on and how far it has come.
pub struct WarcExport {
    /// The signed checkpoint read at the start; every proof bundle is against it.
    checkpoint: String,
    /// Its size: the export holds the versions at journal positions `0..tree_size`.
    tree_size: u64,
    /// The journal position of the next version to write.
    next: u64,
    /// The log's origin, the first part of every record id's name.
    origin: String,
    /// The `warcinfo` record's id, which every other record names.
    warcinfo: RecordId,
}

impl WarcExport {
    /// Starts an export of everything the latest checkpoint covers.
    pub fn start(store: &Store) -> Result<Self, StoreError> {
        let (checkpoint, parsed) = store.latest_checkpoint()?;
        let origin = store.verifier().name().to_owned();
        Ok(Self {
            warcinfo: RecordId::named(&format!("{origin}/warcinfo/{}", parsed.size)),
            checkpoint,
            tree_size: parsed.size,
            next: 0,
            origin,
        })
    }

    /// How many versions the export holds.
    pub fn versions(&self) -> u64 {
        self.tree_size
    }

    /// The `warcinfo` record, one gzip member, dated `now`.
    pub fn warcinfo(&self, store: &Store, now: DateTime<Utc>, filename: Option<&str>) -> Vec<u8> {
        let software = format!("provenance/{}", env!("CARGO_PKG_VERSION"));
        let key = store.verifier().encoded();
        let size = self.tree_size.to_string();
        let checkpoint = base64::engine::general_purpose::STANDARD.encode(&self.checkpoint);
        let fields = warc_fields(&[
            ("software", &software),
            ("format", "WARC File Format 1.1"),
            (
                "conformsTo",
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            ),
            (
                "description",
                "Every version of a Provenance registry: a resource record with the exact bytes and a \
                 metadata record with the version's proof bundle against log-checkpoint",
            ),
            ("log-origin", &self.origin),
            ("log-key", &key),
            ("log-size", &size),
            ("log-checkpoint", &checkpoint),
        ]);
        let mut out = Vec::new();
        Record::warcinfo(self.warcinfo, now, filename, &fields)
            .write_gzip_member(&mut out)
            .expect("writing to memory cannot fail");
        out
    }

    /// The next chunk of at most `limit` versions, two gzip members each, and how many
    /// versions it holds; `None` once every version is written.
    pub fn next_chunk(&mut self, store: &Store, limit: usize) -> Result<Option<(Vec<u8>, u64)>, StoreError> {
        let entries = store.journal_range(self.next, self.tree_size, limit)?;
        if entries.is_empty() {
            if self.next < self.tree_size {
                return Err(StoreError::Corrupt(format!(
                    "the journal ends at {} below the checkpoint's size {}",
                    self.next, self.tree_size
                )));
            }
            return Ok(None);
        }
        let (versions, contents): (Vec<Version>, Vec<Vec<u8>>) = entries.into_iter().unzip();
        let bundles = store.proof_bundles_against(&self.checkpoint, self.tree_size, versions)?;
        let mut out = Vec::new();
        let count = bundles.len() as u64;
        for (bundle, bytes) in bundles.iter().zip(&contents) {
            self.write_version(bundle, bytes, &mut out)?;
        }
        self.next += count;
        Ok(Some((out, count)))
    }

    fn write_version(
        &self,
        bundle: &crate::store::VersionProof,
        bytes: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), StoreError> {
        let version = &bundle.version;
        let name = format!("{}/{}/{}", self.origin, version.statement_id, version.version);
        let resource_id = RecordId::named(&format!("{name}/resource"));
        let url = version.source_url.to_string();
        let content_type = format!("{}; charset=utf-8", version.metadata.content_type.as_str());
        let sha1 = version.sha1.unwrap_or_else(|| Sha1::of(bytes));
        Record::resource(
            resource_id,
            self.warcinfo,
            &url,
            version.memento_at(),
            &content_type,
            bytes,
            sha1,
        )
        .write_gzip_member(out)?;
        let mut json = serde_json::to_vec(&ProofBundle::from(bundle))
            .map_err(|error| StoreError::Corrupt(format!("a proof bundle does not serialize: {error}")))?;
        json.push(b'\n');
        // Not the source URL: replay tools index metadata records like captures, and would
        // replay the bundle for the page. `metadata://` is Heritrix's scheme for such records.
        let metadata_uri = format!(
            "metadata://{}/statements/{}/versions/{}",
            self.origin, version.statement_id, version.version
        );
        Record::metadata(
            RecordId::named(&format!("{name}/metadata")),
            self.warcinfo,
            resource_id,
            &metadata_uri,
            version.memento_at(),
            "application/json",
            &json,
        )
        .write_gzip_member(out)?;
        Ok(())
    }
}
