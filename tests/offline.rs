//! The offline commands through the real binary: `fsck` finds corruption, `export` then
//! `import` reproduces the registry exactly, and a tampered export is refused.

mod common;

use chrono::Utc;
use provenance::config::LogSettings;
use provenance::domain::{Contact, Content, Draft, Metadata, PublishedAt, SourceUrl, Text};
use provenance::startup::{open_store, open_store_with, KeyUse};
use provenance::store::StoreOptions;
use std::path::Path;
use std::process::{Command, Output};

fn provenance(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_provenance"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("the binary runs")
}

use common::output_text as text;

/// A store with three statements, one of them in three versions, one text shared by two.
fn populate(data_dir: &Path) {
    populate_with(data_dir, StoreOptions::default());
}

fn populate_with(data_dir: &Path, options: StoreOptions) {
    let store = open_store_with(
        data_dir,
        &LogSettings::default(),
        KeyUse::CreateIfMissing,
        options,
    )
    .unwrap();
    let submit = |url: &str, content: &str, title: Option<&str>| {
        let submission = Draft {
            source_url: SourceUrl::parse("source_url", url).unwrap(),
            content: Content::parse("content", content.to_owned()).unwrap(),
            metadata: Metadata {
                title: title.map(|t| Text::parse("title", t, 100).unwrap()),
                published_at: Some(PublishedAt::parse("published_at", "2018-01-24T16:30:00-05:00").unwrap()),
                media_contacts: vec![Contact::new(
                    None,
                    Some(Text::parse("o", "ACLU", 100).unwrap()),
                    None,
                    None,
                )
                .unwrap()],
                ..Metadata::default()
            },
            submitted_by: None,
            sources: Default::default(),
            captured_at: None,
        }
        .read_exactly();
        store.ingest(submission, Utc::now()).unwrap();
    };
    submit("https://example.org/a", "First wording.", None);
    submit("https://example.org/a", "First wording.", Some("A title"));
    submit(
        "https://example.org/a",
        "Second wording — “edited”.",
        Some("A title"),
    );
    submit("https://example.org/b", "Shared text.", None);
    submit("https://mirror.example/b", "Shared text.", None);
}

#[test]
fn fsck_passes_a_sound_store_and_finds_a_flipped_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    populate(&data);
    let sound = provenance(&["fsck"], &data);
    assert!(sound.status.success(), "{}", text(&sound));
    assert!(
        text(&sound).contains("ok, 5 versions checked"),
        "{}",
        text(&sound)
    );

    // Flip one byte of one stored content, below the store's API, as bit rot would.
    {
        let db = sled::open(&data).unwrap();
        let tree = db.open_tree("registry").unwrap();
        let (key, value) = tree.scan_prefix(b"B").next().unwrap().unwrap();
        let mut flipped = value.to_vec();
        flipped[3] ^= 0x01;
        tree.insert(key, flipped).unwrap();
        db.flush().unwrap();
    }
    let corrupt = provenance(&["fsck"], &data);
    assert!(!corrupt.status.success());
    let report = text(&corrupt);
    assert!(report.contains("content does not hash to"), "{report}");
    assert!(report.contains("problem(s) found"), "{report}");
}

#[test]
fn fsck_checks_the_passage_index_files_which_are_rebuilt_when_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    populate_with(
        &data,
        StoreOptions {
            passage_segment_versions: 2,
            ..StoreOptions::default()
        },
    );
    let segments: Vec<_> = std::fs::read_dir(data.join("passages"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "seg"))
        .collect();
    assert!(!segments.is_empty(), "segment files written");
    let sound = provenance(&["fsck"], &data);
    assert!(sound.status.success(), "{}", text(&sound));

    let mut bytes = std::fs::read(&segments[0]).unwrap();
    bytes[40] ^= 0x01; // inside the first entry
    std::fs::write(&segments[0], bytes).unwrap();
    let corrupt = provenance(&["fsck"], &data);
    assert!(!corrupt.status.success());
    let report = text(&corrupt);
    assert!(
        report.contains("passage segment") && report.contains("checksum"),
        "{report}"
    );

    std::fs::remove_dir_all(data.join("passages")).unwrap();
    let rebuilt = provenance(&["fsck"], &data);
    assert!(rebuilt.status.success(), "{}", text(&rebuilt));
}

