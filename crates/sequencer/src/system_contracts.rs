//! The L2 system contracts of the genesis, at ZKsync's addresses (compiled by `scripts/build-fixtures` from
//! `crates/sequencer/system-contracts/*.sol`; CI checks the committed JSON is fresh).

use alloy_primitives::{Address, Bytes, hex};
use ferrum_primitives::{L1_MESSENGER_ADDRESS, L2_BASE_TOKEN_ADDRESS};

const L1_MESSENGER_JSON: &str = include_str!("../system-contracts/L1Messenger.json");
const L2_BASE_TOKEN_JSON: &str = include_str!("../system-contracts/L2BaseToken.json");

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
