// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DEVNET ONLY: an ERC-20 anyone can mint, for deposit/withdrawal tests on a local L1 (as era's
/// TestnetERC20Token). Never deploy it on a public network.
contract TestnetERC20Token is ERC20 {
    uint8 private immutable DECIMALS;

    constructor(string memory _name, string memory _symbol, uint8 _decimals) ERC20(_name, _symbol) {
        DECIMALS = _decimals;
    }

    function mint(address _to, uint256 _amount) external returns (bool) {
        _mint(_to, _amount);
        return true;
    }

    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }
}
