//! C2SP tlog-tiles (<https://c2sp.org/tlog-tiles>): the log as static resources, the layout
//! Sunlight and Tessera serve, so that mirrors, monitors and caches copy it with standard tools.
//!
//! - A *tile* at level `L`, index `N` holds up to 256 consecutive hashes of tree level `8·L`:
//!   the perfect nodes `(8·L, N·256 + i)`, i.e. the Merkle tree hashes of the leaves
//!   `[(N·256 + i)·256^L, (N·256 + i + 1)·256^L)`. Level 0 holds leaf hashes.
//! - A *full* tile has 256 hashes (8,192 bytes); the rightmost tile of a level is *partial*
//!   when the tree's size `s` leaves it `floor(s / 256^L) mod 256` hashes, and is addressed with
//!   its width: `tile/L/N.p/W`. Empty tiles do not exist.
//! - An *entry bundle* `tile/entries/N[.p/W]` holds the leaves whose hashes the level-0 tile of
//!   the same index holds, each as a big-endian `uint16` length and then its bytes.
//! - `N` is written in zero-padded groups of three digits, all but the last prefixed with `x`:
//!   1234067 is `x001/x234/067`.
//!
//! A tile's bytes follow from the tree alone, and the tree only grows, so a tile that exists
//! never changes: a full one because its nodes never change, a partial one because its path
//! names its width. This module parses and writes paths (only the canonical form: one resource,
//! one path), says which tiles a tree of a given size has, and encodes entry bundles; it does
//! no I/O.

use std::fmt;

/// Tree levels one tile spans: tile level `L` holds the hashes of tree level `8·L`.
pub const TILE_HEIGHT: u32 = 8;
/// Hashes in a full tile (entries in a full bundle): `2^TILE_HEIGHT`.
pub const TILE_WIDTH: u16 = 256;
/// The highest tile level a path may name (the spec's bound). Levels above 7 are well-formed
/// but hold nothing: their hashes would span more than 2^64 leaves.
pub const MAX_LEVEL: u8 = 63;

/// What a tile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileKind {
    /// Merkle tree hashes of tile level `level` (tree level `8·level`), 32 bytes each.
    Hashes { level: u8 },
    /// Log entries: the leaves under the level-0 tile of the same index.
    Entries,
}

/// One tile or entry bundle, as its path names it. Built only through [`Tile::parse`],
/// [`Tile::full`] and [`Tile::partial`], so its level and width are always in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tile {
    kind: TileKind,
    /// `N`: the tile's position within its level.
    index: u64,
    /// Hashes (or entries) it holds: 1 to 255 for a partial tile, [`TILE_WIDTH`] for a full one.
    width: u16,
}

/// The run of tree rows a tile is made of: `count` consecutive nodes of `tree_level` from
/// `start` (for an entry bundle, leaves: `tree_level` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileSpan {
    /// The tree level of the nodes: `8·L`, at most 56 for any tile that can exist.
    pub tree_level: u8,
    /// Index of the first node within its tree level: `N·256`.
    pub start: u64,
    /// How many nodes: the tile's width, 1 to 256.
    pub count: u16,
}

/// Why a path does not name a tile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TilePathError(String);

fn malformed(message: impl Into<String>) -> TilePathError {
    TilePathError(message.into())
}

impl Tile {
    /// The full tile of `kind` at `index`; fails when `kind` names a level above [`MAX_LEVEL`].
    pub fn full(kind: TileKind, index: u64) -> Result<Self, TilePathError> {
        Self::new(kind, index, TILE_WIDTH)
    }

    /// The partial tile of `kind` at `index` with `width` hashes (1 to 255).
    pub fn partial(kind: TileKind, index: u64, width: u8) -> Result<Self, TilePathError> {
        if width == 0 {
            return Err(malformed("a partial tile's width must be from 1 to 255"));
        }
        Self::new(kind, index, u16::from(width))
    }

