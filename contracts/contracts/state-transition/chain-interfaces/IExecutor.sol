// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Executor: commit / prove / execute / revert batches (names and StoredBatchInfo layout as era-contracts).
interface IExecutor {
    /// @notice Stored data of a committed batch; its keccak256(abi.encode(..)) is what the chain stores.
    /// @param batchNumber the batch number
    /// @param batchHash the state commitment after the batch (Blake2s root of the L2 state tree)
    /// @param indexRepeatedStorageChanges unused by Ferrum (EraVM only), always 0
    /// @param numberOfLayer1Txs priority operations the batch consumed
    /// @param priorityOperationsHash rolling hash of those priority operations
    /// @param l2LogsTreeRoot root of the batch's L2->L1 logs tree
    /// @param timestamp timestamp of the batch's last L2 block
    /// @param commitment the batch output hash (see docs/contracts.md)
    struct StoredBatchInfo {
        uint64 batchNumber;
        bytes32 batchHash;
        uint64 indexRepeatedStorageChanges;
        uint256 numberOfLayer1Txs;
        bytes32 priorityOperationsHash;
        bytes32 l2LogsTreeRoot;
        uint256 timestamp;
        bytes32 commitment;
    }

    /// @notice Data the operator sends to commit a batch (modelled on era's CommitBatchInfoZKsyncOS).
    /// @param operatorDAInput rollup: byte 0 = PubdataSource; calldata: the pubdata follows; blobs: byte 1 = number
    ///        of blobs carried by this transaction, in order. Validium: ignored (may be empty).
    struct CommitBatchInfo {
        uint64 batchNumber;
        bytes32 newStateCommitment;
        uint256 numberOfLayer1Txs;
        bytes32 priorityOperationsHash;
        bytes32 l2LogsTreeRoot;
        bytes32 daCommitment;
        uint64 firstBlockTimestamp;
        uint64 lastBlockTimestamp;
        uint256 chainId;
        bytes operatorDAInput;
    }

    function commitBatchesSharedBridge(
        uint256 _chainId,
        StoredBatchInfo calldata _lastCommittedBatchData,
        CommitBatchInfo[] calldata _newBatchesData
    ) external;

    function proveBatchesSharedBridge(
        uint256 _chainId,
        StoredBatchInfo calldata _prevBatch,
        StoredBatchInfo[] calldata _committedBatches,
        bytes calldata _proof
    ) external;

    function executeBatchesSharedBridge(uint256 _chainId, StoredBatchInfo[] calldata _batchesData) external;

    function revertBatchesSharedBridge(uint256 _chainId, uint256 _newLastBatch) external;

    /// @dev Named "Block*" for compatibility with era's event names.
    event BlockCommit(uint256 indexed batchNumber, bytes32 indexed batchHash, bytes32 indexed commitment);
    event BlocksVerification(uint256 indexed previousLastVerifiedBatch, uint256 indexed currentLastVerifiedBatch);
    event BlockExecution(uint256 indexed batchNumber, bytes32 indexed batchHash, bytes32 indexed commitment);
    event BlocksRevert(uint256 totalBatchesCommitted, uint256 totalBatchesVerified, uint256 totalBatchesExecuted);
}
