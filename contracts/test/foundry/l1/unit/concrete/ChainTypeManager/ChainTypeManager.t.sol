// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {IChainTypeManager, ChainCreationParams} from "../../../../../../contracts/state-transition/IChainTypeManager.sol";
import {ZKChain, ZKChainInitData} from "../../../../../../contracts/state-transition/ZKChain.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {InsecureNoProofVerifier} from "../../../../../../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {DAMode, ETH_TOKEN_ADDRESS} from "../../../../../../contracts/common/Config.sol";
import {ZKChainV2} from "../../../utils/Mocks.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract ChainTypeManagerTest is FerrumTestBase {
    function _implOf(address _proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(_proxy, ERC1967Utils.IMPLEMENTATION_SLOT))));
    }

    function test_NewChainState() public view {
        assertEq(ctm.getZKChain(CHAIN_ID), address(chain));
        assertEq(ctm.protocolVersion(), PROTOCOL_VERSION);
        assertEq(ctm.chainImplementation(), address(chainImpl));
        assertEq(ctm.BRIDGE_HUB(), address(bridgehub));
        assertEq(ctm.securityCouncil(), securityCouncil);
        assertEq(_implOf(address(chain)), address(chainImpl));
        assertEq(chain.getProtocolVersion(), PROTOCOL_VERSION);
        assertEq(chain.getAdmin(), chainAdmin);
        assertTrue(chain.isValidator(validator));
        assertEq(chain.getVerifier(), address(verifier));
        assertEq(chain.getExodusVerifier(), address(exodusVerifier));
        assertFalse(chain.isProofVerificationInsecure());
        assertEq(chain.getTotalBatchesCommitted(), 0);
        assertEq(chain.storedBatchHash(0), keccak256(abi.encode(ZKChain(address(chain)).genesisStoredBatchInfo(GENESIS_ROOT, GENESIS_COMMITMENT))));
        assertEq(chain.lastExecutedStateCommitment(), GENESIS_ROOT);
        assertEq(chain.getPriorityTxExpiration(), PRIORITY_EXPIRATION);
        assertEq(chain.getPriorityTxMaxGasLimit(), 80_000_000);
        assertEq(chain.getMinimalL2GasPrice(), MIN_L2_GAS_PRICE);
        assertEq(chain.getExecutionDelay(), 0);
        assertEq(ctm.getChainCreationParams().genesisBatchHash, GENESIS_ROOT);
        assertEq(ZKChain(address(chain)).implementationVersion(), "ferrum-zkchain-1");
    }

    function test_RevertWhen_CreateNewChainNotFromBridgehub() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, governance));
        vm.prank(governance);
        ctm.createNewChain(500, ETH_TOKEN_ADDRESS, address(sharedBridge), chainAdmin, _initData(DAMode.Rollup));
    }

    function test_RevertWhen_ChainInitializedTwice() public {
        ZKChain impl = new ZKChain();
        ZKChainInitData memory d = _dummyInit();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        ZKChain(address(chain)).initialize(d);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        impl.initialize(d);
    }

    function _dummyInit() internal view returns (ZKChainInitData memory d) {
        d.bridgehub = address(bridgehub);
    }

    function test_NewChainWithInsecureVerifierNeedsTheFlag() public {
        InsecureNoProofVerifier insecure = new InsecureNoProofVerifier();
        vm.prank(governance);
        ctm.setChainCreationParams(_creationParams(address(insecure), false));
        bytes memory initData = _initData(DAMode.Rollup);
        vm.expectRevert(abi.encodeWithSelector(InsecureVerifierNotAllowed.selector, address(insecure)));
        vm.prank(governance);
        bridgehub.createNewChain(500, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);

        vm.prank(governance);
        ctm.setChainCreationParams(_creationParams(address(insecure), true));
        vm.prank(governance);
        bridgehub.createNewChain(500, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, initData);
        assertTrue(ZKChain(bridgehub.getZKChain(500)).isProofVerificationInsecure());
        assertTrue(insecure.isInsecure());
        assertTrue(insecure.verify(new uint256[](0), ""));
        assertEq(insecure.verificationKeyHash(), keccak256("ferrum.InsecureNoProofVerifier"));
    }

    function test_RevertWhen_SetCreationParamsByNonOwner() public {
        ChainCreationParams memory p = _creationParams(address(0), false);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        ctm.setChainCreationParams(p);
    }

    function test_UpgradeChain() public {
        // history survives the upgrade
        _settle(keccak256("r1"), _noTxs(), bytes32(0));
        ZKChainV2 v2 = new ZKChainV2();
        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1);
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
        vm.expectRevert(abi.encodeWithSelector(ProtocolVersionMismatch.selector, PROTOCOL_VERSION + 1, PROTOCOL_VERSION));
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
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1);

        vm.prank(governance);
        ctm.setNewVersionUpgrade(address(v2), PROTOCOL_VERSION, PROTOCOL_VERSION + 1);
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
        ctm.setNewVersionUpgrade(address(1), 7, 8);
        vm.expectRevert(abi.encodeWithSelector(ChainNotFound.selector, 4242));
        vm.prank(governance);
        ctm.upgradeChainFromVersion(4242, PROTOCOL_VERSION);
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