    fn new(kind: TileKind, index: u64, width: u16) -> Result<Self, TilePathError> {
        match kind {
            TileKind::Hashes { level } if level > MAX_LEVEL => {
                Err(malformed(format!("the level must be from 0 to {MAX_LEVEL}")))
            }
            _ => Ok(Self { kind, index, width }),
        }
    }

    /// Parses the part of a tile's URL after `tile/`: `L/N`, `L/N.p/W`, `entries/N` or
    /// `entries/N.p/W`, in the one canonical form the spec gives each tile (decimal `L` and `W`
    /// without leading zeros, `N` in groups as [`encode_index`] writes it), so that no two paths
    /// name the same tile.
    pub fn parse(path: &str) -> Result<Self, TilePathError> {
        let (head, rest) = path
            .split_once('/')
            .ok_or_else(|| malformed("a tile path is L/N or entries/N, with N in 3-digit groups"))?;
        let kind = match head {
            "entries" => TileKind::Entries,
            level => TileKind::Hashes {
                level: parse_level(level)?,
            },
        };
        let (index, width) = match rest.rsplit_once(".p/") {
            Some((index, width)) => (index, Some(parse_width(width)?)),
            None => (rest, None),
        };
        let index = parse_index(index)?;
        match width {
            Some(width) => Self::partial(kind, index, width),
            None => Self::full(kind, index),
        }
    }

