//! The L2 system contracts of the genesis, at ZKsync's addresses (compiled by `scripts/build-fixtures` from
//! `crates/sequencer/system-contracts/*.sol`; CI checks the committed JSON is fresh).

use alloy_primitives::{Address, Bytes, U256, hex};
use ferrum_primitives::{
    L1_MESSENGER_ADDRESS, L2_ASSET_ROUTER_ADDRESS, L2_BASE_TOKEN_ADDRESS,
    L2_NATIVE_TOKEN_VAULT_ADDRESS,
};

use crate::L1Ecosystem;

const L1_MESSENGER_JSON: &str = include_str!("../system-contracts/L1Messenger.json");
const L2_BASE_TOKEN_JSON: &str = include_str!("../system-contracts/L2BaseToken.json");
const L2_ASSET_ROUTER_JSON: &str = include_str!("../system-contracts/L2AssetRouter.json");
const L2_NATIVE_TOKEN_VAULT_JSON: &str =
    include_str!("../system-contracts/L2NativeTokenVault.json");

fn deployed_code(json: &str) -> Bytes {
    // The artifacts are ours and checked in CI: a malformed one is a build defect, caught by every test.
    let v: serde_json::Value = serde_json::from_str(json)
        .unwrap_or_else(|e| unreachable!("system contract artifact: {e}"));
    let hex_code = v["deployedBytecode"]["object"].as_str().unwrap_or_default();
    hex::decode(hex_code)
        .map(Bytes::from)
        .unwrap_or_else(|e| unreachable!("system contract bytecode: {e}"))
}

/// `(address, runtime code)` of every system contract in the genesis.
pub fn system_contracts() -> Vec<(Address, Bytes)> {
    vec![
        (L1_MESSENGER_ADDRESS, deployed_code(L1_MESSENGER_JSON)),
        (L2_BASE_TOKEN_ADDRESS, deployed_code(L2_BASE_TOKEN_JSON)),
        (L2_ASSET_ROUTER_ADDRESS, deployed_code(L2_ASSET_ROUTER_JSON)),
        (
            L2_NATIVE_TOKEN_VAULT_ADDRESS,
            deployed_code(L2_NATIVE_TOKEN_VAULT_JSON),
        ),
    ]
}

/// Storage the genesis writes into the system contracts: the asset router's slot 0 (`L1_ASSET_ROUTER`, the L1
/// shared bridge whose alias alone may finalize deposits) and slot 1 (`L1_CHAIN_ID`). Nothing on a chain that
/// settles nowhere.
pub(crate) fn system_storage(l1: &L1Ecosystem) -> Vec<(Address, U256, U256)> {
    if *l1 == L1Ecosystem::default() {
        return vec![];
    }
    vec![
        (
            L2_ASSET_ROUTER_ADDRESS,
            U256::ZERO,
            U256::from_be_slice(l1.shared_bridge.as_slice()),
        ),
        (
            L2_ASSET_ROUTER_ADDRESS,
            U256::from(1),
            U256::from(l1.l1_chain_id),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_hold_runtime_code() {
        for (_, code) in system_contracts() {
            assert!(code.len() > 50);
        }
    }
}
