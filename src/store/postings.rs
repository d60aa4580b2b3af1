//! The passage index: for every shingle fingerprint, the journal sequence numbers of the
//! versions whose text has it. Postings only ever grow (a stored version's text never changes),
//! so they are kept as sorted, immutable segment files beside the store's files, written in the
//! background, instead of as random B-tree keys in the ingest's batch (about 130 per version,
//! which cost more than the rest of the write together).
//!
//! # Layout
//! `<data dir>/passages/<first>-<end>.seg` holds the postings of the versions with journal
//! sequence numbers `first..end` (both 20-digit decimals, so names sort by range):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `PVPSEG01` |
//! | 8 | `first` (u64 BE) |
//! | 8 | `end` (u64 BE) |
//! | 8 | entry count `c` (u64 BE) |
//! | 16·c | entries: fingerprint (u64 BE) ‖ sequence (u64 BE), strictly ascending |
//! | 8·⌈c/256⌉ | sparse index: the fingerprint of entries 0, 256, 512… |
//! | 32 | SHA-256 of everything before it |
//!
//! # Invariants
//! 1. **Derived, never the only copy.** Everything here can be recomputed from the content; the
//!    journal is the recovery point. The versions after the last segment are held in memory and
//!    rebuilt from their content when the store opens, so a crash loses no posting.
//! 2. **Only durable versions in a file.** Before it writes a segment the writer thread flushes
//!    the store, so a segment never names a sequence number that a crash could give to another
//!    version.
//! 3. **Whole files only.** A segment is written under a temporary name, synced, renamed into
//!    place and its folder synced; a file under a segment name is complete.
//! 4. **One chain.** The segments in use cover `0..covered` without gap or overlap; at open, any
//!    other file (the inputs of a merge whose output landed, a temporary file, a segment past the
//!    journal) is removed. Merges of [`MERGE_FAN`] segments of one size class into one run on
//!    the writer thread; a reader keeps the files it started with open until it is done.
//!
//! [`Store::audit`](super::Store::audit) checks every segment's checksum, order and range, and
//! that its postings are exactly those recomputed from the content.

use std::collections::{BinaryHeap, HashMap};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError, RwLock};
use std::thread::JoinHandle;

use sha2::Digest;

use super::StoreError;

/// The folder of the segment files inside the data folder.
pub const FOLDER: &str = "passages";

/// Versions collected in memory before they are written as one segment, unless the store is
/// opened with another number.
pub const DEFAULT_SEGMENT_VERSIONS: u64 = 1024;

/// How many segments of one size class are merged into one.
pub const MERGE_FAN: usize = 4;

const MAGIC: &[u8; 8] = b"PVPSEG01";
const HEADER_BYTES: u64 = 32;
const ENTRY_BYTES: u64 = 16;
const SPARSE_EVERY: u64 = 256;
const CHECKSUM_BYTES: u64 = 32;
/// More entries than any file can hold (2^56 × 16 bytes), so that a damaged count cannot make
/// the expected file length overflow.
const MAX_ENTRIES: u64 = 1 << 56;

/// A fingerprint and the journal sequence number of a version whose text has it.
type Posting = (u64, u64);

/// Postings of consecutive versions, in memory.
#[derive(Debug, Default)]
struct Memtable {
    first: u64,
    end: u64,
    postings: HashMap<u64, Vec<u64>>,
}

impl Memtable {
    fn starting_at(first: u64) -> Self {
        Self {
            first,
            end: first,
            postings: HashMap::new(),
        }
    }

    fn versions(&self) -> u64 {
        self.end - self.first
    }

    fn add(&mut self, sequence: u64, fingerprints: &[u64]) {
        for fingerprint in fingerprints {
            let holders = self.postings.entry(*fingerprint).or_default();
            if holders.last() != Some(&sequence) {
                holders.push(sequence);
            }
        }
        self.end = sequence + 1;
    }

    /// The summary of every posting held (order does not matter to it).
    fn digest(&self) -> PostingsDigest {
        let mut digest = PostingsDigest::default();
        for (fingerprint, holders) in &self.postings {
            for sequence in holders {
                digest.add(*fingerprint, *sequence);
            }
        }
        digest
    }

