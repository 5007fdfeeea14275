//! Block execution: transactions in, receipts and state writes out.

use alloc::{format, string::ToString, vec::Vec};
use alloy_consensus::{EMPTY_OMMER_ROOT_HASH, Header, Receipt, ReceiptEnvelope, proofs};
use alloy_primitives::{Address, Bloom, Bytes, U256};
use ferrum_primitives::{
    BlockTx, L1_MESSAGE_SENT_TOPIC, L1_MESSENGER_ADDRESS, L1_TX_GAS_PER_PUBDATA, L1Tx,
    L2_TO_L1_LOG_SERIALIZE_SIZE, L2ToL1Log, RecoveredTx,
};
use revm::{
    Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext,
    context::{
        BlockEnv, CfgEnv,
        result::{EVMError, ExecutionResult, InvalidTransaction, Output},
    },
    context_interface::block::BlobExcessGasAndPrice,
    handler::{MainnetContext, MainnetEvm},
    primitives::hardfork::SpecId,
};

use crate::{
    BlockContext, ChainConfig, InvalidTx, StateOracle, StateTree, StfError,
    oracle::commitment,
    output::{ExecutedBlock, TxOutcome, TxReceipt},
    overlay::{OracleError, Overlay},
    tx_env::tx_env,
};

type Evm<O> = MainnetEvm<MainnetContext<Overlay<O>>>;

/// Most transactions in one block: an L2→L1 log numbers its transaction with 16 bits.
pub const MAX_BLOCK_TXS: usize = u16::MAX as usize;

/// Executes the transactions of one block, one at a time, then seals it.
pub struct BlockExecutor<O: StateOracle> {
    evm: Evm<O>,
    ctx: BlockContext,
    transactions: Vec<BlockTx>,
    receipts: Vec<TxReceipt>,
    gas_used: u64,
    /// L2→L1 logs of the included transactions (messages and priority statuses).
    l2_log_count: u64,
    /// `ChainConfig::ethereum_l1`: the base fee is burned.
    #[cfg(feature = "l1-dev")]
    ethereum_l1: bool,
    /// `ChainConfig::max_l1_tx_pubdata`.
    max_l1_tx_pubdata: u64,
}

/// What an executed call left for its receipt.
struct CallResult {
    success: bool,
    logs: Vec<alloy_primitives::Log>,
    /// Return data on success, revert data on revert, empty on halt.
    output: Bytes,
    created: Option<Address>,
}

impl CallResult {
    /// A call that did not run.
    fn failed() -> Self {
        Self {
            success: false,
            logs: Vec::new(),
            output: Bytes::new(),
            created: None,
        }
    }
}

impl From<ExecutionResult> for CallResult {
    fn from(r: ExecutionResult) -> Self {
        match r {
            ExecutionResult::Success { logs, output, .. } => Self {
                success: true,
                created: match &output {
                    Output::Create(_, addr) => *addr,
                    Output::Call(_) => None,
                },
                logs,
                output: output.into_data(),
            },
            ExecutionResult::Revert { output, logs, .. } => Self {
                success: false,
                logs,
                output,
                created: None,
            },
            ExecutionResult::Halt { logs, .. } => Self {
                logs,
                ..Self::failed()
            },
        }
    }
}

/// Pubdata bytes of one L2→L1 log.
const LOG_BYTES: u64 = L2_TO_L1_LOG_SERIALIZE_SIZE as u64;

/// An L2→L1 message event of the L1 messenger (each becomes an 88-byte L2→L1 log in the batch's pubdata).
fn is_l1_message(l: &alloy_primitives::Log) -> bool {
    l.address == L1_MESSENGER_ADDRESS
        && l.topics().len() == 3
        && l.topics()[0] == L1_MESSAGE_SENT_TOPIC
}

/// EIP-2718 bytes of a receipt; a priority transaction's receipt is `0xff ‖ rlp(receipt with bloom)`.
pub fn receipt_2718(tx: &BlockTx, receipt: &ReceiptEnvelope) -> Vec<u8> {
    use alloy_eips::Encodable2718;
    let mut out = Vec::new();
    if tx.as_l1().is_some() {
        out.push(ferrum_primitives::L1_TX_TYPE);
        alloy_rlp::Encodable::encode(
            receipt.as_receipt_with_bloom().unwrap_or_else(|| {
                unreachable!("receipts are always typed envelopes with a bloom")
            }),
            &mut out,
        );
    } else {
        receipt.encode_2718(&mut out);
    }
    out
}

