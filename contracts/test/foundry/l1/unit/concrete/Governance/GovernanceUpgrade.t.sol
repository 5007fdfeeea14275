// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {ZKToken} from "../../../../../../contracts/governance/ZKToken.sol";
import {FerrumGovernor} from "../../../../../../contracts/governance/FerrumGovernor.sol";
import {Bridgehub} from "../../../../../../contracts/bridgehub/Bridgehub.sol";
import {ZKChainV2} from "../../../utils/Mocks.sol";
import {SecurityCouncil} from "../../../../../../contracts/governance/SecurityCouncil.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {ITransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";

contract BridgehubV2 is Bridgehub {
    function version() external pure returns (uint256) {
        return 2;
    }
}

/// @dev End to end: ZK holders propose, vote, queue and execute a protocol upgrade through the Timelock, which owns
/// the ChainTypeManager, the Bridgehub and the Bridgehub's ProxyAdmin.
contract GovernanceUpgradeTest is FerrumTestBase {
    uint256 internal constant SUPPLY = 21_000_000_000e18;
    uint48 internal constant VOTING_DELAY = 1; // blocks
    uint32 internal constant VOTING_PERIOD = 50; // blocks
    uint256 internal constant THRESHOLD = 1_000_000e18;
    uint256 internal constant QUORUM_PERCENT = 4;
    uint256 internal constant MIN_DELAY = 2 days;

    ZKToken internal zk;
    TimelockController internal timelock;
    FerrumGovernor internal governor;
    address internal voter = makeAddr("voter");
    address internal smallHolder = makeAddr("smallHolder");
    ProxyAdmin internal bridgehubProxyAdmin;
    SecurityCouncil internal council;
    address internal member1 = makeAddr("member1");
    address internal member2 = makeAddr("member2");

    function setUp() public override {
        super.setUp();
        address[] memory holders = new address[](3);
        holders[0] = voter;
        holders[1] = smallHolder;
        holders[2] = makeAddr("treasury");
        uint256[] memory amounts = new uint256[](3);
        amounts[0] = 2_000_000_000e18; // ~9.5%, above the 4% quorum
        amounts[1] = 1e18;
        amounts[2] = SUPPLY - amounts[0] - amounts[1];
        zk = new ZKToken(holders, amounts);

        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1); // address(0): anyone may execute a ready operation
        timelock = new TimelockController(MIN_DELAY, none, anyone, address(this));
        governor = new FerrumGovernor(zk, timelock, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, QUORUM_PERCENT);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        address[] memory members = new address[](2);
        members[0] = member1;
        members[1] = member2;
        council = new SecurityCouncil(members, 2);
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(council)); // veto
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        // hand the upgrade path to the timelock (two-step ownerships are accepted by the first proposal)
        bridgehubProxyAdmin =
            ProxyAdmin(address(uint160(uint256(vm.load(address(bridgehub), ERC1967Utils.ADMIN_SLOT)))));
        vm.startPrank(governance);
        ctm.transferOwnership(address(timelock));
        bridgehub.transferOwnership(address(timelock));
        sharedBridge.transferOwnership(address(timelock));
        bridgehubProxyAdmin.transferOwnership(address(timelock));
        vm.stopPrank();

        vm.prank(voter);
        zk.delegate(voter);
        vm.prank(smallHolder);
        zk.delegate(smallHolder);
        vm.roll(block.number + 1);
    }

    function _upgradeProposal(address _v2, address _bhV2)
        internal
        view
        returns (address[] memory t, uint256[] memory v, bytes[] memory c)
    {
        t = new address[](6);
        v = new uint256[](6);
        c = new bytes[](6);
        t[0] = address(ctm);
        c[0] = abi.encodeCall(Ownable2StepLike.acceptOwnership, ());
        t[1] = address(bridgehub);
        c[1] = abi.encodeCall(Ownable2StepLike.acceptOwnership, ());
        t[2] = address(sharedBridge);
        c[2] = abi.encodeCall(Ownable2StepLike.acceptOwnership, ());
        t[3] = address(ctm);
        c[3] =
            abi.encodeCall(ctm.setNewVersionUpgrade, (_v2, PROTOCOL_VERSION, PROTOCOL_VERSION + 1, type(uint256).max));
        t[4] = address(ctm);
        c[4] = abi.encodeCall(ctm.upgradeChainFromVersion, (CHAIN_ID, PROTOCOL_VERSION));
        t[5] = address(bridgehubProxyAdmin);
        c[5] = abi.encodeCall(ProxyAdmin.upgradeAndCall, (ITransparentUpgradeableProxy(address(bridgehub)), _bhV2, ""));
    }

    function _passAndQueue(address[] memory t, uint256[] memory v, bytes[] memory c, string memory d)
        internal
        returns (uint256 id)
    {
        vm.prank(voter);
        id = governor.propose(t, v, c, d);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Pending));
        vm.roll(block.number + VOTING_DELAY + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Active));
        vm.prank(voter);
        governor.castVote(id, 1); // For
        vm.roll(block.number + VOTING_PERIOD + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Succeeded));
        governor.queue(t, v, c, keccak256(bytes(d)));
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Queued));
    }

    function test_FullUpgradeThroughGovernance() public {
        _settle(keccak256("before upgrade"), _noTxs(), bytes32(0));
        ZKChainV2 v2 = new ZKChainV2();
        BridgehubV2 bhV2 = new BridgehubV2();
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _upgradeProposal(address(v2), address(bhV2));
        string memory d = "Protocol upgrade v2";
        uint256 id = _passAndQueue(t, v, c, d);

        // too early: the timelock delay protects users
        vm.expectRevert();
        governor.execute(t, v, c, keccak256(bytes(d)));
        vm.warp(block.timestamp + MIN_DELAY + 1);
        governor.execute(t, v, c, keccak256(bytes(d)));
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Executed));

        // governance owns the upgrade path; the chain runs the new version and keeps its history
        assertEq(ctm.owner(), address(timelock));
        assertEq(bridgehub.owner(), address(timelock));
        assertEq(sharedBridge.owner(), address(timelock));
        assertEq(chain.getProtocolVersion(), PROTOCOL_VERSION + 1);
        assertEq(ZKChainV2(address(chain)).implementationVersion(), "ferrum-zkchain-2");
        assertEq(ZKChainV2(address(chain)).newFeature(), CHAIN_ID * 2);
        assertEq(BridgehubV2(address(bridgehub)).version(), 2);
        assertEq(bridgehub.getZKChain(CHAIN_ID), address(chain));
        assertEq(chain.getTotalBatchesExecuted(), 1);
        _settle(keccak256("after upgrade"), _noTxs(), bytes32(0));
        assertEq(chain.getTotalBatchesExecuted(), 2);
        _depositEth(alice, 1 ether);
        assertEq(chain.getTotalPriorityTxs(), 1);
    }

    function test_RevertWhen_UpgradeByNonGovernanceAfterHandover() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) =
            _upgradeProposal(address(new ZKChainV2()), address(new BridgehubV2()));
        uint256 id = _passAndQueue(t, v, c, "handover");
        vm.warp(block.timestamp + MIN_DELAY + 1);
        governor.execute(t, v, c, keccak256(bytes("handover")));
        id;
        ZKChainV2 v3 = new ZKChainV2();
        // the former owner, a token holder and the timelock's proposer-less callers are all refused
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, governance));
        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(v3), PROTOCOL_VERSION + 1, PROTOCOL_VERSION + 2, 0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, voter));
        vm.prank(voter);
        ctm.setNewVersionUpgrade(address(v3), PROTOCOL_VERSION + 1, PROTOCOL_VERSION + 2, 0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, voter));
        vm.prank(voter);
        bridgehubProxyAdmin.upgradeAndCall(ITransparentUpgradeableProxy(address(bridgehub)), address(v3), "");
        vm.expectRevert();
        vm.prank(voter);
        timelock.schedule(address(ctm), 0, "", bytes32(0), bytes32(0), MIN_DELAY);
    }

    function test_SecurityCouncilVetoesQueuedUpgrade() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) =
            _upgradeProposal(address(new ZKChainV2()), address(new BridgehubV2()));
        string memory d = "malicious upgrade";
        uint256 id = _passAndQueue(t, v, c, d);
        bytes32 opId = timelock.hashOperationBatch(t, v, c, 0, _salt(d));
        assertTrue(timelock.isOperationPending(opId));
        bytes memory veto = abi.encodeCall(TimelockController.cancel, (opId));
        vm.prank(member1);
        council.approve(address(timelock), veto, 0);
        assertTrue(timelock.isOperationPending(opId)); // one approval is not enough
        vm.prank(member2);
        council.approve(address(timelock), veto, 0);
        assertFalse(timelock.isOperation(opId));
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Canceled));
        vm.warp(block.timestamp + MIN_DELAY + 1);
        vm.expectRevert();
        governor.execute(t, v, c, keccak256(bytes(d)));
        assertEq(chain.getProtocolVersion(), PROTOCOL_VERSION);
    }

    /// @dev GovernorTimelockControl's salt: bytes20(governor) ^ descriptionHash.
    function _salt(string memory d) internal view returns (bytes32) {
        return bytes20(address(governor)) ^ keccak256(bytes(d));
    }

    function test_RevertWhen_ProposerBelowThreshold() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _upgradeProposal(address(1), address(1));
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, smallHolder, 1e18, THRESHOLD)
        );
        vm.prank(smallHolder);
        governor.propose(t, v, c, "too small");
    }

    function test_DefeatedWithoutQuorum() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _upgradeProposal(address(1), address(1));
        vm.prank(voter);
        uint256 id = governor.propose(t, v, c, "nobody votes");
        vm.roll(block.number + VOTING_DELAY + 1);
        vm.prank(smallHolder);
        governor.castVote(id, 1);
        vm.roll(block.number + VOTING_PERIOD + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Defeated));
        assertEq(governor.quorum(block.number - 1), SUPPLY * QUORUM_PERCENT / 100);
        assertEq(governor.votingDelay(), VOTING_DELAY);
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
        assertEq(governor.proposalThreshold(), THRESHOLD);
        assertEq(governor.timelock(), address(timelock));
        assertTrue(governor.proposalNeedsQueuing(id));
    }
}

interface Ownable2StepLike {
    function acceptOwnership() external;
}