    /// Every posting, ascending; each is held once ([`Memtable::add`] takes a version once).
    fn sorted(&self) -> Vec<Posting> {
        let mut entries: Vec<Posting> = self
            .postings
            .iter()
            .flat_map(|(fingerprint, holders)| holders.iter().map(|sequence| (*fingerprint, *sequence)))
            .collect();
        entries.sort_unstable();
        entries
    }
}

/// One immutable segment file, open for reading.
#[derive(Debug)]
struct Segment {
    first: u64,
    end: u64,
    count: u64,
    path: PathBuf,
    file: File,
    sparse: Vec<u64>,
}

fn segment_name(first: u64, end: u64) -> String {
    format!("{first:020}-{end:020}.seg")
}

/// The range a segment file name stands for.
fn parse_segment_name(name: &str) -> Option<(u64, u64)> {
    let (first, end) = name.strip_suffix(".seg")?.split_once('-')?;
    let range = (first.parse().ok()?, end.parse().ok()?);
    (range.0 < range.1 && name == segment_name(range.0, range.1)).then_some(range)
}

fn sparse_len(count: u64) -> u64 {
    count.div_ceil(SPARSE_EVERY)
}

fn file_len(count: u64) -> u64 {
    HEADER_BYTES + count * ENTRY_BYTES + sparse_len(count) * 8 + CHECKSUM_BYTES
}

fn corrupt(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "passage segment {}: {what} (the passage index is derived data: remove the file and \
             it is rebuilt from the stored content when the store next opens)",
            path.display()
        ),
    )
}

fn be_u64(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(word)
}

/// Writes everything it is given to a file and into a running SHA-256.
struct HashingWriter {
    out: BufWriter<File>,
    hasher: sha2::Sha256,
}

impl HashingWriter {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.out.write_all(bytes)
    }
}

impl Segment {
    /// Writes the postings of versions `first..end` (`count` entries, ascending) as a segment
    /// file in `folder`, durably (invariant 3), and opens it.
    fn write(
        folder: &Path,
        range: (u64, u64),
        count: u64,
        entries: impl Iterator<Item = io::Result<Posting>>,
    ) -> io::Result<Segment> {
        let staging = folder.join(segment_name(range.0, range.1)).with_extension("tmp");
        let written = Self::write_staged(folder, &staging, range, count, entries);
        if written.is_err() {
            let _ = fs::remove_file(&staging);
        }
        written
    }

