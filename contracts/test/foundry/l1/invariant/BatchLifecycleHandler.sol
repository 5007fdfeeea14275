// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../unit/concrete/_Shared.t.sol";
import {IExecutor} from "../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";

/// @dev Drives random deposits, commits, proofs, executions and reverts of batches, and keeps a model of what the
/// chain must hold. Every action is valid by construction; the properties compare the chain with the model.
contract BatchLifecycleHandler is FerrumTestBase {
    IExecutor.StoredBatchInfo[] internal model; // model[n] = batch n (model[0] = genesis)
    uint256[] internal cumulativeOps; // cumulativeOps[n] = priority ops consumed by batches 1..n
    bytes32[] internal ops;
    uint256 public committed;
    uint256 public verified;
    uint256 public executed;

    constructor() {
        setUp();
        model.push(lastCommitted);
        cumulativeOps.push(0);
    }

    function deposit(uint64 _amount) external {
        vm.deal(alice, 1000 ether); // any number of deposits stays affordable (one is at most ~18.5 ether)
        ops.push(_depositEth(alice, uint256(_amount) + 1));
    }

    function commit(uint8 _nOps) external {
        uint256 available = ops.length - cumulativeOps[committed];
        uint256 n = available == 0 ? 0 : uint256(_nOps) % (available + 1);
        bytes32[] memory batchOps = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            batchOps[i] = ops[cumulativeOps[committed] + i];
        }
        vm.warp(block.timestamp + 1);
        lastCommitted = model[committed];
        IExecutor.CommitBatchInfo memory info =
            _commitInfo(keccak256(abi.encode("state", committed + 1, block.timestamp)), batchOps, bytes32(0));
        IExecutor.StoredBatchInfo memory stored = _commit(info);
        if (model.length > committed + 1) {
            model[committed + 1] = stored;
            cumulativeOps[committed + 1] = cumulativeOps[committed] + n;
        } else {
            model.push(stored);
            cumulativeOps.push(cumulativeOps[committed] + n);
        }
        ++committed;
    }

    function prove() external {
        if (verified == committed) return;
        lastVerified = model[verified];
        _prove(model[verified + 1]);
        ++verified;
    }

    function execute() external {
        if (executed == verified) return;
        _execute(model[executed + 1]);
        ++executed;
    }

    function revertTo(uint8 _seed) external {
        uint256 target = executed + uint256(_seed) % (committed - executed + 1);
        vm.prank(validator);
        chain.revertBatchesSharedBridge(CHAIN_ID, target);
        committed = target;
        if (verified > target) verified = target;
    }

    // ---- views for the properties

    function chainAddress() external view returns (address) {
        return address(chain);
    }

    function modelBatchHash(uint256 _n) external view returns (bytes32) {
        return keccak256(abi.encode(model[_n]));
    }

    function modelStateCommitment(uint256 _n) external view returns (bytes32) {
        return model[_n].batchHash;
    }

    function opsExecuted() external view returns (uint256) {
        return cumulativeOps[executed];
    }

    function opsRequested() external view returns (uint256) {
        return ops.length;
    }
}
