// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {
    IMailbox,
    L2CanonicalTransaction,
    BridgehubL2TransactionRequest,
    PriorityOperation
} from "../../../../../../contracts/state-transition/chain-interfaces/IMailbox.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {Vm} from "forge-std/Vm.sol";
import {L2TransactionRequestDirect} from "../../../../../../contracts/bridgehub/IBridgehub.sol";
import {L2Log, L2Message, TxStatus, ETH_TOKEN_ADDRESS} from "../../../../../../contracts/common/Config.sol";
import {AddressAliasHelper} from "../../../../../../contracts/common/libraries/AddressAliasHelper.sol";
import {LogsTree} from "../../../utils/LogsTree.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract ProveInclusionTest is FerrumTestBase {
    function _settleLogs(L2Log[] memory _logs) internal returns (uint256 batch, bytes32[][] memory proofs) {
        bytes32[] memory leaves = new bytes32[](_logs.length);
        for (uint256 i; i < _logs.length; ++i) {
            leaves[i] = LogsTree.leaf(_logs[i]);
        }
        proofs = new bytes32[][](_logs.length);
        bytes32 root;
        for (uint256 i; i < _logs.length; ++i) {
            (root, proofs[i]) = LogsTree.rootAndProof(leaves, i);
        }
        batch = _settle(keccak256("s"), _noTxs(), root).batchNumber;
    }

    function test_ProveL2MessageAndLogInclusion() public {
        L2Log[] memory logs = new L2Log[](3);
        logs[0] = LogsTree.messageLog(0, alice, "hello");
        logs[1] = LogsTree.statusLog(1, keccak256("tx"), true);
        logs[2] = LogsTree.messageLog(2, bob, "world");
        (uint256 batch, bytes32[][] memory proofs) = _settleLogs(logs);

        assertTrue(chain.proveL2MessageInclusion(batch, 0, L2Message(0, alice, "hello"), proofs[0]));
        assertTrue(chain.proveL2MessageInclusion(batch, 2, L2Message(2, bob, "world"), proofs[2]));
        assertTrue(bridgehub.proveL2MessageInclusion(CHAIN_ID, batch, 2, L2Message(2, bob, "world"), proofs[2]));
        assertFalse(chain.proveL2MessageInclusion(batch, 0, L2Message(0, alice, "hellO"), proofs[0]));
        assertFalse(chain.proveL2MessageInclusion(batch, 0, L2Message(0, bob, "hello"), proofs[0]));
        assertFalse(chain.proveL2MessageInclusion(batch, 1, L2Message(0, alice, "hello"), proofs[0]));
        assertTrue(chain.proveL2LogInclusion(batch, 1, logs[1], proofs[1]));
        assertTrue(bridgehub.proveL2LogInclusion(CHAIN_ID, batch, 1, logs[1], proofs[1]));
        assertTrue(chain.proveL1ToL2TransactionStatus(keccak256("tx"), batch, 1, 1, proofs[1], TxStatus.Success));
        assertFalse(chain.proveL1ToL2TransactionStatus(keccak256("tx"), batch, 1, 1, proofs[1], TxStatus.Failure));
        assertTrue(
            bridgehub.proveL1ToL2TransactionStatus(CHAIN_ID, keccak256("tx"), batch, 1, 1, proofs[1], TxStatus.Success)
        );
    }

    function test_RevertWhen_ProvingAgainstUnexecutedBatch() public {
        vm.expectRevert(abi.encodeWithSelector(BatchNotExecuted.selector, 1));
        chain.proveL2MessageInclusion(1, 0, L2Message(0, alice, "hello"), new bytes32[](14));
        vm.expectRevert(abi.encodeWithSelector(BatchNotExecuted.selector, 0));
        chain.proveL2MessageInclusion(0, 0, L2Message(0, alice, "hello"), new bytes32[](14));
    }

    function test_RevertWhen_ProofHasWrongLength() public {
        L2Log[] memory logs = new L2Log[](1);
        logs[0] = LogsTree.messageLog(0, alice, "hello");
        (uint256 batch,) = _settleLogs(logs);
        vm.expectRevert(abi.encodeWithSelector(InvalidMerkleProofLength.selector, 13));
        chain.proveL2MessageInclusion(batch, 0, L2Message(0, alice, "hello"), new bytes32[](13));
    }

    function test_RevertWhen_IndexOutOfTree() public {
        L2Log[] memory logs = new L2Log[](1);
        logs[0] = LogsTree.messageLog(0, alice, "hello");
        (uint256 batch, bytes32[][] memory proofs) = _settleLogs(logs);
        vm.expectRevert(MerkleIndexOutOfBounds.selector);
        chain.proveL2MessageInclusion(batch, 1 << 14, L2Message(0, alice, "hello"), proofs[0]);
    }

    function test_EmptyTreeRootMatchesEra() public pure {
        // root of a tree with no logs, built by the reference implementation
        (bytes32 root,) = LogsTree.rootAndProof(new bytes32[](0), 0);
        bytes32 h = keccak256(new bytes(88));
        for (uint256 i; i < 14; ++i) {
            h = keccak256(abi.encodePacked(h, h));
        }
        assertEq(root, h);
    }
}

