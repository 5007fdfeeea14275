// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {IChainTypeManager, ChainCreationParams} from "./IChainTypeManager.sol";
import {ZKChain, ZKChainInitData} from "./ZKChain.sol";
import {IZKChain} from "./chain-interfaces/IZKChain.sol";
import {DAMode, MAX_PRIORITY_TX_GAS_LIMIT, MAX_L2_GAS_PRICE} from "../common/Config.sol";
import {
    Unauthorized,
    ZeroAddress,
    ChainAlreadyExists,
    ChainNotFound,
    MinimalL2GasPriceTooBig,
    NoUpgradeForVersion,
    PriorityTxMaxGasLimitTooBig,
    ProtocolVersionMismatch
} from "../common/L1ContractErrors.sol";

/// @title Creates chains of one type and moves them between protocol versions.
/// @notice Owned by governance (the Timelock). Each chain is an ERC-1967 proxy over the current `chainImplementation`;
/// an upgrade from version V is registered once (`setNewVersionUpgrade`) and then applied to each chain
/// (`upgradeChainFromVersion`, by the owner or the chain's admin).
contract ChainTypeManager is IChainTypeManager, Ownable2Step {
    address public immutable BRIDGE_HUB;

    uint256 public protocolVersion;
    address public chainImplementation;
    address public securityCouncil;
    ChainCreationParams internal creationParams;

    mapping(uint256 chainId => address) public getZKChain;
    /// @notice protocol version => implementation of the next version, and that version's number.
    mapping(uint256 oldVersion => address) public upgradeImplementation;
    mapping(uint256 oldVersion => uint256) public upgradeTargetVersion;
    /// @notice Until when chains may still commit batches under a protocol version (era's protocolVersionDeadline).
    mapping(uint256 protocolVersion => uint256) public protocolVersionDeadline;

    constructor(
        address _bridgehub,
        address _owner,
        address _chainImplementation,
        uint256 _protocolVersion,
        ChainCreationParams memory _params
    ) Ownable(_owner) {
        if (_bridgehub == address(0) || _chainImplementation == address(0)) {
            revert ZeroAddress();
        }
        BRIDGE_HUB = _bridgehub;
        chainImplementation = _chainImplementation;
        protocolVersion = _protocolVersion;
        protocolVersionDeadline[_protocolVersion] = type(uint256).max;
        _setChainCreationParams(_params);
    }

    modifier onlyOwnerOrSecurityCouncil() {
        if (msg.sender != owner() && msg.sender != securityCouncil) revert Unauthorized(msg.sender);
        _;
    }

    function getChainCreationParams() external view returns (ChainCreationParams memory) {
        return creationParams;
    }

    /// @notice Deploys a new chain contract. Called by the Bridgehub (`Bridgehub.createNewChain`).
    /// @param _initData abi.encode(DAMode daMode, address[] validators)
    function createNewChain(
        uint256 _chainId,
        address _baseToken,
        address _sharedBridge,
        address _admin,
        bytes calldata _initData
    ) external returns (address zkChain) {
        if (msg.sender != BRIDGE_HUB) revert Unauthorized(msg.sender);
        if (getZKChain[_chainId] != address(0)) revert ChainAlreadyExists(_chainId);
        (DAMode daMode, address[] memory validators) = abi.decode(_initData, (DAMode, address[]));
        ChainCreationParams memory p = creationParams;
        ZKChainInitData memory d = ZKChainInitData({
            chainId: _chainId,
            bridgehub: BRIDGE_HUB,
            chainTypeManager: address(this),
            sharedBridge: _sharedBridge,
            baseToken: _baseToken,
            admin: _admin,
            validators: validators,
            verifier: p.verifier,
            allowInsecureVerifier: p.allowInsecureVerifier,
            exodusVerifier: p.exodusVerifier,
            protocolVersion: protocolVersion,
            daMode: daMode,
            genesisBatchHash: p.genesisBatchHash,
            genesisBatchCommitment: p.genesisBatchCommitment,
            executionDelay: p.executionDelay,
            priorityTxExpiration: p.priorityTxExpiration,
            priorityTxMaxGasLimit: p.priorityTxMaxGasLimit,
            minimalL2GasPrice: p.minimalL2GasPrice
        });
        zkChain = address(new ERC1967Proxy(chainImplementation, abi.encodeCall(ZKChain.initialize, (d))));
        getZKChain[_chainId] = zkChain;
        emit NewZKChain(_chainId, zkChain, daMode);
    }

    /// @notice `priorityTxMaxGasLimit` at most MAX_PRIORITY_TX_GAS_LIMIT, `minimalL2GasPrice` at most MAX_L2_GAS_PRICE.
    function setChainCreationParams(ChainCreationParams calldata _params) external onlyOwner {
        _setChainCreationParams(_params);
    }

    /// @notice Registers the upgrade `_oldProtocolVersion -> _newProtocolVersion`; new chains start on it. Chains still on
    /// the old version can commit batches until `_oldProtocolVersionDeadline` (a timestamp), then must upgrade.
    function setNewVersionUpgrade(
        address _newImplementation,
        uint256 _oldProtocolVersion,
        uint256 _newProtocolVersion,
        uint256 _oldProtocolVersionDeadline
    ) external onlyOwner {
        if (_newImplementation == address(0)) revert ZeroAddress();
        if (_oldProtocolVersion != protocolVersion || _newProtocolVersion <= _oldProtocolVersion) {
            revert ProtocolVersionMismatch(protocolVersion, _oldProtocolVersion);
        }
        upgradeImplementation[_oldProtocolVersion] = _newImplementation;
        upgradeTargetVersion[_oldProtocolVersion] = _newProtocolVersion;
        chainImplementation = _newImplementation;
        protocolVersion = _newProtocolVersion;
        protocolVersionDeadline[_oldProtocolVersion] = _oldProtocolVersionDeadline;
        protocolVersionDeadline[_newProtocolVersion] = type(uint256).max;
        emit NewUpgrade(_oldProtocolVersion, _newProtocolVersion, _newImplementation);
        emit NewProtocolVersionDeadline(_oldProtocolVersion, _oldProtocolVersionDeadline);
    }

    function protocolVersionIsActive(uint256 _protocolVersion) external view returns (bool) {
        return block.timestamp <= protocolVersionDeadline[_protocolVersion];
    }

    function setProtocolVersionDeadline(uint256 _protocolVersion, uint256 _deadline) external onlyOwner {
        protocolVersionDeadline[_protocolVersion] = _deadline;
        emit NewProtocolVersionDeadline(_protocolVersion, _deadline);
    }

    /// @notice Moves a chain from `_oldProtocolVersion` to the registered next version.
    function upgradeChainFromVersion(uint256 _chainId, uint256 _oldProtocolVersion) external {
        address chain = _chain(_chainId);
        if (msg.sender != owner() && msg.sender != IZKChain(chain).getAdmin()) revert Unauthorized(msg.sender);
        uint256 current = IZKChain(chain).getProtocolVersion();
        if (current != _oldProtocolVersion) revert ProtocolVersionMismatch(current, _oldProtocolVersion);
        address impl = upgradeImplementation[_oldProtocolVersion];
        if (impl == address(0)) revert NoUpgradeForVersion(_oldProtocolVersion);
        uint256 newVersion = upgradeTargetVersion[_oldProtocolVersion];
        UUPSUpgradeable(chain).upgradeToAndCall(impl, "");
        IZKChain(chain).setProtocolVersion(newVersion);
        emit ChainUpgraded(_chainId, _oldProtocolVersion, newVersion);
    }

    function freezeChain(uint256 _chainId) external onlyOwnerOrSecurityCouncil {
        IZKChain(_chain(_chainId)).freezeChain();
    }

    function unfreezeChain(uint256 _chainId) external onlyOwnerOrSecurityCouncil {
        IZKChain(_chain(_chainId)).unfreezeChain();
    }

    function setSecurityCouncil(address _securityCouncil) external onlyOwner {
        emit NewSecurityCouncil(securityCouncil, _securityCouncil);
        securityCouncil = _securityCouncil;
    }

    function _setChainCreationParams(ChainCreationParams memory _params) internal {
        if (_params.priorityTxMaxGasLimit > MAX_PRIORITY_TX_GAS_LIMIT) {
            revert PriorityTxMaxGasLimitTooBig(_params.priorityTxMaxGasLimit);
        }
        if (_params.minimalL2GasPrice > MAX_L2_GAS_PRICE) revert MinimalL2GasPriceTooBig(_params.minimalL2GasPrice);
        creationParams = _params;
        emit NewChainCreationParams(_params);
    }

    function _chain(uint256 _chainId) internal view returns (address chain) {
        chain = getZKChain[_chainId];
        if (chain == address(0)) revert ChainNotFound(_chainId);
    }
}
