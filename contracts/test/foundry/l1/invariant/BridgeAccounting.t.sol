// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {L1SharedBridge} from "../../../../contracts/bridge/L1SharedBridge.sol";
import {ETH_TOKEN_ADDRESS} from "../../../../contracts/common/Config.sol";
import {BridgeHandler} from "./BridgeHandler.sol";

/// @dev Properties: the bridge always holds exactly the sum of the chain balances, and that equals deposits minus
/// paid withdrawals.
contract BridgeAccountingInvariantTest is Test {
    BridgeHandler internal handler;

    function setUp() public {
        handler = new BridgeHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](4);
        selectors[0] = BridgeHandler.depositEth.selector;
        selectors[1] = BridgeHandler.depositToken.selector;
        selectors[2] = BridgeHandler.withdrawEth.selector;
        selectors[3] = BridgeHandler.withdrawToken.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_BridgeHoldsExactlyChainBalances() public view {
        L1SharedBridge bridge = L1SharedBridge(payable(handler.bridgeAddress()));
        uint256 cid = handler.chainId();
        assertEq(address(bridge).balance, bridge.chainBalance(cid, ETH_TOKEN_ADDRESS));
        assertEq(
            IERC20(handler.tokenAddress()).balanceOf(address(bridge)), bridge.chainBalance(cid, handler.tokenAddress())
        );
    }

    function invariant_BalancesAreDepositsMinusWithdrawals() public view {
        L1SharedBridge bridge = L1SharedBridge(payable(handler.bridgeAddress()));
        uint256 cid = handler.chainId();
        assertEq(bridge.chainBalance(cid, ETH_TOKEN_ADDRESS), handler.ghostEthIn() - handler.ghostEthOut());
        assertEq(bridge.chainBalance(cid, handler.tokenAddress()), handler.ghostTokenIn() - handler.ghostTokenOut());
    }
}
