// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../unit/concrete/_Shared.t.sol";
import {
    ETH_TOKEN_ADDRESS,
    L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
    L2_ASSET_ROUTER_ADDR
} from "../../../../contracts/common/Config.sol";

/// @dev Drives random deposits and withdrawals (a withdrawal is settled in its own batch, then finalized).
/// Tracks the ghost totals the properties compare against.
contract BridgeHandler is FerrumTestBase {
    uint256 public ghostEthIn;
    uint256 public ghostEthOut;
    uint256 public ghostTokenIn;
    uint256 public ghostTokenOut;

    constructor() {
        setUp();
    }

    function depositEth(uint96 _amount) external {
        uint256 a = bound(_amount, 1, 10 ether);
        vm.deal(alice, 1000 ether); // any number of deposits stays affordable
        ghostEthIn += _baseCost() + a;
        _depositEth(alice, a);
    }

    function depositToken(uint96 _amount) external {
        uint256 a = bound(_amount, 1, 1e30);
        ghostTokenIn += a;
        vm.deal(alice, 1000 ether);
        ghostEthIn += _baseCost(); // the L2 gas is paid in the base token (ETH)
        _depositToken(alice, a);
    }

    function withdrawEth(uint96 _amount) external {
        uint256 bal = sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS);
        uint256 a = bound(_amount, 1, bal + 1 ether);
        bytes memory m = _ethWithdrawalMessage(bob, a);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        try sharedBridge.finalizeDeposit(_finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0])) {
            ghostEthOut += a;
        } catch {}
    }

    function withdrawToken(uint96 _amount) external {
        uint256 bal = sharedBridge.chainBalance(CHAIN_ID, address(token));
        uint256 a = bound(_amount, 1, bal + 1e18);
        bytes memory m = _erc20WithdrawalMessage(bob, address(token), a);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_ASSET_ROUTER_ADDR), _oneMessage(m));
        try sharedBridge.finalizeDeposit(_finalizeParams(batch, 0, L2_ASSET_ROUTER_ADDR, m, proofs[0])) {
            ghostTokenOut += a;
        } catch {}
    }

    function bridgeAddress() external view returns (address) {
        return address(sharedBridge);
    }

    function tokenAddress() external view returns (address) {
        return address(token);
    }

    function chainId() external pure returns (uint256) {
        return CHAIN_ID;
    }
}
