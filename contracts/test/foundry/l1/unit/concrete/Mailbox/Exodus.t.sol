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

contract ExodusTest is FerrumTestBase {
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

    function test_ExodusModeAndClaims() public {
        _depositEth(alice, 5 ether);
        bytes32 root = keccak256("last state");
        // a first deposit was executed in a batch; a second one is censored
        bytes32[] memory none = _noTxs();
        // move the deposit through: execute it
        bytes32[] memory txs = new bytes32[](1);
        txs[0] = chain.priorityQueueFrontOperation().canonicalTxHash;
        _settle(root, txs, bytes32(0));
        _depositEth(bob, 1 ether);

        vm.expectRevert(
            abi.encodeWithSelector(PriorityOpNotExpired.selector, uint64(block.timestamp + PRIORITY_EXPIRATION))
        );
        chain.activateExodusMode();
        vm.warp(block.timestamp + PRIORITY_EXPIRATION + 1);
        vm.prank(alice);
        chain.activateExodusMode();
        assertTrue(chain.isExodusMode());

        // no more batches or deposits
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(keccak256("x"), _noTxs(), bytes32(0));
        vm.expectRevert(ExodusModeActive.selector);
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
        uint256 mint = _baseCost();
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, mint);
        vm.expectRevert(ExodusModeActive.selector);
        vm.prank(bob, bob);
        bridgehub.requestL2TransactionDirect{value: mint}(r);
        vm.expectRevert(ExodusModeActive.selector);
        chain.activateExodusMode();

        // alice claims what she had in the last executed state, once
        bytes memory proof = abi.encode(CHAIN_ID, root, alice, ETH_TOKEN_ADDRESS, 3 ether);
        uint256 before = alice.balance;
        vm.expectEmit(address(chain));
        emit IMailbox.ExodusBalanceClaimed(alice, ETH_TOKEN_ADDRESS, 3 ether);
        chain.claimExodusBalance(alice, ETH_TOKEN_ADDRESS, 3 ether, proof);
        assertEq(alice.balance, before + 3 ether);
        assertTrue(chain.isExodusClaimed(alice, ETH_TOKEN_ADDRESS));
        vm.expectRevert(abi.encodeWithSelector(ExodusClaimAlreadyDone.selector, alice, ETH_TOKEN_ADDRESS));
        chain.claimExodusBalance(alice, ETH_TOKEN_ADDRESS, 3 ether, proof);

        // a wrong proof (claiming more) is rejected
        vm.expectRevert(InvalidExodusProof.selector);
        chain.claimExodusBalance(
            bob, ETH_TOKEN_ADDRESS, 100 ether, abi.encode(CHAIN_ID, root, bob, ETH_TOKEN_ADDRESS, 1 ether)
        );
        none;
    }

    function test_RevertWhen_ExodusWithEmptyQueue() public {
        vm.expectRevert(NoPendingPriorityOps.selector);
        chain.activateExodusMode();
    }

    function test_RevertWhen_ClaimOutsideExodus() public {
        vm.expectRevert(ExodusModeNotActive.selector);
        chain.claimExodusBalance(alice, ETH_TOKEN_ADDRESS, 1, "");
    }

    function test_RevertWhen_ExodusClaimsNotImplemented() public {
        _depositEth(alice, 1 ether);
        vm.prank(governance);
        chain.setExodusVerifier(address(0));
        vm.warp(block.timestamp + PRIORITY_EXPIRATION + 1);
        chain.activateExodusMode();
        vm.expectRevert(ExodusClaimsNotImplemented.selector);
        chain.claimExodusBalance(alice, ETH_TOKEN_ADDRESS, 1, "");
    }

    function test_RevertWhen_ReleaseExodusFundsNotFromChain() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        sharedBridge.releaseExodusFunds(CHAIN_ID, alice, ETH_TOKEN_ADDRESS, 1);
    }
}