/// The L2→L1 logs of a block's transactions, in order: each `L1MessageSent` event of the messenger system
/// contract, then (for a priority transaction) its status log. `tx_number_in_batch` is the index in the block.
fn l2_to_l1_logs(txs: &[BlockTx], receipts: &[TxReceipt]) -> Vec<L2ToL1Log> {
    let mut out = Vec::new();
    for (i, (tx, r)) in txs.iter().zip(receipts).enumerate() {
        // `execute` and `execute_l1` keep a block within MAX_BLOCK_TXS.
        let n = u16::try_from(i).unwrap_or(u16::MAX);
        for log in r.envelope.logs() {
            let topics = log.topics();
            if log.address == L1_MESSENGER_ADDRESS
                && topics.len() == 3
                && topics[0] == L1_MESSAGE_SENT_TOPIC
            {
                out.push(L2ToL1Log::message(
                    n,
                    Address::from_word(topics[1]),
                    topics[2],
                ));
            }
        }
        if let Some(l1) = tx.as_l1() {
            out.push(L2ToL1Log::priority_status(
                n,
                l1.canonical_hash(),
                r.success(),
            ));
        }
    }
    out
}

/// The revm environment of a block.
pub(crate) fn block_env(ctx: &BlockContext) -> BlockEnv {
    BlockEnv {
        number: U256::from(ctx.number),
        beneficiary: ctx.fee_recipient,
        timestamp: U256::from(ctx.timestamp),
        gas_limit: ctx.gas_limit,
        basefee: ctx.base_fee,
        difficulty: U256::ZERO,
        prevrandao: Some(ctx.prevrandao),
        // L2 has no blobs; Prague needs a blob price for BLOBBASEFEE (the minimum, 1 wei).
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new_with_spec(0, SpecId::PRAGUE)),
        slot_num: 0,
    }
}

/// The revm configuration of the chain (Prague).
pub(crate) fn cfg_env(config: &ChainConfig) -> CfgEnv {
    let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
    cfg.chain_id = config.chain_id;
    cfg
}

pub(crate) fn build_evm<O: StateOracle>(
    config: &ChainConfig,
    ctx: &BlockContext,
    overlay: Overlay<O>,
) -> Evm<O> {
    Context::mainnet()
        .with_db(overlay)
        .with_block(block_env(ctx))
        .with_cfg(cfg_env(config))
        .build_mainnet()
}

/// Maps revm's validation errors to ours.
pub(crate) fn invalid_tx(e: InvalidTransaction) -> InvalidTx {
    match e {
        InvalidTransaction::NonceTooLow { tx, state } => InvalidTx::NonceTooLow { state, tx },
        InvalidTransaction::NonceTooHigh { tx, state } => InvalidTx::NonceTooHigh { state, tx },
        InvalidTransaction::LackOfFundForMaxFee { .. }
        | InvalidTransaction::OverflowPaymentInTransaction => InvalidTx::InsufficientFunds,
        InvalidTransaction::GasPriceLessThanBasefee => InvalidTx::FeeCapTooLow,
        InvalidTransaction::CallGasCostMoreThanGasLimit { .. }
        | InvalidTransaction::GasFloorMoreThanGasLimit { .. } => InvalidTx::IntrinsicGasTooLow,
        InvalidTransaction::CallerGasLimitMoreThanBlock => InvalidTx::GasLimitExceedsBlock,
        InvalidTransaction::InvalidChainId | InvalidTransaction::MissingChainId => {
            InvalidTx::InvalidChainId
        }
        InvalidTransaction::RejectCallerWithCode => InvalidTx::SenderNotEoa,
        other => InvalidTx::Other(other.to_string()),
    }
}

