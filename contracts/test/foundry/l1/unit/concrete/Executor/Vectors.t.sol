// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {ZKChain} from "../../../../../../contracts/state-transition/ZKChain.sol";

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
}
