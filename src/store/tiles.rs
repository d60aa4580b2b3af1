//! The log as C2SP tlog-tiles ([`crate::log::tiles`]): reads of rows the store already keeps.
//! A hash tile at level `L` is a run of the perfect nodes `T‖8L‖i`, an entry bundle a run of
//! the leaves `L‖i`; nothing is written for them.
//!
//! Tiles are served up to the newest *durable* checkpoint (published once its group is
//! flushed, [`super::log::Witness::durable`]), not the newest stored one: a reader may see a
//! group whose flush is still under way, and a tile of such a group could, after a crash,
//! come back with other entries at the same positions, while caches keep the one served for a
//! year. Up to a durable checkpoint the tree never changes (invariant 2 of [`super`]), so every
//! tile served is immutable.
//!
//! This is the store's whole tile surface: [`Store::durable_checkpoint`] and [`Store::tile`],
//! each a bounded read (the checkpoint from memory; at most [`TILE_WIDTH`] consecutive rows).

use super::{keys, Store, StoreError};
use crate::log::tiles::{self, Tile, TileKind, TileSpan, TILE_WIDTH};

impl Store {
    /// The newest signed checkpoint known to be durable (a signed note): the tree head mirrors
    /// follow, and the tree [`Store::tile`] serves.
    pub fn durable_checkpoint(&self) -> Result<String, StoreError> {
        Ok(self.durable()?.1)
    }

    /// The bytes of `tile` in the tree of the newest durable checkpoint: 32 bytes per hash, or
    /// an entry bundle. `None` when that tree does not have the tile (yet): beyond its size, or
    /// a level above any it reaches.
    pub fn tile(&self, tile: &Tile) -> Result<Option<Vec<u8>>, StoreError> {
        let (size, _) = self.durable()?;
        let Some(span) = tile.span_in(size) else {
            return Ok(None);
        };
        let bytes = match tile.kind() {
            TileKind::Hashes { .. } => {
                let nodes = self.rows(span, |index| keys::node(span.tree_level, index))?;
                if let Some((_, index)) = nodes.iter().zip(span.start..).find(|(node, _)| node.len() != 32) {
                    return Err(StoreError::Corrupt(format!(
                        "log node ({}, {index}) is not 32 bytes",
                        span.tree_level
                    )));
                }
                nodes.concat()
            }
            TileKind::Entries => {
                let leaves = self.rows(span, keys::leaf)?;
                tiles::entry_bundle(leaves.iter().map(|leaf| leaf.as_ref()))
                    .map_err(|error| StoreError::Corrupt(format!("{tile}: {error}")))?
            }
        };
        Ok(Some(bytes))
    }

    /// The newest durable checkpoint's size and signed note: on a backend whose readers see
    /// only durable batches (a database, whichever node committed them), the stored one; on
    /// sled, as the commit that flushed it published them (verified when the store opened,
    /// signed by this process since).
    fn durable(&self) -> Result<(u64, String), StoreError> {
        if self.rows.reads_are_durable() {
            let (signed, checkpoint) = self.latest_checkpoint()?;
            return Ok((checkpoint.size, signed));
        }
        self.witness
            .durable()
            .ok_or_else(|| StoreError::Integrity("no durable checkpoint since the store opened".to_owned()))
    }

    /// The values of the `span.count` (at most [`TILE_WIDTH`]) consecutive rows `key(i)` for `i`
    /// from `span.start`, in order, read as one range; every one must be there, as the span
    /// lies inside a durable tree.
    fn rows(&self, span: TileSpan, key: impl Fn(u64) -> Vec<u8>) -> Result<Vec<Vec<u8>>, StoreError> {
        let count = usize::from(span.count.min(TILE_WIDTH));
        let mut rows = Vec::with_capacity(count);
        for (row, index) in self
            .rows
            .range(&key(span.start), None)
            .take(count)
            .zip(span.start..)
        {
            let (found, value) = row?;
            if found != key(index) {
                break;
            }
            rows.push(value);
        }
        if rows.len() != count {
            return Err(StoreError::Corrupt(format!(
                "log rows {}..{} of tree level {} are not all stored",
                span.start,
                span.start + u64::from(span.count),
                span.tree_level
            )));
        }
        Ok(rows)
    }
}