/// Splits an EVM error into "the transaction is invalid" and "the block/oracle failed".
pub(crate) fn classify<E>(e: EVMError<OracleError<E>>) -> Result<InvalidTx, StfError<E>> {
    match e {
        EVMError::Transaction(t) => Ok(invalid_tx(t)),
        EVMError::Database(OracleError(e)) => Err(StfError::Oracle(e)),
        EVMError::Header(h) => Err(StfError::Evm(format!("{h}"))),
        EVMError::Custom(s) => Err(StfError::Evm(s)),
        EVMError::CustomAny(a) => Err(StfError::Evm(format!("{a}"))),
    }
}

impl<O: StateOracle> BlockExecutor<O> {
    /// Starts a block on top of the state `oracle` reads.
    pub fn new(config: &ChainConfig, ctx: BlockContext, oracle: O) -> Self {
        Self {
            evm: build_evm(config, &ctx, Overlay::new(oracle)),
            ctx,
            transactions: Vec::new(),
            receipts: Vec::new(),
            gas_used: 0,
            l2_log_count: 0,
            #[cfg(feature = "l1-dev")]
            ethereum_l1: config.ethereum_l1,
            max_l1_tx_pubdata: config.max_l1_tx_pubdata,
        }
    }

    /// An upper bound of the pubdata this block adds to its batch: the encoded state diff (every account and
    /// slot written, every new bytecode) plus 88 bytes per L2→L1 log. The sequencer stops taking transactions
    /// when it nears what the batch has room for.
    pub fn pubdata_estimate(&self) -> u64 {
        self.evm.ctx.journaled_state.database.pubdata_estimate() + self.l2_log_count * LOG_BYTES
    }

    /// L2→L1 logs of the transactions included so far (messages and priority statuses).
    pub fn l2_log_count(&self) -> u64 {
        self.l2_log_count
    }

    /// Gas used by the transactions included so far.
    pub fn gas_used(&self) -> u64 {
        self.gas_used
    }

    /// The state oracle the block reads (e.g. to collect what it read, for a witness).
    pub fn oracle(&self) -> &O {
        self.evm.ctx.journaled_state.database.oracle()
    }

    /// Tree keys the block has written so far (a contract created in the block writes slots it never read).
    pub fn written_tree_keys(&self) -> Vec<alloy_primitives::B256> {
        self.evm.ctx.journaled_state.database.written_tree_keys()
    }

    /// Number of transactions included so far.
    pub fn tx_count(&self) -> usize {
        self.transactions.len()
    }

    /// Offers `tx` to the block. An invalid transaction is not included and changes nothing.
    pub fn execute(&mut self, tx: RecoveredTx) -> Result<TxOutcome, StfError<O::Error>> {
        use alloy_consensus::Transaction as _;
        if self.transactions.len() >= MAX_BLOCK_TXS {
            return Ok(TxOutcome::Invalid(InvalidTx::BlockFull));
        }
        if tx.envelope.gas_limit() > self.ctx.gas_limit - self.gas_used {
            return Ok(TxOutcome::Invalid(InvalidTx::GasLimitExceedsBlock));
        }
        let result = match self.evm.transact(tx_env(&tx)) {
            Ok(r) => r,
            Err(e) => return classify(e).map(TxOutcome::Invalid),
        };
        self.evm.commit(result.state);
        let gas_used = result.result.tx_gas_used();
        // An L2 does not burn the base fee: the fee recipient (the operator) receives it, as in
        // ZKsync. revm already credited the priority fee (and burned the base fee, as an L1 does).
        #[cfg(feature = "l1-dev")]
        let l2 = !self.ethereum_l1;
        #[cfg(not(feature = "l1-dev"))]
        let l2 = true;
        if l2 {
            let base_fee_paid = U256::from(self.ctx.base_fee) * U256::from(gas_used);
            self.evm
                .ctx
                .journaled_state
                .database
                .add_balance(self.ctx.fee_recipient, base_fee_paid)
                .map_err(|e| StfError::Oracle(e.0))?;
        }
        self.gas_used += gas_used;

        let effective_gas_price = tx.envelope.effective_gas_price(Some(self.ctx.base_fee));
        Ok(self.include(
            BlockTx::L2(tx),
            CallResult::from(result.result),
            gas_used,
            effective_gas_price,
        ))
    }

