// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2Log, L2Message, TxStatus} from "../../common/Config.sol";

/// @dev Bridgehub -> chain request (as era's BridgehubL2TransactionRequest).
struct BridgehubL2TransactionRequest {
    address sender;
    address contractL2;
    uint256 mintValue;
    uint256 l2Value;
    bytes l2Calldata;
    uint256 l2GasLimit;
    uint256 l2GasPerPubdataByteLimit;
    bytes[] factoryDeps;
    address refundRecipient;
    /// @dev The L1 account that paid for the request (msg.sender of the Bridgehub call): refunded in exodus mode.
    address originalCaller;
}

/// @dev The L1->L2 transaction as the L2 sees it (era layout); canonicalTxHash = keccak256(abi.encode(tx)).
/// reserved[0] = mintValue (base token minted on L2), reserved[1] = refund recipient.
struct L2CanonicalTransaction {
    uint256 txType;
    uint256 from;
    uint256 to;
    uint256 gasLimit;
    uint256 gasPerPubdataByteLimit;
    uint256 maxFeePerGas;
    uint256 maxPriorityFeePerGas;
    uint256 paymaster;
    uint256 nonce;
    uint256 value;
    uint256[4] reserved;
    bytes data;
    bytes signature;
    uint256[] factoryDeps;
    bytes paymasterInput;
    bytes reservedDynamic;
}

/// @dev An entry of the priority queue (era's layout, with era's always-zero `layer2Tip` replaced by the L1 payer,
/// who gets the op's value back if the chain enters exodus mode before executing it).
struct PriorityOperation {
    bytes32 canonicalTxHash;
    uint64 expirationTimestamp;
    address originalCaller;
}

/// @title Mailbox: L1->L2 priority queue, L2->L1 message proofs, exodus mode.
interface IMailbox {
    function bridgehubRequestL2Transaction(BridgehubL2TransactionRequest calldata _request)
        external
        returns (bytes32 canonicalTxHash);

    function l2TransactionBaseCost(uint256 _gasPrice, uint256 _l2GasLimit, uint256 _l2GasPerPubdataByteLimit)
        external
        view
        returns (uint256);

    function proveL2MessageInclusion(
        uint256 _batchNumber,
        uint256 _index,
        L2Message calldata _message,
        bytes32[] calldata _proof
    ) external view returns (bool);

    function proveL2LogInclusion(uint256 _batchNumber, uint256 _index, L2Log calldata _log, bytes32[] calldata _proof)
        external
        view
        returns (bool);

    function proveL1ToL2TransactionStatus(
        bytes32 _l2TxHash,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes32[] calldata _merkleProof,
        TxStatus _status
    ) external view returns (bool);

    /// @notice Anyone: freezes the chain into exodus mode once the oldest pending priority op is past its deadline.
    function activateExodusMode() external;

    /// @notice In exodus mode: pays `_account` its balance of `_l1Token` proven against the last executed state.
    function claimExodusBalance(address _account, address _l1Token, uint256 _amount, bytes calldata _proof) external;

    /// @notice In exodus mode: returns the value of a priority op that was never executed (its base-token
    /// `mintValue` to the L1 payer and, for an ERC-20 deposit, the tokens to the depositor). `_transaction` is the
    /// op's L2CanonicalTransaction from its NewPriorityRequest event.
    function claimPendingPriorityOpRefund(uint256 _txId, L2CanonicalTransaction calldata _transaction) external;

    function isPriorityOpRefunded(uint256 _txId) external view returns (bool);

    event NewPriorityRequest(
        uint256 txId,
        bytes32 txHash,
        uint64 expirationTimestamp,
        L2CanonicalTransaction transaction,
        bytes[] factoryDeps
    );
    event ExodusModeActivated(uint256 oldestPendingPriorityTxId, uint64 expirationTimestamp);
    event ExodusBalanceClaimed(address indexed account, address indexed l1Token, uint256 amount);
    event PendingPriorityOpRefunded(uint256 indexed txId, address indexed originalCaller, uint256 mintValue);
}
