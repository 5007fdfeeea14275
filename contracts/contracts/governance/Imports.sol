// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Deployables used as-is from OpenZeppelin, imported so that `forge build` emits their artifacts.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
