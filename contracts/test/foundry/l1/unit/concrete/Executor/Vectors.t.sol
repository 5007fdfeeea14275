// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {ZKChain} from "../../../../../../contracts/state-transition/ZKChain.sol";
import {L2CanonicalTransaction} from "../../../../../../contracts/state-transition/chain-interfaces/IMailbox.sol";
import {L2Message, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR} from "../../../../../../contracts/common/Config.sol";
import {LogsTree} from "../../../utils/LogsTree.sol";

/// @dev Fixed vectors of the formats the L2 node must reproduce (docs/contracts.md "Test vectors"); computed with
/// `cast abi-encode` + `cast keccak`, independently of the contracts.
contract FormatVectorsTest is FerrumTestBase {
    function test_BatchOutputHashAndPublicInputVector() public view {
        IExecutor.CommitBatchInfo memory info = IExecutor.CommitBatchInfo({
            batchNumber: 1,
            newStateCommitment: bytes32(0),
            numberOfLayer1Txs: 2,
            priorityOperationsHash: bytes32(
                uint256(0x1111111111111111111111111111111111111111111111111111111111111111)
            ),
            l2LogsTreeRoot: bytes32(uint256(0x2222222222222222222222222222222222222222222222222222222222222222)),
            daCommitment: bytes32(uint256(0x3333333333333333333333333333333333333333333333333333333333333333)),
            firstBlockTimestamp: 1_700_000_000,
            lastBlockTimestamp: 1_700_000_012,
            chainId: 270,
            operatorDAInput: ""
        });
        bytes32 out = ZKChain(address(chain)).batchOutputHash(info);
        assertEq(out, 0xa71d947c4559f5362fc54546625d1c621ec6e2e71c2e6cf0bd6a66d901d654d1);
        bytes32 before = bytes32(uint256(0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa));
        bytes32 afterState = bytes32(uint256(0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb));
        assertEq(
            ZKChain(address(chain)).batchPublicInput(before, afterState, out),
            uint256(0xfc29a0e89faa608046350c024f048faa5d199e1f9f51a60aeef0e8f8299840de)
        );
    }

    function test_CanonicalTxAndLogsTreeVectors() public view {
        string memory j = vm.readFile("test/vectors/formats.json");
        L2CanonicalTransaction memory t = L2CanonicalTransaction({
            txType: vm.parseJsonUint(j, ".canonicalTx.txType"),
            from: uint256(uint160(vm.parseJsonAddress(j, ".canonicalTx.from"))),
            to: uint256(uint160(vm.parseJsonAddress(j, ".canonicalTx.to"))),
            gasLimit: vm.parseJsonUint(j, ".canonicalTx.gasLimit"),
            gasPerPubdataByteLimit: vm.parseJsonUint(j, ".canonicalTx.gasPerPubdataByteLimit"),
            maxFeePerGas: vm.parseJsonUint(j, ".canonicalTx.maxFeePerGas"),
            maxPriorityFeePerGas: 0,
            paymaster: 0,
            nonce: vm.parseJsonUint(j, ".canonicalTx.nonce"),
            value: vm.parseJsonUint(j, ".canonicalTx.value"),
            reserved: [
                vm.parseJsonUint(j, ".canonicalTx.reserved0_mintValue"),
                uint256(uint160(vm.parseJsonAddress(j, ".canonicalTx.reserved1_refundRecipient"))),
                0,
                0
            ],
            data: vm.parseJsonBytes(j, ".canonicalTx.data"),
            signature: "",
            factoryDeps: new uint256[](0),
            paymasterInput: "",
            reservedDynamic: ""
        });
        bytes32 txHash = keccak256(abi.encode(t));
        assertEq(txHash, vm.parseJsonBytes32(j, ".canonicalTx.hash"));

        bytes memory message = vm.parseJsonBytes(j, ".logs.withdrawalMessage");
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = LogsTree.leaf(LogsTree.statusLog(0, txHash, true));
        leaves[1] = LogsTree.leaf(LogsTree.messageLog(1, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, message));
        assertEq(leaves[0], vm.parseJsonBytes32(j, ".logs.statusLeaf"));
        assertEq(leaves[1], vm.parseJsonBytes32(j, ".logs.messageLeaf"));
        (bytes32 root,) = LogsTree.rootAndProof(leaves, 1);
        assertEq(root, vm.parseJsonBytes32(j, ".logs.root"));
        (bytes32 emptyRoot,) = LogsTree.rootAndProof(new bytes32[](0), 0);
        assertEq(emptyRoot, vm.parseJsonBytes32(j, ".logs.emptyRoot"));
        assertEq(
            vm.parseJsonBytes32(j, ".batch.outputHash"),
            0xa71d947c4559f5362fc54546625d1c621ec6e2e71c2e6cf0bd6a66d901d654d1
        );
    }
}
