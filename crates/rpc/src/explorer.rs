//! What the block explorer reads beyond `eth_*` and `zks_*`: an address's transactions and the ERC-20 tokens
//! seen, from the store's indexes (docs/architecture.md, "Block explorer").

use std::sync::Arc;

use alloy_primitives::{Address, U64};
use ferrum_sequencer::Chain;
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::{Deserialize, Serialize};

use crate::{
    convert::{RpcTx, rpc_tx},
    error::{internal, invalid_params},
};

/// Most entries one explorer call returns.
pub const MAX_EXPLORER_PAGE: u64 = 100;
const DEFAULT_PAGE: u64 = 25;

/// A position in an address's transaction list: the transaction at `index` of block `block`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TxCursor {
    block: U64,
    index: U64,
}

/// `ferrum_getAddressTransactions`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddressTransactions {
    /// Newest first.
    transactions: Vec<RpcTx>,
    /// Pass as `before` for the next page; `null` on the last page.
    next: Option<TxCursor>,
}

/// One entry of `ferrum_getTokens`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenEntry {
    address: Address,
    /// The block of its first `Transfer`.
    first_block: U64,
}

#[rpc(server, namespace = "ferrum")]
pub(crate) trait ExplorerApi {
    /// `address`'s transactions (as sender, recipient, created contract or ERC-20 transfer party), newest first,
    /// strictly before `before`; `limit` defaults to 25, at most 100.
    #[method(name = "getAddressTransactions", blocking)]
    fn address_transactions(
        &self,
        address: Address,
        limit: Option<U64>,
        before: Option<TxCursor>,
    ) -> RpcResult<AddressTransactions>;
    /// ERC-20 tokens seen on the chain, by address, strictly after `after`; `limit` defaults to 25, at most 100.
    #[method(name = "getTokens", blocking)]
    fn tokens(&self, limit: Option<U64>, after: Option<Address>) -> RpcResult<Vec<TokenEntry>>;
}

pub(crate) struct ExplorerApi {
    pub(crate) chain: Arc<Chain>,
}

fn page(limit: Option<U64>) -> RpcResult<usize> {
    let limit = limit.map_or(DEFAULT_PAGE, |l| l.saturating_to::<u64>());
    if limit == 0 || limit > MAX_EXPLORER_PAGE {
        return Err(invalid_params(format!(
            "limit {limit} is outside 1..={MAX_EXPLORER_PAGE}"
        )));
    }
    Ok(limit as usize)
}

impl ExplorerApiServer for ExplorerApi {
    fn address_transactions(
        &self,
        address: Address,
        limit: Option<U64>,
        before: Option<TxCursor>,
    ) -> RpcResult<AddressTransactions> {
        let limit = page(limit)?;
        let before = before
            .map(|c| {
                let index = u32::try_from(c.index.saturating_to::<u64>())
                    .map_err(|_| invalid_params("cursor index out of range"))?;
                Ok::<_, jsonrpsee::types::ErrorObjectOwned>((c.block.saturating_to::<u64>(), index))
            })
            .transpose()?;
        let store = &self.chain.store;
        // A block being committed is indexed before the head moves to it: read only below the visible head.
        let head = self.chain.head().header.number;
        let visible_end = (head.saturating_add(1), 0);
        let before = Some(before.map_or(visible_end, |b| b.min(visible_end)));
        // One more than asked tells whether a next page exists.
        let mut locations = store
            .address_txs(&address, before, limit + 1)
            .map_err(internal)?;
        let next = (locations.len() > limit).then(|| {
            let (n, i) = locations[limit - 1];
            TxCursor {
                block: U64::from(n),
                index: U64::from(i),
            }
        });
        locations.truncate(limit);
        let mut transactions = Vec::with_capacity(locations.len());
        let mut block: Option<(u64, alloy_primitives::B256, alloy_consensus::Header)> = None;
        for (n, i) in locations {
            if block.as_ref().is_none_or(|(bn, _, _)| *bn != n) {
                let header = store
                    .header(n)
                    .map_err(internal)?
                    .ok_or_else(|| internal(format!("index names block {n}, which is missing")))?;
                let hash = store.block_hash(n).map_err(internal)?.unwrap_or_default();
                block = Some((n, hash, header));
            }
            let Some((_, hash, header)) = &block else {
                unreachable!("set above")
            };
            let stored = store.tx(n, i).map_err(internal)?.ok_or_else(|| {
                internal(format!("index names transaction {n}/{i}, which is missing"))
            })?;
            transactions.push(rpc_tx(&stored, *hash, header, u64::from(i))?);
        }
        Ok(AddressTransactions { transactions, next })
    }

    fn tokens(&self, limit: Option<U64>, after: Option<Address>) -> RpcResult<Vec<TokenEntry>> {
        let limit = page(limit)?;
        Ok(self
            .chain
            .store
            .tokens(after.as_ref(), limit)
            .map_err(internal)?
            .into_iter()
            .map(|(address, first)| TokenEntry {
                address,
                first_block: U64::from(first),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page(None).unwrap(), 25);
        assert_eq!(page(Some(U64::from(100))).unwrap(), 100);
        assert!(page(Some(U64::from(0))).is_err());
        assert!(page(Some(U64::from(101))).is_err());
        assert!(page(Some(U64::MAX)).is_err());
    }
}
