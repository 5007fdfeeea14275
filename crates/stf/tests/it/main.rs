//! STF integration tests over an in-memory oracle.
#![allow(clippy::unwrap_used, clippy::too_many_arguments)] // test helpers: a failure is a test failure

use std::collections::BTreeMap;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::Encodable2718;
use alloy_network::TxSignerSync;
use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, TxKind, U256, keccak256};
use alloy_signer_local::PrivateKeySigner;
use ferrum_primitives::{AccountState, RecoveredTx, recover_tx};
use ferrum_stf::{
    BlockContext, BlockExecutor, CallRequest, ChainConfig, InvalidTx, StateOracle, StateTree,
    TxOutcome, estimate_gas, simulate,
};

#[derive(Default)]
struct MemState {
    accounts: BTreeMap<Address, AccountState>,
    storage: BTreeMap<(Address, U256), U256>,
    codes: BTreeMap<B256, Bytes>,
}

#[derive(Debug, thiserror::Error)]
#[error("never fails")]
struct Never;

impl StateOracle for MemState {
    type Error = Never;
    fn account(&self, a: Address) -> Result<Option<AccountState>, Never> {
        Ok(self.accounts.get(&a).copied())
    }
    fn storage(&self, a: Address, s: U256) -> Result<U256, Never> {
        Ok(self.storage.get(&(a, s)).copied().unwrap_or_default())
    }
    fn code(&self, h: B256) -> Result<Option<Bytes>, Never> {
        Ok(self.codes.get(&h).cloned())
    }
    fn block_hash(&self, n: u64) -> Result<B256, Never> {
        Ok(keccak256(n.to_be_bytes()))
    }
}

/// Folds writes into a running hash: enough to check that `finish` hands the writes over in order.
#[derive(Default)]
struct HashChain(B256, u64);

impl StateTree for HashChain {
    type Error = Never;
    fn apply(&mut self, writes: &[(B256, B256)]) -> Result<(B256, u64), Never> {
        for (k, v) in writes {
            self.0 = keccak256([self.0.as_slice(), k.as_slice(), v.as_slice()].concat());
            self.1 += 1;
        }
        Ok((self.0, self.1))
    }
}

const FEE_RECIPIENT: Address = Address::repeat_byte(0xfe);

fn ctx(base_fee: u64) -> BlockContext {
    BlockContext {
        number: 1,
        timestamp: 1_700_000_000,
        base_fee,
        gas_limit: 30_000_000,
        fee_recipient: FEE_RECIPIENT,
        parent_hash: B256::repeat_byte(1),
        prevrandao: B256::repeat_byte(2),
    }
}

fn key(i: u8) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(i)).unwrap()
}

fn eip1559(
    s: &PrivateKeySigner,
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Bytes,
    gas: u64,
    fee: u128,
    tip: u128,
) -> RecoveredTx {
    let mut tx = TxEip1559 {
        chain_id: 270,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: fee,
        max_priority_fee_per_gas: tip,
        to,
        value,
        input,
        ..Default::default()
    };
    let sig = s.sign_transaction_sync(&mut tx).unwrap();
    let env: TxEnvelope = tx.into_signed(sig).into();
    recover_tx(&env.encoded_2718()).unwrap()
}

fn funded(addrs: &[Address]) -> MemState {
    let mut s = MemState::default();
    for a in addrs {
        s.accounts.insert(
            *a,
            AccountState {
                nonce: 0,
                balance: U256::from(10u128.pow(20)),
                code_hash: KECCAK256_EMPTY,
            },
        );
    }
    s
}

/// Creation code that deploys runtime code `REVERT(0, 4)` after storing 0xdeadbeef… at memory 0,
/// and logs one event: enough to exercise create, call, logs and revert data.
fn reverting_contract_initcode() -> Bytes {
    // runtime: PUSH4 0xdeadbeef PUSH1 0xe0 SHL PUSH1 0 MSTORE PUSH1 4 PUSH1 0 REVERT
    let runtime = [
        0x63, 0xde, 0xad, 0xbe, 0xef, 0x60, 0xe0, 0x1b, 0x60, 0x00, 0x52, 0x60, 0x04, 0x60, 0x00,
        0xfd,
    ];
    // init (17 bytes): LOG0(0, 0); CODECOPY(0, 17, len); RETURN(0, len)
    let len = runtime.len() as u8;
    let mut init = vec![
        0x60, 0x00, 0x60, 0x00, 0xa0, 0x60, len, 0x60, 17, 0x60, 0x00, 0x39, 0x60, len, 0x60, 0x00,
        0xf3,
    ];
    init.extend_from_slice(&runtime);
    init.into()
}

