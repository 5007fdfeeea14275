// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Admin: chain admin (operator) and governance (ChainTypeManager owner) controls.
interface IAdmin {
    /// chain admin
    function setPendingAdmin(address _newPendingAdmin) external;
    function acceptAdmin() external;
    function setValidator(address _validator, bool _active) external;
    function setPriorityTxMaxGasLimit(uint256 _newPriorityTxMaxGasLimit) external;
    function setMinimalL2GasPrice(uint256 _newMinimalL2GasPrice) external;
    /// @notice Base-token units per ETH used to price L1->L2 gas (era's name); 1/1 on ETH chains.
    function setTokenMultiplier(uint128 _nominator, uint128 _denominator) external;

    /// governance (ChainTypeManager or its owner)
    function setVerifier(address _verifier, bool _allowInsecure) external;
    function setExodusVerifier(address _exodusVerifier) external;
    function setExecutionDelay(uint256 _executionDelay) external;
    function setPriorityTxExpiration(uint256 _priorityTxExpiration) external;

    /// ChainTypeManager only
    function freezeChain() external;
    function unfreezeChain() external;
    function setProtocolVersion(uint256 _newProtocolVersion) external;

    event NewPendingAdmin(address indexed oldPendingAdmin, address indexed newPendingAdmin);
    event NewAdmin(address indexed oldAdmin, address indexed newAdmin);
    event ValidatorStatusUpdate(address indexed validatorAddress, bool isActive);
    event NewPriorityTxMaxGasLimit(uint256 oldPriorityTxMaxGasLimit, uint256 newPriorityTxMaxGasLimit);
    event NewMinimalL2GasPrice(uint256 oldMinimalL2GasPrice, uint256 newMinimalL2GasPrice);
    event NewBaseTokenMultiplier(
        uint128 oldNominator, uint128 oldDenominator, uint128 newNominator, uint128 newDenominator
    );
    event NewVerifier(address indexed oldVerifier, address indexed newVerifier, bool insecure);
    event NewExodusVerifier(address indexed oldExodusVerifier, address indexed newExodusVerifier);
    event NewExecutionDelay(uint256 oldExecutionDelay, uint256 newExecutionDelay);
    event NewPriorityTxExpiration(uint256 oldExpiration, uint256 newExpiration);
    event Freeze();
    event Unfreeze();
    event NewProtocolVersion(uint256 indexed previousProtocolVersion, uint256 indexed newProtocolVersion);
}
