// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZKChainBase} from "./ZKChainBase.sol";
import {
    IMailbox,
    BridgehubL2TransactionRequest,
    L2CanonicalTransaction,
    PriorityOperation
} from "../../chain-interfaces/IMailbox.sol";
import {IExodusVerifier} from "../../chain-interfaces/IExodusVerifier.sol";
import {IL1SharedBridge} from "../../../bridge/interfaces/IL1SharedBridge.sol";
import {Merkle} from "../../../common/libraries/Merkle.sol";
import {AddressAliasHelper} from "../../../common/libraries/AddressAliasHelper.sol";
import {
    L2Log,
    L2Message,
    TxStatus,
    L2_TO_L1_LOGS_MERKLE_TREE_HEIGHT,
    L2_TO_L1_MESSENGER_SYSTEM_CONTRACT_ADDR,
    L2_BOOTLOADER_ADDRESS,
    L2_ASSET_ROUTER_ADDR,
    PRIORITY_OPERATION_L2_TX_TYPE,
    REQUIRED_L2_GAS_PRICE_PER_PUBDATA,
    MAX_PRIORITY_TX_GAS_LIMIT,
    MAX_L2_GAS_PRICE
} from "../../../common/Config.sol";
import {
    BatchNotExecuted,
    PriorityOpNotPending,
    PriorityOpAlreadyRefunded,
    CanonicalTxHashMismatch,
    ExodusClaimAlreadyDone,
    ExodusClaimsNotImplemented,
    FactoryDepsNotSupported,
    InvalidExodusProof,
    InvalidMerkleProofLength,
    InvalidPubdataPricing,
    MaxFeePerGasTooBig,
    MsgValueTooLow,
    NoPendingPriorityOps,
    PriorityOpNotExpired,
    TooMuchGas
} from "../../../common/L1ContractErrors.sol";