#[test]
fn transfers_pay_all_fees_to_the_fee_recipient_and_invalid_txs_leave_no_trace() {
    let (a, b) = (key(1), key(2));
    let state = funded(&[a.address()]);
    let config = ChainConfig::default();
    let base_fee = 1_000;
    let mut ex = BlockExecutor::new(&config, ctx(base_fee), &state);
    let t1 = eip1559(
        &a,
        0,
        TxKind::Call(b.address()),
        U256::from(5u64),
        Bytes::new(),
        21_000,
        3_000,
        500,
    );
    assert_eq!(
        ex.execute(t1).unwrap(),
        TxOutcome::Included {
            success: true,
            gas_used: 21_000
        }
    );
    // Nonce too low, too high, insufficient funds: not included.
    let dup = eip1559(
        &a,
        0,
        TxKind::Call(b.address()),
        U256::from(5u64),
        Bytes::new(),
        21_000,
        3_000,
        500,
    );
    assert!(matches!(
        ex.execute(dup).unwrap(),
        TxOutcome::Invalid(InvalidTx::NonceTooLow { .. })
    ));
    let gap = eip1559(
        &a,
        5,
        TxKind::Call(b.address()),
        U256::ZERO,
        Bytes::new(),
        21_000,
        3_000,
        0,
    );
    assert!(matches!(
        ex.execute(gap).unwrap(),
        TxOutcome::Invalid(InvalidTx::NonceTooHigh { .. })
    ));
    let broke = eip1559(
        &b,
        0,
        TxKind::Call(a.address()),
        U256::from(1u64),
        Bytes::new(),
        21_000,
        3_000,
        0,
    );
    assert!(matches!(
        ex.execute(broke).unwrap(),
        TxOutcome::Invalid(InvalidTx::InsufficientFunds)
    ));
    let cheap = eip1559(
        &a,
        1,
        TxKind::Call(b.address()),
        U256::ZERO,
        Bytes::new(),
        21_000,
        999,
        0,
    );
    assert!(matches!(
        ex.execute(cheap).unwrap(),
        TxOutcome::Invalid(InvalidTx::FeeCapTooLow)
    ));
    assert_eq!(ex.tx_count(), 1);

    let mut tree = HashChain::default();
    let block = ex.finish(&mut tree).unwrap();
    assert_eq!(block.transactions.len(), 1);
    assert_eq!(block.header.gas_used, 21_000);
    assert_eq!(block.header.state_root, tree.0);
    assert_eq!(block.hash, block.header.hash_slow());
    let accounts: BTreeMap<_, _> = block.writes.accounts.iter().copied().collect();
    let paid = U256::from(21_000u64 * (base_fee + 500));
    assert_eq!(
        accounts[&FEE_RECIPIENT].balance, paid,
        "base fee is not burned"
    );
    assert_eq!(accounts[&b.address()].balance, U256::from(5u64));
    assert_eq!(
        accounts[&a.address()].balance,
        U256::from(10u128.pow(20)) - U256::from(5u64) - paid
    );
    assert_eq!(accounts[&a.address()].nonce, 1);
    // Writes are sorted by address (deterministic for the proof).
    let addrs: Vec<_> = block.writes.accounts.iter().map(|(a, _)| *a).collect();
    let mut sorted = addrs.clone();
    sorted.sort();
    assert_eq!(addrs, sorted);
    assert_eq!(
        block.receipts[0].effective_gas_price,
        (base_fee + 500) as u128
    );
}

