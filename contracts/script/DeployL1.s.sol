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
import {ZKToken} from "../contracts/governance/ZKToken.sol";
import {FerrumGovernor} from "../contracts/governance/FerrumGovernor.sol";
import {SecurityCouncil} from "../contracts/governance/SecurityCouncil.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @notice Deploys the Ferrum L1 ecosystem with one ETH-based rollup chain (devnet defaults), in the order documented
/// in docs/contracts.md. Environment: VERIFIER (required: the verifier's address, or `insecure` to deploy
/// InsecureNoProofVerifier and allow it by name, so that batches settle UNPROVEN); optional: L2_CHAIN_ID (270), OWNER
/// (the broadcaster), VALIDATOR (the broadcaster), GENESIS_ROOT (0x0), GENESIS_COMMITMENT (0x0),
/// PRIORITY_TX_EXPIRATION (86400), EXECUTION_DELAY (0), MIN_L2_GAS_PRICE (1 gwei).
/// With DEPLOY_GOVERNANCE=true it also deploys the ZK token (whole supply to OWNER), a TimelockController
/// (TIMELOCK_DELAY, default 1 day), the FerrumGovernor (voting delay 1 block, period VOTING_PERIOD blocks (default 50),
/// no proposal threshold, 4% quorum) and a 1-of-1 SecurityCouncil of OWNER, wired as in docs/contracts.md; with
/// HANDOVER_TO_TIMELOCK=true the CTM, Bridgehub and bridge ownerships are offered to the timelock (it accepts them in
/// its first proposal).
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
    ZKToken internal zk;
    TimelockController internal timelock;
    FerrumGovernor internal governor;
    SecurityCouncil internal council;

    function run() external {
        uint256 l2ChainId = vm.envOr("L2_CHAIN_ID", uint256(270));
        vm.startBroadcast();
        (, sender,) = vm.readCallers();
        owner = vm.envOr("OWNER", sender);
        _deployCore();
        _deployChainTypeManager();
        _createChain(l2ChainId, vm.envOr("VALIDATOR", sender));
        if (vm.envOr("DEPLOY_GOVERNANCE", false)) _deployGovernance();
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
        // No default: an unset VERIFIER must not silently mean "no proofs".
        string memory choice = vm.envString("VERIFIER");
        insecure = keccak256(bytes(choice)) == keccak256("insecure");
        verifier = insecure ? address(new InsecureNoProofVerifier()) : vm.parseAddress(choice);
        require(verifier.code.length > 0, "VERIFIER has no code");
        exodusVerifier = new StateTreeExodusVerifier(address(bridgehub), owner);
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

    function _deployGovernance() internal {
        address[] memory holders = new address[](1);
        holders[0] = owner;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 21_000_000_000 ether;
        zk = new ZKToken(holders, amounts);
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1);
        timelock = new TimelockController(vm.envOr("TIMELOCK_DELAY", uint256(1 days)), none, anyone, sender);
        governor = new FerrumGovernor(zk, timelock, 1, uint32(vm.envOr("VOTING_PERIOD", uint256(50))), 0, 4);
        address[] memory members = new address[](1);
        members[0] = owner;
        council = new SecurityCouncil(members, 1);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(council));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), sender);
        ctm.setSecurityCouncil(address(council));
        if (vm.envOr("HANDOVER_TO_TIMELOCK", false)) {
            ctm.transferOwnership(address(timelock));
            bridgehub.transferOwnership(address(timelock));
            bridge.transferOwnership(address(timelock));
        }
    }

    function _print(uint256 _l2ChainId) internal view {
        string memory core = string.concat(
            "FERRUM_L1_DEPLOYMENT {\"bridgehub\":\"",
            vm.toString(address(bridgehub)),
            "\",\"sharedBridge\":\"",
            vm.toString(address(bridge)),
            "\",\"chainTypeManager\":\"",
            vm.toString(address(ctm)),
            "\",\"zkChain\":\"",
            vm.toString(bridgehub.getZKChain(_l2ChainId)),
            "\",\"verifier\":\"",
            vm.toString(verifier),
            "\",\"insecureVerifier\":",
            insecure ? "true" : "false",
            ",\"exodusVerifier\":\"",
            vm.toString(address(exodusVerifier))
        );
        string memory gov = string.concat(
            "\",\"zkToken\":\"",
            vm.toString(address(zk)),
            "\",\"timelock\":\"",
            vm.toString(address(timelock)),
            "\",\"governor\":\"",
            vm.toString(address(governor)),
            "\",\"securityCouncil\":\"",
            vm.toString(address(council))
        );
        console.log(string.concat(core, gov, "\",\"l2ChainId\":", vm.toString(_l2ChainId), "}"));
    }
}
