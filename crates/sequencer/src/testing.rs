//! Test utilities (feature `test-utils`): a chain in a temporary directory, driven block by block, and the
//! transactions tests send.
#![allow(clippy::unwrap_used)] // a failure here is a test failure

use std::sync::Arc;

use crate::{BatchRecord, Chain, Genesis, Sequencer, SequencerConfig, batch_witness, init_or_load};
use alloy_consensus::{ReceiptEnvelope, SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::{Decodable2718, Encodable2718};
use alloy_network::TxSignerSync;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, keccak256};
use alloy_signer_local::PrivateKeySigner;
use ferrum_batch::BatchWitness;
use ferrum_mempool::{AdmissionState, Mempool, PoolConfig};
use ferrum_primitives::{L1_MESSENGER_ADDRESS, L1Tx, recover_tx};
use ferrum_state::{StateView, Store, StoreOptions};
use ferrum_stf::{ChainConfig, StateOracle};

/// The sequencer's fee recipient.
pub const FEE_RECIPIENT: Address = Address::repeat_byte(0xfe);

/// The test key `i` (its secret is 32 bytes of `i`).
pub fn key(i: u8) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(i)).unwrap()
}

/// A chain whose genesis funds keys 1..=8, with a sequencer driven by hand.
pub struct TestChain {
    _dir: tempfile::TempDir,
    /// The chain.
    pub chain: Arc<Chain>,
    /// Its sequencer (not spawned: tests call it).
    pub sequencer: Sequencer,
    next_priority_op: u64,
}

impl Default for TestChain {
    fn default() -> Self {
        Self::new()
    }
}

impl TestChain {
    /// A new chain.
    pub fn new() -> Self {
        Self::with_config(SequencerConfig {
            fee_recipient: FEE_RECIPIENT,
            ..Default::default()
        })
    }

    /// A new chain whose sequencer runs with `config`.
    pub fn with_config(config: SequencerConfig) -> Self {
        let sequencer_config = config;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let config = ChainConfig::default();
        let genesis = Genesis {
            timestamp: 1_700_000_000,
            alloc: (1..=8)
                .map(|i| (key(i).address(), U256::from(10u64).pow(U256::from(21))))
                .collect(),
            ..Default::default()
        };
        let (tree, head) = init_or_load(&store, &config, &genesis).unwrap();
        let chain = Arc::new(Chain::new(
            config,
            store,
            tree,
            Mempool::new(PoolConfig::default()),
            head,
        ));
        let sequencer = Sequencer::new(chain.clone(), sequencer_config).unwrap();
        Self {
            _dir: dir,
            chain,
            sequencer,
            next_priority_op: 0,
        }
    }

    /// Signs an EIP-1559 transaction of `signer` at its next nonce and puts it in the pool.
    pub fn send(&self, signer: &PrivateKeySigner, to: TxKind, value: U256, input: Vec<u8>) {
        let view = StateView::new(&self.chain.store, None);
        let account = view.account(signer.address()).unwrap().unwrap_or_default();
        let nonce = self
            .chain
            .pool
            .pending_nonce(&signer.address())
            .unwrap_or(account.nonce);
        let mut tx = TxEip1559 {
            chain_id: self.chain.config.chain_id,
            nonce,
            gas_limit: 3_000_000,
            max_fee_per_gas: 1_000_000_000,
            max_priority_fee_per_gas: 1_000,
            to,
            value,
            input: input.into(),
            access_list: Default::default(),
        };
        let sig = signer.sign_transaction_sync(&mut tx).unwrap();
        let raw = TxEnvelope::from(tx.into_signed(sig)).encoded_2718();
        self.chain
            .pool
            .add(
                recover_tx(&raw).unwrap(),
                AdmissionState {
                    nonce: account.nonce,
                    balance: account.balance,
                    base_fee: self.chain.next_base_fee(),
                },
            )
            .unwrap();
    }

    /// Queues a priority transaction (an L1 deposit of `value` to `to`, paid by `from`'s mint).
    pub fn deposit(&mut self, from: Address, to: Address, value: U256) {
        let op = L1Tx {
            serial_id: self.next_priority_op,
            from,
            to,
            gas_limit: U256::from(1_000_000),
            max_fee_per_gas: U256::from(1_000_000_000u64),
            value,
            mint: value + U256::from(10u64).pow(U256::from(16)),
            refund_recipient: from,
            data: Bytes::new(),
        };
        self.next_priority_op += 1;
        self.chain
            .store
            .put_priority_ops(&[op], self.next_priority_op)
            .unwrap();
    }

