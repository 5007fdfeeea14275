// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVerifier} from "../chain-interfaces/IVerifier.sol";

/// @title INSECURE: accepts every proof. For development only, until the zkVM verifier exists.
/// @notice A chain only accepts it when asked by name (`allowInsecure` flag), and then reports
/// `isProofVerificationInsecure() == true`, which every Ferrum tool shows as a warning.
contract InsecureNoProofVerifier is IVerifier {
    event InsecureProofAccepted(uint256 batches);

    function verify(uint256[] calldata, bytes calldata) external pure returns (bool) {
        return true;
    }

    function verificationKeyHash() external pure returns (bytes32) {
        return keccak256("ferrum.InsecureNoProofVerifier");
    }

    function isInsecure() external pure returns (bool) {
        return true;
    }
}
