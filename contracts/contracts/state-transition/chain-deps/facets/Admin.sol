// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZKChainBase} from "./ZKChainBase.sol";
import {IAdmin} from "../../chain-interfaces/IAdmin.sol";
import {IVerifier} from "../../chain-interfaces/IVerifier.sol";
import {MAX_PRIORITY_TX_GAS_LIMIT, MAX_L2_GAS_PRICE} from "../../../common/Config.sol";
import {
    InsecureVerifierNotAllowed,
    MinimalL2GasPriceTooBig,
    PriorityTxMaxGasLimitTooBig,
    ZeroAddress,
    NotPendingAdmin,
    ZeroDenominator
} from "../../../common/L1ContractErrors.sol";

abstract contract Admin is ZKChainBase, IAdmin {
    function setPendingAdmin(address _newPendingAdmin) external onlyAdmin {
        emit NewPendingAdmin(s.pendingAdmin, _newPendingAdmin);
        s.pendingAdmin = _newPendingAdmin;
    }

    function acceptAdmin() external {
        address pending = s.pendingAdmin;
        if (msg.sender != pending) revert NotPendingAdmin(msg.sender);
        emit NewAdmin(s.admin, pending);
        s.admin = pending;
        s.pendingAdmin = address(0);
    }

    function setValidator(address _validator, bool _active) external onlyAdmin {
        s.validators[_validator] = _active;
        emit ValidatorStatusUpdate(_validator, _active);
    }

    /// @notice At most MAX_PRIORITY_TX_GAS_LIMIT (the L2 block gas limit).
    function setPriorityTxMaxGasLimit(uint256 _newPriorityTxMaxGasLimit) external onlyAdmin {
        _checkPriorityTxMaxGasLimit(_newPriorityTxMaxGasLimit);
        emit NewPriorityTxMaxGasLimit(s.priorityTxMaxGasLimit, _newPriorityTxMaxGasLimit);
        s.priorityTxMaxGasLimit = _newPriorityTxMaxGasLimit;
    }

    /// @notice At most MAX_L2_GAS_PRICE (2^128 - 1).
    function setMinimalL2GasPrice(uint256 _newMinimalL2GasPrice) external onlyAdmin {
        _checkMinimalL2GasPrice(_newMinimalL2GasPrice);
        emit NewMinimalL2GasPrice(s.minimalL2GasPrice, _newMinimalL2GasPrice);
        s.minimalL2GasPrice = _newMinimalL2GasPrice;
    }

    function setTokenMultiplier(uint128 _nominator, uint128 _denominator) external onlyAdmin {
        if (_denominator == 0) revert ZeroDenominator();
        emit NewBaseTokenMultiplier(
            s.baseTokenGasPriceMultiplierNominator, s.baseTokenGasPriceMultiplierDenominator, _nominator, _denominator
        );
        s.baseTokenGasPriceMultiplierNominator = _nominator;
        s.baseTokenGasPriceMultiplierDenominator = _denominator;
    }

    function setVerifier(address _verifier, bool _allowInsecure) external onlyGovernance {
        _setVerifier(_verifier, _allowInsecure);
    }

    function setExodusVerifier(address _exodusVerifier) external onlyGovernance {
        emit NewExodusVerifier(s.exodusVerifier, _exodusVerifier);
        s.exodusVerifier = _exodusVerifier;
    }

    function setExecutionDelay(uint256 _executionDelay) external onlyGovernance {
        emit NewExecutionDelay(s.executionDelay, _executionDelay);
        s.executionDelay = _executionDelay;
    }

    function setPriorityTxExpiration(uint256 _priorityTxExpiration) external onlyGovernance {
        emit NewPriorityTxExpiration(s.priorityTxExpiration, _priorityTxExpiration);
        s.priorityTxExpiration = _priorityTxExpiration;
    }

    function freezeChain() external onlyChainTypeManager {
        s.isFrozen = true;
        emit Freeze();
    }

    function unfreezeChain() external onlyChainTypeManager {
        s.isFrozen = false;
        emit Unfreeze();
    }

    function setProtocolVersion(uint256 _newProtocolVersion) external onlyChainTypeManager {
        emit NewProtocolVersion(s.protocolVersion, _newProtocolVersion);
        s.protocolVersion = _newProtocolVersion;
    }

    function _checkPriorityTxMaxGasLimit(uint256 _priorityTxMaxGasLimit) internal pure {
        if (_priorityTxMaxGasLimit > MAX_PRIORITY_TX_GAS_LIMIT) {
            revert PriorityTxMaxGasLimitTooBig(_priorityTxMaxGasLimit);
        }
    }

    function _checkMinimalL2GasPrice(uint256 _minimalL2GasPrice) internal pure {
        if (_minimalL2GasPrice > MAX_L2_GAS_PRICE) revert MinimalL2GasPriceTooBig(_minimalL2GasPrice);
    }

    /// @dev `_verifier` may be zero (then proveBatches reverts). An insecure verifier needs `_allowInsecure`.
    function _setVerifier(address _verifier, bool _allowInsecure) internal {
        bool insecure;
        if (_verifier != address(0)) {
            if (_verifier.code.length == 0) revert ZeroAddress();
            insecure = IVerifier(_verifier).isInsecure();
            if (insecure && !_allowInsecure) revert InsecureVerifierNotAllowed(_verifier);
        }
        emit NewVerifier(s.verifier, _verifier, insecure);
        s.verifier = _verifier;
        s.verifierInsecure = insecure;
    }
}
