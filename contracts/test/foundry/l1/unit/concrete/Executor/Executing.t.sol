// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {ZKChain} from "../../../../../../contracts/state-transition/ZKChain.sol";
import {
    InsecureNoProofVerifier
} from "../../../../../../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {EMPTY_STRING_KECCAK} from "../../../../../../contracts/common/Config.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract ExecutingTest is FerrumTestBase {
    bytes32 internal constant ROOT1 = keccak256("root1");
    bytes32 internal constant ROOT2 = keccak256("root2");

    function test_ExecuteBatch() public {
        bytes32 logsRoot = keccak256("logs");
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), logsRoot));
        _prove(b);
        vm.expectEmit(address(chain));
        emit IExecutor.BlockExecution(1, ROOT1, b.commitment);
        _execute(b);
        assertEq(chain.getTotalBatchesExecuted(), 1);
        assertEq(chain.l2LogsRootHash(1), logsRoot);
        assertEq(chain.lastExecutedStateCommitment(), ROOT1);
    }

    function test_RevertWhen_ExecuteTwice() public {
        IExecutor.StoredBatchInfo memory b = _settle(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(CantExecuteUnprovenBatches.selector);
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
    }

    function test_RevertWhen_ExecuteByNonValidator() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        _prove(b);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
    }

    function test_ExecuteConsumesPriorityOps() public {
        bytes32 h1 = _depositEth(alice, 1 ether);
        bytes32 h2 = _depositEth(bob, 2 ether);
        bytes32[] memory txs = new bytes32[](2);
        txs[0] = h1;
        txs[1] = h2;
        _settle(ROOT1, txs, bytes32(0));
        assertEq(chain.getFirstUnprocessedPriorityTx(), 2);
        assertEq(chain.getPriorityQueueSize(), 0);
    }

    function test_RevertWhen_ExecuteWithWrongPriorityOpsOrder() public {
        bytes32 h1 = _depositEth(alice, 1 ether);
        bytes32 h2 = _depositEth(bob, 2 ether);
        bytes32[] memory txs = new bytes32[](2);
        txs[0] = h2;
        txs[1] = h1;
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, txs, bytes32(0)));
        _prove(b);
        bytes32[] memory right = new bytes32[](2);
        right[0] = h1;
        right[1] = h2;
        vm.expectRevert(
            abi.encodeWithSelector(
                PriorityOperationsRollingHashMismatch.selector, _rollingHash(right), _rollingHash(txs)
            )
        );
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
    }

    function test_RevertWhen_ExecuteMorePriorityOpsThanQueued() public {
        bytes32 h1 = _depositEth(alice, 1 ether);
        bytes32[] memory txs = new bytes32[](2);
        txs[0] = h1;
        txs[1] = keccak256("made up");
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, txs, bytes32(0)));
        _prove(b);
        vm.expectRevert(abi.encodeWithSelector(NotEnoughPriorityOps.selector, 2, 1));
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
    }

    function test_RevertWhen_ExecutionDelayNotPassed() public {
        vm.prank(governance);
        chain.setExecutionDelay(1 hours);
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        _prove(b);
        vm.expectRevert(ExecutionDelayNotPassed.selector);
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
        vm.warp(block.timestamp + 1 hours);
        _execute(b);
        assertEq(chain.getTotalBatchesExecuted(), 1);
    }

    function test_RevertWhen_ExecuteBeforeProve() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.expectRevert(CantExecuteUnprovenBatches.selector);
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
    }

    /// @dev Three batches committed, proven and executed with one call each; priority ops span the batches.
    function test_CommitProveExecuteSeveralBatchesInOneCall() public {
        bytes32[] memory ops = new bytes32[](3);
        ops[0] = _depositEth(alice, 1 ether);
        ops[1] = _depositEth(bob, 1 ether);
        ops[2] = _depositEth(alice, 2 ether);
        vm.warp(block.timestamp + 12);
        IExecutor.StoredBatchInfo memory genesis = lastCommitted;
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](3);
        IExecutor.StoredBatchInfo[] memory stored = new IExecutor.StoredBatchInfo[](3);
        bytes32[][] memory perBatch = new bytes32[][](3);
        perBatch[0] = _txs1(ops[0]);
        perBatch[1] = new bytes32[](2);
        perBatch[1][0] = ops[1];
        perBatch[1][1] = ops[2];
        perBatch[2] = _noTxs();
        for (uint256 i; i < 3; ++i) {
            infos[i] = _commitInfo(keccak256(abi.encode("multi", i)), perBatch[i], keccak256(abi.encode("logs", i)));
            stored[i] = _storedOf(infos[i]);
            lastCommitted = stored[i]; // so the next _commitInfo continues from it
        }
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, genesis, infos);
        assertEq(chain.getTotalBatchesCommitted(), 3);

        bytes memory proof = _proofFor(genesis, stored);
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, genesis, stored, proof);
        assertEq(chain.getTotalBatchesVerified(), 3);

        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, stored);
        assertEq(chain.getTotalBatchesExecuted(), 3);
        assertEq(chain.getFirstUnprocessedPriorityTx(), 3);
        assertEq(chain.l2LogsRootHash(2), keccak256(abi.encode("logs", 1)));
        assertEq(chain.lastExecutedStateCommitment(), keccak256(abi.encode("multi", uint256(2))));
    }

    /// @dev A proof covering two batches must be for both public inputs, in order.
    function test_RevertWhen_MultiBatchProofInWrongOrder() public {
        IExecutor.StoredBatchInfo memory genesis = lastCommitted;
        IExecutor.StoredBatchInfo[] memory stored = new IExecutor.StoredBatchInfo[](2);
        stored[0] = _commit(_commitInfo(keccak256("a"), _noTxs(), bytes32(0)));
        stored[1] = _commit(_commitInfo(keccak256("b"), _noTxs(), bytes32(0)));
        uint256[] memory inputs = new uint256[](2);
        inputs[0] = uint256(keccak256(abi.encodePacked(keccak256("a"), keccak256("b"), stored[1].commitment)));
        inputs[1] = uint256(keccak256(abi.encodePacked(genesis.batchHash, keccak256("a"), stored[0].commitment)));
        bytes memory swapped = abi.encode(inputs);
        vm.expectRevert(InvalidProof.selector);
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, genesis, stored, swapped);
        bytes memory right = _proofFor(genesis, stored);
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, genesis, stored, right);
        assertEq(chain.getTotalBatchesVerified(), 2);
    }

    /// @dev Blobs are consumed in order across the batches of one commit.
    function test_BlobsAcrossBatchesOfOneCommit() public {
        bytes32[] memory hashes = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            hashes[i] = bytes32(uint256(0x01) << 248 | (i + 1));
        }
        vm.blobhashes(hashes);
        IExecutor.StoredBatchInfo memory genesis = lastCommitted;
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](2);
        infos[0] = _commitInfo(keccak256("a"), _noTxs(), bytes32(0));
        infos[0].operatorDAInput = hex"0101";
        infos[0].daCommitment = keccak256(abi.encodePacked(hashes[0]));
        lastCommitted = _storedOf(infos[0]);
        infos[1] = _commitInfo(keccak256("b"), _noTxs(), bytes32(0));
        infos[1].operatorDAInput = hex"0102";
        infos[1].daCommitment = keccak256(abi.encodePacked(hashes[1], hashes[2]));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, genesis, infos);
        assertEq(chain.getTotalBatchesCommitted(), 2);
    }
}
