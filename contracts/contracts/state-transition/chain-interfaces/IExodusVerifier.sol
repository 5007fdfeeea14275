// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Verifies, in exodus mode, that `account` held `amount` of the L1 token `l1Token` (ETH_TOKEN_ADDRESS for
/// the base token) on the chain, by a Merkle proof against the last executed state commitment.
/// The state tree (Blake2s-256, depth 64) is the L2 node's; `StateTreeExodusVerifier` implements it (docs/contracts.md).
interface IExodusVerifier {
    function verifyBalance(
        uint256 _chainId,
        bytes32 _stateCommitment,
        address _account,
        address _l1Token,
        uint256 _amount,
        bytes calldata _proof
    ) external view returns (bool);
}
