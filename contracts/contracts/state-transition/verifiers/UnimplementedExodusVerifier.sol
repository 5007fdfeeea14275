// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IExodusVerifier} from "../chain-interfaces/IExodusVerifier.sol";
import {ExodusClaimsNotImplemented} from "../../common/L1ContractErrors.sol";

/// @title Placeholder exodus verifier that refuses every claim (`ExodusClaimsNotImplemented()`), for chains whose
/// state format has no L1 verifier; Ferrum chains use `StateTreeExodusVerifier`. Replaceable through governance
/// (`setExodusVerifier`).
contract UnimplementedExodusVerifier is IExodusVerifier {
    function verifyBalance(uint256, bytes32, address, address, uint256, bytes calldata) external pure returns (bool) {
        revert ExodusClaimsNotImplemented();
    }
}
