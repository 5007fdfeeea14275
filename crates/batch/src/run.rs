//! Executing a batch from its witness: what the batch guest proves.

use alloc::{collections::BTreeMap, string::ToString, vec::Vec};
use alloy_consensus::Header;
use alloy_primitives::{B256, keccak256};
use alloy_rlp::Decodable;
use ferrum_primitives::{
    BatchOutput, EMPTY_PRIORITY_OPS_HASH, L1_TX_TYPE, L1Tx, L2ToL1Log, PROTOCOL_VERSION,
    StateCommitment, batch_public_input, l2_to_l1_logs_root, next_base_fee, recover_tx,
    roll_priority_hash, tree::Leaf,
};
use ferrum_stf::{BlockContext, BlockExecutor, StateWrites, StfError, TxOutcome};

use crate::{BatchError, BatchWitness, BlockWitness, DaMode, PartialTree, WitnessOracle, pubdata};

/// What executing a batch established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRun {
    /// `keccak256(before.hash() ‖ after.hash() ‖ output.hash())`: what the batch guest commits.
    pub public_input: B256,
    /// State commitment before the batch.
    pub before: StateCommitment,
    /// State commitment after it.
    pub after: StateCommitment,
    /// The batch output.
    pub output: BatchOutput,
    /// Transactions executed.
    pub tx_count: u64,
}

/// Most blocks one batch may hold (the sequencer seals at 1,000 by default).
pub const MAX_BATCH_BLOCKS: usize = 1 << 16;

fn decode_header(raw: &[u8]) -> Result<(Header, B256), BatchError> {
    let mut body = raw;
    let header = Header::decode(&mut body).map_err(BatchError::Rlp)?;
    if !body.is_empty() {
        return Err(BatchError::Witness("bytes after a header"));
    }
    Ok((header, keccak256(raw)))
}

/// An STF error, keeping the witness's own errors typed.
fn stf_error(e: StfError<BatchError>) -> BatchError {
    match e {
        StfError::Oracle(e) => e,
        other => BatchError::Stf(other.to_string()),
    }
}

/// Leaves of a block witness: `index u64 BE ‖ Leaf::encode` each.
fn leaves(block: &BlockWitness) -> Result<Vec<(u64, Leaf)>, BatchError> {
    block
        .leaves
        .iter()
        .map(|raw| {
            let (index, leaf) = raw
                .split_first_chunk::<8>()
                .ok_or(BatchError::Witness("tree leaf of the wrong length"))?;
            let leaf =
                Leaf::decode(leaf).ok_or(BatchError::Witness("tree leaf of the wrong length"))?;
            Ok((u64::from_be_bytes(*index), leaf))
        })
        .collect()
}