    /// Appends an included transaction and its receipt (typed as the transaction; a priority transaction's
    /// receipt is kept in legacy form and typed `0xff` by [`receipt_2718`]).
    fn include(
        &mut self,
        tx: BlockTx,
        call: CallResult,
        gas_used: u64,
        effective_gas_price: u128,
    ) -> TxOutcome {
        let receipt = Receipt {
            status: call.success.into(),
            cumulative_gas_used: self.gas_used,
            logs: call.logs,
        }
        .with_bloom();
        self.l2_log_count += receipt
            .receipt
            .logs
            .iter()
            .filter(|l| is_l1_message(l))
            .count() as u64
            + u64::from(tx.as_l1().is_some());
        let envelope = match &tx {
            BlockTx::L2(t) => ReceiptEnvelope::from_typed(t.envelope.tx_type(), receipt),
            BlockTx::L1(_) => ReceiptEnvelope::Legacy(receipt),
        };
        self.receipts.push(TxReceipt {
            envelope,
            gas_used,
            contract_address: call.created,
            output: call.output,
            effective_gas_price,
        });
        self.transactions.push(tx);
        TxOutcome::Included {
            success: call.success,
            gas_used,
        }
    }

    /// Executes a priority (L1→L2) transaction. It is always included: a call that fails or is invalid only
    /// leaves the mint, minus the fee, with the refund recipient (`docs/architecture.md`, "Priority
    /// transactions").
    ///
    /// Pubdata is priced as ZKsync prices it: each byte the call adds to the batch's state diff (and each
    /// L2→L1 message it sends) costs [`L1_TX_GAS_PER_PUBDATA`] gas on top of its execution gas. A call whose
    /// execution and pubdata gas exceed its gas limit, or whose pubdata exceeds
    /// [`ChainConfig::max_l1_tx_pubdata`], fails as out of gas: its writes are dropped and it pays for its
    /// whole gas limit.
    pub fn execute_l1(&mut self, tx: L1Tx) -> Result<TxOutcome, StfError<O::Error>> {
        if self.transactions.len() >= MAX_BLOCK_TXS {
            return Err(StfError::InvalidTransaction {
                index: self.transactions.len(),
                reason: InvalidTx::BlockFull,
            });
        }
        let oracle_err = |e: OracleError<O::Error>| StfError::Oracle(e.0);
        // The price the L1 caller paid for, capped by the block's base fee.
        let price = self
            .ctx
            .base_fee
            .min(u64::try_from(tx.max_fee_per_gas).unwrap_or(u64::MAX));
        let gas_limit = u64::try_from(tx.gas_limit)
            .unwrap_or(u64::MAX)
            .min(self.ctx.gas_limit - self.gas_used);
        let db = &mut self.evm.ctx.journaled_state.database;
        db.add_balance(tx.from, tx.mint).map_err(oracle_err)?;
        let nonce = db.nonce(tx.from).map_err(oracle_err)?;

        let env = revm::context::TxEnv {
            tx_type: 0,
            caller: tx.from,
            gas_limit,
            gas_price: u128::from(price),
            kind: alloy_primitives::TxKind::Call(tx.to),
            value: tx.value,
            data: tx.data.clone(),
            nonce,
            chain_id: None,
            ..Default::default()
        };
        // Priority transactions carry no nonce and are charged at `price` (base fee lowered for them alone).
        self.evm.ctx.block.basefee = price;
        self.evm.ctx.cfg.disable_nonce_check = true;
        let result = self.evm.transact(env);
        self.evm.ctx.block.basefee = self.ctx.base_fee;
        self.evm.ctx.cfg.disable_nonce_check = false;

        // (call, gas used, fee revm already took from the sender)
        let (call, gas_used, fee_taken) = match result {
            Ok(mut r) => {
                // L1→L2 calls do not consume the sender's L2 nonce.
                if let Some(acc) = r.state.get_mut(&tx.from) {
                    acc.info.nonce = nonce;
                }
                let messages = r.result.logs().iter().filter(|l| is_l1_message(l)).count() as u64;
                let pubdata = self
                    .evm
                    .ctx
                    .journaled_state
                    .database
                    .pubdata_growth(&r.state)
                    + messages * LOG_BYTES;
                let exec_gas = r.result.tx_gas_used();
                let gas_used = pubdata
                    .checked_mul(L1_TX_GAS_PER_PUBDATA)
                    .and_then(|g| g.checked_add(exec_gas))
                    .filter(|&g| g <= gas_limit && pubdata <= self.max_l1_tx_pubdata);
                match gas_used {
                    Some(gas_used) => {
                        self.evm.commit(r.state);
                        // A priority transaction can only call: it creates nothing.
                        let call = CallResult {
                            created: None,
                            ..CallResult::from(r.result)
                        };
                        (call, gas_used, U256::from(price) * U256::from(exec_gas))
                    }
                    // Out of gas for its pubdata: nothing it wrote stays (not even revm's fee deduction).
                    None => (CallResult::failed(), gas_limit, U256::ZERO),
                }
            }
            // Not executable at all (e.g. gas limit below intrinsic gas): nothing runs, nothing is charged.
            Err(e) => {
                classify(e)?;
                (CallResult::failed(), 0, U256::ZERO)
            }
        };
        let success = call.success;
        let owed = U256::from(price) * U256::from(gas_used);
        // The pubdata part of the fee (or the whole fee of a call that ran out of gas for pubdata): from the
        // mint, which covers the gas limit at `max_fee_per_gas ≥ price`.
        let fee = fee_taken
            + self
                .evm
                .ctx
                .journaled_state
                .database
                .sub_balance(tx.from, owed.saturating_sub(fee_taken))
                .map_err(oracle_err)?;
        let spent = if success { tx.value } else { U256::ZERO } + fee;
        let db = &mut self.evm.ctx.journaled_state.database;
        // revm took the fee from the sender and burned it: the operator receives it, as for user transactions.
        db.add_balance(self.ctx.fee_recipient, fee)
            .map_err(oracle_err)?;
        if tx.refund_recipient != tx.from {
            let refund = tx.mint.saturating_sub(spent);
            let moved = db.sub_balance(tx.from, refund).map_err(oracle_err)?;
            db.add_balance(tx.refund_recipient, moved)
                .map_err(oracle_err)?;
        }
        self.gas_used += gas_used;
        Ok(self.include(BlockTx::L1(tx), call, gas_used, u128::from(price)))
    }

