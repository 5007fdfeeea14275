// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {ZKChain} from "../../../../../../contracts/state-transition/ZKChain.sol";
import {InsecureNoProofVerifier} from "../../../../../../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {EMPTY_STRING_KECCAK} from "../../../../../../contracts/common/Config.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract ExecutorTest is FerrumTestBase {
    bytes32 internal constant ROOT1 = keccak256("root1");
    bytes32 internal constant ROOT2 = keccak256("root2");

    // ------------------------------------------------------------ commit

    function test_CommitBatch() public {
        IExecutor.CommitBatchInfo memory info = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        IExecutor.StoredBatchInfo memory stored = _storedOf(info);
        vm.expectEmit(address(chain));
        emit IExecutor.BlockCommit(1, ROOT1, stored.commitment);
        _commit(info);
        assertEq(chain.getTotalBatchesCommitted(), 1);
        assertEq(chain.storedBatchHash(1), keccak256(abi.encode(stored)));
        assertEq(chain.batchCommittedAt(1), block.timestamp);
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
        vm.expectRevert(abi.encodeWithSelector(BatchHashMismatch.selector, chain.storedBatchHash(1), keccak256(abi.encode(genesis))));
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
        vm.expectRevert(abi.encodeWithSelector(BatchHashMismatch.selector, chain.storedBatchHash(0), keccak256(abi.encode(fake))));
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
        vm.expectRevert(abi.encodeWithSelector(InvalidDACommitment.selector, infos[0].daCommitment, keccak256("tampered")));
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
        IExecutor.StoredBatchInfo memory genesis = ZKChain(address(erc20Chain)).genesisStoredBatchInfo(GENESIS_ROOT, GENESIS_COMMITMENT);
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(ROOT1, _noTxs(), bytes32(0));
        infos[0].chainId = ERC20_CHAIN_ID;
        infos[0].operatorDAInput = "";
        infos[0].daCommitment = keccak256("kept by the operator");
        vm.prank(validator);
        erc20Chain.commitBatchesSharedBridge(ERC20_CHAIN_ID, genesis, infos);
        assertEq(erc20Chain.getTotalBatchesCommitted(), 1);
    }

    // ------------------------------------------------------------ prove

    function test_ProveBatch() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.expectEmit(address(chain));
        emit IExecutor.BlocksVerification(0, 1);
        _prove(b);
        assertEq(chain.getTotalBatchesVerified(), 1);
    }

    function test_RevertWhen_ProofForWrongPublicInput() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        IExecutor.StoredBatchInfo memory tampered = abi.decode(abi.encode(b), (IExecutor.StoredBatchInfo));
        tampered.batchHash = keccak256("another state");
        bytes memory proof = _proofFor(lastVerified, _one(tampered));
        vm.expectRevert(InvalidProof.selector);
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(b), proof);
    }

    function test_RevertWhen_ProveTamperedBatch() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        IExecutor.StoredBatchInfo memory tampered = b;
        tampered.l2LogsTreeRoot = keccak256("forged logs");
        vm.expectRevert(abi.encodeWithSelector(BatchHashMismatch.selector, chain.storedBatchHash(1), keccak256(abi.encode(tampered))));
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(tampered), "");
    }

    function test_RevertWhen_ProveUncommitted() public {
        IExecutor.StoredBatchInfo memory b = _storedOf(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.expectRevert(abi.encodeWithSelector(VerifiedBatchesExceedsCommittedBatches.selector, 1, 0));
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(b), "");
    }

    function test_RevertWhen_ProveWithNoVerifier() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.prank(governance);
        chain.setVerifier(address(0), false);
        vm.expectRevert(NoVerifier.selector);
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(b), "");
    }

    function test_RevertWhen_ProveByNonValidator() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(b), "");
    }

    function test_InsecureVerifierAcceptsAnythingAndIsReported() public {
        InsecureNoProofVerifier insecure = new InsecureNoProofVerifier();
        vm.expectRevert(abi.encodeWithSelector(InsecureVerifierNotAllowed.selector, address(insecure)));
        vm.prank(governance);
        chain.setVerifier(address(insecure), false);
        assertFalse(chain.isProofVerificationInsecure());
        vm.prank(governance);
        chain.setVerifier(address(insecure), true);
        assertTrue(chain.isProofVerificationInsecure());
        assertEq(chain.getVerifier(), address(insecure));
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(b), "no proof at all");
        assertEq(chain.getTotalBatchesVerified(), 1);
    }

    function test_RevertWhen_SetVerifierByNonGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        vm.prank(chainAdmin);
        chain.setVerifier(address(0), false);
    }

    // ------------------------------------------------------------ execute

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

    function test_RevertWhen_ExecuteBeforeProve() public {
        IExecutor.StoredBatchInfo memory b = _commit(_commitInfo(ROOT1, _noTxs(), bytes32(0)));
        vm.expectRevert(CantExecuteUnprovenBatches.selector);
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(b));
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
        vm.expectRevert(abi.encodeWithSelector(PriorityOperationsRollingHashMismatch.selector, _rollingHash(right), _rollingHash(txs)));
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

    // ------------------------------------------------------------ revert

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

    function test_RevertWhen_RevertingExecutedBatch() public {
        _settle(ROOT1, _noTxs(), bytes32(0));
        vm.expectRevert(CantRevertExecutedBatch.selector);
        vm.prank(validator);
        chain.revertBatchesSharedBridge(CHAIN_ID, 0);
    }

    function test_RevertWhen_RevertingNonCommittedBatch() public {
        vm.expectRevert(CantRevertNonCommittedBatch.selector);
        vm.prank(validator);
        chain.revertBatchesSharedBridge(CHAIN_ID, 5);
    }

    function test_RevertWhen_RevertByNonValidator() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        chain.revertBatchesSharedBridge(CHAIN_ID, 0);
    }

    // ------------------------------------------------------------ frozen

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

    function test_PublicInputFormula() public view {
        bytes32 a = keccak256("a");
        bytes32 b = keccak256("b");
        bytes32 c = keccak256("c");
        assertEq(ZKChain(address(chain)).batchPublicInput(a, b, c), uint256(keccak256(abi.encodePacked(a, b, c))));
        assertEq(lastCommitted.priorityOperationsHash, EMPTY_STRING_KECCAK);
    }
}