/// Executes the batch the witness describes, checking every read against the state before it, and returns its
/// public input. Fails when the witness omits or falsifies anything the execution needs.
pub fn run_batch(witness: &BatchWitness) -> Result<BatchRun, BatchError> {
    let config = witness.chain.config();
    let before = witness.before;
    if witness.blocks.is_empty() || witness.blocks.len() > MAX_BATCH_BLOCKS {
        return Err(BatchError::Witness(
            "a batch holds 1 to MAX_BATCH_BLOCKS blocks",
        ));
    }

    // The parent header is the one the commitment names; older hashes follow its parent links.
    let (mut parent, parent_hash) = decode_header(&witness.parent_header)?;
    if parent_hash != before.block_hash
        || parent.number != before.block_number
        || parent.timestamp != before.timestamp
        || parent.state_root != before.tree_root
    {
        return Err(BatchError::Witness(
            "parent header does not match the state commitment",
        ));
    }
    let mut block_hashes = BTreeMap::new();
    block_hashes.insert(parent.number, parent_hash);
    let (mut number, mut expected) = (parent.number, parent.parent_hash);
    for raw in &witness.ancestors {
        let (header, hash) = decode_header(raw)?;
        let n = number
            .checked_sub(1)
            .ok_or(BatchError::Witness("ancestor header before genesis"))?;
        if hash != expected || header.number != n {
            return Err(BatchError::Witness(
                "ancestor headers do not chain to the parent",
            ));
        }
        block_hashes.insert(n, hash);
        (number, expected) = (n, header.parent_hash);
    }

    let mut commitment = before;
    let mut parent_hash = parent_hash;
    let mut logs: Vec<L2ToL1Log> = Vec::new();
    let mut writes = StateWrites::default();
    let mut priority_ops = 0u64;
    let mut priority_hash = EMPTY_PRIORITY_OPS_HASH;
    let mut tx_count = 0u64;
    let mut first_ts = None;
    for block in &witness.blocks {
        if block.timestamp < parent.timestamp {
            return Err(BatchError::Witness("block timestamp before its parent's"));
        }
        let ctx = BlockContext {
            number: parent.number + 1,
            timestamp: block.timestamp,
            base_fee: next_base_fee(
                &config.fee,
                parent.gas_used,
                parent.gas_limit,
                parent.base_fee_per_gas.unwrap_or(config.fee.min_base_fee),
            ),
            gas_limit: config.block_gas_limit,
            fee_recipient: block.fee_recipient,
            parent_hash,
            prevrandao: keccak256(parent_hash),
        };
        first_ts.get_or_insert(ctx.timestamp);
        let pre = PartialTree::verify(
            commitment.tree_root,
            commitment.next_free_index,
            leaves(block)?,
            &block.siblings,
        )?;
        let oracle = WitnessOracle::new(&pre, block, &block_hashes)?;
        let mut executor = BlockExecutor::new(&config, ctx, oracle);
        let mut seen_l2 = false;
        for (i, raw) in block.txs.iter().enumerate() {
            let invalid = |reason: alloc::string::String| BatchError::InvalidTransaction {
                block: ctx.number,
                index: i,
                reason,
            };
            let outcome = if raw.first() == Some(&L1_TX_TYPE) {
                if seen_l2 {
                    return Err(invalid(
                        "priority transaction after a user transaction".into(),
                    ));
                }
                let tx = L1Tx::decode_2718(raw).map_err(|e| invalid(e.to_string()))?;
                priority_hash = roll_priority_hash(priority_hash, tx.canonical_hash());
                priority_ops += 1;
                executor.execute_l1(tx)
            } else {
                seen_l2 = true;
                let tx = recover_tx(raw).map_err(|e| invalid(e.to_string()))?;
                executor.execute(tx)
            };
            match outcome.map_err(stf_error)? {
                TxOutcome::Included { .. } => {}
                TxOutcome::Invalid(reason) => return Err(invalid(reason.to_string())),
            }
        }
        let mut post = pre.clone();
        let executed = executor.finish(&mut post).map_err(stf_error)?;
        for log in &executed.l2_to_l1_logs {
            let n = u64::from(log.tx_number_in_batch) + tx_count;
            logs.push(L2ToL1Log {
                tx_number_in_batch: u16::try_from(n).map_err(|_| {
                    BatchError::Witness("more than 65,535 transactions in the batch")
                })?,
                ..*log
            });
        }
        tx_count += executed.transactions.len() as u64;
        writes.merge(&executed.writes);
        commitment = executed.commitment;
        parent_hash = executed.hash;
        block_hashes.insert(ctx.number, executed.hash);
        parent = executed.header;
    }

    let pubdata = pubdata(&logs, &writes);
    let da_commitment = match witness.chain.da()? {
        DaMode::Keccak => keccak256(&pubdata),
        DaMode::Blobs => {
            return Err(BatchError::Unsupported(
                "proving a batch whose pubdata goes in blobs",
            ));
        }
    };
    let output = BatchOutput {
        chain_id: config.chain_id,
        first_block_timestamp: first_ts.unwrap_or(before.timestamp),
        last_block_timestamp: commitment.timestamp,
        protocol_version: PROTOCOL_VERSION,
        priority_ops_count: priority_ops,
        priority_ops_rolling_hash: priority_hash,
        l2_to_l1_logs_root: l2_to_l1_logs_root(&logs).ok_or(BatchError::Witness(
            "more L2→L1 logs than the logs tree holds",
        ))?,
        da_commitment,
    };
    Ok(BatchRun {
        public_input: batch_public_input(&before, &commitment, &output),
        before,
        after: commitment,
        output,
        tx_count,
    })
}
