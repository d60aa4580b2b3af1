//! The log as C2SP tlog-tiles over HTTP, checked the way a mirror uses it: from `/checkpoint`,
//! the entry bundles and the hash tiles alone, with RFC 6962 hashing, the signed-note format and
//! the path encoding written here again from the specs (sha2 and ed25519-dalek, not the
//! crate's own log code), the tree is rebuilt at several sizes (one leaf, a tile short of
//! full, exactly full, one more, several tiles) and every tile and root compared.

use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use crate::helpers::{assert_problem, spawn_app, TestApp};

type Hash = [u8; 32];

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn leaf_hash(leaf: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0])
        .chain_update(leaf)
        .finalize()
        .into()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([1])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// RFC 6962 §2.1 MTH over leaf hashes, recursively: the left part is the largest power of two
/// smaller than the count.
fn tree_hash(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => Sha256::digest([]).into(),
        1 => hashes[0],
        n => {
            let mut split = 1;
            while split * 2 < n {
                split *= 2;
            }
            node_hash(&tree_hash(&hashes[..split]), &tree_hash(&hashes[split..]))
        }
    }
}

/// The tlog-tiles path element of `n`: groups of three digits, all but the last prefixed `x`.
fn index_path(n: u64) -> String {
    let digits = format!("{n}");
    let padded = format!("{}{digits}", "0".repeat((3 - digits.len() % 3) % 3));
    let groups: Vec<&str> = padded
        .as_bytes()
        .chunks(3)
        .map(|g| std::str::from_utf8(g).unwrap())
        .collect();
    let (last, leading) = groups.split_last().unwrap();
    leading.iter().map(|g| format!("x{g}/")).collect::<String>() + last
}

fn tile_path(level: Option<u32>, index: u64, width: u64) -> String {
    let head = level.map_or("entries".to_owned(), |l| l.to_string());
    let suffix = if width == 256 {
        String::new()
    } else {
        format!(".p/{width}")
    };
    format!("/tile/{head}/{}{suffix}", index_path(index))
}

/// A checkpoint's size and root, after checking its Ed25519 signature by the key `vkey`
/// (`<name>+<hex key id>+<base64(0x01 ‖ public key)>`) as C2SP signed-note says.
fn verify_checkpoint(vkey: &str, note: &str, origin: &str) -> (u64, Hash) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut parts = vkey.trim().splitn(3, '+');
    let (name, key_id, key) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let key = b64.decode(key).unwrap();
    assert_eq!(key[0], 1, "an Ed25519 key");
    let id: [u8; 4] = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update(&key)
        .finalize()[..4]
        .try_into()
        .unwrap();
    assert_eq!(hex::encode(id), key_id);
    let public = VerifyingKey::from_bytes(&key[1..].try_into().unwrap()).unwrap();
    let (text, signatures) = note
        .split_once("\n\n")
        .expect("a note: text, blank line, signatures");
    let text = format!("{text}\n");
    let signed = signatures.lines().any(|line| {
        let Some((signer, signature)) = line.strip_prefix("— ").and_then(|l| l.split_once(' ')) else {
            return false;
        };
        let signature = b64.decode(signature).unwrap_or_default();
        signer == name
            && signature.len() == 68
            && signature[..4] == id
            && public
                .verify_strict(text.as_bytes(), &Signature::from_slice(&signature[4..]).unwrap())
                .is_ok()
    });
    assert!(signed, "the checkpoint carries the log's signature:\n{note}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], origin);
    let size = lines[1].parse().unwrap();
    let root = b64.decode(lines[2]).unwrap().try_into().unwrap();
    (size, root)
}

/// GETs a tile, expecting 200 with the tile headers, and returns its bytes.
async fn fetch(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream",
        "{path}"
    );
    assert_eq!(response.headers()["cache-control"], IMMUTABLE, "{path}");
    response.bytes().await.unwrap().to_vec()
}

/// Splits an entry bundle into its entries: each a big-endian uint16 length and the bytes.
fn bundle_entries(mut bundle: &[u8]) -> Vec<Vec<u8>> {
    let mut entries = Vec::new();
    while !bundle.is_empty() {
        let length = usize::from(u16::from_be_bytes([bundle[0], bundle[1]]));
        entries.push(bundle[2..2 + length].to_vec());
        bundle = &bundle[2 + length..];
    }
    entries
}

fn split_hashes(tile: &[u8]) -> Vec<Hash> {
    assert_eq!(tile.len() % 32, 0);
    tile.chunks(32).map(|h| h.try_into().unwrap()).collect()
}

/// What a mirror knows after copying the log from its tiles.
struct Mirror {
    size: u64,
    leaves: Vec<Vec<u8>>,
    /// Every tile fetched, by path, with its bytes.
    tiles: Vec<(String, Vec<u8>)>,
}

