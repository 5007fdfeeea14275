// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ZKChainStorage} from "../ZKChainStorage.sol";
import {
    Unauthorized,
    ChainFrozen,
    ExodusModeActive,
    ExodusModeNotActive,
    WrongChainId
} from "../../../common/L1ContractErrors.sol";

/// @notice Shared storage and access modifiers of the chain contract's facets.
abstract contract ZKChainBase {
    ZKChainStorage internal s;

    modifier onlyAdmin() {
        if (msg.sender != s.admin) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyValidator() {
        if (!s.validators[msg.sender]) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyBridgehub() {
        if (msg.sender != s.bridgehub) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyChainTypeManager() {
        if (msg.sender != s.chainTypeManager) revert Unauthorized(msg.sender);
        _;
    }

    /// @dev The ChainTypeManager or its owner (the governance timelock).
    modifier onlyGovernance() {
        if (msg.sender != s.chainTypeManager && msg.sender != Ownable(s.chainTypeManager).owner()) {
            revert Unauthorized(msg.sender);
        }
        _;
    }

    modifier notFrozen() {
        if (s.isFrozen) revert ChainFrozen();
        _;
    }

    modifier notExodus() {
        if (s.exodusMode) revert ExodusModeActive();
        _;
    }

    modifier onlyExodus() {
        if (!s.exodusMode) revert ExodusModeNotActive();
        _;
    }

    modifier onlyThisChain(uint256 _chainId) {
        if (_chainId != s.chainId) revert WrongChainId(_chainId, s.chainId);
        _;
    }
}
