// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SupplyMismatch, LengthMismatch} from "../common/L1ContractErrors.sol";

/// @title The ZK token: 21,000,000,000 ZK (18 decimals), minted once at deployment; votes (ERC20Votes) and
/// gasless approvals (ERC20Permit). No mint function exists after construction.
contract ZKToken is ERC20, ERC20Permit, ERC20Votes {
    uint256 public constant TOTAL_SUPPLY = 21_000_000_000 ether;

    constructor(address[] memory _holders, uint256[] memory _amounts) ERC20("ZK", "ZK") ERC20Permit("ZK") {
        if (_holders.length != _amounts.length) revert LengthMismatch();
        uint256 total;
        for (uint256 i; i < _holders.length; ++i) {
            _mint(_holders[i], _amounts[i]);
            total += _amounts[i];
        }
        if (total != TOTAL_SUPPLY) revert SupplyMismatch(TOTAL_SUPPLY, total);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