    fn write_staged(
        folder: &Path,
        staging: &Path,
        (first, end): (u64, u64),
        count: u64,
        entries: impl Iterator<Item = io::Result<Posting>>,
    ) -> io::Result<Segment> {
        let path = folder.join(segment_name(first, end));
        let mut out = HashingWriter {
            out: BufWriter::with_capacity(1 << 16, crate::owner_only::create_file(staging)?),
            hasher: sha2::Sha256::new(),
        };
        out.put(MAGIC)?;
        out.put(&first.to_be_bytes())?;
        out.put(&end.to_be_bytes())?;
        out.put(&count.to_be_bytes())?;
        let mut sparse = Vec::with_capacity(sparse_len(count) as usize);
        let mut written = 0u64;
        let mut previous: Option<Posting> = None;
        for entry in entries {
            let (fingerprint, sequence) = entry?;
            if previous.is_some_and(|previous| previous >= (fingerprint, sequence))
                || !(first..end).contains(&sequence)
            {
                return Err(corrupt(&path, "postings out of order or out of range"));
            }
            previous = Some((fingerprint, sequence));
            if written % SPARSE_EVERY == 0 {
                sparse.push(fingerprint);
            }
            out.put(&fingerprint.to_be_bytes())?;
            out.put(&sequence.to_be_bytes())?;
            written += 1;
        }
        if written != count {
            return Err(corrupt(&path, "fewer postings than announced"));
        }
        for fingerprint in &sparse {
            out.put(&fingerprint.to_be_bytes())?;
        }
        let HashingWriter { mut out, hasher } = out;
        out.write_all(&hasher.finalize())?;
        let file = out.into_inner().map_err(|error| error.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(staging, &path)?;
        File::open(folder)?.sync_all()?;
        Segment::open(&path, (first, end))
    }

    /// Opens a segment file, checking its header and length (not its checksum: see
    /// [`Segment::check`]).
    fn open(path: &Path, (first, end): (u64, u64)) -> io::Result<Segment> {
        let file = File::open(path)?;
        let mut header = [0u8; HEADER_BYTES as usize];
        file.read_exact_at(&mut header, 0)
            .map_err(|_| corrupt(path, "shorter than its header"))?;
        if &header[..8] != MAGIC || be_u64(&header[8..]) != first || be_u64(&header[16..]) != end {
            return Err(corrupt(path, "header does not match its name"));
        }
        let count = be_u64(&header[24..]);
        if count > MAX_ENTRIES || file.metadata()?.len() != file_len(count) {
            return Err(corrupt(path, "length does not match its entry count"));
        }
        let mut bytes = vec![0u8; (sparse_len(count) * 8) as usize];
        file.read_exact_at(&mut bytes, HEADER_BYTES + count * ENTRY_BYTES)?;
        let sparse = bytes.chunks_exact(8).map(be_u64).collect();
        Ok(Segment {
            first,
            end,
            count,
            path: path.to_owned(),
            file,
            sparse,
        })
    }

    /// The entries `start..start + len` as bytes.
    fn read_entries(&self, start: u64, len: u64) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0u8; (len * ENTRY_BYTES) as usize];
        self.file
            .read_exact_at(&mut bytes, HEADER_BYTES + start * ENTRY_BYTES)?;
        Ok(bytes)
    }

    /// Appends to `out` the sequence numbers holding `fingerprint`, until `out` is longer than
    /// `limit`.
    fn postings(&self, fingerprint: u64, limit: usize, out: &mut Vec<u64>) -> io::Result<()> {
        let mut block = self
            .sparse
            .partition_point(|&first| first < fingerprint)
            .saturating_sub(1) as u64;
        while block * SPARSE_EVERY < self.count {
            let start = block * SPARSE_EVERY;
            let bytes = self.read_entries(start, SPARSE_EVERY.min(self.count - start))?;
            for entry in bytes.chunks_exact(ENTRY_BYTES as usize) {
                match be_u64(entry).cmp(&fingerprint) {
                    std::cmp::Ordering::Less => continue,
                    std::cmp::Ordering::Greater => return Ok(()),
                    std::cmp::Ordering::Equal => out.push(be_u64(&entry[8..])),
                }
                if out.len() > limit {
                    return Ok(());
                }
            }
            block += 1;
        }
        Ok(())
    }

    /// Every entry in file order, read in blocks through the open file.
    fn entries(&self) -> impl Iterator<Item = io::Result<Posting>> + '_ {
        const BLOCK: u64 = 4096;
        (0..self.count.div_ceil(BLOCK)).flat_map(move |block| {
            let start = block * BLOCK;
            match self.read_entries(start, BLOCK.min(self.count - start)) {
                Ok(bytes) => bytes
                    .chunks_exact(ENTRY_BYTES as usize)
                    .map(|entry| Ok((be_u64(entry), be_u64(&entry[8..]))))
                    .collect::<Vec<_>>(),
                Err(error) => vec![Err(error)],
            }
        })
    }

    /// Checks the checksum, the order and the range of every entry, and the sparse index; adds
    /// the postings to `digest`. Returns what is wrong, if anything.
    fn check(&self, digest: &mut PostingsDigest) -> io::Result<Option<String>> {
        let body_len = file_len(self.count) - CHECKSUM_BYTES;
        let mut hasher = sha2::Sha256::new();
        let mut offset = 0;
        let mut buffer = vec![0u8; 1 << 16];
        while offset < body_len {
            let len = (body_len - offset).min(buffer.len() as u64) as usize;
            self.file.read_exact_at(&mut buffer[..len], offset)?;
            hasher.update(&buffer[..len]);
            offset += len as u64;
        }
        let mut checksum = [0u8; CHECKSUM_BYTES as usize];
        self.file.read_exact_at(&mut checksum, body_len)?;
        if hasher.finalize()[..] != checksum[..] {
            return Ok(Some("its checksum does not match".to_owned()));
        }
        let mut previous = None;
        for (position, entry) in self.entries().enumerate() {
            let (fingerprint, sequence) = entry?;
            if previous >= Some((fingerprint, sequence)) || !(self.first..self.end).contains(&sequence) {
                return Ok(Some(format!("entry {position} is out of order or range")));
            }
            if position as u64 % SPARSE_EVERY == 0
                && self.sparse.get(position / SPARSE_EVERY as usize) != Some(&fingerprint)
            {
                return Ok(Some(format!("its sparse index disagrees at entry {position}")));
            }
            previous = Some((fingerprint, sequence));
            digest.add(fingerprint, sequence);
        }
        Ok(None)
    }
}

