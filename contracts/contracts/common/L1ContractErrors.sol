// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Custom errors of all Ferrum L1 contracts, one place (as era's L1ContractErrors.sol).
// The comment above each is its selector; scripts/contracts-check verifies them (errors lint).

// 0x5e85ae73
error AmountMustBeGreaterThanZero();
// 0x1294e9e1
error AssetIdMismatch(bytes32 expected, bytes32 supplied);
// 0x55ad3fd3
error BatchHashMismatch(bytes32 expected, bytes32 actual);
// 0x2078a6a0
error BatchNotExecuted(uint256 batchNumber);
// 0xbd4455ff
error BatchNumberMismatch(uint256 expected, uint256 actual);
// 0x00c6ead2
error CantExecuteUnprovenBatches();
// 0xe18cb383
error CantRevertExecutedBatch();
// 0x15ec041e
error CantRevertNonCommittedBatch();
// 0x625fc3a6
error ChainAlreadyExists(uint256 chainId);
// 0x7e85d5f7
error ChainFrozen();
// 0x717a1656
error ChainIdCantBeCurrentChain();
// 0x2ff10710
error ChainIdTooBig(uint256 chainId);
// 0x4a7f43fa
error ChainNotFound(uint256 chainId);
// 0x08e373c3
error ChainTypeManagerAlreadyRegistered(address chainTypeManager);
// 0x999db71b
error ChainTypeManagerNotRegistered(address chainTypeManager);
// 0xc7c9660f
error DepositDoesNotExist();
// 0xad2fa98e
error DepositExists();
// 0x12de1df3
error EmptyBatches();
// 0xfc7ab1d3
error EmptyBlobVersionHash(uint256 index);
// 0x6d963f88
error EthTransferFailed();
// 0xf3beff9b
error ExecutionDelayNotPassed();
// 0x579ddb15
error ExodusClaimAlreadyDone(address account, address l1Token);
// 0x3734d797
error ExodusClaimsNotImplemented();
// 0xea90ee31
error ExodusModeActive();
// 0xca38e97c
error ExodusModeNotActive();
// 0xba87a28b
error FactoryDepsNotSupported();
// 0xe11c84d1
error InsecureVerifierNotAllowed(address verifier);
// 0x28436d8c
error InsufficientChainBalance(uint256 chainId, address l1Token, uint256 requested, uint256 available);
// 0x52b2f124
error InvalidDACommitment(bytes32 expected, bytes32 actual);
// 0xe16cc604
error InvalidExodusProof();
// 0x7d405527
error InvalidMerkleProofLength(uint256 length);
// 0x09bde339
error InvalidProof();
// 0xb04c164e
error InvalidPubdataPricing(uint256 l2GasPerPubdataByteLimit);
// 0x5717f940
error InvalidPubdataSource(uint8 source);
// 0x12ba286f
error InvalidSelector(bytes4 selector);
// 0x97e1359e
error L2WithdrawalMessageWrongLength(uint256 length);
// 0xff633a38
error LengthMismatch();
// 0x5ce980de
error MaxFeePerGasTooBig(uint256 maxFeePerGas);
// 0x9bb54c35
error MerkleIndexOutOfBounds();
// 0x8e23ac1a
error MerklePathEmpty();
// 0x1c500385
error MerklePathOutOfBounds();
// 0xdaa688cc
error MinimalL2GasPriceTooBig(uint256 minimalL2GasPrice);
// 0x4a094431
error MsgValueMismatch(uint256 expected, uint256 actual);
// 0xb385a3da
error MsgValueTooLow(uint256 required, uint256 provided);
// 0x2a76d6d0
error NoPendingPriorityOps();
// 0x43c13a47
error NoUpgradeForVersion(uint256 protocolVersion);
// 0x79e2e003
error NoVerifier();
// 0x536ec84b
error NonEmptyMsgValue();
// 0x210790be
error NotEnoughPriorityOps(uint256 required, uint256 available);
// 0x1d0022d1
error NotPendingAdmin(address caller);
// 0xe944ad94
error PriorityOpNotExpired(uint64 expirationTimestamp);
// 0x0515513c
error PriorityOperationsRollingHashMismatch(bytes32 computed, bytes32 claimed);
// 0x1db6d627
error PriorityTxMaxGasLimitTooBig(uint256 priorityTxMaxGasLimit);
// 0x89a9f9af
error ProtocolVersionMismatch(uint256 current, uint256 given);
// 0xf076f48f
error SupplyMismatch(uint256 expected, uint256 actual);
// 0x2d50c33b
error TimestampError();
// 0xe6b86cbb
error TokenIsBaseToken(address l1Token);
// 0x23830e28
error TokensWithFeesNotSupported();
// 0x00d7e4e7
error TooMuchGas(uint256 l2GasLimit);
// 0x8e4a23d6
error Unauthorized(address caller);
// 0xb2c669a6
error VerifiedBatchesExceedsCommittedBatches(uint256 verified, uint256 committed);
// 0x898d1451
error WithdrawalAlreadyFinalized(uint256 chainId, uint256 l2BatchNumber, uint256 l2MessageIndex);
// 0x857c0bad
error WrongChainId(uint256 given, uint256 expected);
// 0x636c90db
error WrongL2Sender(address l2Sender);
// 0x1aee5086
error WrongMagicValue(bytes32 magicValue);
// 0xd92e233d
error ZeroAddress();
// 0xc84885d4
error ZeroChainId();
// 0x4d081a5e
error CanonicalTxHashMismatch(bytes32 expected, bytes32 actual);
// 0x9576d64f
error PriorityOpAlreadyRefunded(uint256 txId);
// 0x9cc6e898
error PriorityOpNotPending(uint256 txId);
// 0x1d1e6f5b
error ZeroDenominator();
// 0x5045eebb
error NotACouncilMember(address caller);
// 0xa72db787
error AlreadyApproved(bytes32 actionId, address member);
// 0x48eae514
error ActionAlreadyExecuted(bytes32 actionId);
// 0x7b7a98f1
error InvalidThreshold(uint256 threshold, uint256 members);
// 0xce22e23f
error CouncilCallFailed(bytes returnData);
// 0xb0800614
error ProtocolVersionNotActive(uint256 protocolVersion);
