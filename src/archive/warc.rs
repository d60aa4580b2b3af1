//! WARC/1.1 records (ISO 28500:2017, the IIPC WARC 1.1 specification) as pure code: the
//! `warcinfo`, `resource` and `metadata` records of the registry's WARC export, their
//! deterministic record ids, and each record written as one gzip member (so that a reader can
//! seek to any record by its offset, as CDX indexes and pywb do).

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::fmt::{self, Write as _};
use std::io::Write;

use crate::domain::Sha1;

/// A WARC record id, `<urn:uuid:…>`: a name-based (version 5, SHA-1) UUID, so that exporting
/// the same version twice gives the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordId([u8; 16]);

/// The namespace of the registry's record ids (an arbitrary, fixed UUID).
const NAMESPACE: [u8; 16] = [
    0x5c, 0x1e, 0x0f, 0x3a, 0x7d, 0x42, 0x4e, 0x7b, 0x9a, 0x61, 0x2f, 0x0d, 0x83, 0x5b, 0xc4, 0x17,
];

impl RecordId {
    /// The RFC 9562 version 5 UUID of `name` in `namespace`.
    fn v5(namespace: &[u8; 16], name: &str) -> Self {
        use sha1::Digest;
        let mut hasher = sha1::Sha1::new();
        hasher.update(namespace);
        hasher.update(name.as_bytes());
        let digest = hasher.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        bytes[6] = (bytes[6] & 0x0f) | 0x50;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Self(bytes)
    }

    /// The id named `name` (e.g. `origin/statement/version/resource`) in the registry's namespace.
    pub fn named(name: &str) -> Self {
        Self::v5(&NAMESPACE, name)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = hex::encode(self.0);
        write!(
            f,
            "<urn:uuid:{}-{}-{}-{}-{}>",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// The kinds of record the export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    Warcinfo,
    Resource,
    Metadata,
}

impl RecordType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Warcinfo => "warcinfo",
            Self::Resource => "resource",
            Self::Metadata => "metadata",
        }
    }
}

/// One WARC record: its named fields and its block.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    kind: RecordType,
    id: RecordId,
    date: DateTime<Utc>,
    fields: Vec<(&'static str, String)>,
    content_type: &'a str,
    block: &'a [u8],
    /// The block's SHA-1 when the caller already knows it (a version's stored digest).
    block_sha1: Option<Sha1>,
}

impl<'a> Record<'a> {
    /// A `warcinfo` record describing the file, with `fields` (`application/warc-fields`) as
    /// its block, already formatted by [`warc_fields`].
    pub fn warcinfo(id: RecordId, date: DateTime<Utc>, filename: Option<&str>, fields: &'a [u8]) -> Self {
        let mut record = Self::new(RecordType::Warcinfo, id, date, "application/warc-fields", fields);
        if let Some(filename) = filename {
            record.fields.push(("WARC-Filename", filename.to_owned()));
        }
        record
    }

    /// A `resource` record: `bytes` exactly, as found at `target_uri` and recorded at `date`.
    /// `sha1` is the SHA-1 of `bytes` (the store keeps it with each version): it is both the
    /// payload and the block digest, since a resource record's block is its payload.
    #[allow(clippy::too_many_arguments)]
    pub fn resource(
        id: RecordId,
        warcinfo: RecordId,
        target_uri: &str,
        date: DateTime<Utc>,
        content_type: &'a str,
        bytes: &'a [u8],
        sha1: Sha1,
    ) -> Self {
        let mut record = Self::new(RecordType::Resource, id, date, content_type, bytes);
        record.fields.push(("WARC-Warcinfo-ID", warcinfo.to_string()));
        record.fields.push(("WARC-Target-URI", target_uri.to_owned()));
        record
            .fields
            .push(("WARC-Payload-Digest", format!("sha1:{sha1}")));
        record.block_sha1 = Some(sha1);
        record
    }

    /// A `metadata` record about the record `concurrent_to`, at `target_uri` and `date`.
    pub fn metadata(
        id: RecordId,
        warcinfo: RecordId,
        concurrent_to: RecordId,
        target_uri: &str,
        date: DateTime<Utc>,
        content_type: &'a str,
        block: &'a [u8],
    ) -> Self {
        let mut record = Self::new(RecordType::Metadata, id, date, content_type, block);
        record.fields.push(("WARC-Warcinfo-ID", warcinfo.to_string()));
        record.fields.push(("WARC-Target-URI", target_uri.to_owned()));
        record
            .fields
            .push(("WARC-Concurrent-To", concurrent_to.to_string()));
        record
    }

    fn new(
        kind: RecordType,
        id: RecordId,
        date: DateTime<Utc>,
        content_type: &'a str,
        block: &'a [u8],
    ) -> Self {
        Self {
            kind,
            id,
            date,
            fields: Vec::new(),
            content_type,
            block,
            block_sha1: None,
        }
    }

    /// The record's header: version line, named fields, blank line (`\r\n` throughout).
    pub fn head(&self) -> String {
        let block_sha1 = self.block_sha1.unwrap_or_else(|| Sha1::of(self.block));
        let mut head = String::with_capacity(512);
        head.push_str("WARC/1.1\r\n");
        let mut field = |name: &str, value: &str| {
            // Values are ours or canonical URLs and media types: no line breaks to fold.
            let _ = write!(head, "{name}: {value}\r\n");
        };
        field("WARC-Type", self.kind.as_str());
        field("WARC-Record-ID", &self.id.to_string());
        field(
            "WARC-Date",
            &self.date.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        );
        for (name, value) in &self.fields {
            field(name, value);
        }
        field("WARC-Block-Digest", &format!("sha1:{block_sha1}"));
        field("Content-Type", self.content_type);
        field("Content-Length", &self.block.len().to_string());
        head.push_str("\r\n");
        head
    }

