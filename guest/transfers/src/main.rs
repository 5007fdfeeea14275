//! Guest: signed Ethereum transactions executed by revm over an in-memory state, each signer
//! recovered from its signature (as a block's execution must).
//!
//! Input (`read_bytes` blobs and words): the ERC-20 contract's init code; the number of funded
//! accounts, each as its 20-byte address (funded with 10^21 wei) and its token mint calldata (sent
//! by the deployer, unsigned: setup, not measured); then the number of signed transactions and
//! each as EIP-2718 bytes. Output per transaction: 1 when it succeeded, and its gas used. Exit
//! code 0; a transaction that does not decode or whose signer does not recover panics (no proof).
#![no_std]
#![no_main]

extern crate alloc;

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use ferrum_guest_runtime as rt;
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{Address, Bytes, TxKind, U256};
use revm::state::AccountInfo;
use revm::{Context, ExecuteCommitEvm, MainBuilder, MainContext};

/// The deployer of the token (an address nobody holds a key for).
const DEPLOYER: Address = Address::repeat_byte(0xde);

fn main() -> u32 {
    #[cfg(feature = "chips")]
    assert!(rt::secp256k1::install());
    let init_code = rt::read_bytes();
    let mut db = CacheDB::new(EmptyDB::new());
    db.insert_account_info(DEPLOYER, AccountInfo::from_balance(U256::ZERO));
    let mut evm = Context::mainnet().with_db(db).build_mainnet();
    // Unsigned setup transactions from the deployer.
    macro_rules! setup {
        ($nonce:expr, $kind:expr, $data:expr) => {{
            let tx = TxEnv::builder()
                .caller(DEPLOYER)
                .nonce($nonce)
                .kind($kind)
                .data(Bytes::from($data))
                .gas_limit(10_000_000)
                .gas_price(0)
                .build()
                .expect("setup transaction");
            let r = evm.transact_commit(tx).expect("setup executes");
            assert!(r.is_success(), "setup transaction failed");
        }};
    }
    setup!(0, TxKind::Create, init_code);
    let token = DEPLOYER.create(0);
    let accounts = rt::read_word();
    for i in 0..accounts {
        let address = Address::from_slice(&rt::read_bytes());
        evm.ctx
            .journaled_state
            .database
            .insert_account_info(address, AccountInfo::from_balance(U256::from(10u64).pow(U256::from(21u64))));
        setup!(1 + u64::from(i), TxKind::Call(token), rt::read_bytes());
    }
    let txs = rt::read_word();
    for _ in 0..txs {
        let raw = rt::read_bytes();
        let envelope = TxEnvelope::decode_2718_exact(&raw).expect("an EIP-2718 transaction");
        let signer = envelope.recover_signer().expect("a recoverable signature");
        let tx = TxEnv::builder()
            .tx_type(Some(envelope.tx_type() as u8))
            .caller(signer)
            .nonce(envelope.nonce())
            .chain_id(envelope.chain_id())
            .kind(envelope.kind())
            .value(envelope.value())
            .data(envelope.input().clone())
            .gas_limit(envelope.gas_limit())
            .max_fee_per_gas(envelope.max_fee_per_gas())
            .gas_priority_fee(envelope.max_priority_fee_per_gas())
            .build()
            .expect("a transaction revm accepts");
        let result = evm.transact_commit(tx).expect("the transaction executes");
        rt::commit_word(u32::from(result.is_success()));
        rt::commit_word(result.tx_gas_used() as u32);
    }
    0
}

rt::entry!(main);
