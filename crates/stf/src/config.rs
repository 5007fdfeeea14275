//! Chain-wide configuration and the per-block context given to the STF.

use alloy_primitives::{Address, B256};
use ferrum_primitives::FeeParams;

/// Parameters fixed for the whole chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Base fee rule.
    pub fee: FeeParams,
    /// Gas limit of every L2 block.
    pub block_gas_limit: u64,
    /// The chain follows Ethereum L1 rules (the embedded dev L1): it takes EIP-4844 blob transactions and burns
    /// the base fee. An L2 (false) takes no blobs and pays the base fee to its operator, as ZKsync does.
    #[cfg(feature = "l1-dev")]
    pub ethereum_l1: bool,
    /// Most pubdata (state-diff bytes, as the batch encodes them) one priority transaction may add: one that
    /// writes more fails and writes nothing but its fee. Keeps every priority transaction within what an empty
    /// batch can carry to L1.
    pub max_l1_tx_pubdata: u64,
}

/// Default [`ChainConfig::max_l1_tx_pubdata`]: what the L1's `priorityTxMaxGasLimit` (80M) buys at
/// [`ferrum_primitives::L1_TX_GAS_PER_PUBDATA`] (800 gas per byte).
pub const L1_TX_MAX_PUBDATA: u64 = 100_000;

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: 270,
            fee: FeeParams::default(),
            block_gas_limit: 1_000_000_000,
            #[cfg(feature = "l1-dev")]
            ethereum_l1: false,
            max_l1_tx_pubdata: L1_TX_MAX_PUBDATA,
        }
    }
}

/// What the STF knows about the block being built: everything that is not state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockContext {
    /// Block number.
    pub number: u64,
    /// Block timestamp in seconds.
    pub timestamp: u64,
    /// Base fee per gas.
    pub base_fee: u64,
    /// Gas limit of the block.
    pub gas_limit: u64,
    /// Receives all fees (base fee and priority fee).
    pub fee_recipient: Address,
    /// Hash of the parent block.
    pub parent_hash: B256,
    /// Value of the PREVRANDAO opcode (Ferrum: keccak of the parent hash, public and
    /// deterministic; L2 offers no randomness).
    pub prevrandao: B256,
}
