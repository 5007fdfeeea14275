// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {
    IBridgehub,
    L2TransactionRequestDirect,
    L2TransactionRequestTwoBridgesOuter,
    L2TransactionRequestTwoBridgesInner
} from "./IBridgehub.sol";
import {IChainTypeManager} from "../state-transition/IChainTypeManager.sol";
import {IZKChain} from "../state-transition/chain-interfaces/IZKChain.sol";
import {BridgehubL2TransactionRequest} from "../state-transition/chain-interfaces/IMailbox.sol";
import {IL1SharedBridge} from "../bridge/interfaces/IL1SharedBridge.sol";
import {AddressAliasHelper} from "../common/libraries/AddressAliasHelper.sol";
import {L2Log, L2Message, TxStatus, ETH_TOKEN_ADDRESS, TWO_BRIDGES_MAGIC_VALUE} from "../common/Config.sol";
import {
    ChainAlreadyExists,
    ChainIdCantBeCurrentChain,
    ChainIdTooBig,
    ChainNotFound,
    ChainTypeManagerNotRegistered,
    ChainTypeManagerAlreadyRegistered,
    MsgValueMismatch,
    WrongMagicValue,
    ZeroAddress,
    ZeroChainId
} from "../common/L1ContractErrors.sol";

/// @title Registry of Ferrum chains and the entry point for L1->L2 transactions and deposits.
/// @notice Deployed behind a TransparentUpgradeableProxy whose ProxyAdmin, like this contract, is owned by governance.
contract Bridgehub is IBridgehub, Ownable2Step, Initializable, ReentrancyGuard {
    mapping(address ctm => bool) public chainTypeManagerIsRegistered;
    mapping(uint256 chainId => address) public chainTypeManager;
    mapping(uint256 chainId => address) public baseToken;
    address public sharedBridge;
    uint256[] internal chainIds;
    /// @dev chain id => chain contract, as returned by its ChainTypeManager at creation (saves a call per deposit).
    mapping(uint256 chainId => address) internal zkChains;

    constructor() Ownable(address(0xdead)) {
        _disableInitializers();
    }

    function initialize(address _owner) external initializer {
        if (_owner == address(0)) revert ZeroAddress();
        _transferOwnership(_owner);
    }

    // ---------------------------------------------------------------- registry

    function addChainTypeManager(address _ctm) external onlyOwner {
        if (_ctm == address(0)) revert ZeroAddress();
        if (chainTypeManagerIsRegistered[_ctm]) revert ChainTypeManagerAlreadyRegistered(_ctm);
        chainTypeManagerIsRegistered[_ctm] = true;
        emit ChainTypeManagerAdded(_ctm);
    }

    function removeChainTypeManager(address _ctm) external onlyOwner {
        if (!chainTypeManagerIsRegistered[_ctm]) revert ChainTypeManagerNotRegistered(_ctm);
        chainTypeManagerIsRegistered[_ctm] = false;
        emit ChainTypeManagerRemoved(_ctm);
    }

    function setSharedBridge(address _sharedBridge) external onlyOwner {
        if (_sharedBridge == address(0)) revert ZeroAddress();
        sharedBridge = _sharedBridge;
        emit SharedBridgeUpdated(_sharedBridge);
    }

    /// @notice era name for the shared bridge (the SDK's "L1AssetRouter").
    function assetRouter() external view returns (address) {
        return sharedBridge;
    }

    /// @notice Creates a chain through a registered ChainTypeManager.
    /// @param _baseToken ETH_TOKEN_ADDRESS (0x...01) for an ETH-based chain, else the L1 ERC-20 used as base token.
    /// @param _initData abi.encode(DAMode daMode, address[] validators)
    function createNewChain(
        uint256 _chainId,
        address _chainTypeManager,
        address _baseToken,
        uint256,
        /* _salt */
        address _admin,
        bytes calldata _initData
    ) external onlyOwner nonReentrant returns (uint256) {
        if (_chainId == 0) revert ZeroChainId();
        if (_chainId > type(uint48).max) revert ChainIdTooBig(_chainId);
        if (_chainId == block.chainid) revert ChainIdCantBeCurrentChain();
        if (!chainTypeManagerIsRegistered[_chainTypeManager]) revert ChainTypeManagerNotRegistered(_chainTypeManager);
        if (_baseToken == address(0) || _admin == address(0) || sharedBridge == address(0)) revert ZeroAddress();
        if (chainTypeManager[_chainId] != address(0)) revert ChainAlreadyExists(_chainId);
        chainTypeManager[_chainId] = _chainTypeManager;
        baseToken[_chainId] = _baseToken;
        chainIds.push(_chainId);
        zkChains[_chainId] =
            IChainTypeManager(_chainTypeManager).createNewChain(_chainId, _baseToken, sharedBridge, _admin, _initData);
        emit NewChain(_chainId, _chainTypeManager, _admin);
        return _chainId;
    }

    function getZKChain(uint256 _chainId) public view returns (address) {
        return zkChains[_chainId];
    }

    function getAllZKChainChainIDs() external view returns (uint256[] memory) {
        return chainIds;
    }

    // ---------------------------------------------------------------- L1 -> L2

    /// @notice An L1->L2 transaction paid in the chain's base token (ETH: msg.value == mintValue; ERC-20: the shared
    /// bridge pulls mintValue, approve it first). Deposits of the base token are such transactions.
    function requestL2TransactionDirect(L2TransactionRequestDirect calldata _request)
        external
        payable
        nonReentrant
        returns (bytes32 canonicalTxHash)
    {
        address chain = _chain(_request.chainId);
        _depositBaseToken(_request.chainId, _request.mintValue, msg.value);
        canonicalTxHash = IZKChain(chain)
            .bridgehubRequestL2Transaction(
                BridgehubL2TransactionRequest({
                sender: _l2Sender(msg.sender),
                contractL2: _request.l2Contract,
                mintValue: _request.mintValue,
                l2Value: _request.l2Value,
                l2Calldata: _request.l2Calldata,
                l2GasLimit: _request.l2GasLimit,
                l2GasPerPubdataByteLimit: _request.l2GasPerPubdataByteLimit,
                factoryDeps: _request.factoryDeps,
                refundRecipient: AddressAliasHelper.actualRefundRecipient(_request.refundRecipient, msg.sender),
                originalCaller: msg.sender
            })
            );
    }

    /// @notice An L1->L2 transaction built by a second bridge (the shared bridge for ERC-20 deposits): the base token
    /// pays for it (mintValue), the second bridge takes `secondBridgeValue` and `secondBridgeCalldata`.
    function requestL2TransactionTwoBridges(L2TransactionRequestTwoBridgesOuter calldata _request)
        external
        payable
        nonReentrant
        returns (bytes32 canonicalTxHash)
    {
        address chain = _chain(_request.chainId);
        uint256 baseValue = msg.value;
        if (baseToken[_request.chainId] == ETH_TOKEN_ADDRESS) {
            if (msg.value != _request.mintValue + _request.secondBridgeValue) {
                revert MsgValueMismatch(_request.mintValue + _request.secondBridgeValue, msg.value);
            }
            baseValue = _request.mintValue;
        } else {
            if (msg.value != _request.secondBridgeValue) {
                revert MsgValueMismatch(_request.secondBridgeValue, msg.value);
            }
            baseValue = 0;
        }
        _depositBaseToken(_request.chainId, _request.mintValue, baseValue);

        L2TransactionRequestTwoBridgesInner memory inner = IL1SharedBridge(_request.secondBridgeAddress)
        .bridgehubDeposit{value: _request.secondBridgeValue}(
            _request.chainId, msg.sender, _request.l2Value, _request.secondBridgeCalldata
        );
        if (inner.magicValue != TWO_BRIDGES_MAGIC_VALUE) revert WrongMagicValue(inner.magicValue);

        canonicalTxHash = IZKChain(chain)
            .bridgehubRequestL2Transaction(
                BridgehubL2TransactionRequest({
                sender: AddressAliasHelper.applyL1ToL2Alias(_request.secondBridgeAddress),
                contractL2: inner.l2Contract,
                mintValue: _request.mintValue,
                l2Value: _request.l2Value,
                l2Calldata: inner.l2Calldata,
                l2GasLimit: _request.l2GasLimit,
                l2GasPerPubdataByteLimit: _request.l2GasPerPubdataByteLimit,
                factoryDeps: inner.factoryDeps,
                refundRecipient: AddressAliasHelper.actualRefundRecipient(_request.refundRecipient, msg.sender),
                originalCaller: msg.sender
            })
            );
        IL1SharedBridge(_request.secondBridgeAddress)
            .bridgehubConfirmL2Transaction(_request.chainId, inner.txDataHash, canonicalTxHash);
    }

    function l2TransactionBaseCost(
        uint256 _chainId,
        uint256 _gasPrice,
        uint256 _l2GasLimit,
        uint256 _l2GasPerPubdataByteLimit
    ) external view returns (uint256) {
        return IZKChain(_chain(_chainId)).l2TransactionBaseCost(_gasPrice, _l2GasLimit, _l2GasPerPubdataByteLimit);
    }

    // ---------------------------------------------------------------- L2 -> L1

    function proveL2MessageInclusion(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _index,
        L2Message calldata _message,
        bytes32[] calldata _proof
    ) external view returns (bool) {
        return IZKChain(_chain(_chainId)).proveL2MessageInclusion(_batchNumber, _index, _message, _proof);
    }

    function proveL2LogInclusion(
        uint256 _chainId,
        uint256 _batchNumber,
        uint256 _index,
        L2Log calldata _log,
        bytes32[] calldata _proof
    ) external view returns (bool) {
        return IZKChain(_chain(_chainId)).proveL2LogInclusion(_batchNumber, _index, _log, _proof);
    }

    function proveL1ToL2TransactionStatus(
        uint256 _chainId,
        bytes32 _l2TxHash,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes32[] calldata _merkleProof,
        TxStatus _status
    ) external view returns (bool) {
        return IZKChain(_chain(_chainId))
            .proveL1ToL2TransactionStatus(
                _l2TxHash, _l2BatchNumber, _l2MessageIndex, _l2TxNumberInBatch, _merkleProof, _status
            );
    }

    // ---------------------------------------------------------------- internal

    function _depositBaseToken(uint256 _chainId, uint256 _mintValue, uint256 _ethValue) internal {
        address token = baseToken[_chainId];
        if (token == ETH_TOKEN_ADDRESS) {
            if (_ethValue != _mintValue) revert MsgValueMismatch(_mintValue, _ethValue);
        } else if (_ethValue != 0) {
            revert MsgValueMismatch(0, _ethValue);
        }
        if (_mintValue != 0) {
            IL1SharedBridge(sharedBridge).bridgehubDepositBaseToken{value: _ethValue}(
                _chainId, token, msg.sender, _mintValue
            );
        }
    }

    /// @dev An L1 contract is seen on L2 under its alias (EOAs keep their address).
    function _l2Sender(address _sender) internal view returns (address) {
        // solhint-disable-next-line avoid-tx-origin
        return _sender == tx.origin ? _sender : AddressAliasHelper.applyL1ToL2Alias(_sender);
    }

    function _chain(uint256 _chainId) internal view returns (address chain) {
        chain = getZKChain(_chainId);
        if (chain == address(0)) revert ChainNotFound(_chainId);
    }
}
