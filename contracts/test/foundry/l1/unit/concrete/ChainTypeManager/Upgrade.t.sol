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

contract UpgradeTest is FerrumTestBase {
    function _implOf(address _proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(_proxy, ERC1967Utils.IMPLEMENTATION_SLOT))));
    }

    function _dummyInit() internal view returns (ZKChainInitData memory d) {
        d.bridgehub = address(bridgehub);
    }

    function test_UpgradeChain() public {
        // history survives the upgrade
        _settle(keccak256("r1"), _noTxs(), bytes32(0));
        ZKChainV2 v2 = new ZKChainV2();
        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1, type(uint256).max);
        assertEq(ctm.protocolVersion(), PROTOCOL_VERSION + 1);
        assertEq(ctm.chainImplementation(), address(v2));

        // the chain admin may move its chain to the new version
        vm.expectEmit(address(ctm));
        emit IChainTypeManager.ChainUpgraded(CHAIN_ID, PROTOCOL_VERSION, PROTOCOL_VERSION + 1);
        vm.prank(chainAdmin);
        ctm.upgradeChainFromVersion(CHAIN_ID, PROTOCOL_VERSION);
        assertEq(chain.getProtocolVersion(), PROTOCOL_VERSION + 1);
        assertEq(_implOf(address(chain)), address(v2));
        assertEq(ZKChainV2(address(chain)).newFeature(), CHAIN_ID * 2);
        assertEq(ZKChainV2(address(chain)).implementationVersion(), "ferrum-zkchain-2");
        assertEq(chain.getTotalBatchesExecuted(), 1);
        _settle(keccak256("r2"), _noTxs(), bytes32(0));
        assertEq(chain.getTotalBatchesExecuted(), 2);

        // a second time is a version mismatch
        vm.expectRevert(
            abi.encodeWithSelector(ProtocolVersionMismatch.selector, PROTOCOL_VERSION + 1, PROTOCOL_VERSION)
        );
        vm.prank(chainAdmin);
        ctm.upgradeChainFromVersion(CHAIN_ID, PROTOCOL_VERSION);

        // new chains start on the new version
        bytes memory initData = _initData(DAMode.Rollup);
        vm.prank(governance);
        bridgehub.createNewChain(600, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
        assertEq(ZKChain(bridgehub.getZKChain(600)).getProtocolVersion(), PROTOCOL_VERSION + 1);
        assertEq(_implOf(bridgehub.getZKChain(600)), address(v2));
    }

    function test_RevertWhen_UpgradeByNonGovernance() public {
        ZKChainV2 v2 = new ZKChainV2();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, chainAdmin));
        vm.prank(chainAdmin);
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1, type(uint256).max);

        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        ctm.upgradeChainFromVersion(CHAIN_ID, PROTOCOL_VERSION);

        // nobody but the CTM can upgrade the proxy directly, not even governance or the chain admin
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, governance));
        vm.prank(governance);
        UUPSUpgradeable(address(chain)).upgradeToAndCall(address(v2), "");
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, chainAdmin));
        vm.prank(chainAdmin);
        UUPSUpgradeable(address(chain)).upgradeToAndCall(address(v2), "");
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, governance));
        vm.prank(governance);
        chain.setProtocolVersion(99);
    }

    function test_RevertWhen_UpgradeFromUnknownVersion() public {
        vm.expectRevert(abi.encodeWithSelector(NoUpgradeForVersion.selector, PROTOCOL_VERSION));
        vm.prank(governance);
        ctm.upgradeChainFromVersion(CHAIN_ID, PROTOCOL_VERSION);
        vm.expectRevert(abi.encodeWithSelector(ProtocolVersionMismatch.selector, PROTOCOL_VERSION, 7));
        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(1), 7, 8, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainNotFound.selector, 4242));
        vm.prank(governance);
        ctm.upgradeChainFromVersion(4242, PROTOCOL_VERSION);
    }

    /// @dev After the old version's deadline a chain must upgrade before it can commit again.
    function test_OldVersionStopsCommittingAfterDeadline() public {
        ZKChainV2 v2 = new ZKChainV2();
        uint256 deadline = block.timestamp + 1 days;
        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1, deadline);
        assertEq(ctm.protocolVersionDeadline(PROTOCOL_VERSION), deadline);
        assertTrue(ctm.protocolVersionIsActive(PROTOCOL_VERSION));
        assertTrue(ctm.protocolVersionIsActive(PROTOCOL_VERSION + 1));
        _settle(keccak256("before deadline"), _noTxs(), bytes32(0));

        vm.warp(deadline + 1);
        assertFalse(ctm.protocolVersionIsActive(PROTOCOL_VERSION));
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _commitInfo(keccak256("after deadline"), _noTxs(), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ProtocolVersionNotActive.selector, PROTOCOL_VERSION));
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);

        vm.prank(chainAdmin);
        ctm.upgradeChainFromVersion(CHAIN_ID, PROTOCOL_VERSION);
        // the batch output hash commits to the new protocol version
        infos[0] = _commitInfo(keccak256("after deadline"), _noTxs(), bytes32(0));
        _commit(infos[0]);
        assertEq(chain.getTotalBatchesCommitted(), 2);
    }

    function test_RevertWhen_SetDeadlineByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        ctm.setProtocolVersionDeadline(PROTOCOL_VERSION, 0);
        vm.prank(governance);
        ctm.setProtocolVersionDeadline(PROTOCOL_VERSION, block.timestamp - 1);
        assertFalse(ctm.protocolVersionIsActive(PROTOCOL_VERSION));
    }
}
