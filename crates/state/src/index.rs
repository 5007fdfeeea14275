//! The explorer's indexes, written in the same atomic batch as the block: every address's transactions (sender,
//! recipient, created contract, and both sides of ERC-20 `Transfer` logs) and the ERC-20 tokens seen.

use alloy_primitives::{Address, B256, b256};
use ferrum_primitives::BlockTx;
use ferrum_stf::TxReceipt;
use rocksdb::{Direction, IteratorMode, WriteBatch};

use crate::{
    Store, StoreError,
    keys::{CF_ADDRESS_TXS, CF_TOKENS, be_u64},
    store::corrupt,
};

/// `keccak256("Transfer(address,address,uint256)")`. ERC-20 logs it with three topics (ERC-721 with four).
pub const ERC20_TRANSFER_TOPIC: B256 =
    b256!("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

/// Most entries one index read returns.
pub const MAX_INDEX_PAGE: usize = 1_000;

fn address_tx_key(address: &Address, number: u64, index: u32) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..20].copy_from_slice(address.as_slice());
    k[20..28].copy_from_slice(&number.to_be_bytes());
    k[28..].copy_from_slice(&index.to_be_bytes());
    k
}

/// The topic's low 20 bytes as an address (an indexed `address` argument).
fn topic_address(topic: &B256) -> Address {
    Address::from_slice(&topic[12..])
}

impl Store {
    /// Adds transaction `index` of block `number` to the indexes.
    pub(crate) fn index_tx(
        &self,
        batch: &mut WriteBatch,
        number: u64,
        index: u32,
        tx: &BlockTx,
        receipt: &TxReceipt,
    ) -> Result<(), StoreError> {
        let mut touched: Vec<Address> = Vec::with_capacity(4);
        touched.push(tx.sender());
        match tx {
            BlockTx::L2(t) => {
                if let Some(to) = alloy_consensus::Transaction::to(&t.envelope) {
                    touched.push(to);
                }
            }
            BlockTx::L1(t) => touched.push(t.to),
        }
        touched.extend(receipt.contract_address);
        for log in receipt.envelope.logs() {
            let topics = log.topics();
            if topics.len() == 3 && topics[0] == ERC20_TRANSFER_TOPIC {
                touched.push(topic_address(&topics[1]));
                touched.push(topic_address(&topics[2]));
                let token = log.address;
                if self.get(CF_TOKENS, token.as_slice())?.is_none() {
                    batch.put_cf(self.cf(CF_TOKENS), token, number.to_be_bytes());
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for a in &touched {
            batch.put_cf(
                self.cf(CF_ADDRESS_TXS),
                address_tx_key(a, number, index),
                [],
            );
        }
        Ok(())
    }

    /// Locations `(block, index)` of `address`'s transactions, newest first, strictly before `before` (all when
    /// `None`); at most `limit` (capped at [`MAX_INDEX_PAGE`]).
    pub fn address_txs(
        &self,
        address: &Address,
        before: Option<(u64, u32)>,
        limit: usize,
    ) -> Result<Vec<(u64, u32)>, StoreError> {
        let limit = limit.min(MAX_INDEX_PAGE);
        let mut out = Vec::new();
        if limit == 0 || before == Some((0, 0)) {
            return Ok(out);
        }
        // Seek to the last key below `before` (reverse iteration starts at the key ≤ the seek key).
        let seek = match before {
            Some((n, 0)) => address_tx_key(address, n - 1, u32::MAX),
            Some((n, i)) => address_tx_key(address, n, i - 1),
            None => address_tx_key(address, u64::MAX, u32::MAX),
        };
        let iter = self.db.iterator_cf(
            self.cf(CF_ADDRESS_TXS),
            IteratorMode::From(&seek, Direction::Reverse),
        );
        for item in iter {
            let (k, _) = item?;
            if k.len() != 32 || &k[..20] != address.as_slice() {
                break;
            }
            let n = be_u64(&k[20..28]).ok_or_else(|| corrupt(CF_ADDRESS_TXS, "number"))?;
            let i = u32::from_be_bytes([k[28], k[29], k[30], k[31]]);
            out.push((n, i));
            if out.len() == limit {
                break;
            }
        }
        Ok(out)
    }

    /// ERC-20 tokens seen (an address that logged a three-topic `Transfer`) with the block of their first transfer,
    /// in address order, strictly after `after`; at most `limit` (capped at [`MAX_INDEX_PAGE`]).
    pub fn tokens(
        &self,
        after: Option<&Address>,
        limit: usize,
    ) -> Result<Vec<(Address, u64)>, StoreError> {
        let limit = limit.min(MAX_INDEX_PAGE);
        let mut out = Vec::new();
        let mode = match after {
            Some(a) => IteratorMode::From(a.as_slice(), Direction::Forward),
            None => IteratorMode::Start,
        };
        for item in self.db.iterator_cf(self.cf(CF_TOKENS), mode) {
            if out.len() == limit {
                break;
            }
            let (k, v) = item?;
            if k.len() != 20 {
                return Err(corrupt(CF_TOKENS, "address length"));
            }
            let token = Address::from_slice(&k);
            if Some(&token) == after {
                continue;
            }
            let first = be_u64(&v).ok_or_else(|| corrupt(CF_TOKENS, "first block"))?;
            out.push((token, first));
        }
        Ok(out)
    }
}
