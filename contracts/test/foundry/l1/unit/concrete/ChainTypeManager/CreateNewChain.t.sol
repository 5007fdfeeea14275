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

contract CreateNewChainTest is FerrumTestBase {
    function _implOf(address _proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(_proxy, ERC1967Utils.IMPLEMENTATION_SLOT))));
    }

    function _dummyInit() internal view returns (ZKChainInitData memory d) {
        d.bridgehub = address(bridgehub);
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
        assertEq(
            chain.storedBatchHash(0),
            keccak256(abi.encode(ZKChain(address(chain)).genesisStoredBatchInfo(GENESIS_ROOT, GENESIS_COMMITMENT)))
        );
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
}