/// An order-independent summary of a set of postings (their number and a 128-bit sum of a
/// mix of each), to compare what a segment holds with what the content says it must.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostingsDigest {
    count: u64,
    sum: u128,
}

impl PostingsDigest {
    pub fn add(&mut self, fingerprint: u64, sequence: u64) {
        self.count += 1;
        let mixed = (u128::from(mix(fingerprint ^ mix(sequence))) << 64)
            | u128::from(mix(sequence ^ fingerprint.rotate_left(17)));
        self.sum = self.sum.wrapping_add(mixed);
    }
}

impl std::iter::Sum for PostingsDigest {
    fn sum<I: Iterator<Item = Self>>(digests: I) -> Self {
        digests.fold(Self::default(), |total, digest| Self {
            count: total.count + digest.count,
            sum: total.sum.wrapping_add(digest.sum),
        })
    }
}

/// splitmix64's finalizer.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The segments of the chain from 0 (invariant 4) among `found` (ranges), taking the longest
/// segment at each step and none past `journal_len`.
fn chain(found: &[(u64, u64)], journal_len: u64) -> Vec<(u64, u64)> {
    let mut chosen = Vec::new();
    let mut covered = 0;
    while let Some(next) = found
        .iter()
        .filter(|(first, end)| *first == covered && *end <= journal_len)
        .max_by_key(|(_, end)| *end)
    {
        chosen.push(*next);
        covered = next.1;
    }
    chosen
}

/// The size class of a segment of `versions` versions: ⌊log_fan(versions)⌋.
fn size_class(versions: u64) -> u32 {
    versions.max(1).ilog(MERGE_FAN as u64)
}

/// The number of trailing segments to merge: [`MERGE_FAN`] when the last ones share a size
/// class, else none.
fn mergeable(spans: &[u64]) -> Option<usize> {
    let tail = spans.get(spans.len().checked_sub(MERGE_FAN)?..)?;
    let class = size_class(tail[0]);
    tail.iter()
        .all(|span| size_class(*span) == class)
        .then_some(MERGE_FAN)
}

#[derive(Debug, Default)]
struct State {
    segments: Vec<Arc<Segment>>,
    /// The versions being written as a segment; searched until the segment is in place.
    frozen: Option<Arc<Memtable>>,
    active: Memtable,
    /// How many versions make a segment.
    segment_versions: u64,
}

impl State {
    fn covered(&self) -> u64 {
        self.segments.last().map_or(0, |segment| segment.end)
    }
}

/// The passage index of one store: the segments, the versions in memory and the writer thread.
pub struct PassageIndex {
    state: Arc<RwLock<State>>,
    /// Set when the store closes: a merge under way is abandoned (its temporary file is
    /// removed at the next open), so closing never waits for one.
    stopping: Arc<AtomicBool>,
    wake: Mutex<Option<mpsc::Sender<()>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl PassageIndex {
    /// Opens the index of the store in `data_dir` holding `journal_len` versions, removing every
    /// file off the chain (invariant 4). Returns it with the first sequence number it lacks:
    /// the caller adds every version from there on with [`PassageIndex::add`]. `rows` is flushed
    /// before each segment is written (invariant 2).
    pub fn open(
        data_dir: &Path,
        journal_len: u64,
        segment_versions: u64,
        rows: super::rows::Rows,
    ) -> Result<(Self, u64), StoreError> {
        let folder = data_dir.join(FOLDER);
        crate::owner_only::create_dir(&folder)?;
        let mut found = Vec::new();
        let mut others = Vec::new();
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            match path
                .file_name()
                .and_then(|name| parse_segment_name(&name.to_string_lossy()))
            {
                Some(range) => found.push(range),
                None => others.push(path),
            }
        }
        let chosen = chain(&found, journal_len);
        for range in found.iter().filter(|range| !chosen.contains(range)) {
            others.push(folder.join(segment_name(range.0, range.1)));
        }
        for path in others {
            tracing::info!(path = %path.display(), "removing a passage index file off the chain");
            fs::remove_file(&path)?;
        }
        let segments = chosen
            .iter()
            .map(|range| Segment::open(&folder.join(segment_name(range.0, range.1)), *range).map(Arc::new))
            .collect::<io::Result<Vec<_>>>()?;
        let covered = segments.last().map_or(0, |segment| segment.end);
        let state = Arc::new(RwLock::new(State {
            segments,
            frozen: None,
            active: Memtable::starting_at(covered),
            segment_versions: segment_versions.max(1),
        }));
        let (sender, receiver) = mpsc::channel();
        let stopping = Arc::new(AtomicBool::new(false));
        let writer = {
            let (state, stopping) = (Arc::clone(&state), Arc::clone(&stopping));
            std::thread::Builder::new()
                .name("passage-index".to_owned())
                .spawn(move || {
                    while receiver.recv().is_ok() {
                        while receiver.try_recv().is_ok() {}
                        if let Err(error) = write_pending(&state, &folder, &rows, &stopping) {
                            tracing::error!(%error, "cannot write the passage index; will retry");
                        }
                    }
                })?
        };
        let index = Self {
            state,
            stopping,
            wake: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
        };
        Ok((index, covered))
    }

