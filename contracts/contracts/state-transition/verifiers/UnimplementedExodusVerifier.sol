// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IExodusVerifier} from "../chain-interfaces/IExodusVerifier.sol";
import {ExodusClaimsNotImplemented} from "../../common/L1ContractErrors.sol";

/// @title Placeholder exodus verifier: state-tree (Blake2s, depth 64) proofs are not verified on L1 yet.
/// @notice Every claim reverts `ExodusClaimsNotImplemented()`. Replace through governance
/// (`setExodusVerifier`) once the state-tree leaf format is fixed; see docs/contracts.md.
contract UnimplementedExodusVerifier is IExodusVerifier {
    function verifyBalance(uint256, bytes32, address, address, uint256, bytes calldata) external pure returns (bool) {
        revert ExodusClaimsNotImplemented();
    }
}
