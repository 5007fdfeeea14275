// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IL1SharedBridge, FinalizeL1DepositParams} from "./interfaces/IL1SharedBridge.sol";
import {IBridgehub, L2TransactionRequestTwoBridgesInner} from "../bridgehub/IBridgehub.sol";
import {
    L2Message,
    TxStatus,
    ETH_TOKEN_ADDRESS,
    TWO_BRIDGES_MAGIC_VALUE,
    L2_ASSET_ROUTER_ADDR,
    L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR
} from "../common/Config.sol";
import {
    AmountMustBeGreaterThanZero,
    AssetIdMismatch,
    DepositDoesNotExist,
    DepositExists,
    EthTransferFailed,
    InsufficientChainBalance,
    InvalidProof,
    InvalidSelector,
    L2WithdrawalMessageWrongLength,
    MsgValueMismatch,
    NonEmptyMsgValue,
    TokenIsBaseToken,
    TokensWithFeesNotSupported,
    Unauthorized,
    WithdrawalAlreadyFinalized,
    WrongL2Sender,
    ZeroAddress
} from "../common/L1ContractErrors.sol";

/// @title The shared bridge: holds ETH and ERC-20s of all chains, with per-chain balances, so a chain can never
/// withdraw more than was deposited to it. It is era's L1AssetRouter, L1Nullifier and L1NativeTokenVault in one
/// contract (`L1_NULLIFIER()` and `nativeTokenVault()` return this address), behind a TransparentUpgradeableProxy.
contract L1SharedBridge is IL1SharedBridge, Ownable2Step, Initializable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @dev IMailbox.finalizeEthWithdrawal: base-token withdrawal message from 0x...800a.
    bytes4 internal constant BASE_TOKEN_WITHDRAWAL_SELECTOR = 0x6c0960f9;
    /// @dev IL1ERC20Bridge.finalizeWithdrawal: legacy ERC-20 withdrawal message from 0x...10003.
    bytes4 internal constant LEGACY_ERC20_WITHDRAWAL_SELECTOR = 0x11a2ccc1;
    /// @dev IAssetRouterBase.finalizeDeposit: asset-router withdrawal message from 0x...10003.
    bytes4 internal constant ASSET_ROUTER_WITHDRAWAL_SELECTOR = 0x9c884fd1;
    /// @dev L2AssetRouter.finalizeDeposit(address,address,address,uint256,bytes): L2 side of an ERC-20 deposit.
    bytes4 internal constant L2_FINALIZE_DEPOSIT_SELECTOR = 0xcfe7af7c;
    /// @dev Marks the new (asset id) encoding of `secondBridgeCalldata`.
    bytes1 internal constant NEW_ENCODING_VERSION = 0x01;

    address public immutable BRIDGE_HUB;
    /// @notice L1 chain id, as used in asset ids.
    uint256 public immutable L1_CHAIN_ID;

    mapping(uint256 chainId => mapping(address l1Token => uint256)) public chainBalance;
    mapping(uint256 chainId => mapping(uint256 l2BatchNumber => mapping(uint256 l2MessageIndex => bool))) public
        isWithdrawalFinalized;
    /// @notice keccak256(abi.encode(depositSender, l1Token, amount)) of each ERC-20 deposit, by L2 tx hash.
    mapping(uint256 chainId => mapping(bytes32 l2TxHash => bytes32)) public depositHappened;

    constructor(address _bridgehub) Ownable(address(0xdead)) {
        if (_bridgehub == address(0)) revert ZeroAddress();
        BRIDGE_HUB = _bridgehub;
        L1_CHAIN_ID = block.chainid;
        _disableInitializers();
    }

    function initialize(address _owner) external initializer {
        if (_owner == address(0)) revert ZeroAddress();
        _transferOwnership(_owner);
    }

    modifier onlyBridgehub() {
        if (msg.sender != BRIDGE_HUB) revert Unauthorized(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- era-compatible getters

    function L1_NULLIFIER() external view returns (address) {
        return address(this);
    }

    function nativeTokenVault() external view returns (address) {
        return address(this);
    }

    function L1_ASSET_ROUTER() external view returns (address) {
        return address(this);
    }

    /// @notice Asset id of an L1 token, as era's native token vault: keccak256(abi.encode(L1 chain id, 0x..10004, token)).
    function assetId(address _l1Token) public view returns (bytes32) {
        return keccak256(abi.encode(L1_CHAIN_ID, L2_NATIVE_TOKEN_VAULT_ADDR, _l1Token));
    }

    // ---------------------------------------------------------------- deposits (from the Bridgehub)

    function bridgehubDepositBaseToken(uint256 _chainId, address _baseToken, address _originalCaller, uint256 _amount)
        external
        payable
        onlyBridgehub
        nonReentrant
    {
        if (_baseToken == ETH_TOKEN_ADDRESS) {
            if (msg.value != _amount) revert MsgValueMismatch(_amount, msg.value);
        } else {
            if (msg.value != 0) revert NonEmptyMsgValue();
            uint256 received = _pullToken(_baseToken, _originalCaller, _amount);
            if (received != _amount) revert TokensWithFeesNotSupported();
        }
        chainBalance[_chainId][_baseToken] += _amount;
        emit BridgehubDepositBaseTokenInitiated(_chainId, _originalCaller, _baseToken, _amount);
    }

    /// @notice Second-bridge deposit of an ERC-20 (or of ETH into a chain whose base token is not ETH).
    /// @param _data legacy: abi.encode(address l1Token, uint256 amount, address l2Receiver);
    ///              new: 0x01 ‖ abi.encode(bytes32 assetId, abi.encode(uint256 amount, address l2Receiver, address l1Token)).
    function bridgehubDeposit(uint256 _chainId, address _originalCaller, uint256 _l2Value, bytes calldata _data)
        external
        payable
        onlyBridgehub
        nonReentrant
        returns (L2TransactionRequestTwoBridgesInner memory request)
    {
        if (_l2Value != 0) revert MsgValueMismatch(0, _l2Value);
        (address l1Token, uint256 amount, address l2Receiver) = _decodeDepositData(_data);
        if (l1Token == IBridgehub(BRIDGE_HUB).baseToken(_chainId)) revert TokenIsBaseToken(l1Token);
        if (l1Token == ETH_TOKEN_ADDRESS) {
            if (msg.value != amount) revert MsgValueMismatch(amount, msg.value);
        } else {
            if (msg.value != 0) revert NonEmptyMsgValue();
            amount = _pullToken(l1Token, _originalCaller, amount);
        }
        if (amount == 0) revert AmountMustBeGreaterThanZero();
        chainBalance[_chainId][l1Token] += amount;

        bytes32 txDataHash = keccak256(abi.encode(_originalCaller, l1Token, amount));
        request = L2TransactionRequestTwoBridgesInner({
            magicValue: TWO_BRIDGES_MAGIC_VALUE,
            l2Contract: L2_ASSET_ROUTER_ADDR,
            l2Calldata: abi.encodeWithSelector(
                L2_FINALIZE_DEPOSIT_SELECTOR, _originalCaller, l2Receiver, l1Token, amount, _tokenMetadata(l1Token)
            ),
            factoryDeps: new bytes[](0),
            txDataHash: txDataHash
        });
        emit BridgehubDepositInitiated(_chainId, txDataHash, _originalCaller, l2Receiver, l1Token, amount);
    }

    function bridgehubConfirmL2Transaction(uint256 _chainId, bytes32 _txDataHash, bytes32 _txHash)
        external
        onlyBridgehub
        nonReentrant
    {
        if (depositHappened[_chainId][_txHash] != bytes32(0)) revert DepositExists();
        depositHappened[_chainId][_txHash] = _txDataHash;
        emit BridgehubDepositFinalized(_chainId, _txDataHash, _txHash);
    }

    // ---------------------------------------------------------------- withdrawals

    /// @notice Finalizes a withdrawal (era's L1Nullifier.finalizeDeposit): proves the L2 message, marks it spent,
    /// debits the chain's balance and pays the receiver.
    function finalizeDeposit(FinalizeL1DepositParams calldata _p) external nonReentrant {
        _finalizeWithdrawal(
            _p.chainId,
            _p.l2BatchNumber,
            _p.l2MessageIndex,
            _p.l2Sender,
            _p.l2TxNumberInBatch,
            _p.message,
            _p.merkleProof
        );
    }

    /// @notice Legacy entry point (era's L1SharedBridge.finalizeWithdrawal); the L2 sender follows from the message.
    function finalizeWithdrawal(
        uint256 _chainId,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes calldata _message,
        bytes32[] calldata _merkleProof
    ) external nonReentrant {
        address l2Sender = (_message.length >= 4 && bytes4(_message[0:4]) == BASE_TOKEN_WITHDRAWAL_SELECTOR)
            ? L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR
            : L2_ASSET_ROUTER_ADDR;
        _finalizeWithdrawal(
            _chainId, _l2BatchNumber, _l2MessageIndex, l2Sender, _l2TxNumberInBatch, _message, _merkleProof
        );
    }

    function _finalizeWithdrawal(
        uint256 _chainId,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        address _l2Sender,
        uint16 _l2TxNumberInBatch,
        bytes calldata _message,
        bytes32[] calldata _merkleProof
    ) internal {
        if (isWithdrawalFinalized[_chainId][_l2BatchNumber][_l2MessageIndex]) {
            revert WithdrawalAlreadyFinalized(_chainId, _l2BatchNumber, _l2MessageIndex);
        }
        (address receiver, address l1Token, uint256 amount) = _parseL2WithdrawalMessage(_chainId, _l2Sender, _message);
        _requireMessageProven(
            _chainId, _l2BatchNumber, _l2MessageIndex, _l2Sender, _l2TxNumberInBatch, _message, _merkleProof
        );
        isWithdrawalFinalized[_chainId][_l2BatchNumber][_l2MessageIndex] = true;
        _debit(_chainId, l1Token, amount);
        _transferOut(l1Token, receiver, amount);
        emit WithdrawalFinalizedSharedBridge(_chainId, receiver, l1Token, amount);
    }

    function _requireMessageProven(
        uint256 _chainId,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        address _l2Sender,
        uint16 _l2TxNumberInBatch,
        bytes calldata _message,
        bytes32[] calldata _merkleProof
    ) internal view {
        L2Message memory m = L2Message({txNumberInBatch: _l2TxNumberInBatch, sender: _l2Sender, data: _message});
        if (!IBridgehub(BRIDGE_HUB).proveL2MessageInclusion(_chainId, _l2BatchNumber, _l2MessageIndex, m, _merkleProof))
        {
            revert InvalidProof();
        }
    }

    /// @return receiver, l1Token, amount
    function _parseL2WithdrawalMessage(uint256 _chainId, address _l2Sender, bytes calldata _m)
        internal
        view
        returns (address, address, uint256)
    {
        if (_m.length < 4) revert L2WithdrawalMessageWrongLength(_m.length);
        bytes4 selector = bytes4(_m[0:4]);
        if (selector == BASE_TOKEN_WITHDRAWAL_SELECTOR) {
            if (_l2Sender != L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR) revert WrongL2Sender(_l2Sender);
            if (_m.length != 56) revert L2WithdrawalMessageWrongLength(_m.length);
            return (address(bytes20(_m[4:24])), IBridgehub(BRIDGE_HUB).baseToken(_chainId), uint256(bytes32(_m[24:56])));
        }
        if (_l2Sender != L2_ASSET_ROUTER_ADDR) revert WrongL2Sender(_l2Sender);
        if (selector == LEGACY_ERC20_WITHDRAWAL_SELECTOR) {
            if (_m.length != 76) revert L2WithdrawalMessageWrongLength(_m.length);
            return (address(bytes20(_m[4:24])), address(bytes20(_m[24:44])), uint256(bytes32(_m[44:76])));
        }
        if (selector == ASSET_ROUTER_WITHDRAWAL_SELECTOR) {
            if (_m.length < 68) revert L2WithdrawalMessageWrongLength(_m.length);
            bytes32 id = bytes32(_m[36:68]);
            (, address receiver, address token, uint256 amount,) =
                abi.decode(_m[68:], (address, address, address, uint256, bytes));
            if (id != assetId(token)) revert AssetIdMismatch(assetId(token), id);
            return (receiver, token, amount);
        }
        revert InvalidSelector(selector);
    }

    /// @notice Returns an ERC-20 deposit whose L1->L2 transaction failed on L2 (proven by its status log).
    function claimFailedDeposit(
        uint256 _chainId,
        address _depositSender,
        address _l1Token,
        uint256 _amount,
        bytes32 _l2TxHash,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes32[] calldata _merkleProof
    ) external nonReentrant {
        bytes32 expected = keccak256(abi.encode(_depositSender, _l1Token, _amount));
        bytes32 recorded = depositHappened[_chainId][_l2TxHash];
        if (recorded == bytes32(0) || recorded != expected) revert DepositDoesNotExist();
        bool proven = IBridgehub(BRIDGE_HUB)
            .proveL1ToL2TransactionStatus(
                _chainId, _l2TxHash, _l2BatchNumber, _l2MessageIndex, _l2TxNumberInBatch, _merkleProof, TxStatus.Failure
            );
        if (!proven) revert InvalidProof();
        delete depositHappened[_chainId][_l2TxHash];
        _debit(_chainId, _l1Token, _amount);
        _transferOut(_l1Token, _depositSender, _amount);
        emit ClaimedFailedDepositSharedBridge(_chainId, _depositSender, _l1Token, _amount);
    }

    /// @notice Pays an exodus claim; only the chain's own contract, after checking the claim, may call it.
    function releaseExodusFunds(uint256 _chainId, address _account, address _l1Token, uint256 _amount)
        external
        nonReentrant
    {
        if (msg.sender != IBridgehub(BRIDGE_HUB).getZKChain(_chainId)) revert Unauthorized(msg.sender);
        _debit(_chainId, _l1Token, _amount);
        _transferOut(_l1Token, _account, _amount);
        emit ExodusFundsReleased(_chainId, _account, _l1Token, _amount);
    }

    /// @notice Returns an ERC-20 deposit whose priority op was never executed when the chain entered exodus mode;
    /// only the chain's own contract, after checking that the op is pending, may call it.
    function releasePendingDepositInExodus(
        uint256 _chainId,
        bytes32 _l2TxHash,
        address _depositSender,
        address _l1Token,
        uint256 _amount
    ) external nonReentrant {
        if (msg.sender != IBridgehub(BRIDGE_HUB).getZKChain(_chainId)) {
            revert Unauthorized(msg.sender);
        }
        bytes32 recorded = depositHappened[_chainId][_l2TxHash];
        if (recorded == bytes32(0) || recorded != keccak256(abi.encode(_depositSender, _l1Token, _amount))) {
            revert DepositDoesNotExist();
        }
        delete depositHappened[_chainId][_l2TxHash];
        _debit(_chainId, _l1Token, _amount);
        _transferOut(_l1Token, _depositSender, _amount);
        emit ClaimedFailedDepositSharedBridge(_chainId, _depositSender, _l1Token, _amount);
    }

    // ---------------------------------------------------------------- internal

    function _decodeDepositData(bytes calldata _data)
        internal
        view
        returns (address l1Token, uint256 amount, address l2Receiver)
    {
        if (_data.length > 0 && _data[0] == NEW_ENCODING_VERSION) {
            (bytes32 id, bytes memory transferData) = abi.decode(_data[1:], (bytes32, bytes));
            (amount, l2Receiver, l1Token) = abi.decode(transferData, (uint256, address, address));
            if (id != assetId(l1Token)) revert AssetIdMismatch(assetId(l1Token), id);
        } else {
            (l1Token, amount, l2Receiver) = abi.decode(_data, (address, uint256, address));
        }
    }

    function _debit(uint256 _chainId, address _l1Token, uint256 _amount) internal {
        uint256 balance = chainBalance[_chainId][_l1Token];
        if (balance < _amount) revert InsufficientChainBalance(_chainId, _l1Token, _amount, balance);
        chainBalance[_chainId][_l1Token] = balance - _amount;
    }

    /// @return received what actually arrived (fee-on-transfer tokens credit only that).
    function _pullToken(address _token, address _from, uint256 _amount) internal returns (uint256 received) {
        uint256 before = IERC20(_token).balanceOf(address(this));
        IERC20(_token).safeTransferFrom(_from, address(this), _amount);
        received = IERC20(_token).balanceOf(address(this)) - before;
    }

    function _transferOut(address _token, address _to, uint256 _amount) internal {
        if (_token == ETH_TOKEN_ADDRESS) {
            (bool ok,) = _to.call{value: _amount}("");
            if (!ok) revert EthTransferFailed();
        } else {
            IERC20(_token).safeTransfer(_to, _amount);
        }
    }

    /// @dev abi.encode(name(), symbol(), decimals()) as raw return data (era's getERC20Getters), for the L2 token.
    function _tokenMetadata(address _token) internal view returns (bytes memory) {
        if (_token == ETH_TOKEN_ADDRESS) {
            return abi.encode(abi.encode("Ether"), abi.encode("ETH"), abi.encode(uint8(18)));
        }
        (, bytes memory name) = _token.staticcall(abi.encodeWithSignature("name()"));
        (, bytes memory symbol) = _token.staticcall(abi.encodeWithSignature("symbol()"));
        (, bytes memory decimals) = _token.staticcall(abi.encodeWithSignature("decimals()"));
        return abi.encode(name, symbol, decimals);
    }
}