/// Copies the log from `/checkpoint` and its tiles, checking every tile against the hashes
/// recomputed from the entries, and the root against the signed checkpoint.
async fn mirror(app: &TestApp, vkey: &str) -> Mirror {
    let response = app.get("/checkpoint").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let note = response.text().await.unwrap();
    let (size, root) = verify_checkpoint(vkey, &note, "provenance.localhost/log");
    let mut tiles = Vec::new();

    // Level 0 from the entry bundles: 256 entries per full bundle, then the rest.
    let mut leaves = Vec::new();
    for index in 0..size.div_ceil(256) {
        let width = (size - index * 256).min(256);
        let path = tile_path(None, index, width);
        let bundle = fetch(app, &path).await;
        let entries = bundle_entries(&bundle);
        assert_eq!(entries.len() as u64, width, "{path}");
        leaves.extend(entries);
        tiles.push((path, bundle));
    }
    let mut hashes: Vec<Hash> = leaves.iter().map(|leaf| leaf_hash(leaf)).collect();

    // Each level's tiles hold the hashes recomputed below; the next level hashes its full tiles.
    let mut level = 0;
    while !hashes.is_empty() {
        for (index, chunk) in hashes.chunks(256).enumerate() {
            let path = tile_path(Some(level), index as u64, chunk.len() as u64);
            let tile = fetch(app, &path).await;
            assert_eq!(
                split_hashes(&tile),
                chunk,
                "{path} holds the hashes of the level below"
            );
            tiles.push((path, tile));
        }
        hashes = hashes.chunks_exact(256).map(tree_hash).collect();
        level += 1;
    }
    // Nothing beyond: the next level, the next tile and one hash more are not there.
    for path in [
        tile_path(Some(level), 0, 1),
        tile_path(Some(0), size / 256, size % 256 + 1),
        tile_path(None, size / 256, size % 256 + 1),
        tile_path(Some(0), size.div_ceil(256), 1),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert_problem(response, StatusCode::NOT_FOUND, "").await;
    }

    let leaf_hashes: Vec<Hash> = leaves.iter().map(|leaf| leaf_hash(leaf)).collect();
    assert_eq!(
        tree_hash(&leaf_hashes),
        root,
        "the tiles' tree has the signed root at {size}"
    );
    Mirror { size, leaves, tiles }
}

