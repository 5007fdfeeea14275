//! L1→L2 priority operations as the Mailbox emits them (`docs/contracts.md`, "Priority queue"): the event and
//! L1→L2 address aliasing. The canonical hash is `ferrum_primitives::L1Tx::canonical_hash`.

use alloy::{rpc::types::TransactionReceipt, sol_types::SolEvent};
use alloy_primitives::{Address, U160};

/// The Mailbox's event for a new priority operation (topic `0x4531cd57…a382`), from the chain's bindings.
pub use crate::bindings::zk_chain::ZKChain::{L2CanonicalTransaction, NewPriorityRequest};

/// The `NewPriorityRequest` an L1 transaction emitted (a deposit's receipt), if any.
pub fn priority_request(receipt: &TransactionReceipt) -> Option<NewPriorityRequest> {
    receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| NewPriorityRequest::decode_log(&l.inner).ok())
        .map(|l| l.data)
}

/// The offset the Mailbox adds to a contract caller's address (`AddressAliasHelper`).
const ALIAS_OFFSET: U160 =
    U160::from_limbs([0x0000_0000_0000_1111, 0x0000_0000_0000_0000, 0x1111_0000]);

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

    #[test]
    fn event_topic_is_eras() {
        assert_eq!(
            format!("{:x}", NewPriorityRequest::SIGNATURE_HASH),
            "4531cd5795773d7101c17bdeb9f5ab7f47d7056017506f937083be5d6e77a382"
        );
    }
}