#[test]
fn fsck_finds_a_missing_index_entry_and_a_broken_journal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    populate(&data);
    {
        let db = sled::open(&data).unwrap();
        let tree = db.open_tree("registry").unwrap();
        let (hash_key, _) = tree.scan_prefix(b"H").next().unwrap().unwrap();
        tree.remove(hash_key).unwrap();
        let (journal_key, _) = tree.scan_prefix(b"Q").next().unwrap().unwrap();
        tree.remove(journal_key).unwrap();
        db.flush().unwrap();
    }
    let report = text(&provenance(&["fsck"], &data));
    assert!(report.contains("index entry missing"), "{report}");
    assert!(report.contains("missing from the journal"), "{report}");
}

#[test]
fn export_then_import_reproduces_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original");
    populate(&original);
    let export_file = dir.path().join("registry.jsonl");
    let exported = provenance(&["export", "--output", export_file.to_str().unwrap()], &original);
    assert!(exported.status.success(), "{}", text(&exported));
    assert!(text(&exported).contains("exported 5 versions"));

    let restored = dir.path().join("restored");
    let imported = provenance(&["import", export_file.to_str().unwrap()], &restored);
    assert!(imported.status.success(), "{}", text(&imported));
    let checked = provenance(&["fsck"], &restored);
    assert!(checked.status.success(), "{}", text(&checked));
    // The same leaves in the same order: the log has the same size and root (lines 2 and 3 of
    // the checkpoint fsck prints; the key, and so the signature, is the new folder's own).
    let tree_head = |output: &Output| -> Vec<String> {
        let report = text(output);
        let body = report
            .split("log checkpoint:\n")
            .nth(1)
            .expect("fsck prints the checkpoint")
            .to_owned();
        body.lines().skip(1).take(2).map(str::to_owned).collect()
    };
    let original_head = tree_head(&provenance(&["fsck"], &original));
    assert_eq!(original_head[0], "5");
    assert_eq!(tree_head(&checked), original_head);

    // Exporting the restored registry gives the same lines (the header's time aside).
    let again = provenance(&["export"], &restored);
    let first = std::fs::read_to_string(&export_file).unwrap();
    let second = String::from_utf8(again.stdout).unwrap();
    assert_eq!(first.lines().count(), 6);
    assert_eq!(
        first.lines().skip(1).collect::<Vec<_>>(),
        second.lines().skip(1).collect::<Vec<_>>()
    );

    let occupied = provenance(&["import", export_file.to_str().unwrap()], &restored);
    assert!(!occupied.status.success());
    assert!(text(&occupied).contains("not empty"), "{}", text(&occupied));
}

#[test]
fn a_tampered_export_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original");
    populate(&original);
    let export = String::from_utf8(provenance(&["export"], &original).stdout).unwrap();
    let lines: Vec<&str> = export.lines().collect();
    let cases = [
        (
            "edited content",
            export.replace("Second wording", "Second w0rding"),
        ),
        ("dropped version", [&lines[..2], &lines[3..]].concat().join("\n")),
        (
            "reordered versions",
            [lines[0], lines[2], lines[1], lines[3], lines[4], lines[5]].join("\n"),
        ),
        (
            "altered change list",
            export.replacen("\"changed\":[\"title\"]", "\"changed\":[]", 1),
        ),
        ("not an export", "hello\n".to_owned()),
    ];
    for (case, tampered) in cases {
        let file = dir.path().join("tampered.jsonl");
        std::fs::write(&file, tampered).unwrap();
        let target = dir.path().join("target");
        let refused = provenance(&["import", file.to_str().unwrap()], &target);
        assert!(!refused.status.success(), "{case}: {}", text(&refused));
        assert!(!target.exists(), "{case}: nothing is left behind");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("importing"))
            .collect();
        assert!(leftovers.is_empty(), "{case}: the staging folder is removed");
    }
}