    /// Seals the block: folds the writes into `tree` and builds the header.
    pub fn finish<T: StateTree>(self, tree: &mut T) -> Result<ExecutedBlock, StfError<O::Error>> {
        let ctx = self.ctx;
        let writes = self.evm.ctx.journaled_state.database.into_writes();
        let (root, next_free) = tree
            .apply(&writes.tree_writes())
            .map_err(|e| StfError::Tree(e.to_string()))?;
        let mut logs_bloom = Bloom::ZERO;
        for r in &self.receipts {
            logs_bloom.accrue_bloom(r.envelope.logs_bloom());
        }
        let txs: Vec<Vec<u8>> = self
            .transactions
            .iter()
            .map(BlockTx::encoded_2718)
            .collect();
        let receipts: Vec<Vec<u8>> = self
            .transactions
            .iter()
            .zip(&self.receipts)
            .map(|(t, r)| receipt_2718(t, &r.envelope))
            .collect();
        let header = Header {
            parent_hash: ctx.parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: ctx.fee_recipient,
            state_root: root,
            transactions_root: proofs::ordered_trie_root_encoded(&txs),
            receipts_root: proofs::ordered_trie_root_encoded(&receipts),
            logs_bloom,
            difficulty: U256::ZERO,
            number: ctx.number,
            gas_limit: ctx.gas_limit,
            gas_used: self.gas_used,
            timestamp: ctx.timestamp,
            mix_hash: ctx.prevrandao,
            base_fee_per_gas: Some(ctx.base_fee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        let l2_to_l1_logs = l2_to_l1_logs(&self.transactions, &self.receipts);
        Ok(ExecutedBlock {
            commitment: commitment(root, next_free, ctx.number, hash, ctx.timestamp),
            header,
            hash,
            transactions: self.transactions,
            receipts: self.receipts,
            writes,
            l2_to_l1_logs,
        })
    }
}
