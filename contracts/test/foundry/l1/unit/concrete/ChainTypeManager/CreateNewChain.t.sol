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
import {
    DAMode,
    ETH_TOKEN_ADDRESS,
    MAX_PRIORITY_TX_GAS_LIMIT,
    MAX_L2_GAS_PRICE
} from "../../../../../../contracts/common/Config.sol";
import {ChainTypeManager} from "../../../../../../contracts/state-transition/ChainTypeManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
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

    /// @dev Chain creation parameters cannot carry a priority gas limit above the L2 block gas limit, neither at
    /// deployment of the CTM nor later.
    function test_RevertWhen_CreationParamsPriorityTxMaxGasLimitAboveMax() public {
        ChainCreationParams memory p = _creationParams(address(verifier), false);
        p.priorityTxMaxGasLimit = MAX_PRIORITY_TX_GAS_LIMIT + 1;
        vm.expectRevert(abi.encodeWithSelector(PriorityTxMaxGasLimitTooBig.selector, MAX_PRIORITY_TX_GAS_LIMIT + 1));
        new ChainTypeManager(address(bridgehub), governance, address(chainImpl), PROTOCOL_VERSION, p);
        vm.expectRevert(abi.encodeWithSelector(PriorityTxMaxGasLimitTooBig.selector, MAX_PRIORITY_TX_GAS_LIMIT + 1));
        vm.prank(governance);
        ctm.setChainCreationParams(p);

        p.priorityTxMaxGasLimit = MAX_PRIORITY_TX_GAS_LIMIT;
        vm.prank(governance);
        ctm.setChainCreationParams(p);
        vm.prank(governance);
        bridgehub.createNewChain(500, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, _initData(DAMode.Rollup));
        assertEq(ZKChain(bridgehub.getZKChain(500)).getPriorityTxMaxGasLimit(), MAX_PRIORITY_TX_GAS_LIMIT);
    }

    /// @dev Chain creation parameters cannot carry a minimal L2 gas price above 2^128 - 1.
    function test_RevertWhen_CreationParamsMinimalL2GasPriceAboveMax() public {
        ChainCreationParams memory p = _creationParams(address(verifier), false);
        p.minimalL2GasPrice = MAX_L2_GAS_PRICE + 1;
        vm.expectRevert(abi.encodeWithSelector(MinimalL2GasPriceTooBig.selector, MAX_L2_GAS_PRICE + 1));
        new ChainTypeManager(address(bridgehub), governance, address(chainImpl), PROTOCOL_VERSION, p);
        vm.expectRevert(abi.encodeWithSelector(MinimalL2GasPriceTooBig.selector, MAX_L2_GAS_PRICE + 1));
        vm.prank(governance);
        ctm.setChainCreationParams(p);
    }

    /// @dev The chain itself refuses out-of-range limits at initialisation, whoever deploys it.
    function test_RevertWhen_ChainInitializedWithLimitsAboveMax() public {
        ZKChainInitData memory d = _dummyInit();
        d.chainTypeManager = address(ctm);
        d.admin = chainAdmin;
        d.priorityTxMaxGasLimit = MAX_PRIORITY_TX_GAS_LIMIT + 1;
        vm.expectRevert(abi.encodeWithSelector(PriorityTxMaxGasLimitTooBig.selector, MAX_PRIORITY_TX_GAS_LIMIT + 1));
        new ERC1967Proxy(address(chainImpl), abi.encodeCall(ZKChain.initialize, (d)));
        d.priorityTxMaxGasLimit = MAX_PRIORITY_TX_GAS_LIMIT;
        d.minimalL2GasPrice = MAX_L2_GAS_PRICE + 1;
        vm.expectRevert(abi.encodeWithSelector(MinimalL2GasPriceTooBig.selector, MAX_L2_GAS_PRICE + 1));
        new ERC1967Proxy(address(chainImpl), abi.encodeCall(ZKChain.initialize, (d)));
    }

    function test_RevertWhen_SetCreationParamsByNonOwner() public {
        ChainCreationParams memory p = _creationParams(address(0), false);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        ctm.setChainCreationParams(p);
    }
}