    /// Adds the postings of the version with journal sequence number `sequence`, which must be
    /// the next one. Called by the store's one writer once the version's batch is applied.
    pub fn add(&self, sequence: u64, fingerprints: &[u64]) -> Result<(), StoreError> {
        let full = {
            let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
            if sequence != state.active.end {
                return Err(StoreError::Corrupt(format!(
                    "passage index: version {sequence} added where {} was due",
                    state.active.end
                )));
            }
            state.active.add(sequence, fingerprints);
            state.active.versions() >= state.segment_versions
        };
        if full {
            if let Some(wake) = self.wake.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
                let _ = wake.send(());
            }
        }
        Ok(())
    }

    /// The sequence numbers of versions holding `fingerprint`: at most `limit` of them, and
    /// whether there are more.
    pub fn postings(&self, fingerprint: u64, limit: usize) -> Result<(Vec<u64>, bool), StoreError> {
        let mut found = Vec::new();
        let segments = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            for memtable in state.frozen.iter().map(|frozen| &**frozen).chain([&state.active]) {
                found.extend(memtable.postings.get(&fingerprint).into_iter().flatten());
            }
            state.segments.clone()
        };
        for segment in segments.iter().rev() {
            if found.len() > limit {
                break;
            }
            segment.postings(fingerprint, limit, &mut found)?;
        }
        let more = found.len() > limit;
        found.truncate(limit);
        Ok((found, more))
    }

    /// Checks every segment (checksum, order, range) and compares the postings of every range
    /// with `expected`, which gives the digest of the postings recomputed from the content for
    /// a range of sequence numbers; `journal_len` is the number of versions stored.
    pub fn audit(
        &self,
        journal_len: u64,
        expected: impl Fn(u64, u64) -> Option<PostingsDigest>,
    ) -> Result<Vec<String>, StoreError> {
        let (segments, in_memory) = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            let in_memory: Vec<(u64, u64, PostingsDigest)> = state
                .frozen
                .iter()
                .map(|frozen| &**frozen)
                .chain([&state.active])
                .filter(|memtable| memtable.versions() > 0)
                .map(|memtable| (memtable.first, memtable.end, memtable.digest()))
                .collect();
            (state.segments.clone(), in_memory)
        };
        let mut problems = Vec::new();
        let mut covered = 0;
        for segment in &segments {
            let name = segment.path.display();
            if segment.first != covered {
                problems.push(format!(
                    "passage segment {name} starts at {} where {covered} was due",
                    segment.first
                ));
            }
            covered = segment.end;
            let mut digest = PostingsDigest::default();
            match segment.check(&mut digest)? {
                Some(problem) => problems.push(format!("passage segment {name}: {problem}")),
                None if Some(digest) != expected(segment.first, segment.end) => problems.push(format!(
                    "passage segment {name}: its postings differ from those of the content"
                )),
                None => {}
            }
        }
        for (first, end, digest) in in_memory {
            if first != covered || Some(digest) != expected(first, end) {
                problems.push(format!(
                    "the passage postings held in memory for versions {first}..{end} are wrong"
                ));
            }
            covered = end;
        }
        if covered != journal_len {
            problems.push(format!(
                "the passage index covers {covered} versions, the journal lists {journal_len}"
            ));
        }
        Ok(problems)
    }
}

