// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZKChainBase} from "./ZKChainBase.sol";
import {IGetters} from "../../chain-interfaces/IGetters.sol";
import {PriorityOperation} from "../../chain-interfaces/IMailbox.sol";
import {DAMode} from "../../../common/Config.sol";

abstract contract Getters is ZKChainBase, IGetters {
    function getVerifier() external view returns (address) {
        return s.verifier;
    }

    /// @notice True while the chain accepts proofs from a verifier that does not check them (InsecureNoProofVerifier).
    function isProofVerificationInsecure() external view returns (bool) {
        return s.verifierInsecure;
    }

    function getExodusVerifier() external view returns (address) {
        return s.exodusVerifier;
    }

    function getAdmin() external view returns (address) {
        return s.admin;
    }

    function getPendingAdmin() external view returns (address) {
        return s.pendingAdmin;
    }

    function getBridgehub() external view returns (address) {
        return s.bridgehub;
    }

    function getChainTypeManager() external view returns (address) {
        return s.chainTypeManager;
    }

    function getChainId() external view returns (uint256) {
        return s.chainId;
    }

    function getBaseToken() external view returns (address) {
        return s.baseToken;
    }

    function getSharedBridge() external view returns (address) {
        return s.sharedBridge;
    }

    function getProtocolVersion() external view returns (uint256) {
        return s.protocolVersion;
    }

    function getTotalBatchesCommitted() external view returns (uint256) {
        return s.totalBatchesCommitted;
    }

    function getTotalBatchesVerified() external view returns (uint256) {
        return s.totalBatchesVerified;
    }

    function getTotalBatchesExecuted() external view returns (uint256) {
        return s.totalBatchesExecuted;
    }

    function getTotalPriorityTxs() external view returns (uint256) {
        return s.priorityQueueTail;
    }

    function getFirstUnprocessedPriorityTx() external view returns (uint256) {
        return s.priorityQueueHead;
    }

    function getPriorityQueueSize() external view returns (uint256) {
        return s.priorityQueueTail - s.priorityQueueHead;
    }

    function priorityQueueFrontOperation() external view returns (PriorityOperation memory) {
        return s.priorityQueue[s.priorityQueueHead];
    }

    function priorityOperation(uint256 _txId) external view returns (PriorityOperation memory) {
        return s.priorityQueue[_txId];
    }

    function isValidator(address _address) external view returns (bool) {
        return s.validators[_address];
    }

    function l2LogsRootHash(uint256 _batchNumber) external view returns (bytes32) {
        return s.l2LogsRootHashes[_batchNumber];
    }

    function storedBatchHash(uint256 _batchNumber) external view returns (bytes32) {
        return s.storedBatchHashes[_batchNumber];
    }

    function batchCommittedAt(uint256 _batchNumber) external view returns (uint256) {
        return s.batchCommittedAt[_batchNumber];
    }

    function getPriorityTxMaxGasLimit() external view returns (uint256) {
        return s.priorityTxMaxGasLimit;
    }

    function getPriorityTxExpiration() external view returns (uint256) {
        return s.priorityTxExpiration;
    }

    function getMinimalL2GasPrice() external view returns (uint256) {
        return s.minimalL2GasPrice;
    }

    function baseTokenGasPriceMultiplierNominator() external view returns (uint128) {
        return s.baseTokenGasPriceMultiplierNominator;
    }

    function baseTokenGasPriceMultiplierDenominator() external view returns (uint128) {
        return s.baseTokenGasPriceMultiplierDenominator;
    }

    function getExecutionDelay() external view returns (uint256) {
        return s.executionDelay;
    }

    function getDAMode() external view returns (DAMode) {
        return s.daMode;
    }

    function isFrozen() external view returns (bool) {
        return s.isFrozen;
    }

    function isDiamondStorageFrozen() external view returns (bool) {
        return s.isFrozen;
    }

    function getPubdataPricingMode() external view returns (DAMode) {
        return s.daMode;
    }

    /// @dev Ferrum chains settle on L1 directly (no Gateway yet).
    function getSettlementLayer() external pure returns (address) {
        return address(0);
    }

    function isExodusMode() external view returns (bool) {
        return s.exodusMode;
    }

    function lastExecutedStateCommitment() external view returns (bytes32) {
        return s.lastExecutedStateCommitment;
    }

    function isExodusClaimed(address _account, address _l1Token) external view returns (bool) {
        return s.exodusClaimed[_account][_l1Token];
    }
}
