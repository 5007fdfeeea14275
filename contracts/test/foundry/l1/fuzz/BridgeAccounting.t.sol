// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../unit/concrete/_Shared.t.sol";
import {FinalizeL1DepositParams} from "../../../../contracts/bridge/interfaces/IL1SharedBridge.sol";
import {L2TransactionRequestTwoBridgesOuter} from "../../../../contracts/bridgehub/IBridgehub.sol";
import {
    ETH_TOKEN_ADDRESS,
    L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
    L2_ASSET_ROUTER_ADDR
} from "../../../../contracts/common/Config.sol";
import "../../../../contracts/common/L1ContractErrors.sol";

contract BridgeAccountingFuzzTest is FerrumTestBase {
    function testFuzz_EthDepositThenWithdraw(uint128 _deposit, uint128 _withdraw) public {
        uint256 dep = bound(_deposit, 1, 500 ether);
        uint256 mint = _baseCost() + dep;
        _depositEth(alice, dep);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), mint);
        uint256 w = bound(_withdraw, 1, 2 * mint);
        bytes memory m = _ethWithdrawalMessage(bob, w);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        FinalizeL1DepositParams memory p = _finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0]);
        uint256 before = bob.balance;
        if (w > mint) {
            vm.expectRevert(
                abi.encodeWithSelector(InsufficientChainBalance.selector, CHAIN_ID, ETH_TOKEN_ADDRESS, w, mint)
            );
            sharedBridge.finalizeDeposit(p);
            assertEq(bob.balance, before);
            assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), mint);
        } else {
            sharedBridge.finalizeDeposit(p);
            assertEq(bob.balance, before + w);
            assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), mint - w);
        }
        assertEq(address(sharedBridge).balance, sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS));
    }

    /// @dev Money deposited to one chain can never leave through another chain.
    function testFuzz_ChainsAreIsolated(uint96 _toA, uint96 _toB, uint96 _withdraw) public {
        uint256 a = bound(_toA, 1, 1e30);
        uint256 b = bound(_toB, 1, 1e30);
        _depositToken(alice, a);
        // token deposit into the ERC-20-based chain (pays its gas in the base token)
        token.mint(bob, b);
        uint256 gasMint = 300_000 gwei;
        baseTokenErc20.mint(bob, gasMint);
        vm.startPrank(bob);
        token.approve(address(sharedBridge), b);
        baseTokenErc20.approve(address(sharedBridge), gasMint);
        vm.stopPrank();
        L2TransactionRequestTwoBridgesOuter memory r =
            _twoBridgesRequest(ERC20_CHAIN_ID, address(token), b, bob, gasMint);
        vm.prank(bob, bob);
        bridgehub.requestL2TransactionTwoBridges(r);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), a);
        assertEq(sharedBridge.chainBalance(ERC20_CHAIN_ID, address(token)), b);
        assertEq(token.balanceOf(address(sharedBridge)), a + b);

        uint256 w = bound(_withdraw, 1, a + b);
        bytes memory m = _erc20WithdrawalMessage(alice, address(token), w);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_ASSET_ROUTER_ADDR), _oneMessage(m));
        FinalizeL1DepositParams memory p = _finalizeParams(batch, 0, L2_ASSET_ROUTER_ADDR, m, proofs[0]);
        if (w > a) {
            vm.expectRevert(abi.encodeWithSelector(InsufficientChainBalance.selector, CHAIN_ID, address(token), w, a));
            sharedBridge.finalizeDeposit(p);
        } else {
            sharedBridge.finalizeDeposit(p);
            assertEq(token.balanceOf(alice), w);
        }
        assertEq(sharedBridge.chainBalance(ERC20_CHAIN_ID, address(token)), b);
        assertEq(
            token.balanceOf(address(sharedBridge)),
            sharedBridge.chainBalance(CHAIN_ID, address(token))
                + sharedBridge.chainBalance(ERC20_CHAIN_ID, address(token))
        );
    }

    /// @dev Several withdrawals in one batch: each pays once, the total never exceeds the deposits.
    function testFuzz_ManyWithdrawalsOneBatch(uint64[4] memory _amounts, uint96 _deposit) public {
        uint256 dep = bound(_deposit, 1, 1e24);
        _depositToken(alice, dep);
        address[] memory senders = new address[](4);
        bytes[] memory msgs = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            senders[i] = L2_ASSET_ROUTER_ADDR;
            msgs[i] = _erc20WithdrawalMessage(bob, address(token), uint256(_amounts[i]) + 1);
        }
        (uint256 batch, bytes32[][] memory proofs) = _settleWithdrawals(senders, msgs);
        uint256 paid;
        for (uint256 i; i < 4; ++i) {
            uint256 amt = uint256(_amounts[i]) + 1;
            FinalizeL1DepositParams memory p = _finalizeParams(batch, i, L2_ASSET_ROUTER_ADDR, msgs[i], proofs[i]);
            if (paid + amt > dep) {
                vm.expectRevert(
                    abi.encodeWithSelector(InsufficientChainBalance.selector, CHAIN_ID, address(token), amt, dep - paid)
                );
                sharedBridge.finalizeDeposit(p);
            } else {
                sharedBridge.finalizeDeposit(p);
                paid += amt;
                vm.expectRevert(abi.encodeWithSelector(WithdrawalAlreadyFinalized.selector, CHAIN_ID, batch, i));
                sharedBridge.finalizeDeposit(p);
            }
        }
        assertEq(token.balanceOf(bob), paid);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), dep - paid);
    }
}