#[test]
fn a_store_that_lost_history_below_sled_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let store = open_store(&data, &LogSettings::default(), KeyUse::CreateIfMissing).unwrap();
        for n in 0..20 {
            let submission = Draft {
                source_url: SourceUrl::parse("source_url", &format!("https://example.org/{n}")).unwrap(),
                content: Content::parse("content", format!("MARKER-{n:02} statement text with padding"))
                    .unwrap(),
                metadata: Metadata::default(),
                submitted_by: None,
                sources: Default::default(),
                captured_at: None,
            }
            .read_exactly();
            store.ingest(submission, Utc::now()).unwrap();
        }
    }
    // Flip one byte of the 8th statement's text inside sled's own file: sled finds the damaged
    // record at start, drops it and everything after it, and carries on.
    let file = data.join("db");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"MARKER-07")
        .expect("the text is in sled's file");
    bytes[at + 2] ^= 0x01;
    std::fs::write(&file, bytes).unwrap();

    let refused = provenance(&["fsck"], &data);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("lost acknowledged data"),
        "{}",
        text(&refused)
    );
    let serve = Command::new(env!("CARGO_BIN_EXE_provenance"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!serve.status.success(), "the service refuses to start");
    assert!(
        text(&serve).contains("lost acknowledged data"),
        "{}",
        text(&serve)
    );
}

#[test]
fn fsck_checks_the_sha1_index() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    populate(&data);
    {
        let db = sled::open(&data).unwrap();
        let tree = db.open_tree("registry").unwrap();
        let entries: Vec<_> = tree.scan_prefix(b"h").map(|entry| entry.unwrap().0).collect();
        assert_eq!(entries.len(), 5, "one SHA-1 entry per version");
        // One entry removed, one moved to a SHA-1 no content has.
        tree.remove(&entries[0]).unwrap();
        let mut moved = entries[1].to_vec();
        moved[1] ^= 0x01;
        tree.remove(&entries[1]).unwrap();
        tree.insert(moved, &[][..]).unwrap();
        db.flush().unwrap();
    }
    let report = text(&provenance(&["fsck"], &data));
    assert!(report.contains("index entry missing"), "{report}");
    assert!(report.contains("index entry without a version"), "{report}");
}

/// A store written before SHA-1 digests were kept: its version records have no `sha1` and
/// there is no `h` index. Opening it fills both in; fsck then passes.
#[test]
fn records_without_a_sha1_get_one_when_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    populate(&data);
    let strip = |data: &Path| {
        let db = sled::open(data).unwrap();
        let tree = db.open_tree("registry").unwrap();
        for entry in tree.scan_prefix(b"h") {
            tree.remove(entry.unwrap().0).unwrap();
        }
        for entry in tree.scan_prefix(b"V") {
            let (key, value) = entry.unwrap();
            let mut record: serde_json::Value = serde_json::from_slice(&value[1..]).unwrap();
            assert!(record.as_object_mut().unwrap().remove("sha1").is_some());
            let mut bytes = vec![value[0]];
            serde_json::to_writer(&mut bytes, &record).unwrap();
            tree.insert(key, bytes).unwrap();
        }
        db.flush().unwrap();
    };
    strip(&data);
    let checked = provenance(&["fsck"], &data);
    assert!(checked.status.success(), "{}", text(&checked));
    let store = open_store(&data, &LogSettings::default(), KeyUse::MustExist).unwrap();
    let sha1 = provenance::domain::Sha1::of("Shared text.".as_bytes());
    let found = store.versions_with_sha1(&sha1, None, 10).unwrap();
    assert_eq!(found.items.len(), 2);
    assert!(found.items.iter().all(|version| version.sha1 == Some(sha1)));
}
