// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Ferrum protocol constants. Names follow era-contracts' `common/Config.sol` where they exist there.

/// @dev keccak256("") : start value of the priority-operations rolling hash (era: EMPTY_STRING_KECCAK).
bytes32 constant EMPTY_STRING_KECCAK = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

/// @dev Serialized L2->L1 log: u8 shard, bool isService, u16 txNumberInBatch, address sender, bytes32 key, bytes32 value.
uint256 constant L2_TO_L1_LOG_SERIALIZE_SIZE = 88;

/// @dev Leaves of the L2->L1 logs Merkle tree (as era: 16384 = 2^14); proofs carry exactly 14 siblings.
uint256 constant L2_TO_L1_LOGS_MERKLE_TREE_LEAVES = 16_384;
uint256 constant L2_TO_L1_LOGS_MERKLE_TREE_HEIGHT = 14;

/// @dev keccak256(new bytes(88)): the hash of an empty leaf of the L2->L1 logs tree (as era).
bytes32 constant L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH = 0x72abee45b59e344af8a6e520241c4744aff26ed411f4c4b00f8af09adada43ba;

/// @dev The only accepted `l2GasPerPubdataByteLimit` of priority transactions (era: REQUIRED_L2_GAS_PRICE_PER_PUBDATA).
uint256 constant REQUIRED_L2_GAS_PRICE_PER_PUBDATA = 800;

/// @dev Upper bound of a chain's `priorityTxMaxGasLimit`, hence of the `gasLimit` of every priority transaction:
/// the L2 block gas limit (1,000,000,000), more than any transaction can use on L2.
uint256 constant MAX_PRIORITY_TX_GAS_LIMIT = 1_000_000_000;

/// @dev Upper bound of the `maxFeePerGas` a priority transaction records (and of a chain's `minimalL2GasPrice`):
/// a fee per gas above 2^128 - 1 has no meaning on L2, whose fees per gas are 128-bit.
uint256 constant MAX_L2_GAS_PRICE = type(uint128).max;

/// @dev Type of L1->L2 (priority) transactions.
uint256 constant PRIORITY_OPERATION_L2_TX_TYPE = 255;

/// @dev How far in the future an L2 batch timestamp may be, relative to the L1 block (era: COMMIT_TIMESTAMP_APPROXIMATION_DELTA).
uint256 constant COMMIT_TIMESTAMP_APPROXIMATION_DELTA = 1 hours;

/// @dev `Bridgehub.baseToken(chainId)` of an ETH-based chain and the L1 "token" address of ETH in the bridge.
address constant ETH_TOKEN_ADDRESS = address(1);

/// @dev Magic value the second bridge returns from `bridgehubDeposit` (era: TWO_BRIDGES_MAGIC_VALUE).
bytes32 constant TWO_BRIDGES_MAGIC_VALUE = bytes32(uint256(keccak256("TWO_BRIDGES_MAGIC_VALUE")) - 1);

/// @dev Max number of EIP-4844 blobs per batch.
uint256 constant MAX_NUMBER_OF_BLOBS = 6;

/// @dev Well-known L2 system contract addresses (as ZKsync).
address constant L2_BOOTLOADER_ADDRESS = address(0x8001);
address constant L2_TO_L1_MESSENGER_SYSTEM_CONTRACT_ADDR = address(0x8008);
address constant L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR = address(0x800a);
address constant L2_ASSET_ROUTER_ADDR = address(0x10003);
address constant L2_NATIVE_TOKEN_VAULT_ADDR = address(0x10004);

/// @dev The L2->L1 log as the L2 emits it (88 bytes once packed).
struct L2Log {
    uint8 l2ShardId;
    bool isService;
    uint16 txNumberInBatch;
    address sender;
    bytes32 key;
    bytes32 value;
}

/// @dev An arbitrary message sent through the L1 messenger (0x8008): proven as the log
/// {shard 0, isService true, txNumberInBatch, sender 0x8008, key = pad32(sender), value = keccak256(data)}.
struct L2Message {
    uint16 txNumberInBatch;
    address sender;
    bytes data;
}

/// @dev Outcome of an L1->L2 transaction, reported by the bootloader (0x8001) as log value 0 / 1.
enum TxStatus {
    Failure,
    Success
}

/// @dev How a chain publishes its pubdata.
enum DAMode {
    Rollup, // pubdata in calldata (keccak) or EIP-4844 blobs (versioned hashes)
    Validium // only a hash of the pubdata is committed; data kept by the operator
}

/// @dev Where a rollup batch's pubdata is (first byte of `operatorDAInput`).
enum PubdataSource {
    Calldata,
    Blob
}
