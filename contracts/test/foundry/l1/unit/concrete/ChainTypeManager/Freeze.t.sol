// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {
    IChainTypeManager,
    ChainCreationParams
} from "../../../../../../contracts/state-transition/IChainTypeManager.sol";
import {ZKChain, ZKChainInitData} from "../../../../../../contracts/state-transition/ZKChain.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {
    InsecureNoProofVerifier
} from "../../../../../../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {DAMode, ETH_TOKEN_ADDRESS} from "../../../../../../contracts/common/Config.sol";
import {ZKChainV2} from "../../../utils/Mocks.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract FreezeTest is FerrumTestBase {
    function _implOf(address _proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(_proxy, ERC1967Utils.IMPLEMENTATION_SLOT))));
    }

    function _dummyInit() internal view returns (ZKChainInitData memory d) {
        d.bridgehub = address(bridgehub);
    }

    function test_FreezeBySecurityCouncilAndGovernance() public {
        vm.prank(securityCouncil);
        ctm.freezeChain(CHAIN_ID);
        assertTrue(chain.isFrozen());
        vm.prank(securityCouncil);
        ctm.unfreezeChain(CHAIN_ID);
        assertFalse(chain.isFrozen());
        vm.prank(governance);
        ctm.freezeChain(CHAIN_ID);
        assertTrue(chain.isFrozen());
    }

    function test_RevertWhen_FreezeByOthers() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        vm.prank(chainAdmin);
        ctm.freezeChain(CHAIN_ID);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        ctm.unfreezeChain(CHAIN_ID);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, governance));
        vm.prank(governance);
        chain.freezeChain();
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, governance));
        vm.prank(governance);
        chain.unfreezeChain();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, securityCouncil));
        vm.prank(securityCouncil);
        ctm.setSecurityCouncil(alice);
    }
}

