// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2TransactionRequestTwoBridgesInner} from "../../bridgehub/IBridgehub.sol";

/// @dev As era-contracts' L1Nullifier `finalizeDeposit` parameters (selector 0x74beea82, used by the ZKsync SDK).
struct FinalizeL1DepositParams {
    uint256 chainId;
    uint256 l2BatchNumber;
    uint256 l2MessageIndex;
    address l2Sender;
    uint16 l2TxNumberInBatch;
    bytes message;
    bytes32[] merkleProof;
}

/// @title The shared bridge: one L1 vault for ETH and ERC-20s of every chain (era's L1AssetRouter, L1Nullifier and
/// L1NativeTokenVault folded into one contract; their getters point back to it).
interface IL1SharedBridge {
    function BRIDGE_HUB() external view returns (address);
    function chainBalance(uint256 _chainId, address _l1Token) external view returns (uint256);
    function isWithdrawalFinalized(uint256 _chainId, uint256 _l2BatchNumber, uint256 _l2MessageIndex)
        external
        view
        returns (bool);
    function depositHappened(uint256 _chainId, bytes32 _l2TxHash) external view returns (bytes32);

    function bridgehubDepositBaseToken(uint256 _chainId, address _baseToken, address _originalCaller, uint256 _amount)
        external
        payable;
    function bridgehubDeposit(uint256 _chainId, address _originalCaller, uint256 _l2Value, bytes calldata _data)
        external
        payable
        returns (L2TransactionRequestTwoBridgesInner memory request);
    function bridgehubConfirmL2Transaction(uint256 _chainId, bytes32 _txDataHash, bytes32 _txHash) external;

    function finalizeDeposit(FinalizeL1DepositParams calldata _params) external;
    function finalizeWithdrawal(
        uint256 _chainId,
        uint256 _l2BatchNumber,
        uint256 _l2MessageIndex,
        uint16 _l2TxNumberInBatch,
        bytes calldata _message,
        bytes32[] calldata _merkleProof
    ) external;
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
    ) external;
    function releaseExodusFunds(uint256 _chainId, address _account, address _l1Token, uint256 _amount) external;
    function releasePendingDepositInExodus(
        uint256 _chainId,
        bytes32 _l2TxHash,
        address _depositSender,
        address _l1Token,
        uint256 _amount
    ) external;

    event BridgehubDepositBaseTokenInitiated(
        uint256 indexed chainId, address indexed from, address l1Token, uint256 amount
    );
    event BridgehubDepositInitiated(
        uint256 indexed chainId,
        bytes32 indexed txDataHash,
        address indexed from,
        address to,
        address l1Token,
        uint256 amount
    );
    event BridgehubDepositFinalized(
        uint256 indexed chainId, bytes32 indexed txDataHash, bytes32 indexed l2DepositTxHash
    );
    event WithdrawalFinalizedSharedBridge(
        uint256 indexed chainId, address indexed to, address indexed l1Token, uint256 amount
    );
    event ClaimedFailedDepositSharedBridge(
        uint256 indexed chainId, address indexed to, address indexed l1Token, uint256 amount
    );
    event ExodusFundsReleased(uint256 indexed chainId, address indexed to, address indexed l1Token, uint256 amount);
}
