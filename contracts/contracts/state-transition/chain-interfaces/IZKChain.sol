// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAdmin} from "./IAdmin.sol";
import {IExecutor} from "./IExecutor.sol";
import {IGetters} from "./IGetters.sol";
import {IMailbox} from "./IMailbox.sol";

/// @title The per-chain rollup contract: Executor + Mailbox + Getters + Admin behind one UUPS proxy.
interface IZKChain is IAdmin, IExecutor, IGetters, IMailbox {}