impl Drop for PassageIndex {
    /// Lets the writer finish the segment it is writing; what is in memory is rebuilt at open.
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.wake.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(writer) = self.writer.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread's work: writes the full memtable as a segment (flushing the store first,
/// invariant 2), then merges while the last segments share a size class.
fn write_pending(
    state: &RwLock<State>,
    folder: &Path,
    rows: &super::rows::Rows,
    stopping: &AtomicBool,
) -> Result<(), StoreError> {
    let frozen = {
        let mut state = state.write().unwrap_or_else(PoisonError::into_inner);
        match &state.frozen {
            Some(frozen) => Some(Arc::clone(frozen)),
            None if state.active.versions() >= state.segment_versions => {
                let next = Memtable::starting_at(state.active.end);
                let full = Arc::new(std::mem::replace(&mut state.active, next));
                state.frozen = Some(Arc::clone(&full));
                Some(full)
            }
            None => None,
        }
    };
    if let Some(frozen) = frozen {
        rows.flush()?;
        let entries = frozen.sorted();
        let segment = Segment::write(
            folder,
            (frozen.first, frozen.end),
            entries.len() as u64,
            entries.into_iter().map(Ok),
        )?;
        let mut state = state.write().unwrap_or_else(PoisonError::into_inner);
        state.segments.push(Arc::new(segment));
        state.frozen = None;
    }
    loop {
        let inputs = {
            let state = state.read().unwrap_or_else(PoisonError::into_inner);
            let spans: Vec<u64> = state.segments.iter().map(|s| s.end - s.first).collect();
            match mergeable(&spans) {
                Some(fan) => state.segments[state.segments.len() - fan..].to_vec(),
                None => return Ok(()),
            }
        };
        if stopping.load(Ordering::Relaxed) {
            return Ok(());
        }
        let merged = merge(folder, &inputs, stopping)?;
        let mut state = state.write().unwrap_or_else(PoisonError::into_inner);
        let keep = state.segments.len() - inputs.len();
        state.segments.truncate(keep);
        state.segments.push(Arc::new(merged));
        debug_assert_eq!(state.covered(), inputs.last().map_or(0, |segment| segment.end));
        drop(state);
        for input in &inputs {
            if let Err(error) = fs::remove_file(&input.path) {
                tracing::warn!(%error, path = %input.path.display(), "cannot remove a merged passage segment");
            }
        }
    }
}

/// Merges consecutive segments into one covering their ranges; gives up when `stopping` is set.
fn merge(folder: &Path, inputs: &[Arc<Segment>], stopping: &AtomicBool) -> io::Result<Segment> {
    let range = (inputs[0].first, inputs[inputs.len() - 1].end);
    let count = inputs.iter().map(|segment| segment.count).sum();
    let mut sources: Vec<_> = inputs.iter().map(|segment| segment.entries()).collect();
    let mut heads = BinaryHeap::new();
    for (source, entries) in sources.iter_mut().enumerate() {
        if let Some(entry) = entries.next() {
            heads.push(std::cmp::Reverse((entry?, source)));
        }
    }
    let merged = std::iter::from_fn(move || {
        if stopping.load(Ordering::Relaxed) {
            return Some(Err(io::Error::other("the store is closing")));
        }
        let std::cmp::Reverse((entry, source)) = heads.pop()?;
        match sources[source].next() {
            Some(Ok(next)) => heads.push(std::cmp::Reverse((next, source))),
            Some(Err(error)) => return Some(Err(error)),
            None => {}
        }
        Some(Ok(entry))
    });
    Segment::write(folder, range, count, merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_names_round_trip_and_sort_by_range() {
        assert_eq!(parse_segment_name(&segment_name(0, 1024)), Some((0, 1024)));
        assert_eq!(parse_segment_name("0-1024.seg"), None);
        assert_eq!(parse_segment_name(&segment_name(5, 5)), None);
        assert!(segment_name(1024, 2048) < segment_name(2048, 3072));
    }

    #[test]
    fn the_chain_takes_the_longest_segment_and_stops_at_a_gap_or_the_journal() {
        let found = [(0, 1024), (1024, 2048), (0, 4096), (4096, 5120), (6144, 7168)];
        assert_eq!(chain(&found, 10_000), vec![(0, 4096), (4096, 5120)]);
        assert_eq!(chain(&found, 4000), vec![(0, 1024), (1024, 2048)]);
        assert_eq!(chain(&[(1, 5)], 10), vec![]);
    }

    #[test]
    fn four_segments_of_one_class_merge() {
        assert_eq!(mergeable(&[1024, 1024, 1024]), None);
        assert_eq!(mergeable(&[1024, 1024, 1024, 1100]), Some(4));
        assert_eq!(mergeable(&[4096, 1024, 1024, 1024]), None);
        assert_eq!(mergeable(&[4096, 4096, 4096, 4200]), Some(4));
        assert_eq!(mergeable(&[16, 17, 20, 60]), Some(4));
        assert_eq!(size_class(4095), 5);
        assert_eq!(size_class(4096), 6);
    }

    fn memtable(first: u64, versions: &[&[u64]]) -> Memtable {
        let mut table = Memtable::starting_at(first);
        for (offset, fingerprints) in versions.iter().enumerate() {
            table.add(first + offset as u64, fingerprints);
        }
        table
    }

    fn write(folder: &Path, table: &Memtable) -> Segment {
        let entries = table.sorted();
        Segment::write(
            folder,
            (table.first, table.end),
            entries.len() as u64,
            entries.into_iter().map(Ok),
        )
        .unwrap()
    }

    #[test]
    fn a_segment_answers_like_its_memtable_across_block_boundaries() {
        let folder = tempfile::tempdir().unwrap();
        // 600 versions sharing fingerprint 7 spread the postings of 7 over three sparse blocks.
        let versions: Vec<Vec<u64>> = (0..600u64).map(|v| vec![v % 5, 7, 1000 + v]).collect();
        let refs: Vec<&[u64]> = versions.iter().map(|v| v.as_slice()).collect();
        let table = memtable(0, &refs);
        let segment = write(folder.path(), &table);
        for fingerprint in [0, 3, 7, 1000, 1599, 1600, u64::MAX] {
            let mut found = Vec::new();
            segment.postings(fingerprint, usize::MAX - 1, &mut found).unwrap();
            let mut expected = table.postings.get(&fingerprint).cloned().unwrap_or_default();
            expected.sort_unstable();
            assert_eq!(found, expected, "fingerprint {fingerprint}");
        }
        let mut digest = PostingsDigest::default();
        assert_eq!(segment.check(&mut digest).unwrap(), None);
        assert_eq!(digest.count, 1800);
    }

    #[test]
    fn merging_keeps_every_posting_and_a_flipped_byte_is_found() {
        let folder = tempfile::tempdir().unwrap();
        let inputs: Vec<Arc<Segment>> = (0..4u64)
            .map(|part| {
                let versions: Vec<Vec<u64>> = (0..10u64).map(|v| vec![v, 50 + part]).collect();
                let refs: Vec<&[u64]> = versions.iter().map(|v| v.as_slice()).collect();
                Arc::new(write(folder.path(), &memtable(part * 10, &refs)))
            })
            .collect();
        let merged = merge(folder.path(), &inputs, &AtomicBool::new(false)).unwrap();
        assert_eq!((merged.first, merged.end, merged.count), (0, 40, 80));
        let mut found = Vec::new();
        merged.postings(3, 100, &mut found).unwrap();
        assert_eq!(found, vec![3, 13, 23, 33]);

        let path = merged.path.clone();
        let mut bytes = fs::read(&path).unwrap();
        bytes[HEADER_BYTES as usize + 5] ^= 1;
        fs::write(&path, bytes).unwrap();
        let reopened = Segment::open(&path, (0, 40)).unwrap();
        assert!(reopened.check(&mut PostingsDigest::default()).unwrap().is_some());
    }

    #[test]
    fn a_file_whose_header_or_length_is_wrong_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let segment = write(folder.path(), &memtable(0, &[&[1, 2]]));
        let bytes = fs::read(&segment.path).unwrap();
        fs::write(&segment.path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Segment::open(&segment.path, (0, 1)).is_err());
        fs::write(&segment.path, &bytes).unwrap();
        assert!(Segment::open(&segment.path, (0, 2)).is_err());
        let mut huge_count = bytes.clone();
        huge_count[24..32].copy_from_slice(&u64::MAX.to_be_bytes());
        fs::write(&segment.path, &huge_count).unwrap();
        assert!(Segment::open(&segment.path, (0, 1)).is_err());
    }
}
