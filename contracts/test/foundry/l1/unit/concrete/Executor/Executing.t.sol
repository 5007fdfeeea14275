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
}
