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

contract CommittingTest is FerrumTestBase {
    bytes32 internal constant ROOT1 = keccak256("root1");
    bytes32 internal constant ROOT2 = keccak256("root2");

    function test_CommitBatch() public {
        IExecutor.CommitBatchInfo memory info = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        IExecutor.StoredBatchInfo memory stored = _storedOf(info);
        vm.expectEmit(address(chain));
        emit IExecutor.BlockCommit(1, ROOT1, stored.commitment);
        _commit(info);
        assertEq(chain.getTotalBatchesCommitted(), 1);
        assertEq(chain.storedBatchHash(1), keccak256(abi.encode(stored)));
        assertEq(chain.batchCommittedAt(1), 0); // no execution delay: no commit time stored
        vm.prank(governance);
        chain.setExecutionDelay(1 hours);
        _commit(_commitInfo(keccak256("root2"), _noTxs(), bytes32(0)));
        assertEq(chain.batchCommittedAt(2), block.timestamp);
    }

    function test_CommitTwoBatchesInOneCall() public {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](2);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[1] = _commitInfo(ROOT2, _noTxs(), bytes32(0));
        infos[1].batchNumber = 2;
        infos[1].firstBlockTimestamp = infos[0].lastBlockTimestamp;
        infos[1].newStateCommitment = ROOT2;
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
        assertEq(chain.getTotalBatchesCommitted(), 2);
    }

    function test_RevertWhen_CommitOutOfOrder() public {
        IExecutor.CommitBatchInfo memory info = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        info.batchNumber = 2;
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = info;
        vm.expectRevert(abi.encodeWithSelector(BatchNumberMismatch.selector, 1, 2));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitDuplicate() public {
        IExecutor.StoredBatchInfo memory genesis = lastCommitted;
        IExecutor.CommitBatchInfo memory info = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        _commit(info);
        // Same batch again on top of genesis: genesis is no longer the last committed batch.
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = info;
        vm.expectRevert(
            abi.encodeWithSelector(BatchHashMismatch.selector, chain.storedBatchHash(1), keccak256(abi.encode(genesis)))
        );
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, genesis, infos);
        // Same batch on top of itself: wrong number.
        vm.expectRevert(abi.encodeWithSelector(BatchNumberMismatch.selector, 2, 1));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitWithWrongLastBatch() public {
        IExecutor.StoredBatchInfo memory fake = lastCommitted;
        fake.batchHash = keccak256("fake");
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(BatchHashMismatch.selector, chain.storedBatchHash(0), keccak256(abi.encode(fake)))
        );
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, fake, infos);
    }

    function test_RevertWhen_CommitByNonValidator() public {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitWrongChainId() public {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(WrongChainId.selector, 999, CHAIN_ID));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(999, lastCommitted, infos);
        infos[0].chainId = 999;
        vm.expectRevert(abi.encodeWithSelector(WrongChainId.selector, 999, CHAIN_ID));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitEmpty() public {
        vm.expectRevert(EmptyBatches.selector);
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, new IExecutor.CommitBatchInfo[](0));
    }

    function test_RevertWhen_CommitTimestampInFuture() public {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[0].lastBlockTimestamp = uint64(block.timestamp + 2 hours);
        vm.expectRevert(TimestampError.selector);
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitTimestampGoesBack() public {
        _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT2, _noTxs(), bytes32(0));
        infos[0].firstBlockTimestamp = uint64(lastCommitted.timestamp - 1);
        vm.expectRevert(TimestampError.selector);
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitPubdataDoesNotMatchCommitment() public {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[0].operatorDAInput = abi.encodePacked(uint8(0), "tampered");
        vm.expectRevert(
            abi.encodeWithSelector(InvalidDACommitment.selector, infos[0].daCommitment, keccak256("tampered"))
        );
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_RevertWhen_CommitRollupWithoutDAInput() public {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[0].operatorDAInput = "";
        vm.expectRevert(abi.encodeWithSelector(InvalidPubdataSource.selector, 0xff));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
        infos[0].operatorDAInput = hex"07";
        vm.expectRevert(abi.encodeWithSelector(InvalidPubdataSource.selector, 7));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_CommitWithBlobs() public {
        bytes32[] memory hashes = new bytes32[](2);
        hashes[0] = bytes32(uint256(0x01) << 248 | 1);
        hashes[1] = bytes32(uint256(0x01) << 248 | 2);
        vm.blobhashes(hashes);
        IExecutor.CommitBatchInfo memory info = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        info.operatorDAInput = hex"0102";
        info.daCommitment = keccak256(abi.encodePacked(hashes));
        _commit(info);
        assertEq(chain.getTotalBatchesCommitted(), 1);
    }

    function test_RevertWhen_CommitWithMissingBlob() public {
        bytes32[] memory hashes = new bytes32[](1);
        hashes[0] = bytes32(uint256(0x01) << 248 | 1);
        vm.blobhashes(hashes);
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[0].operatorDAInput = hex"0102";
        vm.expectRevert(abi.encodeWithSelector(EmptyBlobVersionHash.selector, 1));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
    }

    function test_ValidiumCommitNeedsNoPubdata() public {
        IExecutor.StoredBatchInfo memory genesis =
            ZKChain(address(erc20Chain)).genesisStoredBatchInfo(GENESIS_ROOT, GENESIS_COMMITMENT);
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[0].chainId = ERC20_CHAIN_ID;
        infos[0].operatorDAInput = "";
        infos[0].daCommitment = keccak256("kept by the operator");
        vm.prank(validator);
        erc20Chain.commitBatchesSharedBridge(ERC20_CHAIN_ID, genesis, infos);
        assertEq(erc20Chain.getTotalBatchesCommitted(), 1);
    }

    function test_RevertWhen_CommitWhileFrozen() public {
        vm.prank(securityCouncil);
        ctm.freezeChain(CHAIN_ID);
        assertTrue(chain.isFrozen());
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(ChainFrozen.selector);
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
        vm.prank(governance);
        ctm.unfreezeChain(CHAIN_ID);
        _commit(infos[0]);
    }
}