abstract contract Mailbox is ZKChainBase, IMailbox {
    /// @notice Appends an L1->L2 transaction to the priority queue. Called by the Bridgehub only, which has already
    /// moved `mintValue` of the base token into the shared bridge. Allowed while the chain is frozen: a freeze that
    /// outlasts the priority deadline lets anyone start exodus, so no one (not even governance) can lock users in.
    function bridgehubRequestL2Transaction(BridgehubL2TransactionRequest calldata _request)
        external
        onlyBridgehub
        notExodus
        returns (bytes32 canonicalTxHash)
    {
        if (_request.factoryDeps.length != 0) revert FactoryDepsNotSupported();
        if (_request.l2GasPerPubdataByteLimit != REQUIRED_L2_GAS_PRICE_PER_PUBDATA) {
            revert InvalidPubdataPricing(_request.l2GasPerPubdataByteLimit);
        }
        // Both bounds: the stored limit may predate MAX_PRIORITY_TX_GAS_LIMIT (storage survives upgrades).
        if (_request.l2GasLimit > s.priorityTxMaxGasLimit || _request.l2GasLimit > MAX_PRIORITY_TX_GAS_LIMIT) {
            revert TooMuchGas(_request.l2GasLimit);
        }
        uint256 gasPrice = _deriveL2GasPrice(tx.gasprice);
        if (gasPrice > MAX_L2_GAS_PRICE) revert MaxFeePerGasTooBig(gasPrice);
        uint256 baseCost = gasPrice * _request.l2GasLimit;
        if (_request.mintValue < baseCost + _request.l2Value) {
            revert MsgValueTooLow(baseCost + _request.l2Value, _request.mintValue);
        }

        uint256 txId = s.priorityQueueTail;
        uint64 expirationTimestamp = uint64(block.timestamp + s.priorityTxExpiration);
        L2CanonicalTransaction memory transaction = L2CanonicalTransaction({
            txType: PRIORITY_OPERATION_L2_TX_TYPE,
            from: uint256(uint160(_request.sender)),
            to: uint256(uint160(_request.contractL2)),
            gasLimit: _request.l2GasLimit,
            gasPerPubdataByteLimit: _request.l2GasPerPubdataByteLimit,
            maxFeePerGas: gasPrice,
            maxPriorityFeePerGas: 0,
            paymaster: 0,
            nonce: txId,
            value: _request.l2Value,
            reserved: [_request.mintValue, uint256(uint160(_request.refundRecipient)), 0, 0],
            data: _request.l2Calldata,
            signature: new bytes(0),
            factoryDeps: new uint256[](0),
            paymasterInput: new bytes(0),
            reservedDynamic: new bytes(0)
        });
        canonicalTxHash = keccak256(abi.encode(transaction));
        s.priorityQueue[txId] = PriorityOperation({
            canonicalTxHash: canonicalTxHash,
            expirationTimestamp: expirationTimestamp,
            originalCaller: _request.originalCaller
        });
        s.priorityQueueTail = txId + 1;
        emit NewPriorityRequest(txId, canonicalTxHash, expirationTimestamp, transaction, new bytes[](0));
    }

    /// @notice Base cost (in the base token) of an L1->L2 transaction:
    /// l2GasLimit * max(gasPrice * nominator / denominator, minimalL2GasPrice).
    function l2TransactionBaseCost(
        uint256 _gasPrice,
        uint256 _l2GasLimit,
        uint256 /* _l2GasPerPubdataByteLimit */
    )
        external
        view
        returns (uint256)
    {
        return _deriveL2GasPrice(_gasPrice) * _l2GasLimit;
    }

    function _deriveL2GasPrice(uint256 _l1GasPrice) internal view returns (uint256) {
        uint256 price =
            (_l1GasPrice * s.baseTokenGasPriceMultiplierNominator) / s.baseTokenGasPriceMultiplierDenominator;
        uint256 minimal = s.minimalL2GasPrice;
        return price > minimal ? price : minimal;
    }

    function proveL2MessageInclusion(
        uint256 _batchNumber,
        uint256 _index,
        L2Message calldata _message,
        bytes32[] calldata _proof
    ) external view returns (bool) {
        L2Log memory log = L2Log({
            l2ShardId: 0,
            isService: true,
            txNumberInBatch: _message.txNumberInBatch,
            sender: L2_TO_L1_MESSENGER_SYSTEM_CONTRACT_ADDR,
            key: bytes32(uint256(uint160(_message.sender))),
            value: keccak256(_message.data)
        });
        return _proveL2LogInclusion(_batchNumber, _index, log, _proof);
    }

    function proveL2LogInclusion(uint256 _batchNumber, uint256 _index, L2Log calldata _log, bytes32[] calldata _proof)
        external
        view
        returns (bool)
    {
        return _proveL2LogInclusion(_batchNumber, _index, _log, _proof);
    }

    function proveL1ToL2TransactionStatus(
        bytes32 _l2TxHash,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes32[] calldata _merkleProof,
        TxStatus _status
    ) external view returns (bool) {
        L2Log memory log = L2Log({
            l2ShardId: 0,
            isService: true,
            txNumberInBatch: _l2TxNumberInBatch,
            sender: L2_BOOTLOADER_ADDRESS,
            key: _l2TxHash,
            value: bytes32(uint256(_status))
        });
        return _proveL2LogInclusion(_l2BatchNumber, _l2MessageIndex, log, _merkleProof);
    }

    /// @dev The leaf is keccak256 of the 88-byte packed log; the root must be an executed batch's logs root.
    function _proveL2LogInclusion(uint256 _batchNumber, uint256 _index, L2Log memory _log, bytes32[] calldata _proof)
        internal
        view
        returns (bool)
    {
        if (_batchNumber == 0 || _batchNumber > s.totalBatchesExecuted) revert BatchNotExecuted(_batchNumber);
        if (_proof.length != L2_TO_L1_LOGS_MERKLE_TREE_HEIGHT) revert InvalidMerkleProofLength(_proof.length);
        bytes32 leaf = keccak256(
            abi.encodePacked(_log.l2ShardId, _log.isService, _log.txNumberInBatch, _log.sender, _log.key, _log.value)
        );
        return Merkle.calculateRoot(_proof, _index, leaf) == s.l2LogsRootHashes[_batchNumber];
    }

    function activateExodusMode() external notExodus {
        uint256 head = s.priorityQueueHead;
        if (head == s.priorityQueueTail) revert NoPendingPriorityOps();
        uint64 expiration = s.priorityQueue[head].expirationTimestamp;
        if (block.timestamp <= expiration) revert PriorityOpNotExpired(expiration);
        s.exodusMode = true;
        emit ExodusModeActivated(head, expiration);
    }

    function claimExodusBalance(address _account, address _l1Token, uint256 _amount, bytes calldata _proof)
        external
        onlyExodus
    {
        if (s.exodusClaimed[_account][_l1Token]) revert ExodusClaimAlreadyDone(_account, _l1Token);
        address v = s.exodusVerifier;
        if (v == address(0)) revert ExodusClaimsNotImplemented();
        bool ok = IExodusVerifier(v)
            .verifyBalance(s.chainId, s.lastExecutedStateCommitment, _account, _l1Token, _amount, _proof);
        if (!ok) revert InvalidExodusProof();
        s.exodusClaimed[_account][_l1Token] = true;
        emit ExodusBalanceClaimed(_account, _l1Token, _amount);
        IL1SharedBridge(s.sharedBridge).releaseExodusFunds(s.chainId, _account, _l1Token, _amount);
    }

    function claimPendingPriorityOpRefund(uint256 _txId, L2CanonicalTransaction calldata _transaction)
        external
        onlyExodus
    {
        if (_txId < s.priorityQueueHead || _txId >= s.priorityQueueTail) revert PriorityOpNotPending(_txId);
        if (s.priorityOpRefunded[_txId]) revert PriorityOpAlreadyRefunded(_txId);
        PriorityOperation memory op = s.priorityQueue[_txId];
        bytes32 h = keccak256(abi.encode(_transaction));
        if (h != op.canonicalTxHash) revert CanonicalTxHashMismatch(op.canonicalTxHash, h);
        s.priorityOpRefunded[_txId] = true;
        uint256 mintValue = _transaction.reserved[0];
        emit PendingPriorityOpRefunded(_txId, op.originalCaller, mintValue);
        IL1SharedBridge bridge = IL1SharedBridge(s.sharedBridge);
        if (mintValue != 0) bridge.releaseExodusFunds(s.chainId, op.originalCaller, s.baseToken, mintValue);
        // An ERC-20 deposit of the shared bridge: finalizeDeposit(l1Sender, l2Receiver, l1Token, amount, data).
        if (
            _transaction.from == uint256(uint160(AddressAliasHelper.applyL1ToL2Alias(s.sharedBridge)))
                && _transaction.to == uint256(uint160(L2_ASSET_ROUTER_ADDR)) && _transaction.data.length >= 4 + 32 * 4
        ) {
            (address l1Sender,, address l1Token, uint256 amount) =
                abi.decode(_transaction.data[4:4 + 32 * 4], (address, address, address, uint256));
            bridge.releasePendingDepositInExodus(s.chainId, h, l1Sender, l1Token, amount);
        }
    }

    function isPriorityOpRefunded(uint256 _txId) external view returns (bool) {
        return s.priorityOpRefunded[_txId];
    }
}
