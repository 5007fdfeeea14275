// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IZKChain} from "../../../../contracts/state-transition/chain-interfaces/IZKChain.sol";
import {BatchLifecycleHandler} from "./BatchLifecycleHandler.sol";

/// @dev Properties of the batch lifecycle under random commit / prove / execute / revert / deposit sequences.
contract BatchLifecycleInvariantTest is Test {
    BatchLifecycleHandler internal handler;
    IZKChain internal chain;

    function setUp() public {
        handler = new BatchLifecycleHandler();
        chain = IZKChain(handler.chainAddress());
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = BatchLifecycleHandler.deposit.selector;
        selectors[1] = BatchLifecycleHandler.commit.selector;
        selectors[2] = BatchLifecycleHandler.prove.selector;
        selectors[3] = BatchLifecycleHandler.execute.selector;
        selectors[4] = BatchLifecycleHandler.revertTo.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_CountersAreOrderedAndMatchTheModel() public view {
        assertLe(chain.getTotalBatchesExecuted(), chain.getTotalBatchesVerified());
        assertLe(chain.getTotalBatchesVerified(), chain.getTotalBatchesCommitted());
        assertEq(chain.getTotalBatchesCommitted(), handler.committed());
        assertEq(chain.getTotalBatchesVerified(), handler.verified());
        assertEq(chain.getTotalBatchesExecuted(), handler.executed());
    }

    function invariant_StoredHashesMatchTheModel() public view {
        uint256 committed = handler.committed();
        for (uint256 n; n <= committed; ++n) {
            assertEq(chain.storedBatchHash(n), handler.modelBatchHash(n));
        }
    }

    function invariant_PriorityQueueFollowsExecution() public view {
        assertEq(chain.getFirstUnprocessedPriorityTx(), handler.opsExecuted());
        assertEq(chain.getTotalPriorityTxs(), handler.opsRequested());
        assertEq(chain.lastExecutedStateCommitment(), handler.modelStateCommitment(handler.executed()));
    }
}
