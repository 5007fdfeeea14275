//! The batch witness: everything the batch guest needs besides the code, in one versioned byte format
//! (`docs/architecture.md`, "Batch witness").

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, Bytes};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use ferrum_primitives::{FeeParams, StateCommitment};
use ferrum_stf::ChainConfig;

use crate::BatchError;

/// Version of the witness format this crate reads and writes.
pub const WITNESS_VERSION: u32 = 1;

/// Most bytes a witness may have (what one batch's guest run may read): 256 MiB.
pub const MAX_WITNESS_BYTES: usize = 256 << 20;

/// How the batch's pubdata is committed to (`BatchOutput::da_commitment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaMode {
    /// `keccak256(pubdata)`: calldata rollups and validiums.
    Keccak = 0,
    /// `keccak256` of the versioned hashes of the blobs carrying the pubdata.
    Blobs = 1,
}

/// The chain rules a batch executes under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct WitnessChain {
    /// EIP-155 chain id (bound by the public input).
    pub chain_id: u64,
    /// Gas limit of every block.
    pub block_gas_limit: u64,
    /// Base-fee floor.
    pub min_base_fee: u64,
    /// EIP-1559 elasticity.
    pub elasticity_multiplier: u64,
    /// EIP-1559 change denominator.
    pub max_change_denominator: u64,
    /// `ChainConfig::max_l1_tx_pubdata`.
    pub max_l1_tx_pubdata: u64,
    /// [`DaMode`] as a byte.
    pub da_mode: u8,
}

impl WitnessChain {
    /// The rules of an L2 chain with `config` (an L2 never has `ethereum_l1`).
    pub fn new(config: &ChainConfig, da: DaMode) -> Self {
        Self {
            chain_id: config.chain_id,
            block_gas_limit: config.block_gas_limit,
            min_base_fee: config.fee.min_base_fee,
            elasticity_multiplier: config.fee.elasticity_multiplier,
            max_change_denominator: config.fee.max_change_denominator,
            max_l1_tx_pubdata: config.max_l1_tx_pubdata,
            da_mode: da as u8,
        }
    }

    /// The STF's configuration.
    // The update fills `ethereum_l1` where ferrum-stf's `l1-dev` feature has it (an L2: false).
    #[allow(clippy::needless_update)]
    pub fn config(&self) -> ChainConfig {
        ChainConfig {
            chain_id: self.chain_id,
            fee: FeeParams {
                min_base_fee: self.min_base_fee,
                elasticity_multiplier: self.elasticity_multiplier,
                max_change_denominator: self.max_change_denominator,
            },
            block_gas_limit: self.block_gas_limit,
            max_l1_tx_pubdata: self.max_l1_tx_pubdata,
            ..ChainConfig::default()
        }
    }

    /// The DA mode, if known.
    pub fn da(&self) -> Result<DaMode, BatchError> {
        match self.da_mode {
            0 => Ok(DaMode::Keccak),
            1 => Ok(DaMode::Blobs),
            _ => Err(BatchError::Witness("unknown DA mode")),
        }
    }
}

/// What one block of the batch needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BlockWitness {
    /// Block timestamp (at least the parent's).
    pub timestamp: u64,
    /// Fee recipient (the operator).
    pub fee_recipient: Address,
    /// Transactions in block order, EIP-2718 bytes (priority transactions `0xff ‖ rlp`, first).
    pub txs: Vec<Bytes>,
    /// `AccountState::encode` (72 bytes) of every account the block reads that exists.
    pub accounts: Vec<Bytes>,
    /// Bytecode of every contract the block runs.
    pub codes: Vec<Bytes>,
    /// Tree leaves the block's reads and writes need, sorted by index: `index u64 BE ‖ Leaf::encode` (80 bytes).
    pub leaves: Vec<Bytes>,
    /// Sibling hashes of those leaves' (and the first free position's) paths, in `multiproof_nodes` order.
    pub siblings: Vec<B256>,
}

/// Everything a batch's proof needs besides the guest.
#[derive(Clone, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BatchWitness {
    /// Chain rules.
    pub chain: WitnessChain,
    /// State commitment before the batch.
    pub before: StateCommitment,
    /// RLP header of block `before.block_number` (its hash is `before.block_hash`).
    pub parent_header: Bytes,
    /// RLP headers of the blocks before it, newest first, as far back as the batch reads block hashes.
    pub ancestors: Vec<Bytes>,
    /// The batch's blocks, in order.
    pub blocks: Vec<BlockWitness>,
}

impl BatchWitness {
    /// `u32 BE version ‖ rlp(self)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.length());
        out.extend_from_slice(&WITNESS_VERSION.to_be_bytes());
        Encodable::encode(self, &mut out);
        out
    }

    /// Inverse of [`BatchWitness::encode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, BatchError> {
        if bytes.len() > MAX_WITNESS_BYTES {
            return Err(BatchError::Witness("witness larger than MAX_WITNESS_BYTES"));
        }
        let (version, mut body) = bytes
            .split_first_chunk::<4>()
            .ok_or(BatchError::Witness("witness shorter than its version"))?;
        let version = u32::from_be_bytes(*version);
        if version != WITNESS_VERSION {
            return Err(BatchError::WitnessVersion(version));
        }
        let w = <Self as Decodable>::decode(&mut body).map_err(BatchError::Rlp)?;
        if !body.is_empty() {
            return Err(BatchError::Witness("bytes after the witness"));
        }
        Ok(w)
    }
}
