// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IBridgehub, L2TransactionRequestTwoBridgesOuter} from "../../../../../../contracts/bridgehub/IBridgehub.sol";
import {Bridgehub} from "../../../../../../contracts/bridgehub/Bridgehub.sol";
import {ChainTypeManager} from "../../../../../../contracts/state-transition/ChainTypeManager.sol";
import {L1SharedBridge} from "../../../../../../contracts/bridge/L1SharedBridge.sol";
import {DAMode, ETH_TOKEN_ADDRESS} from "../../../../../../contracts/common/Config.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract RegistryTest is FerrumTestBase {
    function test_Registry() public view {
        assertEq(bridgehub.owner(), governance);
        assertEq(bridgehub.sharedBridge(), address(sharedBridge));
        assertTrue(bridgehub.chainTypeManagerIsRegistered(address(ctm)));
        assertEq(bridgehub.chainTypeManager(CHAIN_ID), address(ctm));
        assertEq(bridgehub.baseToken(CHAIN_ID), ETH_TOKEN_ADDRESS);
        assertEq(bridgehub.baseToken(ERC20_CHAIN_ID), address(baseTokenErc20));
        assertEq(bridgehub.getZKChain(CHAIN_ID), address(chain));
        assertEq(bridgehub.getZKChain(12_345), address(0));
        uint256[] memory ids = bridgehub.getAllZKChainChainIDs();
        assertEq(ids.length, 2);
        assertEq(ids[0], CHAIN_ID);
        assertEq(ids[1], ERC20_CHAIN_ID);
        assertEq(chain.getChainId(), CHAIN_ID);
        assertEq(chain.getBridgehub(), address(bridgehub));
        assertEq(chain.getBaseToken(), ETH_TOKEN_ADDRESS);
        assertEq(chain.getSharedBridge(), address(sharedBridge));
        assertEq(chain.getChainTypeManager(), address(ctm));
        assertEq(uint256(chain.getDAMode()), uint256(DAMode.Rollup));
        assertEq(uint256(erc20Chain.getDAMode()), uint256(DAMode.Validium));
        assertEq(uint256(erc20Chain.getPubdataPricingMode()), uint256(DAMode.Validium));
        assertEq(chain.getSettlementLayer(), address(0));
        assertFalse(chain.isDiamondStorageFrozen());
    }

    function test_RevertWhen_CreateChainTwice() public {
        bytes memory initData = _initData(DAMode.Rollup);
        vm.expectRevert(abi.encodeWithSelector(ChainAlreadyExists.selector, CHAIN_ID));
        vm.prank(governance);
        bridgehub.createNewChain(CHAIN_ID, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
    }

    function test_RevertWhen_CreateChainByNonOwner() public {
        bytes memory initData = _initData(DAMode.Rollup);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        bridgehub.createNewChain(300, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
    }

    function test_RevertWhen_CreateChainWithUnregisteredCtm() public {
        bytes memory initData = _initData(DAMode.Rollup);
        vm.expectRevert(abi.encodeWithSelector(ChainTypeManagerNotRegistered.selector, alice));
        vm.prank(governance);
        bridgehub.createNewChain(300, alice, ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
    }

    function test_RevertWhen_CreateChainWithBadId() public {
        bytes memory initData = _initData(DAMode.Rollup);
        vm.startPrank(governance);
        vm.expectRevert(abi.encodeWithSelector(ChainIdTooBig.selector, uint256(type(uint48).max) + 1));
        bridgehub.createNewChain(
            uint256(type(uint48).max) + 1, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData
        );
        vm.expectRevert(ZeroAddress.selector);
        bridgehub.createNewChain(300, address(ctm), address(0), 0, chainAdmin, initData);
        vm.stopPrank();
    }

    /// @dev Chain id 0 is refused with era's ZeroChainId (not ChainIdTooBig(0)).
    function test_RevertWhen_CreateChainWithZeroId() public {
        bytes memory initData = _initData(DAMode.Rollup);
        vm.expectRevert(ZeroChainId.selector);
        vm.prank(governance);
        bridgehub.createNewChain(0, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
        assertEq(bridgehub.getZKChain(0), address(0));
    }

    /// @dev The L1's own chain id is refused with its own error (not ChainIdTooBig), whatever the L1 is.
    function test_RevertWhen_CreateChainWithL1ChainId() public {
        bytes memory initData = _initData(DAMode.Rollup);
        vm.startPrank(governance);
        vm.expectRevert(ChainIdCantBeCurrentChain.selector);
        bridgehub.createNewChain(block.chainid, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
        vm.chainId(300);
        vm.expectRevert(ChainIdCantBeCurrentChain.selector);
        bridgehub.createNewChain(300, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
        vm.stopPrank();
        assertEq(bridgehub.getZKChain(300), address(0));
    }

    function test_CtmManagement() public {
        address other = makeAddr("otherCtm");
        vm.startPrank(governance);
        vm.expectEmit(address(bridgehub));
        emit IBridgehub.ChainTypeManagerAdded(other);
        bridgehub.addChainTypeManager(other);
        vm.expectRevert(abi.encodeWithSelector(ChainTypeManagerAlreadyRegistered.selector, other));
        bridgehub.addChainTypeManager(other);
        bridgehub.removeChainTypeManager(other);
        assertFalse(bridgehub.chainTypeManagerIsRegistered(other));
        vm.expectRevert(abi.encodeWithSelector(ChainTypeManagerNotRegistered.selector, other));
        bridgehub.removeChainTypeManager(other);
        vm.expectRevert(ZeroAddress.selector);
        bridgehub.addChainTypeManager(address(0));
        vm.expectRevert(ZeroAddress.selector);
        bridgehub.setSharedBridge(address(0));
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        bridgehub.addChainTypeManager(other);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        bridgehub.setSharedBridge(other);
    }

    function test_RevertWhen_UnknownChain() public {
        vm.expectRevert(abi.encodeWithSelector(ChainNotFound.selector, 999));
        bridgehub.requestL2TransactionDirect(_directRequest(999, alice, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(ChainNotFound.selector, 999));
        bridgehub.l2TransactionBaseCost(999, 1, 1, 800);
    }

    function test_RevertWhen_SecondBridgeReturnsWrongMagic() public {
        WrongBridge wrong = new WrongBridge();
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r = _twoBridgesRequest(CHAIN_ID, address(token), 1, bob, mint);
        r.secondBridgeAddress = address(wrong);
        vm.expectRevert(abi.encodeWithSelector(WrongMagicValue.selector, bytes32(0)));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint}(r);
    }

    function test_RevertWhen_InitializeTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        bridgehub.initialize(alice);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        sharedBridge.initialize(alice);
        Bridgehub impl = new Bridgehub();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        impl.initialize(alice);
    }

    function test_OwnershipTwoStep() public {
        vm.prank(governance);
        bridgehub.transferOwnership(alice);
        assertEq(bridgehub.owner(), governance);
        vm.prank(alice);
        bridgehub.acceptOwnership();
        assertEq(bridgehub.owner(), alice);
    }
}

contract WrongBridge {
    struct Inner {
        bytes32 magicValue;
        address l2Contract;
        bytes l2Calldata;
        bytes[] factoryDeps;
        bytes32 txDataHash;
    }

    function bridgehubDeposit(uint256, address, uint256, bytes calldata) external payable returns (Inner memory r) {
        r.factoryDeps = new bytes[](0);
    }
}