    /// The tile's path below the log's prefix, e.g. `tile/0/x001/x234/067.p/8`.
    pub fn path(&self) -> String {
        let head = match self.kind {
            TileKind::Hashes { level } => level.to_string(),
            TileKind::Entries => "entries".to_owned(),
        };
        let mut path = format!("tile/{head}/{}", encode_index(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    pub fn kind(&self) -> TileKind {
        self.kind
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    /// Hashes (or entries) the tile holds.
    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The tree rows the tile is made of, when the tree of `size` leaves has all of them;
    /// `None` when the tile lies (even in part) beyond that tree.
    ///
    /// A partial tile of any width up to the hashes its level has at its index exists: its
    /// bytes are that many first hashes of the full tile, whatever later growth brings (the
    /// spec requires the widths of checkpointed sizes and lets a log serve more).
    pub fn span_in(&self, size: u64) -> Option<TileSpan> {
        let level = match self.kind {
            TileKind::Hashes { level } => u32::from(level),
            TileKind::Entries => 0,
        };
        let tree_level = level * TILE_HEIGHT;
        // Nodes of `tree_level` in the tree: one per complete run of 2^tree_level leaves.
        let nodes = size.checked_shr(tree_level).unwrap_or(0);
        let start = self.index.checked_mul(u64::from(TILE_WIDTH))?;
        let available = nodes.checked_sub(start)?;
        (available >= u64::from(self.width)).then_some(TileSpan {
            tree_level: u8::try_from(tree_level).ok()?,
            start,
            count: self.width,
        })
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// `N` as path elements: zero-padded groups of three digits, most significant first, all but
/// the last prefixed with `x` (`067`, `x001/000`, `x001/x234/067`).
pub fn encode_index(index: u64) -> String {
    let mut groups = vec![format!("{:03}", index % 1000)];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

fn parse_index(raw: &str) -> Result<u64, TilePathError> {
    let groups: Vec<&str> = raw.split('/').collect();
    let (last, leading) = groups.split_last().unwrap_or((&"", &[]));
    let digits = |group: &str| {
        (group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()))
            .then(|| group.parse::<u64>().ok())
            .flatten()
    };
    let mut index: u64 = 0;
    for group in leading {
        let value = group.strip_prefix('x').and_then(digits).ok_or_else(|| {
            malformed(format!(
                "the index group {group:?} must be x and three digits (as in x001/x234/067)"
            ))
        })?;
        index = index
            .checked_mul(1000)
            .and_then(|i| i.checked_add(value))
            .ok_or_else(|| malformed("the index is larger than 2^64 - 1"))?;
    }
    let value = digits(last).ok_or_else(|| {
        malformed(format!(
            "the index must end with a group of three digits (as in 067), not {last:?}"
        ))
    })?;
    let index = index
        .checked_mul(1000)
        .and_then(|i| i.checked_add(value))
        .ok_or_else(|| malformed("the index is larger than 2^64 - 1"))?;
    if encode_index(index) != raw {
        return Err(malformed(format!(
            "the index has leading zero groups: write it as {}",
            encode_index(index)
        )));
    }
    Ok(index)
}

/// A decimal number without leading zeros (nor sign, nor spaces), at most `max`.
fn parse_decimal(raw: &str, max: u8) -> Option<u8> {
    let canonical = raw == "0" || (!raw.starts_with('0') && !raw.is_empty());
    if !canonical || !raw.bytes().all(|b| b.is_ascii_digit()) || raw.len() > 3 {
        return None;
    }
    raw.parse::<u8>().ok().filter(|n| *n <= max)
}

fn parse_level(raw: &str) -> Result<u8, TilePathError> {
    parse_decimal(raw, MAX_LEVEL).ok_or_else(|| {
        malformed(format!(
            "the level must be a decimal number from 0 to {MAX_LEVEL} without leading zeros, \
             or `entries`; not {raw:?}"
        ))
    })
}

fn parse_width(raw: &str) -> Result<u8, TilePathError> {
    parse_decimal(raw, u8::MAX)
        .filter(|width| *width >= 1)
        .ok_or_else(|| {
            malformed(format!(
                "a partial tile's width must be a decimal number from 1 to 255 without leading \
                 zeros; not {raw:?}"
            ))
        })
}

/// An entry longer than an entry bundle can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a log entry of {0} bytes is longer than an entry bundle can hold (65,535)")]
pub struct EntryTooLong(pub usize);

/// An entry bundle: each entry as a big-endian `uint16` length followed by its bytes.
pub fn entry_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, EntryTooLong> {
    let mut bundle = Vec::new();
    for entry in entries {
        let length = u16::try_from(entry.len()).map_err(|_| EntryTooLong(entry.len()))?;
        bundle.extend_from_slice(&length.to_be_bytes());
        bundle.extend_from_slice(entry);
    }
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hashes(level: u8) -> TileKind {
        TileKind::Hashes { level }
    }

    #[test]
    fn indices_are_written_in_groups_of_three() {
        let cases = [
            (0, "000"),
            (7, "007"),
            (999, "999"),
            (1000, "x001/000"),
            (1001, "x001/001"),
            (67_000, "x067/000"),
            (999_999, "x999/999"),
            (1_000_000, "x001/x000/000"),
            (1_234_067, "x001/x234/067"),
            (u64::MAX, "x018/x446/x744/x073/x709/x551/615"),
        ];
        for (index, encoded) in cases {
            assert_eq!(encode_index(index), encoded, "{index}");
            assert_eq!(parse_index(encoded), Ok(index), "{encoded}");
        }
    }

    #[test]
    fn paths_round_trip() {
        let cases = [
            (Tile::full(hashes(0), 0), "tile/0/000"),
            (Tile::full(hashes(1), 1_234_067), "tile/1/x001/x234/067"),
            (Tile::partial(hashes(0), 1000, 8), "tile/0/x001/000.p/8"),
            (Tile::partial(hashes(63), 5, 255), "tile/63/005.p/255"),
            (Tile::full(TileKind::Entries, 999), "tile/entries/999"),
            (
                Tile::partial(TileKind::Entries, 1234, 1),
                "tile/entries/x001/234.p/1",
            ),
        ];
        for (tile, path) in cases {
            let tile = tile.unwrap();
            assert_eq!(tile.path(), path);
            assert_eq!(
                Tile::parse(path.strip_prefix("tile/").unwrap()),
                Ok(tile),
                "{path}"
            );
        }
    }

    #[test]
    fn malformed_paths_are_refused() {
        let cases = [
            "",
            "0",
            "0/",
            "00/000",
            "01/000",
            "64/000",
            "256/000",
            "-1/000",
            "+1/000",
            " 1/000",
            "1e1/000",
            "data/000",
            "entries",
            "entries/",
            "0/0",
            "0/00",
            "0/0000",
            "0/1234",
            "0/x000",
            "0/x001",
            "0/001/000",
            "0/x001/x000",
            "0/X001/000",
            "0/x1/000",
            "0/x000/001",
            "0/x000/x001/000",
            "0/x019/x000/x000/x000/x000/x000/000",
            "0/000/",
            "0//000",
            "0/000.p",
            "0/000.p/",
            "0/000.p/0",
            "0/000.p/256",
            "0/000.p/08",
            "0/000.p/+8",
            "0/000.p/8/",
            "0/000.p/8.p/8",
            "0/000.q/8",
            "0/.p/8",
            "0/x001.p/8",
            "0/000/.p/8",
            "entries/000.p/0",
            "entries/x001",
            "0/०००",
        ];
        for path in cases {
            assert!(
                Tile::parse(path).is_err(),
                "{path:?} parsed as {:?}",
                Tile::parse(path)
            );
        }
    }

    #[test]
    fn constructors_check_their_bounds() {
        assert!(Tile::full(hashes(64), 0).is_err());
        assert!(Tile::partial(hashes(0), 0, 0).is_err());
        assert!(Tile::partial(TileKind::Entries, 0, 255).is_ok());
    }

    /// The spec's example: "a tree of size 70,000 will be represented by 273 full level 0
    /// tiles, one partial level 0 tile of width 112, one full level 1 tile, one partial level 1
    /// tile of width 17, and one partial level 2 tile of width 1."
    #[test]
    fn a_tree_of_70000_has_the_tiles_the_spec_lists() {
        let exists = |tile: Result<Tile, TilePathError>| tile.unwrap().span_in(70_000).is_some();
        assert!(exists(Tile::full(hashes(0), 272)));
        assert!(!exists(Tile::full(hashes(0), 273)));
        assert!(exists(Tile::partial(hashes(0), 273, 112)));
        assert!(!exists(Tile::partial(hashes(0), 273, 113)));
        assert!(exists(Tile::full(hashes(1), 0)));
        assert!(!exists(Tile::full(hashes(1), 1)));
        assert!(exists(Tile::partial(hashes(1), 1, 17)));
        assert!(!exists(Tile::partial(hashes(1), 1, 18)));
        assert!(exists(Tile::partial(hashes(2), 0, 1)));
        assert!(!exists(Tile::partial(hashes(2), 0, 2)));
        assert!(!exists(Tile::partial(hashes(3), 0, 1)));
        assert!(exists(Tile::full(TileKind::Entries, 272)));
        assert!(exists(Tile::partial(TileKind::Entries, 273, 112)));
        assert!(!exists(Tile::partial(TileKind::Entries, 273, 113)));
        assert_eq!(
            Tile::partial(hashes(1), 1, 17).unwrap().span_in(70_000),
            Some(TileSpan {
                tree_level: 8,
                start: 256,
                count: 17
            })
        );
    }

    /// "A tree of size 256 will be represented by a full level 0 tile and a partial level 1
    /// tile of width 1."
    #[test]
    fn a_tree_of_256_has_one_full_tile_and_one_hash_above() {
        assert!(Tile::full(hashes(0), 0).unwrap().span_in(256).is_some());
        assert!(Tile::partial(hashes(1), 0, 1).unwrap().span_in(256).is_some());
        assert!(Tile::full(hashes(0), 0).unwrap().span_in(255).is_none());
        assert!(Tile::partial(hashes(0), 0, 1).unwrap().span_in(0).is_none());
    }

    #[test]
    fn no_tile_of_a_level_above_seven_ever_exists() {
        for level in 8..=MAX_LEVEL {
            assert_eq!(
                Tile::partial(hashes(level), 0, 1).unwrap().span_in(u64::MAX),
                None
            );
        }
        assert_eq!(
            Tile::partial(hashes(7), 0, 255)
                .unwrap()
                .span_in(u64::MAX)
                .map(|s| s.tree_level),
            Some(56)
        );
        assert_eq!(Tile::full(hashes(7), 0).unwrap().span_in(u64::MAX), None);
        assert_eq!(Tile::full(hashes(0), u64::MAX).unwrap().span_in(u64::MAX), None);
    }

    #[test]
    fn entry_bundles_prefix_each_entry_with_its_length() {
        let long = vec![b'a'; 300];
        let bundle = entry_bundle([b"{}".as_slice(), b"", &long]).unwrap();
        assert_eq!(&bundle[..4], &[0, 2, b'{', b'}']);
        assert_eq!(&bundle[4..6], &[0, 0]);
        assert_eq!(&bundle[6..8], &[1, 44]);
        assert_eq!(bundle.len(), 8 + 300);
        let largest = vec![0; 65_535];
        assert_eq!(entry_bundle([largest.as_slice()]).unwrap().len(), 65_537);
        assert_eq!(
            entry_bundle([vec![0; 65_536].as_slice()]),
            Err(EntryTooLong(65_536))
        );
    }

    fn any_kind() -> impl Strategy<Value = TileKind> {
        prop_oneof![
            (0..=MAX_LEVEL).prop_map(|level| TileKind::Hashes { level }),
            Just(TileKind::Entries)
        ]
    }

    fn any_tile() -> impl Strategy<Value = Tile> {
        (any_kind(), any::<u64>(), 1..=TILE_WIDTH).prop_map(|(kind, index, width)| {
            match u8::try_from(width) {
                Ok(width) => Tile::partial(kind, index, width).unwrap(),
                Err(_) => Tile::full(kind, index).unwrap(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn every_tile_parses_back_from_its_path(tile in any_tile()) {
            let path = tile.path();
            prop_assert_eq!(Tile::parse(path.strip_prefix("tile/").unwrap()), Ok(tile));
        }

        /// Only canonical paths parse: whatever parses is written back exactly as it was.
        #[test]
        fn parsing_accepts_only_canonical_paths(
            path in "(entries|0|00|7|63|64|x)/((x[0-9]{3}|[0-9]{2,4})/){0,7}[0-9x]{3,4}(\\.p/(0|1|9|08|255|256|[0-9]{1,3}))?"
        ) {
            if let Ok(tile) = Tile::parse(&path) {
                prop_assert_eq!(tile.path(), format!("tile/{path}"));
            }
        }

        /// A tile exists exactly when its last hash does: it covers the leaves up to
        /// `(N·256 + W)·256^L`, which must not exceed the tree's size.
        #[test]
        fn a_tile_exists_when_the_tree_covers_its_last_hash(tile in any_tile(), size in any::<u64>(), small in 0..70_000_u64) {
            for size in [size, small] {
                let level = match tile.kind() {
                    TileKind::Hashes { level } => u32::from(level),
                    TileKind::Entries => 0,
                };
                let end = (u128::from(tile.index()) * 256 + u128::from(tile.width()))
                    .checked_mul(256_u128.checked_pow(level).unwrap_or(u128::MAX));
                let covered = end.is_some_and(|end| end <= u128::from(size));
                let span = tile.span_in(size);
                prop_assert_eq!(span.is_some(), covered, "{} in a tree of {}", tile, size);
                if let Some(span) = span {
                    prop_assert_eq!(u32::from(span.tree_level), level * 8);
                    prop_assert_eq!(u128::from(span.start), u128::from(tile.index()) * 256);
                    prop_assert_eq!(span.count, tile.width());
                }
            }
        }
    }
}