    /// Writes the record uncompressed: head, block, and the two line breaks that end it.
    pub fn write_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(self.head().as_bytes())?;
        out.write_all(self.block)?;
        out.write_all(b"\r\n\r\n")
    }

    /// Appends the record to `out` as one gzip member of its own.
    pub fn write_gzip_member(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        let mut encoder = GzEncoder::new(out, Compression::fast());
        self.write_to(&mut encoder)?;
        encoder.finish()?;
        Ok(())
    }
}

/// `application/warc-fields`: one `name: value` line per field. Line breaks inside a value are
/// replaced by spaces (a field is one line).
pub fn warc_fields(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in fields {
        let value: String = value
            .chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
            .collect();
        let _ = write!(out, "{name}: {value}\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::MultiGzDecoder;
    use std::io::Read;

    fn date() -> DateTime<Utc> {
        "2026-11-23T14:05:09.123456Z".parse().unwrap()
    }

    #[test]
    fn record_ids_are_rfc_9562_version_5_uuids() {
        // Python: str(uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")).
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
        ];
        assert_eq!(
            RecordId::v5(&dns, "python.org").to_string(),
            "<urn:uuid:886313e1-3b8a-5372-9b90-0c9aee199e5d>"
        );
        assert_eq!(RecordId::named("a"), RecordId::named("a"));
        assert_ne!(RecordId::named("a"), RecordId::named("b"));
    }

    #[test]
    fn a_resource_record_has_the_warc_1_1_fields_and_the_exact_bytes() {
        let bytes = b"<p>Hello</p>";
        let record = Record::resource(
            RecordId::named("r"),
            RecordId::named("i"),
            "https://example.org/a",
            date(),
            "text/html; charset=utf-8",
            bytes,
            Sha1::of(bytes),
        );
        let mut out = Vec::new();
        record.write_to(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let digest = Sha1::of(bytes).to_base32();
        let expected = format!(
            "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: {}\r\n\
             WARC-Date: 2026-11-23T14:05:09.123456Z\r\nWARC-Warcinfo-ID: {}\r\n\
             WARC-Target-URI: https://example.org/a\r\nWARC-Payload-Digest: sha1:{digest}\r\n\
             WARC-Block-Digest: sha1:{digest}\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Length: 12\r\n\r\n<p>Hello</p>\r\n\r\n",
            RecordId::named("r"),
            RecordId::named("i"),
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_metadata_record_names_its_resource_and_digests_its_own_block() {
        let block = br#"{"a":1}"#;
        let record = Record::metadata(
            RecordId::named("m"),
            RecordId::named("i"),
            RecordId::named("r"),
            "https://example.org/a",
            date(),
            "application/json",
            block,
        );
        let head = record.head();
        assert!(head.contains(&format!("WARC-Concurrent-To: {}\r\n", RecordId::named("r"))));
        assert!(head.contains(&format!("WARC-Block-Digest: sha1:{}\r\n", Sha1::of(block))));
        assert!(!head.contains("WARC-Payload-Digest"));
        assert!(head.contains("WARC-Type: metadata\r\n"));
    }

    #[test]
    fn whole_second_dates_have_no_fraction() {
        let record = Record::warcinfo(
            RecordId::named("i"),
            "2026-01-02T03:04:05Z".parse().unwrap(),
            Some("x.warc.gz"),
            b"",
        );
        let head = record.head();
        assert!(head.contains("WARC-Date: 2026-01-02T03:04:05Z\r\n"), "{head}");
        assert!(head.contains("WARC-Filename: x.warc.gz\r\n"));
        assert!(head.contains("Content-Length: 0\r\n"));
    }

    #[test]
    fn each_record_is_a_gzip_member_of_its_own() {
        let fields = warc_fields(&[("software", "provenance"), ("note", "a\nb")]);
        assert_eq!(fields, b"software: provenance\r\nnote: a b\r\n");
        let info = Record::warcinfo(RecordId::named("i"), date(), None, &fields);
        let resource = Record::resource(
            RecordId::named("r"),
            RecordId::named("i"),
            "https://example.org/",
            date(),
            "text/plain",
            b"x",
            Sha1::of(b"x"),
        );
        let mut out = Vec::new();
        info.write_gzip_member(&mut out).unwrap();
        let first_member = out.len();
        resource.write_gzip_member(&mut out).unwrap();
        let mut plain = Vec::new();
        info.write_to(&mut plain).unwrap();
        let info_len = plain.len();
        resource.write_to(&mut plain).unwrap();
        // The second member starts at its own offset, as a CDX index points to it.
        let mut second = Vec::new();
        MultiGzDecoder::new(&out[first_member..])
            .read_to_end(&mut second)
            .unwrap();
        assert_eq!(second, plain[info_len..]);
        let mut all = Vec::new();
        MultiGzDecoder::new(&out[..]).read_to_end(&mut all).unwrap();
        assert_eq!(all, plain);
    }
}
