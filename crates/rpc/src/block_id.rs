//! Resolving block tags and hashes to block numbers.

use alloy_eips::{BlockId, BlockNumberOrTag};
use ferrum_sequencer::{BatchRecord, Chain};
use jsonrpsee::types::ErrorObjectOwned;

use crate::error::{internal, server};

/// A block id as ZKsync nodes take it: Ethereum's forms, plus the tag `committed` (ZKsync's default tag for
/// reads; the latest block here, since every block is committed to the chain's state as soon as it exists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RpcBlockId(pub BlockId);

/// A block tag or number as ZKsync nodes take it (Ethereum's, plus `committed` = `latest`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RpcBlockTag(pub BlockNumberOrTag);

fn is_committed(v: &serde_json::Value) -> bool {
    v.as_str() == Some("committed")
}

impl<'de> serde::Deserialize<'de> for RpcBlockId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if is_committed(&v) {
            return Ok(Self(BlockId::latest()));
        }
        serde_json::from_value(v)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> serde::Deserialize<'de> for RpcBlockTag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if is_committed(&v) {
            return Ok(Self(BlockNumberOrTag::Latest));
        }
        serde_json::from_value(v)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// "finalized": the last block of the last batch executed on L1 when the chain settles on L1, else the last
/// block of the last sealed batch.
pub(crate) fn finalized_block(chain: &Chain) -> Result<u64, ErrorObjectOwned> {
    let last = if chain.settles_on_l1() {
        chain.store.last_executed_batch().map_err(internal)?
    } else {
        chain.store.last_batch().map_err(internal)?
    };
    let Some(n) = last else {
        return Ok(0);
    };
    let raw = chain
        .store
        .batch(n)
        .map_err(internal)?
        .ok_or_else(|| internal("batch vanished"))?;
    Ok(BatchRecord::decode_stored(&raw)
        .map_err(internal)?
        .last_block)
}

/// Resolves a tag or number; `None` if the block does not exist (yet).
pub(crate) fn resolve_number(
    chain: &Chain,
    tag: BlockNumberOrTag,
) -> Result<Option<u64>, ErrorObjectOwned> {
    let head = chain.head().header.number;
    let n = match tag {
        BlockNumberOrTag::Latest | BlockNumberOrTag::Pending | BlockNumberOrTag::Safe => head,
        BlockNumberOrTag::Finalized => finalized_block(chain)?,
        BlockNumberOrTag::Earliest => 0,
        BlockNumberOrTag::Number(n) => n,
    };
    Ok((n <= head).then_some(n))
}

/// Resolves a block id; `None` if unknown.
pub(crate) fn resolve(chain: &Chain, id: BlockId) -> Result<Option<u64>, ErrorObjectOwned> {
    match id {
        BlockId::Number(tag) => resolve_number(chain, tag),
        BlockId::Hash(h) => chain.store.block_number(&h.block_hash).map_err(internal),
    }
}

/// State position for a read: `None` = the head (fast path), `Some(n)` = after block `n`.
/// Unknown blocks are an error, as in geth.
pub(crate) fn state_at(
    chain: &Chain,
    id: Option<BlockId>,
) -> Result<Option<u64>, ErrorObjectOwned> {
    let id = id.unwrap_or(BlockId::latest());
    if matches!(
        id,
        BlockId::Number(BlockNumberOrTag::Latest | BlockNumberOrTag::Pending)
    ) {
        return Ok(None);
    }
    let n = resolve(chain, id)?.ok_or_else(|| server("header not found"))?;
    Ok(Some(n))
}

/// The sealed batch `n`.
pub(crate) fn batch(chain: &Chain, n: u64) -> Result<Option<BatchRecord>, ErrorObjectOwned> {
    match chain.store.batch(n).map_err(internal)? {
        Some(raw) => Ok(Some(BatchRecord::decode_stored(&raw).map_err(internal)?)),
        None => Ok(None),
    }
}

/// The sealed batch holding `block` (binary search over the batches' block ranges); `None` while its batch is
/// open.
pub(crate) fn batch_of_block(
    chain: &Chain,
    block: u64,
) -> Result<Option<BatchRecord>, ErrorObjectOwned> {
    let Some(last) = chain.store.last_batch().map_err(internal)? else {
        return Ok(None);
    };
    let (mut lo, mut hi) = (0u64, last);
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let Some(b) = batch(chain, mid)? else {
            return Err(internal(format!("batch {mid} missing")));
        };
        if block < b.first_block {
            if mid == 0 {
                break;
            }
            hi = mid - 1;
        } else if block > b.last_block {
            lo = mid + 1;
        } else {
            return Ok(Some(b));
        }
    }
    Ok(None)
}
