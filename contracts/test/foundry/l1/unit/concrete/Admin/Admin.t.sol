// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IAdmin} from "../../../../../../contracts/state-transition/chain-interfaces/IAdmin.sol";
import {MAX_PRIORITY_TX_GAS_LIMIT, MAX_L2_GAS_PRICE} from "../../../../../../contracts/common/Config.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract AdminTest is FerrumTestBase {
    function test_AdminTransferTwoStep() public {
        vm.expectEmit(address(chain));
        emit IAdmin.NewPendingAdmin(address(0), alice);
        vm.prank(chainAdmin);
        chain.setPendingAdmin(alice);
        assertEq(chain.getPendingAdmin(), alice);
        vm.expectRevert(abi.encodeWithSelector(NotPendingAdmin.selector, bob));
        vm.prank(bob);
        chain.acceptAdmin();
        vm.prank(alice);
        chain.acceptAdmin();
        assertEq(chain.getAdmin(), alice);
        assertEq(chain.getPendingAdmin(), address(0));
    }

    function test_ChainAdminSettings() public {
        vm.startPrank(chainAdmin);
        chain.setValidator(bob, true);
        chain.setPriorityTxMaxGasLimit(1_000_000);
        chain.setMinimalL2GasPrice(2 gwei);
        vm.stopPrank();
        assertTrue(chain.isValidator(bob));
        assertEq(chain.getPriorityTxMaxGasLimit(), 1_000_000);
        assertEq(chain.getMinimalL2GasPrice(), 2 gwei);
        vm.prank(chainAdmin);
        chain.setValidator(bob, false);
        assertFalse(chain.isValidator(bob));
    }

    /// @dev The chain admin cannot raise the priority gas limit above the L2 block gas limit.
    function test_RevertWhen_PriorityTxMaxGasLimitAboveMax() public {
        assertEq(MAX_PRIORITY_TX_GAS_LIMIT, 1_000_000_000);
        vm.startPrank(chainAdmin);
        chain.setPriorityTxMaxGasLimit(MAX_PRIORITY_TX_GAS_LIMIT);
        assertEq(chain.getPriorityTxMaxGasLimit(), MAX_PRIORITY_TX_GAS_LIMIT);
        vm.expectRevert(abi.encodeWithSelector(PriorityTxMaxGasLimitTooBig.selector, MAX_PRIORITY_TX_GAS_LIMIT + 1));
        chain.setPriorityTxMaxGasLimit(MAX_PRIORITY_TX_GAS_LIMIT + 1);
        vm.expectRevert(abi.encodeWithSelector(PriorityTxMaxGasLimitTooBig.selector, type(uint256).max));
        chain.setPriorityTxMaxGasLimit(type(uint256).max);
        vm.stopPrank();
        assertEq(chain.getPriorityTxMaxGasLimit(), MAX_PRIORITY_TX_GAS_LIMIT);
    }

    /// @dev The minimal L2 gas price is the floor of every priority op's `maxFeePerGas`: at most 2^128 - 1.
    function test_RevertWhen_MinimalL2GasPriceAboveMax() public {
        assertEq(MAX_L2_GAS_PRICE, type(uint128).max);
        vm.startPrank(chainAdmin);
        chain.setMinimalL2GasPrice(MAX_L2_GAS_PRICE);
        assertEq(chain.getMinimalL2GasPrice(), MAX_L2_GAS_PRICE);
        vm.expectRevert(abi.encodeWithSelector(MinimalL2GasPriceTooBig.selector, MAX_L2_GAS_PRICE + 1));
        chain.setMinimalL2GasPrice(MAX_L2_GAS_PRICE + 1);
        vm.stopPrank();
        assertEq(chain.getMinimalL2GasPrice(), MAX_L2_GAS_PRICE);
    }

    function test_RevertWhen_ChainAdminFunctionsByOthers() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        chain.setPendingAdmin(alice);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        chain.setValidator(alice, true);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        chain.setPriorityTxMaxGasLimit(1);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        chain.setMinimalL2GasPrice(1);
        vm.stopPrank();
    }

    function test_GovernanceSettings() public {
        vm.startPrank(governance);
        chain.setExecutionDelay(3 hours);
        chain.setPriorityTxExpiration(7 days);
        chain.setExodusVerifier(alice);
        vm.stopPrank();
        assertEq(chain.getExecutionDelay(), 3 hours);
        assertEq(chain.getPriorityTxExpiration(), 7 days);
        assertEq(chain.getExodusVerifier(), alice);
    }

    function test_RevertWhen_GovernanceFunctionsByChainAdmin() public {
        vm.startPrank(chainAdmin);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        chain.setExecutionDelay(0);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        chain.setPriorityTxExpiration(0);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        chain.setExodusVerifier(address(0));
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        chain.setVerifier(address(0), true);
        vm.stopPrank();
    }

    function test_RevertWhen_VerifierHasNoCode() public {
        vm.expectRevert(ZeroAddress.selector);
        vm.prank(governance);
        chain.setVerifier(alice, true);
    }

    function test_TokenMultiplierPricesL1ToL2Gas() public {
        assertEq(erc20Chain.baseTokenGasPriceMultiplierNominator(), 1);
        assertEq(erc20Chain.baseTokenGasPriceMultiplierDenominator(), 1);
        // 1 ETH = 2,000 base tokens
        vm.prank(chainAdmin);
        erc20Chain.setTokenMultiplier(2000, 1);
        assertEq(erc20Chain.l2TransactionBaseCost(10 gwei, 100, 800), 100 * 20_000 gwei);
        // below the minimal price the minimum applies
        vm.prank(chainAdmin);
        erc20Chain.setTokenMultiplier(1, 1_000_000);
        assertEq(erc20Chain.l2TransactionBaseCost(10 gwei, 100, 800), 100 * MIN_L2_GAS_PRICE);
    }

    function test_RevertWhen_TokenMultiplierInvalidOrUnauthorised() public {
        vm.expectRevert(ZeroDenominator.selector);
        vm.prank(chainAdmin);
        erc20Chain.setTokenMultiplier(1, 0);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        erc20Chain.setTokenMultiplier(1, 1);
    }
}
