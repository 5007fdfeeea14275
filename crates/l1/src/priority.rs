//! L1→L2 priority operations as the Mailbox emits them (`docs/contracts.md`, "Priority queue"): the canonical
//! transaction, its hash, and L1→L2 address aliasing.

use alloy::sol_types::SolValue;
use alloy_primitives::{Address, B256, U160, keccak256};

alloy::sol! {
    /// The transaction of a priority operation (era's `L2CanonicalTransaction`; `txType` 255).
    #[derive(Debug, PartialEq, Eq)]
    struct L2CanonicalTransaction {
        uint256 txType;
        uint256 from;
        uint256 to;
        uint256 gasLimit;
        uint256 gasPerPubdataByteLimit;
        uint256 maxFeePerGas;
        uint256 maxPriorityFeePerGas;
        uint256 paymaster;
        uint256 nonce;
        uint256 value;
        uint256[4] reserved;
        bytes data;
        bytes signature;
        uint256[] factoryDeps;
        bytes paymasterInput;
        bytes reservedDynamic;
    }

    /// Emitted by a chain's Mailbox for every new priority operation (topic `0x4531cd57…a382`).
    #[derive(Debug, PartialEq, Eq)]
    event NewPriorityRequest(
        uint256 txId,
        bytes32 txHash,
        uint64 expirationTimestamp,
        L2CanonicalTransaction transaction,
        bytes[] factoryDeps
    );
}

/// The offset the Mailbox adds to a contract caller's address (`AddressAliasHelper`).
const ALIAS_OFFSET: U160 =
    U160::from_limbs([0x0000_0000_0000_1111, 0x0000_0000_0000_0000, 0x1111_0000]);

/// `keccak256(abi.encode(transaction))`: the hash the priority queue stores and the L2 receipt carries.
pub fn canonical_tx_hash(tx: &L2CanonicalTransaction) -> B256 {
    keccak256(tx.abi_encode())
}

/// The L2 address of an L1 contract (`l1 + 0x1111…1111 mod 2^160`).
pub fn apply_l1_to_l2_alias(l1: Address) -> Address {
    Address::from(
        U160::from_be_bytes(l1.0.0)
            .wrapping_add(ALIAS_OFFSET)
            .to_be_bytes(),
    )
}

/// The L1 address behind an aliased L2 address.
pub fn undo_l1_to_l2_alias(l2: Address) -> Address {
    Address::from(
        U160::from_be_bytes(l2.0.0)
            .wrapping_sub(ALIAS_OFFSET)
            .to_be_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::sol_types::SolEvent;
    use alloy_primitives::address;

    #[test]
    fn alias_matches_address_alias_helper() {
        let l1 = address!("0x1111111111111111111111111111111111111111");
        let l2 = apply_l1_to_l2_alias(l1);
        assert_eq!(l2, address!("0x2222111111111111111111111111111111112222"));
        assert_eq!(undo_l1_to_l2_alias(l2), l1);
        // wraps modulo 2^160
        let high = address!("0xffffffffffffffffffffffffffffffffffffffff");
        assert_eq!(
            apply_l1_to_l2_alias(high),
            address!("0x1111000000000000000000000000000000001110")
        );
    }

    /// `contracts/test/vectors/formats.json`, `canonicalTx` (checked by the forge tests too).
    #[test]
    fn canonical_hash_matches_the_contract_vector() {
        use alloy_primitives::{U256, b256, bytes};
        let word = |a: Address| U256::from_be_slice(a.as_slice());
        let from = address!("0x328809Bc894f92807417D2dAD6b7C998c1aFdac6");
        let tx = L2CanonicalTransaction {
            txType: U256::from(255),
            from: word(from),
            to: word(address!("0x1D96F2f6BeF1202E4Ce1Ff6Dad0c2CB002861d3e")),
            gasLimit: U256::from(300_000),
            gasPerPubdataByteLimit: U256::from(800),
            maxFeePerGas: U256::from(1_000_000_000u64),
            maxPriorityFeePerGas: U256::ZERO,
            paymaster: U256::ZERO,
            nonce: U256::from(7),
            value: U256::from(1_000_000_000_000_000_000u64),
            reserved: [
                U256::from(1_000_300_000_000_000_000u64),
                word(from),
                U256::ZERO,
                U256::ZERO,
            ],
            data: bytes!("c0ffee"),
            signature: Default::default(),
            factoryDeps: vec![],
            paymasterInput: Default::default(),
            reservedDynamic: Default::default(),
        };
        assert_eq!(
            canonical_tx_hash(&tx),
            b256!("0xf68e461d82a005e82ceb108d185bd0bdbee2cb10eb71150c08b15d851a1916a4")
        );
    }

    #[test]
    fn event_topic_is_eras() {
        assert_eq!(
            format!("{:x}", NewPriorityRequest::SIGNATURE_HASH),
            "4531cd5795773d7101c17bdeb9f5ab7f47d7056017506f937083be5d6e77a382"
        );
    }
}
