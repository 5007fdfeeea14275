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

contract RevertingTest is FerrumTestBase {
    bytes32 internal constant ROOT1 = keccak256("root1");
    bytes32 internal constant ROOT2 = keccak256("root2");

    function test_RevertBatches() public {
        IExecutor.StoredBatchInfo memory genesis = lastCommitted;
        IExecutor.StoredBatchInfo memory b1 = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        _prove(b1);
        _commit(_commitInfo(ROOT2, _noTxs(), bytes32(0)));
        vm.prank(validator);
        vm.expectEmit(address(chain));
        emit IExecutor.BlocksRevert(0, 0, 0);
        chain.revertBatchesSharedBridge(CHAIN_ID, 0);
        assertEq(chain.getTotalBatchesCommitted(), 0);
        assertEq(chain.getTotalBatchesVerified(), 0);
        // the chain continues from genesis with a different batch 1
        lastCommitted = genesis;
        lastVerified = genesis;
        IExecutor.StoredBatchInfo memory b1b = _commit(_commitInfo(ROOT2, _noTxs(), bytes32(0)));
        _prove(b1b);
        _execute(b1b);
        assertEq(chain.lastExecutedStateCommitment(), ROOT2);
    }

    function test_RevertWhen_RevertByNonValidator() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        chain.revertBatchesSharedBridge(CHAIN_ID, 0);
    }

    function test_RevertWhen_RevertingNonCommittedBatch() public {
        vm.expectRevert(CantRevertNonCommittedBatch.selector);
        vm.prank(validator);
        chain.revertBatchesSharedBridge(CHAIN_ID, 5);
    }

    function test_RevertWhen_RevertingExecutedBatch() public {
        _settle(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(CantRevertExecutedBatch.selector);
        vm.prank(validator);
        chain.revertBatchesSharedBridge(CHAIN_ID, 0);
    }
}
