// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {FerrumTestBase} from "../_Shared.t.sol";
import {
    IMailbox,
    L2CanonicalTransaction
} from "../../../../../../contracts/state-transition/chain-interfaces/IMailbox.sol";
import {ETH_TOKEN_ADDRESS} from "../../../../../../contracts/common/Config.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

/// @dev Users can always leave: in exodus mode, priority ops that were never executed give their value back.
contract PendingRefundsTest is FerrumTestBase {
    function _lastCanonicalTx() internal returns (L2CanonicalTransaction memory t) {
        Vm.Log[] memory entries = vm.getRecordedLogs();
        for (uint256 i = entries.length; i > 0; --i) {
            if (
                entries[i - 1].emitter == address(chain)
                    && entries[i - 1].topics[0] == IMailbox.NewPriorityRequest.selector
            ) {
                (,,, t,) = abi.decode(entries[i - 1].data, (uint256, bytes32, uint64, L2CanonicalTransaction, bytes[]));
                return t;
            }
        }
        revert("no NewPriorityRequest");
    }

    function _enterExodus() internal {
        vm.warp(block.timestamp + PRIORITY_EXPIRATION + 1);
        chain.activateExodusMode();
    }

    function test_RefundPendingEthDeposit() public {
        // op 0 is executed, op 1 is censored
        bytes32 h0 = _depositEth(bob, 1 ether);
        _settle(keccak256("s1"), _txs1(h0), bytes32(0));
        vm.recordLogs();
        _depositEth(alice, 3 ether);
        L2CanonicalTransaction memory t = _lastCanonicalTx();
        uint256 mint = t.reserved[0];
        assertEq(chain.priorityOperation(1).originalCaller, alice);

        vm.expectRevert(ExodusModeNotActive.selector);
        chain.claimPendingPriorityOpRefund(1, t);
        _enterExodus();

        uint256 before = alice.balance;
        vm.expectEmit(address(chain));
        emit IMailbox.PendingPriorityOpRefunded(1, alice, mint);
        vm.prank(bob); // anyone may trigger it; the payer gets the money
        chain.claimPendingPriorityOpRefund(1, t);
        assertEq(alice.balance, before + mint);
        assertTrue(chain.isPriorityOpRefunded(1));
        assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), _baseCost() + 1 ether);

        vm.expectRevert(abi.encodeWithSelector(PriorityOpAlreadyRefunded.selector, 1));
        chain.claimPendingPriorityOpRefund(1, t);
        vm.expectRevert(abi.encodeWithSelector(PriorityOpNotPending.selector, 0));
        chain.claimPendingPriorityOpRefund(0, t);
        vm.expectRevert(abi.encodeWithSelector(PriorityOpNotPending.selector, 2));
        chain.claimPendingPriorityOpRefund(2, t);
    }

    function test_RevertWhen_RefundWithForgedTransaction() public {
        vm.recordLogs();
        _depositEth(alice, 3 ether);
        L2CanonicalTransaction memory t = _lastCanonicalTx();
        bytes32 real = keccak256(abi.encode(t));
        _enterExodus();
        t.reserved[0] = 100 ether;
        vm.expectRevert(abi.encodeWithSelector(CanonicalTxHashMismatch.selector, real, keccak256(abi.encode(t))));
        chain.claimPendingPriorityOpRefund(0, t);
    }

    function test_RefundPendingErc20Deposit() public {
        vm.recordLogs();
        bytes32 h = _depositToken(alice, 250e6);
        L2CanonicalTransaction memory t = _lastCanonicalTx();
        assertEq(keccak256(abi.encode(t)), h);
        _enterExodus();
        uint256 ethBefore = alice.balance;
        chain.claimPendingPriorityOpRefund(0, t);
        assertEq(token.balanceOf(alice), 250e6);
        assertEq(alice.balance, ethBefore + t.reserved[0]);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), 0);
        assertEq(sharedBridge.depositHappened(CHAIN_ID, h), bytes32(0));
        // the failed-deposit path cannot pay it a second time
        vm.expectRevert(DepositDoesNotExist.selector);
        sharedBridge.claimFailedDeposit(CHAIN_ID, alice, address(token), 250e6, h, 1, 0, 0, new bytes32[](14));
    }

    function test_RevertWhen_ReleasePendingDepositNotFromChain() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        sharedBridge.releasePendingDepositInExodus(CHAIN_ID, bytes32(0), alice, address(token), 1);
    }

    /// @dev A freeze cannot lock users in: requests still queue, and past the deadline anyone starts exodus.
    function test_FrozenChainStillLetsUsersLeave() public {
        vm.prank(securityCouncil);
        ctm.freezeChain(CHAIN_ID);
        vm.recordLogs();
        _depositEth(alice, 1 ether);
        L2CanonicalTransaction memory t = _lastCanonicalTx();
        _enterExodus();
        uint256 before = alice.balance;
        chain.claimPendingPriorityOpRefund(0, t);
        assertEq(alice.balance, before + t.reserved[0]);
    }
}