/// Ingests `count` small statements, 20 at a time so that they share commit groups.
async fn ingest(app: &TestApp, from: usize, count: usize) {
    for batch in (from..from + count).collect::<Vec<_>>().chunks(20) {
        join_all(batch.iter().map(|n| async move {
            let body = json!({"source_url": format!("https://example.org/tiles/{}", n % 7), "content": format!("Tile text {n}")});
            app.ingest_ok(&body, StatusCode::CREATED).await
        }))
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mirror_rebuilds_the_log_from_tiles_alone_at_every_size() {
    let app = spawn_app().await;
    let vkey = app.get("/v1/log/key").await.text().await.unwrap();
    let empty = mirror(&app, &vkey).await;
    assert_eq!((empty.size, empty.tiles.len()), (0, 0));

    let mut stored = 0;
    let mut full_tiles_seen: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for size in [1, 255, 256, 257, 300] {
        ingest(&app, stored, size - stored).await;
        stored = size;
        let copy = mirror(&app, &vkey).await;
        assert_eq!(copy.size, size as u64);
        // The leaves are the ones the log's entries endpoint lists.
        let listed = app
            .get_json(&format!("/v1/log/entries?start={}&limit=1", size - 1))
            .await;
        assert_eq!(
            listed["entries"][0]["leaf"].as_str().unwrap().as_bytes(),
            copy.leaves[size - 1].as_slice()
        );
        // A full tile, once served, never changes.
        for (path, bytes) in &full_tiles_seen {
            assert_eq!(&fetch(&app, path).await, bytes, "{path} changed");
        }
        for (path, bytes) in copy.tiles.into_iter().filter(|(path, _)| !path.contains(".p/")) {
            let first = full_tiles_seen
                .entry(path.clone())
                .or_insert_with(|| bytes.clone());
            assert_eq!(first, &bytes, "{path} changed");
        }
    }
    assert_eq!(
        full_tiles_seen.keys().map(String::as_str).collect::<Vec<_>>(),
        ["/tile/0/000", "/tile/entries/000"],
        "the full tiles of up to 300 entries"
    );
    app.assert_store_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn partial_tiles_exist_at_every_width_the_tree_has() {
    let app = spawn_app().await;
    ingest(&app, 0, 300).await;
    let full = fetch(&app, "/tile/0/000").await;
    let bundle = fetch(&app, "/tile/entries/000").await;
    let entries = bundle_entries(&bundle);
    // Within a full tile, every width is its prefix.
    for width in 1..=255_usize {
        let tile = fetch(&app, &format!("/tile/0/000.p/{width}")).await;
        assert_eq!(tile, full[..width * 32], "width {width}");
        let partial = bundle_entries(&fetch(&app, &format!("/tile/entries/000.p/{width}")).await);
        assert_eq!(partial, entries[..width], "width {width}");
    }
    // The rightmost tile has 300 - 256 = 44 hashes: widths 1 to 44, and no more.
    let last = fetch(&app, "/tile/0/001.p/44").await;
    for width in 1..=255_usize {
        let path = format!("/tile/0/001.p/{width}");
        if width <= 44 {
            assert_eq!(fetch(&app, &path).await, last[..width * 32], "{path}");
        } else {
            assert_problem(app.get(&path).await, StatusCode::NOT_FOUND, "").await;
            let path = format!("/tile/entries/001.p/{width}");
            assert_problem(app.get(&path).await, StatusCode::NOT_FOUND, "").await;
        }
    }
    // Level 1 has one hash, over the first full tile; level 8 and above never hold anything.
    let level_one = fetch(&app, "/tile/1/000.p/1").await;
    assert_eq!(level_one, tree_hash(&split_hashes(&full)));
    for path in [
        "/tile/1/000.p/2",
        "/tile/1/000",
        "/tile/2/000.p/1",
        "/tile/8/000.p/1",
        "/tile/63/000",
    ] {
        assert_problem(app.get(path).await, StatusCode::NOT_FOUND, "").await;
    }
}

#[tokio::test]
async fn malformed_tile_paths_are_refused_with_400() {
    let app = spawn_app().await;
    ingest(&app, 0, 1).await;
    assert_eq!(fetch(&app, "/tile/0/000.p/1").await.len(), 32);
    for path in [
        "/tile/00/000.p/1",
        "/tile/64/000",
        "/tile/-1/000",
        "/tile/x/000",
        "/tile/0/0",
        "/tile/0/0000",
        "/tile/0/x000/000",
        "/tile/0/001/000",
        "/tile/0/000.p/0",
        "/tile/0/000.p/01",
        "/tile/0/000.p/256",
        "/tile/0/000.p/",
        "/tile/0/000/",
        "/tile/0/x001%2F000",
        "/tile/entries/0",
        "/tile/entries/000.p/1/",
        "/tile/entries/",
    ] {
        let problem = assert_problem(app.get(path).await, StatusCode::BAD_REQUEST, "path").await;
        assert!(
            problem["detail"].as_str().unwrap().len() > 10,
            "{path}: {problem}"
        );
    }
    for path in ["/tile/", "/tile/0", "/tiles/0/000"] {
        assert_problem(app.get(path).await, StatusCode::NOT_FOUND, "").await;
    }
    let response = app
        .client
        .post(format!("{}/tile/0/000", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::METHOD_NOT_ALLOWED, "").await;
}

#[test]
fn index_paths_follow_the_spec() {
    assert_eq!(index_path(0), "000");
    assert_eq!(index_path(999), "999");
    assert_eq!(index_path(1000), "x001/000");
    assert_eq!(index_path(1_234_067), "x001/x234/067");
    assert_eq!(tile_path(Some(2), 5, 17), "/tile/2/005.p/17");
    // The hashing above against the crate's reference tree, at sizes around powers of two.
    let mut reference = provenance::log::merkle::MemoryTree::new();
    let mut hashes = Vec::new();
    for i in 0..600_u32 {
        let hash = leaf_hash(&i.to_be_bytes());
        reference.push(hash);
        hashes.push(hash);
        assert_eq!(
            Some(tree_hash(&hashes)),
            reference.root_by_definition(hashes.len() as u64)
        );
    }
}

#[tokio::test]
async fn large_indices_use_x_prefixed_groups_and_bundles_compress() {
    let app = spawn_app().await;
    ingest(&app, 0, 2).await;
    // The largest leaf ingest allows (every field at its limit, in 4-byte characters) fits an
    // entry bundle's uint16 length.
    let widest = "\u{1D11E}";
    let body = json!({
        "source_url": format!("https://example.org/{}", "a".repeat(2000)),
        "content": "The longest leaf.",
        "title": widest.repeat(1000),
        "publisher": widest.repeat(300),
        "published_at": "2017-08-16T09:30:00.123456+05:45",
    });
    app.ingest_ok(&body, StatusCode::CREATED).await;
    let entries = bundle_entries(&fetch(&app, "/tile/entries/000.p/3").await);
    assert!(entries[2].len() > 6000, "{} bytes", entries[2].len());
    let hashes: Vec<Hash> = entries.iter().map(|leaf| leaf_hash(leaf)).collect();
    assert_eq!(split_hashes(&fetch(&app, "/tile/0/000.p/3").await), hashes);
    // Tiles far beyond the tree, named correctly, are 404s, not 400s.
    for path in [
        "/tile/0/x001/000",
        "/tile/entries/x001/x234/067.p/3",
        "/tile/7/x018/x446/x744/x073/x709/x551/615",
    ] {
        assert_problem(app.get(path).await, StatusCode::NOT_FOUND, "").await;
    }
    let plain = fetch(&app, "/tile/entries/000.p/3").await;
    let response = app
        .client
        .get(format!("{}/tile/entries/000.p/3", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["cache-control"], IMMUTABLE);
    let compressed = response.bytes().await.unwrap();
    assert_eq!(gunzip(&compressed), plain);
}

/// Decompresses with the system's gzip, independently of the service.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("gzip")
        .args(["-dc"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip is installed");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    child.wait_with_output().unwrap().stdout
}
