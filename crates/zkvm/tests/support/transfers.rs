//! The input of the `transfers` guest (`guest/transfers`): the ERC-20 token's init code, funded
//! accounts with their mints, and real signed EIP-1559 transactions (ETH and ERC-20 transfers).
//! Shared by `tests/it/transfers.rs` and `benches/transfers.rs`.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, Signature, TxKind, U256, keccak256};
use k256::ecdsa::SigningKey;

/// Which transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Eth,
    Erc20,
}

/// The guest's deployer (`DEPLOYER` in the guest) and the token's address (its first CREATE).
pub(super) fn token() -> Address {
    Address::repeat_byte(0xde).create(0)
}

fn selector(sig: &str) -> [u8; 4] {
    let h = keccak256(sig.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

fn word(x: U256) -> [u8; 32] {
    x.to_be_bytes()
}

fn address_word(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

/// `TestnetERC20Token("Test", "TST", 18)`'s init code, from the committed artifact.
fn init_code() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../contracts/artifacts/TestnetERC20Token.json"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let hex = json["bytecode"]["object"].as_str().unwrap();
    let mut code = alloy_primitives::hex::decode(hex).unwrap();
    // ABI (string, string, uint8): two offsets, the decimals, then each string's length and bytes.
    code.extend(word(U256::from(0x60)));
    code.extend(word(U256::from(0xa0)));
    code.extend(word(U256::from(18)));
    for s in ["Test", "TST"] {
        code.extend(word(U256::from(s.len())));
        let mut w = [0u8; 32];
        w[..s.len()].copy_from_slice(s.as_bytes());
        code.extend(w);
    }
    code
}

fn call(sig: &str, to: Address, amount: U256) -> Vec<u8> {
    let mut data = selector(sig).to_vec();
    data.extend(address_word(to));
    data.extend(word(amount));
    data
}

/// The guest input for `count` transfers of `kind`, each from its own fresh key (`seed` picks the
/// keys) to a fixed recipient, each key signing its transaction with nonce 0.
pub(super) fn input(kind: Kind, count: usize, seed: u8) -> Vec<u32> {
    let mut blobs: Vec<Vec<u8>> = vec![init_code()];
    let keys: Vec<SigningKey> = (0..count)
        .map(|i| {
            let mut k = [seed; 32];
            k[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            SigningKey::from_slice(&k).unwrap()
        })
        .collect();
    let to = Address::repeat_byte(0xbb);
    let mut words_out = Vec::new();
    let blob = |out: &mut Vec<u32>, b: &[u8]| {
        out.push(b.len() as u32);
        out.extend(b.chunks(4).map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            u32::from_le_bytes(w)
        }));
    };
    blob(&mut words_out, &blobs.remove(0));
    words_out.push(keys.len() as u32);
    for key in &keys {
        let addr = Address::from_public_key(key.verifying_key());
        blob(&mut words_out, addr.as_slice());
        blob(
            &mut words_out,
            &call("mint(address,uint256)", addr, U256::from(1_000_000u64)),
        );
    }
    words_out.push(keys.len() as u32);
    for key in &keys {
        let (kind, value, input, gas_limit) = match kind {
            Kind::Eth => (
                TxKind::Call(to),
                U256::from(12_345u64),
                Bytes::new(),
                21_000,
            ),
            Kind::Erc20 => (
                TxKind::Call(token()),
                U256::ZERO,
                call("transfer(address,uint256)", to, U256::from(777u64)).into(),
                100_000,
            ),
        };
        let tx = TxEip1559 {
            chain_id: 1,
            nonce: 0,
            gas_limit,
            max_fee_per_gas: 1_000_000_000,
            max_priority_fee_per_gas: 1,
            to: kind,
            value,
            access_list: Default::default(),
            input,
        };
        let (sig, recid) = key
            .sign_prehash_recoverable(tx.signature_hash().as_slice())
            .unwrap();
        let sig = Signature::from_signature_and_parity(sig, recid.is_y_odd());
        let raw = TxEnvelope::from(tx.into_signed(sig)).encoded_2718();
        blob(&mut words_out, &raw);
    }
    words_out
}
