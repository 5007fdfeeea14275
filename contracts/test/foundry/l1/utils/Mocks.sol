// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IVerifier} from "../../../../contracts/state-transition/chain-interfaces/IVerifier.sol";
import {IExodusVerifier} from "../../../../contracts/state-transition/chain-interfaces/IExodusVerifier.sol";

/// @dev A verifier that accepts exactly proof == abi.encode(publicInputs): lets tests tell right from wrong inputs.
contract TestVerifier is IVerifier {
    function verify(uint256[] calldata _publicInputs, bytes calldata _proof) external pure returns (bool) {
        return keccak256(_proof) == keccak256(abi.encode(_publicInputs));
    }

    function verificationKeyHash() external pure returns (bytes32) {
        return keccak256("test");
    }

    function isInsecure() external pure returns (bool) {
        return false;
    }
}

/// @dev Accepts a claim iff proof == abi.encode(chainId, stateCommitment, account, token, amount).
contract TestExodusVerifier is IExodusVerifier {
    function verifyBalance(
        uint256 _chainId,
        bytes32 _stateCommitment,
        address _account,
        address _l1Token,
        uint256 _amount,
        bytes calldata _proof
    ) external pure returns (bool) {
        return keccak256(_proof) == keccak256(abi.encode(_chainId, _stateCommitment, _account, _l1Token, _amount));
    }
}

contract TestToken is ERC20 {
    uint8 internal immutable DECIMALS;

    constructor(string memory _name, string memory _symbol, uint8 _decimals) ERC20(_name, _symbol) {
        DECIMALS = _decimals;
    }

    function mint(address _to, uint256 _amount) external {
        _mint(_to, _amount);
    }

    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }
}

/// @dev Burns 1% of every transfer.
contract FeeOnTransferToken is TestToken {
    constructor() TestToken("Fee", "FEE", 18) {}

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

/// @dev A contract that refuses ETH.
contract RejectEth {
    receive() external payable {
        revert("no");
    }
}

import {ZKChain} from "../../../../contracts/state-transition/ZKChain.sol";

/// @dev The next protocol version's chain implementation, for upgrade tests.
contract ZKChainV2 is ZKChain {
    function implementationVersion() external pure override returns (string memory) {
        return "ferrum-zkchain-2";
    }

    function newFeature() external view returns (uint256) {
        return s.chainId * 2;
    }
}

/// @dev A contract without functions (a contract caller or recipient).
contract Dummy {}
