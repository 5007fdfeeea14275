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

contract ProvingTest is FerrumTestBase {
    bytes32 internal constant ROOT1 = keccak256("root1");
    bytes32 internal constant ROOT2 = keccak256("root2");

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
        vm.expectRevert(
            abi.encodeWithSelector(
                BatchHashMismatch.selector, chain.storedBatchHash(1), keccak256(abi.encode(tampered))
            )
        );
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

    function test_PublicInputFormula() public view {
        bytes32 a = keccak256("a");
        bytes32 b = keccak256("b");
        bytes32 c = keccak256("c");
        assertEq(ZKChain(address(chain)).batchPublicInput(a, b, c), uint256(keccak256(abi.encodePacked(a, b, c))));
        assertEq(lastCommitted.priorityOperationsHash, EMPTY_STRING_KECCAK);
    }
}
