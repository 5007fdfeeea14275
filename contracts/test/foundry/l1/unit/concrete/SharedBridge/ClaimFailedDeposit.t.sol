// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {
    IL1SharedBridge,
    FinalizeL1DepositParams
} from "../../../../../../contracts/bridge/interfaces/IL1SharedBridge.sol";
import {
    L2TransactionRequestTwoBridgesOuter,
    L2TransactionRequestTwoBridgesInner
} from "../../../../../../contracts/bridgehub/IBridgehub.sol";
import {
    L2Log,
    ETH_TOKEN_ADDRESS,
    L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
    L2_ASSET_ROUTER_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR,
    TWO_BRIDGES_MAGIC_VALUE
} from "../../../../../../contracts/common/Config.sol";
import {LogsTree} from "../../../utils/LogsTree.sol";
import {FeeOnTransferToken, RejectEth} from "../../../utils/Mocks.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract ClaimFailedDepositTest is FerrumTestBase {
    function _settleStatus(bytes32 _txHash, bool _success) internal returns (uint256 batch, bytes32[] memory proof) {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = LogsTree.leaf(LogsTree.statusLog(0, _txHash, _success));
        bytes32 root;
        (root, proof) = LogsTree.rootAndProof(leaves, 0);
        batch = _settle(keccak256(abi.encode("st", _txHash)), _txs1(_txHash), root).batchNumber;
    }

    function test_ClaimFailedDeposit() public {
        bytes32 h = _depositToken(alice, 100e6);
        (uint256 batch, bytes32[] memory proof) = _settleStatus(h, false);
        sharedBridge.claimFailedDeposit(CHAIN_ID, alice, address(token), 100e6, h, batch, 0, 0, proof);
        assertEq(token.balanceOf(alice), 100e6);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), 0);
        assertEq(sharedBridge.depositHappened(CHAIN_ID, h), bytes32(0));
        vm.expectRevert(DepositDoesNotExist.selector);
        sharedBridge.claimFailedDeposit(CHAIN_ID, alice, address(token), 100e6, h, batch, 0, 0, proof);
    }

    function test_RevertWhen_ClaimingSuccessfulDeposit() public {
        bytes32 h = _depositToken(alice, 100e6);
        (uint256 batch, bytes32[] memory proof) = _settleStatus(h, true);
        vm.expectRevert(InvalidProof.selector);
        sharedBridge.claimFailedDeposit(CHAIN_ID, alice, address(token), 100e6, h, batch, 0, 0, proof);
    }

    function test_RevertWhen_ClaimingWithWrongDepositData() public {
        bytes32 h = _depositToken(alice, 100e6);
        (uint256 batch, bytes32[] memory proof) = _settleStatus(h, false);
        vm.expectRevert(DepositDoesNotExist.selector);
        sharedBridge.claimFailedDeposit(CHAIN_ID, bob, address(token), 100e6, h, batch, 0, 0, proof);
        vm.expectRevert(DepositDoesNotExist.selector);
        sharedBridge.claimFailedDeposit(CHAIN_ID, alice, address(token), 101e6, h, batch, 0, 0, proof);
    }
}