    /// Builds one block from what is queued.
    pub fn block(&mut self) -> usize {
        self.sequencer.produce_block().unwrap()
    }

    /// Seals the open batch; returns it with its predecessor.
    pub fn seal(&mut self) -> (BatchRecord, BatchRecord) {
        let record = self.sequencer.seal_batch().unwrap().unwrap();
        let previous = BatchRecord::decode_stored(
            &self.chain.store.batch(record.number - 1).unwrap().unwrap(),
        )
        .unwrap();
        (previous, record)
    }

    /// The witness of `record`.
    pub fn witness(&self, previous: &BatchRecord, record: &BatchRecord) -> BatchWitness {
        batch_witness(
            &self.chain.store,
            &self.chain.config,
            false,
            previous,
            record,
        )
        .unwrap()
    }
}

/// A batch of two blocks: a deposit (priority transaction), a contract deployment, an ERC-20 mint and transfer
/// (the second block runs code deployed by the first), ETH transfers, a reverting call and an L2→L1 message.
pub fn mixed_batch() -> (TestChain, BatchRecord, BatchWitness) {
    let mut t = TestChain::new();
    let (a, b, c, d) = (key(1), key(2), key(3), key(4));
    let token = a.address().create(0);
    t.deposit(
        Address::repeat_byte(0x11),
        key(5).address(),
        U256::from(10u64).pow(U256::from(18)),
    );
    t.send(&a, TxKind::Create, U256::ZERO, erc20_init_code());
    t.send(
        &a,
        TxKind::Call(token),
        U256::ZERO,
        call("mint(address,uint256)", a.address(), U256::from(1_000)),
    );
    t.send(&b, TxKind::Call(c.address()), U256::from(12_345), vec![]);
    assert_eq!(t.block(), 4);
    t.send(
        &a,
        TxKind::Call(token),
        U256::ZERO,
        call("transfer(address,uint256)", b.address(), U256::from(10)),
    );
    // C holds no tokens: the transfer reverts.
    t.send(
        &c,
        TxKind::Call(token),
        U256::ZERO,
        call("transfer(address,uint256)", a.address(), U256::from(10)),
    );
    t.send(
        &d,
        TxKind::Call(L1_MESSENGER_ADDRESS),
        U256::ZERO,
        send_to_l1(b"hello L1"),
    );
    t.send(&d, TxKind::Call(b.address()), U256::from(1), vec![]);
    assert_eq!(t.block(), 4);
    let (previous, record) = t.seal();
    let statuses: Vec<bool> = t
        .chain
        .store
        .block_txs(record.last_block)
        .unwrap()
        .iter()
        .map(|s| {
            ReceiptEnvelope::decode_2718(&mut s.receipt.as_ref())
                .unwrap()
                .status()
        })
        .collect();
    assert_eq!(
        statuses,
        [true, false, true, true],
        "the second block holds one revert"
    );
    let witness = t.witness(&previous, &record);
    (t, record, witness)
}

fn selector(sig: &str) -> [u8; 4] {
    let h = keccak256(sig.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

fn address_word(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

/// `sig(address, uint256)` calldata.
pub fn call(sig: &str, to: Address, amount: U256) -> Vec<u8> {
    let mut data = selector(sig).to_vec();
    data.extend(address_word(to));
    data.extend(amount.to_be_bytes::<32>());
    data
}

/// `sendToL1(bytes)` calldata for `message`.
pub fn send_to_l1(message: &[u8]) -> Vec<u8> {
    let mut data = selector("sendToL1(bytes)").to_vec();
    data.extend(U256::from(32).to_be_bytes::<32>());
    data.extend(U256::from(message.len()).to_be_bytes::<32>());
    data.extend(message);
    data.resize(4 + 64 + message.len().div_ceil(32) * 32, 0);
    data
}

/// `TestnetERC20Token("Test", "TST", 18)`'s init code, from the committed artifact.
pub fn erc20_init_code() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../contracts/artifacts/TestnetERC20Token.json"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut code =
        alloy_primitives::hex::decode(json["bytecode"]["object"].as_str().unwrap()).unwrap();
    // ABI (string, string, uint8): two offsets, the decimals, then each string's length and bytes.
    for w in [0x60u64, 0xa0, 18] {
        code.extend(U256::from(w).to_be_bytes::<32>());
    }
    for s in ["Test", "TST"] {
        code.extend(U256::from(s.len()).to_be_bytes::<32>());
        let mut w = [0u8; 32];
        w[..s.len()].copy_from_slice(s.as_bytes());
        code.extend(w);
    }
    code
}
