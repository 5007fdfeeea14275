//! `eth_getLogs` and log matching for subscriptions.

use alloy_eips::BlockNumberOrTag;
use alloy_primitives::Bloom;
use alloy_rpc_types_eth::{Filter, FilterBlockOption, Log};
use ferrum_sequencer::Chain;
use jsonrpsee::types::ErrorObjectOwned;

use crate::{
    block_id::resolve_number,
    error::{RpcErrorCode, err, internal, invalid_params},
};

/// Limits on `eth_getLogs`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LogLimits {
    pub(crate) max_block_range: u64,
    pub(crate) max_logs: usize,
}

/// Most addresses a log filter may name (geth's limit): matching a block's bloom costs one check per address.
pub(crate) const MAX_FILTER_ADDRESSES: usize = 1_000;

/// Most alternatives in one topic position of a log filter (geth's limit).
pub(crate) const MAX_FILTER_SUB_TOPICS: usize = 1_000;

/// Refuses a log filter whose matching would cost work in proportion to an unbounded list (`eth_getLogs`,
/// `eth_subscribe("logs")`).
pub(crate) fn check_filter(filter: &Filter) -> Result<(), ErrorObjectOwned> {
    if filter.address.len() > MAX_FILTER_ADDRESSES {
        return Err(invalid_params(format!(
            "exceed max addresses: {} given, max {MAX_FILTER_ADDRESSES}",
            filter.address.len()
        )));
    }
    if let Some(t) = filter
        .topics
        .iter()
        .find(|t| t.len() > MAX_FILTER_SUB_TOPICS)
    {
        return Err(invalid_params(format!(
            "exceed max topics: {} alternatives in one position, max {MAX_FILTER_SUB_TOPICS}",
            t.len()
        )));
    }
    Ok(())
}

/// Logs of blocks `from..=to` matching `filter`.
pub(crate) fn get_logs(
    chain: &Chain,
    filter: &Filter,
    limits: LogLimits,
) -> Result<Vec<Log>, ErrorObjectOwned> {
    check_filter(filter)?;
    let head = chain.head().header.number;
    let (from, to) = match filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let n = chain
                .store
                .block_number(&hash)
                .map_err(internal)?
                .ok_or_else(|| invalid_params("unknown block"))?;
            (n, n)
        }
        FilterBlockOption::Range {
            from_block,
            to_block,
        } => {
            let resolve = |tag: Option<BlockNumberOrTag>| -> Result<u64, ErrorObjectOwned> {
                let tag = tag.unwrap_or(BlockNumberOrTag::Latest);
                Ok(resolve_number(chain, tag)?.unwrap_or(head))
            };
            (resolve(from_block)?, resolve(to_block)?)
        }
    };
    if from > to {
        return Err(invalid_params(
            "invalid block range params: fromBlock is greater than toBlock",
        ));
    }
    if to - from >= limits.max_block_range {
        return Err(err(
            RpcErrorCode::LimitExceeded,
            format!(
                "block range too large: {} blocks, max {}",
                to - from + 1,
                limits.max_block_range
            ),
        ));
    }
    let mut out = Vec::new();
    for n in from..=to {
        let Some(header) = chain.store.header(n).map_err(internal)? else {
            break;
        };
        // An empty bloom: the block has no logs (an empty filter matches every bloom).
        if header.logs_bloom == Bloom::ZERO || !filter.matches_bloom(header.logs_bloom) {
            continue;
        }
        let hash = chain
            .store
            .block_hash(n)
            .map_err(internal)?
            .unwrap_or_default();
        for (i, stored) in chain
            .store
            .block_txs(n)
            .map_err(internal)?
            .iter()
            .enumerate()
        {
            let receipt = crate::convert::rpc_receipt(stored, hash, &header, i as u64)?;
            for log in receipt.inner.logs() {
                if filter.matches(&log.inner) {
                    out.push(log.clone());
                    if out.len() > limits.max_logs {
                        return Err(err(
                            RpcErrorCode::LimitExceeded,
                            format!("query returned more than {} results", limits.max_logs),
                        ));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Logs of one new block matching `filter` (for `eth_subscribe("logs")`).
pub(crate) fn block_logs(event: &ferrum_sequencer::BlockEvent, filter: &Filter) -> Vec<Log> {
    if !filter.matches_bloom(event.header.logs_bloom) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut log_index = 0u64;
    for (i, (tx_hash, logs)) in event.tx_hashes.iter().zip(&event.logs).enumerate() {
        for inner in logs {
            if filter.matches(inner) {
                out.push(Log {
                    inner: inner.clone(),
                    block_hash: Some(event.hash),
                    block_number: Some(event.header.number),
                    block_timestamp: Some(event.header.timestamp),
                    transaction_hash: Some(*tx_hash),
                    transaction_index: Some(i as u64),
                    log_index: Some(log_index),
                    removed: false,
                });
            }
            log_index += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Address, B256};

    #[test]
    fn filters_naming_too_many_addresses_or_topics_are_invalid_params() {
        let addresses =
            |n: usize| (0..n).map(|i| Address::with_last_byte(i as u8).create(i as u64));
        let ok = Filter::new().address(addresses(MAX_FILTER_ADDRESSES).collect::<Vec<_>>());
        assert_eq!(ok.address.len(), MAX_FILTER_ADDRESSES);
        assert!(check_filter(&ok).is_ok());
        let e = check_filter(
            &Filter::new().address(addresses(MAX_FILTER_ADDRESSES + 1).collect::<Vec<_>>()),
        )
        .unwrap_err();
        assert_eq!(e.code(), RpcErrorCode::InvalidParams as i32);
        assert!(
            e.message().starts_with("exceed max addresses"),
            "{}",
            e.message()
        );

        let topics = |n: usize| {
            (0..n)
                .map(|i| B256::from(alloy_primitives::U256::from(i)))
                .collect::<Vec<_>>()
        };
        assert!(
            check_filter(&Filter::new().event_signature(topics(MAX_FILTER_SUB_TOPICS))).is_ok()
        );
        for position in 0..4 {
            let mut f = Filter::new();
            f.topics[position] = topics(MAX_FILTER_SUB_TOPICS + 1).into();
            let e = check_filter(&f).unwrap_err();
            assert_eq!(e.code(), RpcErrorCode::InvalidParams as i32);
            assert!(
                e.message().starts_with("exceed max topics"),
                "{}",
                e.message()
            );
        }
    }
}
