// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2Log, L2Message, TxStatus} from "../common/Config.sol";

/// @dev As era-contracts' Bridgehub structs (the ZKsync SDK encodes these).
struct L2TransactionRequestDirect {
    uint256 chainId;
    uint256 mintValue;
    address l2Contract;
    uint256 l2Value;
    bytes l2Calldata;
    uint256 l2GasLimit;
    uint256 l2GasPerPubdataByteLimit;
    bytes[] factoryDeps;
    address refundRecipient;
}

struct L2TransactionRequestTwoBridgesOuter {
    uint256 chainId;
    uint256 mintValue;
    uint256 l2Value;
    uint256 l2GasLimit;
    uint256 l2GasPerPubdataByteLimit;
    address refundRecipient;
    address secondBridgeAddress;
    uint256 secondBridgeValue;
    bytes secondBridgeCalldata;
}

struct L2TransactionRequestTwoBridgesInner {
    bytes32 magicValue;
    address l2Contract;
    bytes l2Calldata;
    bytes[] factoryDeps;
    bytes32 txDataHash;
}

interface IBridgehub {
    function chainTypeManagerIsRegistered(address _ctm) external view returns (bool);
    function chainTypeManager(uint256 _chainId) external view returns (address);
    function baseToken(uint256 _chainId) external view returns (address);
    function getZKChain(uint256 _chainId) external view returns (address);
    function getAllZKChainChainIDs() external view returns (uint256[] memory);
    function sharedBridge() external view returns (address);
    function assetRouter() external view returns (address);

    function addChainTypeManager(address _ctm) external;
    function removeChainTypeManager(address _ctm) external;
    function setSharedBridge(address _sharedBridge) external;

    function createNewChain(
        uint256 _chainId,
        address _chainTypeManager,
        address _baseToken,
        uint256 _salt,
        address _admin,
        bytes calldata _initData
    ) external returns (uint256 chainId);

    function requestL2TransactionDirect(L2TransactionRequestDirect calldata _request)
        external
        payable
        returns (bytes32 canonicalTxHash);

    function requestL2TransactionTwoBridges(L2TransactionRequestTwoBridgesOuter calldata _request)
        external
        payable
        returns (bytes32 canonicalTxHash);

    function l2TransactionBaseCost(
        uint256 _chainId,
        uint256 _gasPrice,
        uint256 _l2GasLimit,
        uint256 _l2GasPerPubdataByteLimit
    ) external view returns (uint256);

    function proveL2MessageInclusion(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _index,
        L2Message calldata _message,
        bytes32[] calldata _proof
    ) external view returns (bool);

    function proveL2LogInclusion(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _index,
        L2Log calldata _log,
        bytes32[] calldata _proof
    ) external view returns (bool);

    function proveL1ToL2TransactionStatus(
        uint256 _chainId,
        bytes32 _l2TxHash,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes32[] calldata _merkleProof,
        TxStatus _status
    ) external view returns (bool);

    event NewChain(uint256 indexed chainId, address chainTypeManager, address indexed chainGovernance);
    event ChainTypeManagerAdded(address indexed chainTypeManager);
    event ChainTypeManagerRemoved(address indexed chainTypeManager);
    event SharedBridgeUpdated(address indexed sharedBridge);
}