#[test]
fn create_call_revert_and_simulation() {
    let a = key(3);
    let mut state = funded(&[a.address()]);
    let config = ChainConfig::default();
    let mut ex = BlockExecutor::new(&config, ctx(7), &state);
    let create = eip1559(
        &a,
        0,
        TxKind::Create,
        U256::ZERO,
        reverting_contract_initcode(),
        200_000,
        100,
        0,
    );
    assert!(matches!(
        ex.execute(create).unwrap(),
        TxOutcome::Included { success: true, .. }
    ));
    let block = ex.finish(&mut HashChain::default()).unwrap();
    let contract = a.address().create(0);
    assert_eq!(block.receipts[0].contract_address, Some(contract));
    assert_eq!(block.receipts[0].envelope.logs().len(), 1);
    assert_eq!(block.writes.codes.len(), 1);
    for (addr, acc) in &block.writes.accounts {
        state.accounts.insert(*addr, *acc);
    }
    for (h, c) in &block.writes.codes {
        state.codes.insert(*h, c.clone());
    }

    // The call reverts with data 0xdeadbeef: a receipt with status 0 and the revert data.
    let mut ex = BlockExecutor::new(&config, ctx(7), &state);
    let call = eip1559(
        &a,
        1,
        TxKind::Call(contract),
        U256::ZERO,
        Bytes::new(),
        100_000,
        100,
        0,
    );
    assert!(matches!(
        ex.execute(call).unwrap(),
        TxOutcome::Included { success: false, .. }
    ));
    let block = ex.finish(&mut HashChain::default()).unwrap();
    assert!(!block.receipts[0].success());
    assert_eq!(
        block.receipts[0].output,
        Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef])
    );

    let req = CallRequest {
        from: a.address(),
        to: TxKind::Call(contract),
        ..Default::default()
    };
    let sim = simulate(&config, &ctx(7), &state, &req, 1_000_000)
        .unwrap()
        .unwrap();
    assert!(sim.reverted && !sim.success);
    assert_eq!(sim.output, Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]));
    let est = estimate_gas(&config, &ctx(7), &state, &req, 1_000_000).unwrap();
    assert!(matches!(est, ferrum_stf::Estimate::Failed(ref r) if r.reverted));
    let transfer = CallRequest {
        from: a.address(),
        to: TxKind::Call(Address::repeat_byte(5)),
        value: U256::from(1u64),
        ..Default::default()
    };
    assert_eq!(
        estimate_gas(&config, &ctx(7), &state, &transfer, 1_000_000).unwrap(),
        ferrum_stf::Estimate::Gas(21_000)
    );
    // Value above the balance is an invalid call, not a revert.
    let rich = CallRequest {
        value: U256::MAX,
        ..transfer
    };
    assert!(matches!(
        simulate(&config, &ctx(7), &state, &rich, 1_000_000).unwrap(),
        Err(InvalidTx::InsufficientFunds)
    ));
}

#[test]
fn legacy_without_chain_id_is_rejected_by_chain_rules_and_writes_roundtrip() {
    let a = key(4);
    let state = funded(&[a.address()]);
    let config = ChainConfig::default();
    let mut tx = TxLegacy {
        chain_id: Some(1),
        nonce: 0,
        gas_price: 100,
        gas_limit: 21_000,
        to: TxKind::Call(Address::ZERO),
        ..Default::default()
    };
    let sig = a.sign_transaction_sync(&mut tx).unwrap();
    let env: TxEnvelope = tx.into_signed(sig).into();
    let rt = recover_tx(&env.encoded_2718()).unwrap();
    let mut ex = BlockExecutor::new(&config, ctx(7), &state);
    assert!(matches!(
        ex.execute(rt).unwrap(),
        TxOutcome::Invalid(InvalidTx::InvalidChainId)
    ));

    let t = eip1559(
        &a,
        0,
        TxKind::Call(Address::repeat_byte(9)),
        U256::from(3u64),
        Bytes::new(),
        21_000,
        100,
        1,
    );
    ex.execute(t).unwrap();
    let block = ex.finish(&mut HashChain::default()).unwrap();
    let enc = block.writes.encode();
    assert_eq!(
        ferrum_stf::StateWrites::decode(&enc),
        Some(block.writes.clone())
    );
    assert_eq!(ferrum_stf::StateWrites::decode(&enc[..enc.len() - 1]), None);
}
