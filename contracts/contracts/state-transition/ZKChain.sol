// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {Admin} from "./chain-deps/facets/Admin.sol";
import {Executor} from "./chain-deps/facets/Executor.sol";
import {Getters} from "./chain-deps/facets/Getters.sol";
import {Mailbox} from "./chain-deps/facets/Mailbox.sol";
import {IExecutor} from "./chain-interfaces/IExecutor.sol";
import {DAMode, EMPTY_STRING_KECCAK} from "../common/Config.sol";
import {Unauthorized, ZeroAddress} from "../common/L1ContractErrors.sol";

/// @dev Everything a chain starts with (passed by the ChainTypeManager).
struct ZKChainInitData {
    uint256 chainId;
    address bridgehub;
    address chainTypeManager;
    address sharedBridge;
    address baseToken;
    address admin;
    address[] validators;
    address verifier;
    bool allowInsecureVerifier;
    address exodusVerifier;
    uint256 protocolVersion;
    DAMode daMode;
    bytes32 genesisBatchHash;
    bytes32 genesisBatchCommitment;
    uint256 executionDelay;
    uint256 priorityTxExpiration;
    uint256 priorityTxMaxGasLimit;
    uint256 minimalL2GasPrice;
}

/// @title The per-chain rollup contract (era's diamond facets Executor, Mailbox, Getters, Admin in one
/// implementation), deployed by the ChainTypeManager behind an ERC-1967 proxy; upgrades (UUPS) are authorised
/// only for the ChainTypeManager, which is owned by governance.
contract ZKChain is Initializable, UUPSUpgradeable, Admin, Executor, Getters, Mailbox {
    constructor() {
        _disableInitializers();
    }

    function initialize(ZKChainInitData calldata _d) external initializer {
        if (_d.bridgehub == address(0) || _d.chainTypeManager == address(0) || _d.admin == address(0)) {
            revert ZeroAddress();
        }
        s.chainId = _d.chainId;
        s.bridgehub = _d.bridgehub;
        s.chainTypeManager = _d.chainTypeManager;
        s.sharedBridge = _d.sharedBridge;
        s.baseToken = _d.baseToken;
        s.admin = _d.admin;
        for (uint256 i; i < _d.validators.length; ++i) {
            s.validators[_d.validators[i]] = true;
            emit ValidatorStatusUpdate(_d.validators[i], true);
        }
        _setVerifier(_d.verifier, _d.allowInsecureVerifier);
        s.exodusVerifier = _d.exodusVerifier;
        s.protocolVersion = _d.protocolVersion;
        s.daMode = _d.daMode;
        s.executionDelay = _d.executionDelay;
        s.priorityTxExpiration = _d.priorityTxExpiration;
        _checkPriorityTxMaxGasLimit(_d.priorityTxMaxGasLimit);
        s.priorityTxMaxGasLimit = _d.priorityTxMaxGasLimit;
        _checkMinimalL2GasPrice(_d.minimalL2GasPrice);
        s.minimalL2GasPrice = _d.minimalL2GasPrice;
        s.baseTokenGasPriceMultiplierNominator = 1;
        s.baseTokenGasPriceMultiplierDenominator = 1;
        s.storedBatchHashes[0] =
            keccak256(abi.encode(genesisStoredBatchInfo(_d.genesisBatchHash, _d.genesisBatchCommitment)));
        s.lastExecutedStateCommitment = _d.genesisBatchHash;
    }

    /// @notice The StoredBatchInfo of batch 0 that the first commit must present as `_lastCommittedBatchData`.
    function genesisStoredBatchInfo(bytes32 _genesisBatchHash, bytes32 _genesisBatchCommitment)
        public
        pure
        returns (IExecutor.StoredBatchInfo memory)
    {
        return IExecutor.StoredBatchInfo({
            batchNumber: 0,
            batchHash: _genesisBatchHash,
            indexRepeatedStorageChanges: 0,
            numberOfLayer1Txs: 0,
            priorityOperationsHash: EMPTY_STRING_KECCAK,
            l2LogsTreeRoot: bytes32(0),
            timestamp: 0,
            commitment: _genesisBatchCommitment
        });
    }

    /// @notice Semantic name of this implementation; upgraded implementations override it.
    function implementationVersion() external pure virtual returns (string memory) {
        return "ferrum-zkchain-1";
    }

    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != s.chainTypeManager) revert Unauthorized(msg.sender);
    }
}
