// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Script, console} from "forge-std/Script.sol";
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {Bridgehub} from "../contracts/bridgehub/Bridgehub.sol";
import {L1SharedBridge} from "../contracts/bridge/L1SharedBridge.sol";
import {ChainTypeManager} from "../contracts/state-transition/ChainTypeManager.sol";
import {ChainCreationParams} from "../contracts/state-transition/IChainTypeManager.sol";
import {ZKChain} from "../contracts/state-transition/ZKChain.sol";
import {InsecureNoProofVerifier} from "../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {StateTreeExodusVerifier} from "../contracts/state-transition/verifiers/StateTreeExodusVerifier.sol";
import {DAMode, ETH_TOKEN_ADDRESS} from "../contracts/common/Config.sol";

/// @notice Deploys the Ferrum L1 ecosystem with one ETH-based rollup chain (devnet defaults), in the order documented
/// in docs/contracts.md. Environment (all optional): L2_CHAIN_ID (270), OWNER (the broadcaster), VALIDATOR (the
/// broadcaster), GENESIS_ROOT (0x0), GENESIS_COMMITMENT (0x0), VERIFIER (unset: deploy InsecureNoProofVerifier and
/// allow it by name), PRIORITY_TX_EXPIRATION (86400), EXECUTION_DELAY (0), MIN_L2_GAS_PRICE (1 gwei).
/// Prints one line `FERRUM_L1_DEPLOYMENT {json}` with the addresses.
contract DeployL1 is Script {
    Bridgehub internal bridgehub;
    L1SharedBridge internal bridge;
    ChainTypeManager internal ctm;
    address internal verifier;
    bool internal insecure;
    StateTreeExodusVerifier internal exodusVerifier;
    address internal sender;
    address internal owner;

    function run() external {
        uint256 l2ChainId = vm.envOr("L2_CHAIN_ID", uint256(270));
        vm.startBroadcast();
        (, sender,) = vm.readCallers();
        owner = vm.envOr("OWNER", sender);
        _deployCore();
        _deployChainTypeManager();
        _createChain(l2ChainId, vm.envOr("VALIDATOR", sender));
        vm.stopBroadcast();
        _print(l2ChainId);
    }

    function _deployCore() internal {
        bridgehub = Bridgehub(
            address(
                new TransparentUpgradeableProxy(
                    address(new Bridgehub()), owner, abi.encodeCall(Bridgehub.initialize, (sender))
                )
            )
        );
        bridge = L1SharedBridge(
            payable(address(
                    new TransparentUpgradeableProxy(
                        address(new L1SharedBridge(address(bridgehub))),
                        owner,
                        abi.encodeCall(L1SharedBridge.initialize, (owner))
                    )
                ))
        );
        verifier = vm.envOr("VERIFIER", address(0));
        insecure = verifier == address(0);
        if (insecure) verifier = address(new InsecureNoProofVerifier());
        exodusVerifier = new StateTreeExodusVerifier(address(bridgehub));
    }

    function _deployChainTypeManager() internal {
        ChainCreationParams memory params = ChainCreationParams({
            genesisBatchHash: vm.envOr("GENESIS_ROOT", bytes32(0)),
            genesisBatchCommitment: vm.envOr("GENESIS_COMMITMENT", bytes32(0)),
            verifier: verifier,
            allowInsecureVerifier: insecure,
            exodusVerifier: address(exodusVerifier),
            executionDelay: vm.envOr("EXECUTION_DELAY", uint256(0)),
            priorityTxExpiration: vm.envOr("PRIORITY_TX_EXPIRATION", uint256(1 days)),
            priorityTxMaxGasLimit: 80_000_000,
            minimalL2GasPrice: vm.envOr("MIN_L2_GAS_PRICE", uint256(1 gwei))
        });
        ctm = new ChainTypeManager(address(bridgehub), sender, address(new ZKChain()), 1, params);
    }

    function _createChain(uint256 _l2ChainId, address _validator) internal {
        bridgehub.setSharedBridge(address(bridge));
        bridgehub.addChainTypeManager(address(ctm));
        address[] memory validators = new address[](1);
        validators[0] = _validator;
        bytes memory initData = abi.encode(DAMode.Rollup, validators);
        bridgehub.createNewChain(_l2ChainId, address(ctm), ETH_TOKEN_ADDRESS, 0, owner, initData);
        if (owner != sender) {
            bridgehub.transferOwnership(owner);
            ctm.transferOwnership(owner);
        }
    }

    function _print(uint256 _l2ChainId) internal view {
        string memory head = string.concat(
            "FERRUM_L1_DEPLOYMENT {\"bridgehub\":\"",
            vm.toString(address(bridgehub)),
            "\",\"sharedBridge\":\"",
            vm.toString(address(bridge)),
            "\",\"chainTypeManager\":\"",
            vm.toString(address(ctm)),
            "\",\"zkChain\":\"",
            vm.toString(bridgehub.getZKChain(_l2ChainId)),
            "\",\"verifier\":\"",
            vm.toString(verifier)
        );
        console.log(
            string.concat(
                head,
                "\",\"insecureVerifier\":",
                insecure ? "true" : "false",
                ",\"exodusVerifier\":\"",
                vm.toString(address(exodusVerifier)),
                "\",\"l2ChainId\":",
                vm.toString(_l2ChainId),
                "}"
            )
        );
    }
}
