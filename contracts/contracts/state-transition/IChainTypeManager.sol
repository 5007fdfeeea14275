// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DAMode} from "../common/Config.sol";

/// @dev Parameters every new chain of this type starts with.
struct ChainCreationParams {
    bytes32 genesisBatchHash;
    bytes32 genesisBatchCommitment;
    address verifier;
    bool allowInsecureVerifier;
    address exodusVerifier;
    uint256 executionDelay;
    uint256 priorityTxExpiration;
    uint256 priorityTxMaxGasLimit;
    uint256 minimalL2GasPrice;
}

interface IChainTypeManager {
    function BRIDGE_HUB() external view returns (address);
    function protocolVersion() external view returns (uint256);
    function chainImplementation() external view returns (address);
    function getZKChain(uint256 _chainId) external view returns (address);
    function securityCouncil() external view returns (address);

    function createNewChain(
        uint256 _chainId,
        address _baseToken,
        address _sharedBridge,
        address _admin,
        bytes calldata _initData
    ) external returns (address);

    function setChainCreationParams(ChainCreationParams calldata _params) external;
    function setNewVersionUpgrade(
        address _newImplementation,
        uint256 _oldProtocolVersion,
        uint256 _newProtocolVersion,
        uint256 _oldProtocolVersionDeadline
    ) external;
    function protocolVersionDeadline(uint256 _protocolVersion) external view returns (uint256);
    function protocolVersionIsActive(uint256 _protocolVersion) external view returns (bool);
    function setProtocolVersionDeadline(uint256 _protocolVersion, uint256 _deadline) external;
    function upgradeChainFromVersion(uint256 _chainId, uint256 _oldProtocolVersion) external;
    function freezeChain(uint256 _chainId) external;
    function unfreezeChain(uint256 _chainId) external;
    function setSecurityCouncil(address _securityCouncil) external;

    event NewZKChain(uint256 indexed chainId, address indexed zkChain, DAMode daMode);
    event NewUpgrade(uint256 indexed oldProtocolVersion, uint256 indexed newProtocolVersion, address implementation);
    event ChainUpgraded(uint256 indexed chainId, uint256 oldProtocolVersion, uint256 newProtocolVersion);
    event NewChainCreationParams(ChainCreationParams params);
    event NewProtocolVersionDeadline(uint256 indexed protocolVersion, uint256 deadline);
    event NewSecurityCouncil(address indexed oldSecurityCouncil, address indexed newSecurityCouncil);
}
