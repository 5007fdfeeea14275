// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PriorityOperation} from "./IMailbox.sol";
import {DAMode} from "../../common/Config.sol";

/// @title Getters (names as era-contracts' IGetters where they exist there).
interface IGetters {
    function getVerifier() external view returns (address);
    function isProofVerificationInsecure() external view returns (bool);
    function getExodusVerifier() external view returns (address);
    function getAdmin() external view returns (address);
    function getPendingAdmin() external view returns (address);
    function getBridgehub() external view returns (address);
    function getChainTypeManager() external view returns (address);
    function getChainId() external view returns (uint256);
    function getBaseToken() external view returns (address);
    function getSharedBridge() external view returns (address);
    function getProtocolVersion() external view returns (uint256);
    function getTotalBatchesCommitted() external view returns (uint256);
    function getTotalBatchesVerified() external view returns (uint256);
    function getTotalBatchesExecuted() external view returns (uint256);
    function getTotalPriorityTxs() external view returns (uint256);
    function getFirstUnprocessedPriorityTx() external view returns (uint256);
    function getPriorityQueueSize() external view returns (uint256);
    function priorityQueueFrontOperation() external view returns (PriorityOperation memory);
    function priorityOperation(uint256 _txId) external view returns (PriorityOperation memory);
    function isValidator(address _address) external view returns (bool);
    function l2LogsRootHash(uint256 _batchNumber) external view returns (bytes32);
    function storedBatchHash(uint256 _batchNumber) external view returns (bytes32);
    /// @notice Commit time of a batch; recorded only while an execution delay is set (0 otherwise).
    function batchCommittedAt(uint256 _batchNumber) external view returns (uint256);
    function getPriorityTxMaxGasLimit() external view returns (uint256);
    function getPriorityTxExpiration() external view returns (uint256);
    function getMinimalL2GasPrice() external view returns (uint256);
    function baseTokenGasPriceMultiplierNominator() external view returns (uint128);
    function baseTokenGasPriceMultiplierDenominator() external view returns (uint128);
    function getExecutionDelay() external view returns (uint256);
    function getDAMode() external view returns (DAMode);
    function isFrozen() external view returns (bool);
    /// @notice era-compatible aliases: `isFrozen()`, `getDAMode()` (Rollup = 0, Validium = 1), settlement layer 0 = L1.
    function isDiamondStorageFrozen() external view returns (bool);
    function getPubdataPricingMode() external view returns (DAMode);
    function getSettlementLayer() external view returns (address);
    function isExodusMode() external view returns (bool);
    function lastExecutedStateCommitment() external view returns (bytes32);
    function isExodusClaimed(address _account, address _l1Token) external view returns (bool);
}
