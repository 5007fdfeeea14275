//! Column families and key layouts (see docs/architecture.md, "Storage").

use alloy_primitives::{Address, U256};

pub(crate) const CF_HEADERS: &str = "headers"; // number BE8 -> rlp(header)
pub(crate) const CF_CANONICAL: &str = "canonical"; // number BE8 -> block hash
pub(crate) const CF_BLOCK_NUMBERS: &str = "block_numbers"; // hash -> number BE8
pub(crate) const CF_TXS: &str = "txs"; // number BE8 ‖ index BE4 -> rlp(StoredTx)
pub(crate) const CF_TX_LOOKUP: &str = "tx_lookup"; // tx hash -> number BE8 ‖ index BE4
pub(crate) const CF_ACCOUNTS: &str = "accounts"; // address -> AccountState::encode
pub(crate) const CF_STORAGE: &str = "storage"; // address ‖ slot -> value (absent = 0)
pub(crate) const CF_CODES: &str = "codes"; // keccak -> bytecode
pub(crate) const CF_HISTORY: &str = "history"; // kind ‖ address ‖ [slot] ‖ !number BE8 -> value after block
pub(crate) const CF_TREE: &str = "tree"; // leaf index BE8 -> Leaf::encode
pub(crate) const CF_META: &str = "meta"; // name -> value
pub(crate) const CF_BATCHES: &str = "batches"; // batch number BE8 -> sequencer record
pub(crate) const CF_BLOCK_EXTRA: &str = "block_extra"; // number BE8 -> next_free_index BE8 ‖ StateWrites::encode
pub(crate) const CF_SETTLEMENT: &str = "settlement"; // batch BE8 ‖ stage u8 -> L1TxRecord::encode
pub(crate) const CF_PRIORITY_OPS: &str = "priority_ops"; // serial id BE8 -> L1Tx::encoded_2718
pub(crate) const CF_L2_LOGS: &str = "l2_logs"; // block BE8 -> n × L2ToL1Log::encode (block-relative tx numbers)

pub(crate) const CF_BLOCK_WITNESS: &str = "block_witness"; // number BE8 -> the sequencer's block witness record

pub(crate) const CF_PROOF_JOBS: &str = "proof_jobs"; // batch BE8 -> rlp(ProofJob)
pub(crate) const CF_PROOF_WITNESS: &str = "proof_witness"; // batch BE8 -> batch witness (until proven)
pub(crate) const CF_BATCH_PROOFS: &str = "batch_proofs"; // batch BE8 -> proof file

pub(crate) const CF_ADDRESS_TXS: &str = "address_txs"; // address ‖ number BE8 ‖ index BE4 -> (empty)
pub(crate) const CF_TOKENS: &str = "tokens"; // ERC-20 address -> first block BE8 with its Transfer

pub(crate) const ALL_CFS: [&str; 22] = [
    CF_ADDRESS_TXS,
    CF_TOKENS,
    CF_PROOF_JOBS,
    CF_PROOF_WITNESS,
    CF_BATCH_PROOFS,
    CF_BLOCK_WITNESS,
    CF_L2_LOGS,
    CF_SETTLEMENT,
    CF_PRIORITY_OPS,
    CF_BLOCK_EXTRA,
    CF_HEADERS,
    CF_CANONICAL,
    CF_BLOCK_NUMBERS,
    CF_TXS,
    CF_TX_LOOKUP,
    CF_ACCOUNTS,
    CF_STORAGE,
    CF_CODES,
    CF_HISTORY,
    CF_TREE,
    CF_META,
    CF_BATCHES,
];

pub(crate) const META_HEAD: &[u8] = b"head";
pub(crate) const META_LAST_EXECUTED: &[u8] = b"last_executed_batch";
pub(crate) const META_NEXT_PRIORITY_OP: &[u8] = b"next_priority_op";
pub(crate) const META_PRIORITY_RECEIVED: &[u8] = b"priority_ops_received";
pub(crate) const META_L1_WATCHED: &[u8] = b"l1_watched_block";

pub(crate) const HISTORY_ACCOUNT: u8 = 0;
pub(crate) const HISTORY_STORAGE: u8 = 1;

pub(crate) fn tx_key(number: u64, index: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&number.to_be_bytes());
    k[8..].copy_from_slice(&index.to_be_bytes());
    k
}

pub(crate) fn storage_key(address: &Address, slot: &U256) -> [u8; 52] {
    let mut k = [0u8; 52];
    k[..20].copy_from_slice(address.as_slice());
    k[20..].copy_from_slice(&slot.to_be_bytes::<32>());
    k
}

/// History key prefix of an account (`kind ‖ address`) or slot (`kind ‖ address ‖ slot`).
pub(crate) fn history_prefix(address: &Address, slot: Option<&U256>) -> Vec<u8> {
    let mut k = Vec::with_capacity(61);
    match slot {
        None => {
            k.push(HISTORY_ACCOUNT);
            k.extend_from_slice(address.as_slice());
        }
        Some(s) => {
            k.push(HISTORY_STORAGE);
            k.extend_from_slice(address.as_slice());
            k.extend_from_slice(&s.to_be_bytes::<32>());
        }
    }
    k
}

/// Full history key: prefix ‖ !number, so that a forward seek finds the newest entry ≤ number.
pub(crate) fn history_key(prefix: &[u8], number: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(prefix.len() + 8);
    k.extend_from_slice(prefix);
    k.extend_from_slice(&(!number).to_be_bytes());
    k
}

pub(crate) fn be_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

pub(crate) fn settlement_key(batch: u64, stage: u8) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[..8].copy_from_slice(&batch.to_be_bytes());
    k[8] = stage;
    k
}
