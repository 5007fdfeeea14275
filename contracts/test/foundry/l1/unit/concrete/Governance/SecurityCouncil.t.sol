// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {SecurityCouncil} from "../../../../../../contracts/governance/SecurityCouncil.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ChainTypeManager} from "../../../../../../contracts/state-transition/ChainTypeManager.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract SecurityCouncilTest is FerrumTestBase {
    SecurityCouncil internal council;
    address internal m1 = makeAddr("m1");
    address internal m2 = makeAddr("m2");
    address internal m3 = makeAddr("m3");

    function setUp() public override {
        super.setUp();
        address[] memory ms = new address[](3);
        ms[0] = m1;
        ms[1] = m2;
        ms[2] = m3;
        council = new SecurityCouncil(ms, 2);
        vm.prank(governance);
        ctm.setSecurityCouncil(address(council));
    }

    function test_TwoOfThreeFreezeAChain() public {
        bytes memory data = abi.encodeCall(ChainTypeManager.freezeChain, (CHAIN_ID));
        vm.prank(m1);
        bytes32 id = council.approve(address(ctm), data, 0);
        assertFalse(chain.isFrozen());
        assertEq(council.approvals(id), 1);
        vm.prank(m3);
        council.approve(address(ctm), data, 0);
        assertTrue(chain.isFrozen());
        assertTrue(council.executed(id));
        vm.expectRevert(abi.encodeWithSelector(ActionAlreadyExecuted.selector, id));
        vm.prank(m2);
        council.approve(address(ctm), data, 0);
        // the same action again needs a new nonce
        bytes memory unfreeze = abi.encodeCall(ChainTypeManager.unfreezeChain, (CHAIN_ID));
        vm.prank(m2);
        council.approve(address(ctm), unfreeze, 1);
        vm.prank(m1);
        council.approve(address(ctm), unfreeze, 1);
        assertFalse(chain.isFrozen());
    }

    function test_RevertWhen_NonMemberOrDoubleApproval() public {
        bytes memory data = abi.encodeCall(ChainTypeManager.freezeChain, (CHAIN_ID));
        vm.expectRevert(abi.encodeWithSelector(NotACouncilMember.selector, alice));
        vm.prank(alice);
        council.approve(address(ctm), data, 0);
        vm.prank(m1);
        bytes32 id = council.approve(address(ctm), data, 0);
        vm.expectRevert(abi.encodeWithSelector(AlreadyApproved.selector, id, m1));
        vm.prank(m1);
        council.approve(address(ctm), data, 0);
    }

    function test_RevertWhen_ActionFailsOrOutsidePowers() public {
        // the council cannot upgrade chains: the CTM refuses it, and the approval that reached the threshold reverts
        bytes memory data = abi.encodeCall(ChainTypeManager.setSecurityCouncil, (alice));
        vm.prank(m1);
        council.approve(address(ctm), data, 0);
        bytes memory inner = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(council));
        vm.expectRevert(abi.encodeWithSelector(CouncilCallFailed.selector, inner));
        vm.prank(m2);
        council.approve(address(ctm), data, 0);
        assertEq(ctm.securityCouncil(), address(council));
    }

    function test_MembersChangeOnlyThroughTheCouncil() public {
        address[] memory ms = new address[](1);
        ms[0] = alice;
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, m1));
        vm.prank(m1);
        council.setMembers(ms, 1);
        bytes memory data = abi.encodeCall(SecurityCouncil.setMembers, (ms, 1));
        vm.prank(m1);
        council.approve(address(council), data, 0);
        vm.prank(m2);
        council.approve(address(council), data, 0);
        assertTrue(council.isMember(alice));
        assertFalse(council.isMember(m1));
        assertEq(council.threshold(), 1);
        assertEq(council.getMembers().length, 1);
    }

    /// @dev m1 approves a freeze, then the council replaces m1 by alice: m1's approval must not count, so one more
    /// approval (2-of-3) does not reach the threshold and m1 can no longer approve.
    function test_RemovedMemberApprovalDoesNotCount() public {
        bytes memory freeze = abi.encodeCall(ChainTypeManager.freezeChain, (CHAIN_ID));
        vm.prank(m1);
        bytes32 id = council.approve(address(ctm), freeze, 0);
        assertEq(council.approvals(id), 1);

        address[] memory ms = new address[](3);
        ms[0] = m2;
        ms[1] = m3;
        ms[2] = alice;
        bytes memory change = abi.encodeCall(SecurityCouncil.setMembers, (ms, 2));
        vm.prank(m2);
        council.approve(address(council), change, 0);
        vm.prank(m3);
        council.approve(address(council), change, 0);
        assertFalse(council.isMember(m1));

        vm.prank(m2);
        council.approve(address(ctm), freeze, 0);
        assertFalse(chain.isFrozen(), "a removed member's approval counted toward the threshold");
        assertFalse(council.executed(id));
        assertEq(council.approvals(id), 1);
        assertFalse(council.hasApproved(id, m1));
        assertTrue(council.hasApproved(id, m2));

        vm.expectRevert(abi.encodeWithSelector(NotACouncilMember.selector, m1));
        vm.prank(m1);
        council.approve(address(ctm), freeze, 0);

        vm.prank(alice);
        council.approve(address(ctm), freeze, 0);
        assertTrue(chain.isFrozen());
        assertTrue(council.executed(id));
    }

    /// @dev A member removed after approving and added back later must approve again.
    function test_ReaddedMemberMustApproveAgain() public {
        bytes memory freeze = abi.encodeCall(ChainTypeManager.freezeChain, (CHAIN_ID));
        vm.prank(m1);
        bytes32 id = council.approve(address(ctm), freeze, 0);

        address[] memory without = new address[](2);
        without[0] = m2;
        without[1] = m3;
        bytes memory remove = abi.encodeCall(SecurityCouncil.setMembers, (without, 2));
        vm.prank(m2);
        council.approve(address(council), remove, 0);
        vm.prank(m3);
        council.approve(address(council), remove, 0);

        address[] memory again = new address[](3);
        again[0] = m1;
        again[1] = m2;
        again[2] = m3;
        bytes memory readd = abi.encodeCall(SecurityCouncil.setMembers, (again, 2));
        vm.prank(m2);
        council.approve(address(council), readd, 1);
        vm.prank(m3);
        council.approve(address(council), readd, 1);
        assertTrue(council.isMember(m1));

        vm.prank(m2);
        council.approve(address(ctm), freeze, 0);
        assertFalse(chain.isFrozen(), "an approval from a previous membership counted");
        assertFalse(council.hasApproved(id, m1));
        vm.prank(m1);
        council.approve(address(ctm), freeze, 0);
        assertTrue(chain.isFrozen());
    }

    function test_RevertWhen_InvalidThreshold() public {
        address[] memory ms = new address[](2);
        ms[0] = m1;
        ms[1] = m2;
        vm.expectRevert(abi.encodeWithSelector(InvalidThreshold.selector, 3, 2));
        new SecurityCouncil(ms, 3);
        vm.expectRevert(abi.encodeWithSelector(InvalidThreshold.selector, 0, 2));
        new SecurityCouncil(ms, 0);
        ms[1] = m1;
        vm.expectRevert(abi.encodeWithSelector(InvalidThreshold.selector, 1, 2));
        new SecurityCouncil(ms, 1);
    }
}
