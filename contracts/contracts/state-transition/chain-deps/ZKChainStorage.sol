// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PriorityOperation} from "../chain-interfaces/IMailbox.sol";
import {DAMode} from "../../common/Config.sol";

/// @notice All state of a chain contract. New protocol versions may only append fields (the struct lives in the
/// proxy's storage at slot 0 onwards; see docs/contracts.md "Upgrades").
struct ZKChainStorage {
    uint256 chainId;
    address bridgehub;
    address chainTypeManager;
    address sharedBridge;
    address baseToken;
    address admin;
    address pendingAdmin;
    mapping(address validator => bool) validators;
    address verifier;
    bool verifierInsecure;
    address exodusVerifier;
    uint256 protocolVersion;
    DAMode daMode;
    bool isFrozen;
    bool exodusMode;
    uint256 totalBatchesCommitted;
    uint256 totalBatchesVerified;
    uint256 totalBatchesExecuted;
    mapping(uint256 batchNumber => bytes32) storedBatchHashes;
    mapping(uint256 batchNumber => uint256) batchCommittedAt;
    mapping(uint256 batchNumber => bytes32) l2LogsRootHashes;
    bytes32 lastExecutedStateCommitment;
    uint256 executionDelay;
    uint256 priorityTxExpiration;
    uint256 priorityTxMaxGasLimit;
    uint256 minimalL2GasPrice;
    mapping(uint256 txId => PriorityOperation) priorityQueue;
    uint256 priorityQueueHead; // first unprocessed priority tx id
    uint256 priorityQueueTail; // total priority txs ever requested
    mapping(address account => mapping(address l1Token => bool)) exodusClaimed;
    mapping(uint256 txId => bool) priorityOpRefunded;
    /// @dev Base-token units per ETH for pricing L1->L2 gas (1/1 for ETH chains), as era's names.
    uint128 baseTokenGasPriceMultiplierNominator;
    uint128 baseTokenGasPriceMultiplierDenominator;
}
