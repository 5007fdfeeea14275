// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZKChainBase} from "./ZKChainBase.sol";
import {IExecutor} from "../../chain-interfaces/IExecutor.sol";
import {IVerifier} from "../../chain-interfaces/IVerifier.sol";
import {IChainTypeManager} from "../../IChainTypeManager.sol";
import {
    EMPTY_STRING_KECCAK,
    COMMIT_TIMESTAMP_APPROXIMATION_DELTA,
    MAX_NUMBER_OF_BLOBS,
    DAMode,
    PubdataSource
} from "../../../common/Config.sol";
import {
    BatchHashMismatch,
    BatchNumberMismatch,
    CantRevertExecutedBatch,
    CantRevertNonCommittedBatch,
    EmptyBatches,
    EmptyBlobVersionHash,
    ExecutionDelayNotPassed,
    InvalidDACommitment,
    InvalidProof,
    InvalidPubdataSource,
    NoVerifier,
    NotEnoughPriorityOps,
    PriorityOperationsRollingHashMismatch,
    TimestampError,
    VerifiedBatchesExceedsCommittedBatches,
    CantExecuteUnprovenBatches,
    WrongChainId,
    ProtocolVersionNotActive
} from "../../../common/L1ContractErrors.sol";

/// @notice Batch lifecycle: committed -> proven -> executed (or reverted while unexecuted).
abstract contract Executor is ZKChainBase, IExecutor {
    /// @notice Commits batches after `_lastCommittedBatchData`, which must be the last committed batch.
    function commitBatchesSharedBridge(
        uint256 _chainId,
        StoredBatchInfo calldata _lastCommittedBatchData,
        CommitBatchInfo[] calldata _newBatchesData
    ) external onlyThisChain(_chainId) onlyValidator notFrozen notExodus {
        uint256 n = _newBatchesData.length;
        if (n == 0) revert EmptyBatches();
        if (!IChainTypeManager(s.chainTypeManager).protocolVersionIsActive(s.protocolVersion)) {
            revert ProtocolVersionNotActive(s.protocolVersion);
        }
        uint256 last = s.totalBatchesCommitted;
        bytes32 lastHash = _hashStoredBatchInfo(_lastCommittedBatchData);
        if (s.storedBatchHashes[last] != lastHash) revert BatchHashMismatch(s.storedBatchHashes[last], lastHash);

        bool recordTime = s.executionDelay != 0;
        StoredBatchInfo memory prev = _lastCommittedBatchData;
        uint256 blobIndex;
        for (uint256 i; i < n; ++i) {
            CommitBatchInfo calldata nb = _newBatchesData[i];
            StoredBatchInfo memory stored;
            (stored, blobIndex) = _commitOneBatch(prev, nb, blobIndex);
            bytes32 h = _hashStoredBatchInfo(stored);
            s.storedBatchHashes[stored.batchNumber] = h;
            // only needed (and paid for) while an execution delay is configured
            if (recordTime) s.batchCommittedAt[stored.batchNumber] = block.timestamp;
            emit BlockCommit(stored.batchNumber, stored.batchHash, stored.commitment);
            prev = stored;
        }
        s.totalBatchesCommitted = last + n;
    }

    function _commitOneBatch(StoredBatchInfo memory _prev, CommitBatchInfo calldata _nb, uint256 _blobIndex)
        internal
        view
        returns (StoredBatchInfo memory stored, uint256 blobIndex)
    {
        if (_nb.batchNumber != _prev.batchNumber + 1) {
            revert BatchNumberMismatch(_prev.batchNumber + 1, _nb.batchNumber);
        }
        if (_nb.chainId != s.chainId) revert WrongChainId(_nb.chainId, s.chainId);
        if (
            _nb.firstBlockTimestamp < _prev.timestamp || _nb.lastBlockTimestamp < _nb.firstBlockTimestamp
                || _nb.lastBlockTimestamp > block.timestamp + COMMIT_TIMESTAMP_APPROXIMATION_DELTA
        ) revert TimestampError();
        blobIndex = _checkDA(_nb, _blobIndex);

        stored = StoredBatchInfo({
            batchNumber: _nb.batchNumber,
            batchHash: _nb.newStateCommitment,
            indexRepeatedStorageChanges: 0,
            numberOfLayer1Txs: _nb.numberOfLayer1Txs,
            priorityOperationsHash: _nb.priorityOperationsHash,
            l2LogsTreeRoot: _nb.l2LogsTreeRoot,
            timestamp: _nb.lastBlockTimestamp,
            commitment: batchOutputHash(_nb)
        });
    }

    /// @notice The batch output hash (StoredBatchInfo.commitment) the proof commits to; the same formula as the L2's
    /// `BatchOutput::hash` (crates/primitives/src/batch.rs): keccak256 of eight 32-byte words. See docs/contracts.md.
    function batchOutputHash(CommitBatchInfo calldata _nb) public view returns (bytes32) {
        return keccak256(
            abi.encode(
                _nb.chainId,
                uint256(_nb.firstBlockTimestamp),
                uint256(_nb.lastBlockTimestamp),
                s.protocolVersion,
                _nb.numberOfLayer1Txs,
                _nb.priorityOperationsHash,
                _nb.l2LogsTreeRoot,
                _nb.daCommitment
            )
        );
    }

    /// @dev Rollup: calldata pubdata must hash to daCommitment, or blobs' versioned hashes must. Validium: unchecked.
    function _checkDA(CommitBatchInfo calldata _nb, uint256 _blobIndex) internal view returns (uint256) {
        if (s.daMode == DAMode.Validium) return _blobIndex;
        bytes calldata input = _nb.operatorDAInput;
        if (input.length == 0) revert InvalidPubdataSource(0xff);
        uint8 source = uint8(input[0]);
        if (source == uint8(PubdataSource.Calldata)) {
            bytes32 h = keccak256(input[1:]);
            if (h != _nb.daCommitment) revert InvalidDACommitment(_nb.daCommitment, h);
            return _blobIndex;
        }
        if (source == uint8(PubdataSource.Blob)) {
            if (input.length != 2) revert InvalidPubdataSource(source);
            uint256 count = uint8(input[1]);
            if (count == 0 || count > MAX_NUMBER_OF_BLOBS) revert InvalidPubdataSource(source);
            bytes32[] memory hashes = new bytes32[](count);
            for (uint256 i; i < count; ++i) {
                bytes32 vh = blobhash(_blobIndex + i);
                if (vh == bytes32(0)) revert EmptyBlobVersionHash(_blobIndex + i);
                hashes[i] = vh;
            }
            bytes32 c = keccak256(abi.encodePacked(hashes));
            if (c != _nb.daCommitment) revert InvalidDACommitment(_nb.daCommitment, c);
            return _blobIndex + count;
        }
        revert InvalidPubdataSource(source);
    }

    /// @notice Proves committed batches right after `_prevBatch` (the last verified batch).
    function proveBatchesSharedBridge(
        uint256 _chainId,
        StoredBatchInfo calldata _prevBatch,
        StoredBatchInfo[] calldata _committedBatches,
        bytes calldata _proof
    ) external onlyThisChain(_chainId) onlyValidator notFrozen notExodus {
        address verifier = s.verifier;
        if (verifier == address(0)) revert NoVerifier();
        uint256 n = _committedBatches.length;
        if (n == 0) revert EmptyBatches();
        uint256 verified = s.totalBatchesVerified;
        if (verified + n > s.totalBatchesCommitted) {
            revert VerifiedBatchesExceedsCommittedBatches(verified + n, s.totalBatchesCommitted);
        }
        bytes32 h = _hashStoredBatchInfo(_prevBatch);
        if (s.storedBatchHashes[verified] != h) revert BatchHashMismatch(s.storedBatchHashes[verified], h);

        uint256[] memory publicInputs = new uint256[](n);
        bytes32 prevState = _prevBatch.batchHash;
        for (uint256 i; i < n; ++i) {
            StoredBatchInfo calldata b = _committedBatches[i];
            uint256 expectedNumber = verified + 1 + i;
            if (b.batchNumber != expectedNumber) revert BatchNumberMismatch(expectedNumber, b.batchNumber);
            h = _hashStoredBatchInfo(b);
            if (s.storedBatchHashes[expectedNumber] != h) {
                revert BatchHashMismatch(s.storedBatchHashes[expectedNumber], h);
            }
            publicInputs[i] = batchPublicInput(prevState, b.batchHash, b.commitment);
            prevState = b.batchHash;
        }
        if (!IVerifier(verifier).verify(publicInputs, _proof)) revert InvalidProof();
        emit BlocksVerification(verified, verified + n);
        s.totalBatchesVerified = verified + n;
    }

    /// @notice Public input of one batch: keccak256(prevStateCommitment ‖ newStateCommitment ‖ batchOutputHash).
    function batchPublicInput(bytes32 _prevState, bytes32 _newState, bytes32 _outputHash)
        public
        pure
        returns (uint256)
    {
        return uint256(keccak256(abi.encodePacked(_prevState, _newState, _outputHash)));
    }

    /// @notice Executes proven batches in order: consumes their priority ops, stores their L2->L1 logs roots.
    function executeBatchesSharedBridge(uint256 _chainId, StoredBatchInfo[] calldata _batchesData)
        external
        onlyThisChain(_chainId)
        onlyValidator
        notFrozen
        notExodus
    {
        uint256 n = _batchesData.length;
        if (n == 0) revert EmptyBatches();
        uint256 executed = s.totalBatchesExecuted;
        if (executed + n > s.totalBatchesVerified) revert CantExecuteUnprovenBatches();
        uint256 head = s.priorityQueueHead;
        uint256 tail = s.priorityQueueTail;
        uint256 delay = s.executionDelay;
        for (uint256 i; i < n; ++i) {
            StoredBatchInfo calldata b = _batchesData[i];
            uint256 expectedNumber = executed + 1 + i;
            if (b.batchNumber != expectedNumber) revert BatchNumberMismatch(expectedNumber, b.batchNumber);
            bytes32 h = _hashStoredBatchInfo(b);
            if (s.storedBatchHashes[expectedNumber] != h) {
                revert BatchHashMismatch(s.storedBatchHashes[expectedNumber], h);
            }
            if (delay != 0 && block.timestamp < s.batchCommittedAt[expectedNumber] + delay) {
                revert ExecutionDelayNotPassed();
            }

            uint256 count = b.numberOfLayer1Txs;
            if (tail - head < count) revert NotEnoughPriorityOps(count, tail - head);
            bytes32 rolling = EMPTY_STRING_KECCAK;
            for (uint256 j; j < count; ++j) {
                rolling = keccak256(abi.encode(rolling, s.priorityQueue[head + j].canonicalTxHash));
            }
            if (rolling != b.priorityOperationsHash) {
                revert PriorityOperationsRollingHashMismatch(rolling, b.priorityOperationsHash);
            }
            head += count;
            s.l2LogsRootHashes[expectedNumber] = b.l2LogsTreeRoot;
            emit BlockExecution(expectedNumber, b.batchHash, b.commitment);
        }
        s.priorityQueueHead = head;
        s.totalBatchesExecuted = executed + n;
        s.lastExecutedStateCommitment = _batchesData[n - 1].batchHash;
    }

    /// @notice Forgets committed (and proven) batches after `_newLastBatch`; executed batches are final.
    function revertBatchesSharedBridge(uint256 _chainId, uint256 _newLastBatch)
        external
        onlyThisChain(_chainId)
        onlyValidator
        notFrozen
    {
        if (_newLastBatch < s.totalBatchesExecuted) revert CantRevertExecutedBatch();
        if (_newLastBatch > s.totalBatchesCommitted) revert CantRevertNonCommittedBatch();
        if (_newLastBatch < s.totalBatchesVerified) s.totalBatchesVerified = _newLastBatch;
        s.totalBatchesCommitted = _newLastBatch;
        emit BlocksRevert(s.totalBatchesCommitted, s.totalBatchesVerified, s.totalBatchesExecuted);
    }

    function _hashStoredBatchInfo(StoredBatchInfo memory _b) internal pure returns (bytes32) {
        return keccak256(abi.encode(_b));
    }
}
