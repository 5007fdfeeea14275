// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZKChainBase} from "./ZKChainBase.sol";
import {IAdmin} from "../../chain-interfaces/IAdmin.sol";
import {IVerifier} from "../../chain-interfaces/IVerifier.sol";
import {
    InsecureVerifierNotAllowed,
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

    function setPriorityTxMaxGasLimit(uint256 _newPriorityTxMaxGasLimit) external onlyAdmin {
        emit NewPriorityTxMaxGasLimit(s.priorityTxMaxGasLimit, _newPriorityTxMaxGasLimit);
        s.priorityTxMaxGasLimit = _newPriorityTxMaxGasLimit;
    }

    function setMinimalL2GasPrice(uint256 _newMinimalL2GasPrice) external onlyAdmin {
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
