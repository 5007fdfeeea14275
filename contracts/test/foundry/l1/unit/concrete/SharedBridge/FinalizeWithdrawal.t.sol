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

contract FinalizeWithdrawalTest is FerrumTestBase {
    function _settleStatus(bytes32 _txHash, bool _success) internal returns (uint256 batch, bytes32[] memory proof) {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = LogsTree.leaf(LogsTree.statusLog(0, _txHash, _success));
        bytes32 root;
        (root, proof) = LogsTree.rootAndProof(leaves, 0);
        batch = _settle(keccak256(abi.encode("st", _txHash)), _txs1(_txHash), root).batchNumber;
    }

    function test_FinalizeEthWithdrawal() public {
        _depositEth(alice, 10 ether);
        bytes memory m = _ethWithdrawalMessage(bob, 4 ether);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        uint256 before = bob.balance;
        uint256 chainBefore = sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS);
        assertFalse(sharedBridge.isWithdrawalFinalized(CHAIN_ID, batch, 0));
        vm.expectEmit(address(sharedBridge));
        emit IL1SharedBridge.WithdrawalFinalizedSharedBridge(CHAIN_ID, bob, ETH_TOKEN_ADDRESS, 4 ether);
        sharedBridge.finalizeDeposit(_finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0]));
        assertEq(bob.balance, before + 4 ether);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), chainBefore - 4 ether);
        assertTrue(sharedBridge.isWithdrawalFinalized(CHAIN_ID, batch, 0));
    }

    function test_RevertWhen_DoubleWithdrawal() public {
        _depositEth(alice, 10 ether);
        bytes memory m = _ethWithdrawalMessage(bob, 4 ether);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        FinalizeL1DepositParams memory p = _finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0]);
        sharedBridge.finalizeDeposit(p);
        vm.expectRevert(abi.encodeWithSelector(WithdrawalAlreadyFinalized.selector, CHAIN_ID, batch, 0));
        sharedBridge.finalizeDeposit(p);
        vm.expectRevert(abi.encodeWithSelector(WithdrawalAlreadyFinalized.selector, CHAIN_ID, batch, 0));
        sharedBridge.finalizeWithdrawal(CHAIN_ID, batch, 0, 0, m, proofs[0]);
    }

    function test_RevertWhen_WithdrawalBeyondChainBalance() public {
        _depositEth(alice, 1 ether);
        // another chain's money must not be reachable: fund the ERC-20 chain with ETH too
        uint256 have = sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS);
        bytes memory m = _ethWithdrawalMessage(bob, have + 1);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        vm.deal(address(sharedBridge), 100 ether);
        FinalizeL1DepositParams memory p = _finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(InsufficientChainBalance.selector, CHAIN_ID, ETH_TOKEN_ADDRESS, have + 1, have)
        );
        sharedBridge.finalizeDeposit(p);
        assertFalse(sharedBridge.isWithdrawalFinalized(CHAIN_ID, batch, 0));
    }

    function test_RevertWhen_WithdrawalProofInvalid() public {
        _depositEth(alice, 10 ether);
        bytes memory m = _ethWithdrawalMessage(bob, 4 ether);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        bytes memory forged = _ethWithdrawalMessage(bob, 5 ether);
        vm.expectRevert(InvalidProof.selector);
        sharedBridge.finalizeDeposit(_finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, forged, proofs[0]));
    }

    function test_RevertWhen_WithdrawalFromWrongL2Sender() public {
        bytes memory m = _ethWithdrawalMessage(bob, 4 ether);
        vm.expectRevert(abi.encodeWithSelector(WrongL2Sender.selector, alice));
        sharedBridge.finalizeDeposit(_finalizeParams(1, 0, alice, m, new bytes32[](14)));
        bytes memory e = _erc20WithdrawalMessage(bob, address(token), 1);
        vm.expectRevert(abi.encodeWithSelector(WrongL2Sender.selector, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR));
        sharedBridge.finalizeDeposit(_finalizeParams(1, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, e, new bytes32[](14)));
    }

    function test_RevertWhen_WithdrawalMessageMalformed() public {
        vm.expectRevert(abi.encodeWithSelector(L2WithdrawalMessageWrongLength.selector, 3));
        sharedBridge.finalizeDeposit(_finalizeParams(1, 0, L2_ASSET_ROUTER_ADDR, hex"112233", new bytes32[](14)));
        vm.expectRevert(abi.encodeWithSelector(L2WithdrawalMessageWrongLength.selector, 57));
        sharedBridge.finalizeDeposit(
            _finalizeParams(
                1,
                0,
                L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
                bytes.concat(_ethWithdrawalMessage(bob, 1), hex"00"),
                new bytes32[](14)
            )
        );
        vm.expectRevert(abi.encodeWithSelector(InvalidSelector.selector, bytes4(0xdeadbeef)));
        sharedBridge.finalizeDeposit(_finalizeParams(1, 0, L2_ASSET_ROUTER_ADDR, hex"deadbeef00", new bytes32[](14)));
    }

    function test_FinalizeErc20WithdrawalLegacyAndAssetRouter() public {
        _depositToken(alice, 100e6);
        bytes memory legacy = _erc20WithdrawalMessage(bob, address(token), 30e6);
        bytes memory routed = bytes.concat(
            bytes4(0x9c884fd1),
            abi.encode(block.chainid),
            sharedBridge.assetId(address(token)),
            abi.encode(alice, bob, address(token), uint256(20e6), bytes(""))
        );
        address[] memory senders = new address[](2);
        senders[0] = L2_ASSET_ROUTER_ADDR;
        senders[1] = L2_ASSET_ROUTER_ADDR;
        bytes[] memory msgs = new bytes[](2);
        msgs[0] = legacy;
        msgs[1] = routed;
        (uint256 batch, bytes32[][] memory proofs) = _settleWithdrawals(senders, msgs);
        sharedBridge.finalizeWithdrawal(CHAIN_ID, batch, 0, 0, legacy, proofs[0]);
        sharedBridge.finalizeDeposit(_finalizeParams(batch, 1, L2_ASSET_ROUTER_ADDR, routed, proofs[1]));
        assertEq(token.balanceOf(bob), 50e6);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), 50e6);
    }

    function test_RevertWhen_EthReceiverRejects() public {
        _depositEth(alice, 10 ether);
        address rejecter = address(new RejectEth());
        bytes memory m = _ethWithdrawalMessage(rejecter, 1 ether);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        vm.expectRevert(EthTransferFailed.selector);
        sharedBridge.finalizeDeposit(_finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0]));
    }
}

